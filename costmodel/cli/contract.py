"""The JSON contract of the model and bill commands (DESIGN.md), plus provenance fields.

Each function turns computed results into the exact shape ``--format json`` writes; the
keys are the contract, so a change here is a change every consumer sees.
"""

from __future__ import annotations

import pandas as pd

from costmodel.architecture import Architecture
from costmodel.constants import CURRENCY
from costmodel.estimation import LINE_ITEM_COLUMNS
from costmodel.output import json_number, known_total, records, total_fields
from costmodel.pricing.catalog import PriceCatalog
from costmodel.reconcile.steps import waterfall
from costmodel.reconcile.variance import LINE_COLUMNS, ReconciledMonth


def estimate_payload(
    arch: Architecture,
    catalog: PriceCatalog,
    items: pd.DataFrame,
    priced_month: str,
    hours: float,
    notes: list[str],
    comparison: pd.DataFrame | None,
) -> dict:
    """The ``estimate --format json`` contract (DESIGN.md) plus provenance fields."""
    total, _ = known_total(items["monthly_cost"])
    payload = {
        "currency": CURRENCY,
        "hours_per_month": hours,
        "region": arch.region,
        "price_snapshot": catalog.name,
        "price_basis": catalog.basis,
        "priced_month": priced_month,
        "warnings": notes,
        "line_items": records(items, LINE_ITEM_COLUMNS),
        "total_monthly_cost": json_number(total),
        **total_fields(items["monthly_cost"]),
        "architecture": arch.name,
        "assumptions": arch.assumptions().to_dict(orient="records"),
        "defaults": arch.defaults().to_dict(orient="records"),
    }
    if comparison is not None:
        payload["documented_comparison"] = records(comparison)
    return payload


DOCUMENTED_BASIS = {
    "stated": "the document states this figure for the category alone",
    "in_a_group": "the document states only a figure shared with other categories (see allocated)",
    "not_stated": "the document states no figure for it",
}


def documented_basis(stated: pd.Series, allocated: pd.Series) -> pd.Series:
    """Why ``documented`` is what it is: ``stated``, ``in_a_group`` (null, the document's
    figure covers several categories: ``allocated`` spreads it), ``not_stated`` (null) or
    ``no_document`` (null: no document describes the architecture)."""
    basis = pd.Series("not_stated", index=stated.index, dtype=object)
    basis[stated.isna() & (allocated != 0)] = "in_a_group"
    basis[stated.notna()] = "stated"
    basis[allocated.isna()] = "no_document"  # no document describes the architecture
    return basis


def month_payload(rec: ReconciledMonth) -> dict:
    """One month of the reconcile JSON contract (plus unit, amortized actual and flag per line,
    and ``documented_basis``: why ``documented`` is a figure or null)."""
    lines = rec.lines[LINE_COLUMNS].copy()
    lines.insert(
        lines.columns.get_loc("documented") + 1,
        "documented_basis",
        documented_basis(lines["documented"], lines["allocated"]),
    )
    return {
        "month": rec.month,
        "hours_in_month": rec.hours_in_month,
        "estimated": rec.estimated,
        "in_progress": rec.estimated,  # the same flag under the name every command uses
        "in_progress_reason": rec.progress,
        "totals": {k: json_number(v) for k, v in rec.totals.items()},
        "lines": records(lines),
        # the steps from the document to the bill, as the waterfall and the report show them
        "steps": records(waterfall(rec)),
        "unmapped": records(rec.unmapped, ["service", "usage_type", "actual"]),
        "conservation": {
            "lines": json_number(float(rec.lines["actual"].sum())),
            "unmapped": json_number(float(rec.unmapped["actual"].sum())),
            "bill_total": json_number(rec.input_total),
            "bill_total_source": rec.input_total_source,
        },
    }
