"""Bills by linked account for tests (session 38): a CUR 2.0 CSV writer of one day's line
items per row, and a saved Cost Explorer request grouped by SERVICE and LINKED_ACCOUNT.
Amounts are written as given; tests sum what they expect by hand."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

SERVICE_AND_ACCOUNT = [
    {"Type": "DIMENSION", "Key": "SERVICE"},
    {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
]

CUR2_COLUMNS = [
    "identity_line_item_id",
    "bill_billing_period_start_date",
    "bill_billing_period_end_date",
    "line_item_usage_account_id",
    "line_item_line_item_type",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_resource_id",
    "line_item_usage_amount",
    "line_item_currency_code",
    "line_item_unblended_cost",
    "product_region_code",
]


def cur2_day_row(
    line_id: str,
    account: str,
    day: dt.date,
    code: str,
    usage_type: str,
    resource: str,
    amount: float,
    usd: float,
) -> list:
    """One Usage line item of a whole day in us-east-1, in :data:`CUR2_COLUMNS`' order."""
    period = day.replace(day=1)
    period_end = (period + dt.timedelta(days=32)).replace(day=1)
    return [
        line_id,
        f"{period}T00:00:00Z",
        f"{period_end}T00:00:00Z",
        account,
        "Usage",
        f"{day}T00:00:00Z",
        f"{day + dt.timedelta(days=1)}T00:00:00Z",
        code,
        usage_type,
        resource,
        amount,
        "USD",
        usd,
        "us-east-1",
    ]


def write_cur2_csv(path: Path, rows: Iterable[list]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CUR2_COLUMNS)
        writer.writerows(rows)
    return path


def save_ce_request(
    path: Path, granularity: str, first: dt.date, end: dt.date, group_by: list[dict], results: list[dict]
) -> Path:
    """One saved GetCostAndUsage request (UnblendedCost) and its one page, as fetch-actuals saves them."""
    request = {
        "TimePeriod": {"Start": first.isoformat(), "End": end.isoformat()},
        "Granularity": granularity,
        "Metrics": ["UnblendedCost"],
        "GroupBy": group_by,
    }
    page = {"GroupDefinitions": group_by, "ResultsByTime": results}
    path.write_text(json.dumps({"requests": [{"request": request, "pages": [page]}]}))
    return path
