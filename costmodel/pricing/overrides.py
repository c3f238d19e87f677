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
each line item priced with it shows where its price came from, and every total priced with
the catalog says "list prices with N overrides".

A ``prices`` entry sets one price: if its filters match rows of more than one kind (term,
price dimension or unit: an hourly rate and an upfront fee, Hrs and GB-Mo), it is refused
and the message counts the rows of each kind, unless the entry says ``scope: all``. A
discount is a percentage, so it may span kinds.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from costmodel.errors import InputError
from costmodel.inputs import finite_decimal, load_yaml, read_text
from costmodel.pricing.catalog import KEY_COLUMNS, SNAPSHOT_COLUMNS, PriceCatalog

VALUE_KEYS = {"percent", "price_usd", "note", "effective_date", "add", "unit", "scope"}
KIND_COLUMNS = ["term_type", "price_dimension", "unit"]


def _read(path: Path) -> dict:
    raw = load_yaml(read_text(path, "overrides"), path.name)
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"discounts", "prices"}:
        raise InputError(f"{path.name}: expected top-level keys 'discounts' and/or 'prices'")
    for section in ("discounts", "prices"):
        if raw.get(section) is not None and not isinstance(raw[section], list):
            raise InputError(f"{path.name}: '{section}' must be a list of entries")
    return raw


def _mask(rows: pd.DataFrame, entry: dict, where: str) -> np.ndarray:
    filters = {k: v for k, v in entry.items() if k not in VALUE_KEYS}
    bad = [k for k in filters if k not in SNAPSHOT_COLUMNS]
    if bad:
        raise InputError(
            f"{where}: unknown key {bad[0]!r}; valid keys: "
            f"{', '.join([*SNAPSHOT_COLUMNS, *sorted(VALUE_KEYS)])}"
        )
    mask = np.ones(len(rows), dtype=bool)
    for column, value in filters.items():
        mask &= (rows[column] == str(value)).to_numpy()
    return mask


def _check_not_repeated(entries: list, section: str, origin: str) -> None:
    """An entry with the same filters as an earlier one is a copy-paste: two 5% discounts
    would compound to 9.75% and a second price would silently win."""
    first: dict[tuple, int] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        filters = tuple(sorted((k, str(v)) for k, v in entry.items() if k not in VALUE_KEYS))
        if filters in first:
            raise InputError(
                f"{origin}: {section}[{i}] has the same filters as {section}[{first[filters]}]; "
                "give each set of rows one entry (combine the percentages yourself)"
            )
        first[filters] = i


def _decimal(value: Any, where: str, key: str) -> Decimal:
    return finite_decimal(value, f"{where}: {key}", minimum=0)


def _check_scope(rows: pd.DataFrame, mask: np.ndarray, entry: dict, where: str) -> None:
    """One price for rows of one kind only, unless the entry says ``scope: all``."""
    scope = entry.get("scope")
    if scope not in (None, "all"):
        raise InputError(f"{where}: scope {scope!r} must be 'all' or left out")
    kinds = rows.loc[mask].groupby(KIND_COLUMNS).size()
    if len(kinds) > 1 and scope != "all":
        listed = ", ".join(f"{n} {t} {d} per {u}" for (t, d, u), n in kinds.items())
        raise InputError(
            f"{where}: one price would replace {int(mask.sum())} rows of {len(kinds)} kinds ({listed}); "
            "narrow the filters (term_type, price_dimension, usage_type) or add 'scope: all'"
        )


def apply_overrides(catalog: PriceCatalog, path: str | Path) -> PriceCatalog:
    """A catalog with the discounts, then the custom prices, of ``path`` applied."""
    path = Path(path)
    raw = _read(path)
    rows = catalog.rows.copy()
    for section in ("discounts", "prices"):
        _check_not_repeated(raw.get(section) or [], section, path.name)
    for i, entry in enumerate(raw.get("discounts") or []):
        where = f"{path.name}: discounts[{i}]"
        if not isinstance(entry, dict) or "percent" not in entry:
            raise InputError(f"{where}: needs 'percent' and at least one filter such as service_code")
        pct = _decimal(entry["percent"], where, "percent")
        if pct > 100:
            raise InputError(f"{where}: percent {pct} must be within 0..100")
        mask = _mask(rows, entry, where) & (rows["status"] != "unknown").to_numpy()
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
        mask = _mask(rows, entry, where)
        if mask.any():
            _check_scope(rows, mask, entry, where)
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
    applied = [
        f"{path.name} {section}[{i}]"
        for section in ("discounts", "prices")
        for i, _ in enumerate(raw.get(section) or [])
    ]
    return catalog.with_rows(rows, name=f"{catalog.name} + {path.name}", overrides=tuple(applied))


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
    numeric: dict[str, float | bool] = {"begin": 0.0, "end": np.inf, "derived": False}
    return pd.concat([rows, pd.DataFrame([{**new, **numeric}])], ignore_index=True)
