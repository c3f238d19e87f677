"""The views finance expects beside the reconciliation (as AWS Cost Explorer and the Cloud
Intelligence Dashboards show them), each a small table computed from the bill alone:

* :func:`by_service`: month over month by AWS service (Cost Explorer's SERVICE), not by model
  category;
* :func:`daily_trend`: the cost of each day of the month and of the month before;
* :func:`amortized_beside_unblended`: each category's amortized cost next to its unblended;
* :func:`commitments_over_time`: reservation coverage, utilization and the savings realized
  against on-demand, month by month;
* :func:`unit_cost`: cost per 1,000 requests, from a driver series or the architecture's
  load section.

Amounts [USD]; each table's ``basis`` says what its money is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from costmodel.actuals.controls import Actuals
from costmodel.architecture import Architecture
from costmodel.errors import InputError
from costmodel.lineitems.engine import Athena
from costmodel.lineitems.source import Source
from costmodel.output import is_unknown
from costmodel.pricing.catalog import PriceCatalog
from costmodel.reconcile.variance import ReconciledMonth

SECONDS_PER_HOUR = 3600


def by_service(actual: pd.DataFrame, month: str, months: int = 3) -> pd.DataFrame:
    """Unblended cost per AWS service for ``month`` and the ``months - 1`` before it, with
    the change against the previous month [USD] and [%], largest service first, and a
    ``Total`` row (the sum of the groups, tax and credits included).

    Columns: ``service``, one per month (YYYY-MM), ``change``, ``change_pct``."""
    shown = [str(pd.Period(month, "M") - k) for k in range(months - 1, -1, -1)]
    rows = actual.loc[actual["month"].isin(shown)]
    table = rows.pivot_table(
        index="service", columns="month", values="unblended_cost", aggfunc="sum", fill_value=0.0
    ).reindex(columns=[m for m in shown if m in set(rows["month"])], fill_value=0.0)
    table = table.sort_values(month, ascending=False) if month in table else table
    table.loc["Total"] = table.sum()
    table.columns.name = None
    if len(table.columns) >= 2:
        now, before = table.iloc[:, -1], table.iloc[:, -2]
        table["change"] = now - before
        table["change_pct"] = np.where(before.abs() > 0.005, 100 * (now - before) / before.abs(), np.nan)
    return table.reset_index()


def daily_trend(daily_rows: pd.DataFrame, month: str) -> pd.DataFrame:
    """The unblended cost of each day of ``month`` and of the month before [USD per day]:
    ``day`` (1..31), ``month``, ``cost``. Tax and the support plan, billed once a month,
    land on their day as Cost Explorer shows them."""
    previous = str(pd.Period(month, "M") - 1)
    rows = daily_rows.loc[daily_rows["month"].isin([previous, month])]
    per_day = rows.groupby(["month", "period_start"], as_index=False)["unblended_cost"].sum()
    return pd.DataFrame(
        {
            "day": pd.to_datetime(per_day["period_start"]).dt.day,
            "month": per_day["month"],
            "cost": per_day["unblended_cost"],
        }
    )


def amortized_beside_unblended(rec: ReconciledMonth) -> pd.DataFrame:
    """Each category's unblended cost (what the bill charged that month) beside its amortized
    cost (upfront and recurring reservation fees spread over the usage they cover, AWS's
    effective cost), the categories where they differ first, and a total row [USD]."""
    lines = rec.lines[["category", "actual", "actual_amortized"]].rename(
        columns={"actual": "unblended", "actual_amortized": "amortized"}
    )
    lines = lines.assign(difference=lines["amortized"] - lines["unblended"])
    lines = lines.assign(_size=lines["difference"].abs().fillna(np.inf)).sort_values(
        "_size", ascending=False, kind="stable"
    )
    lines = lines.loc[lines["_size"] > 0.005].drop(columns="_size")
    unblended = float(rec.lines["actual"].sum())
    amortized = float(rec.lines["actual_amortized"].sum(min_count=len(rec.lines)))
    total = {
        "category": "Total (lines)",
        "unblended": unblended,
        "amortized": amortized,
        "difference": amortized - unblended,
    }
    return pd.concat([lines, pd.DataFrame([total])], ignore_index=True)


def commitments_over_time(
    actual: pd.DataFrame, months: list[str], catalog: PriceCatalog, region: str
) -> pd.DataFrame:
    """EC2 reservation coverage and utilization of each month, and the savings realized:
    the covered hours at the on-demand list price less the reservation fees paid [USD]
    (Cost Explorer's "RI savings": what the same hours would have cost on demand).

    Columns: ``month``, ``instance_type``, ``usage_hours``, ``reserved_hours``,
    ``covered_hours``, ``coverage_pct``, ``utilization_pct``,
    ``on_demand_equivalent``, ``ri_fee``, ``savings_realized``. A month without a
    reservation fee has no row."""
    from costmodel.commitments.offerings import on_demand_hourly
    from costmodel.report.analysis import COVERAGE_COLUMNS, ri_coverage

    frames = []
    for month in months:
        coverage = ri_coverage(actual, month, catalog, region)
        if coverage.empty:
            continue
        rates = coverage["instance_type"].map(lambda t: on_demand_hourly(catalog, "ec2", t, region))
        equivalent = coverage["covered_hours"] * rates
        frames.append(
            coverage.assign(
                month=month,
                on_demand_equivalent=equivalent,
                savings_realized=equivalent - coverage["ri_fee"],
            )
        )
    columns = ["month", *COVERAGE_COLUMNS, "on_demand_equivalent", "ri_fee", "savings_realized"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def requests_from_load(arch: Architecture, months: list[str]) -> pd.Series:
    """Requests served each month by the architecture's load section [requests]: the mean of
    its daily profile ((peak + trough) / 2, a cosine between them) times the month's
    calendar hours. A constant load: the series follows the days of each month."""
    try:
        peak, trough = arch.get("load.requests_per_s_peak"), arch.get("load.requests_per_s_trough")
    except KeyError:
        raise InputError(f"{arch.origin}: no load section with requests_per_s_peak and _trough") from None
    hours = [pd.Period(m, "M").days_in_month * 24 for m in months]
    return pd.Series([(peak + trough) / 2 * SECONDS_PER_HOUR * h for h in hours], index=months)


def unit_cost(recs: list[ReconciledMonth], requests: pd.Series) -> pd.DataFrame:
    """Cost per 1,000 requests of each month: the bill (unblended, tax and support included)
    over ``requests`` (a driver series indexed by YYYY-MM [requests]). Columns: ``month``,
    ``bill`` [USD], ``requests``, ``bill_per_1k_requests`` [USD per 1,000 requests] and
    ``bill_per_million_requests`` [USD per 1,000,000 requests: the same, in cents a reader
    can compare]."""
    rows = []
    for rec in recs:
        if rec.month not in requests.index:
            continue
        count = float(requests[rec.month])
        if not np.isfinite(count) or count <= 0:
            raise InputError(f"requests for {rec.month}: expected a positive count, got {count}")
        rows.append(
            {
                "month": rec.month,
                "bill": rec.totals["actual"],
                "requests": count,
                "bill_per_1k_requests": rec.totals["actual"] / count * 1000,
                "bill_per_million_requests": rec.totals["actual"] / count * 1_000_000,
            }
        )
    columns = ["month", "bill", "requests", "bill_per_1k_requests", "bill_per_million_requests"]
    return pd.DataFrame(rows, columns=columns)


def line_item_section(source: Source | None, athena: Athena | None, month: str, tag: str) -> dict:
    """With line items (``--cur``, ``--focus``, ``--athena``): the month by the ``tag`` cost
    allocation tag and its costliest resources, each unblended beside amortized."""
    from costmodel import lineitems

    if source is None:
        return {"available": False}
    by_tag = lineitems.breakdown(source, month, by=f"tag:{tag}", athena=athena)
    resources = lineitems.resources(source, month, athena=athena)
    top = resources.nlargest(RESOURCES_SHOWN, "cost").assign(
        resource=lambda f: f["resource_id"].map(short_resource)
    )
    return {
        "available": True,
        "tag": tag,
        "by_tag": by_tag.to_dict("records"),
        "resources": top.to_dict("records"),
        "resource_count": int(resources["resource_id"].nunique()),
    }


RESOURCES_SHOWN = 10
NO_RESOURCE_ID = "(no resource id: fee, tax)"


def short_resource(resource_id: object) -> str:
    """A resource id as a reader names it: the last part of an ARN
    (``arn:aws:rds:us-east-1:111122223333:db:prod-primary`` -> ``db:prod-primary``), an
    instance or volume id as it is; ``(no resource id: fee, tax)`` for a line without one
    (an empty cell read as a missing value)."""
    text = "" if is_unknown(resource_id) else str(resource_id)
    if not text:
        return NO_RESOURCE_ID
    if not text.startswith("arn:"):
        return text
    parts = text.split(":", 5)
    return parts[5] if len(parts) == 6 else text


def report_sections(
    tables: list[ReconciledMonth],
    rec: ReconciledMonth,
    actuals: Actuals,
    daily: Actuals | None,
    arch: Architecture,
    catalog: PriceCatalog,
) -> dict:
    """The finance views of the report for ``rec``'s month, their tables and charts (the
    forecast is :func:`costmodel.report.build.forecast_section`'s)."""
    from costmodel.report import charts
    from costmodel.report.build import png

    month = rec.month
    months = [t.month for t in tables]
    services = by_service(actual=actuals.rows, month=month)
    days = daily_trend(daily.rows, month) if daily is not None else None
    commitments = commitments_over_time(actuals.rows, months, catalog, arch.region)
    try:
        units = unit_cost(tables, requests_from_load(arch, months))
    except InputError:
        units = pd.DataFrame()
    images = {
        "daily": png(charts.plot_daily_cost(days, month)) if days is not None and len(days) else "",
        "commitments": png(charts.plot_commitments_over_time(commitments)) if len(commitments) else "",
    }
    return {
        "by_service": services,
        "by_service_months": [c for c in services.columns if c[:2] == "20"],
        "amortized": amortized_beside_unblended(rec).to_dict("records"),
        "commitments_over_time": commitments.to_dict("records"),
        "unit_cost": units.to_dict("records"),
        "view_images": images,
    }
