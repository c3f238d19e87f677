"""Planned changes for :mod:`costmodel.anomalies`: a file of planned events, or the
``--change`` calendar, as the service (and usage type) each lets move from its first day;
what is flagged there is a planned event, never an alarm."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.constants import HOURS_PER_MONTH
from costmodel.errors import InputError

PLANNED_DAYS = 28  # days a planned change covers: until four weeks of history hold its new level


@dataclass(frozen=True)
class Planned:
    """A planned change: from day ``start`` (YYYY-MM-DD), ``service`` (and ``usage_type``
    without region prefix, '' for all of the service's; in ``region`` only, when it names
    one) may move; not an anomaly."""

    start: str
    service: str
    usage_type: str = ""
    note: str = ""
    where: str = ""  # "FILE, item N" for a planned-events file's ('' from the --change calendar)
    region: str = ""  # '' every region's (as a budget's unprefixed usage type); else as line_key names it
    # from the --change calendar: what the change adds to the line, priced on the architecture
    # file as the what-if prices it [USD per 730 h; per calendar month when ``by_month``]; 0:
    # no size declared (a planned-events file), the whole rise is planned
    declared_usd: float = 0.0
    by_month: bool = False  # billed by the month (GB-Mo): a day bills the month's over its days


def region_named(usage_type: str) -> str:
    """The region a usage type's prefix names (``USW2-...``: us-west-2), '' when it has none:
    as in a budget, an unprefixed name (``BoxUsage:c5.2xlarge``) means every region's."""
    from costmodel.reconcile.mapping import line_key
    from costmodel.usage_types import split_region

    return line_key(usage_type)[0] if split_region(usage_type)[0] else ""


def read_planned(path: str | Path) -> list[Planned]:
    """A file of planned changes: YAML, a list of ``{start: YYYY-MM-DD, service: NAME,
    usage_type: optional, note: optional}``; an empty list (or no document) plans nothing."""
    from costmodel.inputs import load_yaml, parse_day, read_text

    path = Path(path)
    raw = load_yaml(read_text(path, "planned changes"), path.name)
    if raw is None or raw == []:  # a daily job's file, cleared (`[]` or only comments)
        return []
    if not isinstance(raw, list):
        raise InputError(
            f"{path.name}: expected a list of planned changes, e.g. "
            '- {start: 2026-10-15, service: "Amazon Relational Database Service", note: third replica}'
        )
    out = []
    for i, item in enumerate(raw, start=1):
        where = f"{path.name}, item {i}"
        if not isinstance(item, dict):
            raise InputError(f"{where}: expected a mapping with start and service")
        unknown = set(item) - {"start", "service", "usage_type", "note"}
        if unknown:
            raise InputError(
                f"{where}: unknown key {sorted(unknown)[0]!r}; valid keys: start, service, usage_type, note"
            )
        if not item.get("service") or "start" not in item:
            raise InputError(f"{where}: start (YYYY-MM-DD) and service (as on the bill) are required")
        start = str(parse_day(item["start"], f"{where}: start").date())
        usage_type, note = str(item.get("usage_type") or ""), str(item.get("note") or "")
        out.append(Planned(start, str(item["service"]), usage_type, note, where, region_named(usage_type)))
    return out


def planned_from_changes(changes: list, arch: object, catalog: object = None) -> list[Planned]:
    """The ``--change`` calendar as planned changes: each change covers the services (and
    usage types, in the architecture's region) its what-if moves in the architecture file
    with the earlier changes made, from its first day: four nodes after a move to c5.4xlarge
    are c5.4xlarge nodes."""
    from costmodel.known_changes import _moved

    out = []
    current = arch
    for change in sorted(changes, key=lambda c: c.start):
        moved = _moved(current, change.changes, catalog)  # type: ignore[arg-type]
        moved = moved.assign(by_month=moved["unit"].astype(str).str.endswith("-Mo"))
        lines = moved.groupby(["service", "region", "base", "by_month"], sort=False)["cost_moved"].sum()
        for (service, region, base, by_month), usd in lines.items():
            note = f"--change {change.start}: {change.changes}"
            out.append(
                Planned(
                    change.start, str(service), str(base), note, region=str(region),
                    declared_usd=float(usd), by_month=bool(by_month),
                )
            )  # fmt: skip
        current = current.with_changes(change.changes)  # type: ignore[attr-defined]
    return out


def declared_per_day(planned: list[Planned], key: tuple, dates: pd.DatetimeIndex) -> np.ndarray:
    """Per day, the rise the ``--change`` calendar declared on the series ``key`` (service,
    usage type, ...) from each change's first day on [USD]: by the hour over the model's 730
    h, by the month over the month's days (as a daily bill spreads a GB-Mo line); 0 where
    none was declared. Falls are left out: a fall is never alarmed, so none can hide one."""
    out = np.zeros(len(dates))
    for plan in _declared_on(planned, key):
        if plan.by_month:
            per_day = plan.declared_usd / np.asarray(dates.days_in_month, dtype=float)
        else:
            per_day = np.full(len(dates), plan.declared_usd * 24 / HOURS_PER_MONTH)
        out += np.where(dates >= pd.Timestamp(plan.start), per_day, 0.0)
    return out


def declared_window(planned: list[Planned], key: tuple, dates: pd.DatetimeIndex) -> np.ndarray:
    """Per day, whether a change of the ``--change`` calendar that declared a rise on the
    series ``key`` covers it (:data:`PLANNED_DAYS` days from its start)."""
    out = np.zeros(len(dates), dtype=bool)
    for plan in _declared_on(planned, key):
        start = pd.Timestamp(plan.start)
        out |= (dates >= start) & (dates < start + pd.Timedelta(days=PLANNED_DAYS))
    return out


def _declared_on(planned: list[Planned], key: tuple) -> list[Planned]:
    """The changes of ``planned`` that declared a rise on the series ``key`` (service, usage
    type, ...), in its region."""
    from costmodel.reconcile.mapping import line_key
    from costmodel.usage_types import strip_region_prefix

    service, usage_type = str(key[0]), str(key[1])
    region, base = line_key(usage_type)
    return [
        plan
        for plan in planned
        if plan.declared_usd > 0
        and plan.service == service
        and strip_region_prefix(plan.usage_type) == base
        and (not plan.region or plan.region == region)
    ]


def planned_mask(frame: pd.DataFrame, planned: list[Planned]) -> pd.Series:
    """Which flagged series-days a planned change covers (in its region only, when it names
    one: a planned us-east-1 node never hides an unplanned one in us-west-2)."""
    from costmodel.reconcile.mapping import line_key
    from costmodel.usage_types import strip_region_prefix

    mask = pd.Series(False, index=frame.index)
    if frame.empty:
        return mask
    keys = frame["usage_type"].fillna("").astype(str).map(line_key)
    region, base = keys.str[0], keys.str[1]
    for plan in planned:
        start = pd.Timestamp(plan.start)
        covered = (frame["date"] >= start) & (frame["date"] < start + pd.Timedelta(days=PLANNED_DAYS))
        covered &= frame["service"] == plan.service
        if plan.usage_type:
            covered &= base == strip_region_prefix(plan.usage_type)
        if plan.region:
            covered &= region == plan.region
        mask |= covered
    return mask


__all__ = [
    "PLANNED_DAYS",
    "Planned",
    "declared_per_day",
    "declared_window",
    "planned_from_changes",
    "planned_mask",
    "read_planned",
]
