"""Billing files written from the AWS and FOCUS specifications, not from costmodel's simulator.

A tester's generator for `costmodel budget`: one small account bill (two linked accounts,
an on-demand EC2 instance, a Compute Savings Plan, an RDS Reserved Instance bought
all-upfront-plus-recurring in January, a credit, a refund, tax, Business support and an
EDP discount), written as AWS writes it:

- Cost Explorer GetCostAndUsage responses in `fetch-actuals`' file layout (usage grouped by
  SERVICE and USAGE_TYPE without Credit/Refund/Tax; those grouped by RECORD_TYPE and SERVICE;
  the ungrouped total), monthly or daily;
- CUR 2.0 line items (one row per day and resource, line item types as in the CUR data
  dictionary: Usage, DiscountedUsage, RIFee, Fee, SavingsPlanCoveredUsage,
  SavingsPlanNegation, SavingsPlanRecurringFee, Credit, Refund, Tax).

Every amount is a whole or simple figure per day so a budget's expected value is a hand sum.
Per day (USD): EC2 on-demand 10 (account A, team=web); SP-covered EC2 usage 5 on demand,
3 at the plan's rate, negated -5, plan fee 3 (account A, team=web); RDS covered by the RI,
effective cost 6 (4 recurring + 2 = 730 upfront / 365 days; account B, team=data).
Per month: RI recurring fee 4 x days (RIFee, unblended; amortized 0: fully used), tax 30,
Business support 100 (account A). Once: RI upfront 730 on 2026-01-01 (Fee, amortized 0),
credit -50 on 2026-02-15 (EC2, account A), refund -20 on 2026-03-10 (RDS, account B).
EDP discount: net amortized EC2 on-demand usage is 1 a day less than amortized.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
EC2 = "Amazon Elastic Compute Cloud - Compute"
RDS = "Amazon Relational Database Service"
SUPPORT = "AWS Support (Business)"
SP_SERVICE = "Savings Plans for AWS Compute usage"
EC2_USAGE = "BoxUsage:m5.large"
RDS_USAGE = "InstanceUsage:db.r5.large"
RI_FEE_USAGE = "HeavyUsage:db.r5.large"
SP_FEE_USAGE = "ComputeSP:1yrNoUpfront"

METRICS = ("UnblendedCost", "AmortizedCost", "NetAmortizedCost")


def days_in(month: str) -> int:
    year, mon = (int(p) for p in month.split("-"))
    return calendar.monthrange(year, mon)[1]


def _money(value: Decimal | int) -> dict[str, str]:
    return {"Amount": f"{Decimal(value):.10f}", "Unit": "USD"}


def _metrics(unblended: Decimal | int, amortized: Decimal | int, net: Decimal | int) -> dict[str, Any]:
    return {
        "UnblendedCost": _money(unblended),
        "AmortizedCost": _money(amortized),
        "NetAmortizedCost": _money(net),
        "UsageQuantity": {"Amount": "1.0000000000", "Unit": "N/A"},
    }


def usage_groups(month: str, days: int, first_day: bool) -> list[dict[str, Any]]:
    """SERVICE x USAGE_TYPE groups for `days` days of `month`; `first_day` carries the monthly fees."""
    ec2_unblended = 10 * days  # on-demand; SP-covered usage nets to 0 (5 - 5)
    ec2_amortized = 10 * days + 3 * days  # plus the SP's effective cost
    ec2_net = ec2_amortized - 1 * days  # EDP: 1 a day off the on-demand usage
    groups = [
        {"Keys": [EC2, EC2_USAGE], "Metrics": _metrics(ec2_unblended, ec2_amortized, ec2_net)},
        {"Keys": [SP_SERVICE, SP_FEE_USAGE], "Metrics": _metrics(3 * days, 0, 0)},
        {"Keys": [RDS, RDS_USAGE], "Metrics": _metrics(0, 6 * days, 6 * days)},
    ]
    if first_day:
        fee = 4 * days_in(month) + (730 if month == "2026-01" else 0)
        groups.append({"Keys": [RDS, RI_FEE_USAGE], "Metrics": _metrics(fee, 0, 0)})
        groups.append({"Keys": [SUPPORT, "Dollar"], "Metrics": _metrics(100, 100, 100)})
    return groups


def adjustment_groups(month: str, day_range: range, first_day: bool) -> list[dict[str, Any]]:
    """RECORD_TYPE x SERVICE groups: tax on the month's first day, the credit and the refund."""
    groups = []
    if first_day:
        groups.append({"Keys": ["Tax", "Tax"], "Metrics": _metrics(30, 30, 30)})
    if month == "2026-02" and 15 in day_range:
        groups.append({"Keys": ["Credit", EC2], "Metrics": _metrics(-50, -50, -50)})
    if month == "2026-03" and 10 in day_range:
        groups.append({"Keys": ["Refund", RDS], "Metrics": _metrics(-20, -20, -20)})
    return groups


def _sum(groups: list[dict[str, Any]]) -> dict[str, Any]:
    total = {m: sum(Decimal(g["Metrics"][m]["Amount"]) for g in groups) for m in METRICS}
    return {m: _money(v) for m, v in total.items()}


def _bucket(start: dt.date, end: dt.date, groups: list[dict[str, Any]], estimated: bool) -> dict[str, Any]:
    return {
        "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
        "Total": {},
        "Groups": groups,
        "Estimated": estimated,
    }


def cost_explorer_file(
    months: list[str], granularity: str = "MONTHLY", through: dt.date | None = None
) -> dict[str, Any]:
    """The three requests `fetch-actuals` saves, for `months` (data through `through` when given)."""
    usage, adjustments, totals = [], [], []
    for month in months:
        year, mon = (int(p) for p in month.split("-"))
        last = days_in(month)
        if through is not None and (year, mon) == (through.year, through.month):
            last = through.day
        estimated = last < days_in(month)
        spans = [(1, last)] if granularity == "MONTHLY" else [(d, d) for d in range(1, last + 1)]
        for first, final in spans:
            start = dt.date(year, mon, first)
            end = start + dt.timedelta(days=final - first + 1)
            days = final - first + 1
            use = usage_groups(month, days, first_day=first == 1)
            adj = adjustment_groups(month, range(first, final + 1), first_day=first == 1)
            usage.append(_bucket(start, end, use, estimated))
            adjustments.append(_bucket(start, end, adj, estimated))
            total_bucket = _bucket(start, end, [], estimated)
            total_bucket["Total"] = _sum(use + adj)
            totals.append(total_bucket)
    first_day = f"{months[0]}-01"
    after = dt.date(int(months[-1][:4]), int(months[-1][5:]), 1) + dt.timedelta(days=32)
    base = {
        "TimePeriod": {"Start": first_day, "End": after.replace(day=1).isoformat()},
        "Granularity": granularity,
    }
    metrics = ["UnblendedCost", "AmortizedCost", "NetAmortizedCost", "UsageQuantity"]
    by_st = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    by_rt = [{"Type": "DIMENSION", "Key": "RECORD_TYPE"}, {"Type": "DIMENSION", "Key": "SERVICE"}]
    adjusting = {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Credit", "Refund", "Tax"]}}
    return {
        "_source": "SYNTHETIC: tests/budget_bills.py (a tester's generator from the AWS specs)",
        "requests": [
            {
                "request": {**base, "Metrics": metrics, "GroupBy": by_st, "Filter": {"Not": adjusting}},
                "pages": [
                    {"GroupDefinitions": by_st, "ResultsByTime": usage, "DimensionValueAttributes": []}
                ],
            },
            {
                "request": {**base, "Metrics": metrics, "GroupBy": by_rt, "Filter": adjusting},
                "pages": [
                    {"GroupDefinitions": by_rt, "ResultsByTime": adjustments, "DimensionValueAttributes": []}
                ],
            },
            {
                "request": {**base, "Metrics": list(METRICS)},
                "pages": [{"ResultsByTime": totals, "DimensionValueAttributes": []}],
            },
        ],
    }


def write_cost_explorer(
    path: Path, months: list[str], granularity: str = "MONTHLY", through: dt.date | None = None
) -> Path:
    path.write_text(json.dumps(cost_explorer_file(months, granularity, through)))
    return path


def write_february_by_record_type(path: Path, groups: list[tuple[list[str], int]]) -> Path:
    """February 2026 as Cost Explorer gives it grouped by RECORD_TYPE and SERVICE: each group
    ((record type, service), amount), the same amount in every metric."""
    by = [{"Type": "DIMENSION", "Key": "RECORD_TYPE"}, {"Type": "DIMENSION", "Key": "SERVICE"}]
    period = {"Start": "2026-02-01", "End": "2026-03-01"}
    page = {
        "GroupDefinitions": by,
        "ResultsByTime": [
            {
                "TimePeriod": period,
                "Total": {},
                "Groups": [{"Keys": k, "Metrics": _metrics(v, v, v)} for k, v in groups],
                "Estimated": False,
            }
        ],
        "DimensionValueAttributes": [],
    }
    request = {"TimePeriod": period, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"], "GroupBy": by}
    path.write_text(json.dumps({"requests": [{"request": request, "pages": [page]}]}))
    return path


# ---- CUR 2.0 line items ---------------------------------------------------------------------

RI_ARN = "arn:aws:rds:us-east-1:222222222222:ri:budget-ri"
SP_ARN = "arn:aws:savingsplans::111111111111:savingsplan/budget-sp"


def _row(
    start: dt.datetime,
    end: dt.datetime,
    account: str,
    line_type: str,
    product_code: str,
    product_name: str,
    usage_type: str,
    unblended: Decimal | int,
    amortized: dict[str, Decimal | int] | None = None,
    resource: str = "",
    tags: dict[str, str] | None = None,
    serial: list[int] = [0],  # noqa: B006 - a counter for unique line item ids
) -> dict[str, Any]:
    serial[0] += 1
    row: dict[str, Any] = {
        "identity_line_item_id": f"li-{serial[0]:08d}",
        "identity_time_interval": f"{start:%Y-%m-%dT%H:%M:%SZ}/{end:%Y-%m-%dT%H:%M:%SZ}",
        "bill_payer_account_id": ACCOUNT_A,
        "bill_billing_period_start_date": start.replace(day=1, hour=0),
        "line_item_usage_account_id": account,
        "line_item_line_item_type": line_type,
        "line_item_usage_start_date": start,
        "line_item_usage_end_date": end,
        "line_item_product_code": product_code,
        "product_product_name": product_name,
        "product_region_code": "us-east-1",
        "line_item_usage_type": usage_type,
        "line_item_operation": "RunInstances",
        "line_item_resource_id": resource,
        "line_item_usage_amount": 24.0,
        "line_item_currency_code": "USD",
        "line_item_unblended_cost": float(unblended),
        "line_item_net_unblended_cost": float(unblended),
        "pricing_public_on_demand_cost": float(unblended),
        "reservation_reservation_a_r_n": "",
        "reservation_effective_cost": 0.0,
        "reservation_net_effective_cost": 0.0,
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
    for key, value in (amortized or {}).items():
        row[key] = float(value)
    return row


EC2_PRODUCT = ("AmazonEC2", "Amazon Elastic Compute Cloud")
RDS_PRODUCT = ("AmazonRDS", "Amazon Relational Database Service")
SP_PRODUCT = ("ComputeSavingsPlans", "Savings Plans for AWS Compute usage")
SUPPORT_PRODUCT = ("AWSSupportBusiness", "AWS Support (Business)")


def cur2_rows(months: list[str], through: dt.date | None = None) -> list[dict[str, Any]]:
    """CUR 2.0 line items of the bill, one row per day and resource (data through ``through``)."""
    rows: list[dict[str, Any]] = []

    def add(start, end, account, kind, product, usage, cost, amortized=None, arn="", **kw) -> None:
        row = _row(start, end, account, kind, *product, usage, cost, amortized, **kw)
        row["savings_plan_savings_plan_a_r_n" if arn == SP_ARN else "reservation_reservation_a_r_n"] = arn
        rows.append(row)

    web, data = {"team": "web"}, {"team": "data"}
    sp_used = {
        "savings_plan_savings_plan_effective_cost": 3,
        "savings_plan_net_savings_plan_effective_cost": 3,
    }
    sp_fee = {"savings_plan_total_commitment_to_date": 3, "savings_plan_used_commitment": 3}
    ri_used = {"reservation_effective_cost": 6, "reservation_net_effective_cost": 6}
    edp = {"line_item_net_unblended_cost": 9}  # the EDP discount, in the net column (CUR 2.0's default)
    for month in months:
        year, mon = (int(p) for p in month.split("-"))
        first = dt.datetime(year, mon, 1)
        month_end = first + dt.timedelta(days=days_in(month))
        cut = through is not None and (year, mon) == (through.year, through.month)
        for day in range(1, (through.day if cut and through else days_in(month)) + 1):
            start = dt.datetime(year, mon, day)
            end = start + dt.timedelta(days=1)
            add(start, end, ACCOUNT_A, "Usage", EC2_PRODUCT, EC2_USAGE, 10, edp, resource="i-web1", tags=web)
            add(
                start,
                end,
                ACCOUNT_A,
                "SavingsPlanCoveredUsage",
                EC2_PRODUCT,
                EC2_USAGE,
                5,
                sp_used,
                SP_ARN,
                resource="i-web2",
                tags=web,
            )
            add(
                start,
                end,
                ACCOUNT_A,
                "SavingsPlanNegation",
                EC2_PRODUCT,
                EC2_USAGE,
                -5,
                None,
                SP_ARN,
                resource="i-web2",
                tags=web,
            )
            add(start, end, ACCOUNT_A, "SavingsPlanRecurringFee", SP_PRODUCT, SP_FEE_USAGE, 3, sp_fee, SP_ARN)
            add(
                start,
                end,
                ACCOUNT_B,
                "DiscountedUsage",
                RDS_PRODUCT,
                RDS_USAGE,
                0,
                ri_used,
                RI_ARN,
                resource="db-data",
                tags=data,
            )
            if (month, day) == ("2026-02", 15):
                add(start, end, ACCOUNT_A, "Credit", EC2_PRODUCT, EC2_USAGE, -50)
            if (month, day) == ("2026-03", 10):
                add(start, end, ACCOUNT_B, "Refund", RDS_PRODUCT, RDS_USAGE, -20)
        # monthly lines span the billing period (as AWS writes RIFee, tax and support)
        # its usage amount is the reservation's hours in the month, as AWS writes an RIFee
        hours = {"line_item_usage_amount": 24 * days_in(month)}
        add(
            first, month_end, ACCOUNT_B, "RIFee", RDS_PRODUCT, RI_FEE_USAGE, 4 * days_in(month), hours, RI_ARN
        )
        if month == "2026-01":  # the RI's upfront fee, billed once
            add(
                first,
                first + dt.timedelta(hours=1),
                ACCOUNT_B,
                "Fee",
                RDS_PRODUCT,
                RI_FEE_USAGE,
                730,
                None,
                RI_ARN,
            )
        add(first, month_end, ACCOUNT_A, "Tax", EC2_PRODUCT, "", 30)
        add(first, month_end, ACCOUNT_A, "Fee", SUPPORT_PRODUCT, "Dollar", 100)
    return rows


# ---- FOCUS 1.0 ------------------------------------------------------------------------------

# ChargeCategory by CUR line item type (FOCUS 1.0: Usage, Purchase, Tax, Credit, Adjustment;
# FOCUS has no refund category: a refund is billed as a credit)
CHARGE_CATEGORY = {
    "Usage": "Usage",
    "DiscountedUsage": "Usage",
    "SavingsPlanCoveredUsage": "Usage",
    "SavingsPlanNegation": "Usage",
    "RIFee": "Purchase",
    "Fee": "Purchase",
    "SavingsPlanRecurringFee": "Purchase",
    "Credit": "Credit",
    "Refund": "Credit",
    "Tax": "Tax",
}


def effective_cost(row: dict[str, Any]) -> float:
    """FOCUS EffectiveCost of a CUR 2.0 row, by the FinOps Foundation converter's recipe."""
    kind = row["line_item_line_item_type"]
    if kind == "SavingsPlanCoveredUsage":
        return float(row["savings_plan_savings_plan_effective_cost"])
    if kind == "SavingsPlanNegation":
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
    if kind == "Fee" and row["reservation_reservation_a_r_n"]:
        return 0.0  # an RI's upfront fee: spread over the usage it covers
    return float(row["line_item_unblended_cost"])


def focus_rows(months: list[str]) -> list[dict[str, Any]]:
    """The bill as FOCUS 1.0 rows (with AWS's x_UsageType), from :func:`cur2_rows`."""
    out = []
    for row in cur2_rows(months):
        start, end = row["line_item_usage_start_date"], row["line_item_usage_end_date"]
        period = row["bill_billing_period_start_date"]
        out.append(
            {
                "BillingAccountId": ACCOUNT_A,
                "BillingCurrency": "USD",
                "BillingPeriodStart": f"{period:%Y-%m-%dT%H:%M:%SZ}",
                "BillingPeriodEnd": f"{(period + dt.timedelta(days=32)).replace(day=1):%Y-%m-%dT%H:%M:%SZ}",
                "ChargePeriodStart": f"{start:%Y-%m-%dT%H:%M:%SZ}",
                "ChargePeriodEnd": f"{end:%Y-%m-%dT%H:%M:%SZ}",
                "ChargeCategory": CHARGE_CATEGORY[row["line_item_line_item_type"]],
                "ChargeDescription": row["line_item_line_item_type"],
                "BilledCost": row["line_item_unblended_cost"],
                "EffectiveCost": effective_cost(row),
                "ListCost": row["pricing_public_on_demand_cost"],
                "ProviderName": "AWS",
                "PublisherName": "AWS",
                "InvoiceIssuerName": "AWS",
                "ServiceName": row["product_product_name"],
                "RegionId": "us-east-1",
                "ResourceId": row["line_item_resource_id"],
                "SubAccountId": row["line_item_usage_account_id"],
                "Tags": json.dumps({key[len("user_") :]: v for key, v in row["resource_tags"].items()}),
                "x_UsageType": row["line_item_usage_type"],
            }
        )
    return out
