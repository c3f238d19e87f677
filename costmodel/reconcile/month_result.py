"""One reconciled month as a result: its lines, totals and controls, and why it is in progress."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from costmodel.actuals.controls import Actuals
from costmodel.display import Result
from costmodel.documented import NO_DOCUMENT
from costmodel.output import is_unknown, money, signed_money

# The steps from the model to the bill, per line [USD]: actual - modelled is their sum.
VARIANCES = ("calendar_variance", "volume_variance", "rate_variance", "bill_adjustment")


@dataclass(frozen=True, repr=False)
class ReconciledMonth(Result):
    """One reconciled month: the lines and the totals they carry, as fields (pandas drops
    ``DataFrame.attrs`` in many operations; a field is never lost).

    Attributes
    ----------
    month : str
        YYYY-MM.
    hours_in_month : float
        Calendar hours of the period [h].
    estimated : bool
        The month is in progress: Cost Explorer had not finalised it, or the data stops
        before the month's end (month to date).
    totals : dict
        ``documented``, ``modelled`` (730 h, list prices) and ``actual`` [USD].
    lines : DataFrame
        One row per category: :data:`LINE_COLUMNS` [USD].
    unmapped : DataFrame
        Bill rows in no model category: ``service``, ``usage_type``, ``actual`` [USD].
    input_total, input_total_source
        The independent total the month conserves money against, and what it is.
    """

    month: str
    hours_in_month: float
    estimated: bool
    totals: dict[str, float]
    lines: pd.DataFrame
    unmapped: pd.DataFrame
    input_total: float
    input_total_source: str
    # why the month is in progress, as one phrase ("" when it is final)
    progress: str = ""

    def _title(self) -> str:
        return f"ReconciledMonth {self.month}" + (" (in progress: month to date)" if self.estimated else "")

    def _headline(self) -> list[tuple[str, str]]:
        actual, modelled, documented = (self.totals[k] for k in ("actual", "modelled", "documented"))
        return [
            ("actual (the bill)", money(actual)),
            ("modelled (list prices, 730 h)", money(modelled)),
            ("actual − modelled", signed_money(actual - modelled)),
            *(
                [("documented", NO_DOCUMENT)]  # no document describes the architecture
                if is_unknown(documented)
                else [
                    ("documented", money(documented)),
                    ("actual − documented", signed_money(actual - documented)),
                ]
            ),
            ("unmapped", money(float(self.unmapped["actual"].sum()))),
            ("hours in the month", f"{self.hours_in_month:,.0f}"),
        ]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        size = (self.lines["actual"] - self.lines["modelled"]).abs()
        largest = self.lines.assign(_size=size).sort_values("_size", ascending=False, kind="stable")
        shown = ["category", "modelled", "actual", *VARIANCES, "explanation"]
        return [("lines, largest differences first", largest[shown]), ("unmapped", self.unmapped)]


def progress_note(rows: pd.DataFrame, month: str, actuals: Actuals | None) -> str:
    """Why ``month`` is in progress, by what says so, or "" when its figures are final: a
    line-item export whose data stops early (its findings), periods that stop before the
    month's end (daily Cost Explorer data missing its last days), Cost Explorer's Estimated."""
    findings = getattr(actuals, "findings", None)
    if findings is not None and findings.data_end(month) is not None:
        return f"the export's data runs through {findings.through(month)} (UTC)"
    month_end = (pd.Period(month, "M") + 1).start_time
    data_end = pd.Timestamp(rows["period_end"].max())
    if data_end < month_end:
        last = data_end - pd.Timedelta(seconds=1)
        return f"the data runs through {last:%Y-%m-%d} (UTC), not to the month's end"
    if bool(rows["estimated"].any()):
        return "Cost Explorer marks it Estimated"
    return ""
