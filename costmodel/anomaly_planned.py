"""Planned changes for :mod:`costmodel.anomalies`: a file of planned events, or the
``--change`` calendar, as the service (and usage type) each lets move from its first day;
what is flagged there is a planned event, never an alarm."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from costmodel.errors import InputError


@dataclass(frozen=True)
class Planned:
    """A planned change: from day ``start`` (YYYY-MM-DD), ``service`` (and ``usage_type``
    without region prefix, '' for all of the service's) may move; not an anomaly."""

    start: str
    service: str
    usage_type: str = ""
    note: str = ""
    where: str = ""  # "FILE, item N" for a planned-events file's ('' from the --change calendar)


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
        out.append(Planned(start, str(item["service"]), usage_type, note, where))
    return out


def planned_from_changes(changes: list, arch: object, catalog: object = None) -> list[Planned]:
    """The ``--change`` calendar as planned changes: each change covers the services (and
    usage types) its what-if moves in the architecture file, from its first day."""
    from costmodel.known_changes import _moved

    out = []
    for change in changes:
        moved = _moved(arch, change.changes, catalog)  # type: ignore[arg-type]
        for service, base in dict.fromkeys(zip(moved["service"], moved["base"], strict=True)):
            out.append(
                Planned(change.start, str(service), str(base), f"--change {change.start}: {change.changes}")
            )
    return out


__all__ = ["Planned", "planned_from_changes", "read_planned"]
