"""Documented vs modelled vs actual, month by month, with every difference explained.

Example::

    from costmodel import actuals, reconcile
    ce = actuals.read_actuals("data/actuals/ce-2026-06..2026-10.json")
    rec = reconcile.month(ce, arch, month="2026-10")   # a ReconciledMonth
    rec.lines                                          # one row per category
    rec.totals, rec.unmapped                           # totals; bill rows the model cannot place
"""

from costmodel.reconcile.audit import audit, internal_checks
from costmodel.reconcile.variance import ReconciledMonth, month, months, trend

__all__ = ["ReconciledMonth", "audit", "internal_checks", "month", "months", "trend"]
