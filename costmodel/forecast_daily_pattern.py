"""The daily pattern the calendar candidate of :mod:`costmodel.forecast_methods` builds the
months ahead from: each weekday's recent median, the extra cost of a month's first and last
days, and the monthly change of the mid-month days, the slope of a robust line through the
last :data:`TREND_DAYS` days (spikes and leaks left out, up to two level steps fitted beside it).
Also :func:`edge_position`, a day's place at a month's edge, which the anomaly rules share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel.constants import DAYS_PER_AVERAGE_MONTH
from costmodel.forecast_names import DRIFT_WINDOW

PROFILE_DAYS = 28  # days of the weekday profile of the calendar candidate (four whole weeks)
EDGE_DAYS = 2  # a month's first and last days whose extra cost the calendar candidate learns
EDGE_MONTHS = 3  # months the extra cost of a month's edge days is the median of
TREND_DAYS = 120  # days the calendar's line goes through (shorter: noisier; longer: lags a new slope)
MIN_TREND_DAYS = 56  # mid-month days that line needs; fewer: the mean monthly change of the months
OUTLIER_SIGMAS = 3.0  # a day this many robust standard deviations off the line is not trend
ROBUST_PASSES = 3  # refits after leaving the outlying days out
STEP_MARGIN_DAYS = 14  # a level step is looked for this many days or more from the window's ends
STEP_GAIN = 0.2  # a step is taken when it narrows the days' spread around the line this much
MAX_STEPS = 2  # level steps fitted beside the line (two level changes in 4 months are plausible)


def mean_change(values: np.ndarray, window: int = DRIFT_WINDOW) -> float:
    """The mean change of the last ``window`` steps of ``values`` (0 with one value)."""
    recent = values[-(window + 1) :]
    return float(recent[-1] - recent[0]) / (len(recent) - 1) if len(recent) > 1 else 0.0


def edge_position(dates: pd.DatetimeIndex, edge_days: int = EDGE_DAYS) -> np.ndarray:
    """A day's place at a month's edge: 1, 2 ... for the first days, -1, -2 ... for the last
    ones (``edge_days`` of each), 0 for the days between."""
    day = np.asarray(dates.day)
    from_end = day - np.asarray(dates.days_in_month) - 1
    return np.where(day <= edge_days, day, np.where(from_end >= -edge_days, from_end, 0))


@dataclass(frozen=True)
class DailyPattern:
    """The calendar of a daily series as of a day: each weekday's median [USD per day, Monday
    first], the extra cost of each edge position [USD per day], the monthly change of the
    mid-month days [USD per day per month]; ``anchor``: the middle of the profile's days."""

    weekday: np.ndarray
    edges: dict[int, float]
    slope: float
    anchor: pd.Timestamp

    def expected(self, dates: pd.DatetimeIndex, with_slope: bool = True) -> np.ndarray:
        """The expected cost of each of ``dates`` [USD per day]."""
        base = self.weekday[np.asarray(dates.day_of_week)]
        edges = np.array([self.edges.get(int(p), 0.0) for p in edge_position(dates)])
        months = (dates - self.anchor).days.to_numpy() / DAYS_PER_AVERAGE_MONTH if with_slope else 0.0
        return base + edges + self.slope * months


def daily_pattern(values: pd.Series, profile_days: int = PROFILE_DAYS) -> DailyPattern | None:
    """The :class:`DailyPattern` of a daily series (index: consecutive dates) from its last
    days; None with fewer than :data:`PROFILE_DAYS` days."""
    if len(values) < profile_days:
        return None
    dates = pd.DatetimeIndex(values.index)
    edge = edge_position(dates)
    recent = values.iloc[-profile_days:]
    middle = recent.loc[edge[-profile_days:] == 0]
    # medians: a spike or a leak in the last four weeks is not the level the month ahead starts from
    by_weekday = middle.groupby(pd.DatetimeIndex(middle.index).day_of_week).median()
    weekday = by_weekday.reindex(range(7)).fillna(float(middle.median()) if len(middle) else 0.0).to_numpy()
    edges = {}
    series = values.to_numpy(float)
    for position in (*range(1, EDGE_DAYS + 1), *range(-EDGE_DAYS, 0)):
        # each edge day over the same weekday one and two weeks inside its month (its level
        # then: against today's level a step or a trend since would count as extra)
        inward = 7 if position > 0 else -7
        at = np.flatnonzero(edge == position)
        at = at[(at + 2 * inward >= 0) & (at + 2 * inward < len(series))][-EDGE_MONTHS:]
        if len(at):
            extra = series[at] - (series[at + inward] + series[at + 2 * inward]) / 2
            edges[position] = float(np.median(extra))
    anchor = dates[-1] - pd.Timedelta(days=(profile_days - 1) / 2)
    slope = _daily_slope(values.loc[edge == 0])
    return DailyPattern(weekday=weekday, edges=edges, slope=slope, anchor=anchor)


def _daily_slope(middle: pd.Series) -> float:
    """The monthly change of the mid-month days [USD per day per month]: the
    :func:`robust_trend` of the last :data:`TREND_DAYS` days; with too few days for it, the
    mean monthly change of the months' levels (each without its weekdays' mix)."""
    dates = pd.DatetimeIndex(middle.index)
    recent = middle.loc[dates > dates[-1] - pd.Timedelta(days=TREND_DAYS)] if len(dates) else middle
    slope = robust_trend(recent)
    if slope is not None:
        return slope
    weekdays = dates.day_of_week
    # each month's level without its weekdays' mix (a month of five weekends is no drop)
    adjusted = middle - middle.groupby(weekdays).transform("mean") + float(middle.mean())
    monthly = adjusted.groupby(dates.to_period("M")).mean()
    if len(monthly) and monthly.index[-1] == dates[-1].to_period("M") and dates[-1].day < 20:
        monthly = monthly.iloc[:-1]  # a month begun: too few of its days for its level
    return mean_change(monthly.to_numpy())


def _robust_fit(design: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float] | None:
    """(coefficients, spread): least squares, then again without the rows more than
    :data:`OUTLIER_SIGMAS` robust standard deviations (1.4826 x the median absolute
    residual) off the fit, :data:`ROBUST_PASSES` times; spread: that robust standard
    deviation of every row's residual. None when most rows are off the fit."""
    # a floor for the spread: a line that fits most days exactly still leaves rounding
    floor = 1e-6 * max(float(np.mean(np.abs(y))), 1e-9)
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    for _ in range(ROBUST_PASSES):
        residuals = y - design @ coefficients
        spread = max(1.4826 * float(np.median(np.abs(residuals - np.median(residuals)))), floor)
        keep = np.abs(residuals) <= OUTLIER_SIGMAS * spread
        if keep.sum() < len(y) // 2:  # most days off the fit: nothing to trust
            return None
        coefficients = np.linalg.lstsq(design[keep], y[keep], rcond=None)[0]
    residuals = y - design @ coefficients
    return coefficients, max(1.4826 * float(np.median(np.abs(residuals - np.median(residuals)))), floor)


def _step_at(x: np.ndarray, design: np.ndarray, y: np.ndarray, taken: list[float]) -> float | None:
    """The day of the level step (a column of 0 before, 1 from the day) that least squares
    fits best beside ``design``, on a day at least :data:`STEP_MARGIN_DAYS` from either end
    and from each step already ``taken``; None without such a day."""
    days = np.unique(x)[STEP_MARGIN_DAYS:-STEP_MARGIN_DAYS]
    candidates = [day for day in days if all(abs(day - other) >= STEP_MARGIN_DAYS for other in taken)]
    best, best_error = None, np.inf
    for day in candidates:
        with_step = np.column_stack([design, x >= day]).astype(float)
        residuals = y - with_step @ np.linalg.lstsq(with_step, y, rcond=None)[0]
        error = float(residuals @ residuals)
        if error < best_error:
            best, best_error = float(day), error
    return best


def robust_trend(days: pd.Series) -> float | None:
    """The slope of a line through a daily series (index: dates) with a level for each
    weekday [USD per day, per month of 30.4375 days], fitted robustly (:func:`_robust_fit`:
    spikes and leaks left out); with level steps in the window (a new service, a replica
    added, a Savings Plan bought), the line's slope beside them (a step is not a trend: it
    does not go on): up to :data:`MAX_STEPS`, each the best beside those before it, ``k`` of
    them taken when they make the days' spread narrower by :data:`STEP_GAIN` each (the
    fewest of the most narrowing by that measure). None with fewer than
    :data:`MIN_TREND_DAYS` days or most days off a line."""
    if len(days) < MIN_TREND_DAYS:
        return None
    dates = pd.DatetimeIndex(days.index)
    weekday = np.asarray(dates.day_of_week)
    x = (dates - dates[-1]).days.to_numpy(float)
    design = np.column_stack([x, *(weekday == k for k in np.unique(weekday))]).astype(float)
    y = days.to_numpy(float)
    fit = _robust_fit(design, y)
    if fit is None:
        return None
    fits = [fit]  # with 0, 1 ... steps
    taken: list[float] = []  # the steps' days
    # the steps one at a time, each beside those found before it; a second level change
    # read as a slope carried a flat bill down or up month after month
    while len(taken) < MAX_STEPS and (day := _step_at(x, design, y, taken)) is not None:
        design = np.column_stack([design, x >= day]).astype(float)
        if (stepped := _robust_fit(design, y)) is None:
            break
        fits.append(stepped)
        taken.append(day)
    # k steps are taken when they narrow the spread by STEP_GAIN each, on the whole (a step up
    # and one back down, a month's overlap in a migration, narrow it only together)
    best = min(range(len(fits)), key=lambda k: fits[k][1] / (1 - STEP_GAIN) ** k)
    return float(fits[best][0][0]) * DAYS_PER_AVERAGE_MONTH


__all__ = [
    "EDGE_DAYS",
    "MAX_STEPS",
    "PROFILE_DAYS",
    "TREND_DAYS",
    "DailyPattern",
    "daily_pattern",
    "edge_position",
    "mean_change",
    "robust_trend",
]
