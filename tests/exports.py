"""Billing exports written from one small bill, in every variant AWS and the FinOps
Foundation define (tests only): CUR 2.0 (Parquet, CSV, CSV.gz), legacy CUR (CSV, CSV.gz,
CSV.zip, Parquet with its flattened Athena names), FOCUS 1.2 (CSV, Parquet); missing values
as empty, ``NULL`` or ``null``; times naive, ``Z``-suffixed, with an offset, or as
TIMESTAMP WITH TIME ZONE; tags as a MAP, as JSON text or as flattened columns.

The expected figures of a bill are summed here with Decimal from the items themselves,
never through costmodel's reader.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

NEW_YORK = timezone(timedelta(hours=-5))  # a fixed -05:00 offset (EST)


@dataclass(frozen=True)
class Item:
    """One line item of the bill (times in UTC)."""

    line_item_id: str
    start: datetime
    hours: int  # 1 (hourly) or 24 (daily)
    product_code: str
    product_name: str
    usage_type: str
    operation: str
    resource_id: str
    line_item_type: str  # Usage or Tax
    cost: Decimal
    usage: Decimal
    unit: str
    team: str | None  # the tag team, None when untagged
    provider: str = "AWS"
    currency: str = "USD"
    region: str | None = None  # the region column's value; None: the export has no region column
    # the billing period's first day; None: FOCUS writes the start's month, a CUR no bill columns
    billing_period: datetime | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(hours=self.hours)

    @property
    def month(self) -> str:
        return f"{self.start:%Y-%m}"


# every form a variant can take: (schema, format)
FORMATS = [
    ("cur2", "parquet"),
    ("cur2", "csv"),
    ("cur2", "csv.gz"),
    ("legacy", "csv"),
    ("legacy", "csv.gz"),
    ("legacy", "csv.zip"),
    ("legacy", "parquet"),
    ("focus", "csv"),
    ("focus", "parquet"),
]
NULLS = ["", "NULL", "null"]
TEXT_TIMES = ["naive", "z", "ms", "offset"]
PARQUET_TIMES = ["naive", "utc", "new_york", "text_offset"]


def monthly_totals(items: list[Item], provider: str = "AWS") -> dict[str, Decimal]:
    """month -> the sum of the items' cost [USD], by hand."""
    out: dict[str, Decimal] = {}
    for item in items:
        if item.provider == provider:
            out[item.month] = out.get(item.month, Decimal(0)) + item.cost
    return out


def by_team(items: list[Item], month: str) -> dict[str, Decimal]:
    """team (``(untagged)``) -> the month's cost [USD], by hand."""
    out: dict[str, Decimal] = {}
    for item in items:
        if item.month == month and item.provider == "AWS":
            key = item.team or "(untagged)"
            out[key] = out.get(key, Decimal(0)) + item.cost
    return out


def _text_time(moment: datetime, form: str) -> str:
    if form == "naive":
        return f"{moment:%Y-%m-%d %H:%M:%S}"
    if form == "z":
        return f"{moment:%Y-%m-%dT%H:%M:%SZ}"
    if form == "ms":
        return f"{moment:%Y-%m-%dT%H:%M:%S}.000Z"
    shifted = moment.replace(tzinfo=UTC).astimezone(NEW_YORK)  # the same instant at -05:00
    return shifted.isoformat()


def _interval(item: Item) -> str:
    return f"{item.start:%Y-%m-%dT%H:%M:%SZ}/{item.end:%Y-%m-%dT%H:%M:%SZ}"


def _billing_period(item: Item, schema: str) -> dict[str, object]:
    """The item's billing period columns in ``schema``'s naming ({} when it has none)."""
    if item.billing_period is None:
        return {}
    start = item.billing_period
    end = (start + timedelta(days=32)).replace(day=1)
    names = {
        "cur2": ("bill_billing_period_start_date", "bill_billing_period_end_date"),
        "legacy": ("bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate"),
        "focus": ("BillingPeriodStart", "BillingPeriodEnd"),
    }[schema]
    return dict(zip(names, (start, end), strict=True))


def _columns(item: Item, schema: str) -> dict[str, object]:
    """The item's columns in ``schema``'s naming (times as datetimes, tags apart)."""
    if schema == "focus":
        return {
            "BillingPeriodStart": item.start.replace(day=1, hour=0),
            **_billing_period(item, schema),
            "ChargePeriodStart": item.start,
            "ChargePeriodEnd": item.end,
            "ChargeCategory": "Tax" if item.line_item_type == "Tax" else "Usage",
            "BilledCost": item.cost,
            "EffectiveCost": item.cost,
            "BillingCurrency": item.currency,
            "ProviderName": item.provider,
            "ServiceName": item.product_name,
            "SubAccountId": "111122223333",
            "ResourceId": item.resource_id or None,
            "ConsumedQuantity": item.usage if item.line_item_type != "Tax" else None,
            "ConsumedUnit": item.unit or None,
            "x_UsageType": item.usage_type or None,
            "x_ServiceCode": item.product_code,
            "x_Operation": item.operation or None,
            **({"RegionId": item.region or None} if item.region is not None else {}),
        }
    names = {
        "cur2": {
            "id": "identity_line_item_id",
            "interval": "identity_time_interval",
            "account": "line_item_usage_account_id",
            "type": "line_item_line_item_type",
            "start": "line_item_usage_start_date",
            "end": "line_item_usage_end_date",
            "code": "line_item_product_code",
            "usage_type": "line_item_usage_type",
            "operation": "line_item_operation",
            "resource": "line_item_resource_id",
            "usage": "line_item_usage_amount",
            "currency": "line_item_currency_code",
            "cost": "line_item_unblended_cost",
            "unit": "pricing_unit",
            "name": "product_product_name",
        },
        "legacy": {
            "id": "identity/LineItemId",
            "interval": "identity/TimeInterval",
            "account": "lineItem/UsageAccountId",
            "type": "lineItem/LineItemType",
            "start": "lineItem/UsageStartDate",
            "end": "lineItem/UsageEndDate",
            "code": "lineItem/ProductCode",
            "usage_type": "lineItem/UsageType",
            "operation": "lineItem/Operation",
            "resource": "lineItem/ResourceId",
            "usage": "lineItem/UsageAmount",
            "currency": "lineItem/CurrencyCode",
            "cost": "lineItem/UnblendedCost",
            "unit": "pricing/unit",
            "name": "product/ProductName",
        },
    }[schema]
    values = {
        "id": item.line_item_id,
        "interval": _interval(item),
        "account": "111122223333",
        "type": item.line_item_type,
        "start": item.start,
        "end": item.end,
        "code": item.product_code,
        "usage_type": item.usage_type or None,
        "operation": item.operation or None,
        "resource": item.resource_id or None,
        "usage": item.usage,
        "currency": item.currency,
        "cost": item.cost,
        "unit": item.unit or None,
        "name": item.product_name,
    }
    out = {names[k]: v for k, v in values.items()} | _billing_period(item, schema)
    if item.region is not None:
        out["product_region_code" if schema == "cur2" else "product/regionCode"] = item.region or None
    return out


def write(
    items: list[Item],
    path: Path,
    schema: str,
    fmt: str,
    nulls: str = "",
    times: str = "z",
    tags: str = "map",
) -> Path:
    """The bill as one export file at ``path`` + ``.<fmt>`` (``tags``: ``map`` (a MAP in
    Parquet, JSON text in CSV), ``json``, or ``flat``; legacy CUR has flat tags only)."""
    out = path.with_name(f"{path.name}.{fmt}")
    rows = [_columns(i, schema) for i in items]
    if (
        schema == "legacy" and fmt == "parquet"
    ):  # its Athena naming: lineItem/UsageType -> line_item_usage_type
        from costmodel.lineitems.tag_columns import athena_name

        rows = [{athena_name(k): v for k, v in r.items()} for r in rows]
        tags = "flat-parquet"
    if fmt == "parquet":
        _write_parquet(items, rows, out, schema, times, tags)
    else:
        _write_csv(items, rows, out, schema, fmt, nulls, times, tags)
    return out


def _tag_column(schema: str, tags: str) -> str:
    if tags == "flat-parquet":
        return "resource_tags_user_team"
    if schema == "legacy" or tags == "flat":
        return "resourceTags/user:team" if schema == "legacy" else "resource_tags_user_team"
    return "Tags" if schema == "focus" else "resource_tags"


def _tag_key(schema: str) -> str:
    return "user:team" if schema == "focus" else "user_team"


def _write_csv(items, rows, out, schema, fmt, nulls, times, tags) -> None:
    header = list(rows[0])
    if schema == "cur2":
        header.remove("product_product_name")
        header.append("product")
    tag_column = _tag_column(schema, tags)
    header.append(tag_column)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for item, row in zip(items, rows, strict=True):
        cells = []
        for column in header:
            if column == "product":
                value: object = json.dumps({"product_name": item.product_name, "region": "us-east-1"})
            elif column == tag_column:
                if tag_column in ("resource_tags", "Tags"):
                    value = json.dumps({_tag_key(schema): item.team} if item.team else {})
                else:
                    value = item.team
            else:
                value = row[column]
            if isinstance(value, datetime):
                value = _text_time(value, times)
            cells.append(nulls if value is None else str(value))
        writer.writerow(cells)
    data = text.getvalue().encode()
    if fmt == "csv":
        out.write_bytes(data)
    elif fmt == "csv.gz":
        out.write_bytes(gzip.compress(data))
    else:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(out.name.removesuffix(".zip"), data)


def _write_parquet(items, rows, out, schema, times, tags) -> None:
    columns: dict[str, pa.Array] = {}
    for name in rows[0]:
        values = [r[name] for r in rows]
        sample = next((v for v in values if v is not None), "")
        if isinstance(sample, datetime):
            columns[name] = _parquet_times(values, times)
        elif isinstance(sample, Decimal):
            columns[name] = pa.array([None if v is None else float(v) for v in values], pa.float64())
        else:
            columns[name] = pa.array(values, pa.string())
    tag_column = _tag_column(schema, tags)
    if schema == "cur2" and tags != "flat-parquet":
        del columns["product_product_name"]
        columns["product"] = pa.array(
            [[("product_name", i.product_name)] for i in items], pa.map_(pa.string(), pa.string())
        )
    if tag_column in ("resource_tags", "Tags") and tags == "map":
        columns[tag_column] = pa.array(
            [[(_tag_key(schema), i.team)] if i.team else [] for i in items], pa.map_(pa.string(), pa.string())
        )
    elif tag_column in ("resource_tags", "Tags"):  # JSON text in a Parquet string column
        columns[tag_column] = pa.array(
            [json.dumps({_tag_key(schema): i.team} if i.team else {}) for i in items], pa.string()
        )
    else:
        columns[tag_column] = pa.array([i.team for i in items], pa.string())
    pq.write_table(pa.table(columns), out)


def _parquet_times(values: list[datetime], form: str) -> pa.Array:
    if form == "naive":
        return pa.array(values, pa.timestamp("us"))
    if form == "text_offset":  # a pipeline that kept the text
        return pa.array([_text_time(v, "offset") for v in values], pa.string())
    zone = "UTC" if form == "utc" else "America/New_York"
    aware = [v.replace(tzinfo=UTC) for v in values]
    return pa.array(aware, pa.timestamp("us", tz=zone))


__all__ = ["FORMATS", "NULLS", "PARQUET_TIMES", "TEXT_TIMES", "Item", "by_team", "monthly_totals", "write"]
