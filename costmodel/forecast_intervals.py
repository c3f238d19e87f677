"""Prediction intervals from a rolling-origin backtest's errors (see
:mod:`costmodel.forecast_methods`): split-conformal quantiles of each horizon's relative
errors (Vovk et al. 2005: the ``ceil((n + 1) p)``-th of ``n`` sorted errors), widened by every
horizon's errors pooled and scaled by the months ahead, and the spread of the month-to-month
changes when the backtest is too short to calibrate."""

from __future__ import annotations

import math

import numpy as np

MIN_ERRORS = 8  # errors a horizon's own quantiles need; fewer: every horizon's, pooled
# A side of an interval no backtest error reached (every error on the other side or $0: a flat
# history, then a one-off step) says nothing of that side, and $0 there is no bound (a price cut
# left the high at the point forecast): it is widened to MIN_SPREAD x the square root of the
# months ahead, or to MIN_SIDE_SHARE of the other side when wider. A side the errors reached
# stays as calibrated (the share floor on every side under MIN_SPREAD took the daily
# benchmark's coverage one month ahead to 91 %, on every side narrower than the share to 91 /
# 97 / 90 %, from 88 / 84 / 77 %).
MIN_SIDE_SHARE = 0.5
MIN_SPREAD = 0.01  # [fraction of the forecast]
UNREACHED = 1e-9  # a side's width under which no error reached it (float noise on $0 errors)


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
    low, high = _with_floor(np.minimum(low, 0.0), np.maximum(high, 0.0))
    return 1 + low, 1 + high, said


def _with_floor(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relative bounds (``low`` <= 0 <= ``high``, one per month ahead) with a side no error
    reached (width under :data:`UNREACHED`) widened to :data:`MIN_SPREAD` x the square root
    of the months ahead, or to :data:`MIN_SIDE_SHARE` of the other side when wider (NaN
    stays NaN)."""
    least = MIN_SPREAD * np.sqrt(np.arange(1, len(low) + 1))
    down = np.where(-low < UNREACHED, np.fmax(least, MIN_SIDE_SHARE * np.nan_to_num(high)), -low)
    up = np.where(high < UNREACHED, np.fmax(least, MIN_SIDE_SHARE * np.nan_to_num(-low)), high)
    return np.where(np.isfinite(low), -down, np.nan), np.where(np.isfinite(high), up, np.nan)


def spread_bounds(daily_average: np.ndarray, horizons: int, interval: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounds when the backtest is too short to calibrate: the month-to-month relative
    changes' root mean square, times the normal quantile of ``interval`` and the square
    root of the horizon (a random walk's spread), at least :data:`MIN_SPREAD` times that
    root [factors on the forecast]."""
    from statistics import NormalDist

    with np.errstate(divide="ignore", invalid="ignore"):  # a month at $0 has no relative change
        changes = daily_average[1:] / daily_average[:-1] - 1 if len(daily_average) > 1 else np.zeros(1)
    spread = (
        float(np.sqrt(np.mean(changes[np.isfinite(changes)] ** 2))) if np.isfinite(changes).any() else 0.0
    )
    z = NormalDist().inv_cdf((1 + interval) / 2)
    width = np.maximum(z * spread, MIN_SPREAD) * np.sqrt(np.arange(1, horizons + 1))
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


__all__ = ["MIN_ERRORS", "MIN_SIDE_SHARE", "MIN_SPREAD", "UNREACHED", "bounds", "spread_bounds"]
