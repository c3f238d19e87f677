"""A budget's forecast of its period's end, scope by scope: the rest of the month in
progress (its daily month-end forecast) and the period's months still to come, as
``costmodel forecast`` makes them: for the whole bill from the bill, for a service, usage
type, category, tag or account from that scope's rows alone. Used by
:func:`costmodel.budget.evaluate`."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from costmodel.actuals.controls import Actuals
from costmodel.constants import NOTHING_BILLED_USD
from costmodel.errors import InputError


@dataclass(frozen=True)
class Month:
    """The month a budget is read at: in progress or not, its days left, daily or not, and
    where its data ends when that is inside a day (hourly line items delivered at 06:00)."""

    month: str
    in_progress: bool
    days_left: int
    daily: bool
    cut_short: pd.Timestamp | None = None


def granularity_of(actuals: Actuals, month: str) -> str:
    """``month``'s granularity in ``actuals``: DAILY or MONTHLY (MONTHLY when mixed)."""
    kinds = set(actuals.rows.loc[actuals.rows["month"] == month, "granularity"])
    return kinds.pop() if len(kinds) == 1 else "MONTHLY"


def rest_of_month(scoped: pd.DataFrame, at: Month, days: pd.DatetimeIndex, origin: str) -> float:
    """The scope's spend still to come in the month in progress [USD]: 0 when complete; NaN
    when unknown (monthly data, whose days so far the file does not say; fewer than 3
    weeks of daily data); else the daily month-end forecast less the spend so far. ``days``:
    the days of the data up to the month's last one (a scope bills on some of them only)."""
    from costmodel.forecast_month_end import MIN_DAILY_DAYS, month_end

    if not at.in_progress:
        return 0.0
    if not at.daily:
        return math.nan
    upto = scoped.loc[scoped["month"] <= at.month]
    if at.cut_short is not None and not upto.empty:
        return _rest_after_a_day_cut_short(upto, at.cut_short, days, origin)
    if at.days_left <= 0:  # every day is in, not final yet: nothing left to come
        return 0.0
    if len(days) < MIN_DAILY_DAYS:
        return math.nan
    if upto.empty:  # nothing billed so far: nothing to forecast from, nothing due
        return 0.0
    filled = fill_days(upto, days)
    ending = month_end(Actuals(rows=filled, controls=pd.DataFrame(), origin=origin))
    return ending.expected - ending.actual_to_date


def _rest_after_a_day_cut_short(
    upto: pd.DataFrame, data_end: pd.Timestamp, days: pd.DatetimeIndex, origin: str
) -> float:
    """The spend still to come [USD] when the data ends inside a day: the hours of that day
    so far are no day of spend (6 hours of $1 read as a day of $6 pulled a flat $24 a day
    down to $710 for a month of $820); the month-end forecast from the whole days before
    it, the days from it on prorated by the hours left of them; unknown (NaN) on the month's
    first day, before which the month has no whole day to forecast it from."""
    from costmodel.forecast_month_end import MIN_DAILY_DAYS, month_end, rest_after_a_day_cut_short

    day = data_end.normalize()
    whole_days = days[days < day]
    if day.day == 1 or len(whole_days) < MIN_DAILY_DAYS:
        return math.nan
    whole = upto.loc[upto["period_start"] < day]
    ending = month_end(Actuals(rows=fill_days(whole, whole_days), controls=pd.DataFrame(), origin=origin))
    return rest_after_a_day_cut_short(ending.expected - ending.actual_to_date, data_end)


def fill_days(rows: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """``rows`` with a $0 row on each day none of them bills (a scope's series has gaps that
    the whole bill's does not), under a key of its own (so that a charge billed once a month
    stays one)."""
    missing = days.difference(pd.DatetimeIndex(rows["period_start"].unique()))
    return _with_zero_rows(rows, missing, missing + pd.Timedelta(days=1))


def _fill_months(rows: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """``rows`` with a $0 row spanning each month of ``months`` none of them bills."""
    starts = pd.DatetimeIndex([pd.Period(m, "M").start_time for m in months if m not in set(rows["month"])])
    return _with_zero_rows(rows, starts, starts + pd.offsets.MonthBegin(1))


def _with_zero_rows(rows: pd.DataFrame, starts: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> pd.DataFrame:
    """``rows`` with one row of no cost and no quantity from each of ``starts`` to its end,
    under a key of its own (its other columns the first row's, its month in progress as the
    rows say)."""
    if starts.empty:
        return rows
    template = rows.iloc[[0]].assign(service="", usage_type="(nothing billed)", record_type="")
    zeros = pd.concat([template] * len(starts), ignore_index=True)
    zeros["period_start"], zeros["period_end"] = starts, ends
    zeros["month"] = starts.strftime("%Y-%m")
    if "estimated" in rows:  # a month in progress is one, whichever row of it says so
        zeros["estimated"] = zeros["month"].isin(set(rows.loc[rows["estimated"].astype(bool), "month"]))
    for column in ("unblended_cost", "amortized_cost", "usage_quantity"):
        if column in zeros:
            zeros[column] = 0.0
    return pd.concat([rows, zeros], ignore_index=True).sort_values("period_start", ignore_index=True)


def scope_later_months(
    scoped: pd.DataFrame,
    months: list[str],
    at: Month,
    days: pd.DatetimeIndex,
    later: list[str],
    month_total: float,
    origin: str,
) -> float:
    """A scope's forecast of the period's months after the month [USD], as ``costmodel
    forecast`` would make it from the scope's rows alone up to the month (``months``: the
    bill's months up to it, each given a $0 row where the scope bills nothing; ``days``: the
    days, with daily data): with daily data the calendar, which takes a charge billed once
    a month (a reservation's fee) for one, never for a daily rate; NaN when it makes none."""
    if not later:
        return 0.0
    upto = scoped.loc[scoped["month"] <= at.month]
    if upto.empty:  # the scope billed nothing so far: nothing to follow
        return 0.0
    upto = fill_days(upto, days) if at.daily else _fill_months(upto, months)
    # a bill's forecast never goes below $0, but a scope of discounts only (an account whose
    # spend is a bundled discount) bills below $0 every month: its mirror image is forecast
    sign = -1.0 if discounts_only(upto) else 1.0
    upto = upto.assign(**{c: sign * upto[c] for c in COST_COLUMNS if c in upto})
    controls = upto.groupby("month", as_index=False)["unblended_cost"].sum()
    controls = controls.rename(columns={"unblended_cost": "control_total"}).assign(
        groups=1, control_source="the scope's rows"
    )
    later_total = bill_later_months(
        Actuals(rows=upto, controls=controls, origin=origin), later, sign * month_total
    )
    return sign * later_total


COST_COLUMNS = ("unblended_cost", "amortized_cost", "net_amortized_cost")


def discounts_only(rows: pd.DataFrame) -> bool:
    """Whether every month of ``rows`` bills $0 or less, one below $0 (a scope of discounts)."""
    totals = rows.groupby("month")["unblended_cost"].sum()
    return bool((totals < NOTHING_BILLED_USD).all() and (totals <= -NOTHING_BILLED_USD).any())


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


def unknown_reason(
    scoped: pd.DataFrame, at: Month, days: pd.DatetimeIndex, rest: float, months: list[str], later: list[str]
) -> str:
    """Why a budget's forecast is unknown, said for each such budget (a budget over or at risk
    beside it must not hide it): the rest of the month in progress (``rest``, NaN) cannot be
    told, or its scope has too few complete months with cost before the period's later
    months. ``months``: the data's months up to the month."""
    from costmodel.forecast_month_end import MIN_DAILY_DAYS

    if math.isnan(rest):
        if not at.daily:
            return (
                f"{at.month} is in progress and the data is monthly: how much of it is left the file "
                "does not say; give daily data (fetch-actuals --granularity DAILY)"
            )
        whole = len(days) if at.cut_short is None else len(days[days < at.cut_short.normalize()])
        if at.cut_short is not None and at.cut_short.day == 1:
            return f"the data ends inside {at.month}'s first day: the month has no whole day to forecast from"
        return (
            f"the history is too short: a month in progress needs {MIN_DAILY_DAYS} days of daily data "
            f"before it is forecast to its end, the data has {whole}"
        )
    return _later_months_reason(scoped, at, months, later)


def _later_months_reason(scoped: pd.DataFrame, at: Month, months: list[str], later: list[str]) -> str:
    """Why the period's later months have no forecast: the scope's complete months with
    cost, counted from its first (the $0 months before it, a service or reservation not
    begun yet, are no history of it, as in :func:`costmodel.forecast_bounds.before_first_cost`)."""
    from costmodel.forecast_bounds import MIN_MONTHS

    complete = [m for m in months if m < at.month or (m == at.month and not at.in_progress)]
    totals = scoped.groupby("month")["unblended_cost"].sum()
    billed = [m for m in complete if abs(float(totals.get(m, 0.0))) >= NOTHING_BILLED_USD]
    if not billed:
        return (
            f"no complete month before {later[0]} has cost in this scope; a forecast of the period's "
            f"later months needs {MIN_MONTHS}"
        )
    with_cost = len([m for m in complete if m >= billed[0]])
    months_said = f"{with_cost} complete month{'' if with_cost == 1 else 's'}"
    if with_cost >= MIN_MONTHS:  # not for want of history: say no more than that
        return f"no forecast of the period's later months could be made from its {months_said} with cost"
    if billed[0] == months[0]:
        return (
            f"the history is too short: {months_said} of data before {later[0]} (from {billed[0]}); "
            f"a forecast of the period's later months needs {MIN_MONTHS}"
        )
    return (
        f"it began billing in {billed[0]} ($0 before it in the data from {months[0]}): {months_said} "
        f"with cost before {later[0]}, fewer than the {MIN_MONTHS} a forecast of the period's later "
        "months needs"
    )


__all__ = [
    "Month",
    "bill_later_months",
    "discounts_only",
    "fill_days",
    "granularity_of",
    "rest_of_month",
    "scope_later_months",
    "unknown_reason",
]
