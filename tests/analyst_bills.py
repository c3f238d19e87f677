"""A FinOps analyst's Cost Explorer files, written from the GetCostAndUsage API reference.

Tester's own generator (not costmodel's simulator, not benchmarks/): one plain
``GetCostAndUsage`` response (what ``aws ce get-cost-and-usage`` prints), DAILY or MONTHLY,
grouped by up to two dimensions, every amount a simple figure so expected values are hand
sums. ``cost_of(day) -> {keys: usd}`` says what each group cost on a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

EC2 = "Amazon Elastic Compute Cloud - Compute"
RDS = "Amazon Relational Database Service"
S3 = "Amazon Simple Storage Service"
SUPPORT = "AWS Support (Business)"
TAX = "Tax"

CostOfDay = Callable[[dt.date], dict[tuple[str, ...], float]]


def _money(usd: float, unit: str = "USD") -> dict[str, str]:
    return {"Amount": f"{Decimal(str(usd)):.10f}", "Unit": unit}


def _buckets(start: dt.date, end: dt.date, granularity: str) -> list[tuple[dt.date, dt.date]]:
    """[start, end) cut into days or calendar months (a month cut at ``end``)."""
    out = []
    day = start
    while day < end:
        if granularity == "DAILY":
            nxt = day + dt.timedelta(days=1)
        else:
            nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        nxt = min(nxt, end)
        out.append((day, nxt))
        day = nxt
    return out


def ce_response(
    cost_of: CostOfDay,
    start: str,
    end: str,
    *,
    granularity: str = "DAILY",
    group_by: tuple[str, ...] = ("SERVICE",),
    estimated_from: str | None = None,
    unit: str = "USD",
) -> dict[str, Any]:
    """One GetCostAndUsage response, UnblendedCost, groups summed over each bucket's days."""
    first, stop = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    estimated = dt.date.fromisoformat(estimated_from) if estimated_from else None
    results = []
    for lo, hi in _buckets(first, stop, granularity):
        sums: dict[tuple[str, ...], float] = {}
        day = lo
        while day < hi:
            for keys, usd in cost_of(day).items():
                sums[keys] = sums.get(keys, 0.0) + usd
            day += dt.timedelta(days=1)
        groups = [
            {"Keys": list(keys), "Metrics": {"UnblendedCost": _money(round(usd, 10), unit)}}
            for keys, usd in sorted(sums.items())
        ]
        results.append(
            {
                "TimePeriod": {"Start": lo.isoformat(), "End": hi.isoformat()},
                "Total": {},
                "Groups": groups,
                "Estimated": bool(estimated and hi > estimated),
            }
        )
    return {
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": key} for key in group_by],
        "ResultsByTime": results,
        "DimensionValueAttributes": [],
    }


CUR2_COLUMNS = (
    "identity_line_item_id",
    "bill_billing_period_start_date",
    "line_item_usage_account_id",
    "line_item_line_item_type",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_operation",
    "line_item_resource_id",
    "line_item_usage_amount",
    "line_item_unblended_cost",
    "line_item_currency_code",
    "product_region_code",
    "pricing_unit",
    "resource_tags",
)

LineItem = dict[str, Any]
ItemsOfDay = Callable[[dt.date], list[LineItem]]


def cur2_rows(items_of: ItemsOfDay, start: str, end: str) -> list[dict[str, str]]:
    """CUR 2.0 rows (Data Exports' column names, as text as its CSV holds them) for each day
    of [start, end): each item of ``items_of(day)`` gives ``account``, ``type``
    (line_item_line_item_type), ``product``, ``usage_type``, ``cost``, optional ``region``,
    ``tags`` ({key: value}, written as CUR 2.0's ``resource_tags`` map with ``user_`` keys),
    ``resource``, and ``whole_month`` (a charge dated over its billing period, as tax is)."""
    rows = []
    day = dt.date.fromisoformat(start)
    stop = dt.date.fromisoformat(end)
    while day < stop:
        for n, item in enumerate(items_of(day)):
            lo, hi = day, day + dt.timedelta(days=1)
            if item.get("whole_month"):
                lo = day.replace(day=1)
                hi = (lo + dt.timedelta(days=32)).replace(day=1)
            tags = ", ".join(f'"user_{k}": "{v}"' for k, v in item.get("tags", {}).items())
            rows.append(
                {
                    "identity_line_item_id": f"{day.isoformat()}-{n}",
                    "bill_billing_period_start_date": f"{day.replace(day=1).isoformat()}T00:00:00Z",
                    "line_item_usage_account_id": item["account"],
                    "line_item_line_item_type": item.get("type", "Usage"),
                    "line_item_usage_start_date": f"{lo.isoformat()}T00:00:00Z",
                    "line_item_usage_end_date": f"{hi.isoformat()}T00:00:00Z",
                    "line_item_product_code": item["product"],
                    "line_item_usage_type": item["usage_type"],
                    "line_item_operation": item.get("operation", "RunInstances"),
                    "line_item_resource_id": item.get("resource", ""),
                    "line_item_usage_amount": "24",
                    "line_item_unblended_cost": f"{item['cost']:.10f}",
                    "line_item_currency_code": "USD",
                    "product_region_code": item.get("region", ""),
                    "pricing_unit": "Hrs",
                    "resource_tags": "{" + tags + "}",
                }
            )
        day += dt.timedelta(days=1)
    return rows


def write_cur2_csv(path: Any, rows: list[dict[str, str]]) -> None:
    import csv

    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CUR2_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
