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
    """The tier billed for a month and why.

    ``extended_share`` is the share of the month's hours billed at the extended rate [0..1]:
    a version that leaves standard support on the 26th is billed standard for 25 days and
    extended for the rest, as AWS bills it. ``tier`` is ``standard`` (share 0), ``extended``
    (share 1) or ``mixed``.
    """

    tier: str
    version: str  # the version the cluster runs at the end of the month (after AWS upgrades)
    explanation: str
    warning: str = ""
    extended_share: float = 0.0


@cache
def _calendar() -> pd.DataFrame:
    table = pd.read_csv(data_path("eks", "kubernetes-versions.csv"), dtype=str, keep_default_na=False)
    for column in ("release", "end_of_standard_support", "end_of_extended_support"):
        table[column] = pd.to_datetime(table[column])
    return table.set_index("version")


def calendar() -> pd.DataFrame:
    """Release, end of standard and end of extended support per version (a copy)."""
    return _calendar().copy()


@cache
def _lifecycle() -> tuple[tuple[str, pd.Timestamp, pd.Timestamp, pd.Timestamp], ...]:
    """(version, release, end of standard, end of extended support), oldest release first:
    read for every day of every month priced, so plain tuples rather than table lookups."""
    table = _calendar().sort_values("release", kind="stable")
    return tuple(
        zip(
            table.index,
            table["release"],
            table["end_of_standard_support"],
            table["end_of_extended_support"],
            strict=True,
        )
    )


def _running_on(version: str, day: pd.Timestamp, policy: str = "extended") -> tuple[str, bool]:
    """(version running, extended?) on ``day``. Past the end of support its upgrade policy
    allows (extended support under ``extended``, standard support under ``standard``),
    AWS has upgraded the cluster to the oldest version still supported that day."""
    lifecycle = _lifecycle()
    last = 3 if policy == "extended" else 2
    row = next(entry for entry in lifecycle if entry[0] == version)
    if day < row[last]:
        return version, row[1] <= day and day >= row[2]
    # the oldest release still supported that day (the tuples are in release order)
    oldest = next((entry for entry in lifecycle if entry[1] <= day < entry[last]), None)
    if oldest is None:
        raise InputError(f"no EKS version in the calendar is supported on {day.date()}; update the calendar")
    return str(oldest[0]), day >= oldest[2]


@cache
def support_tier(version: str, month: str, policy: str = "extended") -> SupportTier:
    """The support tier of a cluster at ``version`` during ``month`` (YYYY-MM), day by day.

    ``policy`` is the cluster's upgrade policy: ``extended`` (the default of clusters made
    through the API, eksctl or CloudFormation) enters extended support when standard
    support ends; ``standard`` is upgraded by AWS then, and never billed the extended rate.
    """
    table = _calendar()
    version = str(version)
    if version not in table.index:
        raise InputError(
            f"eks.kubernetes_version {version!r} is not in the EKS release calendar "
            f"(data/eks/kubernetes-versions.csv); known: {', '.join(table.index)}"
        )
    period = pd.Period(parse_month(month, "the month priced"), "M")
    days = pd.date_range(period.start_time, period.end_time.normalize(), freq="D")
    running = [_running_on(version, day, policy) for day in days]
    extended_days = sum(extended for _, extended in running)
    share = extended_days / len(days)
    tier = "standard" if share == 0 else "extended" if share == 1 else "mixed"
    now = running[-1][0]
    row = table.loc[version]
    end_std, end_ext = row["end_of_standard_support"].date(), row["end_of_extended_support"].date()
    days_text = (
        f" ({extended_days} of {len(days)} days in {month} at the extended rate)" if tier == "mixed" else ""
    )
    if period.end_time < row["release"]:  # e.g. an old bill reconciled against today's architecture
        released = row["release"].date()
        why = f"{month} is before EKS {version} was released ({released}): standard support assumed"
        return SupportTier("standard", version, why)
    ended = end_ext if policy == "extended" else end_std
    if now != version:
        # each version the cluster runs this month, with the day AWS upgrades it to the next
        path, seen = [], {version}
        for day, (running_version, _) in zip(days, running, strict=True):
            if running_version not in seen:
                seen.add(running_version)
                path.append(running_version if day == days[0] else f"{running_version} from {day.date()}")
        upgraded = ", then ".join(path)
        why = (
            f"EKS {version} ended {policy} support on {ended}; AWS upgrades the cluster to the "
            f"oldest supported version: {upgraded}{days_text}"
        )
        warn = (
            f"the architecture's EKS {version} left {policy} support on {ended}, so AWS has upgraded "
            f"the cluster ({upgraded}; set eks.kubernetes_version to what runs) and bills {month} at "
            f"the {tier} support rate"
        )
        return SupportTier(tier, now, why, warn, share)
    if tier == "standard":
        return SupportTier(tier, version, f"EKS {version} in standard support until {end_std}")
    warn = (
        f"EKS {version} is past its end of standard support ({end_std}): billed at the extended "
        f"support rate until {end_ext}{days_text}"
    )
    return SupportTier(
        tier, version, f"EKS {version} in extended support since {end_std}{days_text}", warn, share
    )
