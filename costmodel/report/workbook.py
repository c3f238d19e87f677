"""The month's review as an Excel workbook (``costmodel report --format xlsx``).

One sheet per table of the HTML report, built from the same :func:`report_context`, so the
two never disagree: Summary, Reconciliation (every line, unmapped rows and a total row equal
to the bill), Steps (the waterfall), By service, Budget, Forecast, Movers, Amortized,
Commitments, Opportunities, Unit cost, by tag and Resources with line items, and
Assumptions and sources. Money cells hold numbers with a currency format (a spreadsheet
sums them), percentages are fractions formatted as percentages, lists are ``;``-joined.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from costmodel.files import atomic_write_bytes
from costmodel.formatting import PCT, RATE, SHARE, UNIT_COST, USD, kind_of
from costmodel.notebook import header
from costmodel.output import spreadsheet_ready
from costmodel.reconcile.steps import export_table

MONEY_FORMAT = '"$"#,##0.00;-"$"#,##0.00'
RATE_FORMAT = '"$"#,##0.000000'
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT, QUANTITY_FORMAT = "#,##0", "#,##0.00"  # 10,044,000,000 requests, 739.27 hours
SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet name [characters]


def sheets(context: dict) -> dict[str, pd.DataFrame]:
    """The workbook's sheets, in order, from :func:`costmodel.report.build.report_context`."""
    totals = context["totals"]
    budget = context["budget"]
    summary = [
        ("month", context["month"]),
        ("architecture", f"{context['arch_name']} ({context['region']})"),
        ("actuals", context["actuals_source"] + (" (SYNTHETIC sample)" if context["synthetic"] else "")),
        ("the bill (unblended, tax and support included) [USD]", totals["actual"]),
        ("budget [USD]", budget["total"] if budget else None),
        ("budget status", budget["verdict"] if budget else "no budget given"),
        ("last month [USD]", context["previous_total"]),
        ("documented estimate [USD]", totals["documented"]),
        ("modelled: list prices, 730 h [USD]", totals["modelled"]),
        ("in progress (month to date)", "yes" if context["estimated"] else "no"),
    ]
    out = {
        "Summary": pd.DataFrame(summary, columns=["item", "value"]),
        "Reconciliation": export_table([context["rec"]]).drop(columns=["month"]),
        "Steps": pd.DataFrame(context["waterfall"]),
        "By service": context["by_service"],
        "Budget": pd.DataFrame(budget["rows"]) if budget else pd.DataFrame(),
        "Forecast": pd.DataFrame(context["forecast"].get("rows", [])),
        "Movers": pd.DataFrame(context["movers"]),
        "Amortized": pd.DataFrame(context["amortized"]),
        "Commitments": pd.DataFrame(context["commitments_over_time"]),
        "Opportunities": pd.DataFrame(context["opportunities"]),
        "Unit cost": pd.DataFrame(context["unit_cost"]),
    }
    if context["line_items"]["available"]:
        out[f"By tag {context['line_items']['tag']}"[:SHEET_NAME_LIMIT]] = pd.DataFrame(
            context["line_items"]["by_tag"]
        )
        out["Resources"] = pd.DataFrame(context["line_items"]["resources"])
    out["Assumptions"] = pd.DataFrame(context["assumptions"])
    out["Price sources"] = pd.DataFrame(context["sources"]).assign(
        prices=f"{context['price_snapshot']} ({context['price_basis']})",
        hours_per_month=context["hours_per_month"],
    )
    out["Summary"]["value"] = [  # float noise never reaches a cell (7795.190000000001)
        round(v, 6) if isinstance(v, float) else v for v in out["Summary"]["value"]
    ]
    return {name: frame for name, frame in out.items() if len(frame.columns)}


def _number_format(column: str, series: pd.Series, money_columns: set[str]) -> str | None:
    kind = USD if column in money_columns else kind_of(column, series)
    if kind == USD:
        return MONEY_FORMAT
    if kind in (RATE, UNIT_COST):
        return RATE_FORMAT
    if kind in (PCT, SHARE):
        return PERCENT_FORMAT
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        whole = series.dropna().astype(float).map(float.is_integer).all()
        return COUNT_FORMAT if whole else QUANTITY_FORMAT
    return None


def workbook_bytes(context: dict) -> bytes:
    """The workbook as bytes: a header row of words per sheet, money as money, percentages
    as percentages, columns wide enough to read."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets(context).items():
            money_columns: set[str] = set()
            shown = spreadsheet_ready(frame)
            for column in shown.columns:  # Excel's percent format multiplies by 100
                if kind_of(str(column), shown[column]) == PCT and column not in money_columns:
                    shown[column] = shown[column] / 100
            shown.to_excel(writer, sheet_name=name, index=False, header=[header(c) for c in shown.columns])
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for i, column in enumerate(shown.columns, start=1):
                letter = sheet.cell(row=1, column=i).column_letter
                fmt = _number_format(str(column), frame[column], money_columns)
                if name == "Summary" and column == "value":
                    fmt = None
                if fmt:
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                        cell.number_format = fmt
                width = max([len(header(column)), *(len(str(v)) for v in shown[column].head(200))])
                sheet.column_dimensions[letter].width = min(max(10, width + 2), 70)
            if name == "Summary":
                for row in sheet.iter_rows(min_row=2, min_col=1, max_col=2):
                    if "[USD]" in str(row[0].value):
                        row[1].number_format = MONEY_FORMAT
    return buffer.getvalue()


def write_workbook(context: dict, path: Path) -> Path:
    """Write :func:`workbook_bytes` to ``path`` atomically and return it."""
    return atomic_write_bytes(path, workbook_bytes(context))
