"""Measured speed and memory of costmodel, each against its baseline; prints tables.

Run with `make bench` (about 20 minutes: 5 runs of each case, 10 million CUR line items,
1 million Monte Carlo scenarios) or `python benchmarks/run.py --quick` (small sizes, 2 runs:
a smoke test of the script itself). Timings depend on the machine: they are printed, not
asserted (no timed tests). What is asserted is that each fast path gives the same result
as its baseline (the pandas path, the per-row lookup, the unchunked Monte Carlo).

Each case runs in a fresh process, so its peak memory is its own: the peak resident set
size during the timed runs (inputs included, imports too: about 200 MB of the figure).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

import cases


@dataclass(frozen=True)
class Bench:
    name: str
    case: str
    params: dict = field(default_factory=dict)
    baseline: tuple[str, str, dict] | None = None  # (label, case, params)
    runs: int | None = None  # default: --runs


def _peak_rss_mb() -> float:
    """Peak resident set size since the last reset [MB] (Linux VmHWM; else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # Linux >= 4.0: "5" resets the peak RSS to the current RSS
        Path("/proc/self/clear_refs").write_text("5")


def _measure(case: str, params: dict, runs: int, keep_result: bool) -> dict:
    """In a fresh process: build the case, time ``runs`` calls, report min, median and peak."""
    fn = getattr(cases, case)(**params)
    _reset_peak()
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return {
        "min": min(times),
        "median": statistics.median(times),
        "peak_mb": _peak_rss_mb(),
        "result": result if keep_result else None,
    }


def measure(case: str, params: dict, runs: int, keep_result: bool = False) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_measure, case, params, runs, keep_result).result()


def same(a: object, b: object) -> bool:
    """Whether a case and its baseline agree (money to a millionth of a dollar)."""
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-6)
        except AssertionError:
            return False
        return True
    return a == b


def benches(quick: bool, workdir: Path) -> list[Bench]:
    """The cases, at full size or (``quick``) small enough for a smoke test."""
    groups = 2_000 if quick else 100_000
    cur_rows = 50_000 if quick else 10_000_000
    cur_path = str(workdir / f"cur2-{cur_rows}.parquet")
    print(f"writing {cur_rows:,} CUR 2.0 line items to {cur_path} ...", file=sys.stderr)
    from samples.cur import write_large

    write_large(cases.SAMPLE_CUR, cur_path, cur_rows)
    wide = workdir / f"ce-{groups}-groups.json"
    wide.write_text(json.dumps(cases.wide_bill(groups)))
    mc_small, mc_large = (2_000, 5_000) if quick else (100_000, 1_000_000)
    return [
        Bench("catalog load (shipped snapshot)", "catalog_load"),
        Bench("estimate, production architecture", "estimate_production"),
        Bench("price 100,000 resources (vectorized)", "price_fleet", {"n": 100_000}),
        Bench(
            "`costmodel estimate --format json` process",
            "cli_process",
            {"args": ("estimate", "--format", "json")},
        ),
        Bench("apply a portfolio: 100 families x 8,760 h", "apply_portfolio", {"families": 100}),
        Bench("recommend: 100 families x 8,760 h", "recommend_all", {"families": 100}),
        Bench(
            f"map {groups:,} bill groups to categories",
            "map_bill",
            {"groups": groups},
            ("per-row lookup", "map_bill", {"groups": groups, "per_row": True}),
        ),
        Bench(
            "reconcile 12 months (sample-sized bill)",
            "reconcile",
            {"groups": 0},
            ("month by month", "reconcile", {"groups": 0, "one_by_one": True}),
        ),
        Bench(
            f"reconcile 12 months, {groups:,} more groups",
            "reconcile",
            {"groups": groups},
            ("month by month", "reconcile", {"groups": groups, "one_by_one": True}),
        ),
        Bench(
            f"read a Cost Explorer file of {groups:,} more groups",
            "read_bill",
            {"path": str(wide)},
            ("group by group", "read_bill", {"path": str(wide), "group_by_group": True}),
        ),
        Bench(
            f"`costmodel reconcile` process, {groups:,} groups",
            "cli_process",
            {"args": ("reconcile", "--actuals", str(wide), "--format", "json")},
        ),
        Bench(
            f"CUR 2.0 -> monthly groups, {cur_rows:,} line items",
            "cur_monthly",
            {"path": cur_path, "engine": "duckdb"},
            ("pandas", "cur_monthly", {"path": cur_path, "engine": "pandas"}),
        ),
        Bench(f"CUR 2.0 -> conserved bill, {cur_rows:,} line items", "cur_bill", {"path": cur_path}),
        Bench(
            f"Monte Carlo {mc_small:,} scenarios x 36 months",
            "monte_carlo",
            {"n": mc_small, "months": 36},
            ("all at once", "monte_carlo", {"n": mc_small, "months": 36, "one_chunk": True}),
        ),
        Bench(
            f"Monte Carlo {mc_large:,} scenarios x 36 months", "monte_carlo", {"n": mc_large, "months": 36}
        ),
        Bench("month-end forecast (daily ETS, 2,000 paths)", "month_end_forecast"),
        Bench("anomaly detection over 153 days", "anomaly_detection"),
        Bench("build one monthly report (HTML)", "monthly_report", {"out_dir": str(workdir)}),
        Bench("execute every notebook", "notebooks"),
    ]


def _seconds(value: float) -> str:
    return f"{value:,.3f} s" if value < 100 else f"{value:,.0f} s"


def timing_table(quick: bool, runs: int, only: str | None) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for bench in benches(quick, Path(tmp)):
            if only and only not in bench.name:
                continue
            n = bench.runs or runs
            print(f"  {bench.name} ...", file=sys.stderr)
            figure = measure(bench.case, bench.params, n, keep_result=bench.baseline is not None)
            row = {
                "benchmark": bench.name,
                "runs": n,
                "min": _seconds(figure["min"]),
                "median": _seconds(figure["median"]),
                "peak MB": f"{figure['peak_mb']:,.0f}",
                "baseline": "",
                "baseline median": "",
                "baseline peak MB": "",
                "speed-up": "",
                "same result": "",
            }
            if bench.baseline is not None:
                label, case, params = bench.baseline
                base = measure(case, params, n, keep_result=True)
                agree = same(figure["result"], base["result"])
                row |= {
                    "baseline": label,
                    "baseline median": _seconds(base["median"]),
                    "baseline peak MB": f"{base['peak_mb']:,.0f}",
                    "speed-up": f"{base['median'] / figure['median']:,.1f}x",
                    "same result": "yes" if agree else "NO",
                }
                if not agree:
                    raise AssertionError(f"{bench.name}: the result differs from its baseline ({label})")
            rows.append(row)
    return [
        pd.DataFrame(rows).to_string(index=False),
        "peak MB: the measuring process; notebook kernels and `costmodel` processes run apart "
        "(their own peak is not in it)",
    ]


def fetch_calls() -> list[tuple[str, str]]:
    """Cost Explorer calls of a first and a cached fetch of 12 months."""
    from costmodel.actuals import fetch

    class CountingClient:
        """Answers every GetCostAndUsage with a final month of $1."""

        def get_cost_and_usage(self, **request: object) -> dict:
            one = {"UnblendedCost": {"Amount": "1", "Unit": "USD"}}
            result = {"TimePeriod": request["TimePeriod"], "Total": {}, "Groups": [], "Estimated": False}
            if request.get("GroupBy"):
                result["Groups"] = [{"Keys": ["Tax", "Tax"], "Metrics": one}]
            else:
                result["Total"] = one
            return {"ResultsByTime": [result]}

    with tempfile.TemporaryDirectory() as cache:
        calls = [
            fetch(
                "2025-11-01",
                "2026-11-01",
                client=CountingClient(),
                cache_dir=cache,
                progress=lambda *a: None,
                account="000000000000",
            )["api_calls"]
            for _ in range(2)
        ]
    return [
        ("Cost Explorer calls, first fetch of 12 months", f"{calls[0]}"),
        ("Cost Explorer calls, second (cached) fetch", f"{calls[1]}"),
    ]


def finance_figures() -> list[tuple[str, str]]:
    """Forecast accuracy (backtests on the sample) and anomaly detection against the planted
    ground truth."""
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
            f"{backtest(monthly_bill(monthly)):.2f} % MAPE",
        )
    ]
    for day in ("2026-10-09", "2026-10-16", "2026-10-24"):
        expected = forecast(cut(daily, day), months=1).current.expected
        error = 100 * abs(expected - october) / october
        rows.append((f"month-end forecast of October from days before {day[-2:]}", f"{error:.2f} % error"))
    planted = pd.read_csv(data_path("samples", "planted-anomalies.csv"))
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
    return [
        *rows,
        ("anomalies: planted days found", f"{len(keys & truth)} of {len(truth)}"),
        ("anomalies: false alarms", f"{len(keys - truth)} of {found.scored_days:,} series-days"),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument("--quick", action="store_true", help="small sizes and 2 runs: a smoke test")
    parser.add_argument("--only", help="only the cases whose name contains this text")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    print(f"costmodel benchmarks: min and median of {runs} runs, peak resident memory per case\n")
    print("\n".join(timing_table(args.quick, runs, args.only)))
    if args.only:
        return
    print("\nFigures that are not timings:")
    figures = fetch_calls() + finance_figures()
    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
