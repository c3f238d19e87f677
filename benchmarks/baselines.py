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
GROUP_KEYS = ["month", "product_code", "product_name", "usage_type", "line_item_type", "usage_unit"]


def pandas_monthly_groups(path: str | Path, batch_rows: int = 1_000_000) -> pd.DataFrame:
    """The monthly groups of a CUR 2.0 export (a file or a folder of Parquet) done the lean
    pandas way: a batch of rows at a time (memory stays bounded at any size), the columns as
    arrays, the product name looked up in the map by Arrow, numpy for the amortized cost,
    each batch grouped and the batches' groups summed."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(path), format="parquet")
    present = set(dataset.schema.names)
    columns = [c for c in _CUR2_COLUMNS if c in present]
    partial = []
    for batch in dataset.to_batches(columns=columns, batch_size=batch_rows):
        names = pc.map_lookup(batch.column("product"), "product_name", "first")
        # the map itself never becomes Python objects (a list of pairs per row)
        partial.append(_batch_groups(batch.drop_columns(["product"]).to_pandas(), names))
    by = pd.concat(partial, ignore_index=True).groupby(GROUP_KEYS, sort=False)
    out = by[["unblended_cost", "usage_amount", "amortized_sum", "amortized_known", "line_items"]].sum()
    # a sum of amortized costs is unknown when any of its rows' is (the DuckDB rule)
    out["amortized_cost"] = out["amortized_sum"].where(out["amortized_known"] == out["line_items"])
    out = out.reset_index()
    out["month"] = out["month"].dt.strftime("%Y-%m")
    return out[[*GROUP_KEYS, "unblended_cost", "amortized_cost", "usage_amount", "line_items"]]


def _batch_groups(frame: pd.DataFrame, product_name: object) -> pd.DataFrame:
    """One batch's groups: sums, line items and how many amortized costs are known."""
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
    canonical = pd.DataFrame(
        {
            "month": frame[c["usage_start"]].dt.to_period("M").dt.start_time,
            "product_code": frame[c["product_code"]].fillna(""),
            "product_name": pd.Series(product_name.to_pandas(), index=frame.index).fillna(""),  # type: ignore[attr-defined]
            "usage_type": frame[c["usage_type"]].fillna(""),
            "line_item_type": kind.fillna(""),
            "usage_unit": frame[c["usage_unit"]].fillna(""),
            "unblended_cost": cost,
            "amortized_sum": amortized,
            "amortized_known": ~np.isnan(amortized),
            "usage_amount": frame[c["usage_amount"]].astype(float),
        }
    )
    by = canonical.groupby(GROUP_KEYS, sort=False)
    out = by[["unblended_cost", "usage_amount", "amortized_sum", "amortized_known"]].sum()
    out["line_items"] = by.size()
    return out.reset_index()


def pandas_bill_rows(path: str | Path) -> pd.DataFrame:
    """:func:`pandas_monthly_groups` as the bill's rows (one per month, Cost Explorer service,
    usage type and record type), with costmodel's own rule for services."""
    from costmodel.lineitems.tables import _tidy

    groups = pandas_monthly_groups(path).sort_values(GROUP_KEYS)
    return _tidy(groups, str(path))


def per_row_mapping(actual: pd.DataFrame, items: pd.DataFrame) -> list[str]:
    """The category of every bill row, mapped row by row (the first version's way)."""
    from costmodel.reconcile.mapping import _map_key, model_keys

    keys = model_keys(items)
    return [
        _map_key(s, u, r, keys)[2]
        for s, u, r in zip(actual["service"], actual["usage_type"], actual["record_type"], strict=True)
    ]
