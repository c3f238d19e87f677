"""The month in progress, forecast to its end from its daily actuals (the first row of
:func:`costmodel.forecast.forecast` and the month-end forecast of every budget).

An additive exponential smoothing model with a weekly season (statsmodels ``ETSModel``,
seasonal period 7) on the recurring daily cost of the last weeks; the remaining days are
simulated (2,000 paths) and summed; lump charges billed once a month (a support plan) are
added as last month's amount if they have not been billed yet. The extra cost a month's last
days carry (a month-end batch job: each day over the mean of its weekday one and two weeks
before) is learned from the past complete months, taken off the history the model fits and
added back, as the median of the last three months', for the last days still to come (on the
benchmark's held-out bills the forecast from day 8 was 4.3 % low without it, 0.5 % with it).
Its 80 % interval comes from the same forecast made from the same day of the last 12 complete
months (split-conformal quantiles of their relative errors) when at least 9 exist; otherwise
from the simulation, which spreads the daily noise but not a change of level in the weeks
left, and covers too little (see the README).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from costmodel import forecast_methods as methods
from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import daily_bill
from costmodel.daily_spikes import without_one_off_days
from costmodel.display import Result
from costmodel.errors import InputError
from costmodel.forecast_bounds import once_a_month_due, running_recurring
from costmodel.output import money

INTERVAL = 0.8  # the share of outcomes a prediction interval covers [fraction]
MIN_DAILY_DAYS = 21  # days of daily data a month-end forecast needs (three weeks: a level and its season)
DAILY_METHOD = (
    "additive ETS with a weekly season (statsmodels ETSModel, period 7) on the recurring daily "
    "cost without the extra of each month's last 2 days, remaining days simulated and summed; that "
    "extra (a month-end job: the median of the last 3 months') added for the last days to come; "
    "once-a-month charges added if not yet billed"
)
SIMULATIONS = 2000
EDGE_DAYS = 2  # a month's last days whose extra cost (a month-end job) the month-end forecast learns
EDGE_MONTHS = 3  # past complete months that extra is the median of
# past complete months the month-end interval is calibrated on (Cost Explorer keeps ~13 of daily data)
BACKTEST_MONTHS = 12


@dataclass(frozen=True, repr=False)
class CurrentMonth(Result):
    """The month in progress: billed to date and forecast to its end [USD]."""

    month: str
    actual_to_date: float
    days_elapsed: int
    days_in_month: int
    expected: float
    low: float
    high: float
    month_edge: float = 0.0  # the learned extra of the month's last days still to come [USD]
    one_off_to_date: float = 0.0  # credits and refunds billed so far, in actual_to_date [USD]; none forecast
    interval_basis: str = "simulated (daily model's paths)"  # where low and high come from


def month_edge_extras(recurring: pd.Series, edge_days: int = EDGE_DAYS) -> pd.DataFrame:
    """The extra cost each complete month's last ``edge_days`` days carried (a month-end
    batch job) [USD per day]: one row per month, one column per position (-1 the last day,
    -2 the one before ...), each day minus the mean of the same weekday one and two weeks
    before it (its recurring level and weekday). ``recurring``: a daily series (index:
    consecutive dates)."""
    dates = pd.DatetimeIndex(recurring.index)
    values = recurring.to_numpy()
    position = methods.edge_position(dates, edge_days)
    through = dates[-1].to_period("M") - (0 if dates[-1].day == dates[-1].days_in_month else 1)
    usable = (position < 0) & (dates.to_period("M") <= through) & (np.arange(len(values)) >= 14)
    at = np.flatnonzero(usable)
    extra = values[at] - (values[at - 7] + values[at - 14]) / 2
    frame = pd.DataFrame({"month": dates[at].to_period("M"), "position": position[at], "extra": extra})
    table = frame.pivot_table(index="month", columns="position", values="extra", aggfunc="sum")
    return table.dropna()  # a month with every edge day measured


def _without_month_edges(recurring: pd.Series, extras: pd.DataFrame) -> pd.Series:
    """``recurring`` with each complete month's last days' extra taken off (what the daily
    model should see as the level)."""
    if extras.empty:
        return recurring
    dates = pd.DatetimeIndex(recurring.index)
    long = extras.stack().rename("extra")
    key = pd.MultiIndex.from_arrays([dates.to_period("M"), methods.edge_position(dates, len(extras.columns))])
    return recurring - long.reindex(key).fillna(0.0).to_numpy()


def conformal_bounds(expected: float, errors: np.ndarray, interval: float) -> tuple[float, float] | None:
    """Split-conformal bounds [USD] of a forecast ``expected`` from past relative errors
    ``errors`` ((actual - forecast) / forecast of the same forecast made on past data): the
    k-th smallest error with k = floor((n + 1) (1 - interval) / 2) below and
    k = ceil((n + 1) (1 + interval) / 2) above, which cover ``interval`` of the outcomes if
    the next error is like the past ones; None when ``errors`` are too few for that (an 80 %
    interval needs 9)."""
    ordered = np.sort(np.asarray(errors, dtype=float))
    n = len(ordered)
    below = int(np.floor((n + 1) * (1 - interval) / 2 + 1e-9))
    above = int(np.ceil((n + 1) * (1 + interval) / 2 - 1e-9))
    if below < 1 or above > n:
        return None
    return expected * (1 + ordered[below - 1]), expected * (1 + ordered[above - 1])


def past_month_errors(
    actuals: Actuals, days_elapsed: int, month_edges: bool = True, past_points: dict[str, float] | None = None
) -> pd.Series:
    """The relative errors ((actual - forecast) / forecast, by month) of the month-end
    forecast made from the first ``days_elapsed`` days of each of the last
    :data:`BACKTEST_MONTHS` complete months of daily ``actuals`` (one with too little data
    before it is skipped). ``past_points``: forecasts already made (by month), reused and
    filled in (a caller forecasting month after month from the same file)."""
    from costmodel.actuals.series import cut

    daily = daily_bill(actuals)
    months = daily["date"].dt.to_period("M")
    current = months.iloc[-1]
    # what the forecast forecasts: every day's usage, and only the credits and refunds billed
    # by its day (none is forecast: a credit that came every day so far may end)
    billed_by_then = daily["date"].dt.day <= days_elapsed
    kept = daily["recurring"] + daily["lumps"] + daily["one_off"].where(billed_by_then, 0.0)
    totals = kept.groupby(months).sum()
    first_day = daily["date"].iloc[0]
    # whole past months only: a first month the data starts late in has no backtest of its own
    whole = [m for m in totals.index if first_day <= m.start_time and m < current]
    past = [m for m in whole if days_elapsed < m.days_in_month][-BACKTEST_MONTHS:]
    errors = {}
    for month in past:
        key = str(month)
        if past_points is None or key not in past_points:
            so_far = cut(actuals, (month.start_time + pd.Timedelta(days=days_elapsed)).strftime("%Y-%m-%d"))
            try:
                point = _simulated_month_end(so_far, INTERVAL, 0, month_edges).expected
            except InputError:  # too little data before that month's day: no backtest of it
                continue
            if past_points is not None:
                past_points[key] = point
        else:
            point = past_points[key]
        if point > 0:
            errors[key] = (float(totals[month]) - point) / point
    return pd.Series(errors, dtype=float)


def month_end(
    actuals: Actuals,
    interval: float = INTERVAL,
    seed: int = 0,
    month_edges: bool = True,
    calibrated: bool = False,
    past_points: dict[str, float] | None = None,
) -> CurrentMonth:
    """Month-end forecast of the last, incomplete month of daily ``actuals``; with
    ``month_edges``, the extra cost of a month's last days (:func:`month_edge_extras`) is
    taken off the history the daily model fits, and the remaining days that fall on them
    get the median of the last :data:`EDGE_MONTHS` months' extra. The interval: with
    ``calibrated`` and enough past complete months, the split-conformal bounds
    (:func:`conformal_bounds`) of the same forecast made from the same day of those months
    (:func:`past_month_errors`; ``past_points`` is passed on to it); otherwise the
    simulated one (the daily model's paths plus the past months' month-end extra), and
    ``interval_basis`` says which. Not ``calibrated`` by default: wasted on a caller that wants the point."""
    current = _simulated_month_end(actuals, interval, seed, month_edges)
    if not calibrated or current.days_elapsed == current.days_in_month:
        return current
    errors = past_month_errors(actuals, current.days_elapsed, month_edges, past_points)
    bounds = conformal_bounds(current.expected, errors.to_numpy(), interval)
    if bounds is None:
        basis = (
            f"simulated (daily model's paths): only {len(errors)} past complete months to backtest "
            f"the forecast from day {current.days_elapsed + 1} on, a backtested {interval:.0%} interval "
            f"needs {months_needed(interval)}"
        )
        return replace(current, interval_basis=basis)
    basis = (
        f"the errors of the same forecast made from day {current.days_elapsed + 1} of the last "
        f"{len(errors)} complete months ({errors.index[0]} to {errors.index[-1]}; split-conformal)"
    )
    # the month cannot end below what it has billed (credits and refunds to come are not forecast)
    return replace(current, low=max(bounds[0], current.actual_to_date), high=bounds[1], interval_basis=basis)


def months_needed(interval: float) -> int:
    """The fewest past errors :func:`conformal_bounds` makes an ``interval`` from."""
    return next(n for n in range(1, 1000) if conformal_bounds(1.0, np.zeros(n), interval) is not None)


def _simulated_month_end(actuals: Actuals, interval: float, seed: int, month_edges: bool) -> CurrentMonth:
    """:func:`month_end` with its simulated interval (the daily model's paths plus each of
    the last :data:`EDGE_MONTHS` months' month-end extra)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    daily = daily_bill(actuals)
    last = daily["date"].iloc[-1]
    month = last.strftime("%Y-%m")
    days_in_month = pd.Period(month, "M").days_in_month
    remaining = days_in_month - last.day
    this_month = daily.loc[daily["date"].dt.strftime("%Y-%m") == month]
    to_date = float(this_month[["recurring", "lumps", "one_off"]].to_numpy().sum())
    one_off_to_date = float(this_month["one_off"].sum())
    recurring = running_recurring(actuals, daily)  # a service stopped is no level to carry on
    extras = month_edge_extras(recurring) if month_edges else pd.DataFrame()
    ahead = pd.date_range(last + pd.Timedelta(days=1), periods=remaining, freq="D")
    to_come = [p for p in methods.edge_position(ahead, EDGE_DAYS) if p < 0]
    # each past month's extra on the edge days still to come [USD]
    edge_totals = (
        extras.reindex(columns=to_come, fill_value=0.0).iloc[-EDGE_MONTHS:].sum(axis=1).to_numpy()
        if len(extras)
        else np.zeros(1)
    )
    edge_total = float(np.median(edge_totals))
    # eight weeks: a level and its season (a one-off day is neither: its money is in to_date)
    recent = without_one_off_days(_without_month_edges(recurring, extras).iloc[-56:]).to_numpy()
    if len(recent) < MIN_DAILY_DAYS:
        raise InputError(f"{actuals.origin}: a month-end forecast needs at least 3 weeks of daily data")
    totals = np.zeros(1)  # every day in (a month not final yet): nothing left to simulate
    if remaining:
        with warnings.catch_warnings():  # a quiet (constant) series does not converge: said by its interval
            warnings.simplefilter("ignore")
            model = ETSModel(recent, error="add", trend=None, seasonal="add", seasonal_periods=7)
            fit = model.fit(disp=False)
            rng = np.random.default_rng(seed)
            paths = fit.simulate(remaining, anchor="end", repetitions=SIMULATIONS, rng=rng)
        totals = np.asarray(paths).reshape(remaining, -1).sum(axis=0)
    # the point takes the median month-end extra; the interval, each past month's (its spread)
    drawn = totals + np.random.default_rng(seed + 1).choice(edge_totals, len(totals))
    due = once_a_month_due(actuals, month)
    low, high = np.quantile(drawn, [(1 - interval) / 2, (1 + interval) / 2])
    return CurrentMonth(
        month=month,
        actual_to_date=to_date,
        days_elapsed=int(last.day),
        days_in_month=days_in_month,
        expected=to_date + float(totals.mean()) + edge_total + due,
        low=to_date + max(float(low), 0.0) + due,  # the days to come bill no less than nothing
        high=to_date + float(high) + due,
        month_edge=edge_total,
        one_off_to_date=one_off_to_date,
    )


def data_end_inside_a_day(actuals: Actuals) -> pd.Timestamp | None:
    """Where line items of the last month stop inside a day (hourly data through 06:00 of
    the 15th), else None (Cost Explorer's days are whole)."""
    findings = getattr(actuals, "findings", None)
    if findings is None or actuals.rows.empty:
        return None
    end = findings.data_end(str(actuals.rows["month"].max()))
    if end is None or pd.Timestamp(end) == pd.Timestamp(end).normalize():
        return None
    return pd.Timestamp(end)


def rest_after_a_day_cut_short(rest_of_whole_days: float, data_end: pd.Timestamp) -> float:
    """The spend still to come [USD] when the data ends inside a day: the forecast of the
    days from that day on (made from the whole days before it), prorated by the hours left."""
    day = data_end.normalize()
    month_after = (day + pd.offsets.MonthBegin(1)).normalize()
    return rest_of_whole_days * ((month_after - data_end) / (month_after - day))


def month_in_progress(
    actuals: Actuals, interval: float = INTERVAL, calibrated: bool = False
) -> tuple[CurrentMonth | None, list[str]]:
    """(:func:`month_end` of daily ``actuals``, notes). Line items that end inside a day
    (06:00 of the 15th) are forecast from the whole days before it, the rest of the month
    prorated by the hours left: 6 hours of a $24 day read as a $6 day pulled a flat month
    of $820 down to $711. None when they end inside the month's first day (no whole day of
    the month to forecast from: it is forecast whole, as the months after it)."""
    from costmodel.actuals.series import cut

    data_end = data_end_inside_a_day(actuals)
    if data_end is None:
        return month_end(actuals, interval, calibrated=calibrated), []
    day = data_end.normalize()
    through = f"the line items end at {data_end:%Y-%m-%d %H:%M}"
    if day.day == 1:
        return None, [f"{through}, inside the month's first day: no whole day of it to forecast its end from"]
    whole = month_end(cut(actuals, f"{day:%Y-%m-%d}"), interval, calibrated=calibrated)
    rows = actuals.rows
    part_day = float(rows.loc[rows["period_start"] >= day, "unblended_cost"].sum())

    def from_whole_days(total: float) -> float:
        rest = rest_after_a_day_cut_short(total - whole.actual_to_date, data_end)
        return whole.actual_to_date + part_day + rest

    note = (
        f"{through}: the month's end is forecast from the whole days before {day:%Y-%m-%d}, the rest "
        f"prorated by the hours left (its {money(part_day)} so far is in the month to date)"
    )
    return replace(
        whole,
        actual_to_date=whole.actual_to_date + part_day,
        expected=from_whole_days(whole.expected),
        low=from_whole_days(whole.low),
        high=from_whole_days(whole.high),
    ), [note]


__all__ = [
    "DAILY_METHOD",
    "INTERVAL",
    "MIN_DAILY_DAYS",
    "CurrentMonth",
    "conformal_bounds",
    "data_end_inside_a_day",
    "month_edge_extras",
    "month_end",
    "month_in_progress",
    "months_needed",
    "past_month_errors",
    "rest_after_a_day_cut_short",
]
