"""Prediction intervals from a rolling-origin backtest's errors (see
:mod:`costmodel.forecast_methods`): split-conformal quantiles of each horizon's relative
errors (Vovk et al. 2005: the ``ceil((n + 1) p)``-th of ``n`` sorted errors), widened by every
horizon's errors pooled and scaled by the months ahead, and the spread of the month-to-month
changes when the backtest is too short to calibrate."""

from __future__ import annotations

import math

import numpy as np

MIN_ERRORS = 8  # errors a horizon's own quantiles need; fewer: every horizon's, pooled


def bounds(ratios: np.ndarray, horizons: int, interval: float) -> tuple[np.ndarray, np.ndarray, str]:
    """(low, high, how): factors on the forecast of each of ``horizons`` for the ``interval``
    [fraction] bounds, from ``ratios`` of actual to forecast (origins x horizons); NaN where
    too few errors were made to say."""
    low, high = np.full(horizons, np.nan), np.full(horizons, np.nan)
    pooled = _pooled(ratios)
    ways = []
    for h in range(horizons):
        own = ratios[:, h] if h < ratios.shape[1] else np.array([])
        own = own[np.isfinite(own)] - 1
        if len(own) >= MIN_ERRORS:
            low[h], high[h] = _conformal(own, interval)
            ways.append("own")
        if len(pooled) >= MIN_ERRORS:
            lower, upper = _conformal(pooled, interval)
            if not (lower * (h + 1) >= low[h] and upper * (h + 1) <= high[h]):  # wider, or the only one
                low[h], high[h] = np.fmin(low[h], lower * (h + 1)), np.fmax(high[h], upper * (h + 1))
                ways.append("pooled")
    how = {
        "own": "each horizon's own backtest errors",
        "pooled": "every horizon's backtest errors pooled, scaled by the months ahead",
    }
    said = " widened by ".join(how[w] for w in dict.fromkeys(ways))
    return np.minimum(1 + low, 1.0), np.maximum(1 + high, 1.0), said


def spread_bounds(daily_average: np.ndarray, horizons: int, interval: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounds when the backtest is too short to calibrate: the month-to-month relative
    changes' root mean square, times the normal quantile of ``interval`` and the square
    root of the horizon (a random walk's spread) [factors on the forecast]."""
    from statistics import NormalDist

    with np.errstate(divide="ignore", invalid="ignore"):  # a month at $0 has no relative change
        changes = daily_average[1:] / daily_average[:-1] - 1 if len(daily_average) > 1 else np.zeros(1)
    spread = (
        float(np.sqrt(np.mean(changes[np.isfinite(changes)] ** 2))) if np.isfinite(changes).any() else 0.0
    )
    z = NormalDist().inv_cdf((1 + interval) / 2)
    width = z * spread * np.sqrt(np.arange(1, horizons + 1))
    return 1 - width, 1 + width


def _pooled(ratios: np.ndarray) -> np.ndarray:
    """Relative errors of every horizon, each divided by its horizon [months]."""
    if ratios.size == 0:
        return np.array([])
    flat = np.concatenate([(ratios[:, h] - 1) / (h + 1) for h in range(ratios.shape[1])])
    return flat[np.isfinite(flat)]


def _conformal(errors: np.ndarray, interval: float) -> tuple[float, float]:
    """The lower and upper split-conformal quantiles of ``errors`` for a central ``interval``."""
    ordered = np.sort(errors)
    n = len(ordered)
    tail = (1 - interval) / 2
    upper = min(math.ceil((n + 1) * (1 - tail)), n) - 1
    lower = max(math.floor((n + 1) * tail), 1) - 1
    return float(ordered[lower]), float(ordered[upper])


__all__ = ["MIN_ERRORS", "bounds", "spread_bounds"]
