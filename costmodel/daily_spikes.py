"""One-off days in a daily series: a spike (an incident, a runaway job) or a refund, a day
far off its weekday's level whose following week is back at it. The month-in-progress
forecast fits its daily model without them (their money is in the month so far, once):
fitted as they are, a weekly season carries a Saturday's $2,000 incident to every
Saturday still to come."""

from __future__ import annotations

import numpy as np
import pandas as pd

from costmodel.forecast_daily_pattern import OUTLIER_SIGMAS

DAYS_BACK = 7  # a week after a day (each weekday once) says whether its level came back


def one_off_days(days: pd.Series, sigmas: float = OUTLIER_SIGMAS, after: int = DAYS_BACK) -> np.ndarray:
    """Whether each day of ``days`` (index: consecutive dates, [USD per day]) is one-off:
    more than ``sigmas`` robust standard deviations (1.4826 x the median absolute
    deviation) off its weekday's median, with the median deviation of the ``after`` days
    after it within that. The last ``after`` days are never one-off: a level that has just
    changed (a new service) cannot be told from a spike yet."""
    weekday = pd.DatetimeIndex(days.index).day_of_week
    residual = (days - days.groupby(weekday).transform("median")).to_numpy(float)
    floor = 1e-6 * max(float(np.mean(np.abs(days.to_numpy(float)))), 1e-9)  # a flat series' rounding
    spread = max(1.4826 * float(np.median(np.abs(residual - np.median(residual)))), floor)
    far = np.abs(residual) > sigmas * spread
    back = np.array(
        [
            i + after < len(residual)
            and float(np.median(np.abs(residual[i + 1 : i + 1 + after]))) <= sigmas * spread
            for i in range(len(residual))
        ]
    )
    return far & back


def without_one_off_days(days: pd.Series) -> pd.Series:
    """``days`` [USD per day] with each :func:`one_off_days` day at its weekday's median."""
    weekday = pd.DatetimeIndex(days.index).day_of_week
    return days.where(~one_off_days(days), days.groupby(weekday).transform("median"))
