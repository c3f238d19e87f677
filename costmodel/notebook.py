"""Helpers for the notebooks: tables styled for reading (currency, highlighted variances).

Notebooks hold narrative and calls; the formatting rules live here so that every notebook
shows money the same way.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from costmodel.output import money

VARIANCES = ("calendar_variance", "volume_variance", "rate_variance")


def money_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding USD amounts, by the project's naming (cost, total, variance, ...)."""
    words = (
        "cost",
        "total",
        "variance",
        "documented",
        "modelled",
        "actual",
        "monthly",
        "saving",
        "upfront",
        "difference",
        "amount",
        "previous",
        "current",
        "change",
        "fee",
        "p5",
        "p25",
        "p50",
        "p75",
        "p95",
        "mean",
    )
    return [
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and any(w in c for w in words) and "quantity" not in c
    ]


def styled(frame: pd.DataFrame, money_cols: list[str] | None = None, highlight: str | None = None) -> Styler:
    """A Styler with money as ``$1,234.56`` (``unknown`` for NaN) and, optionally, a column
    whose sign is coloured (red: costs more, green: costs less)."""
    cols = money_columns(frame) if money_cols is None else money_cols
    style = frame.style.format(dict.fromkeys(cols, money)).hide(axis="index")
    if highlight and highlight in frame.columns:
        style = style.map(
            lambda v: "color: #b00020" if v > 0.005 else ("color: #1b7f3a" if v < -0.005 else ""),
            subset=[highlight],
        )
    return style


def styled_reconciliation(table: pd.DataFrame) -> Styler:
    """A reconciled month: flagged lines shaded, variances coloured by sign."""
    shown = table[["category", "documented", "modelled", "actual", *VARIANCES, "explanation", "flag"]]
    style = styled(shown, ["documented", "modelled", "actual", *VARIANCES])
    for column in VARIANCES:
        style = style.map(
            lambda v: "color: #b00020" if v > 0.005 else ("color: #1b7f3a" if v < -0.005 else ""),
            subset=[column],
        )
    return style.apply(lambda row: ["background-color: #fff4e5" if row["flag"] else "" for _ in row], axis=1)
