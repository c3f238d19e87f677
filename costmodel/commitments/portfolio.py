"""Applying a portfolio of commitments to hourly usage: coverage, utilization, cost.

Usage is a DataFrame indexed by hour (a ``DatetimeIndex``), one column per instance type
of one family and region, values = instances running in that hour. The engine is
vectorized over hours (numpy); it loops only over the few instance types and
commitments.

Order of application, as AWS bills it: non-size-flexible reservations first (exact type),
then size-flexible reservations in normalized units from the smallest size to the
largest, then Savings Plans on the remaining on-demand usage, highest discount first.

Definitions follow Cost Explorer: RI coverage = reserved hours / total running hours
(GetReservationCoverage ``CoverageHoursPercentage``); utilization = used / purchased
(GetReservationUtilization ``UtilizationPercentageInUnits``); Savings Plans utilization =
used commitment / total commitment (GetSavingsPlansUtilization).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from costmodel.commitments import arithmetic as ar
from costmodel.commitments.offerings import normalized_units
from costmodel.errors import InputError


@dataclass(frozen=True)
class Commitment:
    """A reservation or Savings Plan held by the company.

    Parameters
    ----------
    kind : str
        ``reserved_instance`` or ``savings_plan``.
    instance_type : str
        Reserved type (RI). For a Savings Plan, unused.
    count : float
        Reserved instances [instances] (RI).
    hourly_commitment : float
        Savings Plan commitment [USD/h], amortized upfront included.
    sp_rates : dict
        Savings Plan rate per instance type [USD per instance-hour].
    upfront : float
        Upfront fee [USD per instance for an RI; USD in all for a Savings Plan].
    recurring_hourly : float
        Hourly fee [USD/h per instance] (RI).
    start : str or Timestamp, optional
        Start of the term; the commitment is active for ``term_years`` x 8,760 h from it.
        Default: active over the whole usage period.
    """

    kind: str
    service: str = "ec2"
    instance_type: str = ""
    count: float = 0.0
    term_years: int = 1
    payment_option: str = "No Upfront"
    upfront: float = 0.0
    recurring_hourly: float = 0.0
    size_flexible: bool = True
    deployment_option: str = ""
    hourly_commitment: float = 0.0
    sp_rates: dict[str, float] = field(default_factory=dict)
    start: str | pd.Timestamp | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("reserved_instance", "savings_plan"):
            raise InputError(f"commitment kind {self.kind!r}: use reserved_instance or savings_plan")
        if self.count < 0 or self.hourly_commitment < 0 or self.upfront < 0 or self.recurring_hourly < 0:
            raise InputError(f"commitment {self.kind} {self.instance_type}: amounts must be >= 0")
        ar.term_hours(self.term_years)

    def active(self, hours: pd.DatetimeIndex) -> np.ndarray:
        """Boolean mask of the hours in which the commitment is in its term."""
        if self.start is None:
            return np.ones(len(hours), dtype=bool)
        begin = pd.Timestamp(self.start)
        end = begin + pd.Timedelta(hours=ar.term_hours(self.term_years))
        return np.asarray((hours >= begin) & (hours < end))

    def amortized_hourly(self) -> float:
        """Amortized cost per active hour [USD/h], all instances."""
        if self.kind == "savings_plan":
            return self.hourly_commitment
        return self.count * ar.effective_hourly_rate(self.upfront, self.recurring_hourly, self.term_years)

    def billed_hourly(self) -> float:
        """Cash cost per active hour, upfront excluded [USD/h]."""
        if self.kind == "savings_plan":
            return self.hourly_commitment - self.upfront / ar.term_hours(self.term_years)
        return self.count * self.recurring_hourly


@dataclass(frozen=True)
class Portfolio:
    """The commitments a company holds."""

    commitments: list[Commitment]

    def reservations(self) -> list[Commitment]:
        return [c for c in self.commitments if c.kind == "reserved_instance"]

    def savings_plans(self) -> list[Commitment]:
        return [c for c in self.commitments if c.kind == "savings_plan"]


@dataclass(frozen=True)
class ApplyResult:
    """What a portfolio did to an hourly usage series (see :func:`apply`)."""

    hourly: pd.DataFrame
    by_type: pd.DataFrame
    summary: dict
    monthly: pd.DataFrame


def _check_usage(usage: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(usage, pd.DataFrame) or not isinstance(usage.index, pd.DatetimeIndex):
        raise InputError(
            "hourly usage must be a DataFrame indexed by hour (DatetimeIndex), one column per instance type"
        )
    values = usage.to_numpy(dtype=float)
    if np.isnan(values).any() or (values < 0).any():
        raise InputError("hourly usage has missing or negative instance counts")
    return usage


def _check_reservations_match(portfolio: Portfolio, service: str, types: list[str]) -> None:
    """Refuse a reservation of another service or instance family than the usage: AWS never
    lets an RDS or ElastiCache reservation (or an EC2 one of another family) cover it, and
    applying one would replace on-demand money that stays on the bill."""
    from costmodel.architecture import instance_types

    table = instance_types().set_index("instance_type")
    families = {str(table.at[t, "family"]) for t in types if t in table.index}
    for ri in portfolio.reservations():
        family = str(table.at[ri.instance_type, "family"]) if ri.instance_type in table.index else "?"
        if ri.service != service or (families and family not in families):
            raise InputError(
                f"reserved instance {ri.service} {ri.instance_type} x {ri.count:g} cannot cover "
                f"{service} usage of {sorted(families) or types}: apply a portfolio to one service "
                "and instance family at a time, with only the reservations of that family"
            )


def _cover_with_reservations(
    portfolio: Portfolio,
    counts: np.ndarray,
    nf: np.ndarray,
    types: list[str],
    index: pd.DatetimeIndex,
    service: str,
    deployment_option: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Instance-hours covered by reservations [hours, types], and units purchased per hour.

    Size-specific reservations cover their own type first; size-flexible ones then cover
    what remains, smallest size first, in normalized units (AWS's order of application).
    """
    n_hours = len(index)
    ri_covered = np.zeros_like(counts)
    purchased_units = np.zeros(n_hours)
    flex_capacity = np.zeros(n_hours)  # normalized units
    for ri in portfolio.reservations():
        capacity = ri.active(index) * ri.count
        # a reservation's units follow its own deployment (RDS Multi-AZ counts twice), not
        # the usage's: two Single-AZ db.r5.large cover one Multi-AZ db.r5.large, one does not
        units_each = normalized_units(service, ri.instance_type, ri.deployment_option or deployment_option)
        other_deployment = bool(ri.deployment_option) and ri.deployment_option != deployment_option
        if ri.size_flexible:
            flex_capacity += capacity * units_each
        elif ri.instance_type not in types or other_deployment:
            purchased_units += capacity * units_each  # paid for, nothing it matches runs
        else:
            j = types.index(ri.instance_type)
            ri_covered[:, j] += np.minimum(capacity, counts[:, j] - ri_covered[:, j])
            purchased_units += capacity * nf[j]
    purchased_units += flex_capacity
    remaining_units = counts * nf - ri_covered * nf
    before = np.cumsum(remaining_units, axis=1) - remaining_units
    flex_units = np.clip(flex_capacity[:, None] - before, 0, remaining_units)
    return ri_covered + flex_units / nf, purchased_units


def _cover_with_savings_plans(
    portfolio: Portfolio, spill: np.ndarray, od: np.ndarray, types: list[str], index: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Instance-hours covered by Savings Plans [hours, types], the hourly commitment and the
    part of it used [USD]; each plan applies to the highest discount first (as AWS does)."""
    n_hours = len(index)
    sp_covered = np.zeros_like(spill)
    sp_commitment = np.zeros(n_hours)
    sp_used = np.zeros(n_hours)
    for sp in portfolio.savings_plans():
        left = sp.active(index) * sp.hourly_commitment
        sp_commitment += left
        rates = np.array([sp.sp_rates.get(t, np.nan) for t in types])
        if np.isnan(rates).any():
            unknown = [t for t, r in zip(types, rates, strict=True) if np.isnan(r)]
            raise InputError(f"Savings Plan has no rate for {unknown}: give sp_rates for every type used")
        discount = 1 - rates / od
        for j in np.argsort(-discount, kind="stable"):  # highest discount first
            take = np.minimum(spill[:, j] - sp_covered[:, j], left / rates[j])
            sp_covered[:, j] += take
            spend = take * rates[j]
            left = left - spend
            sp_used += spend
    return sp_covered, sp_commitment, sp_used


def _commitment_cost(portfolio: Portfolio, index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Hourly cost of the commitments themselves [USD]: amortized, and billed (upfront fees
    in the first hour of a term that starts inside the period)."""
    n_hours = len(index)
    amortized = np.zeros(n_hours)
    billed = np.zeros(n_hours)
    for c in portfolio.commitments:
        mask = c.active(index)
        amortized += mask * c.amortized_hourly()
        billed += mask * c.billed_hourly()
        if mask.any() and c.upfront:
            first = int(np.argmax(mask))
            starts_inside = c.start is None or pd.Timestamp(c.start) >= index[0]
            if starts_inside:
                billed[first] += c.upfront * (c.count if c.kind == "reserved_instance" else 1)
    return amortized, billed


def _summary(
    counts: np.ndarray,
    ri_covered: np.ndarray,
    sp_covered: np.ndarray,
    on_demand: np.ndarray,
    purchased_units: np.ndarray,
    ri_units: np.ndarray,
    sp_used: np.ndarray,
    sp_commitment: np.ndarray,
    hourly: pd.DataFrame,
) -> dict:
    """Coverage and utilization [%] and costs [USD] of a whole application."""
    total_hours = counts.sum()
    purchased = purchased_units.sum()
    summary: dict[str, Any] = {
        "instance_hours": float(total_hours),
        "ri_covered_hours": float(ri_covered.sum()),
        "sp_covered_hours": float(sp_covered.sum()),
        "on_demand_hours": float(on_demand.sum()),
        "ri_coverage_pct": float(100 * ri_covered.sum() / total_hours) if total_hours else 0.0,
        "coverage_pct": float(100 * (ri_covered.sum() + sp_covered.sum()) / total_hours)
        if total_hours
        else 0.0,
        "ri_utilization_pct": float(100 * ri_units.sum() / purchased) if purchased else None,
        "ri_unused_units": float(purchased - ri_units.sum()),
        "sp_utilization_pct": float(100 * sp_used.sum() / sp_commitment.sum())
        if sp_commitment.sum()
        else None,
        "on_demand_equivalent_cost": float(hourly["on_demand_equivalent_cost"].sum()),
        "amortized_cost": float(hourly["amortized_cost"].sum()),
        "billed_cost": float(hourly["billed_cost"].sum()),
    }
    summary["savings"] = summary["on_demand_equivalent_cost"] - summary["amortized_cost"]
    return summary


def apply(
    portfolio: Portfolio,
    hourly_usage: pd.DataFrame,
    on_demand_rates: dict[str, float],
    service: str = "ec2",
    deployment_option: str = "",
) -> ApplyResult:
    """Apply ``portfolio`` to ``hourly_usage`` of one family and region.

    Parameters
    ----------
    portfolio : Portfolio
    hourly_usage : DataFrame
        Instances running per hour and instance type [instances].
    on_demand_rates : dict
        On-demand price per instance type [USD per instance-hour].
    service : str
        ``ec2``, ``rds`` or ``elasticache`` (normalization factors).

    Returns
    -------
    ApplyResult
        ``hourly``: per hour usage/covered/on-demand units, unused RI units, Savings Plan
        commitment used and unused [USD], on-demand, amortized and billed cost [USD];
        ``by_type``: instance-hours used, RI-covered, SP-covered and on-demand per type;
        ``summary``: coverage and utilization [%], costs [USD]; ``monthly``: per calendar
        month billed (cash) vs amortized cost [USD].
    """
    usage = _check_usage(hourly_usage)
    missing = [t for t in usage.columns if t not in on_demand_rates]
    if missing:
        raise InputError(f"no on-demand rate given for instance type(s) {missing}")
    _check_reservations_match(portfolio, service, list(usage.columns))
    factors = np.array([normalized_units(service, t, deployment_option) for t in usage.columns])
    order = np.argsort(factors, kind="stable")  # smallest size first
    types = [usage.columns[i] for i in order]
    nf = factors[order]
    counts = usage.to_numpy(dtype=float)[:, order]  # [hours, types] instances
    units = counts * nf
    od = np.array([on_demand_rates[t] for t in types])
    ri_covered, purchased_units = _cover_with_reservations(
        portfolio, counts, nf, types, usage.index, service, deployment_option
    )
    ri_units = ri_covered * nf
    spill = counts - ri_covered  # instance-hours still on demand
    sp_covered, sp_commitment, sp_used = _cover_with_savings_plans(portfolio, spill, od, types, usage.index)
    on_demand = spill - sp_covered
    on_demand_cost = on_demand @ od
    commit_amortized, commit_billed = _commitment_cost(portfolio, usage.index)
    all_on_demand = counts @ od

    hourly = pd.DataFrame(
        {
            "usage_units": units.sum(axis=1),
            "ri_covered_units": ri_units.sum(axis=1),
            "ri_unused_units": purchased_units - ri_units.sum(axis=1),
            "sp_covered_instance_hours": sp_covered.sum(axis=1),
            "on_demand_units": (on_demand * nf).sum(axis=1),
            "sp_commitment": sp_commitment,
            "sp_used": sp_used,
            "on_demand_equivalent_cost": all_on_demand,
            "on_demand_cost": on_demand_cost,
            "amortized_cost": on_demand_cost + commit_amortized,
            "billed_cost": on_demand_cost + commit_billed,
        },
        index=usage.index,
    )
    by_type = pd.DataFrame(
        {
            "instance_hours": counts.sum(axis=0),
            "ri_covered_hours": ri_covered.sum(axis=0),
            "sp_covered_hours": sp_covered.sum(axis=0),
            "on_demand_hours": on_demand.sum(axis=0),
            "normalization_factor": nf,
            "on_demand_rate": od,
        },
        index=pd.Index(types, name="instance_type"),
    )
    summary = _summary(
        counts, ri_covered, sp_covered, on_demand, purchased_units, ri_units, sp_used, sp_commitment, hourly
    )
    monthly = (
        hourly[["on_demand_equivalent_cost", "billed_cost", "amortized_cost"]]
        .groupby(usage.index.strftime("%Y-%m"))
        .sum()
        .rename_axis("month")
    )
    return ApplyResult(hourly=hourly, by_type=by_type, summary=summary, monthly=monthly)
