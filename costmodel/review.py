"""The month's finance review in one object: what the notebooks load, and its headline.

``review.load(month)`` reads the architecture, the prices, the monthly bill (a file, the
bundled sample, or Cost Explorer with ``profile``), its daily form, the budget and the line
items, reconciles the months up to ``month``, and shows first what finance asks first:
the bill, against the budget, against last month and against the documented estimate::

    from costmodel import review
    r = review.load("2026-10")
    r          # in Jupyter: the headline, then the lines that moved most
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from costmodel.actuals import Actuals
from costmodel.architecture import Architecture, load_architecture
from costmodel.display import Result
from costmodel.documented import NO_DOCUMENT
from costmodel.errors import InputError
from costmodel.output import change_text, is_unknown, money
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.reconcile.variance import ReconciledMonth


@dataclass(frozen=True, repr=False)
class Review(Result):
    """A month under review: its reconciliation, the months before it and what was read."""

    month: str
    arch: Architecture
    catalog: PriceCatalog
    bill: Actuals
    daily: Actuals | None
    rec: ReconciledMonth
    tables: list[ReconciledMonth]  # every month of the bill up to ``month``
    budget_total: float | None  # the whole bill's monthly budget [USD]
    budget_status: str  # ok, at risk, over, unknown; "" without a budget
    budget: pd.DataFrame | None  # every budget of the file for the month (costmodel.budget.evaluate)

    @property
    def previous(self) -> ReconciledMonth | None:
        """The month before, when the bill has it."""
        before = [t for t in self.tables if t.month < self.month]
        return before[-1] if before else None

    def _title(self) -> str:
        progress = " (in progress: month to date)" if self.rec.estimated else ""
        return f"Finance review {self.month}{progress}: {self.bill.origin}"

    def _headline(self) -> list[tuple[str, str]]:
        bill = self.rec.totals["actual"]
        out = [("the bill (unblended, tax and support included)", money(bill))]
        if self.budget_total is not None:
            out.append(
                (
                    f"vs budget {money(self.budget_total)}",
                    f"{change_text(bill, self.budget_total)}: {self.budget_status}",
                )
            )
        if self.previous is not None:
            out.append(
                (
                    f"vs last month {money(self.previous.totals['actual'])}",
                    change_text(bill, self.previous.totals["actual"]),
                )
            )
        documented = self.rec.totals["documented"]
        if is_unknown(documented):  # no document describes the architecture
            out.append(("vs documented", NO_DOCUMENT))
        else:
            out.append((f"vs documented {money(documented)}", change_text(bill, documented)))
        modelled = self.rec.totals["modelled"]
        out.append((f"vs modelled {money(modelled)} (list prices, 730 h)", change_text(bill, modelled)))
        return out

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return self.rec._tables()[:1]


def load(
    month: str,
    arch_file: str | Path | None = None,
    actuals_file: str | Path | None = None,
    daily_file: str | Path | None = None,
    budget_file: str | Path | None = None,
    profile: str | None = None,
    fetch: tuple[str, str] = ("2026-06-01", "2026-11-01"),
) -> Review:
    """Everything a month's review reads (see the module docstring). Without files, the
    bundled SYNTHETIC samples; with ``profile``, Cost Explorer between ``fetch`` dates (read
    only, cached)."""
    from costmodel import actuals, reconcile
    from costmodel.budget import evaluate, read_budget, worst_status
    from costmodel.data_files import SAMPLE_BUDGET, SAMPLE_DAILY, SAMPLE_MONTHLY, sample
    from costmodel.inputs import parse_month

    parse_month(month, "month")
    arch = load_architecture(arch_file)
    catalog = load_snapshot()
    if profile:
        raw = actuals.fetch(start=fetch[0], end=fetch[1], profile=profile)
        bill = actuals.read_actuals(raw, origin=f"Cost Explorer ({profile})")
    else:
        bill = actuals.read_actuals(sample(SAMPLE_MONTHLY, actuals_file))
    if month not in set(bill.rows["month"]):
        raise InputError(f"{bill.origin} has no data for {month}; it has {', '.join(bill.controls['month'])}")
    daily_bill = bill if set(bill.rows["granularity"]) == {"DAILY"} else None
    if daily_bill is None and (daily_file is not None or actuals_file is None) and not profile:
        daily_bill = actuals.read_actuals(sample(SAMPLE_DAILY, daily_file))
    tables = [t for t in reconcile.months(bill, arch, catalog) if t.month <= month]
    rec = next(t for t in tables if t.month == month)
    total, status, rows = None, "", None
    if budget_file is not None or actuals_file is None:
        budget = read_budget(sample(SAMPLE_BUDGET, budget_file))
        _, rows = evaluate(budget, bill, month, arch, catalog)
        total = float(rows.loc[rows["scope"] == "total", "budget"].iloc[0])
        status = worst_status(rows)
    return Review(month, arch, catalog, bill, daily_bill, rec, tables, total, status, rows)
