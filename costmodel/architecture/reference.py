"""Reference data the schema and the prices depend on: instance types and regions.

Both are read once from ``data/`` (see ``data/README.md`` for their sources).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from costmodel.data_files import data_path
from costmodel.errors import InputError


@cache
def _instance_types() -> pd.DataFrame:
    return pd.read_csv(data_path("instance_types.csv"), keep_default_na=False)


@cache
def _regions() -> pd.DataFrame:
    return pd.read_csv(data_path("regions.csv"), keep_default_na=False)


def instance_types() -> pd.DataFrame:
    """Known instance types with vCPU, memory [GiB] and normalization factor (a copy)."""
    return _instance_types().copy()


def regions() -> pd.DataFrame:
    """Known regions with their billing codes (usage type prefixes) (a copy)."""
    return _regions().copy()


@cache
def _billing_codes() -> dict[str, str]:
    table = _regions()
    return dict(zip(table["region"], table["billing_code"].astype(str), strict=True))


def billing_code(region: str) -> str:
    """Usage-type prefix of ``region``, e.g. ``USW2`` for us-west-2."""
    codes = _billing_codes()  # every usage type of every line asks: a dict, not a table scan
    if region not in codes:
        raise InputError(f"unknown region {region!r}; known: {', '.join(codes)}")
    return codes[region]
