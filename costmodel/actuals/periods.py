"""Billing periods: their bounds in UTC, their granularity, and the rule that no two overlap."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from costmodel.errors import InputError


def granularity(start: pd.Timestamp, end: pd.Timestamp) -> str:
    days = (end - start).days
    if days == 1:
        return "DAILY"
    if days < 1:
        return "HOURLY"
    return "MONTHLY"


# A Cost Explorer period bound: a day, or (HOURLY) a time, in UTC ("Z") or with an offset.
_BOUND = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(Z|[+-]\d{2}:?\d{2})?)?")


def period_bound(text: Any, where: str) -> pd.Timestamp:
    """A period's start or end as a UTC time without zone: ``2026-10-01`` or
    ``2026-10-01T05:00:00Z``; an offset (``-05:00``) is converted to UTC, never dropped.
    Anything else (``october``, ``2026-13-01``, ``01/10/2026``) is an :class:`InputError`."""
    match = _BOUND.fullmatch(text.strip()) if isinstance(text, str) else None
    try:
        if match is None:
            raise ValueError
        value = pd.Timestamp(text.strip())
    except ValueError:
        raise InputError(
            f"{where} {text!r} is not a date YYYY-MM-DD (or a UTC time YYYY-MM-DDTHH:MM:SSZ)"
        ) from None
    return value.tz_convert("UTC").tz_localize(None) if value.tzinfo is not None else value


def check_periods(periods: pd.DataFrame, origin: str) -> None:
    """Each period within one calendar month, and no two periods overlapping.

    ``periods`` has ``period_start``, ``period_end`` and ``source`` (where each was read). The
    same period may come from several pages or requests (one request's groups spread over
    pages; usage and credits asked apart); two *different* periods sharing a day would count
    that day's money twice, and a period across a month boundary would put one month's money
    in another: both are refused, naming them, since no exact split of their money exists.
    """
    distinct = periods.drop_duplicates(["period_start", "period_end"]).sort_values(
        ["period_start", "period_end"], kind="stable"
    )
    starts = distinct["period_start"].tolist()
    ends = distinct["period_end"].tolist()
    sources = distinct["source"].tolist()
    for start, end, source in zip(starts, ends, sources, strict=True):
        if end > start.to_period("M").to_timestamp() + pd.DateOffset(months=1):
            raise InputError(
                f"{source}: period {_span(start, end)} runs across a month boundary; its money "
                "cannot be split between the months exactly: fetch it again with periods that end "
                "on a month's first day (costmodel fetch-actuals does)"
            )
    for i in range(1, len(starts)):
        if starts[i] < ends[i - 1]:
            raise InputError(
                f"{origin}: periods {_span(starts[i - 1], ends[i - 1])} ({sources[i - 1]}) and "
                f"{_span(starts[i], ends[i])} ({sources[i]}) overlap: the days in both would be "
                "counted twice; keep one response per period"
            )


def _span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    def text(t: pd.Timestamp) -> str:
        return str(t.date()) if t == t.normalize() else t.strftime("%Y-%m-%dT%H:%M:%SZ")

    return f"{text(start)}..{text(end)}"
