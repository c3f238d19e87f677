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
* **The month in progress** (:mod:`costmodel.forecast_month_end`): a daily model of the
  recurring cost with a weekly season, the month's last days and once-a-month charges
  learned, its interval from the same forecast made in past months.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd

from costmodel import forecast_methods as methods
from costmodel.actuals.controls import MAY_NET_CREDITS, Actuals
from costmodel.actuals.series import cut, monthly_bill
from costmodel.architecture import Architecture
from costmodel.constants import CURRENCY
from costmodel.display import Result
from costmodel.errors import InputError
from costmodel.forecast_bounds import (
    MIN_MONTHS,
    before_first_cost,
    history_of,
    never_below_zero,
    not_below_billed_so_far,
    require_every_month,
)
from costmodel.forecast_known_steps import as_declared, touches_a_lump
from costmodel.forecast_month_end import (
    DAILY_METHOD,
    INTERVAL,
    MIN_DAILY_DAYS,
    CurrentMonth,
    month_in_progress,
    months_needed,
)
from costmodel.forecast_names import COST_BASIS, COST_BASIS_CREDITS_NETTED
from costmodel.known_changes import (
    RECENT_DAYS,
    Change,
    SizedChange,
    billed_today,
    effects,
    parse_change,
    size_changes,
)
from costmodel.output import money
from costmodel.pricing.catalog import PriceCatalog

MAX_MONTHS_AHEAD = 12
DEFAULT_MONTHS_AHEAD = 3  # what `costmodel forecast` forecasts without --months


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
    if months_so_far and daily_data:
        current, said = month_in_progress(actuals, interval, calibrated=calibrated_month_end)
        notes += said
    if months_so_far and current is None:
        # monthly data of a month in progress: its amount is so far (how far, the file does
        # not say), so that month is forecast whole like the ones after it
        last = pd.Period(months_so_far[0], "M") - 1
        so_far = bill.set_index("month")["actual"]
        notes += [
            f"{m} is in progress (not final): {money(so_far[m])} so far, "
            "not a complete month; its row is the forecast of the whole month"
            for m in months_so_far
        ]
    sized, known, said = _sized_changes(actuals, changes, arch, catalog, daily_data)
    notes += said
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
        as_billed, stopped = history_of(actuals, bill, daily_data)
        history, declared = as_declared(as_billed, actuals, known, daily_data)
        notes += stopped + declared
        backtest = methods.backtest(history, max(months, methods.CHOICE_HORIZONS), names)
        default = methods.default_of(daily_data)
        chosen, reason = (method, "asked for") if method else methods.choose(backtest, default)
        with np.errstate(divide="ignore", invalid="ignore"):  # a month at $0 has no percentage error
            candidates = candidates_table(backtest, interval)
            chosen_mape = backtest.mape(chosen)
        mape = float(np.nanmean(chosen_mape)) if np.isfinite(chosen_mape).any() else None
        if current is not None:
            history = _with_month_in_progress(history, current, as_billed)
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
    table, notes = not_below_billed_so_far(table, bill, months_so_far if current is None else [], notes)
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
        cost_basis=COST_BASIS_CREDITS_NETTED if _may_net_credits(actuals) else COST_BASIS,
        backtest=backtest,
    )


def _sized_changes(
    actuals: Actuals,
    changes: list[Change] | None,
    arch: Architecture | None,
    catalog: PriceCatalog | None,
    daily_data: bool,
) -> tuple[list[SizedChange], list[SizedChange], list[str]]:
    """(the known changes sized against the bill: what runs since a change's day, when it is
    in the last week of daily data; those whose step the history is re-levelled by; notes).
    A change moving a usage type billed on one day of a month so far (begun on the data's
    last day, or a monthly fee) has no daily level to carry back: every change is then
    sized on the last 7 days and added on top, none re-levelled; such a change dated inside
    those days on the days before its own (the bill's levels are the old ones: an instance
    type begun on the data's last day is the whole change to come, not 1/7 of it)."""
    if not changes or arch is None:
        return [], [], []
    since = partial(billed_today, actuals)
    sized, known = size_changes(arch, changes, billed_today(actuals), catalog, since), []
    if touches_a_lump(actuals, sized):
        recent = _begun_as_a_lump(actuals, sized)
        sized = size_changes(
            arch,
            changes,
            billed_today(actuals),
            catalog,
            lambda start: billed_today(cut(actuals, start)) if start in recent else billed_today(actuals),
        )
    else:
        known = sized
    if not daily_data:
        sized, known = _in_the_last_complete_month(actuals, arch, changes, catalog, sized)
    added = [s for s in sized if not s.note.endswith(CARRIED)]  # the others add nothing on top
    dated = _changes_dated_in_the_data(added, actuals.rows["period_end"].max(), daily_data)
    return sized, known, [s.note for s in sized] + dated


CARRIED = "carried as a known step from its day (the history before it re-levelled), nothing added on top"


def _in_the_last_complete_month(
    actuals: Actuals,
    arch: Architecture,
    changes: list[Change],
    catalog: PriceCatalog | None,
    sized: list[SizedChange],
) -> tuple[list[SizedChange], list[SizedChange]]:
    """(the changes to add on top, those to re-level the history by) of a monthly file whose
    last complete month holds a change's day after its 1st: that month is part old level, part
    new, so no month shows the step whole. Such a change is sized against the months before
    its own (what ran until its day) and carried whole as a known step from its day, nothing
    added on top (sized against the mixed month, a 4th node from 15 October read "the bill
    shows 3.55", 0.45 of a node added, the rest left in October's total as a rise)."""
    bill = monthly_bill(actuals)
    complete = bill.loc[bill["complete"], "month"]
    last = str(complete.iloc[-1]) if len(complete) else ""
    inside = {s.start for s in sized if s.start[:7] == last and s.start[8:] != "01"}
    if not inside or len(complete) < 2:
        return sized, sized
    before = {start: billed_today(cut(actuals, start[:7] + "-01")) for start in inside}
    today = billed_today(actuals)
    known = size_changes(arch, changes, today, catalog, lambda start: before.get(start, today))
    on_top = [
        replace(s, monthly_difference=0.0, note=f"{s.note}; {CARRIED}") if s.start in inside else s
        for s in known
    ]
    return on_top, known


def _begun_as_a_lump(actuals: Actuals, sized: list[SizedChange]) -> set[str]:
    """The days (YYYY-MM-DD) of the changes of ``sized`` that move a usage type billed on one
    day so far and are dated inside the last :data:`~costmodel.known_changes.RECENT_DAYS`
    days of the data, after its first day: the bill before their day runs what they change."""
    last_day = actuals.rows["period_end"].max() - pd.Timedelta(days=1)
    data_first = actuals.rows["period_start"].min() + pd.Timedelta(days=1)  # a day before it to read
    first = max(last_day - pd.Timedelta(days=RECENT_DAYS - 1), data_first)
    return {
        s.start for s in sized if first <= pd.Timestamp(s.start) <= last_day and touches_a_lump(actuals, [s])
    }


def _may_net_credits(actuals: Actuals) -> bool:
    """Whether credits may be inside the services' amounts (a Cost Explorer file grouped
    without RECORD_TYPE, not filtered to leave them out)."""
    rows = actuals.rows
    return MAY_NET_CREDITS in rows and bool(rows[MAY_NET_CREDITS].astype(bool).any())


def _changes_dated_in_the_data(
    sized: list[SizedChange], data_end: pd.Timestamp, daily_data: bool
) -> list[str]:
    """A note for each change dated before the data ends (``data_end``: the day after its
    last): what is billed is as billed, so it is added from the first day or month not billed."""
    last_day = (data_end - pd.Timedelta(days=1)).date()
    since = f"from {data_end.date()}" if daily_data else "from the first month forecast"
    return [
        f"{s.key} = {s.new_value} from {s.start} is dated before the data ends ({last_day}): the bill "
        f"up to then is what was billed, so what it does not show of the change is added {since}"
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
    needed = months_needed(interval)
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


def _relevelled(as_billed: methods.History, history: methods.History, month: str) -> float:
    """What the declared steps (:func:`as_declared`) added to the days of ``month`` billed so
    far [USD]: ``history`` re-levelled against ``as_billed``, its daily series by usage type."""
    if as_billed.by_usage_type is None or history.by_usage_type is None:
        return 0.0
    added = (history.by_usage_type - as_billed.by_usage_type).sum(axis=1)
    return float(added.loc[pd.DatetimeIndex(added.index).strftime("%Y-%m") == month].sum())


def _with_month_in_progress(
    history: methods.History, current: CurrentMonth, as_billed: methods.History
) -> methods.History:
    """``history`` with the month in progress as one more month, at its month-end forecast
    without the credits and refunds billed so far, as the other months (the months ahead
    start after it); plus what a declared step dated inside it adds to its days before the
    step (``history`` against ``as_billed``), as to a complete month's (a 4th node from the
    10th: its first 9 days at 4 nodes, else the month carried on is 9 days short of one)."""
    relevelled = _relevelled(as_billed, history, current.month)
    usage = current.expected - current.one_off_to_date + relevelled
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
    "parse_change",
]
