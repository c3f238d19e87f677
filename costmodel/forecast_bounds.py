"""What a bill's forecast can and cannot be, whatever the method: no month below $0 (a bill
before credits never is), a month in progress never below what it has billed so far, no
month missing from the history, and which of last month's once-a-month charges are due
again; and the history the candidates follow (complete months, without the services that
stopped). Apart from :mod:`costmodel.forecast` (the orchestrator) and
:mod:`costmodel.forecast_methods` (the candidates)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from costmodel import forecast_methods as methods
from costmodel import record_types
from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import (
    KEY,
    daily_bill,
    daily_by_usage_type,
    lump_keys,
    lumps_by_month,
    service_series,
    service_series_name,
    service_series_of,
)
from costmodel.errors import InputError
from costmodel.forecast_charges import billed_again, billed_once_monthly, cadence, due_on_cadence
from costmodel.forecast_fees import ended_reservation_notes, fee_by_the_hour
from costmodel.forecast_usage_changes import usage_change_notes
from costmodel.output import money


def once_a_month_due(actuals: Actuals, month: str) -> float:
    """Last month's once-a-month charges not billed yet in ``month`` [USD]: those billed on
    last month's first day (a support plan, a reservation's or Savings Plan's monthly fee)
    or in the month before it too. A charge first billed in the middle of last month (a
    reservation's upfront fee, bought that day) is billed once: not due again (when the
    data holds the month before last: else every one is due). One billed every k > 1 months
    (:func:`costmodel.forecast_charges.cadence`: a quarterly subscription) is due when its
    cadence falls on ``month``, whenever it was last billed. A reservation's fee is due by
    the hour, not at all once its reservation ended (:func:`_due_again`)."""
    lumps = lumps_by_month(actuals)
    key = lumps["service"] + "|" + lumps["usage_type"]
    last_month = str(pd.Period(month, "M") - 1)
    first_month = actuals.rows["period_start"].min().strftime("%Y-%m")
    billed_now = set(key.loc[lumps["month"] == month])
    before = lumps.loc[lumps["month"] < month]
    amounts = before.groupby([key.loc[before.index], "month"])["amount"].sum()
    regular = {k for k, a in amounts.groupby(level=0) if cadence(list(a.index.get_level_values(1))) > 1}
    on_cadence = sum(float(due_on_cadence(amounts.loc[k], last_month, 1)[0]) for k in regular - billed_now)
    previous = billed_again(lumps, last_month, first_month) & ~key.isin(billed_now | regular)
    return _due_again(lumps, previous, last_month) + on_cadence


def _due_again(lumps: pd.DataFrame, previous: pd.Series, last_month: str) -> float:
    """The charges of ``last_month`` that ``previous`` marks due again, in the month after it
    [USD]: last month's amount, but a reservation's fee by the hour
    (:func:`costmodel.forecast_fees.fee_by_the_hour`: none once its reservation ended, as in
    the months after)."""
    total = 0.0
    for _, group in lumps.groupby(["service", "usage_type"]):
        billed = previous.loc[group.index]
        if not bool(billed.any()):
            continue
        by_the_hour = fee_by_the_hour(group, billed, last_month, 1)
        total += float(group.loc[billed, "amount"].sum()) if by_the_hour is None else float(by_the_hour[0])
    return total


MIN_MONTHS = 3  # complete months a forecast of the months ahead needs
STOPPED_MONTHS = 1  # the last complete month, without cost, a service that billed before has stopped
STEADY_MONTHS = 2  # complete months before those a stopped service must have billed in, each
STOPPED_DAYS = 7  # with daily data: days to its end a service billed day by day must bill nothing in
DAY_BY_DAY = 0.75  # billed on this share of the 28 days up to its last: day by day (not a fee) [fraction]


def stopped_services(actuals: Actuals, months: list[str]) -> pd.DataFrame:
    """The cost of each stopped service in each of ``months`` (the complete ones) [USD]:
    services that billed in each of the :data:`STEADY_MONTHS` months before and nothing in
    the last complete month nor since (a database shut down, a project ended), or, with
    daily data, billed day by day and nothing in the last :data:`STOPPED_DAYS` days or more
    (:func:`stopped_by_the_day`).
    A fall that has ended is not a trend that goes on: the months ahead hold none of their
    cost, and the history the candidates follow is the services still running (else a drift
    reads the drop as a slope, and a month's weekday medians hold a service gone)."""
    rows = actuals.rows
    usage = rows.loc[~rows["record_type"].isin(record_types.ONE_OFF)]
    # per account where the data names them: an account closed on a service another account
    # runs on has stopped, its end no fall of the service to carry on
    usage = usage.assign(series=service_series(usage))
    by_month = usage.pivot_table(
        index="month", columns="series", values="unblended_cost", aggfunc="sum", fill_value=0.0
    )
    if len(months) <= STOPPED_MONTHS or by_month.empty:
        return pd.DataFrame(index=months)
    held = by_month.reindex(months, fill_value=0.0)
    billed = held.abs() >= methods.NOTHING_BILLED_USD
    since = (
        by_month.loc[by_month.index > months[-1]].abs().max() >= methods.NOTHING_BILLED_USD
    )  # the month in progress
    stopped = billed.iloc[:-STOPPED_MONTHS].any() & ~billed.iloc[-STOPPED_MONTHS:].any()
    stopped &= billed.apply(_steady_before_its_last_months_off)
    stopped &= ~since.reindex(stopped.index, fill_value=False)
    stopped |= stopped.index.isin(list(stopped_by_the_day(actuals)))
    return held.loc[:, stopped[stopped].index]


def _steady_before_its_last_months_off(billed: pd.Series) -> bool:
    """Whether a service billed in each of the :data:`STEADY_MONTHS` months before its last
    run of months without cost: one billed every other month or by the quarter has its $0
    months as its pattern, not a stop."""
    off = int((~billed).iloc[::-1].cummin().sum())  # the months without cost at the end
    before = billed.iloc[max(0, len(billed) - off - STEADY_MONTHS) : len(billed) - off]
    return bool(off and len(before) and before.all())


def stopped_by_the_day(actuals: Actuals) -> dict[str, pd.Timestamp]:
    """Services of daily data billed day by day (on :data:`DAY_BY_DAY` of the 28 days up to
    their last day with cost: not a monthly fee nor a month-end job) that billed nothing in
    the :data:`STOPPED_DAYS` days or more to the data's end: {service: first day without cost}."""
    rows = actuals.rows
    if set(rows["granularity"]) != {"DAILY"}:
        return {}
    usage = rows.loc[~rows["record_type"].isin(record_types.ONE_OFF)]
    per_day = usage.groupby([service_series(usage).rename("service"), "period_start"])["unblended_cost"].sum()
    per_day = per_day.loc[per_day.abs() >= methods.NOTHING_BILLED_USD]
    ends = [rows["period_end"].max(), *(end for _, end in actuals.empty_periods)]
    first_after_data = max(ends)
    out = {}
    for service, days in per_day.reset_index().groupby("service")["period_start"]:
        last = days.max()
        recent = days.loc[days > last - pd.Timedelta(days=28)]
        quiet = (first_after_data - last).days - 1
        if quiet >= STOPPED_DAYS and len(recent) >= DAY_BY_DAY * 28:
            out[str(service)] = last + pd.Timedelta(days=1)
    return out


def stopped_notes(stopped: pd.DataFrame, quiet_since: dict[str, pd.Timestamp] | None = None) -> list[str]:
    """One note per stopped service (see :func:`stopped_services`); ``quiet_since``: those
    of :func:`stopped_by_the_day`."""
    notes = []
    quiet_since = quiet_since or {}
    for service in stopped.columns:
        billed = stopped[service].loc[stopped[service].abs() >= methods.NOTHING_BILLED_USD]
        why = (
            f"billed nothing from {quiet_since[service].date()} to the data's end (billed day by day before)"
            if service in quiet_since
            else "billed nothing in the last complete month"
        )
        last = f"last billed {billed.index[-1]}: {money(float(billed.iloc[-1]))}"
        name = service_series_name(str(service))
        notes.append(
            f"{name} {why} ({last}): a service that stopped, so its past cost is left out of the history "
            "the forecast follows"
        )
    return notes


def _without_stopped(daily: pd.DataFrame, actuals: Actuals, services: list[str]) -> pd.DataFrame:
    """The daily bill without the cost of ``services`` billed day by day (their once-a-month
    charges are lumps, apart in the daily bill) [USD]."""
    rows = actuals.rows
    gone = rows.loc[service_series(rows).isin(services) & ~rows["record_type"].isin(record_types.ONE_OFF)]
    lumps = pd.MultiIndex.from_frame(gone[KEY]).isin(list(lump_keys(rows)))
    per_day = gone.loc[~lumps].groupby("period_start")["unblended_cost"].sum()
    return daily.assign(
        recurring=daily["recurring"] - per_day.reindex(daily["date"], fill_value=0.0).to_numpy()
    )


def running_recurring(actuals: Actuals, daily: pd.DataFrame) -> pd.Series:
    """The ``daily`` bill's recurring cost by date [USD per day] without the services that
    stopped billing day by day (:func:`stopped_by_the_day`): a daily model fitted on weeks
    that hold a service gone (an account closed in August, read in mid-October) carries part
    of its level into the days to come."""
    gone = list(stopped_by_the_day(actuals))
    running = _without_stopped(daily, actuals, gone) if gone else daily
    return running.set_index("date")["recurring"]


def _complete_history(bill: pd.DataFrame, origin: str) -> pd.DataFrame:
    complete = bill.loc[bill["complete"]]
    if len(complete) < MIN_MONTHS:
        raise InputError(
            f"{origin}: a forecast needs at least {MIN_MONTHS} complete months of history, "
            f"the file has {len(complete)} ({', '.join(complete['month']) or 'none'})"
        )
    return complete


def _billed(complete: pd.DataFrame) -> np.ndarray:
    """Whether each month billed anything before credits and refunds."""
    return ((complete["actual"] - complete["one_off"]).abs() >= methods.NOTHING_BILLED_USD).to_numpy()


def before_first_cost(complete: pd.DataFrame) -> list[str]:
    """The complete months before the first that billed anything (a range fetched from before
    the account or the service began: Cost Explorer lists those months without cost). They
    are no part of the bill's history: a drift or a trend would read the start as a rise."""
    billed = _billed(complete)
    first = int(np.argmax(billed)) if billed.any() else len(billed)
    return complete["month"].iloc[:first].tolist()


def _without_months_before_first_cost(complete: pd.DataFrame, origin: str) -> tuple[pd.DataFrame, list[str]]:
    """``complete`` without the months :func:`before_first_cost` (and a note naming them);
    refused when fewer than :data:`MIN_MONTHS` are left."""
    empty = before_first_cost(complete)
    if not empty:
        return complete, []
    kept = complete.iloc[len(empty) :]
    span = empty[0] if len(empty) == 1 else f"{empty[0]}..{empty[-1]}"
    if len(kept) < MIN_MONTHS:
        raise InputError(
            f"{origin}: a forecast needs at least {MIN_MONTHS} complete months of history with cost; "
            f"the file has {len(kept)} ({', '.join(kept['month']) or 'none'}): {span} billed nothing"
        )
    note = (
        f"{span} billed nothing, before the first month with cost ({kept['month'].iloc[0]}): left out "
        "of the history the forecast follows (a start is not a rise)"
    )
    return kept, [note]


def months_off(complete: pd.DataFrame) -> list[str]:
    """The complete months that billed nothing between months with cost, when they are one run
    (the service was off once, then back: an outage, not the bill's pattern). $0 months in two
    or more runs recur: they are the bill's pattern, none is returned. Of ``complete`` after
    :func:`before_first_cost`; the last months are never off (a stop is not known to end)."""
    billed = _billed(complete)
    if not billed.any():
        return []
    inside = np.arange(len(billed)) < np.flatnonzero(billed)[-1]
    off = ~billed & inside
    runs = int((off & ~np.concatenate([[False], off[:-1]])).sum())
    return complete["month"].loc[off].tolist() if runs == 1 else []


def _without_a_month_off(complete: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``complete`` without the :func:`months_off` (and a note naming them), when at least
    :data:`MIN_MONTHS` months are left; as it is otherwise."""
    off = months_off(complete)
    kept = complete.loc[~complete["month"].isin(off)]
    if not off or len(kept) < MIN_MONTHS:
        return complete, []
    span = off[0] if len(off) == 1 else f"{off[0]}..{off[-1]}"
    note = (
        f"{span} billed nothing between months with cost (off once, then back): left out of the "
        "history the forecast follows and of its backtest, so one month off is neither a fall and a "
        "rise nor a miss that widens the interval; $0 months that recur stay (they are the bill's pattern)"
    )
    return kept.reset_index(drop=True), [note]


def _running_usage_types(actuals: Actuals, daily: pd.DataFrame, stopped: list[str]) -> pd.DataFrame:
    """Each usage type's recurring cost by day [USD per day] on the days of ``daily`` (the
    history's), without the ``stopped`` services (left out of the history whole)."""
    by_key = daily_by_usage_type(actuals).reindex(daily["date"], fill_value=0.0)
    gone = [key for key in by_key.columns if service_series_of(str(key)) in set(stopped)]
    return by_key.drop(columns=gone)


def history_of(actuals: Actuals, bill: pd.DataFrame, daily_data: bool) -> tuple[methods.History, list[str]]:
    """(the :func:`_history` the candidates forecast from, notes on what is left out of it
    (the months before the first cost, the services that stopped) and on a bill billed by
    the month (:func:`costmodel.forecast_methods.billed_by_the_month`))."""
    complete = _complete_history(bill, actuals.origin)
    complete, notes = _without_months_before_first_cost(complete, actuals.origin)
    held = complete["month"]
    complete, off = _without_a_month_off(complete)
    notes += off
    stopped = stopped_services(actuals, complete["month"].tolist())
    daily = daily_bill(actuals) if daily_data else None
    if daily is not None:  # the daily data the calendar candidate follows starts with the history too
        daily = daily.loc[daily["date"] >= pd.Period(complete["month"].iloc[0], "M").start_time]
        # and leaves the month off out as the history does
        off_days = daily["date"].dt.strftime("%Y-%m").isin(set(held) - set(complete["month"]))
        daily = _without_stopped(daily.loc[~off_days].reset_index(drop=True), actuals, list(stopped.columns))
    by_usage_type = _running_usage_types(actuals, daily, list(stopped.columns)) if daily is not None else None
    left_out = stopped.sum(axis=1).to_numpy(float)
    if not daily_data:  # a reservation's upfront fee is no monthly rate (daily data: the calendar's lumps)
        once, once_notes = billed_once_monthly(actuals.rows, complete["month"].tolist())
        left_out, notes = left_out + once.to_numpy(float), notes + once_notes
    lumps = lumps_by_month(actuals) if daily_data else None
    if lumps is not None:
        notes += ended_reservation_notes(lumps, str(complete["month"].iloc[-1]))
    history = _history(complete, daily, lumps, left_out)
    history = replace(history, by_usage_type=by_usage_type)
    if history.per_month:
        notes.append(
            "the monthly totals move less than their daily averages (monthly fees, the same in February as "
            "in March): the months ahead are forecast per month, not per day"
        )
    notes += stopped_notes(stopped, stopped_by_the_day(actuals))
    return history, notes + (usage_change_notes(by_usage_type) if by_usage_type is not None else [])


def _history(
    complete: pd.DataFrame,
    daily: pd.DataFrame | None,
    lumps: pd.DataFrame | None = None,
    stopped: np.ndarray | None = None,
) -> methods.History:
    """The complete months as the candidates see them: daily averages without credits and
    refunds [USD per day] nor the cost of services that stopped (``stopped``: each month's
    [USD], see :func:`costmodel.forecast_bounds.stopped_services`), and the daily bill and
    its once-a-month charges when there is one."""
    still_running = complete["actual"] - complete["one_off"] - (0.0 if stopped is None else stopped)
    return methods.History(
        months=complete["month"].tolist(),
        daily_average=(still_running / complete["days_in_month"]).to_numpy(float),
        days=complete["days_in_month"].to_numpy(float),
        daily=daily,
        lumps=lumps,
    )


def require_every_month(bill: pd.DataFrame, origin: str) -> None:
    """Refuse a file with a month missing between its first and last (a month without cost
    is listed, at $0): the candidates take the months for consecutive ones, and the
    backtest the months either side for one month apart."""
    held = pd.PeriodIndex(bill["month"], freq="M")
    every = pd.period_range(held.min(), held.max(), freq="M")
    missing = every.difference(held)
    if len(missing):
        raise InputError(
            f"{origin}: monthly data has a gap: {', '.join(str(m) for m in missing)} missing (between "
            f"{held.min()} and {held.max()}); fetch the whole range (a month without cost is listed, "
            "with no groups)"
        )


def not_below_billed_so_far(
    table: pd.DataFrame, bill: pd.DataFrame, months: list[str], notes: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """``table`` with each month in progress of monthly data (forecast whole, from the months
    before it) never below what it has billed so far before credits [USD] (an RI fee or a
    support plan billed early in the month would otherwise be forecast away): where the
    whole-month forecast is below it, the month is what it billed so far plus the forecast's
    share of the days its period has not reached yet (low: nothing more); ``notes`` with
    one more for each month raised."""
    billed = bill.set_index("month")
    notes = list(notes)
    for month in months:
        row = table["month"] == month
        if not row.any():
            continue
        so_far = float(billed.loc[month, "actual"] - billed.loc[month, "one_off"])
        expected = float(table.loc[row, "expected"].iloc[0])
        if expected >= so_far:
            continue
        days_in_month = float(billed.loc[month, "days_in_month"])
        left = max(days_in_month - float(billed.loc[month, "days"]), 0.0) / days_in_month
        table.loc[row, "expected"] = so_far + expected * left
        table.loc[row, "high"] = so_far + table.loc[row, "high"] * left
        table.loc[row, "low"] = so_far
        notes.append(
            f"{month}'s forecast from the months before it ({money(expected)}) is below what it has "
            f"billed so far before credits ({money(so_far)}): it is that plus the forecast's share of "
            f"the {left * days_in_month:.0f} days its data has not reached (at least {money(so_far)}); "
            "a charge billed once is in the month so far, and a monthly file cannot say which"
        )
    return table, notes


def never_below_zero(
    history: methods.History, chosen: str, ahead: list[str], reason: str = ""
) -> tuple[str, str]:
    """``chosen``, or "same as last month" when ``chosen`` forecasts a month ``ahead`` below
    $0 (a bill before credits never is: a fall that has ended, a service stopped, taken for
    a trend that goes on), with the reason."""
    points = methods.CANDIDATES[chosen](history, len(history.months), ahead)
    below = np.flatnonzero(points < 0)
    if chosen == methods.NAIVE or not below.size:
        return chosen, reason
    first = int(below[0])
    return methods.NAIVE, (
        f"{chosen} forecast {money(float(points[first]))} for {ahead[first]}, and a bill before "
        "credits is never below $0 (a fall that has ended, taken for a trend that goes on): "
        f"{methods.NAIVE} instead" + (f"; chosen before: {reason}" if reason else "")
    )


__all__ = [
    "MIN_MONTHS",
    "STOPPED_MONTHS",
    "before_first_cost",
    "history_of",
    "months_off",
    "never_below_zero",
    "not_below_billed_so_far",
    "once_a_month_due",
    "require_every_month",
    "running_recurring",
    "stopped_notes",
    "stopped_services",
]
