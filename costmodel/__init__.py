"""costmodel: the cost and capacity model of one production AWS microservice.

>>> import costmodel
>>> arch = costmodel.load_architecture()          # the bundled production architecture
>>> items = costmodel.estimate(arch)              # tidy DataFrame of priced line items
>>> from costmodel.output import money
>>> money(items.groupby("service").monthly_cost.sum().sum())   # hand-checked in tests/test_golden.py
'$7,794.19'

The names below load on first use: ``import costmodel`` alone (as the command line's
``--help`` and ``--version`` do) loads no pandas.
"""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:  # the names as type checkers see them
    from costmodel.architecture import Architecture, load_architecture
    from costmodel.constants import HOURS_PER_MONTH
    from costmodel.estimation import estimate
    from costmodel.pricing.catalog import PriceCatalog, load_snapshot

_HOME = {  # name -> the module that defines it
    "HOURS_PER_MONTH": "costmodel.constants",
    "Architecture": "costmodel.architecture",
    "PriceCatalog": "costmodel.pricing.catalog",
    "estimate": "costmodel.estimation",
    "load_architecture": "costmodel.architecture",
    "load_snapshot": "costmodel.pricing.catalog",
}


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(_HOME[name]), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


__all__ = [
    "HOURS_PER_MONTH",
    "Architecture",
    "PriceCatalog",
    "estimate",
    "load_architecture",
    "load_snapshot",
]
