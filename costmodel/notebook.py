"""Helpers for the notebooks: tables styled for reading (currency, highlighted variances).

Notebooks hold narrative and calls; the formatting rules live here so that every notebook
shows money the same way.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from costmodel.formatting import USD, format_value, formatters, kind_of
from costmodel.output import is_unknown
from costmodel.reconcile.variance import ReconciledMonth

VARIANCES = ("calendar_variance", "volume_variance", "rate_variance")


def money_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding USD amounts, by their unit (see :mod:`costmodel.formatting`)."""
    return [c for c in frame.columns if kind_of(str(c), frame[c]) == USD]


def _sign_colour(value: object) -> str:
    if not isinstance(value, (int, float)) or is_unknown(value):
        return ""
    return "color: #b00020" if value > 0.005 else ("color: #1b7f3a" if value < -0.005 else "")


def styled(frame: pd.DataFrame, money_cols: list[str] | None = None, highlight: str | None = None) -> Styler:
    """A Styler in the one formatting scheme: every column formatted by its unit (money
    ``$1,234.56``, ``40.5%``, counts, ``unknown`` for a missing value), numbers right-aligned,
    text left-aligned, no index; ``highlight`` colours a column by sign (red: costs more,
    green: costs less). ``money_cols`` forces columns to money."""
    formats = formatters(frame)
    for column in money_cols or []:
        formats[column] = lambda v: format_value(v, USD)
    style = frame.style.format(formats).hide(axis="index")
    numeric = [c for c in frame.columns if kind_of(str(c), frame[c]) != "text" or c in (money_cols or [])]
    text = [c for c in frame.columns if c not in numeric]
    if numeric:
        style = style.set_properties(subset=numeric, **{"text-align": "right"})
    if text:
        style = style.set_properties(subset=text, **{"text-align": "left"})
    if highlight and highlight in frame.columns:
        style = style.map(_sign_colour, subset=[highlight])
    return style


def styled_reconciliation(rec: ReconciledMonth | pd.DataFrame) -> Styler:
    """A reconciled month for review: lines sorted by the size of the difference, a total
    row, flagged lines shaded, variances coloured by sign (red: costs more), and "not
    stated" where the document has no figure of the category's own."""
    table = rec.lines if isinstance(rec, ReconciledMonth) else rec
    columns = ["documented", "allocated", "modelled", "actual", *VARIANCES]
    ordered = table.assign(_size=(table["actual"] - table["modelled"]).abs()).sort_values(
        "_size", ascending=False, kind="stable"
    )
    total = {"category": "Total (lines)", "explanation": "", "flag": False} | {
        c: table[c].sum() for c in columns
    }
    total["documented"] = total["allocated"]  # the document's own total
    shown = pd.concat([ordered, pd.DataFrame([total])], ignore_index=True)[
        ["category", *columns, "explanation", "flag"]
    ]
    formats = dict.fromkeys(columns, lambda v: format_value(v, USD))
    # what the document states for the category alone; its group figures split pro rata
    # are the "allocated" column, never shown as documented
    formats["documented"] = lambda v: "not stated" if pd.isna(v) else format_value(v, USD)
    style = shown.style.format(formats).hide(axis="index").hide(["flag"], axis="columns")
    style = style.set_properties(subset=columns, **{"text-align": "right"})
    style = style.set_properties(subset=["category", "explanation"], **{"text-align": "left"})
    for column in VARIANCES:
        style = style.map(_sign_colour, subset=[column])
    return style.apply(lambda row: ["background-color: #fff4e5" if row["flag"] else "" for _ in row], axis=1)
