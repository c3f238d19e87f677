"""Bills written by hand, as Cost Explorer returns them, for testing `costmodel forecast`.

Written from AWS's own specifications, not from costmodel's samples or simulator:
GetCostAndUsage's response (`ResultsByTime` of `TimePeriod` Start inclusive / End
exclusive, `Total` empty when grouped, `Groups` of `Keys` and `Metrics` whose `Amount` is a
string, `Estimated`, `NextPageToken` on every page but the last; API reference,
ResultByTime and Group) and the console's "Download CSV" of costs by service (a `Service`
column, one `NAME($)` column per service, `Total costs($)`, a `Service total` row first).

A bill is `{period_start: {(service, usage_type): usd}}`; each period is a month or a
day. Tax and credits are rows of their own (service `Tax`; usage type with a `Credit`
record type), as Cost Explorer's RECORD_TYPE groups them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

EC2 = "Amazon Elastic Compute Cloud - Compute"
RDS = "Amazon Relational Database Service"
S3 = "Amazon Simple Storage Service"
TAX = "Tax"
USAGE = "Usage"

Bill = Mapping[dt.date, Mapping[tuple[str, str], float]]


def month_starts(first: str, count: int) -> list[dt.date]:
    """The first days of `count` months from `first` (YYYY-MM)."""
    year, month = (int(part) for part in first.split("-"))
    starts = []
    for _ in range(count):
        starts.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return starts


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def days_in_month(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def amount(usd: float) -> str:
    """Cost Explorer's amount string: up to 10 decimals, no exponent."""
    return f"{usd:.10f}".rstrip("0").rstrip(".") if usd else "0"


def _period_end(start: dt.date, granularity: str, end_cap: dt.date | None) -> dt.date:
    end = next_month(start) if granularity == "MONTHLY" else start + dt.timedelta(days=1)
    return min(end, end_cap) if end_cap else end


def ce_pages(
    bill: Bill,
    *,
    granularity: str = "MONTHLY",
    metrics: Iterable[str] = ("UnblendedCost", "AmortizedCost"),
    group_by: tuple[str, ...] = ("SERVICE", "USAGE_TYPE"),
    groups_per_page: int = 40,
    estimated_from: dt.date | None = None,
    end: dt.date | None = None,
    quantity: Mapping[tuple[str, str], tuple[float, str]] | None = None,
) -> list[dict]:
    """GetCostAndUsage pages of `bill`, as boto3 returns them one call at a time.

    A page holds at most `groups_per_page` groups, so a period's groups run over two pages
    as Cost Explorer splits them. Periods from `estimated_from` on say `Estimated: true`.
    `end` caps the last period (a request whose End is mid-month). `quantity` gives
    UsageQuantity per (service, usage_type): (amount, unit), or a function of the period's
    first day giving it.
    """
    metrics = tuple(metrics)
    flat: list[tuple[dt.date, dict | None]] = []
    for start in sorted(bill):
        rows = bill[start]
        if not rows:
            flat.append((start, None))
        for (service, usage_type), usd in rows.items():
            keys = {"SERVICE": service, "USAGE_TYPE": usage_type, "RECORD_TYPE": usage_type}
            group_metrics = {m: {"Amount": amount(usd), "Unit": "USD"} for m in metrics}
            if quantity and (service, usage_type) in quantity:
                given = quantity[(service, usage_type)]
                qty, unit = given(start) if callable(given) else given
                group_metrics["UsageQuantity"] = {"Amount": amount(qty), "Unit": unit}
            flat.append((start, {"Keys": [keys[g] for g in group_by], "Metrics": group_metrics}))
    pages: list[dict] = []
    for offset in range(0, len(flat), groups_per_page):
        results: list[dict] = []
        for start, group in flat[offset : offset + groups_per_page]:
            if not results or results[-1]["TimePeriod"]["Start"] != start.isoformat():
                results.append(
                    {
                        "TimePeriod": {
                            "Start": start.isoformat(),
                            "End": _period_end(start, granularity, end).isoformat(),
                        },
                        "Total": {},
                        "Groups": [],
                        "Estimated": bool(estimated_from and start >= estimated_from),
                    }
                )
            if group is not None:
                results[-1]["Groups"].append(group)
        pages.append(
            {
                "GroupDefinitions": [{"Type": "DIMENSION", "Key": g} for g in group_by],
                "ResultsByTime": results,
                "DimensionValueAttributes": [],
            }
        )
    for number, page in enumerate(pages[:-1], start=2):
        page["NextPageToken"] = f"token-{number}"
    return pages


def totals_pages(
    bill: Bill,
    *,
    granularity: str = "MONTHLY",
    metrics=("UnblendedCost", "AmortizedCost"),
    estimated_from=None,
    end=None,
) -> list[dict]:
    """The ungrouped request: `Groups` empty, `Total` per metric (what the periods add to)."""
    results = []
    for start in sorted(bill):
        total = sum(bill[start].values())
        results.append(
            {
                "TimePeriod": {
                    "Start": start.isoformat(),
                    "End": _period_end(start, granularity, end).isoformat(),
                },
                "Total": {m: {"Amount": amount(total), "Unit": "USD"} for m in metrics},
                "Groups": [],
                "Estimated": bool(estimated_from and start >= estimated_from),
            }
        )
    return [{"GroupDefinitions": [], "ResultsByTime": results, "DimensionValueAttributes": []}]


def request(
    bill: Bill, granularity: str, metrics, group_by, end: dt.date | None = None, record_filter=None
) -> dict:
    first = min(bill)
    last = max(bill)
    body: dict = {
        "TimePeriod": {
            "Start": first.isoformat(),
            "End": (end or _period_end(last, granularity, None)).isoformat(),
        },
        "Granularity": granularity,
        "Metrics": list(metrics),
    }
    if group_by:
        body["GroupBy"] = [{"Type": "DIMENSION", "Key": g} for g in group_by]
    if record_filter:
        body["Filter"] = {"Dimensions": {"Key": "RECORD_TYPE", "Values": list(record_filter)}}
    return body


def split_usage(bill: Bill, credits_by_period: Mapping[dt.date, float] | None = None, tax_rate: float = 0.0):
    """(usage bill, record-type bill): tax at `tax_rate` of usage and credits as negative rows."""
    usage = {start: dict(rows) for start, rows in bill.items()}
    other: dict[dt.date, dict[tuple[str, str], float]] = {}
    for start, rows in bill.items():
        period: dict[tuple[str, str], float] = {}
        if tax_rate:
            period[(TAX, "Tax")] = round(tax_rate * sum(rows.values()), 2)
        if credits_by_period and credits_by_period.get(start):
            period[(EC2, "Credit")] = -abs(credits_by_period[start])
        other[start] = period
    return usage, other


def saved_file(
    path: Path,
    usage: Bill,
    *,
    other: Bill | None = None,
    granularity: str = "MONTHLY",
    metrics=("UnblendedCost", "AmortizedCost"),
    group_by: tuple[str, ...] = ("SERVICE", "USAGE_TYPE"),
    estimated_from: dt.date | None = None,
    end: dt.date | None = None,
    groups_per_page: int = 40,
    quantity=None,
    with_totals: bool = True,
) -> Path:
    """A file of saved requests: usage; credits, refunds and tax by RECORD_TYPE and SERVICE;
    and the ungrouped total of both, each request beside its pages."""
    kw = dict(granularity=granularity, metrics=metrics, estimated_from=estimated_from, end=end)
    requests = [
        {
            "request": request(
                usage,
                granularity,
                metrics,
                group_by,
                end,
                record_filter=[USAGE] if other is not None else None,
            ),
            "pages": ce_pages(
                usage, group_by=group_by, groups_per_page=groups_per_page, quantity=quantity, **kw
            ),
        }
    ]
    combined: dict[dt.date, dict[tuple[str, str], float]] = {s: dict(r) for s, r in usage.items()}
    if other is not None:
        # `other` rows are (service, record type): Keys come back [record type, service]
        requests.append(
            {
                "request": request(
                    usage,
                    granularity,
                    metrics,
                    ("RECORD_TYPE", "SERVICE"),
                    end,
                    record_filter=["Credit", "Refund", "Tax"],
                ),
                "pages": ce_pages(other, group_by=("RECORD_TYPE", "SERVICE"), **kw),
            }
        )
        for start, rows in other.items():
            for key, usd in rows.items():
                combined.setdefault(start, {})[key] = combined.get(start, {}).get(key, 0.0) + usd
    if with_totals:
        requests.append(
            {"request": request(usage, granularity, metrics, (), end), "pages": totals_pages(combined, **kw)}
        )
    path.write_text(json.dumps({"requests": requests}, indent=1))
    return path


def console_csv(path: Path, bill: Bill, short_names: Mapping[str, str] | None = None) -> Path:
    """The console's Download CSV of costs by service: a `Service total` row, then a row per period."""
    names = short_names or {}
    services = sorted({svc for rows in bill.values() for (svc, _) in rows})
    per = {
        start: {svc: sum(v for (s, _), v in rows.items() if s == svc) for svc in services}
        for start, rows in bill.items()
    }
    header = ["Service"] + [f"{names.get(s, s)}($)" for s in services] + ["Total costs($)"]
    lines = [",".join(f'"{h}"' for h in header)]
    totals = [sum(per[d][s] for d in per) for s in services]
    lines.append(",".join(f'"{c}"' for c in ["Service total", *map(amount, totals), amount(sum(totals))]))
    for start in sorted(per):
        row = [per[start][s] for s in services]
        lines.append(",".join(f'"{c}"' for c in [start.isoformat(), *map(amount, row), amount(sum(row))]))
    path.write_text("\n".join(lines) + "\n")
    return path


def monthly_bill(first: str, per_month: Mapping[tuple[str, str], list[float]]) -> dict:
    """{month_start: {key: usd}} from one list of monthly amounts per key (same length)."""
    count = len(next(iter(per_month.values())))
    starts = month_starts(first, count)
    return {
        start: {key: values[i] for key, values in per_month.items() if values[i] is not None}
        for i, start in enumerate(starts)
    }


def daily_bill(first: dt.date, last: dt.date, per_day) -> dict:
    """{day: {key: usd}} with `per_day(day) -> {key: usd}` for every day first..last."""
    out = {}
    day = first
    while day <= last:
        out[day] = dict(per_day(day))
        day += dt.timedelta(days=1)
    return out
