"""The document's on-demand vs reserved table, recomputed from list prices."""

from __future__ import annotations

import pandas as pd

from costmodel import categories as cat
from costmodel.architecture import Architecture
from costmodel.commitments.offerings import options
from costmodel.constants import HOURS_PER_MONTH
from costmodel.documented import NO_DOCUMENT, describes, load_documented
from costmodel.output import money
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.resources import resources_of

# The document does not say which term it means; 1-year No Upfront is the common default
# and the one Cost Explorer recommends first. Every other option is in `options()`.
REFERENCE = {
    "ec2": "EC2 Standard Reserved Instance",
    "rds": "RDS Reserved DB Instance",
    "elasticache": "ElastiCache Reserved Node",
}
REFERENCE_TERM = (1, "No Upfront")
# The document's table rows and the model categories whose instances each row prices.
ROWS = (
    ("EKS Nodes (c5.2xlarge)", (cat.EKS_NODES,)),
    ("RDS PostgreSQL", (cat.RDS_PRIMARY, cat.RDS_READ_REPLICAS)),
    ("ElastiCache", (cat.ELASTICACHE_NODES,)),
)


def _pick(opts: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    years, payment = REFERENCE_TERM
    chosen = opts.loc[
        opts["resource"].isin(names)
        & opts["offering"].isin(REFERENCE.values())
        & (opts["term_years"] == years)
        & (opts["payment_option"] == payment)
    ]
    return chosen


def _explain(item: str, picked: pd.DataFrame, doc_od: float, doc_ri: float, list_ri: float | None) -> str:
    if picked.empty:
        return "not in this architecture"
    first = picked.iloc[0]
    count = int(picked["count"].sum())
    if count == 0:  # e.g. a standby node group scaled to zero: no instance to price
        return f"0 x {first['instance_type']} modelled: the documented {money(doc_od)} has no list match"
    per_unit_od = float(picked["on_demand_monthly"].sum()) / count
    # e.g. a Multi-AZ primary beside Single-AZ replicas: the per-instance figure is an average
    rates = (picked["on_demand_monthly"] / picked["count"]).round(6).nunique()
    text = (
        f"documented on-demand {money(doc_od)} = {doc_od / per_unit_od:.1f} x "
        f"{first['instance_type']} "
        f"at list ({money(per_unit_od)} per instance-month, "
        f"{'averaged over instances at different rates' if rates > 1 else 'on-demand'}) "
        f"vs {count} modelled"
    )
    if list_ri is None:
        text += (
            f"; reserved: no list price for {first['instance_type']} reservations in the snapshot, "
            f"so the documented {money(doc_ri)} cannot be checked (refresh prices or override)"
        )
    else:
        per_unit_ri = list_ri / count
        text += (
            f"; documented reserved {money(doc_ri)} = {doc_ri / per_unit_ri:.1f} instances at the "
            f"1-year No Upfront rate ({money(per_unit_ri)} per instance-month)"
        )
    return text


def documented_table(arch: Architecture, catalog: PriceCatalog | None = None) -> pd.DataFrame:
    """Documented on-demand and reserved monthly figures beside list-price figures.

    Returns
    -------
    DataFrame
        ``item``, ``documented_on_demand``, ``documented_reserved``, ``documented_savings_pct``,
        ``list_on_demand``, ``list_reserved`` (None when a reserved price is unknown),
        ``list_savings_pct``, ``difference_on_demand``, ``difference_reserved`` (list -
        documented) [USD per 730-h month, instance hours only], ``reference_offering`` and
        ``explanation``.
    """
    catalog = catalog if catalog is not None else load_snapshot()
    opts = options(arch, catalog)
    doc = load_documented()
    table = doc.loc[doc["table"] == "od_vs_reserved"].pivot(
        index="group", columns="item", values="amount_usd"
    )
    if not describes(arch):  # the document's figures are about another architecture
        table.loc[:, :] = float("nan")
    rows, any_unknown = [], False
    for item, categories in ROWS:
        picked = _pick(opts, resources_of(arch, *categories))
        list_od = float(picked["on_demand_monthly"].sum()) if len(picked) else None
        unknown = picked["effective_monthly"].isna().any() or picked.empty
        any_unknown |= bool(unknown)
        list_ri = None if unknown else float(picked["effective_monthly"].sum())
        doc_od, doc_ri = table.loc[item, "on_demand"], table.loc[item, "reserved"]
        rows.append(
            {
                "item": item,
                "documented_on_demand": doc_od,
                "documented_reserved": doc_ri,
                "documented_savings_pct": table.loc[item, "savings_pct"],
                "list_on_demand": list_od,
                "list_reserved": list_ri,
                "list_savings_pct": None if list_ri is None or not list_od else 100 * (1 - list_ri / list_od),
                "reference_offering": f"{REFERENCE_TERM[0]}-year {REFERENCE_TERM[1]}",
                "explanation": _explain(item, picked, doc_od, doc_ri, list_ri)
                if describes(arch)
                else f"{NO_DOCUMENT}: list figures only",
            }
        )
    list_od_total = sum(r["list_on_demand"] or 0.0 for r in rows)
    list_ri_total = None if any_unknown else sum(r["list_reserved"] for r in rows)
    rows.append(
        {
            "item": "Total",
            "documented_on_demand": table.loc["Total", "on_demand"],
            "documented_reserved": table.loc["Total", "reserved"],
            "documented_savings_pct": table.loc["Total", "savings_pct"],
            "list_on_demand": list_od_total,
            "list_reserved": list_ri_total,
            "list_savings_pct": None if list_ri_total is None else 100 * (1 - list_ri_total / list_od_total),
            "reference_offering": f"{REFERENCE_TERM[0]}-year {REFERENCE_TERM[1]}",
            "explanation": f"{NO_DOCUMENT}: list on-demand instance cost is {money(list_od_total)} for "
            f"{HOURS_PER_MONTH} h"
            if not describes(arch)
            else (
                f"list on-demand instance cost is {money(list_od_total)} for "
                f"{HOURS_PER_MONTH} h, "
                f"{money(abs(table.loc['Total', 'on_demand'] - list_od_total))} "
                f"{'above' if list_od_total > table.loc['Total', 'on_demand'] else 'below'} "
                "the documented on-demand total"
                + (
                    "; the reserved total is unknown while any reserved price is unknown"
                    if list_ri_total is None
                    else ""
                )
            ),
        }
    )
    out = pd.DataFrame(rows)
    out["difference_on_demand"] = out["list_on_demand"] - out["documented_on_demand"]
    out["difference_reserved"] = out["list_reserved"] - out["documented_reserved"]
    return out
