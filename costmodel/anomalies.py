"""Cost anomalies in daily actuals, as AWS Cost Anomaly Detection users know them: events
with a start, an end, a total impact in dollars and percent, ranked root causes, open or
closed, and planned changes never alarmed.

Each series (service, usage type, and account where line items give it; region where
line items name it, else from the usage type's prefix; and the value of each cost
allocation tag the line items were read with, ``tag:KEY`` columns, '' untagged) is its
unblended cost per day, credits, refunds and tax left out (:mod:`costmodel.anomaly_series`).
:mod:`costmodel.anomaly_rules` scores it: days far above their same-weekday median (a
month's edge days carry the extra they carry every month: a month-end job is learned, not
alarmed), sustained shifts by a CUSUM (a leak of +$60 a day that no single day shows),
and charges billed once a month against their own past months. A level that stays is a
**step change**, listed apart, not an alarm.

Flagged series-days of one service on consecutive days (a gap of one day allowed) make one
**event** (:mod:`costmodel.anomaly_events`): ``start``, ``end``, ``total_impact`` (actual minus
expected over its days [USD]),
``impact_pct`` (of the service's expected spend on those days, as AWS's TotalImpactPercentage:
``actual`` is what the service billed on those days, less the money of another event on them,
``expected`` that less the impact: the lines that stayed at what they billed, so a leak of one
usage type is a share of the service, whatever the split by tag, and a series that fell as the
flagged one rose (the work moved, :mod:`costmodel.anomaly_moves`) at its level before),
``root_causes`` (each series' contribution, largest first), ``tag_causes`` (with tags: each tag
value's, largest first), ``status`` (``open`` when it runs to the last day of the data, else
``closed``) and ``planned``. A
**planned** change (``--planned FILE`` or the ``--change`` calendar) covers its service
(and usage type, and region, when named) for
:data:`~costmodel.anomaly_planned.PLANNED_DAYS` days from its start: what is flagged there is
a planned event, never an alarm; a ``--change`` covers up to the rise its what-if prices on
each usage type: a rise beyond it is scored on the series less the declared rise, and what
that flags is alarmed apart (:func:`_beyond_declared`). Thresholds on the total impact
(``min_impact_usd``, ``min_impact_pct``; both must hold when both are given) keep the
events worth an alert, as an alert subscription does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import KEY
from costmodel.anomaly_events import cause_tags, events_of, top_cause
from costmodel.anomaly_moves import Moves
from costmodel.anomaly_news import already_reported
from costmodel.anomaly_planned import (
    Planned,
    declared_per_day,
    declared_window,
    planned_from_changes,
    planned_mask,
    read_planned,
)
from costmodel.anomaly_rules import (
    MIN_CHARGE_MONTHS,
    MIN_RATIO,
    MIN_SCORE,
    WEEKS,
    Scored,
    monthly_charge_rule,
    score_series,
)
from costmodel.anomaly_series import (
    SERIES,
    daily_by_usage_type,
    monthly_charge_series,
    region_of,
    tag_columns,
    usage_rows,
)
from costmodel.constants import CURRENCY, TAG_PREFIX, UNTAGGED
from costmodel.display import Result
from costmodel.errors import InputError, closest

MIN_USD = 2.0  # the smallest excess over the expected day worth a reviewer's time [USD]
STEP_GAP_DAYS = 7  # days without a step day that part two steps of one series
COLUMNS = ["date", "service", "usage_type", "actual", "expected", "score", "explanation"]
METHOD = (
    f"each series' daily cost against the median of the same weekday over the previous {WEEKS} weeks "
    "(a month's first and last 3 days plus the extra they carry in the 2 months before and after: "
    f"recurring jobs and fees learned); a day is anomalous at {MIN_RATIO}x that, the minimum dollars more "
    f"and {MIN_SCORE:g} "
    "robust deviations above it, unless later weeks stay at the new level (a step); sustained shifts by a "
    "CUSUM of the robust residuals (a leak when the level returns); once-a-month charges against the "
    "median of their previous months; credits, refunds and tax left out"
)


@dataclass(frozen=True, repr=False)
class Detection(Result):
    """What :func:`detect` found: ``anomalies`` (one row per flagged series-day: the
    contract's columns plus ``ratio``, ``kind``, ``account``, ``region``), ``events`` (see
    the module docstring; planned ones included, ``planned`` True), ``steps`` (persistent
    level changes: date, the series (service, usage_type, account, region, ``tag:KEY``),
    before, after [USD per day]) and
    ``scored_days`` (series-days compared, for a false alarm rate); ``moved``: a line on
    each run of flagged days the lines that fell beside them took to no impact."""

    anomalies: pd.DataFrame
    steps: pd.DataFrame
    scored_days: int
    first_scored: str  # the first and last day scored, YYYY-MM-DD ("" when none was)
    last_scored: str = ""
    currency: str = CURRENCY
    days: int = 0  # days in the data (first to last)
    origin: str = ""
    events: pd.DataFrame = field(
        default_factory=lambda: events_of(pd.DataFrame(columns=["service", "planned"]), None)
    )
    moved: tuple[str, ...] = ()


def labels_of(items: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(service, usage type without region prefix) -> what the model calls it, from priced
    line items (e.g. "NAT data processed" for NatGateway-Bytes)."""
    from costmodel.pricing.free_tiers import without_free_tiers
    from costmodel.usage_types import strip_region_prefix

    items = without_free_tiers(items)  # an allowance is not what the usage is called
    base = items["usage_type"].map(strip_region_prefix)
    grouped = items.assign(base=base).groupby(["service", "base"])["component"]
    return {key: " / ".join(dict.fromkeys(names)) for key, names in grouped}


def _label(service: str, usage_type: str, labels: dict[tuple[str, str], str], tags: dict[str, str]) -> str:
    from costmodel.usage_types import strip_region_prefix

    base = strip_region_prefix(usage_type)
    named = labels.get((service, base))
    label = f"{named} ({base})" if named else f"{service} {base}"
    tagged = ", ".join(f"{key[len(TAG_PREFIX) :]}={value or UNTAGGED}" for key, value in tags.items())
    return f"{label} [{tagged}]" if tagged else label


PURCHASE = "purchase"  # the kind of a flagged day of a commitment's fees: a reservation or plan bought


def _is_commitment_fee(usage_type: str) -> bool:
    """Whether a series is a commitment's fees (an RI's ``HeavyUsage``, a Savings Plan's with an
    upfront part), whose rise from nothing is a purchase someone made, not a cost anomaly."""
    return bool(record_types.commitment_fee_usage(pd.Series([usage_type])).iloc[0])


def _explain(kind: str, label: str, ratio: float, actual: float, expected: float) -> str:
    times = f"{ratio:.1f}x" if np.isfinite(ratio) else "from nothing to"
    money = f"(${actual:,.2f} billed, ${expected:,.2f} expected)"
    if kind == PURCHASE:
        rose = f"{ratio:.1f}x its usual" if np.isfinite(ratio) else "new"
        return (
            f"{label} {rose} {money}: a purchase of a reservation or Savings Plan "
            "(its upfront fee, or its fee's first days), not a usage anomaly"
        )
    if kind == "monthly charge":
        return f"{label} {times} the median of its previous months {money}"
    if kind in ("leak", "recent shift"):
        tail = (
            "; still running, too recent to tell a leak from a step change" if kind == "recent shift" else ""
        )
        return f"{label} sustained above its usual level (CUSUM) {money}{tail}"
    recent = "; too recent to tell a spike from a step change" if kind == "recent" else ""
    return f"{label} {times} its {WEEKS}-week same-weekday median {money}{recent}"


def detect(
    actuals: Actuals,
    min_usd: float = MIN_USD,
    labels: dict[tuple[str, str], str] | None = None,
    planned: list[Planned] | None = None,
) -> Detection:
    """Anomalies, events and step changes of daily ``actuals`` (see the module docstring).

    ``labels`` names usage types as the model does (:func:`labels_of` the architecture's
    line items); ``planned`` are the changes that are not anomalies.
    """
    labels = labels or {}
    table = daily_by_usage_type(actuals)
    tags = list(table.columns.names[len(SERIES) :])
    days = table.index
    monthly = monthly_charge_series(actuals)
    found, steps, scored = [], [], 0
    usual = table.copy()  # what each series usually bills each day: its expected where scored [USD]
    for key, series in table.items():
        service, usage_type, account, region = key[: len(SERIES)]
        tagged = key[len(SERIES) :]
        values = series.to_numpy()
        label = _label(service, usage_type, labels, dict(zip(tags, tagged, strict=True)))
        if (service, usage_type) in monthly:
            rows, count = _score_monthly_charge(series, min_usd, label)
            scored += count
            for day, _, expected, *_ in rows:  # a flagged month's charge at its usual amount
                usual.loc[day, key] = expected
            at = (service, usage_type, account, region)
            found += [(*row[:1], *at, *row[1:], False, *tagged) for row in rows]
            continue
        result = score_series(values, days, min_usd)
        scored += int(np.isfinite(result.expected).sum())
        usual[key] = np.where(np.isfinite(result.expected), result.expected, values)
        declared = declared_per_day(planned or [], key, days)
        for day, before, after in result.steps:
            # a step that rose beyond its declared change (as a day does: _beyond_declared) is
            # no planned step: 3 -> 6 nodes where a 4th was declared
            beyond = declared[day] > 0 and after - before - declared[day] >= (MIN_RATIO - 1) * declared[day]
            steps.append((days[day], *key, before, after, bool(beyond)))
        beyond, rest = _beyond_declared(values, days, min_usd, declared)
        beyond &= declared_window(planned or [], key, days)  # after it, a day is scored whole
        # a day risen beyond its declared change: the declared part is the planned row's
        billed = np.where(beyond, np.fmin(values, result.expected + declared), values)
        for i in np.flatnonzero(result.flags != ""):
            kind = str(result.flags[i])
            shown = "recent shift" if kind == "recent" and result.ratio[i] < MIN_RATIO else kind
            shown = PURCHASE if _is_commitment_fee(usage_type) else shown
            explanation = _explain(shown, label, result.ratio[i], values[i], result.expected[i])
            found.append(
                (
                    days[i], service, usage_type, account, region, billed[i], result.expected[i],
                    result.score[i], explanation, result.ratio[i], shown, False, *tagged,
                )
            )  # fmt: skip
        if rest is not None:
            found += _rows_beyond(key, values, days, declared, (beyond, rest), label)
    columns = ["date", "service", "usage_type", "account", "region", "actual", "expected", "score"]
    frame = pd.DataFrame(found, columns=[*columns, "explanation", "ratio", "kind", "beyond", *tags])
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.sort_values(["date", "score"], ascending=[True, False], ignore_index=True)
    frame["planned"] = planned_mask(frame, planned or []) & ~frame["beyond"].astype(bool)
    frame = frame.drop(columns="beyond")
    first = days[7 * WEEKS] if len(days) > 7 * WEEKS else None
    moves = Moves(table, usual, frame, min_usd)  # gathers the notes of the events a move undid
    events = events_of(
        frame, days[-1] if len(days) else None, table.T.groupby(level="service").sum().T, moves
    )
    return Detection(
        anomalies=frame.loc[~frame["planned"]].reset_index(drop=True),
        steps=_still_open(_steps_frame(steps, planned or [], tags), frame),
        scored_days=scored,
        first_scored=str(first.date()) if first is not None else "",
        last_scored=str(days[-1].date()) if first is not None else "",
        days=len(days),
        origin=actuals.origin,
        events=events,
        moved=tuple(moves.notes),
    )


def _beyond_declared(
    values: np.ndarray, days: pd.DatetimeIndex, min_usd: float, declared: np.ndarray
) -> tuple[np.ndarray, Scored | None]:
    """The days a series rose beyond the change the ``--change`` calendar declared on it
    (``declared`` [USD per day]): the series less the declared rise, scored as any other,
    flags them, by (:data:`MIN_RATIO` - 1) of the declared rise or more (a change billed
    a little above the file's price is the change, not an anomaly); and that series scored
    (None when nothing was declared)."""
    if not declared.any():
        return np.zeros(len(values), dtype=bool), None
    scored = score_series(values - declared, days, min_usd)
    with np.errstate(invalid="ignore"):
        excess = values - declared - scored.expected
        beyond = (scored.flags != "") & (declared > 0) & (excess >= (MIN_RATIO - 1) * declared)
    return beyond, scored


def _rows_beyond(
    key: tuple,
    values: np.ndarray,
    days: pd.DatetimeIndex,
    declared: np.ndarray,
    found: tuple[np.ndarray, Scored],
    label: str,
) -> list[tuple]:
    """The flagged rows of a series' rise beyond its declared change (``found``: the days
    and the series less the declared rise, scored): billed against the expected day plus
    the declared rise (never planned)."""
    from costmodel.output import money

    service, usage_type, account, region = key[: len(SERIES)]
    beyond, scored = found
    rows = []
    for i in np.flatnonzero(beyond):
        expected = scored.expected[i] + declared[i]
        ratio = values[i] / expected if expected > 0 else np.inf
        kind = str(scored.flags[i])
        shown = "recent shift" if kind == "recent" and ratio < MIN_RATIO else kind
        explanation = (
            f"{_explain(shown, label, ratio, values[i], expected)}; beyond the change declared "
            f"({money(declared[i])} a day)"
        )
        score = (values[i] - expected) / scored.scale[i]
        rows.append(
            (days[i], service, usage_type, account, region, values[i], expected, score, explanation, ratio,
             shown, True, *key[len(SERIES):])
        )  # fmt: skip
    return rows


def _score_monthly_charge(series: pd.Series, min_usd: float, label: str) -> tuple[list[tuple], int]:
    """Flagged months of a once-a-month charge as rows (date, actual, expected, score,
    explanation, ratio, kind), and how many months were scored."""
    billed = series.loc[series != 0]
    if billed.empty:
        return [], 0
    # the whole months the data holds before its first billed it $0: a new charge is its rise
    # from nothing (a new fee, a subscription), as a new daily line is
    before = _whole_months_before(series.index[0], billed.index[0])
    amounts = np.concatenate([np.zeros(before), billed.to_numpy()])
    expected, flagged = monthly_charge_rule(amounts, min_usd)
    rows = []
    for i in np.flatnonzero(flagged):  # never one of the months before: they have no past
        ratio = amounts[i] / expected[i] if expected[i] > 0 else np.inf
        explanation = _explain("monthly charge", label, ratio, amounts[i], expected[i])
        day = billed.index[i - before]
        rows.append((day, amounts[i], expected[i], np.nan, explanation, ratio, "monthly charge"))
    return rows, int(np.isfinite(expected).sum())


def _whole_months_before(first_day: pd.Timestamp, first_billed: pd.Timestamp) -> int:
    """How many whole months of the data, up to :data:`MIN_CHARGE_MONTHS`, come before the
    month of a charge's first billing (the data's first month counts when it starts on the 1st)."""
    first_whole = first_day.to_period("M") + (0 if first_day.day == 1 else 1)
    months = (first_billed.to_period("M") - first_whole).n
    return min(max(months, 0), MIN_CHARGE_MONTHS)


def _steps_frame(steps: list[tuple], planned: list[Planned], tags: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(steps, columns=["date", *SERIES, *tags, "before", "after", "beyond"])
    frame["date"] = pd.to_datetime(frame["date"])
    # a step shows on every day of its first weeks (and to the CUSUM): keep its first day, per
    # series (one usage type's steps in two accounts are two steps); a week without a step
    # day parts two steps of one series
    series = [*SERIES, *tags]
    frame = frame.sort_values([*series, "date"], kind="stable", ignore_index=True)
    gap = frame.groupby(series)["date"].diff() > pd.Timedelta(days=STEP_GAP_DAYS)
    frame = frame.groupby([*series, gap.groupby([frame[c] for c in series]).cumsum()], as_index=False).first()
    planned_step = planned_mask(frame, planned) & ~frame["beyond"].astype(bool) if len(frame) else False
    frame = frame.drop(columns="beyond").assign(planned=planned_step)
    if frame.empty:
        frame["planned"] = frame["planned"].astype(bool)
    return frame.sort_values("date", ignore_index=True)


def _still_open(steps: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
    """The steps, less those whose series is flagged as too recent to tell (``recent``,
    ``recent shift``) in the week from the step's day: that change is an open event, not yet
    "a new level that stayed", planned or not (a new service 20 days old, a planned step 10
    days old, was listed as both)."""
    recent = flagged.loc[flagged["kind"].isin(["recent", "recent shift"])]
    if steps.empty or recent.empty:
        return steps
    series = [*SERIES, *tag_columns(steps)]
    same = recent.set_index(series).index
    keep = [
        not (
            (same == tuple(step[series]))
            & recent["date"].between(step["date"], step["date"] + pd.Timedelta(days=6)).to_numpy()
        ).any()
        for _, step in steps.iterrows()
    ]
    return steps.loc[keep].reset_index(drop=True)


def alarms(detection: Detection, min_impact_usd: float = 0.0, min_impact_pct: float = 0.0) -> pd.DataFrame:
    """The unplanned events whose total impact reaches both thresholds [USD, %]."""
    events = detection.events
    impact_pct = events["impact_pct"].fillna(np.inf)
    keep = (
        ~events["planned"].astype(bool)
        & (events["total_impact"] >= min_impact_usd)
        & (impact_pct >= min_impact_pct)
    )
    return events.loc[keep].reset_index(drop=True)


def check_planned(planned: list[Planned], actuals: Actuals) -> list[str]:
    """Refuse a planned-events file's change naming a service (or a service's usage type)
    the bill does not carry, though it starts within the data: a typo would otherwise cover
    nothing and the change would be alarmed (as a budget's unknown service is refused).
    One starting after the data's last day may name what is not billed yet: returned as
    warnings."""
    from costmodel.usage_types import strip_region_prefix

    rows = usage_rows(actuals)
    last_day = rows["period_start"].max()
    warnings = []
    for plan in (p for p in planned if p.where):
        billed = rows.loc[rows["service"] == plan.service]
        if billed.empty:
            what, known = f"service {plan.service!r} is not a service on the bill", set(rows["service"])
            name = plan.service
        else:
            bases = set(billed["usage_type"].map(strip_region_prefix))
            if not plan.usage_type or strip_region_prefix(plan.usage_type) in bases:
                continue
            what = f"usage_type {plan.usage_type!r} is not a usage type of {plan.service} on the bill"
            known, name = bases, strip_region_prefix(plan.usage_type)
        near = closest(name, known)
        hint = f"; did you mean {near!r}?" if near else f"; the bill's: {', '.join(sorted(known))}"
        if pd.Timestamp(plan.start) <= last_day:
            raise InputError(f"{plan.where}: {what} (through {last_day.date()}){hint}")
        warnings.append(f"{plan.where}: {what} yet (it starts after {last_day.date()}){hint}")
    return warnings


def too_short(detection: Detection) -> str:
    """Why no day could be scored ('' when some were): the history it takes and what the
    data has."""
    if detection.first_scored:
        return ""
    return (
        f"anomalies score a day against the {7 * WEEKS} days before it, so they need at least "
        f"{7 * WEEKS + 1} days of daily data; {detection.origin} has {detection.days} "
        f"day{'' if detection.days == 1 else 's'}"
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
    "KEY",
    "METHOD",
    "MIN_RATIO",
    "MIN_SCORE",
    "MIN_USD",
    "Detection",
    "Planned",
    "alarms",
    "already_reported",
    "cause_tags",
    "check_planned",
    "covers",
    "daily_by_usage_type",
    "detect",
    "events_of",
    "for_month",
    "labels_of",
    "planned_from_changes",
    "read_planned",
    "region_of",
    "tag_columns",
    "too_short",
    "top_cause",
]
