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
* services nobody modelled: ECR storage, KMS keys and requests, public IPv4 addresses.

Output is the file format of ``costmodel fetch-actuals``: two requests (usage grouped by
SERVICE and USAGE_TYPE without credits/refunds/tax, in two pages; and credits/refunds/tax
grouped by RECORD_TYPE and SERVICE), amounts as strings with 10 decimals.

Unmodelled services are priced at AWS's published list prices (ECR storage $0.10/GB-month,
KMS $1/key-month and $0.03 per 10,000 requests, public IPv4 $0.005/h).

Run ``python -m costmodel.actuals.simulate --out data/actuals/ce-2026-06..2026-10.json``.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from costmodel.actuals.fetch import CONTROL_METRICS
from costmodel.architecture import Architecture, load_architecture
from costmodel.estimate import estimate
from costmodel.files import atomic_write_text
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.reconcile.mapping import unit_conversions
from costmodel.services.rds import instance_usage_type

DEFAULT_MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
METRICS = ["UnblendedCost", "AmortizedCost", "NetAmortizedCost", "UsageQuantity"]
UNMODELLED = [  # (service, usage type, CE unit, quantity per month, USD per unit)
    ("Amazon EC2 Container Registry (ECR)", "TimedStorage-ByteHrs", "GB-Mo", 150.0, 0.10),
    ("AWS Key Management Service", "us-east-1-KMS-Keys", "Keys", 10.0, 1.00),
    ("AWS Key Management Service", "us-east-1-KMS-Requests", "Requests", 2_400_000.0, 0.000003),
]


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
) -> tuple[list, list]:
    """Usage groups and credit/tax groups of one month (see the module docstring)."""
    start = pd.Timestamp(f"{month}-01")
    end = start + pd.DateOffset(months=1)
    hours = (end - start) / pd.Timedelta(hours=1)
    items = estimate(arch, catalog, hours=hours)
    by_type = (
        items.groupby(["service", "usage_type"], sort=False)
        .agg(
            quantity=("quantity", "sum"),
            cost=("monthly_cost", "sum"),
            unit=("unit", "first"),
            price=("unit_price", "first"),
            category=("category", "first"),
        )
        .reset_index()
    )
    lines = {
        (r.service, r.usage_type): [r.quantity, r.cost, r.cost, r.unit, r.category]
        for r in by_type.itertuples()
    }

    eks = arch.sections.get("eks")
    if eks:
        nodes = node_hours(
            month,
            eks["min_nodes"] or eks["node_count"],
            eks["max_nodes"] or eks["node_count"],
            1.04**index,
            rng,
        )
        box = ("Amazon Elastic Compute Cloud - Compute", f"BoxUsage:{eks['instance_type']}")
        od = lines[box][1] / lines[box][0]
        covered = np.minimum(nodes, ri_count) if month >= ri_start else np.zeros_like(nodes)
        rate = float(
            catalog.unit_price(
                usage_type=f"BoxUsage:{eks['instance_type']}",
                region=arch.region,
                term_type="Reserved",
                lease_contract_length="1yr",
                offering_class="standard",
                purchase_option="No Upfront",
            )["price"]
        )
        lines[box][0] = nodes.sum()
        lines[box][1] = (nodes - covered).sum() * od
        lines[box][2] = (nodes - covered).sum() * od + covered.sum() * rate
        if month >= ri_start:
            fee = ri_count * hours * rate
            unused = (ri_count * hours - covered.sum()) * rate
            lines[("Amazon Elastic Compute Cloud - Compute", f"HeavyUsage:{eks['instance_type']}")] = [
                ri_count * hours,
                fee,
                unused,
                "Hrs",
                "EKS nodes",
            ]
        root = ("EC2 - Other", "EBS:VolumeUsage.gp3")
        per_gb = lines[root][1] / lines[root][0]
        extra = (nodes.sum() / hours - eks["node_count"]) * eks["root_volume_gb"]
        lines[root][0] += extra
        lines[root][1] = lines[root][2] = lines[root][0] * per_gb

    rds = arch.sections.get("rds")
    if rds and month >= replica_added[:7]:
        added = pd.Timestamp(replica_added)
        share = 1.0 if added < start else (end - added) / (end - start)
        instance = (
            "Amazon Relational Database Service",
            instance_usage_type(arch.region, rds["instance_class"], False),
        )
        for key, qty in [
            (instance, hours * share),
            (
                ("Amazon Relational Database Service", "USE1-RDS:GP3-Storage"),
                rds["storage_gb"] * share,
            ),
            (
                ("Amazon Relational Database Service", "USE1-RDS:GP3-PIOPS"),
                max(0.0, rds["iops"] - 12000) * share,
            ),
        ]:
            if key in lines and qty > 0:
                price = lines[key][1] / lines[key][0]
                lines[key][0] += qty
                lines[key][1] = lines[key][2] = lines[key][0] * price

    for key, line in lines.items():
        usage_type = key[1]
        if usage_type == "NatGateway-Bytes":
            factor = 1.4 + 0.1 * index + rng.normal(0, 0.05)
        elif usage_type.endswith("Kafka.Storage.GP2"):
            factor = (arch.sections["msk"]["storage_gb"] + 60 * (index + 1)) / arch.sections["msk"][
                "storage_gb"
            ]
        elif any(
            s in usage_type for s in ("Bytes", "Requests", "DNS-Queries", "LCU", "RequestV2", "APIRequest")
        ):
            factor = 1 + rng.normal(0, 0.05)
        else:
            continue
        if line[0] > 0:
            price = line[1] / line[0]
            line[0] *= factor
            line[1] = line[2] = line[0] * price

    groups = [_group(s, u, c, a, *_ce_quantity(q, unit)) for (s, u), (q, c, a, unit, _) in lines.items()]
    region_hours = hours * arch.sections.get("network", {}).get("nat_gateways", 0)
    if region_hours:
        groups.append(
            _group(
                "Amazon Virtual Private Cloud",
                "USE1-PublicIPv4:InUseAddress",
                region_hours * 0.005,
                region_hours * 0.005,
                region_hours,
                "Hrs",
            )
        )
    for service, usage_type, unit, qty, price in UNMODELLED:
        q = qty * (1 + 0.02 * index)
        groups.append(_group(service, usage_type, q * price, q * price, q, unit))
    usage_total = sum(float(g["Metrics"]["UnblendedCost"]["Amount"]) for g in groups)
    special = [
        {
            "Keys": ["Tax", "Tax"],
            "Metrics": {m: {"Amount": f"{usage_total * tax_rate:.10f}", "Unit": "USD"} for m in METRICS[:3]}
            | {"UsageQuantity": {"Amount": "0", "Unit": "N/A"}},
        }
    ]
    if month == credit_month:
        special.append(
            {
                "Keys": ["Credit", "Amazon Relational Database Service"],
                "Metrics": {m: {"Amount": f"{-credit:.10f}", "Unit": "USD"} for m in METRICS[:3]}
                | {"UsageQuantity": {"Amount": "0", "Unit": "N/A"}},
            }
        )
    return groups, special


def simulate(
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    months: tuple[str, ...] = DEFAULT_MONTHS,
    seed: int = 2026,
) -> dict:
    """Cost Explorer responses for ``months`` of ``arch``, in the fetch-actuals file format."""
    arch = arch or load_architecture()
    catalog = catalog or load_snapshot()
    rng = np.random.default_rng(seed)
    usage_results: list[dict[str, Any]] = []
    special_results: list[dict[str, Any]] = []
    for i, month in enumerate(months):
        start = pd.Timestamp(f"{month}-01")
        period = {"Start": str(start.date()), "End": str((start + pd.DateOffset(months=1)).date())}
        groups, special = simulate_month(arch, catalog, month, i, rng)
        usage_results.append({"TimePeriod": period, "Total": {}, "Groups": groups, "Estimated": False})
        special_results.append({"TimePeriod": period, "Total": {}, "Groups": special, "Estimated": False})
    span = {
        "Start": f"{months[0]}-01",
        "End": str((pd.Timestamp(f"{months[-1]}-01") + pd.DateOffset(months=1)).date()),
    }
    split = max(1, len(usage_results) // 2 + 1)
    usage_request = {
        "TimePeriod": span,
        "Granularity": "MONTHLY",
        "Metrics": METRICS,
        "GroupBy": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
        "Filter": {"Not": {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Credit", "Refund", "Tax"]}}},
    }
    special_request = {
        "TimePeriod": span,
        "Granularity": "MONTHLY",
        "Metrics": METRICS,
        "GroupBy": [
            {"Type": "DIMENSION", "Key": "RECORD_TYPE"},
            {"Type": "DIMENSION", "Key": "SERVICE"},
        ],
        "Filter": {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Credit", "Refund", "Tax"]}},
    }
    usage_defs = usage_request["GroupBy"]
    control_request = {"TimePeriod": span, "Granularity": "MONTHLY", "Metrics": CONTROL_METRICS}
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
    return {
        "_source": (
            "SYNTHETIC: generated by costmodel.actuals.simulate (seed "
            f"{seed}) from {arch.origin}; not a real bill"
        ),
        "requests": [
            {
                "request": usage_request,
                "pages": [
                    {
                        "GroupDefinitions": usage_defs,
                        "ResultsByTime": usage_results[:split],
                        "NextPageToken": "page-2",
                        "DimensionValueAttributes": [],
                    },
                    {
                        "GroupDefinitions": usage_defs,
                        "ResultsByTime": usage_results[split:],
                        "DimensionValueAttributes": [],
                    },
                ],
            },
            {
                "request": special_request,
                "pages": [
                    {
                        "GroupDefinitions": special_request["GroupBy"],
                        "ResultsByTime": special_results,
                        "DimensionValueAttributes": [],
                    },
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--months", nargs="+", default=list(DEFAULT_MONTHS))
    args = parser.parse_args()
    payload = simulate(months=tuple(args.months), seed=args.seed)
    atomic_write_text(args.out, json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
