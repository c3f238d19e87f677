"""A budget's forecast of its period's end, scope by scope: the rest of the month in
progress (its daily month-end forecast) and the period's months still to come (for the
whole bill as ``costmodel forecast`` makes them; for a service, usage type, category, tag
or account the default candidate on that scope's own months). Used by
:func:`costmodel.budget.evaluate`."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.actuals.controls import Actuals
from costmodel.errors import InputError


@dataclass(frozen=True)
class Month:
    """The month a budget is read at: in progress or not, its days left, daily or not."""

    month: str
    in_progress: bool
    days_left: int
    daily: bool


def rest_of_month(scoped: pd.DataFrame, at: Month, days: pd.DatetimeIndex, origin: str) -> float:
    """The scope's spend still to come in the month in progress [USD]: 0 when complete; NaN
    when unknown (monthly data, whose days so far the file does not say; fewer than 3
    weeks of daily data); else the daily month-end forecast less the spend so far. ``days``:
    the days of the data up to the month's last one (a scope bills on some of them only)."""
    from costmodel.forecast import MIN_DAILY_DAYS, month_end

    if not at.in_progress:
        return 0.0
    if not at.daily:
        return math.nan
    if at.days_left <= 0:  # every day is in, not final yet: nothing left to come
        return 0.0
    if len(days) < MIN_DAILY_DAYS:
        return math.nan
    upto = scoped.loc[scoped["month"] <= at.month]
    if upto.empty:  # nothing billed so far: nothing to forecast from, nothing due
        return 0.0
    filled = fill_days(upto, days)
    ending = month_end(Actuals(rows=filled, controls=pd.DataFrame(), origin=origin))
    return ending.expected - ending.actual_to_date


def fill_days(rows: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """``rows`` with a $0 row on each day none of them bills (a scope's series has gaps that
    the whole bill's does not), under a key of its own (so that a charge billed once a month
    stays one)."""
    missing = days.difference(pd.DatetimeIndex(rows["period_start"].unique()))
    if missing.empty:
        return rows
    template = rows.iloc[[0]].assign(service="", usage_type="(nothing billed)", record_type="")
    zeros = pd.concat([template] * len(missing), ignore_index=True)
    zeros["period_start"], zeros["period_end"] = missing, missing + pd.Timedelta(days=1)
    zeros["month"] = missing.strftime("%Y-%m")
    zeros["unblended_cost"] = 0.0
    return pd.concat([rows, zeros], ignore_index=True).sort_values("period_start", ignore_index=True)


def later_months(
    scoped: pd.DataFrame, bill: pd.DataFrame, at: Month, later: list[str], month_total: float
) -> float:
    """The scope's forecast of the period's months after the month [USD]: the default
    candidate of :mod:`costmodel.forecast_methods` on its complete months (the month in
    progress at its month-end forecast), credits and refunds left out of them; NaN with
    fewer than 3 months to forecast from."""
    from costmodel import forecast_methods as methods
    from costmodel.forecast_bounds import never_below_zero

    if not later:
        return 0.0
    if math.isnan(month_total):
        return math.nan
    complete = bill.loc[bill["complete"] & (bill["month"] < at.month), "month"].tolist()
    months = [*complete, at.month]
    if len(months) < 3:
        return math.nan
    # credits and refunds are one-offs, never a rate to carry on (as the whole bill's forecast)
    one_off = scoped["record_type"].isin(record_types.ONE_OFF)
    by_month = scoped.loc[~one_off].groupby("month")["unblended_cost"].sum()
    month_one_off = float(scoped.loc[one_off & (scoped["month"] == at.month), "unblended_cost"].sum())
    totals = np.array([by_month.get(m, 0.0) for m in complete] + [month_total - month_one_off])
    days = np.array([pd.Period(m, "M").days_in_month for m in months], dtype=float)
    history = methods.History(months=months, daily_average=totals / days, days=days)
    chosen, _ = never_below_zero(history, methods.DEFAULT_MONTHLY, later)
    return float(np.sum(methods.CANDIDATES[chosen](history, len(months), later)))


def bill_later_months(actuals: Actuals, later: list[str], month_total: float) -> float:
    """The whole bill's forecast of the period's months after the month [USD], as
    ``costmodel forecast`` makes it (the candidate its backtest chose, with daily data the
    calendar); NaN when it makes none (too short a history, a month whose total is unknown)."""
    from costmodel.forecast import DEFAULT_MONTHS_AHEAD, forecast

    if not later:
        return 0.0
    if math.isnan(month_total):
        return math.nan
    # the command's default horizon at least: a forecast asked for fewer months can choose
    # another candidate (one that goes below $0 only later), so its months would differ
    horizon = max(len(later), DEFAULT_MONTHS_AHEAD)
    try:
        ahead = forecast(actuals, months=horizon, calibrated_month_end=False).forecast
    except InputError:  # too few complete months to forecast from: unknown, as said in the status
        return math.nan
    points = ahead.set_index("month")["expected"]
    return float(points.loc[later].sum()) if set(later) <= set(points.index) else math.nan


__all__ = ["Month", "bill_later_months", "fill_days", "later_months", "rest_of_month"]
