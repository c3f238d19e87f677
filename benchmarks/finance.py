"""How good are `costmodel forecast` and `costmodel anomalies` on bills costmodel did not make?

Generates bills with known truth (`bills.py`, written apart from the project's simulator),
runs the real code on them as Cost Explorer files, and prints:

* **forecasts**, from rolling origins (every month from the 8th on, three months ahead,
  monthly and daily files): MAPE, MASE and the 80 % interval's coverage per horizon for
  costmodel's chosen forecast, each candidate, the baseline "same as last month" and the
  forecast costmodel made before issue 23 (an OLS line through every past month with its
  statsmodels interval), and an *oracle*, the generator run again with nothing new after
  the origin (``bills.bill(seed, quiet_from=...)``): the floor a forecast that knew the
  bill's whole state (the slope in force, the steps taken) could reach;
* **the month in progress**, forecast to its end on days 8, 15 and 23 of every month from
  the fourth: bias and MAPE (and the 80 % interval's coverage) of costmodel's month-end
  forecast (its interval from the same forecast made in past months, where 9 exist, and
  those forecasts alone), the same with its simulated interval (before), the same without
  its learned month-end days (before), and the run rate;
* **anomalies**, on each whole bill: precision, recall and F1 over series-days, false
  alarms per 1,000 series-days scored, alarms on the recurring patterns (month-end job,
  first-of-month charges) and on the planned step, events found, beside the day rule
  alone (the detector before issue 23); and as a **daily job** (each day, the data before
  it): the days a planned step is alarmed on, declared or not, and how long a leak runs
  before its alarm.

Seeds 0-5 are the **development** seeds (what the methods' settings were chosen on);
seeds 100-105 are **held out** (never looked at while tuning) and are what the README
quotes. Usage: ``python benchmarks/finance.py [--seeds 100-105]
[--part forecast|month-end|anomalies|daily-job]`` (about 15 minutes for six seeds on two busy cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small fits: BLAS threads only contend

import bills
import numpy as np
import pandas as pd

HORIZONS = 3
FIRST_ORIGIN = 7  # months of history before the first rolling origin
DEVELOPMENT = list(range(0, 6))
HELD_OUT = list(range(100, 106))
OLD = "costmodel before (OLS, all months)"
CHOSEN = "costmodel (chosen by backtest)"
# not a method: the generator run again with nothing new after the origin, which knows the
# bill's whole state there (the slope in force, the steps taken); what no forecast can beat
ORACLE = "oracle: the bill's own rules, nothing new after the origin (a floor)"


def _read(payload: dict, origin: str):
    from costmodel.actuals import read_actuals

    return read_actuals(payload, origin)


def _old_forecast(history, months: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What `costmodel forecast` did before issue 23: OLS through every month's daily average."""
    import statsmodels.api as sm

    x = np.arange(len(history.months), dtype=float)
    fit = sm.OLS(history.daily_average, sm.add_constant(x)).fit()
    ahead = np.arange(len(x), len(x) + len(months), dtype=float)
    frame = fit.get_prediction(sm.add_constant(ahead, has_constant="add")).summary_frame(alpha=0.2)
    days = np.array([pd.Period(m, "M").days_in_month for m in months])
    return (
        frame["mean"].to_numpy() * days,
        frame["obs_ci_lower"].to_numpy() * days,
        frame["obs_ci_upper"].to_numpy() * days,
    )


def forecast_rows(seed: int) -> list[dict]:
    """Every method's forecasts from every rolling origin of one generated bill."""
    from costmodel import forecast_methods as methods
    from costmodel.actuals.series import cut, monthly_bill
    from costmodel.forecast import forecast
    from costmodel.forecast_bounds import history_of

    generated = bills.bill(seed)
    truth = generated.monthly_totals()
    months = truth.index.tolist()
    rows = []
    files = {
        "monthly": _read(bills.ce_payload(generated, "MONTHLY"), f"seed {seed} monthly"),
        "daily": _read(bills.ce_payload(generated, "DAILY"), f"seed {seed} daily"),
    }
    for mode, actuals in files.items():
        for origin in range(FIRST_ORIGIN, len(months)):
            day = f"{months[origin]}-01"
            so_far = cut(actuals, day)
            result = forecast(so_far, months=HORIZONS)
            bill = monthly_bill(so_far)
            daily = mode == "daily"
            history, _ = history_of(so_far, bill, daily)
            ahead = months[origin : origin + HORIZONS]
            scale = methods.naive_scale(history.totals)
            made = {CHOSEN: (result.forecast["expected"], result.forecast["low"], result.forecast["high"])}
            for name in result.backtest.predicted:
                expected = methods.CANDIDATES[name](history, len(history.months), ahead)
                low, high, _ = methods.calibrate(result.backtest, name, len(ahead), 0.8)
                made[name] = (expected, expected * low, expected * high)
            made[OLD] = _old_forecast(history, ahead)
            quiet = bills.bill(seed, quiet_from=day).monthly_totals()[ahead].to_numpy()
            made[ORACLE] = (quiet, np.full(len(ahead), np.nan), np.full(len(ahead), np.nan))
            for name, (expected, low, high) in made.items():
                for h, month in enumerate(ahead):
                    actual = float(truth[month])
                    e, lo, hi = (
                        float(np.asarray(expected)[h]),
                        float(np.asarray(low)[h]),
                        float(np.asarray(high)[h]),
                    )
                    rows.append(
                        {
                            "seed": seed,
                            "mode": mode,
                            "method": name,
                            "chosen": result.method,
                            "h": h + 1,
                            "ape": abs(actual - e) / actual,
                            "se": abs(actual - e) / scale,
                            "ae": abs(actual - e),
                            "covered": float(lo <= actual <= hi) if np.isfinite(lo) else np.nan,
                        }
                    )
    return rows


MONTH_DAYS = (8, 15, 23)  # days of the month in progress a month-end forecast is made on
MONTH_END_METHODS = {  # name: (month_edges, calibrated)
    "costmodel (daily ETS + learned month-end days, interval from past months' errors)": (True, True),
    "same, simulated interval (before)": (True, False),
    "daily ETS alone (before)": (False, False),
}
# the forecasts whose interval came from 9 or more past months (the others fall back to the simulated one)
BACKTESTED = "costmodel, only the forecasts whose interval came from past months' errors"
RUN_RATE = "run rate (recurring cost per day so far x days, plus what was billed once)"


def month_end_rows(seed: int) -> list[dict]:
    """Month-end forecasts of every month from the fourth on, made on days 8, 15 and 23
    (the data before that day), against the month's true total: costmodel's, the daily ETS
    without the learned month-end days, and the run rate."""
    from costmodel.actuals.series import cut
    from costmodel.forecast_month_end import month_end

    generated = bills.bill(seed)
    truth = generated.monthly_totals()
    actuals = _read(bills.ce_payload(generated, "DAILY"), f"seed {seed} daily")
    rows = []
    # the forecasts of past months from each day, which the calibrated interval backtests
    # (the same cuts of the same file: reused, not made again)
    past_points: dict[int, dict[str, float]] = {day: {} for day in MONTH_DAYS}
    for month in truth.index[3:]:
        for day in MONTH_DAYS:
            so_far = cut(actuals, f"{month}-{day:02d}")
            actual = float(truth[month])
            made = {}
            for name, (edges, calibrated) in MONTH_END_METHODS.items():
                reuse = past_points[day] if calibrated else None
                current = month_end(so_far, month_edges=edges, calibrated=calibrated, past_points=reuse)
                made[name] = (current.expected, current.low, current.high)
                if calibrated and not current.interval_basis.startswith("simulated"):
                    made[BACKTESTED] = made[name]
            made[RUN_RATE] = (_run_rate(so_far), np.nan, np.nan)
            for name, (expected, low, high) in made.items():
                rows.append(
                    {
                        "seed": seed,
                        "method": name,
                        "day": day,
                        "error": (expected - actual) / actual,
                        "covered": float(low <= actual <= high) if np.isfinite(low) else np.nan,
                    }
                )
    return rows


def _run_rate(actuals) -> float:
    """The baseline: the month's recurring cost per day so far x its days, plus what was
    billed once (first-of-month charges, one-off money) so far [USD]."""
    from costmodel.actuals.series import daily_bill

    daily = daily_bill(actuals)
    last = daily["date"].iloc[-1]
    month = daily.loc[daily["date"].dt.to_period("M") == last.to_period("M")]
    once = float(month["lumps"].sum() + month["one_off"].sum())
    return float(month["recurring"].mean()) * last.days_in_month + once


def report_month_end(rows: list[dict], label: str) -> None:
    frame = pd.DataFrame(rows)
    print(f"\n### The month in progress, forecast to its end on days 8 / 15 / 23, {label}\n")
    print(_row("method", "bias (mean error)", "MAPE", "80% interval covers", "forecasts"))
    print("|---|---|---|---|---|")
    for name, group in frame.groupby("method", sort=False):
        by_day = group.groupby("day")
        bias = by_day["error"].mean() * 100
        mape = by_day["error"].apply(lambda e: e.abs().mean()) * 100
        covered = by_day["covered"].mean() * 100
        cover = "-" if covered.isna().all() else " / ".join(f"{v:.0f}" for v in covered) + " %"
        print(
            f"| {name} | {' / '.join(f'{v:+.2f}' for v in bias)} % | {_joined(mape, '.2f')} % | {cover} | "
            f"{' / '.join(str(n) for n in by_day.size())} |"
        )


def _keys(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
    from costmodel.usage_types import strip_region_prefix

    return set(
        zip(
            pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d"),
            frame["service"],
            frame["usage_type"].map(strip_region_prefix),
            strict=True,
        )
    )


def _day_rule_alone(actuals) -> set[tuple[str, str, str]]:
    """The detector before issue 23: the same-weekday day rule and its step check, on daily
    series only (once-a-month charges left out), no month-edge learning, no CUSUM."""
    from costmodel.actuals.series import lump_keys
    from costmodel.anomalies import daily_by_usage_type
    from costmodel.anomaly_rules import WEEKS, day_rule, robust_scale, same_weekday

    table = daily_by_usage_type(actuals)
    lumps = {(s, u) for s, u, _ in lump_keys(actuals.rows)}
    found = []
    for (service, usage_type, _, _), series in table.items():
        if (service, usage_type) in lumps:
            continue
        values = series.to_numpy()
        expected = same_weekday(values, [-w for w in range(1, WEEKS + 1)])
        expected[: 7 * WEEKS] = np.nan
        later = same_weekday(values, [1, 2, 3])
        for i in np.flatnonzero(day_rule(values, expected, robust_scale(values, expected), 2.0)):
            if np.isfinite(later[i]) and abs(later[i] - expected[i]) >= abs(later[i] - values[i]):
                continue
            found.append((table.index[i], service, usage_type))
    return _keys(pd.DataFrame(found, columns=["date", "service", "usage_type"]))


def anomaly_rows(seed: int) -> list[dict]:
    """Detection against the truth of one generated bill, costmodel's and the day rule's."""
    from costmodel.anomalies import Planned, detect

    generated = bills.bill(seed)
    actuals = _read(bills.ce_payload(generated, "DAILY"), f"seed {seed} daily")
    planned = [Planned(r.start, r.service, r.usage_type) for r in generated.planned.itertuples()]
    detection = detect(actuals, planned=planned)
    truth = _keys(generated.anomalies)
    recurring = _keys(generated.recurring)
    plan = generated.planned.iloc[0]
    window = pd.date_range(plan["start"], periods=28, freq="D").strftime("%Y-%m-%d")
    planned_days = {(d, plan["service"], plan["usage_type"]) for d in window}
    episodes = generated.anomalies.assign(
        episode=generated.anomalies["kind"]
        + generated.anomalies["usage_type"]
        + (pd.to_datetime(generated.anomalies["date"]).diff().dt.days.fillna(99) > 1).cumsum().astype(str)
    )
    rows = []
    for name, found in (
        ("costmodel", _keys(detection.anomalies)),
        ("day rule alone (before)", _day_rule_alone(actuals)),
    ):
        caught = episodes.groupby("episode").apply(
            lambda g, f=found: bool(_keys(g) & f), include_groups=False
        )
        kinds = episodes.groupby("episode")["kind"].first()
        rows.append(
            {
                "seed": seed,
                "detector": name,
                "tp": len(found & truth),
                "fp": len(found - truth),
                "fn": len(truth - found),
                "scored": detection.scored_days,
                "recurring_alarms": len((found - truth) & recurring),
                "planned_alarms": len((found - truth) & planned_days),
                "episodes": len(caught),
                "episodes_found": int(caught.sum()),
                "leak_found": bool(caught[kinds == "leak"].all()),
                "events": int((~detection.events["planned"]).sum()) if name == "costmodel" else np.nan,
            }
        )
    return rows


def daily_job_rows(seed: int) -> list[dict]:
    """As a daily job sees it (each day, the data before it): days the planned step is
    alarmed on in the four weeks after it, with and without its declaration, and the days a
    leak runs before it is alarmed."""
    from costmodel.actuals.series import cut
    from costmodel.anomalies import Planned, detect
    from costmodel.usage_types import strip_region_prefix

    generated = bills.bill(seed)
    actuals = _read(bills.ce_payload(generated, "DAILY"), f"seed {seed} daily")
    plan = generated.planned.iloc[0]
    declared = [Planned(plan["start"], plan["service"], plan["usage_type"])]

    def alarmed(day: pd.Timestamp, service: str, usage_type: str, planned: list) -> bool:
        found = detect(cut(actuals, str(day.date())), planned=planned).anomalies
        last = found.loc[found["date"] == day - pd.Timedelta(days=1)]
        return bool(
            ((last["service"] == service) & (last["usage_type"].map(strip_region_prefix) == usage_type)).any()
        )

    start = pd.Timestamp(plan["start"])
    window = [start + pd.Timedelta(days=d) for d in range(1, 29)]
    leak = generated.anomalies.loc[generated.anomalies["kind"] == "leak"]
    leak_start = pd.Timestamp(leak["date"].min())
    delay = next(
        (
            d
            for d in range(1, 15)
            if alarmed(
                leak_start + pd.Timedelta(days=d), leak["service"].iloc[0], leak["usage_type"].iloc[0], []
            )
        ),
        None,
    )
    return [
        {
            "seed": seed,
            "planned_days_alarmed": sum(
                alarmed(d, plan["service"], plan["usage_type"], declared) for d in window
            ),
            "undeclared_days_alarmed": sum(
                alarmed(d, plan["service"], plan["usage_type"], []) for d in window
            ),
            "leak_days_before_alarm": delay,
        }
    ]


def report_daily_job(rows: list[dict], label: str) -> None:
    frame = pd.DataFrame(rows)
    print(f"\n### Anomalies as a daily job (each day, the data before it), {label}\n")
    print(
        _row(
            "seed",
            "planned step: days alarmed in its 4 weeks, declared",
            "the same, not declared",
            "leak: days before its alarm",
        )
    )
    print("|---|---|---|---|")
    for row in frame.itertuples():
        delay = "never" if pd.isna(row.leak_days_before_alarm) else int(row.leak_days_before_alarm)
        print(f"| {row.seed} | {row.planned_days_alarmed} | {row.undeclared_days_alarmed} | {delay} |")


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _joined(values: pd.Series, spec: str) -> str:
    return " / ".join(format(v, spec) for v in values)


def _table(frame: pd.DataFrame) -> str:
    naive = frame.loc[frame["method"] == "same as last month"].groupby("h")["ae"].mean()
    out = []
    for method, group in frame.groupby("method", sort=False):
        by_h = group.groupby("h")
        mape = by_h["ape"].mean() * 100
        mase = by_h["se"].mean()
        relative = by_h["ae"].mean() / naive
        covered = by_h["covered"].mean() * 100
        out.append(
            f"| {method} | {_joined(mape, '.1f')} % | {_joined(mase, '.2f')} | "
            f"{' / '.join(f'{v:.2f}' for v in relative)} | "
            + (f"{' / '.join(f'{v:.0f}' for v in covered)} % |" if covered.notna().all() else "- |")
        )
    counts = frame.loc[frame["method"] == CHOSEN].groupby("h").size()
    head = (
        f"forecasts at h1/h2/h3: {' / '.join(str(c) for c in counts)}\n\n"
        + _row("method", "MAPE h1/h2/h3", "MASE h1/h2/h3", "MAE / naive's", "80% interval covers")
        + "\n|---|---|---|---|---|"
    )
    return head + "\n" + "\n".join(out)


def report_forecasts(rows: list[dict], label: str) -> None:
    frame = pd.DataFrame(rows)
    order = [
        CHOSEN,
        "same as last month",
        *[m for m in frame["method"].unique() if m not in (CHOSEN, "same as last month", OLD, ORACLE)],
        OLD,
        ORACLE,
    ]
    frame["method"] = pd.Categorical(frame["method"], order)
    for mode in ("monthly", "daily"):
        part = frame.loc[frame["mode"] == mode].sort_values("method")
        print(f"\n### Months ahead, {mode} Cost Explorer files, {label}\n")
        print(_table(part))
        chosen = part.loc[(part["method"] == CHOSEN) & (part["h"] == 1), "chosen"].value_counts()
        print("\nchosen: " + ", ".join(f"{m} {n}" for m, n in chosen.items()))


def report_anomalies(rows: list[dict], label: str) -> None:
    frame = pd.DataFrame(rows)
    print(
        f"\n### Anomalies, {label} (series-days; truth: injected spikes, a +$60/day 14-day leak, "
        "duplicate monthly charges)\n"
    )
    print(
        _row(
            "detector",
            "precision",
            "recall",
            "F1",
            "false alarms per 1,000 series-days",
            "recurring-pattern alarms",
            "planned-step alarms",
            "episodes found",
            "leaks found",
        )
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, group in frame.groupby("detector", sort=False):
        tp, fp, fn = group["tp"].sum(), group["fp"].sum(), group["fn"].sum()
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rate = 1000 * fp / group["scored"].sum()
        print(
            f"| {name} | {precision:.2f} | {recall:.2f} | {f1:.2f} | "
            f"{rate:.2f} ({fp} in {group['scored'].sum():,}) | "
            f"{group['recurring_alarms'].sum()} | {group['planned_alarms'].sum()} | "
            f"{group['episodes_found'].sum()} of {group['episodes'].sum()} | "
            f"{int(group['leak_found'].sum())} of {len(group)} |"
        )


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        out += list(range(int(first), int(last or first) + 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", default="100-105", help="seeds, e.g. 100-105 (held out) or 0-5 (development)"
    )
    parser.add_argument(
        "--part", choices=("forecast", "month-end", "anomalies", "daily-job", "all"), default="all"
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seeds = _seeds(args.seeds)
    label = (
        "held-out seeds"
        if set(seeds) <= set(HELD_OUT)
        else "development seeds"
        if set(seeds) <= set(DEVELOPMENT)
        else "seeds"
    ) + f" {args.seeds}"
    started = time.time()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        if args.part in ("anomalies", "all"):
            report_anomalies([r for rows in pool.map(anomaly_rows, seeds) for r in rows], label)
        if args.part in ("daily-job", "all"):
            report_daily_job([r for rows in pool.map(daily_job_rows, seeds) for r in rows], label)
        if args.part in ("month-end", "all"):
            report_month_end([r for rows in pool.map(month_end_rows, seeds) for r in rows], label)
        if args.part in ("forecast", "all"):
            report_forecasts([r for rows in pool.map(forecast_rows, seeds) for r in rows], label)
    print(f"\n({time.time() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
