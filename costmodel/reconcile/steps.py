"""One story from the document to the bill: the steps of a reconciled month, and its export.

The waterfall, the reconciliation table's total row, the CSV, the JSON and the report all
read these functions, so that a step has one amount wherever it is shown:

documented -> modelled (the model against the document) -> calendar hours -> volume (usage
the model prices, and usage it does not price, whose cost is all volume) -> rate ->
unmapped (bill rows in no category) -> credits -> refunds -> tax -> support -> actual.
"""

from __future__ import annotations

import pandas as pd

from costmodel.categories import BILL_ADJUSTMENTS
from costmodel.output import is_unknown
from costmodel.reconcile.variance import CONTRACT_LINE_COLUMNS, VARIANCES, ReconciledMonth

STEP_NAMES = {
    "calendar_variance": "calendar hours",
    "volume_variance": "volume",
    "rate_variance": "rate",
}
UNMAPPED = "(unmapped)"
TOTAL = "Total (bill)"


def waterfall(rec: ReconciledMonth) -> pd.DataFrame:
    """Steps from the documented total to the actual total of one reconciled month [USD].

    ``step``, ``amount``: documented, model vs document (modelled alone for an architecture no
    document describes), calendar hours, volume, rate (the
    totals of the reconciliation table's columns), unmapped, then one step per bill
    adjustment (credits, refunds, tax, support), then actual. The steps add up exactly:
    their sum is actual - documented.
    """
    table, totals = rec.lines, rec.totals
    documented = totals["documented"]
    # an architecture no document describes: its steps start from the model's total
    start = (
        [("modelled", totals["modelled"])]
        if is_unknown(documented)
        else [("documented", documented), ("model vs document", totals["modelled"] - documented)]
    )
    steps = [
        *start,
        *((STEP_NAMES[c], float(table[c].sum())) for c in VARIANCES if c in STEP_NAMES),
        ("unmapped", float(rec.unmapped["actual"].sum())),
        *(
            (name.lower(), float(table.loc[table["category"] == name, "bill_adjustment"].sum()))
            for name in BILL_ADJUSTMENTS
        ),
    ]
    frame = pd.DataFrame(steps, columns=["step", "amount"])
    frame.loc[len(frame)] = ("actual", totals["actual"])
    return frame


def export_table(recs: list[ReconciledMonth]) -> pd.DataFrame:
    """Every line of every month for a spreadsheet: the category lines, each unmapped bill
    row (category ``(unmapped)``, its service and usage type) and a ``Total (bill)`` row
    whose ``actual`` is the bill's independent total (lines + unmapped, conserved to the
    cent). Usage types are one ``;``-joined text; amounts [USD]."""
    frames = []
    for rec in recs:
        lines = rec.lines[[*CONTRACT_LINE_COLUMNS, "flag"]].assign(
            usage_types=[";".join(u) for u in rec.lines["usage_types"]]
        )
        unmapped = pd.DataFrame(
            {
                "category": UNMAPPED,
                "usage_types": [f"{s}: {u}" if u else s for s, u in zip(*_unmapped_keys(rec), strict=True)],
                "actual": rec.unmapped["actual"].to_numpy(dtype=float),
                "explanation": "on the bill, in no model category",
                "flag": False,
            }
        )
        total = {
            "category": TOTAL,
            "usage_types": "",
            "documented": rec.totals["documented"],
            # null where no document describes the architecture (every line's is): no $0 no document gave
            "allocated": float(rec.lines["allocated"].sum(min_count=1)),
            "modelled": rec.totals["modelled"],
            "actual": rec.input_total,
            **{c: float(rec.lines[c].sum()) for c in VARIANCES},
            "explanation": f"lines + unmapped = the bill ({rec.input_total_source})",
            "flag": False,
        }
        month = pd.concat([lines, unmapped, pd.DataFrame([total])], ignore_index=True)
        frames.append(month.assign(month=rec.month))
    columns = ["month", *CONTRACT_LINE_COLUMNS, "flag"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def _unmapped_keys(rec: ReconciledMonth) -> tuple[list[str], list[str]]:
    return rec.unmapped["service"].astype(str).tolist(), rec.unmapped["usage_type"].astype(str).tolist()
