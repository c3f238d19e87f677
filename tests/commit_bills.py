"""A bill with commitments and discounts as real accounts have them (tester 36's generator).

Written from the CUR 2.0 data dictionary and the FOCUS 1.0 spec, not from costmodel's
simulator, so every expected figure in `tests/test_commit_bills.py` is a hand sum of the
amounts below. One row per day and resource (a daily CUR), every amount a simple figure.

Per day, account A (111111111111, us-east-1):
- `i-web` (team=web): Usage BoxUsage:m5.xlarge $24 ($1/h), with an EDP discount of 5 %
  billed as its own `EdpDiscount` line item (-$1.20 a day; the usage line's net unblended
  cost $22.80, the discount line's net cost $0: the discount is in the usage line's net).
- `i-batch` (untagged): Usage $24 a day until the Savings Plan starts; from then
  `SavingsPlanCoveredUsage` $24 (effective cost $14.40) and `SavingsPlanNegation` -$24.
- the Compute Savings Plan (partial upfront, 1 year, $0.60/h commitment: $0.30/h paid
  upfront, $0.30/h recurring), bought `SP_START`: `SavingsPlanUpfrontFee` 0.30 x 8,760 =
  $2,628 once on that day, then `SavingsPlanRecurringFee` $7.20 a day (0.30 x 24) with
  total commitment $14.40 and used commitment $14.40 a day (fully used: amortized $0).
Account B (222222222222, us-west-2):
- `db-orders` (team=data): an RDS Reserved Instance (db.r5.large, $0.25/h effective: $0.15/h
  recurring, $0.10/h of upfront paid before the data) as `DiscountedUsage` $0 unblended,
  effective cost $6 a day; its `RIFee` billed once a month over the billing period:
  0.15 x the month's hours unblended, amortized upfront 0.10 x hours, unused $0.
Per month: tax $30 (account A), Business support $100 (account A).
Once: a `Refund` of -$40 in the October billing period for usage of 20 September.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path
from typing import Any

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
SP_ARN = "arn:aws:savingsplans::111111111111:savingsplan/sp-commit36"
RI_ARN = "arn:aws:rds:us-west-2:222222222222:ri:ri-commit36"
SP_START = dt.date(2026, 10, 16)

EC2 = ("AmazonEC2", "Amazon Elastic Compute Cloud")
RDS = ("AmazonRDS", "Amazon Relational Database Service")
SAVINGS_PLANS = ("ComputeSavingsPlans", "Savings Plans for AWS Compute usage")
SUPPORT = ("AWSSupportBusiness", "AWS Support (Business)")


def days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


class Bill:
    """Line items as CUR 2.0 rows; `extra` adds line items of a scenario on top of the base."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        start: dt.datetime,
        end: dt.datetime,
        account: str,
        kind: str,
        product: tuple[str, str],
        usage_type: str,
        cost: float,
        *,
        region: str = "us-east-1",
        resource: str = "",
        tags: dict[str, str] | None = None,
        net: float | None = None,
        period: dt.datetime | None = None,
        **amounts: float | str,
    ) -> None:
        period = period or start.replace(day=1, hour=0)
        period_end = (period + dt.timedelta(days=32)).replace(day=1)
        row: dict[str, Any] = {
            "identity_line_item_id": f"li-{len(self.rows) + 1:08d}",
            "identity_time_interval": f"{start:%Y-%m-%dT%H:%M:%SZ}/{end:%Y-%m-%dT%H:%M:%SZ}",
            "bill_payer_account_id": ACCOUNT_A,
            "bill_billing_period_start_date": period,
            "bill_billing_period_end_date": period_end,
            "line_item_usage_account_id": account,
            "line_item_line_item_type": kind,
            "line_item_usage_start_date": start,
            "line_item_usage_end_date": end,
            "line_item_product_code": product[0],
            "product_product_name": product[1],
            "product_region_code": region,
            "line_item_usage_type": usage_type,
            "line_item_operation": "",
            "line_item_resource_id": resource,
            "line_item_usage_amount": (end - start).total_seconds() / 3600,
            "line_item_currency_code": "USD",
            "line_item_unblended_cost": cost,
            "line_item_net_unblended_cost": cost if net is None else net,
            "pricing_public_on_demand_cost": max(cost, 0.0),
            "reservation_reservation_a_r_n": "",
            "reservation_end_time": "",  # a reservation's end, on its lines (CUR 2.0 writes it as text)
            "reservation_effective_cost": 0.0,
            "reservation_net_effective_cost": 0.0,
            "reservation_amortized_upfront_fee_for_billing_period": 0.0,
            "reservation_unused_amortized_upfront_fee_for_billing_period": 0.0,
            "reservation_unused_recurring_fee": 0.0,
            "reservation_net_unused_amortized_upfront_fee_for_billing_period": 0.0,
            "reservation_net_unused_recurring_fee": 0.0,
            "savings_plan_savings_plan_a_r_n": "",
            "savings_plan_savings_plan_effective_cost": 0.0,
            "savings_plan_net_savings_plan_effective_cost": 0.0,
            "savings_plan_total_commitment_to_date": 0.0,
            "savings_plan_used_commitment": 0.0,
            "savings_plan_amortized_upfront_commitment_for_billing_period": 0.0,
            "savings_plan_net_amortized_upfront_commitment_for_billing_period": 0.0,
            "resource_tags": {f"user_{k}": v for k, v in (tags or {}).items()},
        }
        for key, value in amounts.items():
            assert key in row, key
            row[key] = value
        self.rows.append(row)


def _day(date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(date.year, date.month, date.day)
    return start, start + dt.timedelta(days=1)


def base_bill(
    first: dt.date, through: dt.date, *, ri_end: dt.date | None = None, sp_start: dt.date | None = SP_START
) -> Bill:
    """The bill described in the module docstring, from `first` through `through` (inclusive);
    the reservation expiring on `ri_end` (from then on demand, $12 a day; its lines' CUR 2.0
    `reservation_end_time` says so, also when `ri_end` is after `through`), the plan bought on
    `sp_start` (None: never bought, i-batch on demand throughout)."""
    bill = Bill()
    web, data = {"team": "web"}, {"team": "data"}
    date = first
    while date <= through:
        start, end = _day(date)
        bill.add(
            start,
            end,
            ACCOUNT_A,
            "Usage",
            EC2,
            "BoxUsage:m5.xlarge",
            24.0,
            resource="i-web",
            tags=web,
            net=22.8,
        )
        bill.add(
            start, end, ACCOUNT_A, "EdpDiscount", EC2, "BoxUsage:m5.xlarge", -1.2, resource="i-web", net=0.0
        )
        if sp_start is None or date < sp_start:
            bill.add(start, end, ACCOUNT_A, "Usage", EC2, "BoxUsage:m5.xlarge", 24.0, resource="i-batch")
        else:
            sp = {"savings_plan_savings_plan_a_r_n": SP_ARN}
            bill.add(
                start, end, ACCOUNT_A, "SavingsPlanCoveredUsage", EC2, "BoxUsage:m5.xlarge", 24.0,
                resource="i-batch", savings_plan_savings_plan_effective_cost=14.4,
                savings_plan_net_savings_plan_effective_cost=14.4, **sp,
            )  # fmt: skip
            bill.add(start, end, ACCOUNT_A, "SavingsPlanNegation", EC2, "BoxUsage:m5.xlarge", -24.0,
                     resource="i-batch", **sp)  # fmt: skip
            bill.add(
                start, end, ACCOUNT_A, "SavingsPlanRecurringFee", SAVINGS_PLANS, "ComputeSP:1yrPartialUpfront",
                7.2, resource=SP_ARN, savings_plan_total_commitment_to_date=14.4,
                savings_plan_used_commitment=14.4, savings_plan_amortized_upfront_commitment_for_billing_period=7.2,
                savings_plan_net_amortized_upfront_commitment_for_billing_period=7.2, **sp,
            )  # fmt: skip
            if date == sp_start:
                bill.add(start, start + dt.timedelta(hours=1), ACCOUNT_A, "SavingsPlanUpfrontFee", SAVINGS_PLANS,
                         "ComputeSP:1yrPartialUpfront", 2628.0, resource=SP_ARN, **sp)  # fmt: skip
        ri = {"reservation_reservation_a_r_n": RI_ARN}
        if ri_end is not None:  # the export says when the reservation ends
            ri["reservation_end_time"] = f"{ri_end:%Y-%m-%d}T00:00:00.000Z"
        if ri_end is None or date < ri_end:
            bill.add(
                start, end, ACCOUNT_B, "DiscountedUsage", RDS, "USW2-InstanceUsage:db.r5.large", 0.0,
                region="us-west-2", resource="db-orders", tags=data, reservation_effective_cost=6.0,
                reservation_net_effective_cost=6.0, pricing_public_on_demand_cost=12.0, **ri,
            )  # fmt: skip
        else:  # on demand once the reservation has expired
            bill.add(start, end, ACCOUNT_B, "Usage", RDS, "USW2-InstanceUsage:db.r5.large", 12.0,
                     region="us-west-2", resource="db-orders", tags=data)  # fmt: skip
        if date.day == 1:
            month_start = dt.datetime(date.year, date.month, 1)
            hours = days_in(date.year, date.month) * 24
            ri_hours = hours
            if ri_end is not None and (ri_end.year, ri_end.month) == (date.year, date.month):
                ri_hours = (ri_end.day - 1) * 24
            covered = ri_end is None or date < ri_end
            if covered:
                bill.add(
                    month_start, month_start + dt.timedelta(hours=hours), ACCOUNT_B, "RIFee", RDS,
                    "USW2-HeavyUsage:db.r5.large", round(0.15 * ri_hours, 2), region="us-west-2",
                    reservation_amortized_upfront_fee_for_billing_period=round(0.10 * ri_hours, 2),
                    line_item_usage_amount=float(ri_hours), **ri,  # the reservation's hours in the month
                )  # fmt: skip
            month_end = month_start + dt.timedelta(hours=hours)
            bill.add(month_start, month_end, ACCOUNT_A, "Tax", EC2, "", 30.0)
            bill.add(month_start, month_end, ACCOUNT_A, "Fee", SUPPORT, "Dollar", 100.0)
        date += dt.timedelta(days=1)
    return bill


def add_past_month_refund(bill: Bill) -> None:
    """-$40 billed in October's period for usage of 20 September (a refund of a past month)."""
    start, end = _day(dt.date(2026, 9, 20))
    bill.add(
        start, end, ACCOUNT_A, "Refund", EC2, "BoxUsage:m5.xlarge", -40.0, period=dt.datetime(2026, 10, 1)
    )


# ---- writers --------------------------------------------------------------------------------


def write_cur2(bill: Bill, path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(bill.rows[0])
    data = {c: [r[c] for r in bill.rows] for c in columns}
    fields = []
    for c in columns:
        if c == "resource_tags":
            fields.append(pa.field(c, pa.map_(pa.string(), pa.string())))
        elif isinstance(bill.rows[0][c], dt.datetime):
            fields.append(pa.field(c, pa.timestamp("ms")))
        elif isinstance(bill.rows[0][c], float):
            fields.append(pa.field(c, pa.float64()))
        else:
            fields.append(pa.field(c, pa.string()))
    data["resource_tags"] = [list(t.items()) for t in data["resource_tags"]]
    pq.write_table(pa.table(data, schema=pa.schema(fields)), path)
    return path


# FOCUS 1.0 ChargeCategory per CUR line item type, as the FinOps Foundation's converter maps
# them: FOCUS has no refund category (a refund is a Credit); a negotiated discount's own line
# (EDP, private rate, bundled) is Usage
CHARGE_CATEGORY = {
    "Usage": "Usage",
    "DiscountedUsage": "Usage",
    "SavingsPlanCoveredUsage": "Usage",
    "SavingsPlanNegation": "Usage",
    "RIFee": "Purchase",
    "Fee": "Purchase",
    "SavingsPlanRecurringFee": "Purchase",
    "SavingsPlanUpfrontFee": "Purchase",
    "Credit": "Credit",
    "Refund": "Credit",
    "EdpDiscount": "Usage",
    "PrivateRateDiscount": "Usage",
    "BundledDiscount": "Usage",
    "Tax": "Tax",
}


def effective_cost(row: dict[str, Any]) -> float:
    """AWS's amortized cost of one line item (what Cost Explorer's AmortizedCost sums)."""
    kind = row["line_item_line_item_type"]
    if kind == "SavingsPlanCoveredUsage":
        return float(row["savings_plan_savings_plan_effective_cost"])
    if kind in ("SavingsPlanNegation", "SavingsPlanUpfrontFee"):
        return 0.0
    if kind == "SavingsPlanRecurringFee":
        return float(row["savings_plan_total_commitment_to_date"] - row["savings_plan_used_commitment"])
    if kind == "DiscountedUsage":
        return float(row["reservation_effective_cost"])
    if kind == "RIFee":
        return float(
            row["reservation_unused_amortized_upfront_fee_for_billing_period"]
            + row["reservation_unused_recurring_fee"]
        )
    return float(row["line_item_unblended_cost"])


# FOCUS bills a commitment's covered usage as a Usage charge at BilledCost 0 (its cost is the
# commitment's Purchase), PricingCategory Committed, CommitmentDiscountStatus Used: no
# negation line (the FOCUS spec's AWS Savings Plan scenario,
# specification/data/commitment_discount_scenarios/aws_savings_plan_no_upfront_100pct.csv)
COMMITTED = ("SavingsPlanCoveredUsage", "DiscountedUsage")


def write_focus(bill: Bill, path: Path) -> Path:
    """The bill as FOCUS 1.0 CSV (with AWS's x_UsageType), EffectiveCost net of discounts; a
    Savings Plan's covered usage and its negation are one committed Usage row (:data:`COMMITTED`)."""
    import csv

    columns = [
        "BillingAccountId", "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart",
        "ChargePeriodEnd", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "BilledCost",
        "EffectiveCost", "ListCost", "ProviderName", "PublisherName", "InvoiceIssuerName", "ServiceName",
        "RegionId", "ResourceId", "SubAccountId", "Tags", "CommitmentDiscountId", "CommitmentDiscountType",
        "CommitmentDiscountStatus", "PricingCategory", "x_UsageType",
    ]  # fmt: skip
    frequency = {
        "SavingsPlanUpfrontFee": "One-Time",
        "RIFee": "Recurring",
        "SavingsPlanRecurringFee": "Recurring",
    }
    with path.open("w", newline="") as fh:
        out = csv.DictWriter(fh, columns)
        out.writeheader()
        for row in bill.rows:
            kind = row["line_item_line_item_type"]
            if kind == "SavingsPlanNegation":  # netted into its covered usage's BilledCost
                continue
            period = row["bill_billing_period_start_date"]
            net = float(row["line_item_net_unblended_cost"]) if kind in ("Usage", "EdpDiscount") else None
            effective = net if net is not None else effective_cost(row)
            commitment = row["savings_plan_savings_plan_a_r_n"] or row["reservation_reservation_a_r_n"]
            out.writerow(
                {
                    "BillingAccountId": ACCOUNT_A,
                    "BillingCurrency": "USD",
                    "BillingPeriodStart": f"{period:%Y-%m-%dT%H:%M:%SZ}",
                    "BillingPeriodEnd": f"{row['bill_billing_period_end_date']:%Y-%m-%dT%H:%M:%SZ}",
                    "ChargePeriodStart": f"{row['line_item_usage_start_date']:%Y-%m-%dT%H:%M:%SZ}",
                    "ChargePeriodEnd": f"{row['line_item_usage_end_date']:%Y-%m-%dT%H:%M:%SZ}",
                    "ChargeCategory": CHARGE_CATEGORY[kind],
                    "ChargeClass": "Correction" if row["line_item_usage_start_date"] < period else "",
                    "ChargeDescription": kind,
                    "ChargeFrequency": frequency.get(kind, "Usage-Based" if kind != "Tax" else "Recurring"),
                    "BilledCost": 0.0 if kind in COMMITTED else row["line_item_unblended_cost"],
                    "EffectiveCost": effective,
                    "ListCost": row["pricing_public_on_demand_cost"],
                    "ProviderName": "AWS",
                    "PublisherName": "AWS",
                    "InvoiceIssuerName": "AWS",
                    "ServiceName": row["product_product_name"],
                    "RegionId": row["product_region_code"],
                    "ResourceId": row["line_item_resource_id"],
                    "SubAccountId": row["line_item_usage_account_id"],
                    "Tags": json.dumps({k[len("user_") :]: v for k, v in row["resource_tags"].items()}),
                    "CommitmentDiscountId": commitment,
                    "CommitmentDiscountType": (
                        "Savings Plan"
                        if row["savings_plan_savings_plan_a_r_n"]
                        else "Reservation"
                        if commitment
                        else ""
                    ),
                    "CommitmentDiscountStatus": "Used" if kind in COMMITTED else "",
                    "PricingCategory": (
                        "Committed"
                        if kind in COMMITTED
                        else "Standard"
                        if CHARGE_CATEGORY[kind] in ("Usage", "Purchase")
                        else ""
                    ),
                    "x_UsageType": row["line_item_usage_type"],
                }
            )
    return path


# ---- Cost Explorer (fetch-actuals' file: usage by SERVICE and USAGE_TYPE; credits, refunds and
# tax by RECORD_TYPE and SERVICE; the ungrouped total) -------------------------------------------

CE_SERVICE = {
    "AmazonEC2": "Amazon Elastic Compute Cloud - Compute",
    "AmazonRDS": "Amazon Relational Database Service",
    "ComputeSavingsPlans": "Savings Plans for AWS Compute usage",
    "AWSSupportBusiness": "AWS Support (Business)",
}
ADJUSTING = ("Credit", "Refund", "Tax")


def _net_amortized(row: dict[str, Any]) -> float:
    """Cost Explorer's NetAmortizedCost of a row: the amortized rule on the net columns (a
    discount's own line at 0: its net is in the usage line's)."""
    if row["line_item_line_item_type"].endswith("Discount"):
        return 0.0
    if row["line_item_line_item_type"] == "Usage":
        return float(row["line_item_net_unblended_cost"])
    return effective_cost(row)


def cost_explorer_file(bill: Bill, granularity: str = "MONTHLY") -> dict[str, Any]:
    """The bill as the three requests `fetch-actuals` saves (placed on the billing period's first
    day when a line item is dated before it, as Cost Explorer dates a refund of a past month)."""
    buckets: dict[dt.date, dict[tuple[str, ...], list[float]]] = {}
    totals: dict[dt.date, list[float]] = {}
    for row in bill.rows:
        start = row["line_item_usage_start_date"]
        period = row["bill_billing_period_start_date"]
        day = max(start, period).date()
        bucket = day.replace(day=1) if granularity == "MONTHLY" else day
        kind = row["line_item_line_item_type"]
        # Cost Explorer's SERVICE of tax is "Tax", whatever product the tax is on
        service = "Tax" if kind == "Tax" else CE_SERVICE[row["line_item_product_code"]]
        key = ("adj", kind, service) if kind in ADJUSTING else ("use", service, row["line_item_usage_type"])
        amounts = [float(row["line_item_unblended_cost"]), effective_cost(row), _net_amortized(row)]
        group = buckets.setdefault(bucket, {}).setdefault(key, [0.0, 0.0, 0.0, 0.0])
        total = totals.setdefault(bucket, [0.0, 0.0, 0.0])
        for i, amount in enumerate(amounts):
            group[i] += amount
            total[i] += amount
        group[3] += float(row["line_item_usage_amount"])

    def money(value: float) -> dict[str, str]:
        return {"Amount": f"{value:.10f}", "Unit": "USD"}

    def metrics(values: list[float]) -> dict[str, Any]:
        out = {
            m: money(v)
            for m, v in zip(("UnblendedCost", "AmortizedCost", "NetAmortizedCost"), values[:3], strict=True)
        }
        if len(values) > 3:
            out["UsageQuantity"] = {"Amount": f"{values[3]:.10f}", "Unit": "N/A"}
        return out

    def end_of(bucket: dt.date) -> dt.date:
        if granularity == "DAILY":
            return bucket + dt.timedelta(days=1)
        return (bucket + dt.timedelta(days=32)).replace(day=1)

    usage, adjustments, overall = [], [], []
    for bucket in sorted(buckets):
        period = {"Start": bucket.isoformat(), "End": end_of(bucket).isoformat()}
        groups = buckets[bucket]
        usage.append({"TimePeriod": period, "Total": {}, "Estimated": False, "Groups": [
            {"Keys": [k[1], k[2]], "Metrics": metrics(v)} for k, v in groups.items() if k[0] == "use"
        ]})  # fmt: skip
        adjustments.append({"TimePeriod": period, "Total": {}, "Estimated": False, "Groups": [
            {"Keys": [k[1], k[2]], "Metrics": metrics(v[:3])} for k, v in groups.items() if k[0] == "adj"
        ]})  # fmt: skip
        overall.append(
            {"TimePeriod": period, "Total": metrics(totals[bucket]), "Groups": [], "Estimated": False}
        )
    first, last = min(buckets), max(buckets)
    base = {
        "TimePeriod": {"Start": first.isoformat(), "End": end_of(last).isoformat()},
        "Granularity": granularity,
    }
    names = ["UnblendedCost", "AmortizedCost", "NetAmortizedCost"]
    by_st = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    by_rt = [{"Type": "DIMENSION", "Key": "RECORD_TYPE"}, {"Type": "DIMENSION", "Key": "SERVICE"}]
    adjusting = {"Dimensions": {"Key": "RECORD_TYPE", "Values": list(ADJUSTING)}}
    return {
        "_source": "SYNTHETIC: tests/commit_bills.py (a tester's generator from the AWS specs)",
        "requests": [
            {
                "request": {
                    **base,
                    "Metrics": [*names, "UsageQuantity"],
                    "GroupBy": by_st,
                    "Filter": {"Not": adjusting},
                },
                "pages": [
                    {"GroupDefinitions": by_st, "ResultsByTime": usage, "DimensionValueAttributes": []}
                ],
            },
            {
                "request": {
                    **base,
                    "Metrics": [*names, "UsageQuantity"],
                    "GroupBy": by_rt,
                    "Filter": adjusting,
                },
                "pages": [
                    {"GroupDefinitions": by_rt, "ResultsByTime": adjustments, "DimensionValueAttributes": []}
                ],
            },
            {
                "request": {**base, "Metrics": names},
                "pages": [{"ResultsByTime": overall, "DimensionValueAttributes": []}],
            },
        ],
    }


def write_cost_explorer(bill: Bill, path: Path, granularity: str = "MONTHLY") -> Path:
    path.write_text(json.dumps(cost_explorer_file(bill, granularity)))
    return path


def add_new_covered_instance(bill: Bill, start: dt.date, through: dt.date) -> None:
    """`i-new`, launched on `start` with a Savings Plan bought the same day that covers it
    whole: `SavingsPlanCoveredUsage` $24 a day (effective $14.40), its negation -$24, the
    plan's recurring fee $7.20 a day and its upfront fee $2,628 on `start` (as the base plan)."""
    sp = {"savings_plan_savings_plan_a_r_n": SP_ARN}
    date = start
    while date <= through:
        begin, end = _day(date)
        bill.add(
            begin, end, ACCOUNT_A, "SavingsPlanCoveredUsage", EC2, "BoxUsage:m5.xlarge", 24.0, resource="i-new",
            savings_plan_savings_plan_effective_cost=14.4, savings_plan_net_savings_plan_effective_cost=14.4, **sp,
        )  # fmt: skip
        bill.add(begin, end, ACCOUNT_A, "SavingsPlanNegation", EC2, "BoxUsage:m5.xlarge", -24.0,
                 resource="i-new", **sp)  # fmt: skip
        bill.add(
            begin, end, ACCOUNT_A, "SavingsPlanRecurringFee", SAVINGS_PLANS, "ComputeSP:1yrPartialUpfront", 7.2,
            resource=SP_ARN, savings_plan_total_commitment_to_date=14.4, savings_plan_used_commitment=14.4, **sp,
        )  # fmt: skip
        if date == start:
            bill.add(begin, begin + dt.timedelta(hours=1), ACCOUNT_A, "SavingsPlanUpfrontFee", SAVINGS_PLANS,
                     "ComputeSP:1yrPartialUpfront", 2628.0, resource=SP_ARN, **sp)  # fmt: skip
        date += dt.timedelta(days=1)
