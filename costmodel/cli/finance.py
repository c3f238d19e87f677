"""The commands that follow "what did we spend": ``forecast``, ``budget`` and ``anomalies``.

Each reads saved Cost Explorer data (the bundled SYNTHETIC samples when no file is given) or
line items (``--cur``, ``--focus``, ``--athena``), prints a table, CSV or the JSON of the
contract (DESIGN.md), and fails with one line on bad input. ``budget`` exits 1 when a budget
is at risk, over or unknown, or a threshold is crossed, so a scheduled job can act.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING

import pandas as pd

from costmodel.constants import CURRENCY
from costmodel.data_files import SAMPLE_BUDGET, SAMPLE_DAILY, sample
from costmodel.errors import InputError
from costmodel.output import json_number, money, records, table_text, write_csv, write_json

if TYPE_CHECKING:
    from costmodel.actuals.controls import Actuals
    from costmodel.anomalies import Detection
    from costmodel.budget import BudgetFile
    from costmodel.forecast import CurrentMonth, Forecast
    from costmodel.known_changes import SizedChange


def _actuals(
    args: argparse.Namespace,
    by_dimension: bool = False,
    tag_keys: tuple[str, ...] = (),
    require_tags: bool = False,
    net_amortized: bool = False,
    reservation_fees: bool = False,
):  # -> Actuals
    """The bill the options name, as it stood before ``--as-of``: Cost Explorer data (the bundled
    daily sample by default) or line items by day (with accounts and the tags ``tag_keys`` when
    ``by_dimension``; a tag on no line item refused when ``require_tags``; with their net amortized
    cost when ``net_amortized``, each charge's reservation fee when ``reservation_fees``)."""
    from costmodel.actuals import read_actuals
    from costmodel.actuals.series import cut
    from costmodel.cli.lineitems import line_item_source, notes_of
    from costmodel.inputs import parse_day

    given = [o for o in ("actuals", "cur", "focus", "athena") if getattr(args, o, None)]
    if len(given) > 1:
        raise InputError(f"give one bill: {' and '.join('--' + g for g in given)} were both given")
    found = line_item_source(args, required=False) if given and given[0] != "actuals" else None
    actuals: Actuals
    if found is not None:
        from costmodel.lineitems import bill
        from costmodel.lineitems.dimensions import daily_by_dimension

        source, athena = found
        actuals = (
            daily_by_dimension(source, athena, tag_keys, require_tags, net_amortized, reservation_fees)
            if by_dimension or net_amortized or reservation_fees
            else bill(source, athena, "DAILY")
        )
        # said on stderr once the command has answered (so JSON and CSV stay as they are, and a
        # refusal stays one line)
        args.line_item_notes = notes_of(actuals)
    else:
        actuals = read_actuals(sample(SAMPLE_DAILY, args.actuals))
    if getattr(args, "as_of", None):
        actuals = cut(actuals, str(parse_day(args.as_of, "--as-of").date()))
    return actuals


def _architecture(args: argparse.Namespace):  # -> Architecture
    from costmodel.architecture import load_architecture

    return load_architecture(args.arch_file)


# ---------------------------------------------------------------------------- forecast
def _listed(values: list, missing: str = "-") -> str:
    return " / ".join(missing if v is None else f"{v:g}" for v in values)


def _mase_column(result: Forecast) -> list[str]:
    """Each candidate's backtest MASE per month ahead: n/a where the history was flat to the cent."""
    from costmodel.forecast_methods import flat_history_note

    missing = "n/a" if flat_history_note(result.backtest) else "-"
    return [_listed(mase, missing) for mase in result.candidates["mase"]]


def _forecast_actuals(args: argparse.Namespace) -> Actuals:
    """The bill to forecast from; a warning when ``--as-of`` is days after its end."""
    actuals = _actuals(args)
    following = (_days_after_the_data(args, actuals)[0] + pd.Timedelta(days=1)).strftime("%Y-%m")
    _warn_data_ends_before_as_of(
        args,
        actuals,
        f"the forecast starts at {following}, after the data, not at --as-of; fetch the days after it",
    )
    return actuals


def _change_json(sized: SizedChange) -> dict:
    """One known change as ``forecast --format json`` lists it."""
    return {
        "start": sized.start,
        "key": sized.key,
        "file_value": sized.file_value,
        "billed_value": json_number(sized.billed_value) if sized.billed_value is not None else None,
        "new_value": sized.new_value,
        "monthly_difference": json_number(sized.monthly_difference),
        "usage_type": sized.usage_type,
        "billed_period": sized.billed_from,
        "note": sized.note,
    }


def cmd_forecast(args: argparse.Namespace) -> None:
    from costmodel import forecast_methods as methods
    from costmodel.forecast import forecast, parse_change

    changes = [parse_change(text) for text in args.change or []]
    arch = _architecture(args) if changes else None
    result = forecast(
        _forecast_actuals(args),
        months=args.months,
        changes=changes,
        arch=arch,
        interval=args.interval,
        method=args.method,
    )
    table = result.forecast
    if args.format == "json":
        current = result.current
        write_json(
            {
                "currency": result.currency,
                "cost_basis": result.cost_basis,
                "history": records(result.history),
                "forecast": records(table),
                "interval": result.interval,
                "interval_basis": result.interval_basis,
                "method": result.method,
                "method_reason": result.method_reason,
                "method_description": result.method_description,
                "candidates": records(result.candidates),
                "mase_note": methods.flat_history_note(result.backtest) or None,  # why a MASE is null
                "backtest_mape_pct": json_number(result.backtest_mape_pct)
                if result.backtest_mape_pct is not None
                else None,
                "changes": [_change_json(s) for s in result.changes],
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
        print(_current_text(result.current))
    print(f"\nForecast, {result.interval:.0%} prediction interval:")
    print(table_text(table))
    if result.method:
        print(f"\nmethod: {result.method}: {result.method_description}\nwhy: {result.method_reason}")
        print(f"interval: {result.interval_basis}")
    print(f"cost: {result.cost_basis}")
    if len(result.candidates):
        print("\nBacktest from rolling origins (per month ahead: 1 / 2 / 3 ...):")
        shown = pd.DataFrame(
            {
                "method": result.candidates["method"],
                "MASE": _mase_column(result),
                "MAPE %": result.candidates["mape_pct"].map(_listed),
                f"{result.interval:.0%} interval covers %": result.candidates["coverage_pct"].map(_listed),
                "forecasts": result.candidates["forecasts"],
            }
        )
        print(table_text(shown))
    for note in result.notes:
        print(f"note: {note}")


# ---------------------------------------------------------------------------- budget
def _refuse_what_line_items_cannot_give(args: argparse.Namespace, budget: BudgetFile) -> None:
    """Refuse a budget setting the line items given cannot honour (rather than ignore it)."""
    if getattr(args, "focus", None) and not budget.include["refunds"]:
        # FOCUS's ChargeCategory has no refund: leaving refunds out would leave out nothing
        raise InputError(
            f"{budget.origin}: include.refunds false cannot be applied to a FOCUS export: its "
            "ChargeCategory has no refund (a refund is a Credit or Adjustment charge there); "
            "leave refunds in, or give --cur or --actuals"
        )


def cmd_budget(args: argparse.Namespace) -> int:
    from costmodel.budget import any_alarm, evaluate, read_budget, worst_status
    from costmodel.inputs import parse_month

    budget = read_budget(sample(SAMPLE_BUDGET, args.budget))
    _refuse_what_line_items_cannot_give(args, budget)
    actuals = _actuals(
        args,
        by_dimension=budget.needs_line_items,
        tag_keys=budget.tag_keys,
        require_tags=True,
        net_amortized=budget.cost_type == "net_amortized",
        reservation_fees=not (budget.include["upfront"] and budget.include["recurring"]),
    )
    needs_arch = any(scope == "category" for scope, _, _ in budget.budgets)
    month = parse_month(args.month, "--month") if args.month else None
    if month is None:  # a --month given is read whatever --as-of says
        last_month = _days_after_the_data(args, actuals)[0].strftime("%Y-%m")
        _warn_data_ends_before_as_of(
            args,
            actuals,
            f"the budget is read at {last_month}, the data's last month; fetch the days after it",
        )
    month, table = evaluate(budget, actuals, month, _architecture(args) if needs_arch else None)
    in_progress = bool(table["in_progress"].iloc[0])
    if args.format == "json":
        write_json(
            {
                "currency": CURRENCY,
                "month": month,
                "period": budget.period,
                "period_months": table["period"].iloc[0],
                "fiscal_year_start": budget.fiscal_year_start,
                "cost_type": budget.cost_type,
                "include": budget.include,
                "in_progress": in_progress,
                "budgets": [
                    {**row, "thresholds": [{k: _plain(v) for k, v in t.items()} for t in row["thresholds"]]}
                    for row in records(table)
                ],
                "alert_pct": list(budget.alert_pct),
            }
        )
    elif args.format == "csv":
        write_csv(table.drop(columns="thresholds"))
    else:
        span = table["period"].iloc[0]
        what = f"{budget.period} {span}, " if budget.period != "monthly" else ""
        print(
            f"Budgets for {month} ({budget.origin}, actuals {actuals.origin}; {what}{budget.cost_type} cost):"
        )
        left_out = [k for k, v in budget.include.items() if not v]
        if left_out:
            print(f"left out: {', '.join(left_out)}")
        if in_progress:
            print(f"{month} is in progress: the actual is month to date, not the month's bill")
        print(table_text(table.drop(columns=["in_progress", "thresholds", "period"])))
        status = worst_status(table)
        daily_month = set(actuals.rows.loc[actuals.rows["month"] == month, "granularity"]) == {"DAILY"}
        print("\n" + (SHORT_HISTORY if status == "unknown" and daily_month else VERDICTS[status]))
        crossed = table.loc[table["alerts"] != ""]
        for row in crossed.itertuples():
            print(f"threshold crossed: {row.name}: {row.alerts}")
    return 1 if any_alarm(table) else 0


def _plain(value: object) -> object:
    return None if isinstance(value, float) and math.isnan(value) else value


VERDICTS = {
    "ok": "no budget over or at risk",
    "unknown": "a budget cannot be checked: the month is in progress and the data is monthly (or the "
    "history too short), so its forecast is unknown; give daily data (fetch-actuals --granularity DAILY)",
    "at risk": "a budget is at risk (forecast above budget)",
    "over": "a budget is over",
}
# unknown with daily data: the history is too short (daily data is what VERDICTS asks for)
SHORT_HISTORY = (
    "a budget cannot be checked: its forecast is unknown, the history is too short (a month in "
    "progress needs 3 weeks of daily data, the period's later months 3 complete months before them)"
)


def _current_text(c: CurrentMonth) -> str:
    """The month in progress in two lines: so far, the month-end forecast and its interval,
    how much of it the learned extra of the month's last days is, and where the interval
    comes from."""
    edge = (
        f", {money(c.month_edge)} of it the extra of the month's last days (learned from past months)"
        if c.month_edge
        else ""
    )
    return (
        f"\n{c.month} so far: {money(c.actual_to_date)} in {c.days_elapsed} of {c.days_in_month} days; "
        f"month-end forecast {money(c.expected)} ({money(c.low)} .. {money(c.high)}){edge}\n"
        f"its interval: {c.interval_basis}"
    )


# ---------------------------------------------------------------------------- anomalies
def _planned(args: argparse.Namespace) -> list:
    from costmodel.anomalies import planned_from_changes, read_planned

    planned = read_planned(args.planned) if args.planned else []
    if args.change:
        from costmodel.known_changes import parse_change

        changes = [parse_change(text) for text in args.change]
        planned += planned_from_changes(changes, _architecture(args))
    return planned


def cmd_anomalies(args: argparse.Namespace) -> int:
    from costmodel import anomalies

    for option in ("min_usd", "min_impact_usd", "min_impact_pct"):
        if getattr(args, option) < 0:
            raise InputError(f"--{option.replace('_', '-')} must be >= 0, got {getattr(args, option):g}")
    from costmodel.estimation import estimate

    line_items = any(getattr(args, o, None) for o in ("cur", "focus", "athena"))
    tags = tuple(dict.fromkeys(args.tag or ()))
    if tags and not line_items:
        raise InputError(
            f"--tag {tags[0]}: tags are in line items only: give --cur, --focus or --athena "
            "(Cost Explorer files carry no tags)"
        )
    labels = anomalies.labels_of(estimate(_architecture(args), missing="report"))
    planned = _planned(args)
    actuals = _actuals(args, by_dimension=line_items, tag_keys=tags, require_tags=True)
    for warning in anomalies.check_planned(planned, actuals):
        print(f"warning: {warning}", file=sys.stderr)
    progress = _stale_as_of(args, actuals)
    detection = anomalies.detect(actuals, min_usd=args.min_usd, labels=labels, planned=planned)
    args.line_item_notes = [*getattr(args, "line_item_notes", ()), *detection.moved]  # said on stderr
    if anomalies.too_short(detection):
        raise InputError(anomalies.too_short(detection))
    alarms = anomalies.alarms(detection, args.min_impact_usd, args.min_impact_pct)
    found, steps = _alarmed_days(detection, alarms), detection.steps
    events = _reported(detection, alarms)
    if args.as_of:  # a daily job: which events the run of the day before reported already
        before = _reported_the_day_before(args, actuals, labels, planned)
        events = events.assign(new=~anomalies.already_reported(events, before))
    if args.month:
        from costmodel.inputs import parse_month

        month = parse_month(args.month, "--month")
        anomalies.for_month(detection, month)  # refuses a month no day of which was scored
        found = found.loc[found["date"].dt.strftime("%Y-%m") == month]
        steps = steps.loc[steps["date"].dt.strftime("%Y-%m") == month]
        in_month = (events["start"].dt.strftime("%Y-%m") <= month) & (
            events["end"].dt.strftime("%Y-%m") >= month
        )
        events = events.loc[in_month]
    events = events.sort_values("start", ignore_index=True)
    # a daily job acts on the exit code: 1 when asked and an unplanned event passes the
    # thresholds; with --as-of only a new one, so that an open event fails one day's job, not each
    alerting = ~events["planned"].astype(bool)
    if args.as_of:
        alerting &= events["new"].astype(bool)
    code = 1 if args.fail_on_alert and alerting.any() else 0
    shown = found.assign(date=found["date"].dt.strftime("%Y-%m-%d"))[anomalies.COLUMNS]
    steps = steps.assign(date=steps["date"].dt.strftime("%Y-%m-%d"))
    if args.format == "json":
        write_json(
            {
                "currency": detection.currency,
                "in_progress_months": progress,
                "events": [_event_json(e) for e in events.to_dict("records")],
                "anomalies": records(shown),
                "step_changes": _steps_json(steps),
                "scored_days": detection.scored_days,
                "first_scored": detection.first_scored,
                "last_scored": detection.last_scored,
                "thresholds": {"min_impact_usd": args.min_impact_usd, "min_impact_pct": args.min_impact_pct},
                "method": anomalies.METHOD,
            }
        )
        return code
    if args.format == "csv":
        write_csv(events_csv(events))
        return code
    _print_anomalies(detection, events, shown, steps, progress)
    return code


def _days_after_the_data(args: argparse.Namespace, actuals: Actuals) -> tuple[pd.Timestamp, int]:
    """(the data's last day, the days between it and ``--as-of`` the data lacks) [days; 0
    without --as-of or when the data reaches the day before it]."""
    from costmodel.inputs import parse_day

    last = actuals.rows["period_end"].max() - pd.Timedelta(days=1)
    if not getattr(args, "as_of", None):
        return last, 0
    return last, max((parse_day(args.as_of, "--as-of") - last).days - 1, 0)


def _warn_data_ends_before_as_of(args: argparse.Namespace, actuals: Actuals, consequence: str) -> None:
    """Warn when ``--as-of`` is days after the data's last day: what the command reads is
    at the data's end, ``consequence`` says how (a daily job on a file not fetched again
    would otherwise check a past month and say nothing)."""
    last, missing = _days_after_the_data(args, actuals)
    if missing > 0:
        print(
            f"warning: {actuals.origin}: the data ends {last.date()}, {missing} day"
            f"{'' if missing == 1 else 's'} before --as-of {args.as_of}: {consequence}",
            file=sys.stderr,
        )


def _stale_as_of(args: argparse.Namespace, actuals: Actuals) -> list[str]:
    """The months in progress that the data has days of; a warning when ``--as-of`` is days
    after the data's last day (a daily job on a file not fetched again): those days are not
    scored, and an event "open" ran on the data's last day, not on the day before --as-of."""
    from costmodel.actuals.series import in_progress_months
    from costmodel.inputs import parse_day

    last = actuals.rows["period_start"].max()
    if args.as_of:
        missing = (parse_day(args.as_of, "--as-of") - last).days - 1
        if missing > 0:
            print(
                f"warning: {actuals.origin}: the data ends {last.date()}, so {missing} day"
                f"{' is' if missing == 1 else 's are'} not scored before --as-of {args.as_of}; fetch them",
                file=sys.stderr,
            )
    return [month for month in in_progress_months(actuals) if month <= last.strftime("%Y-%m")]


def _reported(detection: Detection, alarms: pd.DataFrame) -> pd.DataFrame:
    """The events a run lists: its alarms and the planned events."""
    return pd.concat([alarms, detection.events.loc[detection.events["planned"]]], ignore_index=True)


def _reported_the_day_before(
    args: argparse.Namespace, actuals: Actuals, labels: dict, planned: list
) -> pd.DataFrame:
    """The events the same command listed the day before (its data without the last day;
    none when that is too short to score)."""
    from costmodel import anomalies
    from costmodel.actuals.series import cut

    last = actuals.rows["period_start"].max()
    before = anomalies.detect(
        cut(actuals, str(last.date())), min_usd=args.min_usd, labels=labels, planned=planned
    )
    if anomalies.too_short(before):
        return before.events.iloc[:0]
    return _reported(before, anomalies.alarms(before, args.min_impact_usd, args.min_impact_pct))


def _alarmed_days(detection: Detection, alarms: pd.DataFrame) -> pd.DataFrame:
    """The flagged series-days of the events that are alarms."""
    days = detection.anomalies
    keep = pd.Series(False, index=days.index)
    for event in alarms.itertuples():
        keep |= (days["service"] == event.service) & days["date"].between(event.start, event.end)
    return days.loc[keep].reset_index(drop=True)


def _steps_json(steps: pd.DataFrame) -> list[dict]:
    """Step changes for JSON: each series' key (its tags as ``"tags"``, as in root causes)."""
    from costmodel.constants import TAG_PREFIX

    tags = [c for c in steps.columns if str(c).startswith(TAG_PREFIX)]
    out = records(steps.drop(columns=tags))
    if tags:
        for row, values in zip(out, steps[tags].to_dict("records"), strict=True):
            row["tags"] = {k[len(TAG_PREFIX) :]: v for k, v in values.items()}
    return out


def _event_json(event: dict) -> dict:
    from costmodel.constants import TAG_PREFIX

    tagged = bool(event["tag_causes"])
    causes = [
        {
            "service": c["service"],
            "usage_type": c["usage_type"],
            "account": c["account"],
            "region": c["region"],
            **(
                {"tags": {k[len(TAG_PREFIX) :]: v for k, v in c.items() if k.startswith(TAG_PREFIX)}}
                if tagged
                else {}
            ),
            "contribution": json_number(c["contribution"]),
        }
        for c in event["root_causes"]
    ]
    tag_causes = [t | {"contribution": json_number(t["contribution"])} for t in event["tag_causes"]]
    return {
        "start": event["start"].strftime("%Y-%m-%d"),
        "end": event["end"].strftime("%Y-%m-%d"),
        "total_impact": json_number(event["total_impact"]),
        "impact_pct": json_number(event["impact_pct"]),
        "actual": json_number(event["actual"]),
        "expected": json_number(event["expected"]),
        "root_causes": causes,
        "status": event["status"],
        "planned": bool(event["planned"]),
        "kind": event["kind"],
        # with --as-of: false when the run of the day before reported it already (alert once)
        "new": bool(event["new"]) if "new" in event else None,
        **({"tag_causes": tag_causes} if tagged else {}),
    }


CSV_CAUSES = 3  # root causes an event's CSV row names in columns of their own (AWS's console shows the top)


def events_csv(events: pd.DataFrame, causes: int = CSV_CAUSES) -> pd.DataFrame:
    """One row per event for a spreadsheet: the event's columns, ``root_causes`` (how many),
    the first ``causes`` root causes ranked by contribution (``cause_N_usage_type``,
    ``_account``, ``_region``, ``_tags`` as ``KEY=VALUE`` ``;``-joined, ``_contribution``
    [USD]; empty past the last), and ``other_causes_contribution`` [USD], the rest: the
    contributions add up to ``total_impact``."""
    from costmodel.anomalies import cause_tags

    rows = []
    for event in events.to_dict("records"):
        row = {
            "start": event["start"].strftime("%Y-%m-%d"),
            "end": event["end"].strftime("%Y-%m-%d"),
            **{k: event[k] for k in ("service", "total_impact", "impact_pct", "actual", "expected")},
            **{k: event[k] for k in ("status", "planned", "kind")},
            "root_causes": len(event["root_causes"]),
        }
        ranked = event["root_causes"]
        for rank in range(1, causes + 1):
            cause = ranked[rank - 1] if rank <= len(ranked) else None
            row |= {
                f"cause_{rank}_usage_type": cause["usage_type"] if cause else "",
                f"cause_{rank}_account": cause["account"] if cause else "",
                f"cause_{rank}_region": cause["region"] if cause else "",
                f"cause_{rank}_tags": ";".join(cause_tags(cause)) if cause else "",
                f"cause_{rank}_contribution": float(cause["contribution"]) if cause else math.nan,
            }
        row["other_causes_contribution"] = float(sum(c["contribution"] for c in ranked[causes:]))
        rows.append(row | ({"new": bool(event["new"])} if "new" in event else {}))
    return pd.DataFrame(rows, columns=_events_csv_columns(causes) + (["new"] if "new" in events else []))


def _events_csv_columns(causes: int) -> list[str]:
    each = ("usage_type", "account", "region", "tags", "contribution")
    head = ["start", "end", "service", "total_impact", "impact_pct", "actual", "expected"]
    ranked = [f"cause_{rank}_{part}" for rank in range(1, causes + 1) for part in each]
    return [*head, "status", "planned", "kind", "root_causes", *ranked, "other_causes_contribution"]


def _print_anomalies(
    detection: Detection, events: pd.DataFrame, shown: pd.DataFrame, steps: pd.DataFrame, progress: list[str]
) -> None:
    from costmodel.anomalies import top_cause

    alarms = events.loc[~events["planned"].astype(bool)]
    print(
        f"{len(alarms)} anomal{'y' if len(alarms) == 1 else 'ies'} ({len(shown)} series-days) in "
        f"{detection.scored_days:,} series-days scored ({detection.first_scored} to {detection.last_scored}):"
    )
    for planned, title in ((False, ""), (True, "\nPlanned changes (declared: not alarms):")):
        part = events.loc[events["planned"].astype(bool) == planned]
        if part.empty:
            continue
        if title:
            print(title)
        shown_new = ["new"] if "new" in part else []
        table = part.assign(
            start=part["start"].dt.strftime("%Y-%m-%d"),
            end=part["end"].dt.strftime("%Y-%m-%d"),
            top_cause=[top_cause(e) for e in part["root_causes"]],
            **({"new": part["new"].map({True: "new", False: "reported"})} if shown_new else {}),
        )[
            [
                "start",
                "end",
                "service",
                "total_impact",
                "impact_pct",
                "status",
                *shown_new,
                "kind",
                "top_cause",
            ]
        ]
        print(table_text(table, money_columns=("total_impact",)))
    if len(shown):
        print()
        for line in shown["explanation"]:
            print(f"- {line}")
    for month in progress:
        print(f"note: {month} is in progress (not final): its days are estimated and may still change")
    if len(steps):
        print("\nStep changes (a new level that stayed: not alarms):")
        print(table_text(steps.rename(columns={"before": "before_usd", "after": "after_usd"})))


__all__ = ["cmd_anomalies", "cmd_budget", "cmd_forecast"]
