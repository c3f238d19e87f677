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
# in the data's last week: the fewest days after a day, every one of them back at its level,
# that say it was one-off (one day back could be the noise of a level that just changed)
DAYS_BACK_AT_THE_END = 2


def one_off_days(days: pd.Series, sigmas: float = OUTLIER_SIGMAS, after: int = DAYS_BACK) -> np.ndarray:
    """Whether each day of ``days`` (index: consecutive dates, [USD per day]) is one-off:
    more than ``sigmas`` robust standard deviations (1.4826 x the median absolute
    deviation) off its weekday's median, with the median deviation of the ``after`` days
    after it within that. A day of the last ``after`` is one-off when each of the
    :data:`DAYS_BACK_AT_THE_END` days or more after it is back within that (a $600 spike two
    days before the data's end was carried by the month-end model at twice its money); with
    fewer days after it, or any of them still off (a level that has just changed, a new
    service), it cannot be told from a step yet."""
    weekday = pd.DatetimeIndex(days.index).day_of_week
    residual = (days - days.groupby(weekday).transform("median")).to_numpy(float)
    floor = 1e-6 * max(float(np.mean(np.abs(days.to_numpy(float)))), 1e-9)  # a flat series' rounding
    spread = max(1.4826 * float(np.median(np.abs(residual - np.median(residual)))), floor)
    far = np.abs(residual) > sigmas * spread
    within = sigmas * spread
    back = np.array(
        [
            float(np.median(np.abs(residual[i + 1 : i + 1 + after]))) <= within
            if i + after < len(residual)
            else len(residual) - 1 - i >= DAYS_BACK_AT_THE_END
            and bool(np.all(np.abs(residual[i + 1 :]) <= within))
            for i in range(len(residual))
        ]
    )
    return far & back


def without_one_off_days(days: pd.Series) -> pd.Series:
    """``days`` [USD per day] with each :func:`one_off_days` day at its weekday's median."""
    weekday = pd.DatetimeIndex(days.index).day_of_week
    return days.where(~one_off_days(days), days.groupby(weekday).transform("median"))
