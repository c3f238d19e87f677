"""The documented estimate as data, and documented vs modelled side by side.

``data/documented/infrastructure-doc-costs.csv`` holds every cost figure the
infrastructure document states (its cost breakdown, its on-demand vs reserved table and
the per-service figures of its service sections), each with the quoted text.
``category-groups.csv`` maps the model's line-item categories onto the document's groups.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from costmodel.data_files import data_path
from costmodel.errors import InputError

DOCUMENT = "Infrastructure Documentation (seed 000_8c74355d07b0f7ad)"
NOT_DOCUMENTED = "Not in the documented breakdown"


@cache
def load_documented() -> pd.DataFrame:
    """Every figure of the document: table, group, item, amount, unit, basis, quote."""
    table = pd.read_csv(
        data_path("documented", "infrastructure-doc-costs.csv"), keep_default_na=False
    )
    table["amount_usd"] = table["amount_usd"].astype(float)
    table["source"] = DOCUMENT
    return table


@cache
def category_groups() -> pd.DataFrame:
    """Model category -> documented group (and documented line item where there is one)."""
    return pd.read_csv(data_path("documented", "category-groups.csv"), keep_default_na=False)


def _documented_groups(documented: pd.DataFrame) -> pd.DataFrame:
    breakdown = documented.loc[documented["table"] == "cost_breakdown"]
    groups = breakdown.loc[(breakdown["item"] == "total") & (breakdown["group"] != "All")]
    return groups.set_index("group")


def compare(items: pd.DataFrame, documented: pd.DataFrame | None = None) -> pd.DataFrame:
    """Documented vs modelled per documented group and line, from priced line items.

    Parameters
    ----------
    items : DataFrame
        Priced line items with ``category`` and ``monthly_cost`` [USD].
    documented : DataFrame, optional
        Default: :func:`load_documented`.

    Returns
    -------
    DataFrame
        ``group``, ``item`` (``total`` for a group), ``documented`` [USD/month],
        ``documented_basis``, ``modelled`` [USD/month, on-demand list], ``difference``
        (modelled - documented) [USD/month], ``categories`` (model categories counted).
    """
    documented = load_documented() if documented is None else documented
    mapping = category_groups()
    unmapped = sorted(set(items["category"]) - set(mapping["category"]))
    if unmapped:
        raise InputError(
            f"line-item categories {unmapped} have no documented group in "
            "data/documented/category-groups.csv"
        )
    by_category = items.groupby("category")["monthly_cost"].sum()
    merged = mapping.assign(modelled=mapping["category"].map(by_category).fillna(0.0))
    merged = merged.loc[merged["category"].isin(by_category.index)]
    groups = _documented_groups(documented)
    breakdown = documented.loc[documented["table"] == "cost_breakdown"]
    rows = []
    group_order = [*groups.index, NOT_DOCUMENTED]
    for group in group_order:
        in_group = merged.loc[merged["documented_group"] == group]
        doc_total = groups["amount_usd"].get(group, 0.0)
        rows.append(
            {
                "group": group,
                "item": "total",
                "documented": float(doc_total),
                "documented_basis": groups["basis"].get(group, ""),
                "modelled": float(in_group["modelled"].sum()),
                "categories": ", ".join(in_group["category"]),
            }
        )
        for doc_item, lines in in_group.loc[in_group["documented_item"] != ""].groupby(
            "documented_item", sort=False
        ):
            doc = breakdown.loc[(breakdown["group"] == group) & (breakdown["item"] == doc_item)]
            rows.append(
                {
                    "group": group,
                    "item": doc_item,
                    "documented": float(doc["amount_usd"].sum()),
                    "documented_basis": doc["basis"].iloc[0] if len(doc) else "",
                    "modelled": float(lines["modelled"].sum()),
                    "categories": ", ".join(lines["category"]),
                }
            )
    doc_total = breakdown.loc[breakdown["group"] == "All", "amount_usd"].sum()
    rows.append(
        {
            "group": "All",
            "item": "total",
            "documented": float(doc_total),
            "documented_basis": "mixed",
            "modelled": float(items["monthly_cost"].sum()),
            "categories": "",
        }
    )
    out = pd.DataFrame(rows)
    out["difference"] = out["modelled"] - out["documented"]
    return out[
        ["group", "item", "documented", "documented_basis", "modelled", "difference", "categories"]
    ]
