"""User price overrides: custom prices and percentage discounts on top of the catalog.

An overrides file (YAML) has two optional lists::

    discounts:                       # e.g. an Enterprise Discount Program
      - service_code: AmazonEC2      # any catalog column narrows the rows (all must match)
        term_type: OnDemand
        percent: 5
        note: EDP 2026
    prices:                          # e.g. a private price or a quote for an unknown price
      - service_code: AmazonRDS
        usage_type: Multi-AZUsage:db.r5.2xl
        term_type: Reserved
        lease_contract_length: 1yr
        purchase_option: All Upfront
        price_dimension: upfront
        price_usd: "11000"
        effective_date: 2026-10-01
        note: quote from the account team

Every overridden row gets status ``override`` and a source naming the file and entry, so
each line item priced with it shows where its price came from.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from costmodel.data_files import read_text
from costmodel.errors import InputError
from costmodel.pricing.catalog import KEY_COLUMNS, SNAPSHOT_COLUMNS, PriceCatalog

VALUE_KEYS = {"percent", "price_usd", "note", "effective_date", "add", "unit"}


def _read(path: Path) -> dict:
    text = read_text(path, "overrides")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name}: not valid YAML ({exc})") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"discounts", "prices"}:
        raise InputError(f"{path.name}: expected top-level keys 'discounts' and/or 'prices'")
    return raw


def _mask(catalog: PriceCatalog, entry: dict, where: str) -> np.ndarray:
    filters = {k: v for k, v in entry.items() if k not in VALUE_KEYS}
    bad = [k for k in filters if k not in SNAPSHOT_COLUMNS]
    if bad:
        raise InputError(
            f"{where}: unknown key {bad[0]!r}; valid keys: "
            f"{', '.join([*SNAPSHOT_COLUMNS, *sorted(VALUE_KEYS)])}"
        )
    mask = np.ones(len(catalog.rows), dtype=bool)
    for column, value in filters.items():
        mask &= (catalog.rows[column] == str(value)).to_numpy()
    return mask


def _decimal(value: Any, where: str, key: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InputError(f"{where}: {key} {value!r} is not a number") from None
    if number < 0:
        raise InputError(f"{where}: {key} {value} must be >= 0")
    return number


def apply_overrides(catalog: PriceCatalog, path: str | Path) -> PriceCatalog:
    """A catalog with the discounts, then the custom prices, of ``path`` applied."""
    path = Path(path)
    raw = _read(path)
    rows = catalog.rows.copy()
    for i, entry in enumerate(raw.get("discounts") or []):
        where = f"{path.name}: discounts[{i}]"
        if not isinstance(entry, dict) or "percent" not in entry:
            raise InputError(f"{where}: needs 'percent' and at least one filter such as service_code")
        pct = _decimal(entry["percent"], where, "percent")
        if pct > 100:
            raise InputError(f"{where}: percent {pct} must be within 0..100")
        mask = _mask(catalog, entry, where) & (rows["status"] != "unknown").to_numpy()
        if not mask.any():
            raise InputError(f"{where}: matches no priced catalog row")
        factor = 1 - pct / 100
        rows.loc[mask, "price_usd"] = [str(Decimal(p) * factor) for p in rows.loc[mask, "price_usd"]]
        rows.loc[mask, "price"] = rows.loc[mask, "price"] * float(factor)
        rows.loc[mask, "source"] = rows.loc[mask, "source"] + f" less {pct}% ({path.name}"
        rows.loc[mask, "source"] += f": {entry['note']})" if entry.get("note") else ")"
        rows.loc[mask, "status"] = "override"
    for i, entry in enumerate(raw.get("prices") or []):
        where = f"{path.name}: prices[{i}]"
        if not isinstance(entry, dict) or "price_usd" not in entry:
            raise InputError(f"{where}: needs 'price_usd' and filters such as service_code, usage_type")
        price = _decimal(entry["price_usd"], where, "price_usd")
        mask = _mask(catalog, entry, where)
        source = f"override {path.name} prices[{i}]" + (f": {entry['note']}" if entry.get("note") else "")
        if not mask.any():
            if not entry.get("add"):
                raise InputError(
                    f"{where}: matches no catalog row; set 'add: true' with the full key "
                    f"({', '.join(KEY_COLUMNS)}, unit) to add a new price"
                )
            rows = _append(rows, entry, where)
            mask = np.zeros(len(rows), dtype=bool)
            mask[-1] = True
        rows.loc[mask, "price_usd"] = str(price)
        rows.loc[mask, "price"] = float(price)
        rows.loc[mask, "source"] = source
        rows.loc[mask, "status"] = "override"
        rows.loc[mask, "effective_date"] = str(entry.get("effective_date", "unspecified"))
    return catalog.with_rows(rows, name=f"{catalog.name} + {path.name}")


def _append(rows: pd.DataFrame, entry: dict, where: str) -> pd.DataFrame:
    required = ["service_code", "region", "usage_type", "unit"]
    missing = [k for k in required if k not in entry]
    if missing:
        raise InputError(f"{where}: to add a price, give {', '.join(missing)}")
    new = dict.fromkeys(SNAPSHOT_COLUMNS, "") | {
        "term_type": "OnDemand",
        "price_dimension": "usage",
        "begin_range": "0",
        "end_range": "Inf",
        "retrieved": "",
        "description": "added by override",
    }
    new |= {k: str(v) for k, v in entry.items() if k in SNAPSHOT_COLUMNS}
    new |= {"begin": 0.0, "end": np.inf, "derived": False}
    return pd.concat([rows, pd.DataFrame([new])], ignore_index=True)
