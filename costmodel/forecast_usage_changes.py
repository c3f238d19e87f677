"""Usage types that began or stopped billing inside the calendar candidate's profile weeks.

The calendar candidate (:mod:`costmodel.forecast_methods`) takes each weekday's level as its
median over the last :data:`~costmodel.forecast_daily_pattern.PROFILE_DAYS` days. A usage
type that began billing 15 days before the data's end is in two of each weekday's four days:
the median holds half of it, and a usage type begun 7 days or less before holds none (a
new $300-a-day database was forecast at $150 a day, then at $0). A usage type that stopped
inside those weeks is the mirror (its last weeks still in the medians), where its service
goes on billing (a service that stopped whole is left out of the history already,
:func:`costmodel.forecast_bounds.stopped_by_the_day`).

Each usage type's own days tell a start or a stop that the bill's total does not: nothing
billed before it, or nothing since. :func:`as_running_now` rewrites the daily series the
calendar fits as if the bill's usage types had always run as they run now: a new one at its
level since it began on the days before, a stopped one without its days. The weekday
medians then hold the bill as it is, and the robust line through the last months sees no
step (a new service is a level, not a trend)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel.actuals.series import NEGATION_SUFFIX, series_parts
from costmodel.constants import NOTHING_BILLED_USD
from costmodel.forecast_daily_pattern import PROFILE_DAYS
from costmodel.output import money

QUIET_BEFORE_START_DAYS = PROFILE_DAYS  # days a new usage type billed nothing before it began
MIN_NEW_DAYS = 3  # days a new usage type has billed on: one or two may be a one-off charge
MIN_NEW_SHARE = 0.5  # of its days since it began, the share it billed on (a weekday-only one: 5/7)
STOPPED_DAYS = 7  # days to the data's end a stopped usage type billed nothing in (as a service)
DAY_BY_DAY = 0.75  # of the 28 days to a stopped usage type's last, the share it billed on


@dataclass(frozen=True)
class UsageChange:
    """A usage type (``key``: service|usage type) that ``began`` or stopped (``began``
    False) billing on ``day`` (its first day with cost, or its first without);
    ``per_day``: its median cost per day since it began [USD per day] (0 for a stop)."""

    key: str
    began: bool
    day: pd.Timestamp
    per_day: float


def usage_changes(by_key: pd.DataFrame, profile_days: int = PROFILE_DAYS) -> list[UsageChange]:
    """The usage types of ``by_key`` (a daily cost per usage type [USD per day], index:
    dates, one column a usage type) that began or stopped billing inside its last
    ``profile_days`` days (:func:`began_on`, :func:`stopped_on`)."""
    if len(by_key) < profile_days:
        return []
    dates = pd.DatetimeIndex(by_key.index)
    first_inside = len(by_key) - profile_days + 1  # a day of the window with one before it in it
    changes = []
    for key in by_key.columns:
        values = by_key[key].to_numpy(float)
        start = began_on(values)
        if start is not None and start >= first_inside:
            since = values[start:]
            changes.append(UsageChange(str(key), True, dates[start], float(np.median(since))))
            continue
        stop = stopped_on(values)
        if stop is not None and stop >= first_inside:
            changes.append(UsageChange(str(key), False, dates[stop], 0.0))
    return changes


def began_on(values: np.ndarray) -> int | None:
    """The position of the day a usage type began billing: its last first day with cost
    after :data:`QUIET_BEFORE_START_DAYS` days (or every day held) without, when it has
    billed on :data:`MIN_NEW_DAYS` days since and on :data:`MIN_NEW_SHARE` of them; None
    otherwise (a usage type billed all along, or a charge of a day or two)."""
    billed = np.abs(values) >= NOTHING_BILLED_USD
    at = np.arange(len(billed))
    held_before = np.concatenate([[0], np.cumsum(billed)])  # days billed before each position
    quiet = held_before[at] == held_before[np.maximum(at - QUIET_BEFORE_START_DAYS, 0)]
    starts = np.flatnonzero(billed & quiet & (at > 0))
    if not len(starts):
        return None
    since = billed[starts[-1] :]
    return int(starts[-1]) if since.sum() >= MIN_NEW_DAYS and since.mean() >= MIN_NEW_SHARE else None


def stopped_on(values: np.ndarray) -> int | None:
    """The position of a usage type's first day without cost, when it billed nothing from
    then to the end (:data:`STOPPED_DAYS` days or more) and billed day by day before (on
    :data:`DAY_BY_DAY` of the 28 days to its last day with cost); None otherwise."""
    billed = np.flatnonzero(np.abs(values) >= NOTHING_BILLED_USD)
    if not len(billed) or len(values) - 1 - billed[-1] < STOPPED_DAYS:
        return None
    last = int(billed[-1])
    recent = (billed > last - 28).sum()
    return last + 1 if recent >= DAY_BY_DAY * 28 else None


def as_running_now(recurring: pd.Series, by_key: pd.DataFrame) -> pd.Series:
    """``recurring`` (the bill's daily recurring cost [USD per day], index: dates) as if its
    usage types had always run as they do now (see the module docstring): each usage type
    of ``by_key`` that began inside the last :data:`PROFILE_DAYS` days at its median of each
    weekday since it began (its median since on a weekday it has not billed on yet) on every
    day before; each one that stopped, without its cost."""
    by_key = by_key.reindex(recurring.index, fill_value=0.0)
    changes = usage_changes(by_key)
    if not changes:
        return recurring
    dates = pd.DatetimeIndex(recurring.index)
    adjusted = recurring.to_numpy(float).copy()
    for change in changes:
        values = by_key[change.key].to_numpy(float)
        before = dates < change.day
        if change.key.endswith(NEGATION_SUFFIX):
            # a Savings Plan began (or ceased) covering the usage type: the usage type's net cost
            # (its usage, covered usage and negation) as it runs since, on every day before. Usage
            # billed on demand before the plan falls by the negation; usage new with the plan (or a
            # covered instance stopped) leaves the net as it was: nothing to move.
            net = by_key[change.key] + by_key.get(change.key[: -len(NEGATION_SUFFIX)], 0.0)
            since = net.loc[~before]
            levels = _weekday_levels(since, float(np.median(since)))
            adjusted[before] += levels[np.asarray(dates[before].day_of_week)] - net.to_numpy(float)[before]
            continue
        if change.began:
            adjusted[before] += (
                _weekday_levels(by_key[change.key].loc[~before], change.per_day)[
                    np.asarray(dates[before].day_of_week)
                ]
                - values[before]
            )
        else:
            adjusted[before] -= values[before]
    return pd.Series(adjusted, index=recurring.index)


def usage_change_notes(by_key: pd.DataFrame) -> list[str]:
    """One note per usage type of ``by_key`` that began or stopped billing inside its last
    :data:`PROFILE_DAYS` days (what the calendar candidate forecasts from, at the data's end)."""
    end = pd.Timestamp(by_key.index[-1]) if len(by_key) else None
    notes = []
    for change in usage_changes(by_key):
        negation = change.key.endswith(NEGATION_SUFFIX)
        name = _series_name(change.key[: -len(NEGATION_SUFFIX)] if negation else change.key)
        days = (end - change.day).days + 1  # its days with cost (began) or without (stopped)
        if negation:
            notes.append(
                f"a Savings Plan {'began' if change.began else 'ceased'} covering "
                f"{name} on {change.day.date()} (its negation {days} days to "
                "the data's end): the calendar forecast carries the usage type's cost as it has run since, "
                f"not at its share of the last {PROFILE_DAYS} days"
            )
            continue
        if change.began:
            notes.append(
                f"{name} began billing on {change.day.date()} ({days} days to the data's "
                f"end, nothing in the {QUIET_BEFORE_START_DAYS} days before): the calendar forecast carries "
                f"it at each weekday's median since it began (median {money(change.per_day)} a day), not at "
                f"its share of the last {PROFILE_DAYS} days"
            )
        else:
            notes.append(
                f"{name} billed nothing from {change.day.date()} to the data's end ({days} "
                "days; billed day by day before): the calendar forecast leaves its past cost out, as of a "
                "usage type that stopped"
            )
    return notes


def _series_name(key: str) -> str:
    """``Amazon EC2 BoxUsage:m5.large`` (``... (account 111122223333)`` where the key names
    one) of a key of :func:`costmodel.actuals.series.daily_by_usage_type`."""
    service, usage_type, account = series_parts(key)
    name = f"{service} {usage_type}" if usage_type else service
    return f"{name} ({account})" if account else name


def _weekday_levels(since: pd.Series, fallback: float) -> np.ndarray:
    """Each weekday's median of ``since`` (Monday first) [USD per day]; ``fallback`` for a
    weekday it has no day of."""
    by_weekday = since.groupby(pd.DatetimeIndex(since.index).day_of_week).median()
    return by_weekday.reindex(range(7)).fillna(fallback).to_numpy(float)


__all__ = [
    "UsageChange",
    "as_running_now",
    "began_on",
    "stopped_on",
    "usage_change_notes",
    "usage_changes",
]
