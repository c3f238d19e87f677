"""costmodel: the cost and capacity model of one production AWS microservice.

>>> import costmodel
>>> arch = costmodel.load_architecture()          # the bundled production architecture
>>> items = costmodel.estimate(arch)              # tidy DataFrame of priced line items
>>> from costmodel.output import money
>>> money(items.groupby("service").monthly_cost.sum().sum())   # hand-checked in tests/test_golden.py
'$7,794.19'
"""

from costmodel.architecture import Architecture, load_architecture
from costmodel.constants import HOURS_PER_MONTH
from costmodel.estimation import estimate
from costmodel.pricing.catalog import PriceCatalog, load_snapshot

__all__ = [
    "HOURS_PER_MONTH",
    "Architecture",
    "PriceCatalog",
    "estimate",
    "load_architecture",
    "load_snapshot",
]
