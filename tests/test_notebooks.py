"""Every notebook runs top to bottom on the bundled data, without AWS credentials."""

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
def test_notebook_executes(path):
    book = execute(path)  # raises CellExecutionError on any failing cell
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any(o.get("output_type") in ("display_data", "execute_result") for o in outputs)


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
    text = "".join(o.get("text", "") for c in book.cells for o in c.get("outputs", []))
    assert f"Actual {money(raw_total('2026-09-01'))}" in text
    assert (tmp_path / "cost-report-2026-09.html").exists()
