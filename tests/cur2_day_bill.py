"""A tester's CUR 2.0 generator, written from the AWS CUR 2.0 data dictionary (line item
types, the reservation and savings plan columns, the ``product`` / ``resource_tags`` maps),
not from costmodel's simulator or the other test generators.

Daily line items (one row per day and resource, as an export of DAILY granularity), three
accounts: the payer 111111111111 (buys a Compute Savings Plan and an RDS reservation, pays
tax and Business support), 222222222222 (on-demand EC2 and RI-covered RDS) and
333333333333 (SP-covered EC2). Per day (USD, unblended / amortized):

- 222: ``BoxUsage:m5.large`` Usage 10 / 10 and its EdpDiscount -1 / -1; RDS DiscountedUsage
  0 / 4 (the reservation's effective cost);
- 333: ``BoxUsage:c5.large`` SavingsPlanCoveredUsage 8 / 5 and SavingsPlanNegation -8 / 0;
- payer: SavingsPlanRecurringFee 6 / 1 (commitment 6, used 5).

Once a month: RIFee 90 / 0 (payer, the 1st), Tax 30 and Business support 100 (payer, the
1st), a BundledDiscount -2 on ``BoxUsage:c5.large`` (333, the 10th), Credit -50 (222, the
15th), Refund -20 (222, the 20th). ``monthly_discount`` adds another once-a-month line item
(any type, any amount) on the 10th; ``extra`` any line items (a reservation's upfront fee).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

PAYER, WEB_ACCOUNT, BATCH_ACCOUNT = "111111111111", "222222222222", "333333333333"
RI_ARN = "arn:aws:rds:us-east-1:111111111111:ri:db-ri-1"
SP_ARN = "arn:aws:savingsplans::111111111111:savingsplan/sp-1"
PRODUCT_NAMES = {
    "AmazonEC2": "Amazon Elastic Compute Cloud",
    "AmazonRDS": "Amazon Relational Database Service",
    "AWSSupportBusiness": "AWS Support (Business)",
    "ComputeSavingsPlans": "Savings Plans for AWS Compute usage",
}
MAPS = ("product", "resource_tags", "cost_category")
AMOUNTS = (
    "line_item_usage_amount",
    "reservation_effective_cost",
    "savings_plan_savings_plan_effective_cost",
    "savings_plan_total_commitment_to_date",
    "savings_plan_used_commitment",
)


def line_item(
    day: dt.date, account: str, kind: str, product: str, usage_type: str, cost: float, **extra
) -> dict:
    """One daily CUR 2.0 line item; ``extra`` sets any other column (``resource_tags`` a dict)."""
    start = dt.datetime.combine(day, dt.time())
    period = dt.datetime(day.year, day.month, 1)
    row: dict[str, Any] = {
        "identity_time_interval": f"{start:%Y-%m-%dT%H:%M:%SZ}/{start + dt.timedelta(days=1):%Y-%m-%dT%H:%M:%SZ}",
        "bill_payer_account_id": PAYER,
        "bill_billing_period_start_date": period,
        "bill_billing_period_end_date": (period + dt.timedelta(days=32)).replace(day=1),
        "line_item_usage_account_id": account,
        "line_item_line_item_type": kind,
        "line_item_usage_start_date": start,
        "line_item_usage_end_date": start + dt.timedelta(days=1),
        "line_item_product_code": product,
        "line_item_usage_type": usage_type,
        "line_item_resource_id": "",
        "line_item_currency_code": "USD",
        "line_item_unblended_cost": cost,
        "product_region_code": "us-east-1",
        "product": {"product_name": PRODUCT_NAMES[product]},
        "resource_tags": {},
        "cost_category": {},
        "reservation_reservation_a_r_n": "",
        "savings_plan_savings_plan_a_r_n": "",
        "reservation_unused_amortized_upfront_fee_for_billing_period": 0.0,
        "reservation_unused_recurring_fee": 0.0,
    } | dict.fromkeys(AMOUNTS, 0.0)
    return row | extra


def month_items(
    year: int, month: int, through: dt.date, monthly_discount: tuple[str, float] | None
) -> list[dict]:
    """The line items of one month, days before ``through`` only."""
    items = []
    day = dt.date(year, month, 1)
    while day.month == month and day < through:
        web = {"resource_tags": {"user_team": "web"}}
        batch = {"resource_tags": {"user_team": "batch"}, "savings_plan_savings_plan_a_r_n": SP_ARN}
        items += [
            line_item(day, WEB_ACCOUNT, "Usage", "AmazonEC2", "BoxUsage:m5.large", 10.0, **web),
            line_item(day, WEB_ACCOUNT, "EdpDiscount", "AmazonEC2", "BoxUsage:m5.large", -1.0, **web),
            line_item(day, WEB_ACCOUNT, "DiscountedUsage", "AmazonRDS", "InstanceUsage:db.r5.large", 0.0,
                      reservation_effective_cost=4.0, reservation_reservation_a_r_n=RI_ARN),
            line_item(day, BATCH_ACCOUNT, "SavingsPlanCoveredUsage", "AmazonEC2", "BoxUsage:c5.large", 8.0,
                      savings_plan_savings_plan_effective_cost=5.0, **batch),
            line_item(day, BATCH_ACCOUNT, "SavingsPlanNegation", "AmazonEC2", "BoxUsage:c5.large", -8.0, **batch),
            line_item(day, PAYER, "SavingsPlanRecurringFee", "ComputeSavingsPlans", "ComputeSP:1yrNoUpfront", 6.0,
                      savings_plan_total_commitment_to_date=6.0, savings_plan_used_commitment=5.0,
                      savings_plan_savings_plan_a_r_n=SP_ARN),
        ]  # fmt: skip
        day += dt.timedelta(days=1)
    first, tenth = dt.date(year, month, 1), dt.date(year, month, 10)
    once = [
        line_item(first, PAYER, "RIFee", "AmazonRDS", "HeavyUsage:db.r5.large", 90.0,
                  reservation_reservation_a_r_n=RI_ARN),
        line_item(first, PAYER, "Tax", "AmazonEC2", "", 30.0),
        line_item(first, PAYER, "Fee", "AWSSupportBusiness", "Dollar", 100.0),
        line_item(tenth, BATCH_ACCOUNT, "BundledDiscount", "AmazonEC2", "BoxUsage:c5.large", -2.0),
        line_item(dt.date(year, month, 15), WEB_ACCOUNT, "Credit", "AmazonEC2", "BoxUsage:m5.large", -50.0),
        line_item(dt.date(year, month, 20), WEB_ACCOUNT, "Refund", "AmazonEC2", "BoxUsage:m5.large", -20.0),
    ]  # fmt: skip
    if monthly_discount:
        kind, amount = monthly_discount
        once.append(line_item(tenth, BATCH_ACCOUNT, kind, "AmazonEC2", "BoxUsage:c5.large", amount))
    return items + [row for row in once if row["line_item_usage_start_date"].date() < through]


def write(
    path: Path,
    months: list[str],
    through: dt.date,
    monthly_discount: tuple[str, float] | None = None,
    extra: tuple[dict, ...] = (),
    since: dt.date | None = None,
) -> Path:
    """A CUR 2.0 Parquet export of ``months`` (YYYY-MM), data before ``through`` (and from
    ``since``, when given), with the line items ``extra`` (see :func:`line_item`) too."""
    rows = list(extra)
    for month in months:
        year, mon = (int(p) for p in month.split("-"))
        items = month_items(year, mon, through, monthly_discount)
        rows += [r for r in items if since is None or r["line_item_usage_start_date"].date() >= since]
    for number, row in enumerate(rows):
        row["identity_line_item_id"] = f"li-{number}"
    plain = pa.Table.from_pylist([{k: v for k, v in r.items() if k not in MAPS} for r in rows])
    for name in MAPS:
        values = [list(r[name].items()) for r in rows]
        plain = plain.append_column(name, pa.array(values, type=pa.map_(pa.string(), pa.string())))
    pq.write_table(plain, path)
    return path
