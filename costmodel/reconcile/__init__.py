"""Documented vs modelled vs actual, month by month, with every difference explained.

Example::

    from costmodel import actuals, reconcile
    ce = actuals.read_actuals("data/actuals/ce-2026-06..2026-10.json")
    rec = reconcile.month(ce, arch, month="2026-10")   # a ReconciledMonth
    rec.lines                                          # one row per category
    rec.totals, rec.unmapped                           # totals; bill rows the model cannot place
    reconcile.waterfall(rec)                           # the steps from the document to the bill
    reconcile.export_table([rec]).to_csv("oct.csv")    # every line, unmapped, a total = the bill
"""

from costmodel.reconcile.documented_audit import audit, internal_checks
from costmodel.reconcile.steps import export_table, waterfall
from costmodel.reconcile.variance import ReconciledMonth, month, months, trend

__all__ = [
    "ReconciledMonth",
    "audit",
    "export_table",
    "internal_checks",
    "month",
    "months",
    "trend",
    "waterfall",
]
