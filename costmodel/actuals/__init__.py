"""Cost Explorer actuals: fetch through boto3, read saved responses offline, always with controls.

Example::

    from costmodel import actuals
    raw = actuals.fetch(start="2026-06-01", end="2026-11-01", profile="production")
    bill = actuals.read_actuals(raw)  # or a saved file: read_actuals("data/actuals/ce-....json")
    bill.rows, bill.controls          # tidy rows and the per-month totals they conserve
"""

from costmodel.actuals.controls import Actuals
from costmodel.actuals.fetching import fetch
from costmodel.actuals.reader import read_actuals

__all__ = ["Actuals", "fetch", "read_actuals"]
