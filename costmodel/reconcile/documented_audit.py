"""The documented estimate audited: its figures against each other and against list prices."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from costmodel import categories
from costmodel.architecture import Architecture
from costmodel.constants import HOURS_PER_MONTH
from costmodel.documented import category_groups, load_documented
from costmodel.estimation import estimate
from costmodel.output import money, rate
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.reconcile.variance import HOURLY_UNITS, model_lines


def _figure(doc: pd.DataFrame, table: str, group: str, item: str) -> float:
    rows = doc.loc[(doc["table"] == table) & (doc["group"] == group) & (doc["item"] == item), "amount_usd"]
    return float(rows.iloc[0]) if len(rows) else float("nan")


def _check(
    name: str,
    parts: dict[str, float],
    stated: float,
    note: str = "",
    tolerance: float = 0.5,
    unit: str = "USD",
) -> dict:
    """One check; ``unit`` is what computed, stated and difference are in: ``USD`` or ``%``."""
    computed = sum(parts.values())
    shown = money if unit == "USD" else (lambda v: f"{v:.1f}%")
    return {
        "check": name,
        "computed": computed,
        "stated": stated,
        "difference": computed - stated,
        "unit": unit,
        "consistent": abs(computed - stated) <= tolerance,
        "figures": " + ".join(f"{k} {shown(v)}" for k, v in parts.items()),
        "note": note,
    }


BREAKDOWN, RESERVED_TABLE = "cost_breakdown", "od_vs_reserved"
TABLE_ROWS = ("EKS Nodes (c5.2xlarge)", "RDS PostgreSQL", "ElastiCache")


def _sum_checks(fig: Callable[[str, str, str], float], doc: pd.DataFrame) -> list[dict]:
    """The breakdown's lines and groups, and the reserved table's columns, add up."""
    bd, rt = BREAKDOWN, RESERVED_TABLE
    rows = [
        _check(
            "Compute (EKS) lines add up to its total",
            {i: fig(bd, "Compute (EKS)", i) for i in ("Control plane", "Worker nodes", "Data transfer")},
            fig(bd, "Compute (EKS)", "total"),
        ),
        _check(
            "Database (RDS) lines add up to its total",
            {
                i: fig(bd, "Database (RDS)", i)
                for i in ("Primary instance", "Read replicas", "Backup storage")
            },
            fig(bd, "Database (RDS)", "total"),
        ),
    ]
    groups = doc.loc[(doc["table"] == bd) & (doc["item"] == "total") & (doc["group"] != "All")]
    rows.append(
        _check(
            "breakdown groups add up to the total",
            dict(zip(groups["group"], groups["amount_usd"], strict=True)),
            fig(bd, "All", "total"),
        )
    )
    for column in ("on_demand", "reserved"):
        rows.append(
            _check(
                f"on-demand vs reserved table: {column.replace('_', '-')} column adds up",
                {g: fig(rt, g, column) for g in TABLE_ROWS},
                fig(rt, "Total", column),
            )
        )
    return rows


def _reserved_table_checks(fig: Callable[[str, str, str], float]) -> list[dict]:
    """The breakdown uses the table's reserved figures, and the table's savings percentages."""
    bd, rt = BREAKDOWN, RESERVED_TABLE
    rows = []
    for group, (bgroup, bitem) in {
        "EKS Nodes (c5.2xlarge)": ("Compute (EKS)", "Worker nodes"),
        "RDS PostgreSQL": ("Database (RDS)", "total"),
        "ElastiCache": ("Cache (ElastiCache)", "total"),
    }.items():
        rows.append(
            _check(
                f"breakdown '{bgroup}: {bitem}' equals the table's reserved {group}",
                {f"breakdown {bitem}": fig(bd, bgroup, bitem)},
                fig(rt, group, "reserved"),
                "the breakdown prices this service at its reserved figure",
            )
        )
    for group in (*TABLE_ROWS, "Total"):
        od, ri = fig(rt, group, "on_demand"), fig(rt, group, "reserved")
        pct = 100 * (1 - ri / od)
        rows.append(
            _check(
                f"savings % of {group}",
                {"1 - reserved / on-demand (%)": pct},
                fig(rt, group, "savings_pct"),
                f"{pct:.1f}% computed; the table rounds it",
                tolerance=0.5,
                unit="%",
            )
        )
    return rows


def _cross_checks(fig: Callable[[str, str, str], float]) -> list[dict]:
    """The total's make-up, the control plane rate, and the S3 section against its line."""
    bd, rt = BREAKDOWN, RESERVED_TABLE
    others = {
        "Control plane": fig(bd, "Compute (EKS)", "Control plane"),
        "Data transfer": fig(bd, "Compute (EKS)", "Data transfer"),
        "MSK": fig(bd, "Message Queue (MSK)", "total"),
        "Storage": fig(bd, "Storage (S3 + EBS)", "total"),
        "Monitoring": fig(bd, "Monitoring (CloudWatch)", "total"),
    }
    return [
        _check(
            "$5,700 = the table's $4,550 reserved + the lines the table leaves out",
            {"reserved table": fig(rt, "Total", "reserved")} | others,
            fig(bd, "All", "total"),
            "the breakdown total is not an on-demand figure: three services are at reserved "
            "prices, the rest on demand",
        ),
        _check(
            "control plane = the stated $0.10/hour x 730 h",
            {"$0.10/h x 730 h": fig("service_section", "Amazon EKS", "control plane rate") * 730},
            fig(bd, "Compute (EKS)", "Control plane"),
        ),
        _check(
            "S3 section figure vs the Storage (S3 + EBS) line",
            {"S3 section": fig("service_section", "Amazon S3", "total")},
            fig(bd, "Storage (S3 + EBS)", "total"),
            "consistent only if EBS costs the remaining $50/month, which the document does not state",
        ),
    ]


def internal_checks(documented: pd.DataFrame | None = None) -> pd.DataFrame:
    """The document's figures checked against each other (sums, the reserved table, rates):
    ``check``, ``computed``, ``stated``, ``difference`` (in the row's ``unit``: ``USD`` or
    ``%``, a savings percentage), ``consistent``, ``figures``, ``note``."""
    doc = load_documented() if documented is None else documented

    def fig(table: str, group: str, item: str) -> float:
        return _figure(doc, table, group, item)

    return pd.DataFrame([*_sum_checks(fig, doc), *_reserved_table_checks(fig), *_cross_checks(fig)])


def _corresponds_to(
    category_rows: pd.DataFrame,
    model: pd.DataFrame,
    amount: float,
    basis: str,
    options: pd.DataFrame,
    items: pd.DataFrame,
) -> str:
    cats = list(category_rows["category"])
    lines = model.loc[model["category"].isin(cats)]
    if lines.empty:
        return "not modelled"
    modelled = lines["Cm"].sum()
    text = (
        f"{amount / modelled:.0%} of the modelled list cost {money(modelled)}"
        if modelled > 0
        else "the model has no charge here at list prices"
    )
    units = set(lines["unit"])
    if len(lines) == 1 or (len(units) == 1 and lines["Pm"].nunique() == 1):
        unit, price, qm = lines["unit"].iloc[0], float(lines["Pm"].iloc[0]), float(lines["Qm"].sum())
        if unit in HOURLY_UNITS:
            text = (
                f"{amount / (price * HOURS_PER_MONTH):.2f} running at the {rate(price)}/h list price "
                f"(modelled {qm / HOURS_PER_MONTH:g})"
            )
        elif price > 0:
            text = f"{amount / price:,.0f} {unit} at {rate(price)} per {unit} (modelled {qm:,.0f})"
    if basis == "reserved":
        for name in cats:
            if not categories.get(name).reservable:
                continue
            names = list(dict.fromkeys(items.loc[items["category"] == name, "resource"]))
            nu = options.loc[
                options["resource"].isin(names)
                & (options["term_years"] == 1)
                & (options["payment_option"] == "No Upfront")
                & options["offering"].str.contains("Standard|Reserved DB|Reserved Node")
            ]
            if len(nu) and nu["effective_monthly"].notna().all():
                per_instance = float(nu["effective_monthly"].sum()) / float(nu["count"].sum())
                text += (
                    f"; at the 1-year No Upfront reserved rate ({money(per_instance)} per instance-month) "
                    f"{amount / per_instance:.1f} instances"
                )
            elif len(nu) and "cannot be checked" not in text:
                text += "; reserved price unknown, so the reserved figure cannot be checked"
    return text


def audit(arch: Architecture, catalog: PriceCatalog | None = None) -> pd.DataFrame:
    """Every documented cost line beside the modelled list figure and what it would correspond to.

    Returns
    -------
    DataFrame
        ``table``, ``group``, ``item``, ``documented`` [USD/month], ``basis``, ``modelled``
        [USD/month, on-demand list, 730 h], ``difference`` (modelled - documented: the
        later figure minus the earlier, as everywhere in costmodel),
        ``corresponds_to`` (the quantity or rate the documented figure implies).
    """
    from costmodel.commitments import options as commitment_options

    catalog = catalog if catalog is not None else load_snapshot()
    items = estimate(arch, catalog)
    model = model_lines(items)
    opts = commitment_options(arch, catalog)
    mapping = category_groups()
    doc = load_documented()
    rows = []
    for rec in doc.loc[doc["table"] == "cost_breakdown"].itertuples():
        if rec.group == "All":
            cats = mapping
        elif rec.item == "total":
            cats = mapping.loc[mapping["documented_group"] == rec.group]
        else:
            cats = mapping.loc[
                (mapping["documented_group"] == rec.group) & (mapping["documented_item"] == rec.item)
            ]
        modelled = float(model.loc[model["category"].isin(cats["category"]), "Cm"].sum())
        rows.append(
            {
                "table": rec.table,
                "group": rec.group,
                "item": rec.item,
                "documented": rec.amount_usd,
                "basis": rec.basis,
                "modelled": modelled,
                "difference": modelled - rec.amount_usd,
                "corresponds_to": _corresponds_to(cats, model, rec.amount_usd, rec.basis, opts, items),
            }
        )
    return pd.DataFrame(rows)
