"""The sample bill as a CUR 2.0 export (SYNTHETIC): line items from the same simulation.

Made from the daily sample (:mod:`samples.daily`), so its months add up to the Cost
Explorer samples' to the cent. Node instances are hourly line items, one per instance and
hour (the simulator's hourly node count; reserved hours as ``DiscountedUsage`` at $0 with
their effective cost); the RI fee is one ``RIFee`` line a month; every other group is a
daily line item per resource, split over the architecture's resources by their modelled
quantities (the third read replica from its first day). Resource ids look like AWS's and end
with the model's resource name (``arn:aws:rds:...:db:rds-primary``), so ``costmodel
resources`` can join them to the architecture. Tags (``team``, ``environment``) and two
usage accounts make the breakdowns worth looking at; some cost is untagged on purpose.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel import service_names as sn
from costmodel.architecture import Architecture
from costmodel.constants import HOURS_PER_MONTH
from costmodel.lineitems.tables import EC2_COMPUTE
from costmodel.pricing.free_tiers import FREE_TIER
from costmodel.usage_types import EC2_INSTANCE_HOURS, RESERVATION_FEE, strip_region_prefix

from samples.bill import SimulatedMonth, sample_estimate
from samples.daily import split_exactly

PAYER = "111122223333"  # synthetic account ids
EDGE_ACCOUNT = "444455556666"  # CloudFront, WAF and Route 53 in an account of their own
EDGE_SERVICES = {sn.CE_CLOUDFRONT, sn.CE_WAF, sn.CE_ROUTE53}
CUR_UNITS = {"Hours": "Hrs", "GB-Month": "GB-Mo"}  # Cost Explorer units -> price list units
TEAMS = {  # model resource -> team tag; a resource not listed is untagged
    "eks-cluster": "platform",
    "eks-node-group": "platform",
    "ecr": "platform",
    "kubernetes-pv": "platform",
    "rds-primary": "data",
    "rds-replica-1": "data",
    "rds-replica-2": "data",
    "rds-replica-3": "data",
    "redis": "data",
    "msk-cluster": "data",
    "company-backups": "data",
    "company-logs": "platform",
    "cloudfront": "web",
    "waf": "web",
    "route53": "web",
    "alb": "web",
    "cloudwatch": "platform",
}
ARN_KINDS = {  # Cost Explorer service -> resource id form ({r}: region, {a}: account, {n}: name)
    sn.CE_RDS: "arn:aws:rds:{r}:{a}:db:{n}",
    sn.CE_EC2_OTHER: "arn:aws:ec2:{r}:{a}:volume/{n}",
    sn.CE_S3: "{n}",
    sn.CE_ELASTICACHE: "arn:aws:elasticache:{r}:{a}:cluster:{n}",
    sn.CE_MSK: "arn:aws:kafka:{r}:{a}:cluster/{n}",
    sn.CE_EKS: "arn:aws:eks:{r}:{a}:cluster/{n}",
}


def _product_code(service: str) -> str:
    from costmodel.lineitems.tables import _product_services

    if service in (EC2_COMPUTE, sn.CE_EC2_OTHER):
        return "AmazonEC2"
    codes = {name: code for code, name in _product_services().items()}
    return codes.get(service, service.replace(" ", ""))


def _resource_id(service: str, resource: str, region: str, account: str) -> str:
    form = ARN_KINDS.get(service, "arn:aws:{s}:{r}:{a}:{n}")
    return form.format(r=region, a=account, n=resource, s=_product_code(service).lower())


def _line(day: pd.Timestamp, hours: int, service: str, usage_type: str, kind: str, **fields: object) -> dict:
    account = EDGE_ACCOUNT if service in EDGE_SERVICES else PAYER
    resource = str(fields.pop("resource", ""))
    start = day
    return {
        "line_item_usage_start_date": start,
        "line_item_usage_end_date": start + pd.Timedelta(hours=hours),
        "line_item_usage_account_id": account,
        "line_item_line_item_type": kind,
        "line_item_product_code": _product_code(service) if kind != record_types.TAX else "",
        "product_name": record_types.TAX_SERVICE if kind == record_types.TAX else service,
        "line_item_usage_type": usage_type,
        "_model_resource": resource,
        "team": TEAMS.get(resource, ""),
        **fields,
    }


def _nodes(day: pd.Timestamp, group: dict, sim: SimulatedMonth, arn: str) -> list[dict]:
    """One line item per node and hour; reserved nodes' hours as DiscountedUsage."""
    offset = (day - pd.Timestamp(f"{sim.month}-01")) // pd.Timedelta(hours=1)
    nodes, covered = sim.nodes[offset : offset + 24], sim.covered[offset : offset + 24]
    service, usage_type = group["Keys"]
    slots = [(h, k) for h in range(24) for k in range(int(nodes[h]))]
    reserved = [k < covered[h] for h, k in slots]
    unblended = Decimal(group["Metrics"]["UnblendedCost"]["Amount"])
    effective = Decimal(group["Metrics"]["AmortizedCost"]["Amount"]) - unblended
    paid = split_exactly(unblended, np.array([0.0 if r else 1.0 for r in reserved]))
    ri = split_exactly(effective, np.array([1.0 if r else 0.0 for r in reserved])) if any(reserved) else None
    lines = []
    for i, ((h, k), is_reserved) in enumerate(zip(slots, reserved, strict=True)):
        lines.append(
            _line(
                day + pd.Timedelta(hours=h),
                1,
                service,
                usage_type,
                "DiscountedUsage" if is_reserved else "Usage",
                resource="eks-node-group",
                line_item_resource_id=f"i-0{sim.month.replace('-', '')}{k:08x}",
                line_item_usage_amount=1.0,
                line_item_unblended_cost=float(paid[i]),
                pricing_unit="Hrs",
                reservation_effective_cost=float(ri[i]) if ri is not None and is_reserved else 0.0,
                reservation_reservation_a_r_n=arn if is_reserved else "",
            )
        )
    return lines


def _free_part_first(items: pd.DataFrame) -> pd.DataFrame:
    """Each line an allowance follows split into its free units, then the rest: the shares
    the sample's line items were simulated with (a free first price tier, then the paid one)."""
    items = items.reset_index(drop=True).copy()
    for i in np.flatnonzero(items["purchase_option"].to_numpy() == FREE_TIER):
        free, used = -float(items.at[i, "quantity"]), float(items.at[i - 1, "quantity"])
        items.at[i - 1, "quantity"], items.at[i, "quantity"] = free, used - free
    return items


def _resources_of(
    items: pd.DataFrame, sim: SimulatedMonth
) -> dict[tuple[str, str], list[tuple[str, float, pd.Timestamp | None]]]:
    """(service, usage type) -> [(model resource, monthly quantity, active from)]; the
    simulator's mid-month additions as one more resource (the next read replica)."""
    grouped: dict[tuple[str, str], list] = {}
    for row in items.itertuples():
        grouped.setdefault((row.service, row.usage_type), []).append(
            (row.resource, float(row.quantity), None)
        )
    for key, (quantity, since) in sim.additions.items():
        replicas = [r for r, _, _ in grouped.get(key, []) if r.startswith("rds-replica-")]
        grouped.setdefault(key, []).append((f"rds-replica-{len(replicas) + 1}", quantity, since))
    return grouped


def _daily_lines(day: pd.Timestamp, group: dict, owners: list, region: str) -> list[dict]:
    """A day's group as one line item per resource, split by the resources' quantities."""
    service, usage_type = group["Keys"]
    month_start = pd.Timestamp(day.strftime("%Y-%m-01"))
    days = (month_start + pd.DateOffset(months=1) - month_start).days
    weights = []
    for _, quantity, since in owners or [("", 1.0, None)]:
        if since is None:
            weights.append(quantity / days)
        else:  # prorated from its start: the day's share of its hours
            end = month_start + pd.DateOffset(months=1)
            weights.append(
                quantity / max((end - since) / pd.Timedelta(days=1), 1e-9) if day >= since.floor("D") else 0.0
            )
    weights_array = np.asarray(weights)
    metrics = group["Metrics"]
    parts = {m: split_exactly(Decimal(v["Amount"]), weights_array) for m, v in metrics.items()}
    unit = CUR_UNITS.get(metrics["UsageQuantity"]["Unit"], metrics["UsageQuantity"]["Unit"])
    lines = []
    for i, (resource, _, _) in enumerate(owners or [("", 1.0, None)]):
        if weights_array[i] == 0:
            continue
        account = EDGE_ACCOUNT if service in EDGE_SERVICES else PAYER
        lines.append(
            _line(
                day,
                24,
                service,
                usage_type,
                "Fee" if unit == "Dollar" else "Usage",
                resource=resource,
                line_item_resource_id=_resource_id(service, resource, region, account) if resource else "",
                line_item_usage_amount=float(parts["UsageQuantity"][i]),
                line_item_unblended_cost=float(parts["UnblendedCost"][i]),
                pricing_unit=unit,
            )
        )
    return lines


def _ri_fee(sim: SimulatedMonth, arn: str) -> list[dict]:
    """The month's RI fee as one RIFee line item (its amortized part: the unused hours)."""
    lines = []
    for group in sim.groups:
        service, usage_type = group["Keys"]
        if strip_region_prefix(usage_type).startswith(RESERVATION_FEE):
            metrics = group["Metrics"]
            lines.append(
                _line(
                    pd.Timestamp(f"{sim.month}-01"),
                    24 * pd.Period(sim.month, "M").days_in_month,
                    service,
                    usage_type,
                    "RIFee",
                    line_item_usage_amount=float(metrics["UsageQuantity"]["Amount"]),
                    line_item_unblended_cost=float(metrics["UnblendedCost"]["Amount"]),
                    pricing_unit="Hrs",
                    reservation_unused_recurring_fee=float(metrics["AmortizedCost"]["Amount"]),
                    reservation_unused_amortized_upfront_fee_for_billing_period=0.0,
                    reservation_reservation_a_r_n=arn,
                )
            )
    return lines


def line_items(simulated: list[SimulatedMonth], daily: dict, arch: Architecture) -> pd.DataFrame:
    """Every line item of the sample bill (CUR 2.0 columns, plus ``team`` for the tags)."""
    arn = f"arn:aws:ec2:{arch.region}:{PAYER}:reserved-instances/sample-ri-c5-2xlarge"
    by_month = {sim.month: sim for sim in simulated}
    owners = {
        m: _resources_of(_free_part_first(sample_estimate(arch, None, HOURS_PER_MONTH, m)), sim)
        for m, sim in by_month.items()
    }
    lines: list[dict] = []
    for sim in simulated:
        lines += _ri_fee(sim, arn)
    for request in daily["requests"][:2]:  # usage, then credits and tax (not the totals)
        for page in request["pages"]:
            for result in page["ResultsByTime"]:
                day = pd.Timestamp(result["TimePeriod"]["Start"])
                sim = by_month[day.strftime("%Y-%m")]
                for group in result["Groups"]:
                    lines += _lines_of_group(day, group, sim, owners[sim.month], arch.region, arn)
    frame = pd.DataFrame(lines)
    for column in (
        "reservation_effective_cost",
        "reservation_unused_recurring_fee",
        "reservation_unused_amortized_upfront_fee_for_billing_period",
    ):
        frame[column] = frame[column].fillna(0.0)
    frame["reservation_reservation_a_r_n"] = frame["reservation_reservation_a_r_n"].fillna("")
    frame["line_item_resource_id"] = frame["line_item_resource_id"].fillna("")
    frame["pricing_unit"] = frame["pricing_unit"].fillna("")
    frame = frame.sort_values(
        ["line_item_usage_start_date", "line_item_product_code", "line_item_usage_type"], kind="stable"
    )
    frame.insert(0, "identity_line_item_id", [f"sample-{i:07d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)


def _lines_of_group(
    day: pd.Timestamp, group: dict, sim: SimulatedMonth, owners: dict, region: str, arn: str
) -> list[dict]:
    keys = group["Keys"]
    if keys[0] in record_types.NOT_USAGE:  # the special request: (RECORD_TYPE, SERVICE)
        record, service = keys
        return [
            _line(
                day,
                24,
                service if record == record_types.CREDIT else record_types.TAX_SERVICE,
                "",
                record,
                line_item_usage_amount=0.0,
                line_item_unblended_cost=float(Decimal(group["Metrics"]["UnblendedCost"]["Amount"])),
            )
        ]
    service, usage_type = keys
    base = strip_region_prefix(usage_type)
    if base.startswith(RESERVATION_FEE):
        return []  # billed as the month's RIFee line
    if service == EC2_COMPUTE and base.startswith(EC2_INSTANCE_HOURS):
        return _nodes(day, group, sim, arn)
    return _daily_lines(day, group, owners.get((service, usage_type), []), region)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write line items as a CUR 2.0 Parquet file (``product`` and ``resource_tags`` as maps)."""
    import duckdb

    con = duckdb.connect()
    con.register("lines", frame.drop(columns=["_model_resource"]))
    target = Path(path)
    con.execute(
        f"""
        COPY (
          SELECT identity_line_item_id,
                 'Anniversary' AS bill_bill_type,
                 '{PAYER}' AS bill_payer_account_id,
                 date_trunc('month', line_item_usage_start_date) AS bill_billing_period_start_date,
                 line_item_usage_account_id, line_item_line_item_type,
                 line_item_usage_start_date, line_item_usage_end_date,
                 line_item_product_code, line_item_usage_type, line_item_resource_id,
                 line_item_usage_amount, 'USD' AS line_item_currency_code, line_item_unblended_cost,
                 MAP {{'product_name': product_name}} AS product,
                 pricing_unit,
                 reservation_reservation_a_r_n, reservation_effective_cost,
                 reservation_unused_amortized_upfront_fee_for_billing_period,
                 reservation_unused_recurring_fee,
                 CASE WHEN team = '' THEN MAP {{}}::MAP(VARCHAR, VARCHAR)
                      ELSE MAP {{'user_team': team, 'user_environment': 'production'}} END AS resource_tags
          FROM lines
        ) TO '{str(target).replace("'", "''")}' (FORMAT PARQUET, COMPRESSION ZSTD)
        """
    )
    return target


__all__ = ["line_items", "write_parquet"]
