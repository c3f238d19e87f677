"""Declared changes the bill already shows: a known step, not a trend nor a level to average.

A ``--change`` dated inside the history (a 4th node from 25 October, data to 31 October)
is a level change whose day is known. Left in the history the candidates follow, it is
half in the calendar's weekday medians (the old level for weeks) and read by the drift and
the trend of monthly totals as a slope that goes on. So the history before its day is
re-levelled by the step the bill shows in the usage types the change moves
(:attr:`costmodel.known_changes.SizedChange.lines`): with daily data, each weekday's median
over the :data:`BEFORE_DAYS` days from the day less its median over those before, added to
every day before (its shape kept, the step gone); with monthly data, the daily cost of the
first month wholly after the day less that of the last before it, over the days before it. What the bill
does not show yet (a change declared but not yet run) is sized against the days since its
day and added on top, as a change to come (:func:`costmodel.known_changes.effects`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from costmodel import forecast_methods as methods
from costmodel import record_types
from costmodel.actuals.controls import Actuals
from costmodel.constants import HOURS_PER_MONTH
from costmodel.known_changes import SizedChange
from costmodel.output import money

BEFORE_DAYS = 28  # days before a declared change its old level is each weekday's median of


def as_declared(
    history: methods.History, actuals: Actuals, sized: list[SizedChange], daily_data: bool
) -> tuple[methods.History, list[str]]:
    """``history`` with the history before each change of ``sized`` dated inside it at the
    level the bill shows since (see the module docstring), and a note for each."""
    if history.daily is not None and history.by_usage_type is not None:
        return _daily(history, sized)
    if daily_data:
        return history, []
    return _monthly(history, actuals, sized)


def touches_a_lump(actuals: Actuals, sized: list[SizedChange]) -> bool:
    """Whether a change of ``sized`` moves a usage type of daily data billed on one day of a
    month (:func:`costmodel.actuals.series.lump_keys`): one begun on the data's last day is
    a lump so far, in no daily series to re-level."""
    from costmodel.actuals.series import lump_keys
    from costmodel.reconcile.mapping import line_key

    if set(actuals.rows["granularity"]) != {"DAILY"}:
        return False
    lumps = {(str(key[0]), *line_key(str(key[1]))) for key in lump_keys(actuals.rows)}
    return any(lumps & set(change.lines) for change in sized)


def _matching(columns: pd.Index, sized: SizedChange) -> list[str]:
    """The ``service|usage_type`` columns of the bill whose line the change moves (each
    account's, where the data names them; never a Savings Plan's negation)."""
    from costmodel.actuals.series import NEGATION_SUFFIX, series_parts
    from costmodel.reconcile.mapping import line_key

    lines = set(sized.lines)
    out = []
    for column in columns:
        service, usage_type, _ = series_parts(str(column))
        if not str(column).endswith(NEGATION_SUFFIX) and (service, *line_key(usage_type)) in lines:
            out.append(str(column))
    return out


def _daily(history: methods.History, sized: list[SizedChange]) -> tuple[methods.History, list[str]]:
    """The daily series (the total and each usage type's) and the months' daily averages
    with each declared step the bill shows carried back over the days before it."""
    by_key = history.by_usage_type.copy()  # type: ignore[union-attr]
    dates = pd.DatetimeIndex(by_key.index)
    weekdays = np.asarray(dates.day_of_week)
    notes = []
    for change in sorted(sized, key=lambda s: s.start, reverse=True):  # the latest step first
        start = pd.Timestamp(change.start)
        if not dates[0] < start <= dates[-1]:
            continue
        before = dates < start
        recent = before & (dates >= start - pd.Timedelta(days=BEFORE_DAYS))
        after = ~before & (dates < start + pd.Timedelta(days=BEFORE_DAYS))  # the step, not a trend since
        moved = 0.0
        for column in _matching(by_key.columns, change):
            values = by_key[column]
            delta = _weekday_levels(values.loc[after]) - _weekday_levels(values.loc[recent])
            by_key.loc[before, column] = values.loc[before] + delta[weekdays[before]]
            moved += float(np.mean(delta))
        if abs(moved) >= methods.NOTHING_BILLED_USD:
            notes.append(_note(change, f"{money(moved)} a day"))
    added = (by_key - history.by_usage_type).sum(axis=1)
    if not notes:
        return history, []
    daily = history.daily.assign(  # type: ignore[union-attr]
        recurring=history.daily["recurring"].to_numpy(float)  # type: ignore[index]
        + added.reindex(history.daily["date"], fill_value=0.0).to_numpy()  # type: ignore[index]
    )
    by_month = added.groupby(dates.strftime("%Y-%m")).sum()
    extra = by_month.reindex(history.months, fill_value=0.0).to_numpy(float)
    average = history.daily_average + extra / history.days
    return replace(history, daily=daily, by_usage_type=by_key, daily_average=average), notes


def _monthly(
    history: methods.History, actuals: Actuals, sized: list[SizedChange]
) -> tuple[methods.History, list[str]]:
    """The months' daily averages with each declared step the bill shows (the first month
    wholly after the change's day against the last before it) carried back over the days
    before its day. A change dated inside the last complete month is not told from it: left to
    the sizing (added on top)."""
    rows = actuals.rows.loc[~actuals.rows["record_type"].isin(record_types.ONE_OFF)]
    cost = rows.pivot_table(
        index="month",
        columns=rows["service"] + "|" + rows["usage_type"],
        values="unblended_cost",
        aggfunc="sum",
        fill_value=0.0,
    ).reindex(history.months, fill_value=0.0)
    per_day = cost.div(history.days, axis=0)
    months = pd.PeriodIndex(history.months, freq="M")
    average = history.daily_average.copy()
    notes = []
    for change in sized:
        start = pd.Timestamp(change.start)
        month = start.to_period("M")
        # the last month wholly before the day, and the last complete month wholly after it
        if str(month - 1) not in history.months or (month, start.day > 1) > (months[-1], True):
            continue
        days_before = np.array(
            [
                days if m < month else (start.day - 1 if m == month else 0)
                for m, days in zip(months, history.days, strict=True)
            ],
            dtype=float,
        )
        if (month, start.day > 1) == (months[-1], True):  # no month after it: the step as sized
            step_of_month = _sized_per_day(change, history.days)
        else:
            old = history.months.index(str(month - 1))
            new = old + (1 if start.day == 1 else 2)  # the first month wholly after the day
            columns = _matching(cost.columns, change)
            step_of_month = np.full(
                len(months), float((per_day[columns].iloc[new] - per_day[columns].iloc[old]).sum())
            )
        step = float(step_of_month[-1])
        if abs(step) < methods.NOTHING_BILLED_USD:
            continue
        average = average + step_of_month * days_before / history.days
        notes.append(_note(change, f"{money(step)} a day"))
    return replace(history, daily_average=average), notes


def _sized_per_day(change: SizedChange, days: np.ndarray) -> np.ndarray:
    """A sized change's cost per day in months of ``days`` days [USD per day]: its part billed
    by the hour over the model's 730 h, its part billed by the month (GB-Mo) over the month's days."""
    by_month = change.monthly_difference * change.per_month_share
    by_hour = change.monthly_difference - by_month
    return by_hour * 24 / HOURS_PER_MONTH + by_month / np.asarray(days, dtype=float)


def _weekday_levels(values: pd.Series) -> np.ndarray:
    """Each weekday's median of ``values`` (Monday first) [USD per day]; their median for a
    weekday without a day (a change begun on the data's last day)."""
    by_weekday = values.groupby(pd.DatetimeIndex(values.index).day_of_week).median()
    return by_weekday.reindex(range(7)).fillna(float(values.median())).to_numpy(float)


def _note(change: SizedChange, step: str) -> str:
    return (
        f"{change.key} = {change.new_value} from {change.start} is on the bill from then ({step} in the "
        "usage types it moves): the history before it is taken at that level, so the forecast carries it "
        "as a known step, not a trend nor a part of the weeks' medians"
    )


__all__ = ["BEFORE_DAYS", "as_declared", "touches_a_lump"]
