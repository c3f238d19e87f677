"""The numbers of the monthly report: waterfall, movers, commitment coverage, opportunities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from costmodel.architecture import Architecture
from costmodel.commitments import options
from costmodel.commitments.offerings import on_demand_hourly
from costmodel.errors import CostModelError
from costmodel.pricing.catalog import PriceCatalog
from costmodel.reconcile.steps import waterfall
from costmodel.reconcile.variance import ReconciledMonth
from costmodel.service_names import CE_EC2
from costmodel.usage_types import EC2_INSTANCE_HOURS, reserved_instance_type, split_region

__all__ = ["movers", "opportunities", "ri_coverage", "waterfall"]  # waterfall: costmodel.reconcile.steps


def movers(tables: list[ReconciledMonth], month: str, top: int = 8) -> pd.DataFrame:
    """Categories whose actual cost changed most against the previous month [USD]."""
    by_month = {t.month: t.lines.set_index("category")["actual"] for t in tables}
    months = sorted(by_month)
    i = months.index(month)
    if i == 0:
        return pd.DataFrame(columns=["category", "previous", "current", "change"])
    prev, cur = by_month[months[i - 1]], by_month[month]
    frame = pd.concat([prev.rename("previous"), cur.rename("current")], axis=1).fillna(0.0)
    frame["change"] = frame["current"] - frame["previous"]
    frame = frame.reindex(frame["change"].abs().sort_values(ascending=False).index).head(top)
    return frame.reset_index().rename(columns={"index": "category"})


# what ri_coverage measures per instance type, before the fee it pays [USD]
COVERAGE_COLUMNS = [
    "instance_type",
    "usage_hours",
    "reserved_hours",
    "covered_hours",
    "coverage_pct",
    "utilization_pct",
]


def ri_coverage(
    actual: pd.DataFrame, month: str, catalog: PriceCatalog, region: str = "us-east-1"
) -> pd.DataFrame:
    """EC2 reservation coverage and utilization of a month, from the bill alone.

    RI-covered hours cost $0 in UnblendedCost and the RI fee (``HeavyUsage:<type>``) carries
    the reserved hours, so per instance type: covered = (usage hours x on-demand rate -
    unblended usage cost) / on-demand rate; coverage = covered / usage hours; utilization =
    covered / reserved hours (Cost Explorer's definitions). Assumes no size-flexible
    sharing across types and on-demand at list price.
    """
    rows = actual.loc[(actual["month"] == month) & (actual["service"] == CE_EC2)]
    out = []
    for usage_type in rows["usage_type"]:
        _, base = split_region(usage_type)
        itype = reserved_instance_type(base)
        if itype is None:
            continue
        fee = rows.loc[rows["usage_type"] == usage_type].iloc[0]
        box = rows.loc[rows["usage_type"].map(lambda u: split_region(u)[1]) == EC2_INSTANCE_HOURS + itype]
        try:
            od = on_demand_hourly(catalog, "ec2", itype, region)
        except CostModelError:
            continue
        used = float(box["usage_quantity"].sum())
        covered = (used * od - float(box["unblended_cost"].sum())) / od
        reserved = float(fee["usage_quantity"])
        out.append(
            {
                "instance_type": itype,
                "usage_hours": used,
                "reserved_hours": reserved,
                "covered_hours": covered,
                "coverage_pct": 100 * covered / used if used else np.nan,
                "utilization_pct": 100 * covered / reserved if reserved else np.nan,
                "ri_fee": float(fee["unblended_cost"]),
            }
        )
    return pd.DataFrame(out, columns=[*COVERAGE_COLUMNS, "ri_fee"])


def opportunities(arch: Architecture, catalog: PriceCatalog, top: int = 6) -> pd.DataFrame:
    """The biggest commitment savings per resource (best priced option), and the unknown ones."""
    opts = options(arch, catalog)
    priced = opts.loc[opts["effective_monthly"].notna()].copy()
    priced["monthly_saving"] = priced["on_demand_monthly"] - priced["effective_monthly"]
    best = priced.sort_values("monthly_saving", ascending=False).drop_duplicates("resource").head(top)
    unknown = opts.loc[(opts["status"] == "price unknown") & ~opts["resource"].isin(priced["resource"])]
    unknown = unknown.drop_duplicates("resource")
    best = best.assign(note="")
    unknown = unknown.assign(monthly_saving=np.nan, note="reserved price unknown: refresh prices or override")
    cols = [
        "resource",
        "offering",
        "term_years",
        "payment_option",
        "on_demand_monthly",
        "effective_monthly",
        "monthly_saving",
        "savings_pct",
        "break_even_months",
        "note",
    ]
    return pd.concat([best[cols], unknown[cols]], ignore_index=True)
