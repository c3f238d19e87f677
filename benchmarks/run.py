"""Measured speed and memory of costmodel, each against its baseline; prints tables.

Run with `make bench` (about an hour: realistic CUR 2.0 exports of 1M, 10M and 50M line
items are written and read, plus the other cases) or `python benchmarks/run.py --quick`
(small sizes, 2 runs: a smoke test of the script itself); `--sizes 1M,10M` and `--only TEXT`
run some. Timings depend on the machine: they are printed, not asserted (no timed tests).
What is asserted is that each fast path gives the same result as its baseline (the pandas
path, the per-row lookup, the unchunked Monte Carlo).

Each contender runs in a process of its own, built once, so its peak memory is its own: the
peak resident set size during its runs (inputs included, imports too: about 200 MB of the
figure). A case and its baselines run interleaved (A, B, A, B, ...) after one untimed
warm-up run each, so that load on the machine weighs on both alike.

The exports are written by `benchmarks/export.py` into a temporary folder, and removed once
measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

import cases


@dataclass(frozen=True)
class Contender:
    label: str
    case: str
    params: dict = field(default_factory=dict)
    same_result: bool = True  # must give the case's result (False: timed only, e.g. bare DuckDB)


@dataclass(frozen=True)
class Bench:
    name: str
    case: str
    params: dict = field(default_factory=dict)
    baselines: tuple[Contender, ...] = ()
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


_BUILT: dict = {}  # in a worker process: its case's function and last result


def _build(case: str, params: dict) -> None:
    _BUILT["fn"] = getattr(cases, case)(**params)
    _reset_peak()


def _run_once() -> float:
    start = time.perf_counter()
    _BUILT["result"] = _BUILT["fn"]()
    return time.perf_counter() - start


def _finish(keep_result: bool) -> tuple[float, object]:
    return _peak_rss_mb(), _BUILT.get("result") if keep_result else None


class Worker:
    """One contender in a process of its own: built once, then timed one call at a time."""

    def __init__(self, case: str, params: dict) -> None:
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
        self.pool.submit(_build, case, params).result()
        self.times: list[float] = []

    def run(self, timed: bool = True) -> None:
        elapsed = self.pool.submit(_run_once).result()
        if timed:
            self.times.append(elapsed)

    def finish(self, keep_result: bool) -> dict:
        peak, result = self.pool.submit(_finish, keep_result).result()
        self.pool.shutdown()
        return {
            "min": min(self.times),
            "median": statistics.median(self.times),
            "peak_mb": peak,
            "result": result,
        }


def measure_interleaved(contenders: list[tuple[str, dict]], runs: int, keep_result: bool) -> list[dict]:
    """Each contender (case, params) in its own process: one untimed warm-up run each, then
    ``runs`` rounds of one run each, in turn (A, B, A, B, ...)."""
    workers = [Worker(case, params) for case, params in contenders]
    try:
        for worker in workers:
            worker.run(timed=False)
        for _ in range(runs):
            for worker in workers:
                worker.run()
        return [w.finish(keep_result) for w in workers]
    finally:
        for worker in workers:
            worker.pool.shutdown(cancel_futures=True)


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
    """The cases other than line items, at full size or (``quick``) small enough for a smoke test."""
    groups = 2_000 if quick else 100_000
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
            (Contender("per-row lookup", "map_bill", {"groups": groups, "per_row": True}),),
        ),
        Bench(
            "reconcile 12 months (sample-sized bill)",
            "reconcile",
            {"groups": 0},
            (Contender("month by month", "reconcile", {"groups": 0, "one_by_one": True}),),
        ),
        Bench(
            f"reconcile 12 months, {groups:,} more groups",
            "reconcile",
            {"groups": groups},
            (Contender("month by month", "reconcile", {"groups": groups, "one_by_one": True}),),
        ),
        Bench(
            f"read a Cost Explorer file of {groups:,} more groups",
            "read_bill",
            {"path": str(wide)},
            (Contender("group by group", "read_bill", {"path": str(wide), "group_by_group": True}),),
        ),
        Bench(
            f"`costmodel reconcile` process, {groups:,} groups",
            "cli_process",
            {"args": ("reconcile", "--actuals", str(wide), "--format", "json")},
        ),
        Bench(
            f"Monte Carlo {mc_small:,} scenarios x 36 months",
            "monte_carlo",
            {"n": mc_small, "months": 36},
            (Contender("all at once", "monte_carlo", {"n": mc_small, "months": 36, "one_chunk": True}),),
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
            contenders = [(bench.case, bench.params), *((c.case, c.params) for c in bench.baselines)]
            figures = measure_interleaved(contenders, n, keep_result=bool(bench.baselines))
            figure = figures[0]
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
            for contender, base in zip(bench.baselines, figures[1:], strict=True):
                agree = same(figure["result"], base["result"])
                row |= {
                    "baseline": contender.label,
                    "baseline median": _seconds(base["median"]),
                    "baseline peak MB": f"{base['peak_mb']:,.0f}",
                    "speed-up": f"{base['median'] / figure['median']:,.1f}x",
                    "same result": "yes" if agree else "NO",
                }
                if not agree:
                    raise AssertionError(
                        f"{bench.name}: the result differs from its baseline ({contender.label})"
                    )
            rows.append(row)
    if not rows:
        return []
    return [
        pd.DataFrame(rows).to_string(index=False),
        "peak MB: the measuring process; notebook kernels and `costmodel` processes run apart "
        "(their own peak is not in it)",
    ]


LINE_ITEMS = "line items: the conserved bill of a CUR 2.0 export"
SIZES = {"50k": 50_000, "1M": 1_000_000, "10M": 10_000_000, "50M": 50_000_000}
PANDAS_MAX = 10_000_000  # the lean pandas baseline runs up to this many line items (its memory)


def line_item_table(sizes: list[str], runs: int, keep: str | None = None) -> list[str]:
    """The conserved bill of a realistic CUR 2.0 export at each size, beside a bare DuckDB
    GROUP BY over the same files, DuckDB reading just the columns a bill needs (the floor) and
    the lean pandas path, interleaved; each export written into a temporary folder and removed
    once measured, or (``keep``) written once into ``keep/<size>`` and reused."""
    rows = []
    for size in sizes:
        line_items = SIZES[size]
        n = min(runs, 3) if line_items >= 50_000_000 else runs  # 50M: about 10 minutes a round
        with _export_folder(size, keep) as (folder, written, files):
            megabytes = sum(f.stat().st_size for f in files) / 1e6
            print(f"  the conserved bill of {line_items:,} line items, {n} rounds ...", file=sys.stderr)
            # the lean pandas path holds about 0.65 GB per million line items: not run past 10M
            contenders = [("cur_bill", {"path": str(folder)}), ("bare_duckdb", {"path": str(folder)})]
            contenders += [("column_floor", {"path": str(folder)})]
            contenders += [("cur_bill_pandas", {"path": str(folder)})] if line_items <= PANDAS_MAX else []
            fast, bare, floor, *lean_run = measure_interleaved(contenders, n, keep_result=True)
        lean = lean_run[0] if lean_run else None
        agree = same(fast["result"], lean["result"]) if lean else None
        rows.append(
            {
                "line items": f"{line_items:,}",
                "export": f"{megabytes:,.0f} MB, {len(files)} files",
                "written in": _seconds(written) if written is not None else "(kept)",
                "runs": n,
                "costmodel bill": _seconds(fast["median"]),
                "line items/s": f"{line_items / fast['median']:,.0f}",
                "peak MB": f"{fast['peak_mb']:,.0f}",
                "bare DuckDB": _seconds(bare["median"]),
                "bare peak MB": f"{bare['peak_mb']:,.0f}",
                "x bare": f"{fast['median'] / bare['median']:,.2f}x",
                "column floor": _seconds(floor["median"]),
                "x floor": f"{fast['median'] / floor['median']:,.2f}x",
                "lean pandas": _seconds(lean["median"]) if lean else "not run",
                "pandas peak MB": f"{lean['peak_mb']:,.0f}" if lean else "",
                "pandas / costmodel": f"{lean['median'] / fast['median']:,.1f}x" if lean else "",
                "same result": {True: "yes", False: "NO", None: "(no pandas run)"}[agree],
            }
        )
        if agree is False:
            raise AssertionError(f"{line_items:,} line items: the bill differs from the lean pandas one")
    return [
        pd.DataFrame(rows).to_string(index=False),
        "medians of wall time; peak MB: peak resident memory of the contender's process (imports "
        "included); costmodel bill: open the files, one pass (groups, the export's own total per month, "
        "every check), product names per product code, the tidy rows; bare DuckDB: GROUP BY month, "
        "usage_type of the unblended cost only (3 columns); column floor: DuckDB reading the 15 columns "
        "any conserved bill must read (keys, the amounts amortized cost is made of, times, currency) and "
        "summing each, no rule or check; lean pandas: the same rows a batch at a time, without the checks",
    ]


@contextlib.contextmanager
def _export_folder(size: str, keep: str | None) -> Iterator[tuple[Path, float | None, list[Path]]]:
    """(folder, seconds to write it or None when reused, its files): a CUR 2.0 export of
    ``size`` line items, in a temporary folder or kept under ``keep``."""
    from export import write_export

    with contextlib.ExitStack() as stack:
        base = keep or stack.enter_context(tempfile.TemporaryDirectory(prefix="costmodel-bench-"))
        folder = Path(base) / size / "cur2"
        files = sorted(folder.rglob("*.parquet")) if folder.exists() else []
        written = None
        if not files:
            print(f"  writing a CUR 2.0 export of {SIZES[size]:,} line items ...", file=sys.stderr)
            start = time.perf_counter()
            files = write_export(folder, SIZES[size])
            written = time.perf_counter() - start
        yield folder, written, files


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
    from costmodel.forecast import forecast
    from costmodel.usage_types import strip_region_prefix

    monthly, daily = read_actuals(data_path(*SAMPLE_MONTHLY)), read_actuals(data_path(*SAMPLE_DAILY))
    october = float(monthly_bill(monthly).set_index("month").loc["2026-10", "actual"])
    # the months ahead are judged on generated bills (benchmarks/finance.py): five months are
    # too few rolling origins for more than one backtest forecast
    sample = forecast(cut(monthly, "2026-10-01"), months=1)
    error = 100 * abs(float(sample.forecast["expected"].iloc[0]) - october) / october
    rows = [(f"October forecast from June..September ({sample.method})", f"{error:.2f} % error")]
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
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5; 3 at 50M)")
    parser.add_argument("--quick", action="store_true", help="small sizes and 2 runs: a smoke test")
    parser.add_argument("--only", help="only the cases whose name contains this text")
    parser.add_argument(
        "--keep-exports",
        metavar="DIR",
        help="write each line-item export once under DIR/<size>/ and reuse it (default: a temporary folder)",
    )
    parser.add_argument(
        "--sizes",
        help=f"line-item exports to measure, of {', '.join(SIZES)} (default 1M,10M,50M; --quick: 50k)",
    )
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    sizes = (args.sizes or ("50k" if args.quick else "1M,10M,50M")).split(",")
    if any(s not in SIZES for s in sizes):
        parser.error(f"--sizes: each one of {', '.join(SIZES)}")
    print(f"costmodel benchmarks: medians of {runs} interleaved runs, peak resident memory per contender\n")
    if not args.only or args.only in LINE_ITEMS:
        print(f"{LINE_ITEMS[0].upper()}{LINE_ITEMS[1:]} (benchmarks/export.py)", flush=True)
        print("\n".join(line_item_table(sizes, runs, args.keep_exports)) + "\n")
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
