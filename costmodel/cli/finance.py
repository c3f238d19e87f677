"""The commands that follow "what did we spend": ``forecast``, ``budget`` and ``anomalies``.

Each reads saved Cost Explorer data (the bundled SYNTHETIC samples when no file is given),
prints a table, CSV or the JSON of the contract (DESIGN.md), and fails with one line on
bad input. ``budget`` exits 1 when a budget is at risk or over, so a scheduled job can act.
"""

from __future__ import annotations

import argparse

from costmodel.constants import CURRENCY
from costmodel.data_files import SAMPLE_BUDGET, SAMPLE_DAILY, sample
from costmodel.inputs import finite_option
from costmodel.output import FORMATS, json_number, money, records, table_text, write_csv, write_json


def _common(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument(
        "--actuals",
        help=f"saved Cost Explorer data: {what} (default: the bundled synthetic daily sample)",
    )


def _actuals(args: argparse.Namespace):  # -> Actuals
    from costmodel.actuals import read_actuals
    from costmodel.actuals.series import cut
    from costmodel.inputs import parse_day

    actuals = read_actuals(sample(SAMPLE_DAILY, args.actuals))
    if getattr(args, "as_of", None):
        actuals = cut(actuals, str(parse_day(args.as_of, "--as-of").date()))
    return actuals


def _architecture(args: argparse.Namespace):  # -> Architecture
    from costmodel.architecture import load_architecture

    return load_architecture(args.arch_file)


# ---------------------------------------------------------------------------- forecast
def cmd_forecast(args: argparse.Namespace) -> None:
    from costmodel.forecast import forecast, parse_change

    changes = [parse_change(text) for text in args.change or []]
    arch = _architecture(args) if changes else None
    result = forecast(_actuals(args), months=args.months, changes=changes, arch=arch, interval=args.interval)
    table = result.forecast
    if args.format == "json":
        current = result.current
        write_json(
            {
                "currency": result.currency,
                "history": records(result.history),
                "forecast": records(table),
                "interval": result.interval,
                "method": result.method,
                "backtest_mape_pct": json_number(result.backtest_mape_pct)
                if result.backtest_mape_pct is not None
                else None,
                "current_month": None
                if current is None
                else {k: getattr(current, k) for k in current.__dataclass_fields__},
                "notes": result.notes,
            }
        )
        return
    if args.format == "csv":
        write_csv(table)
        return
    print("History (actual bill per month):")
    print(table_text(result.history))
    if result.current is not None:
        c = result.current
        print(
            f"\n{c.month} so far: {money(c.actual_to_date)} in {c.days_elapsed} of {c.days_in_month} days; "
            f"month-end forecast {money(c.expected)} ({money(c.low)} .. {money(c.high)})"
        )
    print(f"\nForecast, {result.interval:.0%} prediction interval:")
    print(table_text(table))
    backtest = "n/a" if result.backtest_mape_pct is None else f"{result.backtest_mape_pct:.1f}%"
    print(f"\nmethod: {result.method}\nbacktest (last months held out): mean absolute error {backtest}")
    for note in result.notes:
        print(f"note: {note}")


# ---------------------------------------------------------------------------- budget
def cmd_budget(args: argparse.Namespace) -> int:
    from costmodel.budget import any_alarm, evaluate, read_budget, worst_status
    from costmodel.inputs import parse_month

    budget = read_budget(sample(SAMPLE_BUDGET, args.budget))
    actuals = _actuals(args)
    needs_arch = any(scope == "category" for scope, _, _ in budget.budgets)
    month = parse_month(args.month, "--month") if args.month else None
    month, table = evaluate(budget, actuals, month, _architecture(args) if needs_arch else None)
    in_progress = bool(table["in_progress"].iloc[0])
    if args.format == "json":
        write_json(
            {
                "currency": CURRENCY,
                "month": month,
                "in_progress": in_progress,
                "budgets": records(table),
                "alert_pct": list(budget.alert_pct),
            }
        )
    elif args.format == "csv":
        write_csv(table)
    else:
        print(f"Budgets for {month} ({budget.origin}, actuals {actuals.origin}):")
        if in_progress:
            print(f"{month} is in progress: the actual is month to date, not the month's bill")
        print(table_text(table.drop(columns="in_progress")))
        print("\n" + VERDICTS[worst_status(table)])
    return 1 if any_alarm(table) else 0


VERDICTS = {
    "ok": "all budgets ok",
    "unknown": "a budget cannot be checked: the month is in progress and the data is monthly, so "
    "its month-end forecast is unknown; give daily data (fetch-actuals --granularity DAILY)",
    "at risk": "a budget is at risk (forecast above budget)",
    "over": "a budget is over",
}


# ---------------------------------------------------------------------------- anomalies
def cmd_anomalies(args: argparse.Namespace) -> None:
    from costmodel import anomalies

    if args.min_usd < 0:
        from costmodel.errors import InputError

        raise InputError(f"--min-usd must be >= 0, got {args.min_usd:g}")
    from costmodel.actuals.series import in_progress_months
    from costmodel.estimation import estimate

    labels = anomalies.labels_of(estimate(_architecture(args), missing="report"))
    actuals = _actuals(args)
    detection = anomalies.detect(actuals, min_usd=args.min_usd, labels=labels)
    if anomalies.too_short(detection):
        from costmodel.errors import InputError

        raise InputError(anomalies.too_short(detection))
    found, steps = detection.anomalies, detection.steps
    if args.month:
        from costmodel.inputs import parse_month

        month = parse_month(args.month, "--month")
        found = anomalies.for_month(detection, month)
        steps = steps.loc[steps["date"].dt.strftime("%Y-%m") == month]
    shown = found.assign(date=found["date"].dt.strftime("%Y-%m-%d"))[anomalies.COLUMNS]
    steps = steps.assign(date=steps["date"].dt.strftime("%Y-%m-%d"))
    if args.format == "json":
        write_json(
            {
                "currency": detection.currency,
                "in_progress_months": in_progress_months(actuals),
                "anomalies": records(shown),
                "step_changes": records(steps),
                "scored_days": detection.scored_days,
                "first_scored": detection.first_scored,
                "method": anomalies.METHOD,
            }
        )
        return
    if args.format == "csv":
        write_csv(shown)
        return
    print(
        f"{len(shown)} anomal{'y' if len(shown) == 1 else 'ies'} in {detection.scored_days:,} series-days "
        f"scored (from {detection.first_scored}):"
    )
    if len(shown):
        print(table_text(shown.drop(columns=["explanation"])))
        for line in shown["explanation"]:
            print(f"- {line}")
    for month in in_progress_months(actuals):
        print(f"note: {month} is in progress (not final): its days are estimated and may still change")
    if len(steps):
        print("\nStep changes (a new level that stayed: not alarms):")
        print(table_text(steps.rename(columns={"before": "before_usd", "after": "after_usd"})))


# ---------------------------------------------------------------------------- parsers
def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The three commands' parsers, on the ``costmodel`` command's subparsers."""
    p = sub.add_parser("forecast", help="the next months' bill, and the month in progress, with intervals")
    _common(p, "monthly or daily history")
    p.add_argument("arch_file", nargs="?", help="architecture YAML the --change what-ifs apply to")
    p.add_argument("--months", type=int, default=3, help="months to forecast, 1..12 (default: 3)")
    p.add_argument(
        "--change",
        action="append",
        metavar="YYYY-MM:KEY=VALUE",
        help="a known change from a month on, e.g. 2027-01:rds.read_replicas=3 (repeatable)",
    )
    p.add_argument("--interval", type=finite_option, default=0.8, help="prediction interval (default: 0.8)")
    p.add_argument("--as-of", help="forecast as the data stood at the start of this day, YYYY-MM-DD")
    p.set_defaults(func=cmd_forecast)

    p = sub.add_parser("budget", help="the month's bill against a budget file (exit 1 if at risk or over)")
    _common(p, "monthly or daily")
    p.add_argument("arch_file", nargs="?", help="architecture YAML (for budgets by model category)")
    p.add_argument("--budget", help="budget YAML (default: the bundled sample budget)")
    p.add_argument("--month", help="the month, YYYY-MM (default: the last month in the data)")
    p.add_argument("--as-of", help="the budget as the data stood at the start of this day, YYYY-MM-DD")
    p.set_defaults(func=cmd_budget)

    p = sub.add_parser("anomalies", help="days a usage type cost far more than usual (daily data)")
    _common(p, "daily")
    p.add_argument("arch_file", nargs="?", help="architecture YAML that names the usage types")
    p.add_argument("--month", help="only this month's anomalies, YYYY-MM")
    p.add_argument(
        "--min-usd",
        type=finite_option,
        default=2.0,
        help="smallest excess over the expected day to report [USD] (default: 2)",
    )
    p.set_defaults(func=cmd_anomalies)


__all__ = ["add_parsers", "cmd_anomalies", "cmd_budget", "cmd_forecast"]
