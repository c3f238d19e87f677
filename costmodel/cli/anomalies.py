"""``costmodel anomalies``: the days a series of the bill spent more (or less) than its own
baseline, grouped into events with their root causes, as a table, CSV (one row per event)
or the JSON of the contract (DESIGN.md).
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING

import pandas as pd

from costmodel.cli.finance import _actuals, _architecture
from costmodel.errors import InputError
from costmodel.output import json_number, records, table_text, write_csv, write_json

if TYPE_CHECKING:
    from costmodel.actuals.controls import Actuals
    from costmodel.anomalies import Detection


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


__all__ = ["CSV_CAUSES", "cmd_anomalies", "events_csv"]
