"""A documented simulator of Cost Explorer responses for an architecture (SYNTHETIC data).

It draws a month's usage from the architecture and prices it at the catalog's list
prices, with the effects a real bill has and a 730-hour estimate does not:

* calendar hours (672..744 per month) for everything billed by the hour;
* EKS node-hours from a daily load curve (3 nodes at night, a daytime peak growing 4% a
  month, weekend dip, noise), clipped to the node group's min..max; node root volumes
  follow the node-hours;
* from ``ri_start``, ``ri_count`` c5 Standard 1-year No Upfront reservations: covered
  node-hours cost $0 in UnblendedCost and the RI fee appears as ``HeavyUsage:<type>``;
  AmortizedCost spreads the fee over the covered hours;
* a third RDS read replica added on ``replica_added`` (its instance hours, gp3 storage and
  IOPS prorated from that day);
* NAT gateway traffic 40-80% above the modelled GB;
* MSK broker storage autoscaling by 60 GB per broker per month;
* a promotional credit in ``credit_month``; sales tax at ``tax_rate`` on every month;
* spend no architecture models (``data/samples/unmodelled-spend.csv``: the AWS Developer
  support plan), at its published price.

Output is the file format of ``costmodel fetch-actuals``: three requests (usage grouped by
SERVICE and USAGE_TYPE without credits/refunds/tax, in two pages; credits/refunds/tax
grouped by RECORD_TYPE and SERVICE; and each month's ungrouped total), amounts as strings
with 10 decimals. Every price comes from the catalog (through the estimate) or, for
unmodelled spend, from a data file that names its source; usage types follow the region.

``python -m samples --out-dir data/actuals`` writes the shipped samples (this
monthly bill, the same bill by day: :mod:`samples.daily`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from costmodel import categories as cat
from costmodel import record_types
from costmodel import resources as names
from costmodel.actuals.fetching import CONTROL_METRICS, request_bodies
from costmodel.architecture import Architecture, load_architecture
from costmodel.data_files import data_path
from costmodel.estimation import estimate
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.pricing.free_tiers import apply_free_tiers, free_tiers, usage_quantity
from costmodel.reconcile.mapping import unit_conversions
from costmodel.service_names import CE_RDS
from costmodel.services import rds as rds_model
from costmodel.services.network import ALIAS_QUERIES
from costmodel.usage_types import ec2_reservation_fee

DEFAULT_MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
METRICS = ["UnblendedCost", "AmortizedCost", "NetAmortizedCost", "UsageQuantity"]


def node_hours(
    month: str, node_min: int, node_max: int, growth: float, rng: np.random.Generator
) -> np.ndarray:
    """Nodes running in each hour of ``month`` [nodes]: a daily load curve, clipped to min..max."""
    start = pd.Timestamp(f"{month}-01")
    hours = pd.date_range(start, start + pd.DateOffset(months=1), freq="h", inclusive="left")
    peak = 3.5 * growth
    daily = np.clip(np.sin((hours.hour.to_numpy() - 7) / 14 * np.pi), 0, None)  # 07:00-21:00
    weekday = np.where(hours.day_of_week.to_numpy() >= 5, 0.5, 1.0)
    load = node_min + peak * daily * weekday + rng.normal(0, 0.4, len(hours))
    return np.clip(np.ceil(load), node_min, node_max)


def _ce_quantity(quantity: float, unit: str) -> tuple[float, str]:
    """Model quantity -> (Cost Explorer quantity, CE unit)."""
    for (ce_unit, model_unit), factor in unit_conversions().items():
        if model_unit == unit:
            return quantity / factor, ce_unit
    return quantity, unit


def _group(
    service: str, usage_type: str, unblended: float, amortized: float, quantity: float, unit: str
) -> dict:
    money = {"Amount": f"{unblended:.10f}", "Unit": "USD"}
    return {
        "Keys": [service, usage_type],
        "Metrics": {
            "UnblendedCost": money,
            "AmortizedCost": {"Amount": f"{amortized:.10f}", "Unit": "USD"},
            "NetAmortizedCost": {"Amount": f"{amortized:.10f}", "Unit": "USD"},
            "UsageQuantity": {"Amount": f"{quantity:.10f}", "Unit": unit},
        },
    }


@dataclass
class Line:
    """One usage type of the simulated month: quantity [model unit], costs [USD]."""

    quantity: float
    unblended: float
    amortized: float
    unit: str
    category: str = ""

    def rescale(self, quantity: float) -> None:
        """Change the quantity at the line's own unit price (list price from the catalog)."""
        price = self.unblended / self.quantity if self.quantity else 0.0
        self.quantity = quantity
        self.unblended = self.amortized = quantity * price


def _month_lines(items: pd.DataFrame) -> dict[tuple[str, str], Line]:
    """The month's estimate summed per (service, usage type)."""
    # an always-free allowance takes cost off, not usage: the bill counts every unit used;
    # queries to alias records are not billed at all, so never a group of the bill
    items = items.loc[items["usage_type"] != ALIAS_QUERIES]
    by_type = (
        items.assign(quantity=usage_quantity(items))
        .groupby(["service", "usage_type"], sort=False)
        .agg(
            quantity=("quantity", "sum"),
            cost=("monthly_cost", "sum"),
            unit=("unit", "first"),
            category=("category", "first"),
        )
    )
    return {
        key: Line(r.quantity, r.cost, r.cost, r.unit, r.category)
        for key, r in zip(by_type.index, by_type.itertuples(), strict=True)
    }


def _key_of(lines: dict, category: cat.Category) -> tuple[str, str]:
    """The (service, usage type) of the month's line in ``category`` (exactly one)."""
    keys = [key for key, line in lines.items() if line.category == category.name]
    if len(keys) != 1:
        raise ValueError(f"expected one line of {category.name}, found {keys}")
    return keys[0]


def _node_group(
    lines: dict,
    arch: Architecture,
    catalog: PriceCatalog,
    month: str,
    hours: float,
    nodes: np.ndarray,
    ri: tuple,
) -> np.ndarray:
    """Node-hours from the daily load curve; from ``ri_start``, ``ri_count`` reserved nodes
    at $0 unblended plus the RI fee as ``HeavyUsage``; root volumes follow the node-hours.
    Returns the reserved (covered) nodes of each hour."""
    ri_start, ri_count = ri
    eks = arch.sections["eks"]
    box = _key_of(lines, cat.EKS_NODES)
    on_demand = lines[box].unblended / lines[box].quantity
    covered = np.minimum(nodes, ri_count) if month >= ri_start else np.zeros_like(nodes)
    rate = float(
        catalog.unit_price(
            usage_type=box[1],
            region=arch.region,
            term_type="Reserved",
            lease_contract_length="1yr",
            offering_class="standard",
            purchase_option="No Upfront",
        )["price"]
    )
    lines[box].quantity = nodes.sum()
    lines[box].unblended = (nodes - covered).sum() * on_demand
    lines[box].amortized = (nodes - covered).sum() * on_demand + covered.sum() * rate
    if month >= ri_start:
        fee_type = ec2_reservation_fee(arch.region, eks["instance_type"])
        lines[(box[0], fee_type)] = Line(
            ri_count * hours, ri_count * hours * rate, (ri_count * hours - covered.sum()) * rate, "Hrs"
        )
    root = _key_of(lines, cat.EKS_NODE_EBS)
    extra = (nodes.sum() / hours - eks["node_count"]) * eks["root_volume_gb"]
    lines[root].rescale(lines[root].quantity + extra)
    return covered


def _replica_added(
    lines: dict, arch: Architecture, start: pd.Timestamp, replica_added: str
) -> dict[tuple[str, str], tuple[float, pd.Timestamp]]:
    """A read replica added on ``replica_added``: its hours, gp3 storage and IOPS, prorated.
    Returns, per (service, usage type), the quantity added and the moment it starts."""
    rds = arch.sections["rds"]
    end = start + pd.DateOffset(months=1)
    added = pd.Timestamp(replica_added)
    share = 1.0 if added < start else (end - added) / (end - start)
    hours = (end - start) / pd.Timedelta(hours=1)
    # the new replica's own lines, as the RDS model prices one more replica (its backup
    # allowance left out: the sample keeps the month's charged backup as estimated)
    replica = names.rds_replica(rds["read_replicas"] + 1)
    one_more = rds_model.components(rds | {"read_replicas": rds["read_replicas"] + 1}, arch.region, hours)
    additions = {}
    for item in one_more:
        key, quantity = (item["service"], item["usage_type"]), item["quantity"] * share
        line = lines.get(key)
        if item["resource"] == replica and line is not None and quantity > 0:
            line.rescale(line.quantity + quantity)
            additions[key] = (quantity, max(added, start))
    return additions


def _drift(lines: dict, arch: Architecture, index: int, rng: np.random.Generator) -> None:
    """NAT traffic above the assumption, MSK storage autoscaling, noise on request counts."""
    for (_, usage), line in lines.items():
        if usage.endswith("NatGateway-Bytes"):
            factor = 1.4 + 0.1 * index + rng.normal(0, 0.05)
        elif usage.endswith("Kafka.Storage.GP2"):
            storage = arch.sections["msk"]["storage_gb"]
            factor = (storage + 60 * (index + 1)) / storage
        elif any(s in usage for s in ("Bytes", "Requests", "DNS-Queries", "LCU", "RequestV2", "APIRequest")):
            factor = 1 + rng.normal(0, 0.05)
        else:
            continue
        if line.quantity > 0:
            line.rescale(line.quantity * factor)


def unmodelled_spend() -> pd.DataFrame:
    """Spend a real bill carries that no architecture models (``data/samples/unmodelled-spend.csv``,
    each row with its published price and source)."""
    return pd.read_csv(data_path("samples", "unmodelled-spend.csv"), keep_default_na=False)


def _special_groups(
    usage_total: float, month: str, credit_month: str, credit: float, tax_rate: float
) -> list:
    """Tax on the month's usage, and a promotional credit in ``credit_month``."""
    zero = {"UsageQuantity": {"Amount": "0", "Unit": "N/A"}}
    special = [
        {
            "Keys": [record_types.TAX, record_types.TAX_SERVICE],
            "Metrics": {m: {"Amount": f"{usage_total * tax_rate:.10f}", "Unit": "USD"} for m in METRICS[:3]}
            | zero,
        }
    ]
    if month == credit_month:
        special.append(
            {
                "Keys": [record_types.CREDIT, CE_RDS],
                "Metrics": {m: {"Amount": f"{-credit:.10f}", "Unit": "USD"} for m in METRICS[:3]} | zero,
            }
        )
    return special


@dataclass(frozen=True)
class SimulatedMonth:
    """One simulated month: its Cost Explorer groups and what a finer grain needs.

    ``nodes`` and ``covered`` are the node group's nodes and reserved nodes in each hour
    [nodes]; ``additions`` maps (service, usage type) to a quantity added mid-month and the
    moment it starts (a new read replica).
    """

    month: str
    groups: list
    special: list
    nodes: np.ndarray
    covered: np.ndarray
    additions: dict


# The free tiers the bundled sample bill was simulated with: those of KMS and X-Ray only.
SAMPLE_FREE_TIERS = ("awskms", "AWSXRay")


def as_sampled(arch: Architecture) -> Architecture:
    """``arch`` as the bundled sample bill was simulated: every Route 53 query a standard
    (billed) query, as the architecture had them before issue 22."""
    network = arch.sections.get("network")
    if not network or not network.get("dns_alias_queries_millions"):
        return arch
    total = network["dns_queries_millions"] + network["dns_alias_queries_millions"]
    return arch.with_changes({"network.dns_queries_millions": total, "network.dns_alias_queries_millions": 0})


def sample_estimate(
    arch: Architecture, catalog: PriceCatalog | None, hours: float, month: str
) -> pd.DataFrame:
    """The estimate the bundled sample bill was simulated from (before issue 22): Route 53
    queries all billed, and of the always-free tiers only KMS's and X-Ray's. This keeps the
    bundled files exactly what the simulator writes; the tests and figures measured on them
    stay valid. Reconciling the sample against today's model therefore shows the other free
    tiers (CloudFront, data transfer, CloudWatch: $112.72) as rate and Route 53's queries as
    volume. Simulating a bill with every free tier is a change of the sample (see the note
    in data/README.md), left for when the samples move out of the package (issue 21)."""
    tiers = free_tiers()
    items = estimate(as_sampled(arch), catalog, hours=hours, month=month, free_tiers=False)
    return apply_free_tiers(items, tiers.loc[tiers["service_code"].isin(SAMPLE_FREE_TIERS)])


def simulate_month(
    arch: Architecture,
    catalog: PriceCatalog,
    month: str,
    index: int,
    rng: np.random.Generator,
    *,
    ri_start: str = "2026-08",
    ri_count: int = 3,
    replica_added: str = "2026-09-15",
    credit_month: str = "2026-07",
    credit: float = 300.0,
    tax_rate: float = 0.06,
) -> SimulatedMonth:
    """Usage groups and credit/tax groups of one month (see the module docstring)."""
    start = pd.Timestamp(f"{month}-01")
    hours = (start + pd.DateOffset(months=1) - start) / pd.Timedelta(hours=1)
    lines = _month_lines(sample_estimate(arch, catalog, hours, month))
    eks = arch.sections.get("eks")
    nodes = covered = np.zeros(int(hours))
    if eks:
        low, high = eks["min_nodes"] or eks["node_count"], eks["max_nodes"] or eks["node_count"]
        nodes = node_hours(month, low, high, 1.04**index, rng)
        covered = _node_group(lines, arch, catalog, month, hours, nodes, (ri_start, ri_count))
    additions = {}
    if arch.sections.get("rds") and month >= replica_added[:7]:
        additions = _replica_added(lines, arch, start, replica_added)
    _drift(lines, arch, index, rng)
    groups = [
        _group(service, usage, line.unblended, line.amortized, *_ce_quantity(line.quantity, line.unit))
        for (service, usage), line in lines.items()
    ]
    usage_total = sum(float(g["Metrics"]["UnblendedCost"]["Amount"]) for g in groups)
    for row in unmodelled_spend().itertuples():
        # e.g. a support plan: the greater of a minimum and a share of the month's usage
        cost = max(float(row.minimum_usd), float(row.share_of_usage_pct) / 100 * usage_total)
        groups.append(_group(row.service, row.usage_type, cost, cost, cost, "Dollar"))
    usage_total = sum(float(g["Metrics"]["UnblendedCost"]["Amount"]) for g in groups)
    special = _special_groups(usage_total, month, credit_month, credit, tax_rate)
    return SimulatedMonth(month, groups, special, nodes, covered, additions)


def simulate_months(
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    months: tuple[str, ...] = DEFAULT_MONTHS,
    seed: int = 2026,
) -> list[SimulatedMonth]:
    """Each month of the sample bill, simulated in order from one random generator."""
    arch = arch or load_architecture()
    catalog = catalog or load_snapshot()
    rng = np.random.default_rng(seed)
    return [simulate_month(arch, catalog, month, i, rng) for i, month in enumerate(months)]


def simulate(
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    months: tuple[str, ...] = DEFAULT_MONTHS,
    seed: int = 2026,
) -> dict:
    """Cost Explorer responses for ``months`` of ``arch``, in the fetch-actuals file format."""
    arch = arch or load_architecture()
    return monthly_payload(simulate_months(arch, catalog, months, seed), arch.origin, seed)


def monthly_payload(simulated: list[SimulatedMonth], origin: str, seed: int) -> dict:
    """The fetch-actuals file of simulated months, granularity MONTHLY."""
    months = [m.month for m in simulated]
    usage_results: list[dict[str, Any]] = []
    special_results: list[dict[str, Any]] = []
    for sim in simulated:
        start = pd.Timestamp(f"{sim.month}-01")
        period = {"Start": str(start.date()), "End": str((start + pd.DateOffset(months=1)).date())}
        usage_results.append({"TimePeriod": period, "Total": {}, "Groups": sim.groups, "Estimated": False})
        special_results.append({"TimePeriod": period, "Total": {}, "Groups": sim.special, "Estimated": False})
    span = {
        "Start": f"{months[0]}-01",
        "End": str((pd.Timestamp(f"{months[-1]}-01") + pd.DateOffset(months=1)).date()),
    }
    split = max(1, len(usage_results) // 2 + 1)
    # the same three requests fetch-actuals makes, over the whole span
    usage_request, special_request, control_request = request_bodies(span["Start"], span["End"])
    control_results = [
        {
            "TimePeriod": u["TimePeriod"],
            "Total": {
                m: {"Amount": str(_sum_amounts([*u["Groups"], *c["Groups"]], m)), "Unit": "USD"}
                for m in CONTROL_METRICS
            },
            "Groups": [],
            "Estimated": False,
        }
        for u, c in zip(usage_results, special_results, strict=True)
    ]
    return saved_payload(
        f"SYNTHETIC: generated by costmodel.samples (seed {seed}) from {origin}; not a real bill",
        (usage_request, special_request, control_request),
        [usage_results[:split], usage_results[split:]],
        special_results,
        control_results,
    )


def saved_payload(
    source: str,
    requests: Sequence[dict],
    usage_pages: list[list[dict]],
    special_results: list[dict],
    control_results: list[dict],
) -> dict:
    """The three saved ``requests`` (usage, credits/refunds/tax, ungrouped control total) in the
    shape ``fetch-actuals`` writes, the usage results paged as ``usage_pages``."""
    usage_request, special_request, control_request = requests
    pages = [
        {
            "GroupDefinitions": usage_request["GroupBy"],
            "ResultsByTime": results,
            "DimensionValueAttributes": [],
        }
        | ({"NextPageToken": f"page-{i + 2}"} if i < len(usage_pages) - 1 else {})
        for i, results in enumerate(usage_pages)
    ]
    return {
        "_source": source,
        "requests": [
            {"request": usage_request, "pages": pages},
            {
                "request": special_request,
                "pages": [
                    {
                        "GroupDefinitions": special_request["GroupBy"],
                        "ResultsByTime": special_results,
                        "DimensionValueAttributes": [],
                    }
                ],
            },
            {
                # Cost Explorer's ungrouped total of each month: what reconcile conserves against
                "request": control_request,
                "pages": [{"ResultsByTime": control_results, "DimensionValueAttributes": []}],
            },
        ],
    }


def _sum_amounts(groups: list[dict], metric: str) -> Decimal:
    """Exact sum of the groups' amount strings, as Cost Explorer's total would be."""
    return sum((Decimal(g["Metrics"][metric]["Amount"]) for g in groups), Decimal(0))
