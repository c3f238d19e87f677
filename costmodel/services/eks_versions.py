"""Which EKS support tier a cluster is billed at, from its Kubernetes version and the month.

AWS gives each Kubernetes minor version 14 months of standard support, then 12 months of
extended support at an extra charge per cluster-hour; after that, AWS upgrades the cluster
itself to the oldest version still supported (AWS EKS user guide, "Understand the
Kubernetes version lifecycle on EKS"). The dates per version are in
``data/eks/kubernetes-versions.csv`` with their source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from costmodel.data_files import data_path
from costmodel.errors import InputError
from costmodel.inputs import parse_month


@dataclass(frozen=True)
class SupportTier:
    """The tier billed for a month [``standard`` | ``extended``] and why."""

    tier: str
    version: str  # the version the cluster runs that month (after any AWS auto-upgrade)
    explanation: str
    warning: str = ""


@cache
def _calendar() -> pd.DataFrame:
    table = pd.read_csv(data_path("eks", "kubernetes-versions.csv"), dtype=str, keep_default_na=False)
    for column in ("release", "end_of_standard_support", "end_of_extended_support"):
        table[column] = pd.to_datetime(table[column])
    return table.set_index("version")


def calendar() -> pd.DataFrame:
    """Release, end of standard and end of extended support per version (a copy)."""
    return _calendar().copy()


def support_tier(version: str, month: str) -> SupportTier:
    """The support tier of a cluster at ``version`` during ``month`` (YYYY-MM, priced as of
    its first day)."""
    table = _calendar()
    version = str(version)
    if version not in table.index:
        raise InputError(
            f"eks.kubernetes_version {version!r} is not in the EKS release calendar "
            f"(data/eks/kubernetes-versions.csv); known: {', '.join(table.index)}"
        )
    day = pd.Period(parse_month(month, "the month priced"), "M").start_time
    row = table.loc[version]
    if day < row["release"]:  # e.g. an old bill reconciled against today's architecture
        return SupportTier(
            "standard",
            version,
            f"{month} is before EKS {version} was released ({row['release'].date()}): "
            "standard support assumed",
        )
    if day < row["end_of_standard_support"]:
        return SupportTier(
            "standard",
            version,
            f"EKS {version} in standard support until {row['end_of_standard_support'].date()}",
        )
    if day < row["end_of_extended_support"]:
        end = row["end_of_extended_support"].date()
        return SupportTier(
            "extended",
            version,
            f"EKS {version} in extended support since {row['end_of_standard_support'].date()} (until {end})",
            f"EKS {version} is past its end of standard support ({row['end_of_standard_support'].date()}): "
            f"billed at the extended support rate until {end}",
        )
    supported = table.loc[(table["release"] <= day) & (table["end_of_extended_support"] > day)]
    if supported.empty:
        raise InputError(f"no EKS version in the calendar is supported in {month}; update the calendar")
    oldest = supported.sort_values("release").iloc[0]
    upgraded = SupportTier(
        "standard" if day < oldest["end_of_standard_support"] else "extended",
        str(oldest.name),
        "",
    )
    return SupportTier(
        upgraded.tier,
        upgraded.version,
        f"EKS {version} ended extended support on {row['end_of_extended_support'].date()}; AWS upgrades the "
        f"cluster to the oldest supported version, {oldest.name}, in {upgraded.tier} support",
        f"EKS {version} is past its end of support ({row['end_of_extended_support'].date()}): AWS will have "
        f"upgraded the cluster to {oldest.name} ({upgraded.tier} support in {month})",
    )
