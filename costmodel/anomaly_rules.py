"""The rules that score one cost series: days against their usual level, sustained shifts
(leaks), and charges billed once a month against their own past months.

Pure functions on arrays [USD per day]; :mod:`costmodel.anomalies` runs them on every
series of a bill and turns what they flag into events.

* **Expected day** (:func:`expected_days`): the median of the same weekday over the
  previous :data:`WEEKS` weeks; a day at a month's edge (its first or last
  :data:`EDGE_DAYS` days) adds the lower median of the largest extra cost the same
  edge had in the :data:`EDGE_MONTHS` months before and after (a month-end batch job, a first-of-month fee: a
  recurring pattern, learned, not alarmed).
* **Day rule** (:func:`day_rule`): a day at least :data:`MIN_RATIO` times its expected
  value, ``min_usd`` more, and :data:`MIN_SCORE` robust deviations above it (1.4826 x the
  median absolute deviation of the previous four weeks' residuals, the first weeks' against
  the weeks before them); unless the same weekday
  of the following weeks stays at the new level (a **step**, reported apart).
* **Sustained shift** (:func:`shifts`): a one-sided CUSUM (Page 1954) of the standardized
  residuals ``z``: over a run of days with ``z`` above the allowance :data:`CUSUM_K`, the
  sum of ``z - CUSUM_K`` passes :data:`CUSUM_H`; ``z`` is scaled by the spread before the
  run began, floored at :data:`SHIFT_FLOOR` of the day (not the day rule's 5 %: on a flat
  line +2.5 % for 20 days is a leak). It finds what no single day shows: +$60 a
  day on a $150-a-day line, +$50 on a flat $2,000 one. A shift whose level stays after it is a step;
  one that ends (the level returns) is a **leak**; one still running at the end of the data
  cannot be told yet and is reported.
* **Once-a-month charges** (:func:`monthly_charge_rule`): each month's amount against the
  median of its previous (up to six) months.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from costmodel.forecast_daily_pattern import edge_position

EDGE_DAYS = 3  # a month's first and last days whose extra cost is learned (a job on the last working day)
EDGE_MONTHS = 2  # months before and after whose edge days teach a month's [months]
WEEKS = 4  # same-weekday history an expected value is the median of [weeks]
MIN_RATIO = 1.5
MIN_SCORE = 6.0
CUSUM_K = 2.0  # allowance [robust deviations a day]: slower drifts (a growing bill) do not add up
CUSUM_H = 10.0  # decision interval [robust deviations]
SHIFT_FLOOR = 0.005  # the CUSUM's spread is at least 0.5 % of the expected day (a flat line's is 0)
MIN_SHIFT_SHARE = 0.02  # a sustained shift adds at least 2 % to its expected days [fraction]
# a sustained shift lasts at least four days: each counts at most CUSUM_H / 2 - CUSUM_K = 3
# deviations, so three never pass CUSUM_H (a three-day rise is the day rule's to find)
MIN_SHIFT_DAYS = 4
SETTLE_DAYS = 7  # days after a shift that tell a leak (back to the old level) from a step
STEP_DAYS = 1  # days after a shift's run, still at its level, that tell a step (the median learned it)
CHARGE_MONTHS = 6  # past months a once-a-month charge is compared with
MIN_CHARGE_MONTHS = 2


@dataclass(frozen=True)
class Scored:
    """One daily series scored: per day ``expected``, ``scale`` [USD], ``score`` and
    ``ratio``; ``flags``: '' or the rule that flagged the day (``spike``, ``leak``,
    ``recent`` for a shift or spike too recent to tell from a step); ``steps``: (day index,
    level before, level after) of persistent changes."""

    expected: np.ndarray
    scale: np.ndarray
    score: np.ndarray
    ratio: np.ndarray
    flags: np.ndarray
    steps: list[tuple[int, float, float]]


def same_weekday(
    values: np.ndarray, offsets: list[int], reduce: Callable[..., np.ndarray] = np.nanmedian
) -> np.ndarray:
    """Per day, the median (or ``reduce``) of the same weekday at ``offsets`` weeks away
    (NaN where none)."""
    n = len(values)
    stack = np.full((len(offsets), n), np.nan)
    for k, weeks in enumerate(offsets):
        shift = 7 * weeks
        if abs(shift) >= n:  # a series shorter than the offset has no such week: NaN
            continue
        if shift > 0:
            stack[k, : n - shift] = values[shift:]
        else:
            stack[k, -shift:] = values[: n + shift]
    with warnings.catch_warnings():  # a day with none of its weeks in the data: NaN, said so
        warnings.simplefilter("ignore", RuntimeWarning)
        return reduce(stack, axis=0)


def expected_days(
    values: np.ndarray, dates: pd.DatetimeIndex, billed: np.ndarray | None = None
) -> np.ndarray:
    """The expected cost of each day [USD] (NaN for the first :data:`WEEKS` weeks): the
    same-weekday median of ``values``, plus the month-edge extra of ``billed`` (the days
    as billed, ``values`` when not given: a month-end job's first run, flagged and taken
    off ``values`` in a second pass, still teaches the months near it)."""
    base = same_weekday(values, [-w for w in range(1, WEEKS + 1)])
    base[: 7 * WEEKS] = np.nan
    return base + edge_extra(values if billed is None else billed, base, dates)


def edge_extra(values: np.ndarray, base: np.ndarray, dates: pd.DatetimeIndex) -> np.ndarray:
    """Per day at a month's start or end (its first or last :data:`EDGE_DAYS` days), the
    lower median over the other months within :data:`EDGE_MONTHS` of it of the largest
    extra cost a day of the same edge carried (0 when not positive, and for the days
    between) [USD]. The largest of the edge, not the same day: a job on the month's last
    working day moves between its last three days. The months near, not all: a job that
    began in July is learned from its second month (its third in a daily job, which has
    only the months before), where the median of the whole year (six months without it)
    alarmed it every month; the lower median, so that one spike at an edge is not learned."""
    position = edge_position(dates, EDGE_DAYS)
    months = np.asarray(dates.to_period("M").astype("int64"))
    baseline = np.where(np.isfinite(base), base, same_weekday(values, [1, 2, 3, 4]))
    excess = values - baseline
    extra = np.zeros(len(values))
    for edge in (position > 0, position < 0):
        if not edge.any():
            continue
        by_month = pd.Series(excess[edge]).groupby(months[edge]).max()  # NaN-skipping
        month_of, largest = by_month.index.to_numpy(), by_month.to_numpy()
        for i in np.flatnonzero(edge):
            near = (
                (np.abs(month_of - months[i]) <= EDGE_MONTHS) & (month_of != months[i]) & np.isfinite(largest)
            )
            others = np.sort(largest[near])
            if len(others):  # the lower median: half or more of the months near carry it
                extra[i] = max(float(others[(len(others) - 1) // 2]), 0.0)
    return extra


def robust_scale(
    values: np.ndarray, expected: np.ndarray, floor: float = 0.05, catching_up: np.ndarray | None = None
) -> np.ndarray:
    """Per day, 1.4826 x the median absolute residual of the previous four weeks [USD]
    (at least ``floor`` of the expected day and 5 cents). The first weeks, which have no
    expected day, give their residuals against the median of the weeks they have: else the
    first week scored had no spread but the floor, and a line whose days vary by 20 % was
    alarmed at 1.5x its median, a 2.5-sigma day. Days ``catching_up`` after a step (their
    expected still the old level) are the step's, not the line's noise: left out."""
    known = np.where(np.isfinite(expected), expected, same_weekday(values, [-w for w in range(1, WEEKS + 1)]))
    residual = pd.Series(np.abs(values - known))
    if catching_up is not None:
        residual[catching_up] = np.nan
    mad = residual.shift(1).rolling(7 * WEEKS, min_periods=7).median().to_numpy()
    return np.fmax(1.4826 * mad, np.fmax(floor * np.nan_to_num(expected), 0.05))


def day_rule(values: np.ndarray, expected: np.ndarray, scale: np.ndarray, min_usd: float) -> np.ndarray:
    """Days far above their expected value (the module docstring's day rule, before the
    step check)."""
    with np.errstate(all="ignore"):
        ratio = np.where(expected > 0, values / expected, np.inf)
        score = (values - expected) / scale
    return (
        np.isfinite(expected) & (ratio >= MIN_RATIO) & (values - expected >= min_usd) & (score >= MIN_SCORE)
    )


def shifts(
    values: np.ndarray, expected: np.ndarray, scale: np.ndarray, min_usd: float
) -> list[tuple[int, int]]:
    """(first, last) day indexes of sustained upward shifts: runs of at least
    :data:`MIN_SHIFT_DAYS` days above the CUSUM allowance (one day below it allowed) whose
    cumulative sum passes :data:`CUSUM_H`, adding at least ``min_usd`` a day on average and
    :data:`MIN_SHIFT_SHARE` of their expected days. Each day's ``z`` is capped at
    :data:`CUSUM_H` / 2 before the allowance (a day adds at most 3), so that one spike alone
    (the day rule's) is no shift and a shift needs four days: a three-day rise just under the
    day rule's 1.5x is missed. Counting a day up to H / 2 after the allowance finds those,
    but on a tester's bills (session 34) it alarmed nine times a month-end job whose size
    varies by 10 % from month to month: the cap stays. A run's
    days are scaled by the spread of the days before it began: the rolling spread grows
    with the shift itself and would end a 20-day leak half-way, its second half then read
    as a level that stayed."""
    z = np.where(np.isfinite(expected), (values - expected) / scale, 0.0)
    runs, first, gap = [], -1, 0
    for i in range(len(values) + 2):
        up = i < len(values) and z[i] > CUSUM_K
        if first >= 0 and i < len(values) and np.isfinite(expected[i]):
            up = (values[i] - expected[i]) / scale[first] > CUSUM_K
            z[i] = (values[i] - expected[i]) / scale[first]
        if up:
            first, gap = (i if first < 0 else first), 0
        elif first >= 0:
            gap += 1
            if gap > 1:
                runs.append((first, i - gap))
                first, gap = -1, 0
    out = []
    for first, last in runs:
        span = slice(first, last + 1)
        cusum = float(np.sum(np.minimum(z[span], CUSUM_H / 2) - CUSUM_K))
        excess = values[span] - expected[span]
        usual = float(np.nansum(expected[span]))
        long_enough = last - first + 1 >= MIN_SHIFT_DAYS and cusum > CUSUM_H
        if long_enough and np.nanmean(excess) >= min_usd and np.nansum(excess) >= MIN_SHIFT_SHARE * usual:
            out.append((first, last))
    return out


def settled(values: np.ndarray, expected: np.ndarray, first: int, last: int) -> str:
    """What a shift from ``first`` to ``last`` became: ``step`` (the level after it is nearer
    the shifted level), ``leak`` (nearer the old one) or ``recent`` (too few days after).
    A shift whose run ended while the level stayed ended because the expected days learned
    it (their four-week median holds the new level): :data:`STEP_DAYS` days after it
    tell a step, where a leak's end takes :data:`SETTLE_DAYS`."""
    after = values[last + 1 : last + 1 + SETTLE_DAYS]
    if len(after) < STEP_DAYS:
        return "recent"
    old = float(np.nanmedian(expected[first : last + 1]))
    shifted = float(np.median(values[first : last + 1]))
    level = float(np.median(after))
    if abs(level - shifted) < abs(level - old):
        return "step"
    return "leak" if len(after) == SETTLE_DAYS else "recent"


def score_series(values: np.ndarray, dates: pd.DatetimeIndex, min_usd: float) -> Scored:
    """Every rule of the module docstring on one daily series, twice: the second pass takes
    the expected days and their spread from the series with the first pass's flagged days
    at their expected value (a leak would otherwise raise the next weeks' medians and hide
    a spike after it)."""
    first = _score(values, values, dates, min_usd)
    flagged = (first.flags != "") & np.isfinite(first.expected)
    catching_up = _catching_up(first, values)
    if not flagged.any() and not catching_up.any():
        return first
    second = _score(values, np.where(flagged, first.expected, values), dates, min_usd, catching_up)
    flags = np.where(first.flags != "", first.flags, second.flags)
    return replace(second, flags=flags, steps=first.steps + second.steps)


def _catching_up(scored: Scored, values: np.ndarray) -> np.ndarray:
    """The days after each step whose expected day is still nearer the old level than the
    new one (the same-weekday median lags a step by up to three weeks): a second step or a
    leak in those weeks was scaled by the first step's size and never seen."""
    out = np.zeros(len(values), dtype=bool)
    for day, before, after in scored.steps:
        span = slice(day, min(day + 7 * WEEKS, len(values)))
        out[span] |= np.abs(scored.expected[span] - before) < np.abs(scored.expected[span] - after)
    return out


def _score(
    values: np.ndarray,
    baseline: np.ndarray,
    dates: pd.DatetimeIndex,
    min_usd: float,
    catching_up: np.ndarray | None = None,
) -> Scored:
    """One pass of the rules on ``values``, expected days from ``baseline``; the residuals
    of the days ``catching_up`` after a step left out of the spread."""
    expected = expected_days(baseline, dates, values)
    scale = robust_scale(baseline, expected, catching_up=catching_up)
    with np.errstate(all="ignore"):
        ratio = np.where(expected > 0, values / expected, np.inf)
        score = (values - expected) / scale
    flags = np.full(len(values), "", dtype=object)
    steps: list[tuple[int, float, float]] = []
    later = same_weekday(values, [1, 2, 3])
    weekday_high = same_weekday(baseline, [-w for w in range(1, WEEKS + 1)], np.nanmax)
    held = np.full(len(values), np.nan)  # per day, the level a step on its weekday before it set
    for i in np.flatnonzero(day_rule(values, expected, scale, min_usd)):
        # back at a level its weekday held in the weeks before (two holidays at $0 in four
        # weeks pulled its median half-way down): neither a spike nor a new level
        if (
            np.isfinite(weekday_high[i])
            and not day_rule(values[i : i + 1], weekday_high[i : i + 1], scale[i : i + 1], min_usd)[0]
        ):
            continue
        # a spike's later weeks are back near the old level; a step's stay near the new one
        if np.isfinite(later[i]) and abs(later[i] - expected[i]) >= abs(later[i] - values[i]):
            steps.append((int(i), float(expected[i]), float(later[i])))
            held[i + 7 : i + 7 * WEEKS + 1 : 7] = later[i]
            continue
        # at the level a step on its weekday set in the weeks before (a new weekly job's
        # next runs, which the four-week median has not learned yet): the step's, not new
        if (
            np.isfinite(held[i])
            and not day_rule(values[i : i + 1], held[i : i + 1], scale[i : i + 1], min_usd)[0]
        ):
            continue
        flags[i] = "spike" if np.isfinite(later[i]) else "recent"
    spread = robust_scale(baseline, expected, SHIFT_FLOOR, catching_up)
    for start, last in shifts(values, expected, spread, min_usd):
        span = slice(start, last + 1)
        became = settled(values, expected, start, last)
        if became == "step":
            steps.append((start, float(np.nanmedian(expected[span])), float(np.median(values[span]))))
            flags[span] = np.where(flags[span] == "recent", "", flags[span])
            continue
        above = values[span] > expected[span]
        flags[span] = np.where(
            above & (flags[span] == ""), "leak" if became == "leak" else "recent", flags[span]
        )
    return Scored(expected, scale, score, ratio, flags, steps)


def monthly_charge_rule(amounts: np.ndarray, min_usd: float) -> tuple[np.ndarray, np.ndarray]:
    """(expected, flagged) for each month's amount of a once-a-month charge [USD]: the median
    of up to :data:`CHARGE_MONTHS` previous months (NaN with fewer than
    :data:`MIN_CHARGE_MONTHS`); flagged when :data:`MIN_RATIO` times that, ``min_usd`` and
    :data:`MIN_SCORE` robust deviations more, and the next month (when there is one) is back
    nearer the usual amount (else it is a new price, not an anomaly)."""
    n = len(amounts)
    expected = np.full(n, np.nan)
    flagged = np.zeros(n, dtype=bool)
    for i in range(MIN_CHARGE_MONTHS, n):
        past = amounts[max(0, i - CHARGE_MONTHS) : i]
        usual = float(np.median(past))
        expected[i] = usual
        spread = max(1.4826 * float(np.median(np.abs(past - usual))), 0.05 * abs(usual), 0.05)
        high = amounts[i] >= MIN_RATIO * usual and amounts[i] - usual >= min_usd
        if high and (amounts[i] - usual) / spread >= MIN_SCORE:
            stays = i + 1 < n and abs(amounts[i + 1] - amounts[i]) < abs(amounts[i + 1] - usual)
            flagged[i] = not stays
    return expected, flagged


__all__ = [
    "MIN_RATIO",
    "MIN_SCORE",
    "WEEKS",
    "Scored",
    "day_rule",
    "edge_extra",
    "expected_days",
    "monthly_charge_rule",
    "robust_scale",
    "same_weekday",
    "score_series",
    "settled",
    "shifts",
]
