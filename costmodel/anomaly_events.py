"""Anomaly events, beside :mod:`costmodel.anomalies`: flagged series-days of one service on
consecutive days grouped into an event, with its total impact, its impact in percent of the
service's expected spend, its root causes (each series' contribution, largest first) and its
tag causes; see :mod:`costmodel.anomalies` for what each column means."""

from __future__ import annotations

import pandas as pd

from costmodel.anomaly_moves import Moves, fallen, move_note
from costmodel.anomaly_series import SERIES, tag_columns
from costmodel.constants import TAG_PREFIX, UNTAGGED

EVENT_COLUMNS = [
    "start",
    "end",
    "service",
    "total_impact",
    "impact_pct",
    "actual",
    "expected",
    "root_causes",
    "status",
    "planned",
    "kind",
    "tag_causes",
]


def events_of(
    flagged: pd.DataFrame,
    last_day: pd.Timestamp | None,
    by_service: pd.DataFrame | None = None,
    moves: Moves | None = None,
) -> pd.DataFrame:
    """Flagged series-days grouped into events per service (consecutive days, one day of gap
    allowed), planned apart from unplanned: the module docstring's columns. ``by_service``
    (days x service, what it billed [USD per day]) gives an event's actual spend of its whole
    service (a spike of another event, planned or not, is that event's money, left out);
    without it, of its flagged series only. ``moves`` nets the lines of the service that fell over the event
    (:mod:`costmodel.anomaly_moves`) into its impact: an event a move takes below the
    minimum dollars a day is none (said in ``moves.notes``)."""
    rows = []
    for (service, planned), group in flagged.groupby(["service", "planned"], sort=False):
        days = group["date"].drop_duplicates().sort_values()
        breaks = (days.diff() > pd.Timedelta(days=2)).cumsum()
        for _, span in days.groupby(breaks.to_numpy()):
            part = group.loc[group["date"].between(span.iloc[0], span.iloc[-1])]
            billed = None
            if by_service is not None:
                billed = float(by_service[service].loc[span].sum()) - _others_money(
                    flagged, service, planned, span
                )
            fell = fallen(moves, str(service), span) if moves is not None else pd.DataFrame()
            event = _event(pd.concat([part, fell]), str(service), bool(planned), last_day, billed)
            if moves is not None and len(fell) and event["total_impact"] < moves.min_usd * len(span):
                moves.notes.append(move_note(event))  # a move, not a rise: under the day's minimum
            else:
                rows.append(event)
    events = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    # none found: still dates and flags (a quiet bill's table must answer .dt and ~)
    events = events.astype(
        {"start": "datetime64[ns]", "end": "datetime64[ns]", "planned": bool}
        | dict.fromkeys(("total_impact", "impact_pct", "actual", "expected"), float)
    )
    return events.sort_values(["start", "total_impact"], ascending=[True, False], ignore_index=True)


def _others_money(flagged: pd.DataFrame, service: str, planned: bool, days: pd.Series) -> float:
    """The excess of the events of ``service`` on ``days`` planned otherwise [USD]."""
    other = (flagged["service"] == service) & (flagged["planned"] != planned) & flagged["date"].isin(days)
    return float((flagged.loc[other, "actual"] - flagged.loc[other, "expected"]).sum())


def _event(
    part: pd.DataFrame,
    service: str,
    planned: bool,
    last_day: pd.Timestamp | None,
    billed: float | None = None,
) -> dict:
    impact = part["actual"] - part["expected"]
    tags = tag_columns(part)
    contributions = part.assign(contribution=impact)
    causes = (
        contributions.groupby([*SERIES, *tags], as_index=False)["contribution"]
        .sum()
        .sort_values("contribution", ascending=False, kind="stable")
    )
    actual = float(part["actual"].sum()) if billed is None else billed  # the service's, when given
    expected = actual - float(impact.sum())
    end = part["date"].max()
    return {
        "start": part["date"].min(),
        "end": end,
        "service": service,
        "total_impact": float(impact.sum()),
        "impact_pct": 100 * float(impact.sum()) / expected if expected > 0 else float("nan"),
        "actual": actual,
        "expected": expected,
        "root_causes": causes.to_dict("records"),
        "status": "open" if last_day is not None and end >= last_day else "closed",
        "planned": planned,
        "kind": ", ".join(dict.fromkeys(part["kind"].dropna())),  # a line that fell has none
        "tag_causes": _tag_causes(contributions, tags),
    }


def _tag_causes(contributions: pd.DataFrame, tags: list[str]) -> list[dict]:
    """Each tag value's share of an event's impact, largest first: ``tag`` (the key),
    ``value`` ('(untagged)' for none) and ``contribution`` [USD]; they add up to the
    event's total impact for each tag."""
    out = []
    for column in tags:
        by_value = (
            contributions.groupby(column)["contribution"].sum().sort_values(ascending=False, kind="stable")
        )
        out += [
            {"tag": column[len(TAG_PREFIX) :], "value": str(value) or UNTAGGED, "contribution": float(amount)}
            for value, amount in by_value.items()
        ]
    return out


def cause_tags(cause: dict) -> list[str]:
    """A root cause's tags as ``KEY=VALUE`` ('(untagged)' for none), in the order read."""
    return [
        f"{k[len(TAG_PREFIX) :]}={v or UNTAGGED}" for k, v in cause.items() if str(k).startswith(TAG_PREFIX)
    ]


def top_cause(causes: list[dict]) -> str:
    """An event's largest root cause in a line: its contribution [USD], usage type, tags,
    account and region (the figure first: a long cause is cut at its end in a table)."""
    from costmodel.output import money

    top = causes[0]
    tags = cause_tags(top)
    where = ", ".join([*tags, *(v for v in (top["account"], top["region"]) if v)])
    return " ".join(
        p for p in (money(top["contribution"]), top["usage_type"], f"({where})" if where else "") if p
    )


__all__ = ["EVENT_COLUMNS", "cause_tags", "events_of", "top_cause"]
