"""The slower ways costmodel used to do (or could do) the same work, kept to measure the
fast paths against and to prove that both give the same result. Not part of the package.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.lineitems.schema import CUR2

# CUR 2.0 columns the monthly actuals need, as the DuckDB path reads them
_CUR2_COLUMNS = [
    *(CUR2.columns[c] for c in ("usage_start", "product_code", "usage_type", "line_item_type")),
    *(CUR2.columns[c] for c in ("usage_unit", "unblended_cost", "usage_amount")),
    "product",
    *(c for c in CUR2.amortized.values()),
]


def pandas_monthly_groups(path: str | Path) -> pd.DataFrame:
    """The ``monthly`` line-item query done in pandas: read the Parquet columns into memory,
    derive the canonical columns and the amortized cost with numpy, then group (CUR 2.0 only)."""
    import pyarrow.parquet as pq

    present = set(pq.read_schema(path).names)
    frame = pd.read_parquet(path, columns=[c for c in _CUR2_COLUMNS if c in present])
    c, a = CUR2.columns, CUR2.amortized
    kind = frame[c["line_item_type"]]
    cost = frame[c["unblended_cost"]].astype(float)

    def col(rule: str) -> pd.Series:
        name = a[rule]
        return frame[name].astype(float) if name in frame else pd.Series(np.nan, index=frame.index)

    arn = frame[a["reservation_arn"]].fillna("") if a["reservation_arn"] in frame else ""
    amortized = np.select(
        [
            kind == "SavingsPlanCoveredUsage",
            kind == "SavingsPlanRecurringFee",
            kind.isin(["SavingsPlanNegation", "SavingsPlanUpfrontFee"]),
            kind == "DiscountedUsage",
            kind == "RIFee",
            kind == "Fee",
        ],
        [
            col("sp_effective"),
            col("sp_commitment") - col("sp_used"),
            0.0,
            col("ri_effective"),
            col("ri_unused_upfront") + col("ri_unused_recurring"),
            np.where(arn != "", 0.0, cost),
        ],
        default=cost,
    )
    # the product map arrives as a list of (key, value) pairs per row
    product_name = [dict(pairs or ()).get("product_name") or "" for pairs in frame["product"]]
    canonical = pd.DataFrame(
        {
            "month": frame[c["usage_start"]].dt.strftime("%Y-%m"),
            "product_code": frame[c["product_code"]].fillna(""),
            "product_name": product_name,
            "usage_type": frame[c["usage_type"]].fillna(""),
            "line_item_type": kind.fillna(""),
            "usage_unit": frame[c["usage_unit"]].fillna(""),
            "unblended_cost": cost,
            "amortized_cost": amortized,
            "usage_amount": frame[c["usage_amount"]].astype(float),
        }
    )
    keys = ["month", "product_code", "product_name", "usage_type", "line_item_type", "usage_unit"]
    by = canonical.groupby(keys, sort=False)
    out = by[["unblended_cost", "usage_amount"]].sum()
    # a sum of amortized costs is unknown when any of its rows' is (the DuckDB rule)
    out["amortized_cost"] = by["amortized_cost"].sum().where(by["amortized_cost"].count() == by.size())
    out["line_items"] = by.size()
    return out.reset_index()[[*keys, "unblended_cost", "amortized_cost", "usage_amount", "line_items"]]


def per_row_mapping(actual: pd.DataFrame, items: pd.DataFrame) -> list[str]:
    """The category of every bill row, mapped row by row (the first version's way)."""
    from costmodel.reconcile.mapping import _map_key, model_keys

    keys = model_keys(items)
    return [
        _map_key(s, u, r, keys)[2]
        for s, u, r in zip(actual["service"], actual["usage_type"], actual["record_type"], strict=True)
    ]
