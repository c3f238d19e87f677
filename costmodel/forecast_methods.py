"""Candidate forecasts of the monthly bill, judged by a rolling-origin backtest on the bill's
own history, and prediction intervals calibrated on that backtest's errors.

Candidates forecast the bill of each month ahead [USD] without credits and refunds
(one-off money). The first five work on the **daily average cost** of each complete month
(so a 28- and a 31-day month compare), times the days of the month forecast:

* ``same as last month`` (the naive baseline): last month's daily average;
* ``drift over the last 6 months``: last month's level plus the mean monthly change of the
  last six months for each month ahead (a random walk with drift over a recent window);
* ``damped-trend ETS``: Holt's additive trend with a damped slope (statsmodels
  ``ExponentialSmoothing``, its parameters estimated at each origin);
* ``combination``: the mean of the drift and the damped trend;
* ``combination of drift, damped-trend ETS and same as last month``: the mean of the three,
  the trends' slopes carried at two thirds (a slope in force now often is not three months
  on), the default of monthly data.

With daily data a sixth, ``calendar``, builds each month ahead day by day: each weekday's
median cost over the last four weeks (days at a month's edges left out), the extra cost of
a month's first and last two days (a month-end batch job) as the median of the last three
months (each over the same weekday one and two weeks inside its month), the once-a-month
charges (:func:`once_a_month`: a support plan at its steady share of the month before, an
RI fee at last month's amount, an upfront fee billed once mid-month not again), and the slope of a robust line
through the mid-month days of the last ``TREND_DAYS`` days (:mod:`costmodel.forecast_daily_pattern`:
weekday effects fitted beside it; days off the line by more than ``OUTLIER_SIGMAS`` robust standard
deviations, a spike or a leak, left out and the line fitted again; up to ``MAX_STEPS`` (2)
level steps, a new service then a Savings Plan, fitted beside it when they narrow the days'
spread by ``STEP_GAIN`` each), over the
daily bill as it runs now: a usage type that began or stopped billing inside the last four
weeks is taken at its level since on every day before (:mod:`costmodel.forecast_usage_changes`:
else a new service begun 15 days before the end was half in each weekday's median, begun 7
days before not at all). It knows what monthly totals hide: a step in the middle of last
month, the weekdays of the month ahead, money billed once a month, a slope that changed two
months ago. (On the
benchmark's development seeds the line through 120 days forecast three months ahead with
MASE 1.24 where the mean monthly change of six months gave 1.40, weekday medians instead of
means kept a leak in the last four weeks out of the level, and the step 1.21; a second
step, for a bill with two level changes in the window, 1.20 where one gave 1.18, held out
1.07 where 1.08.)

**Rolling origin** (:func:`backtest`): from each of the last :data:`MAX_ORIGINS` months
that leave at least :data:`MIN_TRAIN` complete months before them, every candidate
forecasts the months that follow from the data before its origin only. Errors are scaled
as in the **MASE** (Hyndman & Koehler 2006): by the mean absolute month-to-month change of
the monthly bill before the origin (the in-sample error of "same as last month"), so 1 is
"as far off as a usual month-to-month change". :func:`choose` takes the candidate with the
lowest mean MASE over the horizons when it is :data:`SWITCH_MARGIN` (half) below the
default's (the three-way combination for monthly data, the calendar for daily data: the
best on the benchmark's development seeds); on a dozen origins a smaller lead is selection
noise.
With fewer than :data:`MIN_DAMPED` months the damped trend is the drift (three parameters
need more months), so a short history is forecast by rules one can check by hand.

**Intervals** (:func:`calibrate`): the chosen candidate's backtest errors, as ratios of
actual to forecast, give the bounds by their split-conformal quantiles (Vovk et al. 2005:
the ``ceil((n + 1) p)``-th of ``n`` sorted errors): each horizon's own errors (with at
least :data:`MIN_ERRORS`), widened where the errors of every horizon, each divided by its
months ahead, pooled and scaled back, are wider (a trend that changes makes errors grow
with the horizon faster than the past origins show: on the benchmark's development seeds
each horizon's own errors alone covered 71 % of daily bills at three months ahead, this
79 %). With fewer errors than that, :func:`spread_bounds`, said not calibrated.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from costmodel.constants import DAYS_PER_AVERAGE_MONTH, NOTHING_BILLED_USD
from costmodel.forecast_charges import once_a_month
from costmodel.forecast_daily_pattern import (
    MAX_STEPS,
    TREND_DAYS,
    DailyPattern,
    daily_pattern,
    edge_position,
    mean_change,
    robust_trend,
)
from costmodel.forecast_intervals import MIN_ERRORS, bounds, spread_bounds
from costmodel.forecast_names import CALENDAR, COMBINATION, DAMPED, DRIFT, DRIFT_WINDOW, NAIVE, THREE_WAY
from costmodel.forecast_usage_changes import as_running_now

MIN_TRAIN = 4  # complete months before a backtest origin (a damped trend needs them)
MAX_ORIGINS = 12  # backtest origins: the last twelve months (recent errors are the relevant ones)
MIN_ORIGINS = 3  # one-month-ahead backtest forecasts a choice needs; fewer: the default candidate
MIN_DAMPED = 6  # months a damped trend is fitted on; fewer: the drift (three parameters need them)
# a candidate replaces the default only when its backtest error is this much lower: on a dozen
# origins a smaller lead is selection noise. On the benchmark's development seeds
# (benchmarks/finance.py), MASE 1 / 2 / 3 months ahead: daily files 0.52 / 0.84 / 1.24 at 0.2,
# 0.51 / 0.80 / 1.18 at 0.5 (the calendar always: 0.50 / 0.80 / 1.18); monthly files 0.77 /
# 1.13 / 1.49 at 0.2, 0.77 / 1.12 / 1.48 at 0.5 (held out, 0.2 chose another candidate than
# the three-way mean for 17 of 102 forecasts and was worse than it two and three months ahead)
SWITCH_MARGIN = 0.5
# a MASE denominator at or below a cent [USD per month]: a history flat to the cent (monthly
# fees), over which a miss measures nothing (a $50 miss read 5,000): not meaningful
MIN_SCALE = 0.01
# months ahead a choice is judged on, whatever is asked: the month after next is the same
# forecast with --months 1, 3 or 6 (a choice on the first month's errors alone differed)
CHOICE_HORIZONS = 3
MIN_MONTHS_BY_THE_MONTH = 6  # months before a bill is told billed by the month (monthly fees)
DEFAULT_MONTHLY = THREE_WAY  # the default of monthly data (least error on the development seeds)
DEFAULT_DAILY = CALENDAR  # the default of daily data
DESCRIPTIONS = {
    NAIVE: "last complete month's daily average cost x the days of each month ahead",
    DRIFT: f"last month's daily average plus the mean monthly change of the last {DRIFT_WINDOW} months",
    DAMPED: "Holt's additive trend with a damped slope (statsmodels ExponentialSmoothing), fitted anew",
    COMBINATION: f"the mean of the {DRIFT} and the {DAMPED} forecasts",
    THREE_WAY: f"the mean of the {DRIFT}, the {DAMPED} and the {NAIVE} forecasts",
    CALENDAR: (
        "each day ahead at its weekday's median of the last 4 weeks, plus the extra cost of a month's first "
        "and last 2 days (median of 3 months), once-a-month charges (a steady share of the month before, or "
        "last month's amount when billed on the 1st or the month before too; a reservation's fee by the "
        "hour) and the slope of a robust "
        f"line through the last {TREND_DAYS} days (spikes and leaks left out, up to {MAX_STEPS} level steps "
        "fitted beside it); a usage type begun or stopped in the last 4 weeks taken at its level since"
    ),
}


@dataclass(frozen=True)
class History:
    """What the candidates forecast from: the complete months (``months``, their
    ``daily_average`` [USD per day] without credits and refunds, ``days``) and, with daily
    data, ``daily`` (``date``, ``recurring`` and ``lumps`` [USD per day], see
    :func:`costmodel.actuals.series.daily_bill`)."""

    months: list[str]
    daily_average: np.ndarray
    days: np.ndarray
    daily: pd.DataFrame | None = None
    lumps: pd.DataFrame | None = None  # once-a-month charges: month, service, usage_type, amount [USD]
    # with daily data, each usage type's recurring cost by day (index: date, columns:
    # service|usage_type): tells a usage type begun or stopped in the last weeks (see calendar)
    by_usage_type: pd.DataFrame | None = None

    @property
    def totals(self) -> np.ndarray:
        """The monthly bill without credits and refunds [USD per month]."""
        return self.daily_average * self.days

    @property
    def per_month(self) -> bool:
        """Whether the bill is billed by the month, not by the day (see :func:`billed_by_the_month`)."""
        return billed_by_the_month(self.totals, self.days)

    @property
    def level(self) -> np.ndarray:
        """What the candidates follow [USD per day]: each month's daily average; for a bill
        billed by the month, its total over an average month's days (a 28-day February is no
        drop)."""
        return self.totals / DAYS_PER_AVERAGE_MONTH if self.per_month else self.daily_average

    def days_of(self, ahead: list[str]) -> np.ndarray:
        """The days each month ahead is billed for [days]: its own, or an average month's
        for a bill billed by the month."""
        if self.per_month:
            return np.full(len(ahead), DAYS_PER_AVERAGE_MONTH)
        return np.array([pd.Period(m, "M").days_in_month for m in ahead], dtype=float)


def billed_by_the_month(totals: np.ndarray, days: np.ndarray) -> bool:
    """Whether monthly totals move less from month to month than their daily averages do
    (by half or more), over months of different lengths: a bill of monthly fees (a
    support plan, a flat subscription) is the same in February and March, where an
    hourly bill is 10 % less in February. Hourly cost, the usual AWS bill, is billed by
    the day; so is a history of fewer than :data:`MIN_MONTHS_BY_THE_MONTH` months (on
    three, two month-to-month changes can be flat by chance) or of months of one length."""
    if len(totals) < MIN_MONTHS_BY_THE_MONTH or len(np.unique(days)) < 2:
        return False
    by_day = totals / days * DAYS_PER_AVERAGE_MONTH
    return float(np.sum(np.abs(np.diff(totals)))) < 0.5 * float(np.sum(np.abs(np.diff(by_day))))


Candidate = Callable[[History, int, list[str]], np.ndarray]


def naive(history: History, origin: int, ahead: list[str]) -> np.ndarray:
    """Last month's daily average, for each month ahead [USD per month]."""
    return np.repeat(history.level[origin - 1], len(ahead)) * history.days_of(ahead)


def drift(history: History, origin: int, ahead: list[str]) -> np.ndarray:
    """Last month's daily average plus ``h`` times the mean monthly change of the last
    :data:`DRIFT_WINDOW` months [USD per month]."""
    past = history.level[:origin]
    steps = _months_after(history.months[origin - 1], ahead)
    return (past[-1] + mean_change(past) * steps) * history.days_of(ahead)


def _months_after(last: str, ahead: list[str]) -> np.ndarray:
    start = pd.Period(last, "M")
    return np.array([(pd.Period(m, "M") - start).n for m in ahead], dtype=float)


def damped_trend(history: History, origin: int, ahead: list[str]) -> np.ndarray:
    """Holt's damped additive trend (statsmodels) on the daily averages before ``origin``
    [USD per month]; with fewer than :data:`MIN_DAMPED` months or a flat history, the drift."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    past = history.level[:origin]
    steps = _months_after(history.months[origin - 1], ahead)
    if len(past) < MIN_DAMPED or np.ptp(past) == 0:
        return drift(history, origin, ahead)
    with warnings.catch_warnings():  # short series warn about convergence: the backtest judges the fit
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(
            past, trend="add", damped_trend=True, initialization_method="estimated"
        ).fit()
        predicted = np.asarray(fit.forecast(int(steps.max())), dtype=float)[steps.astype(int) - 1]
    if not np.all(np.isfinite(predicted)):
        return drift(history, origin, ahead)
    return predicted * history.days_of(ahead)


def combination(history: History, origin: int, ahead: list[str]) -> np.ndarray:
    """The mean of :func:`drift` and :func:`damped_trend` [USD per month]."""
    return (drift(history, origin, ahead) + damped_trend(history, origin, ahead)) / 2


def three_way(history: History, origin: int, ahead: list[str]) -> np.ndarray:
    """The mean of :func:`drift`, :func:`damped_trend` and :func:`naive` [USD per month]: the
    trends' slopes carried at two thirds (on the benchmark's development seeds, MASE 0.77 /
    1.12 / 1.48 one to three months ahead where the monthly files' forecast chosen with the
    two-trend combination as default was 0.78 / 1.16 / 1.57; held out 0.70 / 1.00 / 1.29
    against 0.71 / 1.00 / 1.38)."""
    return (
        drift(history, origin, ahead) + damped_trend(history, origin, ahead) + naive(history, origin, ahead)
    ) / 3


def calendar(history: History, origin: int, ahead: list[str]) -> np.ndarray:
    """Each month ahead day by day (see the module docstring) [USD per month]; NaN without
    ``PROFILE_DAYS`` days of daily data before the origin."""
    daily = history.daily
    if daily is None:
        return np.full(len(ahead), np.nan)
    cut = pd.Period(history.months[origin], "M").start_time if origin < len(history.months) else None
    before = daily.loc[daily["date"] < cut] if cut is not None else daily
    recurring = before.set_index("date")["recurring"]
    if history.by_usage_type is not None:  # a usage type begun or stopped in the profile's weeks
        recurring = as_running_now(recurring, history.by_usage_type)
    pattern = daily_pattern(recurring)
    if pattern is None:
        return np.full(len(ahead), np.nan)
    last = before["date"].iloc[-1]
    complete = last.to_period("M") - (0 if last.day == last.days_in_month else 1)
    # every month from the last complete one's next (a month in progress may lie between)
    span = [str(p) for p in pd.period_range(complete + 1, pd.Period(ahead[-1], "M"), freq="M")]
    recurring = []
    for m in span:
        period = pd.Period(m, "M")
        dates = pd.date_range(period.start_time, period.end_time.normalize(), freq="D")
        recurring.append(float(pattern.expected(dates).sum()))
    at = [span.index(m) for m in ahead]
    if history.lumps is None:  # last month's once-a-month charges, as billed
        monthly_lumps = float(before.loc[before["date"].dt.to_period("M") == complete, "lumps"].sum())
        return np.array(recurring)[at] + monthly_lumps
    by_month = before.groupby(before["date"].dt.to_period("M").astype(str))["recurring"].sum()
    lumps = history.lumps.loc[history.lumps["month"] <= str(complete)]
    first_month = str(daily["date"].iloc[0].to_period("M"))
    charges = once_a_month(lumps, by_month.loc[: str(complete)], np.array(recurring), first_month)
    return (np.array(recurring) + charges)[at]


CANDIDATES: dict[str, Candidate] = {
    NAIVE: naive,
    DRIFT: drift,
    DAMPED: damped_trend,
    COMBINATION: combination,
    THREE_WAY: three_way,
    CALENDAR: calendar,
}


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin forecasts of each candidate: ``actual`` and ``predicted`` [USD per
    month] as (origins x horizons) arrays (NaN where the month ahead is beyond the history
    or the candidate could not forecast), ``scale`` per origin [USD per month, the MASE
    denominator]."""

    actual: np.ndarray
    predicted: dict[str, np.ndarray]
    scale: np.ndarray
    origins: list[str]  # the first month forecast from each origin

    def mase(self, method: str) -> np.ndarray:
        """Mean absolute scaled error at each horizon, over the origins whose scale is
        meaningful (:func:`meaningful_scale`); NaN where none was made or none is."""
        scale = np.where(meaningful_scale(self.scale), self.scale, np.nan)
        return _nanmean(np.abs(self.actual - self.predicted[method]) / scale[:, None])

    def flat_origins(self) -> int:
        """Origins after a history flat to the cent: no MASE is told from them."""
        return int((np.isfinite(self.scale) & ~meaningful_scale(self.scale)).sum())

    def mape(self, method: str) -> np.ndarray:
        """Mean absolute percentage error at each horizon [%], without the forecasts of a month
        billed $0 (:meth:`zero_actuals`: no percentage error over $0)."""
        actual = np.where(np.abs(self.actual) >= NOTHING_BILLED_USD, np.abs(self.actual), np.nan)
        return _nanmean(np.abs(self.actual - self.predicted[method]) / actual) * 100

    def zero_actuals(self) -> int:
        """Backtest forecasts (origins x horizons) of a month billed $0, left out of the MAPE."""
        return int((np.abs(self.actual) < NOTHING_BILLED_USD).sum())

    def ratios(self, method: str) -> np.ndarray:
        """Actual over forecast, per origin and horizon (NaN where none)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.actual / self.predicted[method]

    def count(self, method: str) -> np.ndarray:
        """Forecasts ``method`` made at each horizon."""
        return np.isfinite(self.actual - self.predicted[method]).sum(axis=0)

    def coverage(self, method: str, interval: float) -> np.ndarray:
        """Share of backtest outcomes inside the interval calibrated on the other origins'
        errors (leave one origin out) at each horizon [%]; NaN where none could be told."""
        ratios = self.ratios(method)
        inside = np.full(ratios.shape, np.nan)
        for i in range(ratios.shape[0]):
            others = np.delete(ratios, i, axis=0)
            low, high, _ = bounds(others, ratios.shape[1], interval)
            for h in range(ratios.shape[1]):
                if np.isfinite(ratios[i, h]) and np.isfinite(low[h]):
                    inside[i, h] = float(low[h] <= ratios[i, h] <= high[h])
        return _nanmean(inside) * 100


def _nanmean(values: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():  # a horizon without forecasts: NaN, said by its count
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=0)


def backtest(history: History, horizons: int, methods: list[str] | None = None) -> Backtest:
    """Each candidate's (or each of ``methods``') rolling-origin forecasts of the months of
    ``history``, up to ``horizons`` months ahead."""
    names = methods or list(CANDIDATES)
    n = len(history.months)
    totals = history.totals
    origins = list(range(max(MIN_TRAIN, n - MAX_ORIGINS), n))
    actual = np.full((len(origins), horizons), np.nan)
    predicted = {name: np.full((len(origins), horizons), np.nan) for name in names}
    scale = np.full(len(origins), np.nan)
    for i, origin in enumerate(origins):
        ahead = history.months[origin : origin + horizons]
        actual[i, : len(ahead)] = totals[origin : origin + len(ahead)]
        scale[i] = naive_scale(totals[:origin])
        made: dict[str, np.ndarray] = {}
        for name in names:
            if name == COMBINATION and DRIFT in made and DAMPED in made:
                made[name] = (made[DRIFT] + made[DAMPED]) / 2
            elif name == THREE_WAY and DRIFT in made and DAMPED in made and NAIVE in made:
                made[name] = (made[DRIFT] + made[DAMPED] + made[NAIVE]) / 3
            else:
                made[name] = CANDIDATES[name](history, origin, ahead)
            predicted[name][i, : len(ahead)] = made[name]
    return Backtest(
        actual=actual, predicted=predicted, scale=scale, origins=[history.months[o] for o in origins]
    )


def naive_scale(totals: np.ndarray) -> float:
    """The MASE denominator: the mean absolute month-to-month change [USD per month];
    :data:`MIN_SCALE` for a history flat to the cent; NaN with one month."""
    if len(totals) < 2:
        return math.nan
    return max(float(np.mean(np.abs(np.diff(totals)))), MIN_SCALE)


def meaningful_scale(scale: np.ndarray) -> np.ndarray:
    """Whether each origin's MASE denominator says anything: above :data:`MIN_SCALE`. A
    history flat to the cent has no usual change, and a miss over a cent (a $50 miss: 5,000)
    measures nothing."""
    with np.errstate(invalid="ignore"):
        return np.asarray(scale, dtype=float) > MIN_SCALE


def flat_history_note(result: Backtest | None) -> str:
    """Why a MASE is missing when the history before some origins was flat to the cent ("" when
    none was, or without a backtest)."""
    if result is None or not (flat := result.flat_origins()):
        return ""
    of = len(result.scale)
    return (
        f"MASE not meaningful from {flat} of the {of} backtest origins: the bill before "
        f"{'it' if flat == 1 else 'them'} was flat to the cent (no usual month-to-month change to scale a "
        "miss by), so the MASE is over the others only (n/a, null, when none is left)"
    )


def default_of(daily_data: bool) -> str:
    """The default candidate of daily or monthly data."""
    return DEFAULT_DAILY if daily_data else DEFAULT_MONTHLY


def choose(result: Backtest, default: str, margin: float = SWITCH_MARGIN) -> tuple[str, str]:
    """(candidate, why): the candidate with the lowest mean MASE over the first
    :data:`CHOICE_HORIZONS` horizons, on the origins where every candidate forecast, when
    it beats ``default``'s by at least ``margin`` (:data:`SWITCH_MARGIN`); else ``default`` (a smaller
    lead is noise). With fewer than :data:`MIN_ORIGINS` one-month-ahead backtest
    forecasts, ``default``, said so."""
    first = {name: p[:, :CHOICE_HORIZONS] for name, p in result.predicted.items()}
    result = replace(result, actual=result.actual[:, :CHOICE_HORIZONS], predicted=first)
    names = [n for n in result.predicted if result.count(n)[0] >= MIN_ORIGINS] if result.actual.size else []
    if default not in names:
        made = int(np.isfinite(result.actual[:, 0]).sum()) if result.actual.size else 0
        return default, (
            f"the default: {made} backtest forecast{'' if made == 1 else 's'} one month ahead, fewer than "
            f"the {MIN_ORIGINS} a choice needs"
        )
    common = np.all([np.isfinite(result.predicted[n][:, 0]) for n in names], axis=0)
    scores, origins = _scores(result, names, common)
    best = min(scores, key=lambda name: (scores[name], name != default))
    if all(math.isclose(v, scores[best], rel_tol=1e-9, abs_tol=1e-9) for v in scores.values()):
        return default, f"the default: every candidate's backtest error is the same, a tie ({origins})"
    if best != default and scores[best] <= (1 - margin) * scores[default]:
        return (
            best,
            f"the lowest backtest error, at least {margin:.0%} below the default's ({origins})",
        )
    if best == default:
        return default, f"the default and the lowest backtest error ({origins})"
    return default, f"the default: no candidate's backtest error is {margin:.0%} below it ({origins})"


def _scores(result: Backtest, names: list[str], common: np.ndarray) -> tuple[dict[str, float], str]:
    """({candidate: its mean error}, what the errors are): the mean MASE over the ``common``
    origins whose scale is meaningful (:func:`meaningful_scale`), or, when fewer than
    :data:`MIN_ORIGINS` are, the mean absolute error [USD] over every common origin (a
    MASE over a history flat to the cent would rank by misses of a cent)."""
    errors = {name: np.abs(result.actual - result.predicted[name]) for name in names}
    scaled = common & meaningful_scale(result.scale)
    if scaled.sum() >= MIN_ORIGINS or scaled.sum() == common.sum():
        scores = {n: float(np.nanmean(e[scaled] / result.scale[scaled, None])) for n, e in errors.items()}
        ranked = ", ".join(f"{n} {v:.2f}" for n, v in sorted(scores.items(), key=lambda kv: kv[1]))
        flat = int(common.sum() - scaled.sum())
        left_out = f" ({flat} after a bill flat to the cent left out: no MASE from them)" if flat else ""
        return scores, f"mean MASE over {int(scaled.sum())} rolling origins{left_out}: {ranked}"
    scores = {n: float(np.nanmean(e[common])) for n, e in errors.items()}
    ranked = ", ".join(f"{n} ${v:,.2f}" for n, v in sorted(scores.items(), key=lambda kv: kv[1]))
    return scores, (
        f"mean absolute error over {int(common.sum())} rolling origins, the MASE not being meaningful "
        f"(the bill before {int(common.sum() - scaled.sum())} of them was flat to the cent): {ranked}"
    )


def zero_month_note(result: Backtest) -> str:
    """How many backtest forecasts the MAPE leaves out, of months billed $0 ("" when none)."""
    skipped = result.zero_actuals()
    if not skipped:
        return ""
    return (
        f"the backtest MAPE leaves out {skipped} forecast{'' if skipped == 1 else 's'} of a month billed $0 "
        "(no percentage error over $0; the MASE and the interval keep them)"
    )


def calibrate(
    result: Backtest, method: str, horizons: int, interval: float
) -> tuple[np.ndarray, np.ndarray, str]:
    """(low, high, how): factors on the forecast of each horizon for the ``interval``
    [fraction] bounds, from the backtest's ratios of actual to forecast; NaN where too few
    errors were made to say."""
    return bounds(result.ratios(method), horizons, interval)


__all__ = [
    "CALENDAR",
    "CANDIDATES",
    "DEFAULT_DAILY",
    "DEFAULT_MONTHLY",
    "DESCRIPTIONS",
    "MIN_ERRORS",
    "NAIVE",
    "Backtest",
    "DailyPattern",
    "History",
    "backtest",
    "calendar",
    "calibrate",
    "choose",
    "combination",
    "daily_pattern",
    "damped_trend",
    "default_of",
    "drift",
    "edge_position",
    "flat_history_note",
    "meaningful_scale",
    "naive",
    "naive_scale",
    "once_a_month",
    "robust_trend",
    "spread_bounds",
    "three_way",
    "zero_month_note",
]
