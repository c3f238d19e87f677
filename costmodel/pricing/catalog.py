"""The price catalog: one row per AWS price dimension, and a vectorized pricer.

A row is identified by :data:`KEY_COLUMNS` (service code, region, usage type, operation,
term, lease, offering class, purchase option, price dimension) plus a tier range
``[begin_range, end_range)`` in the row's own unit. Prices are kept as the published
strings (``price_usd``) and as float64 (``price``) for arithmetic. A row whose status is
``unknown`` records that the price exists but that no published value was found: looking
it up is an error, never a zero.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.data_files import data_path
from costmodel.display import Result
from costmodel.errors import (
    AmbiguousPriceError,
    InputError,
    PriceNotFoundError,
    PriceUnknownError,
)
from costmodel.inputs import finite_decimal, finite_float, read_text

SNAPSHOT_FILE = "aws-price-snapshot-2026-11.csv"

KEY_COLUMNS = (
    "service_code",
    "region",
    "usage_type",
    "operation",
    "term_type",
    "lease_contract_length",
    "offering_class",
    "purchase_option",
    "price_dimension",
)
ATTRIBUTE_COLUMNS = ("instance_type", "deployment_option", "engine")
PROVENANCE_COLUMNS = ("effective_date", "retrieved", "source", "status", "description", "note")
SNAPSHOT_COLUMNS = (
    *KEY_COLUMNS[:2],
    "sku",
    *KEY_COLUMNS[2:4],
    *ATTRIBUTE_COLUMNS,
    *KEY_COLUMNS[4:],
    "unit",
    "begin_range",
    "end_range",
    "price_usd",
    *PROVENANCE_COLUMNS,
)
STATUSES = ("sourced", "derived", "suspect", "effective", "unknown", "override", "api")
TERM_TYPES = ("OnDemand", "Reserved", "SavingsPlan")
PRICE_DIMENSIONS = ("usage", "upfront", "effective")
# Defaults for the key columns a caller leaves out: an on-demand, per-usage price.
KEY_DEFAULTS = dict.fromkeys(KEY_COLUMNS, "") | {
    "term_type": "OnDemand",
    "price_dimension": "usage",
}

# The dearest AWS list price is a few hundred thousand dollars (3-year all-upfront fees of
# the largest instances); a price beyond this is a typo, not a price.
MAX_UNIT_PRICE_USD = 10_000_000
HOW_TO_GET_A_PRICE = (
    "Refresh the snapshot from the AWS Pricing API (`costmodel prices refresh --out FILE`) "
    "or supply the price in an overrides file (`--overrides FILE`)."
)


def _parse_range(value: str, *, where: str, end: bool) -> float:
    if end and value in ("", "Inf"):
        return np.inf
    return finite_float(value, f"{where}: {'end' if end else 'begin'}_range", minimum=0)


def check_tiers(rows: pd.DataFrame, *, origin: str) -> None:
    """Every price's tiers must start at 0 and follow each other without gap or overlap, so
    that every quantity up to the top tier is priced exactly once (never dropped)."""
    ordered = rows.sort_values([*KEY_COLUMNS, "begin"], kind="stable")
    for key, tiers in ordered.groupby(list(KEY_COLUMNS), sort=False):
        begins, ends = tiers["begin"].to_numpy(), tiers["end"].to_numpy()
        name = ", ".join(f"{c}={v!r}" for c, v in zip(KEY_COLUMNS, key, strict=True) if v != "")
        if begins[0] != 0:
            raise InputError(
                f"{origin}: the tiers of {name} start at {begins[0]:g}, not 0: "
                f"quantities below {begins[0]:g} would have no price"
            )
        if (ends <= begins).any():
            i = int(np.flatnonzero(ends <= begins)[0])
            raise InputError(f"{origin}: a tier of {name} ends ({ends[i]:g}) where it begins ({begins[i]:g})")
        if len(begins) > 1 and (begins[1:] != ends[:-1]).any():
            i = int(np.flatnonzero(begins[1:] != ends[:-1])[0])
            kind = "overlap" if begins[i + 1] < ends[i] else "gap"
            raise InputError(
                f"{origin}: the tiers of {name} {kind} between {ends[i]:g} and {begins[i + 1]:g} "
                "(each tier must begin where the previous one ends)"
            )


def validate_rows(raw: pd.DataFrame, *, origin: str) -> pd.DataFrame:
    """Check a raw catalog table (all strings) and add the numeric columns.

    Parameters
    ----------
    raw : DataFrame
        Columns :data:`SNAPSHOT_COLUMNS`, every value a string.
    origin : str
        File name used in error messages.

    Returns
    -------
    DataFrame
        ``raw`` plus ``price`` [USD per unit, float, NaN when unknown], ``begin`` and
        ``end`` [unit of the row], and ``derived`` (bool).
    """
    missing = [c for c in SNAPSHOT_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"{origin}: missing column(s) {', '.join(missing)}")
    rows = raw.loc[:, list(SNAPSHOT_COLUMNS)].copy()
    prices = []
    for i, rec in enumerate(rows.itertuples(index=False), start=2):  # line 1 is the header
        where = f"{origin}, line {i} ({rec.service_code} {rec.usage_type})"
        if rec.status not in STATUSES:
            raise InputError(f"{where}: status {rec.status!r} is not one of {', '.join(STATUSES)}")
        if rec.term_type not in TERM_TYPES:
            raise InputError(f"{where}: term_type {rec.term_type!r} is not one of {TERM_TYPES}")
        if rec.price_dimension not in PRICE_DIMENSIONS:
            raise InputError(
                f"{where}: price_dimension {rec.price_dimension!r} is not one of {PRICE_DIMENSIONS}"
            )
        if rec.status == "unknown":
            if rec.price_usd != "":
                raise InputError(f"{where}: an 'unknown' row must leave price_usd empty")
            prices.append(np.nan)
            continue
        value = finite_decimal(rec.price_usd, f"{where}: price_usd", minimum=0)
        if value > MAX_UNIT_PRICE_USD:
            raise InputError(f"{where}: price_usd {rec.price_usd} is beyond any AWS price")
        if rec.source == "" or rec.effective_date == "":
            raise InputError(f"{where}: a priced row needs a source and an effective_date")
        prices.append(float(value))
    rows["price"] = np.array(prices, dtype=float)
    rows["begin"] = [
        _parse_range(v, where=f"{origin}, line {i}", end=False)
        for i, v in enumerate(rows["begin_range"], start=2)
    ]
    rows["end"] = [
        _parse_range(v, where=f"{origin}, line {i}", end=True)
        for i, v in enumerate(rows["end_range"], start=2)
    ]
    rows["derived"] = rows["status"].eq("derived")
    rows = rows.reset_index(drop=True)
    check_tiers(rows, origin=origin)
    return rows


def read_catalog_csv(path: str | Path) -> pd.DataFrame:
    """Read a catalog CSV (the shipped snapshot or a refreshed one) into validated rows."""
    path = Path(path)
    text = read_text(path, "price catalog")
    header = next(csv.reader(io.StringIO(text)), [])
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise InputError(f"{path.name}, line 1: column {repeated[0]!r} appears twice")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path.name}: the price catalog is empty") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(f"{path.name}: not a readable CSV file ({' '.join(str(exc).split())})") from None
    return validate_rows(raw, origin=path.name)


def _describe_key(rec: dict) -> str:
    parts = [f"{c}={rec[c]!r}" for c in KEY_COLUMNS if rec.get(c, "") != ""]
    return ", ".join(parts)


_MERGED_CATALOG_COLUMNS = (
    *KEY_COLUMNS,
    "unit",
    "begin",
    "end",
    "price",
    "price_usd",
    "status",
    "source",
    "effective_date",
)


def _prepare_components(components: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None, pd.Series | None]:
    """Components with every key column filled and a finite quantity >= 0; also the line
    items' own purchase options and the units the models count in (both set aside)."""
    comp = components.copy()
    line_purchase_option = comp.pop("purchase_option") if "purchase_option" in comp else None
    if "price_purchase_option" in comp.columns:
        comp["purchase_option"] = comp.pop("price_purchase_option")
    for column, default in KEY_DEFAULTS.items():
        if column not in comp.columns:
            comp[column] = default
        else:
            comp[column] = comp[column].fillna(default).astype(str)
    quantity = pd.to_numeric(comp["quantity"], errors="coerce")
    invalid = ~np.isfinite(quantity.to_numpy(dtype=float)) | (quantity < 0).to_numpy()
    if invalid.any():
        bad = comp.loc[invalid].iloc[0]
        raise InputError(
            f"quantity {bad['quantity']!r} for {bad.get('resource', '')} "
            f"{bad.get('component', '')} ({_describe_key(bad.to_dict())}) "
            "must be a finite number >= 0"
        )
    comp["quantity"] = quantity.astype(float)
    comp["_component"] = np.arange(len(comp))
    expected_unit = comp.pop("unit") if "unit" in comp.columns else None
    return comp, line_purchase_option, expected_unit


def _split_off_gaps(
    merged: pd.DataFrame, line_purchase_option: pd.Series | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(priced rows, one reported row per component whose price is not found or unknown)."""
    gap = merged["_merge"].eq("left_only") | merged["price_status"].eq("unknown")
    gap_ids = merged.loc[gap, "_component"].unique()
    reported = merged.loc[merged["_component"].isin(gap_ids)].drop_duplicates("_component").copy()
    reported["price_status"] = np.where(reported["_merge"].eq("left_only"), "not found", "unknown")
    reported["unit_price"] = np.nan
    # zero quantity costs zero at any price: known even though the price is not
    reported["monthly_cost"] = np.where(reported["quantity"].eq(0), 0.0, np.nan)
    reported["price_usd"] = ""
    reported["price_source"] = [
        f"price {status}: {_describe_key(row)}"
        for status, row in zip(reported["price_status"], reported.to_dict("records"), strict=True)
    ]
    if line_purchase_option is not None:
        reported["purchase_option"] = line_purchase_option.to_numpy()[reported["_component"].to_numpy()]
    reported["unit"] = reported["unit"].fillna("")
    reported = reported.drop(columns=["_merge", "begin", "end", "price", "source", "effective_date"])
    return merged.loc[~merged["_component"].isin(gap_ids)], reported


def _check_matches(merged: pd.DataFrame, expected_unit: pd.Series | None, name: str) -> None:
    """Every component matched exactly one known price in the unit its model counts in."""
    not_found = merged["_merge"].eq("left_only")
    if not_found.any():
        first = merged.loc[not_found].iloc[0].to_dict()
        raise PriceNotFoundError(
            f"{int(not_found.sum())} component(s) have no price in catalog {name}; "
            f"first: {first.get('resource', '')} {first.get('component', '')} looked up "
            f"{_describe_key(first)}. {HOW_TO_GET_A_PRICE}"
        )
    unknown = merged["price_status"].eq("unknown")
    if unknown.any():
        first = merged.loc[unknown].iloc[0].to_dict()
        raise PriceUnknownError(
            f"price unknown for {first.get('resource', '')} {first.get('component', '')} "
            f"({_describe_key(first)}) in catalog {name}. {HOW_TO_GET_A_PRICE}"
        )
    n_first = merged["begin"].eq(0).groupby(merged["_component"]).sum()
    if (n_first > 1).any():
        comp_id = n_first.index[(n_first > 1).to_numpy()][0]
        first = merged.loc[merged["_component"].eq(comp_id)].iloc[0].to_dict()
        raise AmbiguousPriceError(
            f"{int(n_first[comp_id])} prices in catalog {name} match "
            f"{_describe_key(first)}; the catalog has duplicate rows for it"
        )
    if expected_unit is not None:
        expected = expected_unit.to_numpy()[merged["_component"].to_numpy()]
        wrong = (expected != merged["unit"].to_numpy()) & (expected != "")
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            rec = merged.iloc[i].to_dict()
            raise InputError(
                f"unit mismatch for {_describe_key(rec)}: the model counts "
                f"{expected[i]!r} but catalog {name} prices per {rec['unit']!r}"
            )


def tier_label(begin: float, end: float, unit: str) -> str:
    """A price tier as a reader says it, in exact numbers of its unit: ``first 10,240 GB``,
    ``10,240-51,200 GB``, ``above 5,242,880 GB`` (never ``1.04858e+06``)."""

    def number(value: float) -> str:
        return format(float(value), ",.10g")

    if begin == 0:
        return f"first {number(end)} {unit}"
    if np.isinf(end):
        return f"above {number(begin)} {unit}"
    return f"{number(begin)}-{number(end)} {unit}"


def _beyond_top_tier(merged: pd.DataFrame, top: pd.Series, name: str) -> pd.DataFrame:
    """One unpriced row per component whose quantity runs past its highest known tier: the
    quantity above that tier, its cost unknown (NaN), saying what was looked up."""
    beyond = merged.loc[merged["quantity"] > top].drop_duplicates("_component").copy()
    highest = top.loc[beyond.index]
    beyond["quantity"] = beyond["quantity"] - highest
    beyond["price_status"] = "not found"
    beyond["price"] = np.nan
    beyond["begin"], beyond["end"] = highest, np.inf
    beyond["source"] = [
        f"price not found above {format(float(h), ',.10g')} {u} in catalog {name}: {_describe_key(r)}"
        for h, u, r in zip(highest, beyond["unit"], beyond.to_dict("records"), strict=True)
    ]
    beyond["effective_date"] = ""
    beyond["price_usd"] = ""
    if "component" in beyond.columns:
        beyond["component"] = beyond["component"] + [
            f" ({tier_label(float(h), np.inf, u)})" for h, u in zip(highest, beyond["unit"], strict=True)
        ]
    return beyond


def _split_into_tiers(merged: pd.DataFrame, name: str, report_beyond: bool = False) -> pd.DataFrame:
    """One row per component and tier it reaches, with the quantity in that tier; every
    unit of every quantity lands in exactly one tier, or the component is refused. With
    ``report_beyond``, a quantity past the highest known tier is priced up to that tier and
    the rest listed as a row of unknown price instead."""
    top = merged.groupby("_component")["end"].transform("max")
    beyond = merged["quantity"] > top
    extra = None
    if beyond.any() and report_beyond:
        extra = _beyond_top_tier(merged, top, name)
        merged = merged.assign(quantity=np.minimum(merged["quantity"], top))
    elif beyond.any():
        rec = merged.loc[beyond].iloc[0].to_dict()
        highest = float(top[beyond].iloc[0])  # the top of the highest tier, not of the first row
        raise PriceNotFoundError(
            f"quantity {rec['quantity']:g} {rec['unit']} of {_describe_key(rec)} exceeds "
            f"the highest tier known in catalog {name} (up to {highest:g}). "
            f"{HOW_TO_GET_A_PRICE}"
        )
    tiers = merged.groupby("_component")["begin"].transform("size")
    in_tier = (np.minimum(merged["quantity"], merged["end"]) - merged["begin"]).clip(lower=0)
    covered = in_tier.groupby(merged["_component"]).sum()
    wanted = merged.groupby("_component")["quantity"].first()
    gap = (covered - wanted).abs() > 1e-9 * wanted.abs().clip(lower=1)
    if gap.any():
        rec = merged.loc[merged["_component"].eq(gap.index[gap.to_numpy()][0])].iloc[0].to_dict()
        raise PriceNotFoundError(
            f"quantity {rec['quantity']:g} {rec['unit']} of {_describe_key(rec)}: the tiers of "
            f"catalog {name} price only {covered[gap].iloc[0]:g} of it"
        )
    keep = (in_tier > 0) | merged["begin"].eq(0)
    out = merged.loc[keep].copy()
    out["quantity"] = in_tier[keep]
    multi = (tiers[keep] > 1) | out["_component"].isin(extra["_component"] if extra is not None else [])
    if "component" in out.columns and multi.any():
        labelled = out.loc[multi]
        label = [
            f" ({tier_label(b, e, u)})"
            for b, e, u in zip(labelled["begin"], labelled["end"], labelled["unit"], strict=True)
        ]
        out.loc[multi, "component"] = out.loc[multi, "component"] + label
    return out if extra is None else pd.concat([out, extra], ignore_index=True)


@dataclass(frozen=True, repr=False)
class PriceCatalog(Result):
    """Tidy table of prices with provenance; see the module docstring for its columns."""

    rows: pd.DataFrame
    name: str = SNAPSHOT_FILE
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    overrides: tuple[str, ...] = ()  # one description per override entry applied

    def _title(self) -> str:
        return f"PriceCatalog {self.name}"

    def _headline(self) -> list[tuple[str, str]]:
        return [("prices", f"{len(self.rows):,} rows"), ("basis", self.basis), ("as of", self.as_of)]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("sources", self.sources)]

    @property
    def as_of(self) -> str:
        """The month the prices were collected (YYYY-MM): the latest ``retrieved`` of any row."""
        retrieved = [r[:7] for r in self.rows["retrieved"] if isinstance(r, str) and len(r) >= 7]
        return max(retrieved) if retrieved else pd.Timestamp.now().strftime("%Y-%m")

    @property
    def basis(self) -> str:
        """What the prices are, for every total shown: ``list prices``, or ``list prices with
        2 overrides (file.yaml)`` once a user's overrides changed any of them."""
        if not self.overrides:
            return "list prices"
        n = len(self.overrides)
        return f"list prices with {n} override{'s' if n > 1 else ''} ({'; '.join(self.overrides)})"

    # ------------------------------------------------------------------ lookups
    def lookup(self, **attributes: str) -> pd.DataFrame:
        """All rows whose columns equal ``attributes`` (any subset of the columns).

        Raises
        ------
        PriceNotFoundError
            Nothing matches; the message names every attribute looked up.
        """
        unknown_cols = [k for k in attributes if k not in self.rows.columns]
        if unknown_cols:
            raise KeyError(f"not catalog columns: {unknown_cols}")
        mask = np.ones(len(self.rows), dtype=bool)
        for column, value in attributes.items():
            mask &= (self.rows[column] == value).to_numpy()
        found = self.rows.loc[mask]
        if found.empty:
            looked_up = ", ".join(f"{k}={v!r}" for k, v in attributes.items())
            raise PriceNotFoundError(f"no price in catalog {self.name} for {looked_up}. {HOW_TO_GET_A_PRICE}")
        return found

    def unit_price(self, **attributes: str) -> pd.Series:
        """The single priced row matching ``attributes``.

        ``term_type`` defaults to ``"OnDemand"`` and ``price_dimension`` to ``"usage"``;
        every other column is matched only if given.

        Raises
        ------
        PriceNotFoundError, AmbiguousPriceError, PriceUnknownError
        """
        query = {"term_type": "OnDemand", "price_dimension": "usage"} | attributes
        found = self.lookup(**query)
        if len(found) > 1:
            raise AmbiguousPriceError(
                f"{len(found)} prices in catalog {self.name} match "
                f"{', '.join(f'{k}={v!r}' for k, v in query.items())}; add attributes "
                f"(tiers begin at {', '.join(sorted(found['begin_range'].unique(), key=float))})"
            )
        row = found.iloc[0]
        if row["status"] == "unknown":
            raise PriceUnknownError(
                f"price unknown for {_describe_key(row.to_dict())} in catalog {self.name}: "
                f"{row['note']}. {HOW_TO_GET_A_PRICE}"
            )
        return row

    # ------------------------------------------------------------------ pricing
    def price(self, components: pd.DataFrame, missing: str = "raise") -> pd.DataFrame:
        """Price many components at once (vectorized: a merge, no Python loop per row).

        Parameters
        ----------
        components : DataFrame
            One row per priced component with a ``quantity`` column [catalog unit per month]
            and the :data:`KEY_COLUMNS` (missing ones take :data:`KEY_DEFAULTS`). An optional
            ``unit`` column is checked against the catalog's unit. Other columns are kept.

        Returns
        -------
        DataFrame
            One row per component and price tier used, with ``unit``, ``quantity`` (the part
            of the quantity in that tier), ``unit_price`` [USD per unit], ``monthly_cost``
            [USD], ``price_usd`` (published string), ``price_status`` and ``price_source``.

        Notes
        -----
        With ``missing="report"``, a component without a known price is kept as one row
        with ``unit_price`` and ``monthly_cost`` NaN, ``price_status`` ``not found`` or
        ``unknown`` and a ``price_source`` saying what was looked up (used by what-ifs in
        regions the snapshot covers only in part); a quantity past the highest tier the
        catalog knows is priced up to that tier and the rest kept as such a row. The
        default raises.

        A component's ``purchase_option`` column is the line item's own (``on_demand``,
        ``reserved``, ...) and is kept as is; the catalog's AWS ``purchase_option`` key
        (``No Upfront``, ...) is read from ``price_purchase_option`` when given.

        Raises
        ------
        PriceNotFoundError, PriceUnknownError, AmbiguousPriceError, InputError
        """
        if missing not in ("raise", "report"):
            raise ValueError(f"missing must be 'raise' or 'report', not {missing!r}")
        comp, line_purchase_option, expected_unit = _prepare_components(components)
        catalog = self.rows.loc[:, list(_MERGED_CATALOG_COLUMNS)].rename(columns={"status": "price_status"})
        merged = comp.merge(catalog, on=list(KEY_COLUMNS), how="left", indicator=True)
        reported = None
        if missing == "report":
            merged, reported = _split_off_gaps(merged, line_purchase_option)
        _check_matches(merged, expected_unit, self.name)
        out = _split_into_tiers(merged, self.name, report_beyond=missing == "report")
        if line_purchase_option is not None:
            out["purchase_option"] = line_purchase_option.to_numpy()[out["_component"].to_numpy()]
        out["unit_price"] = out["price"]
        out["monthly_cost"] = out["quantity"] * out["unit_price"]
        known = ~out["price_status"].eq("not found")
        out["price_source"] = out["source"].where(
            ~known, out["source"] + " " + out["effective_date"] + " (" + out["price_status"] + ")"
        )
        # a component's tiers in order of their ranges, the first units first
        out = out.sort_values(["_component", "begin"], kind="stable")
        out = out.drop(columns=["_merge", "begin", "end", "price", "source", "effective_date"])
        if reported is not None and len(reported):
            if expected_unit is not None:  # no catalog row to take the unit from: the model's
                model_unit = expected_unit.to_numpy()[reported["_component"].to_numpy()]
                reported["unit"] = reported["unit"].where(reported["unit"] != "", model_unit)
            out = pd.concat([out, reported], ignore_index=True)
        return out.sort_values("_component", kind="stable").drop(columns="_component").reset_index(drop=True)

    def with_rows(
        self, rows: pd.DataFrame, name: str | None = None, overrides: tuple[str, ...] = ()
    ) -> PriceCatalog:
        """A copy of this catalog with other rows (used by overrides and refresh)."""
        rows = rows.reset_index(drop=True)
        check_tiers(rows, origin=name or self.name)
        return PriceCatalog(
            rows=rows,
            name=name or self.name,
            sources=self.sources,
            overrides=(*self.overrides, *overrides),
        )


def load_snapshot(path: str | Path | None = None) -> PriceCatalog:
    """Load the shipped price snapshot (or another catalog CSV) with its sources table.

    Parameters
    ----------
    path : str or Path, optional
        A catalog CSV, e.g. one written by ``costmodel prices refresh``. Default: the
        snapshot shipped in ``data/prices/``.
    """
    chosen = Path(path) if path is not None else data_path("prices", SNAPSHOT_FILE)
    rows = read_catalog_csv(chosen)
    sources = pd.read_csv(data_path("prices", "sources.csv"), dtype=str, keep_default_na=False)
    return PriceCatalog(rows=rows, name=chosen.name, sources=sources)
