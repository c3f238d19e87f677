"""An independent tester's evaluation of `costmodel forecast` and `costmodel anomalies` (session 34).

Generates the bills of ``indep_bills.py`` (written without reading costmodel's code nor its own
simulator), drives the installed ``costmodel`` command end to end on them, and prints tables:

* ``forecast``: rolling origins (the 1st of months 14-21 of 24, ``--as-of``), 1-3 months ahead,
  monthly and daily files: MAPE, MASE (scaled by the in-sample mean absolute one-month change
  of the monthly totals before the origin, as Hyndman & Koehler) and 80 % interval coverage,
  beside "same as last month" (its interval: the 10th and 90th percentiles of the past h-month
  changes added to the last month);
* ``month-end``: the month in progress forecast from days 8, 15 and 23 (daily files);
* ``anomalies``: each whole bill with its planned changes declared, scored on series-days
  (service, usage type, day): precision, recall, F1, false alarms per 1,000 series-days scored,
  alarms on recurring days (month-end jobs, first-of-month fees) and on planned changes;
  and as a daily job (``--as-of``) on the days after each planned change and leak.

Usage: ``.venv/bin/python benchmarks/independent/indep_eval.py [--part P] [--seeds 1,2]``
(about 10 minutes for the default on two busy cores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import indep_bills as ib

# COSTMODEL_BIN: another build of the command to compare (a wrapper with other settings)
COSTMODEL = os.environ.get("COSTMODEL_BIN", str(Path(sys.executable).parent / "costmodel"))
ORIGINS = range(14, 22)  # month indices; the last one's third month ahead is the data's last
FAILURES: list[str] = []


def run(args: list[str]) -> dict | None:
    proc = subprocess.run([COSTMODEL, *args, "--format", "json"], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        FAILURES.append(f"exit {proc.returncode}: costmodel {' '.join(args)}: {proc.stderr.strip()[-300:]}")
        return None
    return json.loads(proc.stdout)


def first_of(m: int) -> str:
    return f"{ib.month_label(m)}-01"


def naive_interval(history: np.ndarray, h: int) -> tuple[float, float]:
    changes = history[h:] - history[:-h]
    return history[-1] + np.quantile(changes, 0.1), history[-1] + np.quantile(changes, 0.9)


def score(rows: list[dict]) -> str:
    """MAPE / MASE / coverage per horizon, as 'a / b / c' strings."""
    out = []
    for field in ("ape", "ase", "covered"):
        per_h = [np.mean([r[field] for r in rows if r["h"] == h]) for h in (1, 2, 3)]
        scale = 100 if field != "ase" else 1
        out.append(" / ".join(f"{v * scale:.2f}" if field == "ase" else f"{v * scale:.1f}" for v in per_h))
    return " | ".join(out)


def forecast_part(bills: list[ib.Bill], paths: dict) -> None:
    rows: dict[str, list[dict]] = {"costmodel monthly": [], "costmodel daily": [], "same as last month": []}
    worst: list[tuple] = []
    for bill in bills:
        CURRENT_BILL[0] = f"{bill.name}-{bill.seed}"
        truth = ib.monthly_totals(bill)
        for m in ORIGINS:
            hist = truth[:m]
            scale = np.mean(np.abs(np.diff(hist)))
            for h in (1, 2, 3):
                lo, hi = naive_interval(hist, h)
                rows["same as last month"].append(entry(h, truth[m + h - 1], hist[-1], lo, hi, scale))
            for gran in ("MONTHLY", "DAILY"):
                out = run(
                    ["forecast", "--actuals", paths[bill.name, bill.seed][gran], "--as-of", first_of(m)]
                )
                if out is None:
                    continue
                for h, f in enumerate(out["forecast"][:3], start=1):
                    assert f["month"] == ib.month_label(m + h - 1), (f["month"], m, h)
                    e = entry(h, truth[m + h - 1], f["expected"], f["low"], f["high"], scale)
                    rows[f"costmodel {gran.lower()}"].append(e)
                    worst.append(
                        (
                            e["ase"],
                            bill.name,
                            bill.seed,
                            gran,
                            first_of(m),
                            h,
                            f,
                            truth[m + h - 1],
                            out["method"],
                        )
                    )
    print("\n## Months ahead (MAPE % | MASE | 80% interval covers %, at 1 / 2 / 3 months)\n")
    print("| method | n | MAPE | MASE | covers |\n|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {len(r)} | {score(r)} |")
    print("\nWorst five forecasts by scaled error:")
    for w in sorted(worst, key=lambda w: -w[0])[:5]:
        ase, name, seed, gran, origin, h, f, actual, method = w
        print(
            f"  {name}-{seed} {gran} from {origin} h{h}: expected {f['expected']:,.0f} [{f['low']:,.0f}, "
            f"{f['high']:,.0f}] actual {actual:,.0f} (scaled error {ase:.2f}; {method})"
        )
    by_bill_table(rows)


def by_bill_table(rows: dict[str, list[dict]]) -> None:
    print("\nPer bill (MASE h1/h2/h3 | covers %):")
    for name, r in rows.items():
        for bill in sorted({x["bill"] for x in r}):
            sub = [x for x in r if x["bill"] == bill]
            parts = score(sub).split(" | ")
            print(f"  {name:20s} {bill:10s} MASE {parts[1]:20s} covers {parts[2]}")


CURRENT_BILL = [""]


def entry(h, actual, expected, low, high, scale) -> dict:
    return {
        "h": h,
        "bill": CURRENT_BILL[0],
        "ape": abs(actual - expected) / abs(actual),
        "ase": abs(actual - expected) / scale,
        "covered": float(low <= actual <= high),
    }


def month_end_part(bills: list[ib.Bill], paths: dict) -> None:
    stats: dict[int, list[tuple]] = {8: [], 15: [], 23: []}
    for bill in bills:
        truth = ib.monthly_totals(bill)
        for m in range(16, 24):
            for day in stats:
                out = run(
                    [
                        "forecast",
                        "--actuals",
                        paths[bill.name, bill.seed]["DAILY"],
                        "--as-of",
                        f"{first_of(m)[:8]}{day:02d}",
                    ]
                )
                if out is None or not out.get("current_month"):
                    FAILURES.append(f"no current_month: {bill.name}-{bill.seed} {first_of(m)} day {day}")
                    continue
                cm = out["current_month"]
                err = (cm["expected"] - truth[m]) / truth[m]
                stats[day].append(
                    (err, cm["low"] <= truth[m] <= cm["high"], bill.name, first_of(m), cm, truth[m])
                )
    print("\n## Month in progress (bias % | MAPE % | 80% interval covers %)\n")
    print("| from day | n | bias | MAPE | covers |\n|---|---|---|---|---|")
    for day, s in stats.items():
        errs = np.array([x[0] for x in s])
        print(
            f"| {day} | {len(s)} | {100 * errs.mean():+.2f} | {100 * np.abs(errs).mean():.2f} | "
            f"{100 * np.mean([x[1] for x in s]):.0f} |"
        )
    flat = [x for s in stats.values() for x in s]
    print("Worst three:")
    for err, _, name, month, cm, actual in sorted(flat, key=lambda x: -abs(x[0]))[:3]:
        print(
            f"  {name} {month} day {cm['days_elapsed'] + 1}: expected {cm['expected']:,.0f} "
            f"[{cm['low']:,.0f}, {cm['high']:,.0f}] "
            f"actual {actual:,.0f} ({100 * err:+.1f} %)"
        )


def flagged_days(out: dict) -> dict[tuple, bool]:
    """(service, usage type, day) -> planned, from the events' root causes over their days."""
    flagged: dict[tuple, bool] = {}
    for e in out["events"]:
        start, end = date.fromisoformat(e["start"]), date.fromisoformat(e["end"])
        for rc in e["root_causes"]:
            d = start
            while d <= end:
                flagged[(rc["service"], rc["usage_type"], d)] = e["planned"]
                d += timedelta(days=1)
    for a in out["anomalies"]:
        flagged.setdefault((a["service"], a["usage_type"], date.fromisoformat(a["date"])), False)
    return flagged


def truth_days(bill: ib.Bill, first_scored: date) -> set[tuple]:
    days = set()
    for key, s, e in bill.anomalies:
        days |= {(*key, ib.DAYS[i]) for i in range(s, e + 1) if ib.DAYS[i] >= first_scored}
    return days


def windows(bill: ib.Bill, steps: list) -> set[tuple]:
    return {(*key, ib.DAYS[j]) for key, i in steps for j in range(i, min(i + 28, ib.N))}


def anomalies_part(bills: list[ib.Bill], paths: dict) -> None:
    tp = fp = fn = scored = recurring = planned_alarms = unplanned_step = 0
    misses, false_alarms = [], []
    events_found = events_total = 0
    for bill in bills:
        out = run(
            [
                "anomalies",
                "--actuals",
                paths[bill.name, bill.seed]["DAILY"],
                "--planned",
                paths[bill.name, bill.seed]["planned"],
            ]
        )
        if out is None:
            continue
        scored += out["scored_days"]
        truth = truth_days(bill, date.fromisoformat(out["first_scored"]))
        flagged = {k for k, planned in flagged_days(out).items() if not planned}
        recurring_days = {(*key, ib.DAYS[i]) for key, i in bill.recurring}
        planned_win, unplanned_win = windows(bill, bill.planned), windows(bill, bill.unplanned_steps)
        for k in flagged:
            if k in truth:
                tp += 1
            elif k in unplanned_win:
                unplanned_step += 1
            else:
                fp += 1
                false_alarms.append((bill.name, bill.seed, k))
                recurring += k in recurring_days
                planned_alarms += k in planned_win
        fn += len(truth - flagged)
        misses += [(bill.name, bill.seed, k) for k in sorted(truth - flagged, key=lambda k: k[2])]
        for key, s, e in bill.anomalies:
            events_total += 1
            events_found += any((*key, ib.DAYS[i]) in flagged for i in range(s, e + 1))
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print("\n## Anomalies (whole bills, planned changes declared; series-days)\n")
    print(
        "| precision | recall | F1 | false alarms / 1,000 series-days | on recurring days "
        "| on planned changes "
        "| in an unplanned step's 28 days | episodes found |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {precision:.2f} | {recall:.2f} | {f1:.2f} | "
        f"{1000 * fp / max(scored, 1):.2f} ({fp} in {scored:,}) | "
        f"{recurring} | {planned_alarms} | {unplanned_step} | {events_found} of {events_total} |"
    )
    print("Missed anomalous days:", summarize(misses))
    print("False alarm days:", summarize(false_alarms))


def summarize(items: list[tuple]) -> str:
    groups: dict[tuple, list[date]] = {}
    for name, seed, (_service, usage_type, d) in items:
        groups.setdefault((name, seed, usage_type), []).append(d)
    return (
        "; ".join(f"{n}-{s} {u} {min(ds)}..{max(ds)} ({len(ds)} d)" for (n, s, u), ds in groups.items())
        or "none"
    )


def daily_job_run(p: dict, as_of: date) -> dict | None:
    """`costmodel anomalies` on a bill's daily file, planned changes declared, as of a day."""
    return run(
        ["anomalies", "--actuals", p["DAILY"], "--planned", p["planned"], "--as-of", as_of.isoformat()]
    )


def daily_job_part(bills: list[ib.Bill], paths: dict) -> None:
    """As-of runs after each planned step (declared: no alarm expected) and each leak (days to the alarm)."""
    print("\n## Daily job (--as-of): alarms on planned changes, days until a leak is alarmed\n")
    for bill in bills:
        p = paths[bill.name, bill.seed]
        for key, i in bill.planned:
            alarmed = []
            for lag in (1, 2, 4, 8, 15):
                out = daily_job_run(p, ib.DAYS[i] + timedelta(days=lag))
                if out and any(unplanned_on(e, key, ib.DAYS[i]) for e in out["events"]):
                    alarmed.append(lag)
            print(
                f"  {bill.name}-{bill.seed} planned {key[1]} from {ib.DAYS[i]}: "
                f"unplanned alarm as of day +{alarmed or 'none'}"
            )
        for key, s, e in bill.anomalies:
            if e - s < 10:
                continue
            found = None
            for lag in (2, 3, 5, 8, 12, 15):
                out = daily_job_run(p, ib.DAYS[s] + timedelta(days=lag))
                if out and any(
                    any(r["usage_type"] == key[1] for r in ev["root_causes"])
                    and ev["end"] >= ib.DAYS[s].isoformat()
                    for ev in out["events"]
                ):
                    found = lag
                    break
            print(
                f"  {bill.name}-{bill.seed} leak {key[1]} from {ib.DAYS[s]}: "
                f"alarmed with {found} days of it in the data"
            )


def unplanned_on(event: dict, key: tuple, since: date) -> bool:
    """An unplanned event of the usage type ``key`` on or after ``since``."""
    causes = {r["usage_type"] for r in event["root_causes"]}
    return not event["planned"] and key[1] in causes and event["end"] >= since.isoformat()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--part", choices=["forecast", "month-end", "anomalies", "daily-job", "all"], default="all"
    )
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--anomaly-seeds", default="1,2,3")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="indep-bills-"))
    seeds = [int(s) for s in args.seeds.split(",")]
    aseeds = [int(s) for s in args.anomaly_seeds.split(",")]
    bills = {(n, s): f(s) for n, f in ib.PROFILES.items() for s in sorted(set(seeds) | set(aseeds))}
    paths = {k: ib.write(b, folder) for k, b in bills.items()}
    fbills = [b for (n, s), b in bills.items() if s in seeds]
    abills = [b for (n, s), b in bills.items() if s in aseeds]
    t0 = time.time()
    if args.part in ("forecast", "all"):
        forecast_part(fbills, paths)
    if args.part in ("month-end", "all"):
        month_end_part(fbills, paths)
    if args.part in ("anomalies", "all"):
        anomalies_part(abills, paths)
    if args.part in ("daily-job", "all"):
        daily_job_part(fbills, paths)
    print(f"\n{time.time() - t0:.0f} s; failures: {len(FAILURES)}")
    for f in FAILURES:
        print("  ", f)


if __name__ == "__main__":
    main()
