"""Every notebook runs top to bottom on the bundled data, without AWS credentials, and reads
right in a real browser (JupyterLab in headless Chromium).

The tests of this module share one execution of each notebook: they run on one pytest-xdist
worker (``--dist loadgroup``, see the Makefile) with a module-scoped cache.
"""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests import browser

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.xdist_group("notebooks")


def execute(path: Path, parameters: dict | None = None) -> nbformat.NotebookNode:
    book = nbformat.read(path, as_version=4)
    if parameters:
        cell = next(c for c in book.cells if "parameters" in c.metadata.get("tags", []))
        cell.source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    NotebookClient(
        book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return book


def test_there_are_three_notebooks():
    assert [p.stem for p in NOTEBOOKS] == ["capacity-what-ifs", "finance-review", "monthly-cost-report"]


@pytest.fixture(scope="module")
def executed():
    """Each notebook executed once for the module's tests (the browser test opens them)."""
    books: dict[Path, nbformat.NotebookNode] = {}

    def get(path: Path) -> nbformat.NotebookNode:
        if path not in books:
            books[path] = execute(path)  # raises CellExecutionError on any failing cell
        return books[path]

    return get


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_and_shows_every_chart_once(path, executed):
    book = executed(path)
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any(o.get("output_type") in ("display_data", "execute_result") for o in outputs)
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        # A figure's text/plain fallback is fine beside its image/png; alone, the chart was printed.
        texts = [
            o.get("data", {}).get("text/plain", "") + o.get("text", "")
            for o in cell.outputs
            if "image/png" not in o.get("data", {})
        ]
        assert not [t for t in texts if "<Figure size" in t], cell.source
        charts = len(re.findall(r"\bplot_\w+\(|\bImage\(|\.plot(?:\.\w+)?\(", cell.source))
        images = sum("image/png" in o.get("data", {}) for o in cell.outputs)
        # no raw number a reviewer would have to read around: 744.600000, nan
        shown = "".join(o.get("text", "") + o.get("data", {}).get("text/html", "") for o in cell.outputs)
        raw = re.findall(r"(?<![\d.,$])\d+\.\d{3,}(?!\d*%)|\bnan\b|\bNaN\b", shown)
        assert not raw, (raw[:5], cell.source[:200])
        if "for " in cell.source and charts:
            assert images >= charts, cell.source  # a loop shows one chart per pass
        else:
            assert images == charts, (images, cell.source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert any("parameters" in c.metadata.get("tags", []) for c in code)


def raw_total(month_start: str, service: str | None = None) -> float:
    """The bill of a month (or one ``service``'s part of it) summed straight from the sample
    file's Amount strings."""
    import json
    from decimal import Decimal

    sample = json.loads(
        (Path(__file__).parent.parent / "data" / "actuals" / "ce-2026-06..2026-10.json").read_text()
    )
    return float(
        sum(
            Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
            for r in sample["requests"]
            for p in r["pages"]
            for res in p["ResultsByTime"]
            if res["TimePeriod"]["Start"] == month_start
            for g in res["Groups"]
            if service is None or g["Keys"][0] == service
        )
    )


def test_monthly_report_notebook_takes_parameters(tmp_path):
    from costmodel.output import money

    book = execute(NOTEBOOKS[2], {"month": "2026-09", "out_dir": str(tmp_path)})
    text = "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "")
        for c in book.cells
        for o in c.get("outputs", [])
    )
    # the headline's first figure is the bill, summed straight from the file
    assert f"the bill (unblended, tax and support included) {money(raw_total('2026-09-01'))}" in text
    assert (tmp_path / "cost-report-2026-09.html").exists()


def test_importing_costmodel_leaves_the_matplotlib_backend_alone():
    import subprocess
    import sys

    code = (
        "import matplotlib; matplotlib.use('pdf'); import pkgutil, importlib, costmodel\n"
        "for m in pkgutil.walk_packages(costmodel.__path__, 'costmodel.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(matplotlib.get_backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "pdf", out.stderr


def control_notebook() -> nbformat.NotebookNode:
    """A notebook with a plain pandas table (MathJax left on, pandas' default) whose cell
    holds two ``$``: JupyterLab typesets it, which proves the browser check can fail."""
    import pandas as pd

    table = pd.DataFrame({"figures": ["Control plane $73.00 + Worker nodes $900.00"]}).style.to_html()
    cell = nbformat.v4.new_code_cell("table", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/html": table}, execution_count=1)]
    return nbformat.v4.new_notebook(cells=[cell])


def test_notebooks_and_report_read_right_in_a_real_browser(executed, tmp_path):
    """The executed notebooks opened in JupyterLab (untrusted, as a user opening the files
    sees them) and the HTML report, in headless Chromium: no table cell typeset as maths, no
    ``<Figure size`` text, charts drawn, shading kept, the report readable on a phone.
    Screenshots stay in artifacts/browser/ (git-ignored; CI keeps them)."""
    reason = browser.missing()
    if reason:
        pytest.skip(f"no browser test: {reason}")
    from costmodel.report import build_report

    root = tmp_path / "lab"
    root.mkdir()
    kept = browser.ARTIFACTS / "notebooks"
    kept.mkdir(parents=True, exist_ok=True)
    for path in NOTEBOOKS:
        nbformat.write(executed(path), root / path.name)
        shutil.copy(root / path.name, kept / path.name)
    nbformat.write(control_notebook(), root / "control.ipynb")
    report = build_report("2026-10", browser.ARTIFACTS)
    facts = {}
    with browser.jupyterlab(root) as lab, browser.chromium() as driver:
        for path in NOTEBOOKS:
            facts[path.stem] = browser.open_notebook(driver, lab, path.name)
            browser.screenshots(driver, path.stem)
        # last: without a kernelspec, JupyterLab asks for a kernel in a dialog
        facts["control"] = browser.open_notebook(driver, lab, "control.ipynb")
        driver.get(report.as_uri())
        facts["report"] = driver.execute_script(browser.PAGE_FACTS, None)
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1400, min(height + 100, 16000))
        driver.save_screenshot(str(browser.ARTIFACTS / "report.png"))
        driver.set_window_size(412, 900)  # a phone: the page fits, wide tables scroll in place
        phone_width = driver.execute_script("return document.documentElement.scrollWidth")
        driver.save_screenshot(str(browser.ARTIFACTS / "report-phone.png"))
    for name, found in facts.items():
        print(f"{name}: {found}")
    print(f"report on a 412 px wide screen: {phone_width} px wide")
    # MathJax runs in this JupyterLab: a plain pandas table with two $ is typeset
    assert facts["control"]["typeset_in_tables"] > 0, facts["control"]
    for name, found in facts.items():
        if name == "control":
            continue
        assert found["typeset_anywhere"] == 0, (name, found)
        assert found["figure_text"] == 0, (name, found)
        assert found["tables"] > 0 and found["images"] > 0, (name, found)
    # an untrusted notebook keeps its styling: the flagged lines are shaded
    assert facts["finance-review"]["shaded_cells"] > 0
    assert phone_width <= 420
