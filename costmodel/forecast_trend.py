"""The slope of a daily cost series, for the calendar candidate of
:mod:`costmodel.forecast_methods`: a robust line (weekday levels fitted beside it, spikes
and leaks left out) through the last :data:`TREND_DAYS` days, with a level step fitted
beside it when there is one (a new service: a step is not a trend) and, when the slope
changed inside the window, the slope since that change.

Why the slope since a change: after a slope change a line through the whole window lags
the new slope for months, and that lag was most of the error three months ahead; a short
window everywhere is noisy and is thrown by a leak or a step. So the line goes through a
long window and a **slope change** (a hinge: a second slope from one day on) is fitted
beside it; when its t statistic exceeds :data:`SLOPE_CHANGE_T` (the change is real, not
noise), the slope after the hinge is the slope in force. On the benchmark's development
seeds (``benchmarks/finance.py``) this took the calendar from MASE 0.50 / 0.80 / 1.18 at one
to three months ahead (a plain line through 120 days) to 0.48 / 0.73 / 1.06.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.4375  # a mean month [days]: slopes are per day, forecasts per month
TREND_DAYS = 180  # days the line goes through (a slope change in them is fitted beside it)
MIN_TREND_DAYS = 56  # days that line needs; fewer: the caller falls back
OUTLIER_SIGMAS = 3.0  # a day this many robust standard deviations off the line is not trend
ROBUST_PASSES = 3  # refits after leaving the outlying days out
STEP_MARGIN_DAYS = 14  # a level step is looked for this many days or more from the window's ends
STEP_GAIN = 0.2  # a step is taken when it narrows the days' spread around the line this much
SLOPE_CHANGE_T = 3.0  # a slope change is taken when its t statistic is beyond this (p < 0.003)
MIN_SEGMENT_DAYS = 28  # days of the series on each side of a slope change (four weeks' weekdays)


def robust_trend(days: pd.Series) -> float | None:
    """The slope in force at the end of a daily series (index: dates) [USD per day, per
    month of 30.4375 days]: the slope of a line with a level for each weekday, fitted
    robustly (:func:`robust_fit`: spikes and leaks left out); with a level step in the
    window (a new service, a replica added), the line's slope beside that step when the step
    makes the days' spread :data:`STEP_GAIN` narrower (a step is not a trend: it does not go
    on); with a significant slope change (:func:`slope_change`), the slope since it. None
    with fewer than :data:`MIN_TREND_DAYS` days or most days off a line."""
    if len(days) < MIN_TREND_DAYS:
        return None
    dates = pd.DatetimeIndex(days.index)
    weekday = np.asarray(dates.day_of_week)
    x = (dates - dates[-1]).days.to_numpy(float)
    design = np.column_stack([x, *(weekday == k for k in np.unique(weekday))]).astype(float)
    y = days.to_numpy(float)
    fit = robust_fit(design, y)
    if fit is None:
        return None
    step = _step_at(x, design, y)
    stepped = robust_fit(np.column_stack([design, step]), y) if step is not None else None
    if step is not None and stepped is not None and stepped.spread <= (1 - STEP_GAIN) * fit.spread:
        design, fit = np.column_stack([design, step]), stepped
    changed = slope_change(x, design, y, fit.kept)
    slope = float(fit.coefficients[0]) if changed is None else changed
    return slope * DAYS_PER_MONTH


@dataclass(frozen=True)
class RobustFit:
    """A least-squares fit without its outlying rows: ``coefficients``, ``spread`` (the
    robust standard deviation of every row's residual, in the units of ``y``) and ``kept``
    (the rows it was fitted on, a boolean mask)."""

    coefficients: np.ndarray
    spread: float
    kept: np.ndarray


def _spread_floor(y: np.ndarray) -> float:
    """A floor for a spread [units of ``y``]: a line that fits most days exactly still leaves rounding."""
    return 1e-6 * max(float(np.mean(np.abs(y))), 1e-9)


def _robust_spread(residuals: np.ndarray, floor: float) -> float:
    """1.4826 x the median absolute deviation of ``residuals`` (a normal SD), at least ``floor``."""
    return max(1.4826 * float(np.median(np.abs(residuals - np.median(residuals)))), floor)


def robust_fit(design: np.ndarray, y: np.ndarray) -> RobustFit | None:
    """Least squares, then again without the rows more than :data:`OUTLIER_SIGMAS` robust
    standard deviations off the fit, :data:`ROBUST_PASSES` times. None when most rows are
    off the fit."""
    floor = _spread_floor(y)
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    keep = np.ones(len(y), dtype=bool)
    for _ in range(ROBUST_PASSES):
        residuals = y - design @ coefficients
        keep = np.abs(residuals) <= OUTLIER_SIGMAS * _robust_spread(residuals, floor)
        if keep.sum() < len(y) // 2:  # most days off the fit: nothing to trust
            return None
        coefficients = np.linalg.lstsq(design[keep], y[keep], rcond=None)[0]
    return RobustFit(coefficients, _robust_spread(y - design @ coefficients, floor), keep)


def _step_at(x: np.ndarray, design: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """The level step (a column of 0 before, 1 from the day) that least squares fits best,
    on a day at least :data:`STEP_MARGIN_DAYS` from either end; None without such a day."""
    candidates = np.unique(x)[STEP_MARGIN_DAYS:-STEP_MARGIN_DAYS]
    best, best_error = None, np.inf
    for day in candidates:
        step = (x >= day).astype(float)
        with_step = np.column_stack([design, step])
        residuals = y - with_step @ np.linalg.lstsq(with_step, y, rcond=None)[0]
        error = float(residuals @ residuals)
        if error < best_error:
            best, best_error = step, error
    return best


def slope_change(x: np.ndarray, design: np.ndarray, y: np.ndarray, kept: np.ndarray) -> float | None:
    """The slope after a slope change [USD per day, per day]: a hinge (0 before a day, the
    days since it from that day) fitted beside ``design`` (whose first column is ``x``, the
    day [days]) by least squares on the ``kept`` rows, at the day that fits best with at
    least :data:`MIN_SEGMENT_DAYS` of the window's days on each side; the line's slope plus the
    hinge's when the hinge's t statistic (its coefficient over its standard error) is beyond
    :data:`SLOPE_CHANGE_T`; else None (no change to tell from noise)."""
    candidates = np.unique(x)[MIN_SEGMENT_DAYS:-MIN_SEGMENT_DAYS]
    rows, values = design[kept], y[kept]
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for day in candidates:
        with_hinge = np.column_stack([rows, np.maximum(x[kept] - day, 0.0)])
        coefficients = np.linalg.lstsq(with_hinge, values, rcond=None)[0]
        residuals = values - with_hinge @ coefficients
        error = float(residuals @ residuals)
        if best is None or error < best[0]:
            best = (error, with_hinge, coefficients)
    if best is None:
        return None
    error, with_hinge, coefficients = best
    freedom = max(len(values) - with_hinge.shape[1], 1)
    sigma = max(float(np.sqrt(error / freedom)), _spread_floor(y))
    variance = float(np.linalg.pinv(with_hinge.T @ with_hinge)[-1, -1])
    if variance <= 0:  # the hinge is not told apart from the other columns
        return None
    if abs(coefficients[-1]) <= SLOPE_CHANGE_T * sigma * np.sqrt(variance):
        return None
    return float(coefficients[0] + coefficients[-1])


__all__ = ["TREND_DAYS", "RobustFit", "robust_fit", "robust_trend", "slope_change"]
