"""What the line items give: the monthly actuals table reconcile consumes, and tables by
resource, by hour and by tag, account, service or usage type.

Money is conserved here as everywhere: the monthly table's groups must add up, month by
month, to the export's own total (an ungrouped SUM over every line item) and count every
line item, or the export is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.actuals.read import TIDY_COLUMNS, Actuals, _controls
from costmodel.data_files import data_path
from costmodel.errors import InputError
from costmodel.lineitems.engine import Athena, run
from costmodel.lineitems.queries import breakdown_key, month_filter
from costmodel.lineitems.schema import q, tag_json_column
from costmodel.lineitems.source import Findings, Source
from costmodel.service_names import CE_EC2, CE_EC2_OTHER
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


def ce_service(product_code: str, product_name: str, usage_type: str, line_item_type: str) -> str:
    """The Cost Explorer SERVICE a line item is billed under (tax lines: ``Tax``)."""
    if line_item_type == record_types.TAX:
        return record_types.TAX_SERVICE
    if product_code == "AmazonEC2" or product_name == "Amazon Elastic Compute Cloud":
        return EC2_COMPUTE if EC2_COMPUTE_USAGE.match(strip_region_prefix(usage_type)) else CE_EC2_OTHER
    return _product_services().get(product_code) or product_name or product_code


def prepare(source: Source, athena: Athena | None = None) -> Source:
    """``source`` checked whole, once, with what was found (:class:`Findings`): refused when
    its money cannot be read whole (see :func:`check_money`), a value is no number or time,
    or a line item is read twice with different content; duplicate deliveries of a line item
    read once; a FOCUS file's other providers left out and named; months whose data ends
    before their last day flagged in progress."""
    if source.findings is not None:
        return source
    profile = run(source, "checks", athena)
    _refuse_unreadable(source, profile)
    aws, others = profile.loc[profile["other_provider"] == ""], profile.loc[profile["other_provider"] != ""]
    if aws.empty:
        providers = ", ".join(sorted(set(others["other_provider"])))
        raise InputError(
            f"{source.origin}: no AWS line items (ProviderName: {providers}); costmodel reads AWS bills"
        )
    check_money(source, aws)
    aws_only = not others.empty
    duplicates = 0
    if aws["identified"].sum() > aws["line_item_keys"].sum():
        deduplicated = replace(source, deduplicate=True, aws_only=aws_only)
        again = run(deduplicated, "checks", athena)
        again = again.loc[again["other_provider"] == ""]
        duplicates = int(aws["line_items"].sum() - again["line_items"].sum())
        if again["identified"].sum() > again["line_item_keys"].sum():
            first = run(deduplicated, "conflicts", athena).iloc[0]
            raise InputError(
                f"{source.origin}: line item {first['line_item_id']} "
                f"({first['time_interval'] or 'its interval'}) is there {int(first['copies'])} times "
                "with different amounts: two versions of the bill? give one delivery"
            )
        aws = again
    by_provider = others.groupby("other_provider").agg(line_items=("line_items", "sum"), cost=("cost", "sum"))
    findings = Findings(
        duplicates=duplicates,
        other_providers=tuple((str(p), int(r.line_items), float(r.cost)) for p, r in by_provider.iterrows()),
        in_progress=_in_progress(aws),
    )
    return replace(source, deduplicate=duplicates > 0, aws_only=aws_only, findings=findings)


def _refuse_unreadable(source: Source, profile: pd.DataFrame) -> None:
    """One line naming the column and its first value that is not the number or time it
    must be, or the count of line items without a start time."""
    bad = profile.loc[profile["unreadable"] > 0]
    if len(bad):
        column, _, value = str(bad["first_unreadable"].min()).partition("=")
        what = (
            "a time (ISO 8601 in UTC, e.g. 2026-10-01T00:00:00Z)"
            if column in (source.schema.columns["usage_start"], source.schema.columns["usage_end"])
            else "a number"
        )
        raise InputError(
            f"{source.origin}: column {column} has {value[:60]!r} "
            f"({int(bad['unreadable'].sum())} line item(s)) where {what} is expected; "
            "fix or re-export those rows"
        )
    missing = int(profile["start_missing"].sum())
    if missing:
        raise InputError(
            f"{source.origin}: {missing} line item(s) without {source.schema.columns['usage_start']}; "
            "a line item without its time cannot be put in a month"
        )


def _in_progress(aws: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """(month, the last day it has data) for each month whose line items stop before its last
    day (usage of an hour or a day; monthly lines such as fees end with the month anyway)."""
    out = []
    for month, rows in aws.groupby("month"):
        next_month = (pd.Period(str(month), "M") + 1).start_time
        ends = [pd.to_datetime(rows[c]).max() for c in ("daily_end", "data_end")]
        end = ends[0] if pd.notna(ends[0]) else ends[1]
        if pd.isna(end):  # no end times: the day after the last start
            end = pd.to_datetime(rows["last_start"]).max().floor("D") + pd.Timedelta(days=1)
        end = pd.Timestamp(end).ceil("D")
        if end < next_month:
            out.append((str(month), f"{end - pd.Timedelta(days=1):%Y-%m-%d}"))
    return tuple(out)


def check_money(source: Source, checks: pd.DataFrame) -> None:
    """Refuse an export whose money cannot be read whole: more than one currency or not USD,
    a line item without a cost, or an amount that is not a finite number (NaN, inf, 1e400),
    one line naming the column, the count and the first such line item."""
    found = sorted({c or "(none)" for c in checks["currency"]})
    if found != ["USD"]:
        column = source.schema.columns["currency"]
        raise InputError(
            f"{source.origin}: column {column} has {', '.join(found)}; costmodel reconciles USD only"
            + (" and one currency per export" if len(found) > 1 else "")
        )
    columns = source.schema.columns
    totals = checks[["cost_missing", "cost_not_finite", "usage_not_finite", "amortized_not_finite"]].sum()
    first = checks["first_bad"].dropna()
    problems = [
        (totals["cost_missing"], f"no {columns['unblended_cost']}"),
        (
            totals["cost_not_finite"] - totals["cost_missing"],
            f"a {columns['unblended_cost']} that is not a finite amount",
        ),
        (totals["usage_not_finite"], f"a {columns['usage_amount']} that is not a finite number"),
        (totals["amortized_not_finite"], "an amortized (effective) cost that is not a finite amount"),
    ]
    for count, what in problems:
        if pd.notna(count) and count > 0:
            month, _, usage_type = str(first.min() if len(first) else "").partition("|")
            raise InputError(
                f"{source.origin}: {int(count)} line item(s) with {what}, the first in {month} "
                f"({columns['usage_type']} {usage_type or '(empty)'}); "
                "a bill with them would lose or make up money"
            )


@dataclass(frozen=True)
class LineItemBill(Actuals):
    """A bill read from line items, with what reading them found (said by every output)."""

    findings: Findings = field(default_factory=Findings)

    @property
    def notes(self) -> list[str]:
        return self.findings.notes()


def bill(source: Source, athena: Athena | None = None, granularity: str = "MONTHLY") -> LineItemBill:
    """The monthly (or ``DAILY``) actuals of an export (the table :func:`costmodel.actuals.read`
    gives for Cost Explorer data), with each month's control: the export's own total. A
    month whose data ends before its last day is ``estimated`` (in progress), as Cost
    Explorer marks a month not yet final."""
    source = prepare(source, athena)
    findings = source.findings or Findings()
    if granularity not in ("MONTHLY", "DAILY"):
        raise ValueError(f"granularity must be MONTHLY or DAILY, not {granularity!r}")
    groups = run(source, "monthly" if granularity == "MONTHLY" else "daily", athena)
    if granularity == "DAILY":
        groups["day"] = pd.to_datetime(groups["day"])
        groups["month"] = groups["day"].dt.strftime("%Y-%m")
    totals = run(source, "totals", athena).set_index("month")
    if groups.empty:
        raise InputError(f"{source.origin}: no line items")
    counted = groups.groupby("month")["line_items"].sum()
    lost = counted.reindex(totals.index, fill_value=0) != totals["line_items"]
    if lost.any():
        month = lost.idxmax()
        raise InputError(
            f"{source.origin}, {month}: {int(counted.get(month, 0))} line items in groups of "
            f"{int(totals.loc[month, 'line_items'])}: some were lost"
        )
    rows = _tidy(groups, source.origin, granularity, {m for m, _ in findings.in_progress})
    amounts = [Decimal(repr(float(v))) for v in rows["unblended_cost"]]
    sums: dict[str, Decimal] = {}
    for month, amount in zip(rows["month"], amounts, strict=True):
        sums[month] = sums.get(month, Decimal(0)) + amount
    independent = {m: Decimal(repr(float(v))) for m, v in totals["unblended_cost"].items()}
    controls = _controls(
        rows, sums, independent, "the export's own total (every line item summed)", source.origin
    )
    return LineItemBill(rows=rows, controls=controls, origin=source.origin, findings=findings)


def _tidy(
    groups: pd.DataFrame, origin: str, granularity: str = "MONTHLY", in_progress: set[str] | None = None
) -> pd.DataFrame:
    """Aggregated line items as tidy Cost Explorer rows: one per period, service, usage type
    and record type (reserved and on-demand usage of one usage type in one row, as CE)."""
    frame = groups.copy()
    frame["service"] = [
        ce_service(c, n, u, t)
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
    keys = [period, "service", "usage_type", "record_type"] + (["month"] if period == "day" else [])
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
    return merged[TIDY_COLUMNS]


def month_line_items(source: Source, month: str, athena: Athena | None = None) -> tuple[float, int]:
    """The export's own cost total and line-item count for ``month`` [USD, line items]; a
    month the export does not have is an error (its tables would claim nothing ran)."""
    source = prepare(source, athena)
    total = run(source, "month_total", athena, month_filter=month_filter(month))
    count = int(total["line_items"].iloc[0]) if len(total) and pd.notna(total["line_items"].iloc[0]) else 0
    if count == 0:
        raise InputError(f"{source.origin}: no line items in {month}")
    return float(total["cost"].iloc[0]), count


def resources(source: Source, month: str, athena: Athena | None = None) -> pd.DataFrame:
    """Cost, usage and amortized cost per resource and usage type in ``month`` (the
    ``resources`` contract's columns, before the model's components are joined)."""
    source = prepare(source, athena)
    month_line_items(source, month, athena)
    frame = run(source, "resources", athena, month_filter=month_filter(month))
    frame["service"] = [
        ce_service(c, n, u, "")
        for c, n, u in zip(frame["product_code"], frame["product_name"], frame["usage_type"], strict=True)
    ]
    return frame.sort_values("cost", ascending=False, ignore_index=True)


def hourly_instances(
    source: Source, month: str, instance_type: str, athena: Athena | None = None
) -> pd.DataFrame:
    """Instances of ``instance_type`` running each hour of ``month`` [instances]: the node
    group's real autoscaling curve (hours with none are 0)."""
    if not re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+", instance_type):
        raise InputError(f"instance type {instance_type!r} is not of the form family.size")
    source = prepare(source, athena)
    month_line_items(source, month, athena)
    frame = run(
        source, "hourly", athena, month_filter=month_filter(month), box=EC2_INSTANCE_HOURS + instance_type
    )
    period = pd.Period(month, "M")
    hours = pd.date_range(period.start_time, period.end_time.floor("h"), freq="h")
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


def breakdown(source: Source, month: str, by: str, athena: Athena | None = None) -> pd.DataFrame:
    """Cost and amortized cost of ``month`` by ``by`` (``tag:KEY``, ``account``, ``service``,
    ``usage_type``); its rows add up to the month's total, or it is refused."""
    key, extra = breakdown_key(by, source)
    source = prepare(source, athena)
    total, _ = month_line_items(source, month, athena)
    if by.startswith("tag:"):
        _check_tag_json(source, athena)
    frame = run(source, "breakdown", athena, extra, key=key, month_filter=month_filter(month))
    if abs(frame["cost"].sum() - total) > 0.005:
        raise InputError(f"{source.origin}, {month}: the breakdown does not add up to the month's total")
    if by == "service":
        frame["key"] = [
            _product_services().get(k, k) if k != "AmazonEC2" else "Amazon Elastic Compute Cloud"
            for k in frame["key"]
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
]
