"""Cost anomalies in daily actuals: days a usage type cost far more than it usually does.

Each (service, usage type) is a daily series of its unblended cost (credits, refunds and
tax left out, and lump charges billed once a month, which are expected spikes). A day is
compared with its **expected** value, the median of the same weekday over the previous four
weeks (robust to the weekly pattern and to one earlier outlier). It is an anomaly when all
of these hold:

* it costs at least :data:`MIN_RATIO` times its expected value and at least ``min_usd``
  more (small amounts are noise to a finance review);
* its robust score, the excess over 1.4826 x the median absolute deviation of the
  series' last four weeks around their expected values (a z-score that outliers do not
  inflate), is at least :data:`MIN_SCORE`;
* it is not a **step change**: where later weeks exist, the same weekday of the following
  weeks is back nearer the old level than the new one. A series that stays at its new level (a third read
  replica, an RI fee from the first of the month) is a step, reported apart, not an alarm.

Days in the last week of the data cannot be told from a step yet: they are reported as
anomalies and say so. The first four weeks have no expected value and are not scored.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import KEY, lump_keys, require_daily
from costmodel.constants import CURRENCY
from costmodel.errors import InputError

WEEKS = 4  # same-weekday history an expected value is the median of [weeks]
MIN_RATIO = 1.5
MIN_SCORE = 6.0
MIN_USD = 2.0  # the smallest excess over the expected day worth a reviewer's time [USD]
COLUMNS = ["date", "service", "usage_type", "actual", "expected", "score", "explanation"]
METHOD = (
    f"each usage type's daily cost against the median of the same weekday over the previous {WEEKS} "
    f"weeks; an anomaly is at least {MIN_RATIO}x that, the minimum dollars more, and {MIN_SCORE:g} robust "
    "deviations (1.4826 x median absolute deviation) above it, and not a step change (later weeks back "
    "near the old level); credits, refunds, tax and once-a-month charges left out"
)


@dataclass(frozen=True)
class Detection:
    """What :func:`detect` found: ``anomalies`` (the contract's columns plus ``ratio``),
    ``steps`` (persistent level changes: date, service, usage_type, before, after [USD per
    day]), and ``scored_days`` (series-days compared, for a false alarm rate)."""

    anomalies: pd.DataFrame
    steps: pd.DataFrame
    scored_days: int
    first_scored: str  # the first and last day scored, YYYY-MM-DD ("" when none was)
    last_scored: str = ""
    currency: str = CURRENCY
    days: int = 0  # days in the data (first to last)
    origin: str = ""


def daily_by_usage_type(actuals: Actuals) -> pd.DataFrame:
    """Days x (service, usage type): the unblended cost of each usage series [USD per day]
    (a day without a row costs 0)."""
    rows = require_daily(actuals, "anomaly detection")
    usage = rows.loc[
        ~rows["record_type"].isin(record_types.NOT_USAGE) & (rows["service"] != record_types.TAX_SERVICE)
    ]
    lumps = lump_keys(rows)
    keep = ~pd.MultiIndex.from_frame(usage[KEY]).isin(list(lumps))
    table = usage.loc[keep].pivot_table(
        index="period_start", columns=["service", "usage_type"], values="unblended_cost", aggfunc="sum"
    )
    days = pd.date_range(rows["period_start"].min(), rows["period_start"].max(), freq="D")
    return table.reindex(days).fillna(0.0)


def _same_weekday(values: np.ndarray, offsets: list[int]) -> np.ndarray:
    """Per day, the median of the same weekday at ``offsets`` weeks away (NaN where none)."""
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
        return np.nanmedian(stack, axis=0)


def _scale(values: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Per day, 1.4826 x the median absolute residual of the previous four weeks [USD]."""
    residual = pd.Series(np.abs(values - expected))
    mad = residual.shift(1).rolling(7 * WEEKS, min_periods=7).median().to_numpy()
    return np.fmax(1.4826 * mad, np.fmax(0.05 * np.nan_to_num(expected), 0.05))


def labels_of(items: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(service, usage type without region prefix) -> what the model calls it, from priced
    line items (e.g. "NAT data processed" for NatGateway-Bytes)."""
    from costmodel.pricing.free_tiers import without_free_tiers
    from costmodel.usage_types import strip_region_prefix

    items = without_free_tiers(items)  # an allowance is not what the usage is called
    base = items["usage_type"].map(strip_region_prefix)
    grouped = items.assign(base=base).groupby(["service", "base"])["component"]
    return {key: " / ".join(dict.fromkeys(names)) for key, names in grouped}


def _label(service: str, usage_type: str, labels: dict[tuple[str, str], str]) -> str:
    from costmodel.usage_types import strip_region_prefix

    base = strip_region_prefix(usage_type)
    named = labels.get((service, base))
    return f"{named} ({base})" if named else f"{service} {base}"


def detect(
    actuals: Actuals, min_usd: float = MIN_USD, labels: dict[tuple[str, str], str] | None = None
) -> Detection:
    """Anomalies and step changes of daily ``actuals`` (see the module docstring).

    ``labels`` names usage types as the model does (:func:`labels_of` the architecture's
    line items); without them an explanation names the service and usage type.
    """
    labels = labels or {}
    table = daily_by_usage_type(actuals)
    days = table.index
    anomalies, steps, scored = [], [], 0
    for (service, usage_type), series in table.items():
        values = series.to_numpy()
        expected = _same_weekday(values, [-w for w in range(1, WEEKS + 1)])
        expected[: 7 * WEEKS] = np.nan  # four full weeks of history first
        later = _same_weekday(values, [1, 2, 3])
        scale = _scale(values, expected)
        scored += int(np.isfinite(expected).sum())
        with np.errstate(all="ignore"):
            ratio = np.where(expected > 0, values / expected, np.inf)
            score = (values - expected) / scale
        high = (
            np.isfinite(expected)
            & (ratio >= MIN_RATIO)
            & (values - expected >= min_usd)
            & (score >= MIN_SCORE)
        )
        for i in np.flatnonzero(high):
            # a spike's later weeks are back near the old level; a step's stay near the new one
            back_again = np.isfinite(later[i]) and abs(later[i] - expected[i]) < abs(later[i] - values[i])
            if np.isfinite(later[i]) and not back_again:
                steps.append((days[i], service, usage_type, expected[i], later[i]))
                continue
            recent = "" if np.isfinite(later[i]) else "; too recent to tell a spike from a step change"
            times = f"{ratio[i]:.1f}x" if np.isfinite(ratio[i]) else "from nothing to"
            explanation = (
                f"{_label(service, usage_type, labels)} {times} its {WEEKS}-week same-weekday median "
                f"(${values[i]:,.2f} billed, ${expected[i]:,.2f} expected){recent}"
            )
            anomalies.append(
                (days[i], service, usage_type, values[i], expected[i], score[i], explanation, ratio[i])
            )
    frame = pd.DataFrame(anomalies, columns=[*COLUMNS, "ratio"]).sort_values(
        ["date", "score"], ascending=[True, False]
    )
    # an empty table's dates are datetimes too (a quiet series has none): .dt works on both
    frame["date"] = pd.to_datetime(frame["date"])
    step_frame = pd.DataFrame(steps, columns=["date", "service", "usage_type", "before", "after"])
    step_frame["date"] = pd.to_datetime(step_frame["date"])
    # a step shows on every day of its first week: keep its first day
    step_frame = step_frame.drop_duplicates(subset=["service", "usage_type", "before", "after"])
    step_frame = step_frame.groupby(["service", "usage_type"], as_index=False).first().sort_values("date")
    first = days[7 * WEEKS] if len(days) > 7 * WEEKS else None
    return Detection(
        anomalies=frame.reset_index(drop=True),
        steps=step_frame.reset_index(drop=True),
        scored_days=scored,
        first_scored=str(first.date()) if first is not None else "",
        last_scored=str(days[-1].date()) if first is not None else "",
        days=len(days),
        origin=actuals.origin,
    )


def too_short(detection: Detection) -> str:
    """Why no day could be scored ('' when some were): the history it takes and what the
    data has."""
    if detection.first_scored:
        return ""
    return (
        f"anomalies need {7 * WEEKS} days of daily history before the first day they score; "
        f"{detection.origin} has {detection.days} day{'' if detection.days == 1 else 's'}"
    )


def covers(detection: Detection, month: str) -> bool:
    """Whether any day of ``month`` (YYYY-MM) was scored."""
    return bool(detection.first_scored) and detection.first_scored[:7] <= month <= detection.last_scored[:7]


def for_month(detection: Detection, month: str) -> pd.DataFrame:
    """The anomalies of ``month`` (YYYY-MM); a month with no day scored is an error, since
    "no anomalies" would claim days nobody looked at."""
    if not covers(detection, month):
        scored = (
            f"the days scored are {detection.first_scored} to {detection.last_scored}"
            if detection.first_scored
            else too_short(detection)
        )
        raise InputError(f"no anomalies can be told for {month}: {scored}")
    frame = detection.anomalies
    return frame.loc[frame["date"].dt.strftime("%Y-%m") == month].reset_index(drop=True)


__all__ = [
    "METHOD",
    "MIN_RATIO",
    "MIN_SCORE",
    "MIN_USD",
    "Detection",
    "covers",
    "daily_by_usage_type",
    "detect",
    "for_month",
    "labels_of",
    "too_short",
]
