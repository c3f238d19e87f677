"""Forecasts of the bill: the next months from the history plus known changes, and the
month in progress from its daily actuals.

* **Months ahead**: the candidates of :mod:`costmodel.forecast_methods` ("same as last
  month", a drift over the last six months, damped-trend ETS, their combinations, and with
  daily data a calendar forecast built day by day) are backtested from rolling origins on
  the bill's own history; the forecast uses the one chosen (:func:`forecast_methods.choose`)
  and says which and why. Its 80 % interval comes from that backtest's own errors at each
  horizon (split-conformal quantiles), and every candidate's backtest MASE and interval
  coverage per horizon are reported beside it. Credits and refunds (one-off money) are
  left out.
* **Known changes** (:mod:`costmodel.known_changes`): what-ifs from a day on, sized against
  what the bill shows today, prorated by day, added on top (interval bounds too).
* **The month in progress** (:data:`DAILY_METHOD`): an additive exponential smoothing model
  with a weekly season (statsmodels ``ETSModel``, seasonal period 7) on the recurring daily
  cost of the last weeks; the remaining days are simulated (2,000 paths) and summed; lump
  charges billed once a month (a support plan) are added as last month's amount if they
  have not been billed yet. The extra cost a month's last days carry (a month-end batch
  job: each day over the mean of its weekday one and two weeks before) is learned from the
  past complete months, taken off the history the model fits and added back, as the median
  of the last three months', for the last days still to come (on the benchmark's held-out
  bills the forecast from day 8 was 4.3 % low without it, 0.5 % with it). Its 80 %
  interval comes from the same forecast made from the same day of the last 12 complete
  months (split-conformal quantiles of their relative errors) when at least 9 exist;
  otherwise from the simulation, which spreads the daily noise but not a change of level
  in the weeks left, and covers too little (see the README).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from costmodel import forecast_methods as methods
from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import daily_bill, monthly_bill
from costmodel.architecture import Architecture
from costmodel.constants import CURRENCY
from costmodel.daily_spikes import without_one_off_days
from costmodel.display import Result
from costmodel.errors import InputError
from costmodel.forecast_bounds import (
    MIN_MONTHS,
    before_first_cost,
    history_of,
    never_below_zero,
    not_below_billed_so_far,
    once_a_month_due,
    require_every_month,
    running_recurring,
)
from costmodel.forecast_names import COST_BASIS
from costmodel.known_changes import Change, SizedChange, billed_today, effects, parse_change, size_changes
from costmodel.output import money
from costmodel.pricing.catalog import PriceCatalog

INTERVAL = 0.8  # the share of outcomes a prediction interval covers [fraction]
MAX_MONTHS_AHEAD = 12
DEFAULT_MONTHS_AHEAD = 3  # what `costmodel forecast` forecasts without --months
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


@dataclass(frozen=True, repr=False)
class Forecast(Result):
    """History and forecast of the monthly bill (the ``forecast --format json`` contract).

    ``method`` is the candidate used (``method_reason`` says why it was chosen);
    ``candidates`` has one row per candidate: ``method``, ``mase``, ``mape_pct`` and
    ``coverage_pct`` (lists, one per month ahead: the rolling-origin backtest) and
    ``forecasts`` (backtest forecasts made one month ahead); ``interval_basis`` says where
    the interval comes from; ``changes`` are the known changes as sized; ``cost_basis``
    which cost every figure is."""

    history: pd.DataFrame  # month, actual [USD] (so far when in progress), complete, in_progress
    forecast: pd.DataFrame  # month, expected, low, high, known_changes [USD], in_progress
    interval: float
    method: str
    backtest_mape_pct: float | None
    current: CurrentMonth | None = None
    currency: str = CURRENCY
    notes: list[str] = field(default_factory=list)
    method_reason: str = ""
    method_description: str = ""
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)
    interval_basis: str = ""
    changes: list[SizedChange] = field(default_factory=list)
    cost_basis: str = COST_BASIS
    # the rolling-origin backtest the choice stands on (its arrays are not a headline)
    backtest: methods.Backtest | None = field(default=None, repr=False)

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("forecast", self.forecast), ("history", self.history)]  # what is ahead first


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
            f"needs {_months_needed(interval)}"
        )
        return replace(current, interval_basis=basis)
    basis = (
        f"the errors of the same forecast made from day {current.days_elapsed + 1} of the last "
        f"{len(errors)} complete months ({errors.index[0]} to {errors.index[-1]}; split-conformal)"
    )
    return replace(current, low=bounds[0], high=bounds[1], interval_basis=basis)


def _months_needed(interval: float) -> int:
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
        low=to_date + float(low) + due,
        high=to_date + float(high) + due,
        month_edge=edge_total,
        one_off_to_date=one_off_to_date,
    )


def candidates_table(backtest: methods.Backtest, interval: float) -> pd.DataFrame:
    """One row per candidate: its backtest ``mase``, ``mape_pct`` and ``coverage_pct`` of
    its calibrated interval (lists, one per month ahead; None where none was made) and the
    one-month-ahead ``forecasts`` it made."""

    def listed(values: np.ndarray, digits: int) -> list[float | None]:
        return [round(float(v), digits) if np.isfinite(v) else None for v in values]

    rows = [
        {
            "method": name,
            "mase": listed(backtest.mase(name), 3),
            "mape_pct": listed(backtest.mape(name), 2),
            "coverage_pct": listed(backtest.coverage(name, interval), 1),
            "forecasts": int(backtest.count(name)[0]) if backtest.actual.size else 0,
        }
        for name in backtest.predicted
    ]
    return pd.DataFrame(rows, columns=["method", "mase", "mape_pct", "coverage_pct", "forecasts"])


def _check_arguments(
    months: int, interval: float, method: str | None, names: list[str], no_arch: bool
) -> None:
    """One line on what of the arguments of :func:`forecast` cannot be used."""
    if not 1 <= months <= MAX_MONTHS_AHEAD:
        raise InputError(f"--months must be within 1..{MAX_MONTHS_AHEAD}, got {months}")
    if not 0 < interval < 1:
        raise InputError(f"the interval must be a fraction within 0..1, got {interval}")
    if method is not None and method not in names:
        raise InputError(f"method {method!r}: expected one of {', '.join(map(repr, names))}")
    if no_arch:
        raise InputError("known changes need the architecture they change")


def forecast(
    actuals: Actuals,
    months: int = DEFAULT_MONTHS_AHEAD,
    changes: list[Change] | None = None,
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    interval: float = INTERVAL,
    method: str | None = None,
    calibrated_month_end: bool = True,
) -> Forecast:
    """Forecast ``months`` months after the last complete month of ``actuals`` (and the
    month in progress, when the file's last month is incomplete and daily), with the
    candidate chosen by backtest (or ``method``, one of :data:`forecast_methods.CANDIDATES`).
    ``calibrated_month_end=False`` skips the backtest of the month in progress's interval
    (its point, and so every month after it, is the same: for a caller that wants points)."""
    daily_data = set(actuals.rows["granularity"]) == {"DAILY"}
    names = [n for n in methods.CANDIDATES if daily_data or n != methods.CALENDAR]
    _check_arguments(months, interval, method, names, bool(changes) and arch is None)
    bill = monthly_bill(actuals)
    require_every_month(bill, actuals.origin)
    months_so_far = _trailing_in_progress(bill)
    current, notes = None, []
    last = pd.Period(bill["month"].iloc[-1], "M")
    if months_so_far:
        if daily_data:
            current = month_end(actuals, interval, calibrated=calibrated_month_end)
        else:
            # monthly data of a month in progress: its amount is so far (how far, the file does
            # not say), so that month is forecast whole like the ones after it
            last = pd.Period(months_so_far[0], "M") - 1
            so_far = bill.set_index("month")["actual"]
            notes += [
                f"{m} is in progress (not final): {money(so_far[m])} so far, "
                "not a complete month; its row is the forecast of the whole month"
                for m in months_so_far
            ]
    sized = size_changes(arch, changes, billed_today(actuals), catalog) if changes and arch else []
    notes += [s.note for s in sized]
    notes += _changes_dated_in_the_data(sized, actuals.rows["period_end"].max(), daily_data)
    complete = bill.loc[bill["complete"]]
    notes += _one_off_note(complete)
    chosen, reason, basis = method or "", "", ""
    candidates = pd.DataFrame(columns=["method", "mase", "mape_pct", "coverage_pct", "forecasts"])
    mape, backtest = None, None
    with_cost = len(complete) - len(before_first_cost(complete))
    if with_cost < MIN_MONTHS and current is not None:
        notes.append(
            f"months ahead need {MIN_MONTHS} complete months of history with cost; the file has {with_cost}"
        )
        table = pd.DataFrame(columns=["month", "expected", "low", "high", "known_changes"])
    else:
        history, stopped = history_of(actuals, bill, daily_data)
        notes += stopped
        backtest = methods.backtest(history, max(months, methods.CHOICE_HORIZONS), names)
        default = methods.default_of(daily_data)
        chosen, reason = (method, "asked for") if method else methods.choose(backtest, default)
        with np.errstate(divide="ignore", invalid="ignore"):  # a month at $0 has no percentage error
            candidates = candidates_table(backtest, interval)
            chosen_mape = backtest.mape(chosen)
        mape = float(np.nanmean(chosen_mape)) if np.isfinite(chosen_mape).any() else None
        if current is not None:
            history = _with_month_in_progress(history, current)
        ahead = [(last + i).strftime("%Y-%m") for i in range(1, months + 1)]
        if current is not None:
            ahead = [(pd.Period(current.month, "M") + i).strftime("%Y-%m") for i in range(1, months + 1)]
        chosen, reason = (chosen, reason) if method else never_below_zero(history, chosen, ahead, reason)
        table, basis = _months_ahead(history, backtest, chosen, ahead, interval)
        notes += _interval_notes(basis, backtest, chosen, interval)
    if current is not None:
        row = {"month": current.month, "expected": current.expected, "low": current.low, "high": current.high}
        table = pd.concat([pd.DataFrame([row]), table], ignore_index=True)
        notes += _month_in_progress_notes(current)
    table, notes = not_below_billed_so_far(table, bill, [] if daily_data else months_so_far, notes)
    table = _with_changes(table, sized, actuals.rows["period_end"].max(), daily_data)
    notes += _changes_after_the_forecast(sized, table["month"].tolist())
    table["in_progress"] = table["month"].isin(set(bill.loc[bill["in_progress"], "month"]))
    description = methods.DESCRIPTIONS.get(chosen, "") + _month_in_progress_method(current)
    return Forecast(
        history=bill[["month", "actual", "complete", "in_progress"]],
        forecast=table.astype(
            dict.fromkeys(("expected", "low", "high", "known_changes"), float) | {"in_progress": bool}
        ),
        interval=interval,
        method=chosen,
        backtest_mape_pct=mape,
        current=current,
        notes=notes,
        method_reason=reason,
        method_description=description,
        candidates=candidates,
        interval_basis=basis,
        changes=sized,
        backtest=backtest,
    )


def _changes_dated_in_the_data(
    sized: list[SizedChange], data_end: pd.Timestamp, daily_data: bool
) -> list[str]:
    """A note for each change dated before the data ends (``data_end``: the day after its
    last): what is billed is as billed, so it is added from the first day or month not billed."""
    last_day = (data_end - pd.Timedelta(days=1)).date()
    since = f"from {data_end.date()}" if daily_data else "from the first month forecast"
    return [
        f"{s.key} = {s.new_value} from {s.start} is dated before the data ends ({last_day}): the bill "
        f"up to then is what was billed, so the change is added {since}"
        for s in sized
        if pd.Timestamp(s.start) < data_end
    ]


def _interval_notes(basis: str, backtest: methods.Backtest, chosen: str, interval: float) -> list[str]:
    """Notes on the backtest: a MASE or MAPE left out, an interval not calibrated or too wide."""
    uncalibrated = [f"the interval is {basis}"] if basis.startswith("not calibrated") else []
    said = [methods.flat_history_note(backtest), methods.zero_month_note(backtest), *uncalibrated]
    return [n for n in said if n] + _too_few_errors_for_the_interval(backtest, chosen, interval)


def _too_few_errors_for_the_interval(backtest: methods.Backtest, chosen: str, interval: float) -> list[str]:
    """A note when the backtest's errors (every horizon's, pooled) are too few for split-
    conformal quantiles of ``interval``: its bounds are then the errors' extremes, which
    cover less than asked (on 13 months, a 95 % interval's first month is the 80 % one's)."""
    made = int(np.isfinite(backtest.ratios(chosen)).sum())
    needed = _months_needed(interval)
    if made < methods.MIN_ERRORS or made >= needed:  # not calibrated (said), or enough
        return []
    return [
        f"a {interval:.0%} interval needs {needed} backtest errors; this history gives {made}, so its "
        f"bounds are the widest errors the backtest made and it covers less than {interval:.0%} (the "
        "backtest's coverage says how much; a longer history, or a narrower --interval)"
    ]


def _changes_after_the_forecast(sized: list[SizedChange], months: list[str]) -> list[str]:
    """A note for each change that starts after the last month forecast (it adds nothing to
    any month shown, though its note prices it a month)."""
    if not months:
        return []
    last = months[-1]
    return [
        f"{s.key} = {s.new_value} from {s.start} starts after the last month forecast ({last}): "
        "nothing added (a longer --months shows it)"
        for s in sized
        if s.start[:7] > last
    ]


def _one_off_note(complete: pd.DataFrame) -> list[str]:
    """What the forecast leaves out when the last complete month had credits or refunds."""
    if complete.empty or complete["one_off"].iloc[-1] == 0:
        return []
    last = complete.iloc[-1]
    return [
        f"credits and refunds are not forecast: {last['month']} had {money(last['one_off'])} of them "
        f"({money(last['actual'])} billed); the months ahead are the bill before any new ones "
        "(a month in progress keeps those billed so far)"
    ]


def _month_in_progress_method(current: CurrentMonth | None) -> str:
    """What the month-in-progress forecast is and where its interval comes from ("" without one)."""
    if current is None:
        return ""
    return f"; month in progress: {DAILY_METHOD}; its interval: {current.interval_basis}"


def _month_in_progress_notes(current: CurrentMonth) -> list[str]:
    """A note when the month in progress's interval is the simulated one (it covers too little)."""
    simulated = current.interval_basis.startswith("simulated")
    return [f"the month in progress's interval is {current.interval_basis}"] if simulated else []


def _with_month_in_progress(history: methods.History, current: CurrentMonth) -> methods.History:
    """``history`` with the month in progress as one more month, at its month-end forecast
    without the credits and refunds billed so far, as the other months (the months ahead
    start after it)."""
    usage = current.expected - current.one_off_to_date
    # its daily data, lumps and usage types as they were: the calendar forecasts from them
    return replace(
        history,
        months=[*history.months, current.month],
        daily_average=np.append(history.daily_average, usage / current.days_in_month),
        days=np.append(history.days, current.days_in_month),
    )


def _with_changes(
    table: pd.DataFrame, sized: list[SizedChange], data_end: pd.Timestamp, daily_data: bool
) -> pd.DataFrame:
    """``table`` with each month's cost of the known changes [USD] in ``known_changes`` and
    added to ``expected``, ``low`` and ``high``; ``data_end``: the day after the data's last.
    Daily data bills every day up to its end, so a change dated earlier counts from then;
    monthly data, from the first month forecast."""
    table = table.assign(known_changes=0.0)
    if sized:
        first_open = data_end if daily_data else pd.Period(table["month"].iloc[0], "M").start_time
        added = effects(sized, table["month"].tolist(), first_open).to_numpy()
        table[["expected", "low", "high"]] = (
            table[["expected", "low", "high"]].to_numpy(float) + added[:, None]
        )
        table["known_changes"] = added
    return table


def _trailing_in_progress(bill: pd.DataFrame) -> list[str]:
    """The months at the end of ``bill`` after its last complete one that are in progress
    (one usually; two when last month is not final yet and this one has begun)."""
    out: list[str] = []
    for month, complete, in_progress in zip(
        reversed(bill["month"].tolist()),
        reversed(bill["complete"].tolist()),
        reversed(bill["in_progress"].tolist()),
        strict=True,
    ):
        if complete or not in_progress:
            break
        out.insert(0, month)
    return out


def _months_ahead(
    history: methods.History, backtest: methods.Backtest, chosen: str, ahead: list[str], interval: float
) -> tuple[pd.DataFrame, str]:
    """The chosen candidate's forecast of the months ``ahead`` and its interval [USD], and
    where the interval comes from."""
    expected = methods.CANDIDATES[chosen](history, len(history.months), ahead)
    low, high, basis = methods.calibrate(backtest, chosen, len(ahead), interval)
    if not np.isfinite(low).all():
        spread_low, spread_high = methods.spread_bounds(history.daily_average, len(ahead), interval)
        made = int(np.isfinite(backtest.ratios(chosen)).sum())
        low, high = (
            np.where(np.isfinite(low), low, spread_low),
            np.where(np.isfinite(high), high, spread_high),
        )
        basis = (
            f"not calibrated where the backtest has fewer than {methods.MIN_ERRORS} errors ({made} made): "
            "the spread of the month-to-month changes, widening with the square root of the months ahead"
            + (f"; elsewhere {basis}" if basis else "")
        )
    else:
        basis = f"calibrated on {basis}"
    # a bill before credits is never below $0: a forced candidate's negative point (a fall
    # read as a trend) says $0, and bounds scaled from a negative point are put back in order
    expected = np.maximum(expected, 0.0)
    bounds = np.sort(np.stack([expected * low, expected * high]), axis=0).clip(min=0.0)
    table = pd.DataFrame({"month": ahead, "expected": expected, "low": bounds[0], "high": bounds[1]})
    return table, basis


__all__ = [
    "DEFAULT_MONTHS_AHEAD",
    "INTERVAL",
    "MIN_DAILY_DAYS",
    "Change",
    "CurrentMonth",
    "Forecast",
    "candidates_table",
    "forecast",
    "month_end",
    "parse_change",
]
