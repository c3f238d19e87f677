"""Cost Explorer actuals: fetch through boto3, read saved responses offline.

Example::

    from costmodel import actuals
    raw = actuals.fetch(start="2026-06-01", end="2026-11-01", profile="production")
    ce = actuals.read("data/actuals/ce-2026-06..2026-10.json")
"""

from costmodel.actuals.fetch import fetch
from costmodel.actuals.read import (
    Actuals,
    read,
    read_actuals,
    read_console_csv,
    read_cost_and_usage,
    read_cost_and_usage_with_controls,
)

__all__ = [
    "Actuals",
    "fetch",
    "read",
    "read_actuals",
    "read_console_csv",
    "read_cost_and_usage",
    "read_cost_and_usage_with_controls",
]
