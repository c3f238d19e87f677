"""The documented estimate as data, and documented vs modelled side by side.

``data/documented/infrastructure-doc-costs.csv`` holds every cost figure the
infrastructure document states (its cost breakdown, its on-demand vs reserved table and
the per-service figures of its service sections), each with the quoted text.
Where each model category sits in the document's groups is a property of the category
(:mod:`costmodel.categories`).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from costmodel import arguments, categories
from costmodel.categories import NOT_DOCUMENTED
from costmodel.data_files import data_path
from costmodel.errors import InputError

if TYPE_CHECKING:
    from costmodel.architecture import Architecture

DOCUMENT = "Infrastructure Documentation (seed 000_8c74355d07b0f7ad)"
# Names an architecture file may give as ``documented_estimate``: the bundled production
# file names the document that describes it; any other architecture has no documented figures.
DOCUMENTS = ("infrastructure-doc-costs",)
NO_DOCUMENT = "no documented estimate for this architecture"


def describes(arch: Architecture) -> bool:
    """Whether the document's figures are about ``arch`` (its file says ``documented_estimate``)."""
    return arch.documented_estimate in DOCUMENTS


def require_document(arch: Architecture, asked: str) -> None:
    """Refuse ``asked`` (a comparison with the document) for an architecture it does not describe."""
    if not describes(arch):
        raise InputError(
            f"{arch.origin}: {asked}: {NO_DOCUMENT} (its file has no documented_estimate key; "
            "the document's figures describe the bundled production architecture only)"
        )


@cache
def _documented_table() -> pd.DataFrame:
    table = pd.read_csv(data_path("documented", "infrastructure-doc-costs.csv"), keep_default_na=False)
    table["amount_usd"] = table["amount_usd"].astype(float)
    table["source"] = DOCUMENT
    return table


def load_documented() -> pd.DataFrame:
    """Every figure of the document: table, group, item, amount, unit, basis, quote.

    A copy on every call: the file is read once, and no caller's edit reaches another.
    """
    return _documented_table().copy()


def documented_total() -> float:
    """The document's monthly total (its cost breakdown's ``All`` line, ~$5,700) [USD]."""
    table = _documented_table()
    row = table.loc[
        (table["table"] == "cost_breakdown") & (table["group"] == "All") & (table["item"] == "total")
    ]
    return float(row["amount_usd"].iloc[0])


def category_groups() -> pd.DataFrame:
    """Model category -> documented group (and documented line item where there is one),
    from the categories' definitions; a new DataFrame on every call."""
    table = categories.table()
    return table.loc[table["modelled"], ["category", "documented_group", "documented_item"]].reset_index(
        drop=True
    )


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
    arguments.frame(
        items, ["category", "monthly_cost"], "documented.compare", "items", "costmodel.estimate()"
    )
    documented = load_documented() if documented is None else documented
    mapping = category_groups()
    unmapped = sorted(set(items["category"]) - set(mapping["category"]))
    if unmapped:
        raise InputError(f"line-item categories {unmapped} are not defined in costmodel/categories.py")
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
    return out[["group", "item", "documented", "documented_basis", "modelled", "difference", "categories"]]


def documented_by_category(items: pd.DataFrame, documented: pd.DataFrame | None = None) -> pd.Series:
    """The document's figures allocated over the model's categories [USD/month].

    A documented line (e.g. "Worker nodes: $900") goes to the categories mapped to it; what
    a group's total leaves beyond its lines goes to the group's other categories in
    proportion to their modelled cost (to the first one when none is modelled). The result
    sums to the document's total; categories the document never mentions get 0. These are
    allocations, not figures the document states: :func:`documented_stated` gives those.
    """
    return _cached(items, documented)[0].copy()


def documented_stated(items: pd.DataFrame, documented: pd.DataFrame | None = None) -> pd.Series:
    """What the document states for each model category on its own [USD/month]: the figure
    of a documented line, or of a group without lines, that maps to that one category; NaN
    where the document gives only a figure shared with other categories (its split is an
    allocation, :func:`documented_by_category`) or none at all."""
    return _cached(items, documented)[1].copy()


def _cached(items: pd.DataFrame, documented: pd.DataFrame | None) -> tuple[pd.Series, pd.Series]:
    modelled = items.groupby("category")["monthly_cost"].sum()
    if documented is None:  # the bundled document: the split only depends on the modelled costs
        return _bundled_by_category(tuple(modelled.items()))
    return _by_category(documented, modelled)


@cache
def _bundled_by_category(modelled: tuple[tuple[str, float], ...]) -> tuple[pd.Series, pd.Series]:
    names, costs = zip(*modelled, strict=True) if modelled else ((), ())
    return _by_category(_documented_table(), pd.Series(costs, index=list(names), dtype=float))


def _by_category(documented: pd.DataFrame, modelled: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(allocated, stated) per category: the allocation sums to the document's total; the
    stated figure is NaN unless one documented figure belongs to the category alone."""
    mapping = category_groups()
    breakdown = documented.loc[documented["table"] == "cost_breakdown"]
    out = pd.Series(0.0, index=mapping["category"])
    stated = pd.Series(float("nan"), index=mapping["category"])
    for group, rows in mapping.groupby("documented_group", sort=False):
        if group == NOT_DOCUMENTED:
            continue
        lines = breakdown.loc[breakdown["group"] == group]
        remaining = float(lines.loc[lines["item"] == "total", "amount_usd"].sum())
        items = rows.loc[rows["documented_item"] != ""]
        for item, cats in items.groupby("documented_item"):
            amount = float(lines.loc[lines["item"] == item, "amount_usd"].sum())
            out[cats["category"]] = _spread(amount, cats["category"], modelled)
            if len(cats) == 1:
                stated[cats["category"]] = amount
            remaining -= amount
        rest = rows.loc[rows["documented_item"] == "", "category"]
        if len(rest) and abs(remaining) > 1e-9:
            out[rest] = _spread(remaining, rest, modelled)
            if len(rest) == 1 and items.empty:  # the group's own figure, not a remainder
                stated[rest] = remaining
    return out, stated


def _spread(amount: float, categories: pd.Series, modelled: pd.Series) -> list[float]:
    weights = categories.map(modelled).fillna(0.0).to_numpy()
    if weights.sum() <= 0:
        weights = [1.0] + [0.0] * (len(categories) - 1)
        return [amount * w for w in weights]
    return list(amount * weights / weights.sum())
