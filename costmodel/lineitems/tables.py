"""What the line items give: the monthly actuals table reconcile consumes, and tables by
resource, by hour and by tag, account, service or usage type.

Money is conserved here as everywhere: the monthly table's groups must add up, month by
month, to the export's own total (an ungrouped SUM over every line item) and count every
line item, or the export is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.actuals.controls import EXPORT_TOTAL, TIDY_COLUMNS, Actuals, controls_table
from costmodel.actuals.series import LINE_ITEM_TYPE
from costmodel.constants import TAG_PREFIX, UNTAGGED
from costmodel.data_files import data_path
from costmodel.errors import InputError
from costmodel.lineitems.engine import Athena, run
from costmodel.lineitems.queries import breakdown_key, month_filter
from costmodel.lineitems.scan import GROUP_KEYS, check_money, prepare, product_names, scan
from costmodel.lineitems.schema import q
from costmodel.lineitems.source import Findings, Source
from costmodel.lineitems.tag_columns import absent_tag_note, tag_json_column, tag_key_names
from costmodel.service_names import CE_EC2, CE_EC2_OTHER, CE_EC2_WHOLE
from costmodel.usage_types import EC2_INSTANCE_HOURS, strip_region_prefix

EC2_COMPUTE = CE_EC2
# usage types of EC2 instance hours: Cost Explorer's CE_EC2
EC2_COMPUTE_USAGE = re.compile(
    r"^(BoxUsage|SpotUsage|DedicatedUsage|HostUsage|HostBoxUsage|HeavyUsage|ReservedHostUsage|UnusedBox|DedicatedRes)"
)
RECORD_TYPES = {t: t for t in record_types.NOT_USAGE}  # line item type -> CE RECORD_TYPE (same names)


@cache
def _product_services() -> dict[str, str]:
    table = pd.read_csv(data_path("lineitems", "product-services.csv"), keep_default_na=False)
    return dict(zip(table["product_code"], table["service"], strict=True))


def ce_service(
    product_code: str, product_name: str, usage_type: str, line_item_type: str, usage_types: bool = True
) -> str:
    """The Cost Explorer SERVICE a line item is billed under (tax lines: ``Tax``). EC2 is
    split by usage type as Cost Explorer splits it; in an export without usage types
    (``usage_types`` false) it is the whole service, ``Amazon Elastic Compute Cloud``."""
    if line_item_type == record_types.TAX:
        return record_types.TAX_SERVICE
    if product_code == "AmazonEC2" or product_name == CE_EC2_WHOLE:
        if not usage_types:
            return CE_EC2_WHOLE
        return EC2_COMPUTE if EC2_COMPUTE_USAGE.match(strip_region_prefix(usage_type)) else CE_EC2_OTHER
    return _product_services().get(product_code) or product_name or product_code


@dataclass(frozen=True, repr=False)
class LineItemBill(Actuals):
    """A bill read from line items, with what reading them found (said by every output)."""

    findings: Findings = field(default_factory=Findings)

    @property
    def notes(self) -> list[str]:
        return self.findings.notes()


def bill(source: Source, athena: Athena | None = None, granularity: str = "MONTHLY") -> LineItemBill:
    """The monthly (or ``DAILY``) actuals of an export (the table :func:`costmodel.actuals.read_actuals`
    gives for Cost Explorer data), with each month's control: the export's own total. A
    month whose data ends before its last day is ``estimated`` (in progress), as Cost
    Explorer marks a month not yet final. One pass over a clean export (:func:`scan`)."""
    if granularity not in ("MONTHLY", "DAILY"):
        raise ValueError(f"granularity must be MONTHLY or DAILY, not {granularity!r}")
    scanned = scan(source, "month" if granularity == "MONTHLY" else "day", athena)
    source, groups, totals = scanned.source, scanned.groups.copy(), scanned.totals.set_index("month")
    findings = source.findings or Findings()
    if groups.empty:
        raise InputError(f"{source.origin}: no line items")
    if not scanned.names_read:
        groups = _with_product_names(groups, source, athena)
    if granularity == "DAILY":
        groups["day"] = pd.to_datetime(groups["period"])
    counted = groups.groupby("month")["line_items"].sum()
    lost = counted.reindex(totals.index, fill_value=0) != totals["line_items"]
    if lost.any():
        month = lost.idxmax()
        raise InputError(
            f"{source.origin}, {month}: {int(counted.get(month, 0))} line items in groups of "
            f"{int(totals.loc[month, 'line_items'])}: some were lost"
        )
    # in a fixed order, so that a usage type billed in two units shows the same one every time
    groups = groups.sort_values(["month", *(["day"] if granularity == "DAILY" else []), *GROUP_KEYS])
    usage_types = source.schema.source_column("usage_type", source.present) is not None
    rows = _tidy(groups, source.origin, granularity, {m for m, _ in findings.in_progress}, usage_types)
    if granularity == "MONTHLY":
        rows = _covered_part(rows, findings)
    amounts = [Decimal(repr(float(v))) for v in rows["unblended_cost"]]
    sums: dict[str, Decimal] = {}
    for month, amount in zip(rows["month"], amounts, strict=True):
        sums[month] = sums.get(month, Decimal(0)) + amount
    independent = {m: Decimal(repr(float(v))) for m, v in totals["unblended_cost"].items()}
    controls = controls_table(rows, sums, independent, EXPORT_TOTAL, source.origin)
    return LineItemBill(rows=rows, controls=controls, origin=source.origin, findings=findings)


def _covered_part(rows: pd.DataFrame, findings: Findings) -> pd.DataFrame:
    """Monthly rows whose period is the part of the month the data covers: from where a part
    month's usage data starts, to where a month in progress's ends (so that the model is
    compared over the same hours, and the month is not taken for a whole one)."""
    rows = rows.copy()
    for month, start in findings.partial_start:
        rows.loc[rows["month"] == month, "period_start"] = pd.Timestamp(start).floor("h")
    for month, end in findings.in_progress:
        rows.loc[rows["month"] == month, "period_end"] = pd.Timestamp(end).ceil("h")
    return rows


def _with_product_names(groups: pd.DataFrame, source: Source, athena: Athena | None) -> pd.DataFrame:
    """Groups read without product names given the names their service needs: those of
    product codes :func:`ce_service` does not know (AWS Marketplace products, new services),
    read once per code (:func:`costmodel.lineitems.scan.product_names`)."""
    known = _product_services()
    unknown = {c for c in groups["product_code"] if c not in known and c != "AmazonEC2"}
    names = product_names(source, groups, unknown, athena)
    return groups.assign(product_name=[names.get(code, "") for code in groups["product_code"]])


def _tidy(
    groups: pd.DataFrame,
    origin: str,
    granularity: str = "MONTHLY",
    in_progress: set[str] | None = None,
    usage_types: bool = True,
) -> pd.DataFrame:
    """Aggregated line items as tidy Cost Explorer rows: one per period, service, usage type
    and record type (reserved and on-demand usage of one usage type in one row, as CE);
    ``usage_types`` false for an export that has none (see :func:`ce_service`)."""
    frame = groups.copy()
    frame["service"] = [
        ce_service(c, n, u, t, usage_types)
        for c, n, u, t in zip(
            frame["product_code"],
            frame["product_name"],
            frame["usage_type"],
            frame["line_item_type"],
            strict=True,
        )
    ]
    frame["record_type"] = frame["line_item_type"].map(RECORD_TYPES).fillna("")
    special = frame["record_type"] != ""
    frame.loc[special, "usage_type"] = ""  # CE groups credits, refunds and tax by service only
    frame.loc[special, "usage_unit"] = ""
    # an unknown amortized group makes its CE row's amortized cost unknown, not partial
    frame["_amortized_known"] = frame["amortized_cost"].notna()
    period = "month" if granularity == "MONTHLY" else "day"
    keys = [period, "service", "usage_type", "record_type"]
    if period == "day":
        # each line item type a row of its own: a reservation's upfront fee bought mid-month on
        # the usage type of its monthly RIFee is a charge billed once, not part of a daily rate
        frame[LINE_ITEM_TYPE] = frame["line_item_type"].fillna("")
        keys += ["month", LINE_ITEM_TYPE]
    merged = frame.groupby(keys, as_index=False).agg(
        unblended_cost=("unblended_cost", "sum"),
        amortized_cost=("amortized_cost", "sum"),
        _amortized_known=("_amortized_known", "all"),
        usage_quantity=("usage_amount", "sum"),
        usage_unit=("usage_unit", "first"),
        line_items=("line_items", "sum"),
    )
    merged.loc[~merged["_amortized_known"], "amortized_cost"] = np.nan
    if period == "month":
        start = pd.to_datetime(merged["month"] + "-01")
        merged["period_start"], merged["period_end"] = start, start + pd.DateOffset(months=1)
    else:
        merged["period_start"], merged["period_end"] = merged["day"], merged["day"] + pd.Timedelta(days=1)
    merged["granularity"] = granularity
    merged["estimated"] = merged["month"].isin(in_progress or set())
    merged["source"] = origin + ": " + merged["line_items"].astype(str) + " line items"
    for column in TIDY_COLUMNS:
        if column not in merged.columns:
            merged[column] = np.nan
    return merged[[*TIDY_COLUMNS, *([LINE_ITEM_TYPE] if period == "day" else [])]]


def month_line_items(source: Source, month: str, athena: Athena | None = None) -> tuple[float, int]:
    """The export's own cost total and line-item count for ``month`` [USD, line items]; a
    month the export does not have is an error (its tables would claim nothing ran)."""
    source = prepare(source, athena)
    total = run(source, "month_total", athena, month=month, month_filter=month_filter(month))
    count = int(total["line_items"].iloc[0]) if len(total) and pd.notna(total["line_items"].iloc[0]) else 0
    if count == 0:
        raise InputError(f"{source.origin}: no line items in {month}")
    return float(total["cost"].iloc[0]), count


def resources(source: Source, month: str, athena: Athena | None = None) -> pd.DataFrame:
    """Cost, usage and amortized cost per resource and usage type in ``month`` (the
    ``resources`` contract's columns, before the model's components are joined)."""
    source = prepare(source, athena)
    month_line_items(source, month, athena)
    frame = run(source, "resources", athena, month=month, month_filter=month_filter(month))
    frame["service"] = [
        ce_service(c, n, u, "")
        for c, n, u in zip(frame["product_code"], frame["product_name"], frame["usage_type"], strict=True)
    ]
    return frame.sort_values("cost", ascending=False, ignore_index=True)


def hourly_instances(
    source: Source, month: str, instance_type: str, athena: Athena | None = None
) -> pd.DataFrame:
    """Instances of ``instance_type`` running each hour of ``month`` [instances]: the node
    group's real autoscaling curve (hours with none are 0; a month in progress ends with its
    data)."""
    if not re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+", instance_type):
        raise InputError(f"instance type {instance_type!r} is not of the form family.size")
    if source.schema.source_column("usage_type", source.present) is None:
        # instance hours are told by their usage type: without it every hour would read 0 nodes
        raise InputError(
            f"{source.origin}: the export has no usage types (column "
            f"{source.schema.columns['usage_type']}), so instance hours of {instance_type} cannot be "
            "told from other line items; export it with that column (AWS's FOCUS export has it)"
        )
    source = prepare(source, athena)
    month_line_items(source, month, athena)
    frame = run(
        source,
        "hourly",
        athena,
        month=month,
        month_filter=month_filter(month),
        box=EC2_INSTANCE_HOURS + instance_type,
    )
    period = pd.Period(month, "M")
    # a month in progress: only the hours its data covers (the rest are unknown, not 0 nodes)
    end = source.findings.data_end(month) if source.findings is not None else None
    last = (
        pd.Timestamp(end).ceil("h") - pd.Timedelta(hours=1) if end is not None else period.end_time.floor("h")
    )
    hours = pd.date_range(period.start_time, last, freq="h")
    frame["hour"] = pd.to_datetime(frame["hour"])
    series = frame.set_index("hour")["instance_hours"].reindex(hours, fill_value=0.0)
    return series.rename("instances").rename_axis("hour").reset_index()


def _check_tag_json(source: Source, athena: Athena | None) -> None:
    """Refuse tags kept as text that is not JSON (read as untagged, they would move cost)."""
    column = tag_json_column(source.schema, source.types, source.present)
    if column is None:
        return
    found = run(source, "json_check", athena, column=q(column), relation=source.relation)
    if len(found) and found["bad"].iloc[0] > 0:
        raise InputError(
            f"{source.origin}: column {column} has {str(found['first'].iloc[0])[:60]!r} "
            f"({int(found['bad'].iloc[0])} line item(s)) where a JSON object of tags is expected, "
            'e.g. {"user_team": "web"}; fix or re-export those rows'
        )


def tag_keys(source: Source, athena: Athena | None = None) -> set[str] | None:
    """The keys of the export's tag map column as it spells them (None when it has none, or
    when Athena keeps it as text, whose keys Trino cannot list)."""
    column = source.schema.tag_map
    if not column or column not in source.present:
        return None
    if "MAP" in source.types.get(column, "").upper():
        keys = f"map_keys({q(column)})"
    elif source.engine == "athena":
        return None
    else:
        text = f"CAST({q(column)} AS VARCHAR)"
        keys = f"CASE WHEN json_valid({text}) AND json_type({text}) = 'OBJECT' THEN json_keys({text}) END"
    found = run(source, "tag_keys", athena, keys=keys, relation=source.relation)
    return {str(k) for k in found["key"]}


def untagged_note(source: Source, by: str, frame: pd.DataFrame, athena: Athena | None = None) -> list[str]:
    """A breakdown by a tag no line item has: one note naming the tag keys the export has."""
    if not by.startswith(TAG_PREFIX) or set(frame["key"]) != {UNTAGGED}:
        return []
    names = tag_key_names(source.schema, source.present, tag_keys(source, athena))
    return [absent_tag_note(by[len(TAG_PREFIX) :], names)]


def breakdown(source: Source, month: str, by: str, athena: Athena | None = None) -> pd.DataFrame:
    """Cost and amortized cost of ``month`` by ``by`` (``tag:KEY``, ``account``, ``service``,
    ``usage_type``); its rows add up to the month's total, or it is refused."""
    key, extra = breakdown_key(by, source)  # a malformed --by is refused before any reading
    source = prepare(source, athena)
    total, _ = month_line_items(source, month, athena)
    if by.startswith(TAG_PREFIX):
        _check_tag_json(source, athena)
        key, extra = breakdown_key(by, source, tag_keys(source, athena))
    frame = run(source, "breakdown", athena, extra, month, key=key, month_filter=month_filter(month))
    if abs(frame["cost"].sum() - total) > 0.005:
        raise InputError(f"{source.origin}, {month}: the breakdown does not add up to the month's total")
    if by == "service":
        frame["key"] = [
            _product_services().get(k, k) if k != "AmazonEC2" else CE_EC2_WHOLE for k in frame["key"]
        ]
    return frame[["key", "cost", "amortized_cost", "line_items"]]


__all__ = [
    "LineItemBill",
    "bill",
    "breakdown",
    "ce_service",
    "check_money",
    "hourly_instances",
    "prepare",
    "resources",
    "tag_keys",
    "untagged_note",
]
