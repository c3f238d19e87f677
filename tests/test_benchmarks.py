"""The benchmark script runs, and its check that a fast path equals its baseline can fail."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import same  # noqa: E402


def test_same_tells_a_different_result_apart():
    frame = pd.DataFrame({"month": ["2026-10"], "unblended_cost": [100.0]})
    assert same(frame, frame.copy())
    assert not same(frame, frame.assign(unblended_cost=100.01))
    assert not same(frame, frame.assign(month="2026-09"))
    assert same(["EKS worker nodes"], ["EKS worker nodes"]) and not same(["a"], ["b"])


def test_quick_benchmark_of_the_line_items_compares_the_bill_with_bare_duckdb_and_pandas():
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--only", "line items"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    lines = result.stdout.splitlines()
    header = next(row for row in lines if row.lstrip().startswith("line items"))
    line = next(row for row in lines if row.lstrip().startswith("50,000"))
    # a generated export of 50,000 line items: the bill beside bare DuckDB and lean pandas,
    # interleaved, and the same rows as pandas gives
    assert "bare DuckDB" in header and "x bare" in header and "lean pandas" in header
    assert re.search(r"\d\.\d\dx", line) and line.rstrip().endswith("yes")


def test_the_generated_bills_read_as_cost_explorer_data_with_their_truth():
    import bills

    from costmodel.actuals import read_actuals

    generated = bills.bill(100)
    actuals = read_actuals(bills.ce_payload(generated, "MONTHLY"), "seed 100")
    # every month's ungrouped total is the generator's own sum of its days, to the cent
    totals = actuals.controls.set_index("month")["control_total"]
    assert (totals - generated.monthly_totals()).abs().max() < 0.01 and len(totals) == bills.MONTHS
    leak = generated.anomalies.loc[generated.anomalies["kind"] == "leak"]
    assert len(leak) == 14 and leak["usage_type"].nunique() == 1  # the +$60/day leak's 14 days
