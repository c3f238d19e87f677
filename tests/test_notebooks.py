"""Every notebook runs top to bottom on the bundled data, without AWS credentials."""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_and_shows_every_chart_once(path):
    book = execute(path)  # raises CellExecutionError on any failing cell
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


def raw_total(month_start: str) -> float:
    """The bill of a month summed straight from the sample file's Amount strings."""
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
