"""Measured speed figures for costmodel; prints a table. Run with `make bench`.

Timings depend on the machine; they are printed, not asserted (no timed tests).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from costmodel import estimate, load_architecture, load_snapshot


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs [s]."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def fleet(n: int) -> pd.DataFrame:
    """``n`` EC2 / RDS / ElastiCache resources with random sizes and hours."""
    rng = np.random.default_rng(0)
    choices = [
        ("AmazonEC2", "BoxUsage:c5.large", "RunInstances"),
        ("AmazonEC2", "BoxUsage:c5.2xlarge", "RunInstances"),
        ("AmazonRDS", "InstanceUsage:db.r5.xl", "CreateDBInstance:0014"),
        ("AmazonElastiCache", "NodeUsage:cache.r6g.large", "CreateCacheCluster:0002"),
        ("AWSDataTransfer", "DataTransfer-Out-Bytes", ""),
    ]
    picks = rng.integers(0, len(choices), n)
    table = pd.DataFrame([choices[i] for i in picks], columns=["service_code", "usage_type", "operation"])
    table["region"] = "us-east-1"
    table["quantity"] = rng.uniform(0, 744, n)
    return table


def commitment_benchmarks(catalog: object) -> list[tuple[str, float, str]]:
    """Apply a portfolio to one year of hourly usage for 100 families, then recommend."""
    from costmodel.commitments import Commitment, Portfolio, apply, recommend

    hours = pd.date_range("2026-01-01", periods=8760, freq="h")
    rng = np.random.default_rng(1)
    types = ["c5.large", "c5.xlarge", "c5.2xlarge", "c5.4xlarge"]
    rates = {"c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34, "c5.4xlarge": 0.68}
    families = [
        pd.DataFrame(rng.integers(0, 10, (len(hours), 4)), index=hours, columns=types, dtype=float)
        for _ in range(100)
    ]
    portfolio = Portfolio(
        [Commitment("reserved_instance", instance_type="c5.2xlarge", count=6, recurring_hourly=0.214)]
    )

    def apply_all() -> None:
        for usage in families:
            apply(portfolio, usage, rates)

    def recommend_all() -> None:
        for usage in families:
            recommend(usage, instance_type="c5.2xlarge", catalog=catalog)

    return [
        ("apply a portfolio: 100 families x 8,760 h", best_of(apply_all, 1), "s"),
        ("recommend: 100 families x 8,760 h", best_of(recommend_all, 1), "s"),
    ]


def reconcile_benchmarks(catalog: object) -> list[tuple[str, float, str]]:
    """Reconcile 12 simulated months; count Cost Explorer calls of a first and a cached fetch."""
    import tempfile

    from costmodel.actuals import fetch, read_cost_and_usage
    from costmodel.reconcile import months
    from costmodel.samples import simulate

    arch = load_architecture()
    twelve = tuple(str(p) for p in pd.period_range("2025-11", "2026-10", freq="M"))
    ce = read_cost_and_usage(simulate(arch, catalog, months=twelve), origin="simulated")
    seconds = best_of(lambda: months(ce, arch, catalog))

    class CountingClient:
        """Answers every GetCostAndUsage with a final month of $1 and counts the calls."""

        calls = 0

        def get_cost_and_usage(self, **request: object) -> dict:
            CountingClient.calls += 1
            one = {"UnblendedCost": {"Amount": "1", "Unit": "USD"}}
            result = {"TimePeriod": request["TimePeriod"], "Total": {}, "Groups": [], "Estimated": False}
            if request.get("GroupBy"):
                result["Groups"] = [{"Keys": ["Tax", "Tax"], "Metrics": one}]
            else:
                result["Total"] = one
            return {"ResultsByTime": [result]}

    with tempfile.TemporaryDirectory() as cache:
        first = fetch(
            "2025-11-01",
            "2026-11-01",
            client=CountingClient(),
            cache_dir=cache,
            progress=lambda *a: None,
            account="000000000000",
        )
        second = fetch(
            "2025-11-01",
            "2026-11-01",
            client=CountingClient(),
            cache_dir=cache,
            progress=lambda *a: None,
            account="000000000000",
        )
    return [
        ("reconcile 12 months (simulated actuals)", seconds, "s"),
        ("Cost Explorer calls, first fetch of 12 months", float(first["api_calls"]), " calls"),
        ("Cost Explorer calls, second (cached) fetch", float(second["api_calls"]), " calls"),
    ]


def scaling_benchmarks(catalog: object) -> list[tuple[str, float, str]]:
    """A 10,000-scenario x 36-month Monte Carlo and a 1,000-point cost curve per service."""
    from costmodel import scaling

    arch = load_architecture()
    rows = [
        (
            "Monte Carlo: 10,000 scenarios x 36 months",
            best_of(lambda: scaling.monte_carlo(arch, months=36, n=10_000, catalog=catalog), 1),
            "s",
        )
    ]
    loads = {
        "eks": np.linspace(1000, 30000, 1000),
        "rds": np.linspace(0.5, 10, 1000),
        "elasticache": np.linspace(10, 400, 1000),
        "msk": np.linspace(1, 100, 1000),
    }
    for service, load in loads.items():
        rows.append(
            (
                f"cost curve, 1,000 points: {service}",
                best_of(lambda s=service, x=load: scaling.cost_curve(arch, s, x, catalog)),
                "s",
            )
        )
    return rows


def report_benchmarks() -> list[tuple[str, float, str]]:
    """Execute every notebook once; build one monthly report."""
    import tempfile
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    from costmodel.report import build_report

    notebooks = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))

    def run_all() -> None:
        for path in notebooks:
            book = nbformat.read(path, as_version=4)
            NotebookClient(
                book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
            ).execute()

    with tempfile.TemporaryDirectory() as out:
        report = best_of(lambda: build_report("2026-10", out))
    return [
        (f"execute all {len(notebooks)} notebooks", best_of(run_all, 1), "s"),
        ("build one monthly report (HTML)", report, "s"),
    ]


def finance_benchmarks() -> list[tuple[str, float, str]]:
    """Forecast accuracy (backtests on the sample) and anomaly detection against the planted
    ground truth, with their timings."""
    from costmodel.actuals import read_actuals
    from costmodel.actuals.series import cut, monthly_bill
    from costmodel.anomalies import detect
    from costmodel.data_files import SAMPLE_DAILY, SAMPLE_MONTHLY, data_path
    from costmodel.forecast import backtest, forecast
    from costmodel.usage_types import strip_region_prefix

    monthly, daily = read_actuals(data_path(*SAMPLE_MONTHLY)), read_actuals(data_path(*SAMPLE_DAILY))
    october = float(monthly_bill(monthly).set_index("month").loc["2026-10", "actual"])
    rows = [
        (
            "forecast backtest: monthly trend, last 2 months held out",
            backtest(monthly_bill(monthly)),
            " % MAPE",
        )
    ]
    for day in ("2026-10-09", "2026-10-16", "2026-10-24"):
        expected = forecast(cut(daily, day), months=1).current.expected
        rows.append(
            (
                f"month-end forecast of October from days before {day[-2:]}",
                100 * abs(expected - october) / october,
                " % error",
            )
        )
    rows.append(
        (
            "month-end forecast (daily ETS, 2,000 paths)",
            best_of(lambda: forecast(cut(daily, "2026-10-16"))),
            "s",
        )
    )
    planted = pd.read_csv(data_path("actuals", "planted-anomalies.csv"))
    truth = set(zip(planted["date"], planted["service"], planted["usage_type"], strict=True))
    found = detect(daily)
    keys = set(
        zip(
            found.anomalies["date"].dt.strftime("%Y-%m-%d"),
            found.anomalies["service"],
            found.anomalies["usage_type"].map(strip_region_prefix),
            strict=True,
        )
    )
    rows += [
        ("anomalies: planted days found", float(len(keys & truth)), f" of {len(truth)}"),
        ("anomalies: false alarms", float(len(keys - truth)), f" of {found.scored_days:,} series-days"),
        ("anomaly detection over 153 days", best_of(lambda: detect(daily)), "s"),
    ]
    return rows


def main() -> None:
    rows = []
    rows.append(("catalog load (shipped snapshot)", best_of(load_snapshot), "s"))
    catalog = load_snapshot()
    arch = load_architecture()
    rows.append(
        (
            "estimate, production architecture (in process)",
            best_of(lambda: estimate(arch, catalog)),
            "s",
        )
    )
    resources = fleet(100_000)
    rows.append(("vectorized pricing of 100,000 resources", best_of(lambda: catalog.price(resources)), "s"))
    cli = [sys.executable, "-m", "costmodel.cli", "estimate", "--format", "json"]
    rows.append(
        (
            "`costmodel estimate` as a whole process",
            best_of(lambda: subprocess.run(cli, check=True, capture_output=True)),
            "s",
        )
    )
    rows += commitment_benchmarks(catalog)
    rows += reconcile_benchmarks(catalog)
    rows += scaling_benchmarks(catalog)
    rows += finance_benchmarks()
    rows += report_benchmarks()
    print(f"{'benchmark (best of 3; apply/recommend/MC/notebooks: 1 run)':<50} {'time':>10}")
    for name, seconds, unit in rows:
        value = f"{seconds:>9.0f}" if unit == " calls" or unit.startswith(" of") else f"{seconds:>9.3f}"
        print(f"{name:<50} {value}{unit}")


if __name__ == "__main__":
    main()
