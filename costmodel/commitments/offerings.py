"""Every commitment option per resource of an architecture, priced from the catalog.

An option whose price is not in the catalog is reported as ``price unknown`` with how to
get it; an option AWS does not offer (MSK, the EKS cluster fee) as ``not offered``.
Neither is ever priced at zero or guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from costmodel import resources as names
from costmodel import service_names
from costmodel.architecture import Architecture
from costmodel.commitments import arithmetic as ar
from costmodel.commitments.rules import (
    DEPLOYMENT_UNIT_FACTOR,
    NOT_OFFERED,
    RULES,
    SAVINGS_PLAN_SERVICE_CODES,
    OfferingRule,
)
from costmodel.constants import HOURS_PER_MONTH
from costmodel.errors import AmbiguousPriceError, PriceUnknownError
from costmodel.pricing.catalog import HOW_TO_GET_A_PRICE, PriceCatalog
from costmodel.usage_types import cache_node_hours, ec2_instance_hours, rds_instance_hours

SERVICE_CODES = {"ec2": "AmazonEC2", "rds": "AmazonRDS", "elasticache": "AmazonElastiCache"}
CE_SERVICES = {
    "ec2": service_names.CE_EC2,
    "rds": service_names.CE_RDS,
    "elasticache": service_names.CE_ELASTICACHE,
    "msk": service_names.CE_MSK,
    "eks": service_names.CE_EKS,
}
OPERATIONS = {
    "ec2": "RunInstances",
    "rds": "CreateDBInstance:0014",
    "elasticache": "CreateCacheCluster:0002",
}


@dataclass(frozen=True)
class Resource:
    """Something a commitment can cover: ``count`` instances of ``instance_type``."""

    name: str
    service: str  # ec2 | rds | elasticache | msk | eks
    instance_type: str
    count: int
    region: str
    deployment_option: str = ""  # RDS: Single-AZ | Multi-AZ


@dataclass(frozen=True)
class Offering:
    """One commitment option for one instance type, per instance (amounts may be unknown)."""

    service: str
    instance_type: str
    region: str
    kind: str
    term_years: int
    payment_option: str
    on_demand_hourly: float
    upfront: float | None  # [USD per instance]
    recurring_hourly: float | None  # [USD/h per instance]
    published_effective_hourly: float | None  # [USD/h] when only the effective rate is published
    status: str  # priced | effective only | price unknown
    price_source: str
    deployment_option: str = ""
    note: str = ""


def effective_hourly(offering: Offering) -> float:
    """Effective rate of an offering: upfront amortized over the term + recurring [USD/h].

    Raises
    ------
    PriceUnknownError
        Neither the upfront/recurring split nor a published effective rate is known.
    """
    if offering.upfront is not None and offering.recurring_hourly is not None:
        return ar.effective_hourly_rate(offering.upfront, offering.recurring_hourly, offering.term_years)
    if offering.published_effective_hourly is not None:
        return offering.published_effective_hourly
    raise PriceUnknownError(
        f"price unknown for {offering.kind} {offering.instance_type} {offering.deployment_option} "
        f"{offering.term_years}-year {offering.payment_option} in {offering.region}: "
        f"{offering.note} {HOW_TO_GET_A_PRICE}".replace("  ", " ")
    )


def resources(arch: Architecture) -> list[Resource]:
    """The resources of ``arch`` that commitments could cover (or that AWS offers none for)."""
    out, region = [], arch.region
    if "eks" in arch.sections:
        eks = arch.sections["eks"]
        out.append(Resource(names.EKS_NODE_GROUP, "ec2", eks["instance_type"], eks["node_count"], region))
        out.append(Resource(names.EKS_CLUSTER, "eks", "cluster", eks["clusters"], region))
    if "rds" in arch.sections:
        rds = arch.sections["rds"]
        out.append(
            Resource(
                names.RDS_PRIMARY,
                "rds",
                rds["instance_class"],
                1,
                region,
                "Multi-AZ" if rds["multi_az"] else "Single-AZ",
            )
        )
        replica = rds["replica_instance_class"] or rds["instance_class"]
        for i in range(1, rds["read_replicas"] + 1):
            out.append(
                Resource(
                    names.rds_replica(i),
                    "rds",
                    replica,
                    1,
                    region,
                    "Multi-AZ" if rds["replica_multi_az"] else "Single-AZ",
                )
            )
    if "elasticache" in arch.sections:
        cache = arch.sections["elasticache"]
        out.append(Resource(names.REDIS, "elasticache", cache["node_type"], cache["node_count"], region))
    if "msk" in arch.sections:
        msk = arch.sections["msk"]
        out.append(Resource(names.MSK_CLUSTER, "msk", msk["broker_type"], msk["broker_count"], region))
    return out


def usage_type_of(service: str, instance_type: str, region: str, deployment_option: str = "") -> str:
    """The billing usage type of one instance-hour (the key of its on-demand and RI prices)."""
    if service == "ec2":
        return ec2_instance_hours(region, instance_type)
    if service == "rds":
        return rds_instance_hours(region, instance_type, deployment_option == "Multi-AZ")
    if service == "elasticache":
        return cache_node_hours(region, instance_type)
    raise ValueError(f"no instance usage type for service {service!r}")


def on_demand_hourly(
    catalog: PriceCatalog,
    service: str,
    instance_type: str,
    region: str,
    deployment_option: str = "",
) -> float:
    """On-demand price of one instance-hour [USD/h] (raises if unknown)."""
    row = catalog.unit_price(
        service_code=SERVICE_CODES[service],
        region=region,
        usage_type=usage_type_of(service, instance_type, region, deployment_option),
        operation=OPERATIONS[service],
    )
    return float(row["price"])


def _check_one_row_per_dimension(rows: pd.DataFrame, what: str, catalog: PriceCatalog) -> None:
    """Two rows for one price (dimension) of an offering are refused: taking either would be a
    guess at the commitment's rate."""
    repeated = rows["price_dimension"].value_counts()
    if (repeated > 1).any():
        dimension = repeated.index[(repeated > 1).to_numpy()][0]
        first = rows.iloc[0]
        raise AmbiguousPriceError(
            f"{int(repeated[dimension])} prices in catalog {catalog.name} match the {dimension} price of "
            f"{what} ({first['usage_type']}, {first['region']}); the catalog has duplicate rows for it"
        )


def offering(
    catalog: PriceCatalog,
    rule: OfferingRule,
    resource: Resource,
    years: int,
    payment: str,
    od_hourly: float,
) -> Offering:
    """Price one commitment option for one instance of ``resource`` from the catalog."""
    ut = usage_type_of(resource.service, resource.instance_type, resource.region, resource.deployment_option)
    service_code = SAVINGS_PLAN_SERVICE_CODES.get(rule.kind, SERVICE_CODES[resource.service])
    rows = catalog.rows
    mask = (
        (rows["service_code"] == service_code)
        & (rows["region"] == resource.region)
        & (rows["usage_type"] == ut)
        & (rows["term_type"] == rule.term_type)
        & (rows["lease_contract_length"] == f"{years}yr")
        & (rows["purchase_option"] == payment)
        & (rows["offering_class"] == rule.offering_class)
    )
    found = rows.loc[mask]
    base: dict[str, Any] = dict(
        service=resource.service,
        instance_type=resource.instance_type,
        region=resource.region,
        kind=rule.kind,
        term_years=years,
        payment_option=payment,
        on_demand_hourly=od_hourly,
        deployment_option=resource.deployment_option,
    )
    known = found.loc[found["status"] != "unknown"]
    if known.empty:
        note = found["note"].iloc[0] if len(found) else f"not in catalog {catalog.name}"
        return Offering(
            **base,
            upfront=None,
            recurring_hourly=None,
            published_effective_hourly=None,
            status="price unknown",
            price_source="",
            note=note,
        )
    _check_one_row_per_dimension(known, f"{rule.kind} {resource.instance_type} {years}yr {payment}", catalog)
    by_dim = {d: g.iloc[0] for d, g in known.groupby("price_dimension")}
    sources = "; ".join(
        sorted({f"{r['source']} {r['effective_date']} ({r['status']})" for r in by_dim.values()})
    )
    recurring = float(by_dim["usage"]["price"]) if "usage" in by_dim else None
    upfront = float(by_dim["upfront"]["price"]) if "upfront" in by_dim else None
    published = float(by_dim["effective"]["price"]) if "effective" in by_dim else None
    split_unknown = "only the effective rate is published; the upfront/hourly split is unknown"
    if rule.term_type == "SavingsPlan" and payment != "No Upfront" and recurring is not None:
        # a Savings Plans rate is the effective hourly rate whatever the payment option; the
        # part paid upfront is the buyer's choice of commitment, not a published price
        published, recurring = recurring, None
        split_unknown = "a Savings Plans rate is the effective hourly rate; its upfront part is no list price"
    if upfront is None and recurring is not None and payment == "No Upfront":
        upfront = 0.0
    if upfront is not None and recurring is not None:
        return Offering(
            **base,
            upfront=upfront,
            recurring_hourly=recurring,
            published_effective_hourly=published,
            status="priced",
            price_source=sources,
        )
    if published is not None:
        return Offering(
            **base,
            upfront=None,
            recurring_hourly=None,
            published_effective_hourly=published,
            status="effective only",
            price_source=sources,
            note=split_unknown,
        )
    return Offering(
        **base,
        upfront=None,
        recurring_hourly=None,
        published_effective_hourly=None,
        status="price unknown",
        price_source=sources,
        note="the catalog has only part of this offering's price",
    )


OPTION_COLUMNS = (
    "resource",
    "service",
    "instance_type",
    "count",
    "deployment_option",
    "offering",
    "term_years",
    "payment_option",
    "upfront",
    "recurring_monthly",
    "effective_monthly",
    "on_demand_monthly",
    "savings_pct",
    "break_even_months",
    "break_even_utilization",
    "status",
    "price_source",
    "note",
)


def _option_row(
    resource: Resource,
    off: Offering | None,
    *,
    kind: str,
    years: int | None,
    payment: str,
    od_monthly: float | None,
    status: str,
    note: str,
    source: str,
) -> dict:
    count = resource.count
    row = {
        "resource": resource.name,
        "service": CE_SERVICES[resource.service],
        "instance_type": resource.instance_type,
        "count": count,
        "deployment_option": resource.deployment_option,
        "offering": kind,
        "term_years": years,
        "payment_option": payment,
        "upfront": None,
        "recurring_monthly": None,
        "effective_monthly": None,
        "on_demand_monthly": od_monthly,
        "savings_pct": None,
        "break_even_months": None,
        "break_even_utilization": None,
        "status": status,
        "price_source": source,
        "note": note,
    }
    if off is None or off.status == "price unknown":
        return row
    eff = effective_hourly(off)
    row["effective_monthly"] = eff * HOURS_PER_MONTH * count
    row["savings_pct"] = ar.savings_pct(eff, off.on_demand_hourly)
    row["break_even_utilization"] = ar.break_even_utilization(eff, off.on_demand_hourly)
    if off.upfront is not None and off.recurring_hourly is not None:
        row["upfront"] = off.upfront * count
        row["recurring_monthly"] = off.recurring_hourly * HOURS_PER_MONTH * count
        months = ar.break_even_months(off.upfront, off.recurring_hourly, off.on_demand_hourly)
        row["break_even_months"] = None if math.isinf(months) else months
    return row


def options(arch: Architecture, catalog: PriceCatalog | None = None) -> pd.DataFrame:
    """On-demand vs every reserved / savings-plan option per resource of ``arch``.

    Returns
    -------
    DataFrame
        One row per (resource, offering, term, payment option): ``upfront`` [USD, all
        instances], ``recurring_monthly``, ``effective_monthly`` and ``on_demand_monthly``
        [USD per 730-h month], ``savings_pct`` [%], ``break_even_months`` [months],
        ``break_even_utilization`` [fraction], ``status`` (priced / effective only /
        price unknown / not offered), ``price_source`` and ``note``. Unknown amounts are None.
    """
    from costmodel.pricing.catalog import load_snapshot

    catalog = catalog if catalog is not None else load_snapshot()
    rows = []
    for res in resources(arch):
        if res.service in NOT_OFFERED:
            rows.append(
                _option_row(
                    res,
                    None,
                    kind="none",
                    years=None,
                    payment="",
                    od_monthly=None,
                    status="not offered",
                    note=NOT_OFFERED[res.service],
                    source="",
                )
            )
            continue
        od = on_demand_hourly(catalog, res.service, res.instance_type, res.region, res.deployment_option)
        od_monthly = od * HOURS_PER_MONTH * res.count
        for rule in RULES[res.service]:
            for years, payment in rule.terms:
                off = offering(catalog, rule, res, years, payment, od)
                note = off.note
                if off.status == "price unknown":
                    note = f"{note}. {HOW_TO_GET_A_PRICE}"
                rows.append(
                    _option_row(
                        res,
                        off,
                        kind=rule.kind,
                        years=years,
                        payment=payment,
                        od_monthly=od_monthly,
                        status=off.status,
                        note=note,
                        source=off.price_source,
                    )
                )
    # the columns even with no row: an architecture of EBS or network only has nothing to reserve
    return pd.DataFrame(rows, columns=list(OPTION_COLUMNS))


def normalized_units(service: str, instance_type: str, deployment_option: str = "") -> float:
    """Normalized units of one instance-hour (size flexibility) [units]."""
    from costmodel.architecture import instance_types

    table = instance_types()
    match = table.loc[table["instance_type"] == instance_type, "normalization_factor"]
    if match.empty:
        raise ValueError(f"unknown instance type {instance_type!r}")
    return float(match.iloc[0]) * DEPLOYMENT_UNIT_FACTOR[deployment_option]
