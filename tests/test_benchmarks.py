"""The benchmark script runs, and its check that a fast path equals its baseline can fail."""

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


def test_quick_benchmark_of_one_case_compares_it_with_its_baseline():
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--only", "monthly groups"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    line = next(row for row in result.stdout.splitlines() if "monthly groups" in row)
    # 50,000 line items aggregated by DuckDB and by pandas give the same groups
    assert "50,000 line items" in line and "pandas" in line and line.rstrip().endswith("yes")
