"""Always-free allowances: one rule for every service that has one at the account level.

AWS gives some usage free every month, whatever the account's age (CloudFront's first
1 TB out and 10M requests, 100 GB of data transfer out, CloudWatch's 10 metrics, 10 alarms
and 5 GB of logs, KMS's 20,000 requests, X-Ray's 100,000 traces recorded and 1M
retrieved). ``data/prices/free-tiers.csv`` lists them with their sources. Each allowance
becomes a line of its own beside the lines it reduces: the free quantity (negative, in the
line's unit) at the price of the units it replaces, so a reader sees both the list price
and what AWS takes off. The first units of a tiered price are the free ones (the bill's
"global monthly free tier" lines are the first GB of the month).

An allowance is one per account and month: it is spread over the lines it applies to in
the order they come, and never exceeds their quantity. A price list whose first tier is
already free (a refreshed catalog may carry one) gets no second allowance: the units it
would take are priced at $0, so the allowance line would be $0 and is left out.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from costmodel.data_files import data_path, read_text
from costmodel.errors import InputError
from costmodel.inputs import finite_float
from costmodel.usage_types import strip_region_prefix

FREE_TIERS_FILE = "free-tiers.csv"
FREE_TIER = "free_tier"  # purchase_option of an allowance line
FREE_TIER_COLUMNS = (
    "service_code",
    "usage_type",
    "unit",
    "allowance",
    "description",
    "source",
    "effective_date",
    "note",
)
UNPRICED_STATUSES = ("not found", "unknown")


@lru_cache(maxsize=1)
def free_tiers() -> pd.DataFrame:
    """The shipped allowances: one row per (service code, base usage type) it covers.

    Returns
    -------
    DataFrame
        :data:`FREE_TIER_COLUMNS` with ``usage_type`` split (``A|B`` share one
        allowance: one row each, same ``group``) and ``allowance`` [unit per month].
    """
    import io

    text = read_text(data_path("prices", FREE_TIERS_FILE), "free tiers")
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in FREE_TIER_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"{FREE_TIERS_FILE}: missing column(s) {', '.join(missing)}")
    raw["allowance"] = [
        finite_float(v, f"{FREE_TIERS_FILE}, line {i}: allowance", minimum=0)
        for i, v in enumerate(raw["allowance"], start=2)
    ]
    raw["group"] = np.arange(len(raw))
    raw["usage_type"] = raw["usage_type"].str.split("|")
    return raw.explode("usage_type", ignore_index=True)


def _allowance_row(line: pd.Series, tier: pd.Series, free: float) -> dict:
    """The allowance line taking ``free`` units [line unit] off one priced ``line``."""
    return line.to_dict() | {
        "component": f"Always-free allowance: {tier['description']}",
        "quantity": -free,
        "monthly_cost": -free * float(line["unit_price"]),
        "purchase_option": FREE_TIER,
        "price_source": f"{tier['source']} {tier['effective_date']} (free tier)",
    }


def apply_free_tiers(items: pd.DataFrame, tiers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Priced line items with an allowance line after each line an always-free tier reduces.

    Parameters
    ----------
    items : DataFrame
        Priced line items (:meth:`PriceCatalog.price`): one row per component and tier,
        with ``service_code``, ``usage_type``, ``unit``, ``quantity`` [unit per month],
        ``unit_price`` [USD per unit] and ``price_status``.
    tiers : DataFrame, optional
        Allowances (default: :func:`free_tiers`).

    Returns
    -------
    DataFrame
        ``items`` plus the allowance lines (``purchase_option`` ``free_tier``, negative
        ``quantity`` and ``monthly_cost`` [USD]); a line of unknown price gets none.
    """
    tiers = tiers if tiers is not None else free_tiers()
    if items.empty or tiers.empty:
        return items
    base = [strip_region_prefix(u) for u in items["usage_type"]]
    by_key = {(r.service_code, r.usage_type, r.unit): r for r in tiers.itertuples(index=False)}
    left = dict(zip(tiers["group"], tiers["allowance"], strict=False))
    rows: list[dict] = []
    for (_, line), base_type in zip(items.iterrows(), base, strict=True):
        rows.append(line.to_dict())
        tier = by_key.get((line["service_code"], base_type, line["unit"]))
        if tier is None or line["price_status"] in UNPRICED_STATUSES or line["quantity"] <= 0:
            continue
        free = min(left[tier.group], float(line["quantity"]))
        left[tier.group] -= free
        if free > 0 and float(line["unit_price"]) > 0:
            rows.append(_allowance_row(line, pd.Series(tier._asdict()), free))
    return pd.DataFrame(rows, columns=items.columns).reset_index(drop=True)


def without_free_tiers(items: pd.DataFrame) -> pd.DataFrame:
    """``items`` without allowance lines: the list price before the free tiers."""
    if "purchase_option" not in items.columns:
        return items
    return items.loc[items["purchase_option"] != FREE_TIER].reset_index(drop=True)


def usage_quantity(items: pd.DataFrame) -> pd.Series:
    """Each line's usage [unit per month], allowance lines counted as 0: the bill's usage
    quantity includes the free units, only their cost is taken off."""
    if "purchase_option" not in items.columns:
        return items["quantity"]
    return items["quantity"].where(items["purchase_option"] != FREE_TIER, 0.0)
