"""Helpers for the notebooks: tables styled for reading (currency, highlighted variances).

Notebooks hold narrative and calls; the formatting rules live here so that every notebook
shows money the same way. Every table is a :class:`Table`: in Jupyter it shows with its
styles inline (JupyterLab drops the ``<style>`` block of a notebook it does not trust, so a
shaded line would lose its shade) and with MathJax told to leave it alone (a cell with two
``$``, "Control plane $73.00 + Worker nodes $900.00", is money, not a formula). Column
headers read as words with their unit ("calendar hours", "term (years)"), not snake_case.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from costmodel.display import Result, inline_styles
from costmodel.formatting import USD, format_value, formatters, kind_of
from costmodel.output import change_text, is_unknown, money
from costmodel.reconcile.variance import VARIANCES, ReconciledMonth

# Headers a reader knows better than the column's name; other names lose their
# underscores and unit suffix (the cells say $ or %).
HEADERS = {
    "calendar_variance": "calendar hours",
    "volume_variance": "volume",
    "rate_variance": "rate",
    "bill_adjustment": "tax, credits, refunds, support",
    "term_years": "term (years)",
    "break_even_months": "break-even (months)",
    "usage_hours": "usage (hours)",
    "reserved_hours": "reserved (hours)",
    "covered_hours": "covered (hours)",
    "predicted_hours": "predicted (hours)",
    "billed_hours": "billed (hours)",
    "hourly_mae": "mean abs. error per hour (nodes)",
    "used_pct": "used",
    # beside ``change`` [USD] and ``forecast`` [USD]: the suffix alone would repeat their header
    "change_pct": "change %",
    "forecast_pct": "forecast, % of budget",
    "actual_amortized": "actual, amortized",
    "amortized_cost": "amortized cost",
    "cost": "cost (unblended)",
    "resource_id": "resource",
    "r2": "R²",
}
SUFFIXES = ("_pct", "_usd", "_share", "_count")


def header(column: object) -> str:
    """A column's header as a reader reads it: ``calendar_variance`` -> ``calendar hours``,
    ``savings_pct`` -> ``savings``, ``monthly_cost`` -> ``monthly cost``."""
    name = str(column)
    if name in HEADERS:
        return HEADERS[name]
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            name = name.removesuffix(suffix)
    if name.endswith("_months"):
        name = name.removesuffix("_months") + " (months)"
    return name.replace("_", " ")


def html_table(style: Styler) -> str:
    """A Styler as HTML for any front end: styles inline, and the ``tex2jax_ignore
    mathjax_ignore`` classes (pandas' ``styler.html.mathjax`` off) so that MathJax never
    typesets a cell."""
    with pd.option_context("styler.html.mathjax", False):
        return inline_styles(style.to_html())


class Table(Styler):
    """A pandas Styler that shows itself with :func:`html_table` in Jupyter."""

    def _repr_html_(self) -> str:
        return html_table(self)


def money_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding USD amounts, by their unit (see :mod:`costmodel.formatting`)."""
    return [c for c in frame.columns if kind_of(str(c), frame[c]) == USD]


def _sign_colour(value: object) -> str:
    if not isinstance(value, (int, float)) or is_unknown(value):
        return ""
    return "color: #b00020" if value > 0.005 else ("color: #1b7f3a" if value < -0.005 else "")


def styled(frame: pd.DataFrame, money_cols: list[str] | None = None, highlight: str | None = None) -> Table:
    """A Styler in the one formatting scheme: every column formatted by its unit (money
    ``$1,234.56``, ``40.5%``, counts, ``unknown`` for a missing value), numbers right-aligned,
    text left-aligned, no index; ``highlight`` colours a column by sign (red: costs more,
    green: costs less). ``money_cols`` forces columns to money."""
    formats = formatters(frame)
    for column in money_cols or []:
        formats[column] = lambda v: format_value(v, USD)
    style = Table(frame).format(formats).hide(axis="index").format_index(header, axis="columns")
    numeric = [c for c in frame.columns if kind_of(str(c), frame[c]) != "text" or c in (money_cols or [])]
    text = [c for c in frame.columns if c not in numeric]
    if numeric:
        style = style.set_properties(subset=numeric, **{"text-align": "right"})
    if text:
        style = style.set_properties(subset=text, **{"text-align": "left"})
    if highlight and highlight in frame.columns:
        style = style.map(_sign_colour, subset=[highlight])
    # headers over their column: numbers right, text left (a front end's default centres or
    # right-aligns them all)
    return style.map_index(lambda c: "text-align: left" if c in text else "text-align: right", axis="columns")


def styled_reconciliation(rec: ReconciledMonth | pd.DataFrame) -> Table:
    """A reconciled month for review: lines sorted by the size of the difference, flagged
    lines shaded, variances coloured by sign (red: costs more), "not stated" where the
    document has no figure of the category's own; then, for a :class:`ReconciledMonth`, its
    unmapped bill rows and the total row that equals the bill (as ``reconcile --format
    csv``), for a bare table of lines a total of the lines."""
    from costmodel.reconcile.steps import TOTAL, export_table

    table = rec.lines if isinstance(rec, ReconciledMonth) else rec
    columns = ["documented", "allocated", "modelled", "actual", *VARIANCES]
    ordered = table.assign(_size=(table["actual"] - table["modelled"]).abs()).sort_values(
        "_size", ascending=False, kind="stable"
    )
    if isinstance(rec, ReconciledMonth):
        exported = export_table([rec])
        after = exported.loc[~exported["category"].isin(set(table["category"]))]
    else:
        total = {"category": "Total (lines)", "explanation": "", "flag": False} | {
            c: table[c].sum() for c in columns
        }
        total["documented"] = total["allocated"]  # the document's own total
        after = pd.DataFrame([total])
    shown = pd.concat([ordered, after], ignore_index=True)[["category", *columns, "explanation", "flag"]]
    if isinstance(rec, ReconciledMonth):  # the unmapped rows name what they are
        unmapped = shown["category"].eq("(unmapped)")
        shown.loc[unmapped, "category"] = "unmapped: " + exported.loc[
            exported["category"] == "(unmapped)", "usage_types"
        ].to_numpy(dtype=object)
        shown.loc[unmapped, "documented"] = 0.0
        bold = shown["category"].eq(TOTAL)
    else:
        bold = shown["category"].eq("Total (lines)")
    formats = dict.fromkeys(columns, lambda v: format_value(v, USD))
    # what the document states for the category alone; its group figures split pro rata
    # are the "allocated" column, never shown as documented
    formats["documented"] = lambda v: "not stated" if pd.isna(v) else format_value(v, USD)
    style = (
        Table(shown)
        .format(formats)
        .hide(axis="index")
        .hide(["flag"], axis="columns")
        .format_index(header, axis="columns")
    )
    style = style.set_properties(subset=columns, **{"text-align": "right"})
    style = style.set_properties(subset=["category", "explanation"], **{"text-align": "left"})
    style = style.map_index(
        lambda c: "text-align: left" if c in ("category", "explanation") else "text-align: right",
        axis="columns",
    )
    for column in VARIANCES:
        style = style.map(_sign_colour, subset=[column])
    style = style.apply(lambda row: ["background-color: #fff4e5" if row["flag"] else "" for _ in row], axis=1)
    return style.apply(lambda row: ["font-weight: bold" if bold[row.name] else "" for _ in row], axis=1)


def styled_checks(checks: pd.DataFrame) -> Table:
    """The documented estimate's internal checks (:func:`costmodel.reconcile.internal_checks`):
    computed, stated and difference in each row's own unit (money, or a percentage for the
    savings rows, never a percentage shown as dollars), inconsistent rows shaded."""
    values = ["computed", "stated", "difference"]
    shown = checks.copy()
    for column in values:
        shown[column] = [
            format_value(v, USD) if unit == "USD" else f"{v:.1f}%"
            for v, unit in zip(checks[column], checks["unit"], strict=True)
        ]
    shown["consistent"] = checks["consistent"].map({True: "yes", False: "NO"})
    style = styled(shown[["check", *values, "consistent", "figures", "note"]])
    style = style.set_properties(subset=values, **{"text-align": "right"})
    return style.apply(
        lambda row: ["background-color: #fff4e5" if row["consistent"] == "NO" else "" for _ in row], axis=1
    )


def load_report_context(
    month: str,
    arch_file: str | None = None,
    actuals_file: str | None = None,
    profile: str | None = None,
    fetch: tuple[str, str] = ("2026-06-01", "2026-11-01"),
) -> dict:
    """:func:`costmodel.report.report_context` for a notebook: the bundled samples, a saved
    file, or Cost Explorer with ``profile`` (saved to a temporary file first, read-only and
    cached); the context also holds ``arch`` and ``actuals_path`` to write the report."""
    import json
    import tempfile
    from pathlib import Path

    from costmodel.architecture import load_architecture
    from costmodel.report import report_context

    arch = load_architecture(arch_file)
    if profile:
        from costmodel import actuals

        raw = actuals.fetch(start=fetch[0], end=fetch[1], profile=profile)
        actuals_file = str(Path(tempfile.mkdtemp()) / "ce.json")
        Path(actuals_file).write_text(json.dumps(raw))
    return report_context(month, actuals_file, arch) | {"arch": arch, "actuals_path": actuals_file}


class Summary(Result):
    """The report's executive summary as a notebook shows it: the bill first, then against
    the budget, last month, the documented estimate and the model."""

    def __init__(self, context: dict) -> None:
        self.context = context

    def _title(self) -> str:
        c = self.context
        sample = " (the bundled SYNTHETIC sample, not a real bill)" if c["synthetic"] else ""
        progress = " (in progress: month to date)" if c["estimated"] else ""
        return f"{c['month']}{progress}: {c['actuals_source']}{sample}"

    def _headline(self) -> list[tuple[str, str]]:
        c, bill = self.context, self.context["totals"]["actual"]
        out = [("the bill (unblended, tax and support included)", money(bill))]
        if c["budget"]:
            out.append((f"vs budget {money(c['budget']['total'])}", change_text(bill, c["budget"]["total"])))
            out[-1] = (out[-1][0], f"{out[-1][1]}: {c['budget']['verdict']}")
        if c["previous_total"] is not None:
            out.append(
                (f"vs last month {money(c['previous_total'])}", change_text(bill, c["previous_total"]))
            )
        documented, modelled = c["totals"]["documented"], c["totals"]["modelled"]
        out.append((f"vs documented {money(documented)}", change_text(bill, documented)))
        out.append((f"vs modelled {money(modelled)} (list prices, 730 h)", change_text(bill, modelled)))
        return out

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return []


def summary(context: dict) -> Summary:
    """The executive summary of a :func:`load_report_context` (headline figures first)."""
    return Summary(context)
