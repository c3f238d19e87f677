"""AWS service limits an architecture must respect (``data/limits.csv``, each with its source).

A limit is a rule on one key: ``min``/``max`` (a bound), ``max_per_gb`` (IOPS per GiB of
the same volume), ``max_per_iops`` (throughput per provisioned IOPS of the same volume),
``no_decrease`` (a what-if may not shrink it: AWS cannot) or ``quota`` (a default quota an
account can have raised). An architecture file or a ``--set`` what-if that breaks a limit is
refused with the limit, its value and its source; a file may exceed a quota (the account
may have raised it). A capacity result beyond a limit or a quota is never priced.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from costmodel.data_files import data_path
from costmodel.errors import InputError

# The key of the volume size / IOPS that a per-GiB / per-IOPS limit relates to.
_SIZE_OF = {"rds.iops": "storage_gb", "ebs.volumes.iops": "size_gb"}
_IOPS_OF = {"rds.throughput_mibps": "iops", "ebs.volumes.throughput_mibps": "iops"}


@cache
def _limits() -> pd.DataFrame:
    return pd.read_csv(data_path("limits.csv"), dtype=str, keep_default_na=False)


def limits() -> pd.DataFrame:
    """Every limit: key, kind, value, unit, source (a copy)."""
    return _limits().copy()


def _specs(sections: dict, key: str) -> list[tuple[str, dict]]:
    """(where, spec) pairs a dotted limit key applies to: a section, or each list item."""
    parts = key.split(".")
    section = sections.get(parts[0])
    if not section:
        return []
    if len(parts) == 3:  # e.g. ebs.volumes.iops: every item of the list
        return [(f"{parts[0]}.{parts[1]}[{i}]", item) for i, item in enumerate(section.get(parts[1], []))]
    return [(parts[0], section)]


def _broken(rule: Any, spec: dict, field: str) -> str | None:
    value = spec.get(field)
    if value is None or rule.kind in ("no_decrease", "quota"):
        return None
    limit = float(rule.value)
    if rule.kind == "max" and value > limit:
        return f"must be at most {limit:,g} {rule.unit}"
    if rule.kind == "min" and value < limit:
        return f"must be at least {limit:,g} {rule.unit}"
    if rule.kind == "max_per_gb":
        size = spec[_SIZE_OF[rule.key]]
        if value > limit * size:
            return f"must be at most {limit:g} {rule.unit} x {size:,g} GiB = {limit * size:,g}"
    if rule.kind == "max_per_iops":
        iops = spec[_IOPS_OF[rule.key]]
        if value > limit * iops:
            return f"must be at most {limit:g} {rule.unit} x {iops:,g} IOPS = {limit * iops:,g}"
    return None


def check(sections: dict, origin: str) -> None:
    """Refuse ``sections`` (validated architecture sections) if they break a limit."""
    cache = sections.get("elasticache")
    if cache and cache.get("shards"):
        # a derived fact the limits speak of: replicas in each shard
        sections = sections | {
            "elasticache": cache | {"replicas_per_shard": cache["node_count"] // cache["shards"] - 1}
        }
    for rule in _limits().itertuples():
        field = rule.key.rsplit(".", 1)[-1]
        for where, spec in _specs(sections, rule.key):
            problem = _broken(rule, spec, field)
            if problem:
                raise InputError(
                    f"{origin}: {where}.{field} = {spec[field]:,g} {problem} (AWS limit; {rule.source})"
                )


def check_no_decrease(base: dict, changed: dict, origin: str) -> None:
    """Refuse a what-if that shrinks what AWS cannot shrink (RDS and MSK storage)."""
    for rule in _limits().loc[_limits()["kind"] == "no_decrease"].itertuples():
        section, field = rule.key.split(".")
        before, after = base.get(section, {}).get(field), changed.get(section, {}).get(field)
        if before is not None and after is not None and after < before:
            raise InputError(
                f"{origin}: {rule.key} = {after:,g} is below today's {before:,g} {rule.unit}: {rule.source}"
            )


@cache  # the capacity models ask on every call; the table never changes
def maximum(key: str, *, with_quota: bool = False) -> float | None:
    """The ``max`` limit of ``key`` (e.g. ``rds.read_replicas``), if any; ``with_quota`` also
    counts a default ``quota`` (capacity results stop at either)."""
    kinds = ("max", "quota") if with_quota else ("max",)
    rows = _limits().loc[(_limits()["key"] == key) & (_limits()["kind"].isin(kinds))]
    return float(rows["value"].astype(float).min()) if len(rows) else None
