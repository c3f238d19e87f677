"""Documented vs modelled vs actual, per month and category, with the variance decomposition.

For each usage type (region-insensitive prefix, same region) with modelled quantity
``Qm`` on the 730-hour basis, list unit price ``Pm``, actual quantity ``Qa`` and actual
(unblended) cost ``Ca``, in a month of ``H`` hours (DESIGN.md, contract):

* ``calendar_variance = (Qm * H / 730 - Qm) * Pm`` for hour-based quantities, 0 otherwise;
* ``volume_variance   = (Qa - Qm * H / 730) * Pm`` (hour-based) or ``(Qa - Qm) * Pm``;
* ``rate_variance     = Ca - Qa * Pm``;

and, for a period of ``H`` hours shorter than its calendar month of ``Hm`` (one day of daily
data, a month in progress), the quantities not billed by the hour at the period's share of
the month (AWS prorates a GB-Mo over the month's own hours): ``calendar_variance = (Qm * H /
Hm - Qm) * Pm`` and ``volume_variance = (Qa - Qm * H / Hm) * Pm`` (over a whole month the
contract's, ``H / Hm`` being 1);

and, for money on the bill that is not usage (credits, refunds, tax, the support plan:
:data:`costmodel.categories.BILL_ADJUSTMENTS`), ``bill_adjustment = Ca`` with the three
variances 0: each is its own step from the model to the bill, never volume. So
``actual - modelled = calendar + volume + rate + bill_adjustment`` exactly. A category line
is the sum of its usage types. Usage types in the bill but not in the model have
``modelled = 0`` and all of their cost in ``volume_variance``; rows mapped to no category go
to ``unmapped`` with their amounts, so that every month's input total equals the lines plus
unmapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from costmodel import arguments, record_types
from costmodel.actuals.controls import CONSERVATION_TOLERANCE_USD, Actuals, refuse_unmatchable_grouping
from costmodel.actuals.series import refuse_gaps_within_months
from costmodel.architecture import Architecture
from costmodel.categories import BILL_ADJUSTMENTS, SERVICE_TOTAL_SUFFIX, SUPPORT, service_total
from costmodel.constants import HOURS_PER_MONTH
from costmodel.documented import describes, documented_by_category, documented_stated
from costmodel.errors import ConservationError, InputError
from costmodel.estimation import dated_facts, estimate
from costmodel.output import signed_money
from costmodel.pricing.catalog import PriceCatalog
from costmodel.pricing.free_tiers import usage_quantity
from costmodel.reconcile.mapping import line_key, map_rows, quantity_factor, shared_usage_categories
from costmodel.reconcile.month_result import VARIANCES, ReconciledMonth, progress_note
from costmodel.service_names import SPLIT_SERVICES

HOURLY_UNITS = ("Hrs", "LCU-Hrs")
# Line fields of the reconcile JSON contract (DESIGN.md), then the extra ones.
CONTRACT_LINE_COLUMNS = [
    "category",
    "usage_types",
    "documented",
    "allocated",
    "modelled",
    "modelled_quantity",
    "actual",
    "actual_quantity",
    "calendar_variance",
    "volume_variance",
    "rate_variance",
    "bill_adjustment",
    "explanation",
]
LINE_COLUMNS = [*CONTRACT_LINE_COLUMNS, "unit", "actual_amortized", "flag"]
# The steps of every line from modelled to actual: they add up to actual - modelled.
# A line is flagged when |actual - modelled| exceeds both [%, USD].
FLAG_THRESHOLDS = (10.0, 50.0)


def hours_in_period(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Hours between two dates [h] (672..744 for a calendar month)."""
    return (end - start) / pd.Timedelta(hours=1)


def model_lines(items: pd.DataFrame) -> pd.DataFrame:
    """Modelled sub-lines keyed by (category, service, region, base usage type): Qm, Cm, Pm, unit."""
    # an always-free allowance takes cost off, not usage: the bill counts the free units too
    keyed = items.assign(
        key=[line_key(u, r) for u, r in zip(items["usage_type"], items["region"], strict=True)],
        quantity=usage_quantity(items),
    )
    keyed["region_key"] = [k[0] for k in keyed["key"]]
    keyed["base_usage_type"] = [k[1] for k in keyed["key"]]
    grouped = keyed.groupby(["category", "service", "region_key", "base_usage_type"], sort=False).agg(
        Qm=("quantity", "sum"),
        Cm=("monthly_cost", "sum"),
        unit=("unit", "first"),
        unit_price=("unit_price", "first"),
        model_usage_type=("usage_type", "first"),
    )
    grouped["Pm"] = np.where(
        grouped["Qm"] > 0,
        grouped["Cm"] / grouped["Qm"].where(grouped["Qm"] > 0, 1),
        grouped["unit_price"],
    )
    return grouped.drop(columns="unit_price").reset_index()


def _actual_lines(mapped: pd.DataFrame) -> pd.DataFrame:
    keys = ["category", "service", "region", "base_usage_type"]
    # joined to the model's line under the model's name of the service (an alias's usage too)
    rows = mapped.loc[mapped["category"] != ""].assign(service=lambda f: f["model_service"])
    by = rows.groupby(keys, sort=False, dropna=False)
    # amortized cost and quantity stay unknown (NaN) when no row of the line has them
    out = by[["amortized_cost", "usage_quantity"]].sum(min_count=1)
    out = out.rename(columns={"amortized_cost": "Aa", "usage_quantity": "Qa_raw"})
    out.insert(0, "Ca", by["unblended_cost"].sum())
    out["ce_unit"] = by["usage_unit"].first()
    # the bill's usage types of each line, collected in plain Python (a pandas list
    # aggregation runs Python per group anyway, with far more overhead) over plain lists
    # (iterating an Arrow-backed column yields one boxed value at a time, 10x slower)
    names: dict[tuple, set[str]] = {}
    distinct = rows.drop_duplicates([*keys, "usage_type"])
    for *key, usage_type in zip(*(distinct[c].tolist() for c in [*keys, "usage_type"]), strict=True):
        names.setdefault(tuple(key), set()).add(usage_type)
    out["actual_usage_types"] = [sorted(names[key]) for key in out.index]
    return out.reset_index().rename(columns={"region": "region_key"})


def decompose(sub: pd.DataFrame, hours: float, month_hours: float | None = None) -> pd.DataFrame:
    """Calendar, volume and rate variance of sub-lines with Qm, Pm, Cm, Qa, Ca, unit [USD].

    ``hours`` is the data's period [h]; ``month_hours`` its calendar month's (672..744; default
    ``hours``, a whole month). A period shorter than its month (one day of daily data, a month
    in progress) bills what is not by the hour for its share of the month: a GB-Mo of storage
    is prorated over the month's own hours as AWS prorates it, a month's usage by the same
    share, so that part is calendar, not volume (32 GB-Mo billed in a day of a 1,000 GB volume
    is as modelled)."""
    qm, pm, qa, ca, cm = (sub[c].to_numpy(dtype=float) for c in ("Qm", "Pm", "Qa", "Ca", "Cm"))
    hourly = sub["unit"].isin(HOURLY_UNITS).to_numpy()
    share_of_month = min(hours / month_hours, 1.0) if month_hours else 1.0
    scale = np.where(hourly, hours / HOURS_PER_MONTH, share_of_month)
    # Unmodelled usage: all of its cost is volume (contract), whatever its quantity;
    # credits, refunds, tax and support are not usage: all of it is their own step.
    adjustment = sub["category"].isin(BILL_ADJUSTMENTS).to_numpy()
    unmodelled = (cm == 0) & (qm == 0) & ~adjustment
    usage = ~adjustment
    return sub.assign(
        calendar_variance=np.where(~unmodelled & usage, (qm * scale - qm) * pm, 0.0),
        volume_variance=np.where(unmodelled, ca, np.where(usage, (qa - qm * scale) * pm, 0.0)),
        rate_variance=np.where(unmodelled | adjustment, 0.0, ca - qa * pm),
        bill_adjustment=np.where(adjustment, ca, 0.0),
    )


def _quantities(sub: pd.DataFrame) -> pd.DataFrame:
    factors = np.array(
        [
            quantity_factor(c if isinstance(c, str) else "", u)
            for c, u in zip(sub["ce_unit"].tolist(), sub["unit"].fillna("").tolist(), strict=True)
        ]
    )
    qa = sub["Qa_raw"].to_numpy(dtype=float) * factors
    # No usable quantity (console CSV, unknown unit): infer it at list price, so that the
    # difference shows as volume, and say so in the explanation.
    on_bill = sub["actual_usage_types"].map(len).to_numpy() > 0
    missing = np.isnan(qa) & (sub["Pm"].to_numpy() > 0) & on_bill
    qa = np.where(missing, sub["Ca"] / sub["Pm"].where(sub["Pm"] > 0, 1), qa)
    sub = sub.assign(Qa=np.nan_to_num(qa), quantity_inferred=missing)
    return sub


def _sub_line_prices(sub: pd.DataFrame) -> np.ndarray:
    """Unit price of each sub-line with a quantity: the model's, or the bill's own for
    usage the model lacks; NaN for credits, tax and fees without quantity [USD/unit]."""
    own = np.where(sub["Qa"] > 0, sub["Ca"] / sub["Qa"].where(sub["Qa"] > 0, 1), np.nan)
    return np.where(sub["Qm"] > 0, sub["Pm"], own)


def _period_text(hours: float, month_hours: float) -> str:
    """What the calendar variance stands for: the month's hours against the model's 730, or
    the part of the month the data covers."""
    if hours < month_hours:
        return f"the data covers {hours:.0f} h of the month's {month_hours:.0f}"
    return f"{hours:.0f} h in the month vs {HOURS_PER_MONTH}"


def _explain(row: pd.Series, hours: float, month_hours: float | None = None) -> str:
    cat, unit = row["category"], row["unit"]
    if cat in BILL_ADJUSTMENTS:
        what = "the support plan" if cat == SUPPORT.name else cat.lower()
        return f"{what} on the bill (not modelled): its own step, not volume"
    if row["modelled"] == 0 and row["actual"] == 0:
        return "no cost"
    if row["modelled"] == 0:
        return f"not in the model: {', '.join(row['usage_types'][:3])}"
    if row.get("service_level"):
        return (
            "the data has no usage types for this service (grouped by service only): "
            f"compared in total; {hours:.0f} h in the period vs {HOURS_PER_MONTH}"
        )
    if not row.get("on_bill", True):
        return "modelled but absent from the bill"
    parts = []
    qm, qa = row["modelled_quantity"], row["actual_quantity"]
    if isinstance(unit, str) and unit in HOURLY_UNITS and pd.notna(qa):
        parts.append(
            f"{qa / hours:,.2f} running on average ({unit} per hour) vs {qm / HOURS_PER_MONTH:,.2f} modelled"
        )
    elif isinstance(unit, str) and unit and pd.notna(qa):
        parts.append(f"{qa:,.1f} {unit} vs {qm:,.1f} modelled")
    elif row.get("detail"):
        parts.append(str(row["detail"]))
    variances = {
        "calendar": row["calendar_variance"],
        "volume": row["volume_variance"],
        "rate": row["rate_variance"],
    }
    if abs(variances["rate"]) >= max(0.5, 0.01 * abs(row["actual"])):
        cause = "commitments, credits or discounts" if variances["rate"] < 0 else "price above list"
        parts.append(f"rate {signed_money(variances['rate'])} ({cause})")
    if abs(variances["calendar"]) >= 0.5:
        parts.append(_period_text(hours, month_hours or hours))
    if max(abs(v) for v in variances.values()) < 0.005:
        return "as modelled" + (f": {parts[0]}" if parts else "")
    driver = max(variances, key=lambda k: abs(variances[k]))
    if row.get("quantity_inferred"):
        parts.append("no usage quantity in the data: quantity inferred at list price")
    return f"mostly {driver}: " + "; ".join(parts) if parts else f"mostly {driver}"


def _compare_service_level(
    documented: pd.Series, items: pd.DataFrame, mapped: pd.DataFrame
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    """Services the data gives without usage types (GroupBy SERVICE only, console CSV) can
    only be compared in total: their model lines and bill rows meet in one category."""
    # credits, refunds and tax have no usage type either, but stay steps of their own
    usage = ~mapped["record_type"].isin(record_types.NOT_USAGE) & (
        mapped["service"] != record_types.TAX_SERVICE
    )
    plain = mapped.loc[usage]
    service_level = sorted(
        set(plain["service"].unique()) - set(plain.loc[plain["usage_type"] != "", "service"].unique())
    )
    modelled = set(items["service"].unique())
    service_level = [s for s in service_level if {s, *SPLIT_SERVICES.get(s, ())} & modelled]
    if not service_level:
        return documented, items, mapped
    level = {s: service_total(s) for s in service_level}
    # the model's services -> the line they meet the bill in (a service given whole takes its parts)
    model_level = level | {part: level[s] for s in service_level for part in SPLIT_SERVICES.get(s, ())}
    service_of = dict(zip(items["category"], items["service"], strict=True))
    documented = documented.groupby(lambda c: model_level.get(service_of.get(c, ""), c)).sum()
    items = items.assign(
        category=[model_level.get(s, c) for s, c in zip(items["service"], items["category"], strict=True)]
    )
    mapped = mapped.copy()
    moved = usage & mapped["service"].isin(service_level) & (mapped["usage_type"] == "")
    mapped.loc[moved, "category"] = mapped.loc[moved, "service"].map(level)
    return documented, items, mapped


def _stated_at_service_level(stated: pd.Series, before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    """Stated figures of categories merged into a service total (:func:`_compare_service_level`):
    the merged line keeps one only when each of its categories had one."""
    if after is before:
        return stated
    moved = dict(zip(before["category"], after["category"], strict=True))
    return stated.groupby(lambda c: moved.get(c, c)).agg(lambda v: v.sum() if v.notna().all() else np.nan)


def _per_category(codes: np.ndarray, n: int, values: object) -> np.ndarray:
    """Sum of ``values`` per category code [same unit]."""
    return np.bincount(codes, weights=np.asarray(values, dtype=float), minlength=n)


def _lines(sub: pd.DataFrame, documented: pd.Series, stated: pd.Series) -> pd.DataFrame:
    """One reconciliation line per category from its sub-lines (one per usage type) [USD].

    A month has tens to thousands of sub-lines: sums are numpy bincounts over category
    codes, the rest one plain pass over the rows (pandas' per-group machinery would cost
    more than the arithmetic)."""
    codes, names = pd.factorize(sub["category"], sort=False)
    n = len(names)
    sums = {c: _per_category(codes, n, sub[c]) for c in ("Cm", "Qm", "Ca", "Qa", *VARIANCES)}
    prices = _sub_line_prices(sub)
    priced = ~np.isnan(prices)
    low, high, size = np.full(n, np.inf), np.full(n, -np.inf), np.zeros(n)
    np.minimum.at(low, codes[priced], prices[priced])
    np.maximum.at(high, codes[priced], prices[priced])
    np.maximum.at(size, codes[priced], np.abs(prices[priced]))
    amortized = sub["Aa"].to_numpy(dtype=float)
    amortized_known = _per_category(codes, n, ~np.isnan(amortized))
    billed_types = _per_category(codes, n, sub["actual_usage_types"].map(len))
    inferred = _per_category(codes, n, sub["quantity_inferred"].astype(bool)) > 0
    base, qa, qm, unit_of = (sub[c].to_numpy() for c in ("base_usage_type", "Qa", "Qm", "unit"))
    # the sub-line that moved most; of equal ones the first by name, so that the explanation
    # does not depend on the order of the bill's rows (gaps to a millionth of a dollar: sums
    # of the same money in another order tie as they should)
    gap = (sub["Ca"] - sub["Cm"]).abs().round(6).to_numpy()
    name_rank = pd.factorize(sub["base_usage_type"].astype(str), sort=True)[0]
    order = np.lexsort((name_rank, -gap, codes))
    mover = order[np.unique(codes[order], return_index=True)[1]]
    units: list[set[str]] = [set() for _ in range(n)]
    usage_types: list[set[str]] = [set() for _ in range(n)]
    for code, unit, billed, modelled in zip(
        codes, unit_of, sub["actual_usage_types"].tolist(), sub["model_usage_type"].tolist(), strict=True
    ):
        if unit:
            units[code].add(unit)
        usage_types[code].update(billed)
        if isinstance(modelled, str):
            usage_types[code].add(modelled)
    # Line quantities are reported when the line has one unit and one unit price, so
    # that the contract's formulas hold from the line's own fields; otherwise they are
    # null and the explanation names the usage type that moved most.
    spread = np.where(np.isfinite(high), high - low, 0.0)
    # usage the model lacks, billed without a quantity in the model's unit, has no unit
    # price: beside priced sub-lines, the line's quantities could not explain its cost
    unpriced = _per_category(codes, n, ~priced & (sub["Ca"].to_numpy() != 0)) > 0
    single = np.array([len(u) == 1 for u in units]) & (spread <= 1e-9 * size) & ~unpriced
    on_bill = billed_types > 0
    # nothing on the bill costs nothing, amortized or not; on the bill without the metric: unknown
    amortized_sum = _per_category(codes, n, np.nan_to_num(amortized))
    actual_amortized = np.where(amortized_known > 0, amortized_sum, np.where(on_bill, np.nan, 0.0))
    ca, cm = sub["Ca"].to_numpy(), sub["Cm"].to_numpy()

    def moved(m: int) -> str:
        """The sub-line that moved most: its quantities, or its money when it has none to
        compare (a quantity the bill does not give, in a unit the model does not count)."""
        if np.nan_to_num(qa[m]) == 0 and np.nan_to_num(qm[m]) == 0:
            return f"{base[m]} billed ${ca[m]:,.2f} vs ${cm[m]:,.2f} modelled (no quantity to compare)"
        return f"{base[m]} {qa[m]:,.1f} vs {qm[m]:,.1f} {unit_of[m]} modelled"

    detail = ["" if one else moved(m) for one, m in zip(single, mover, strict=True)]
    categories = pd.Index(names)
    return pd.DataFrame(
        {
            "category": categories,
            "usage_types": [sorted(u) for u in usage_types],
            # what the document states for the category alone (NaN: it states none), and its
            # figures allocated pro rata over the categories they cover (sums to its total)
            "documented": stated.reindex(categories).to_numpy(dtype=float),
            "allocated": documented.reindex(categories).fillna(0.0).to_numpy(dtype=float),
            "modelled": sums["Cm"],
            "modelled_quantity": np.where(single, sums["Qm"], np.nan),
            "actual": sums["Ca"],
            "actual_quantity": np.where(single, sums["Qa"], np.nan),
            "calendar_variance": sums["calendar_variance"],
            "volume_variance": sums["volume_variance"],
            "rate_variance": sums["rate_variance"],
            "bill_adjustment": sums["bill_adjustment"],
            "unit": np.array(
                [next(iter(u)) if one else "" for u, one in zip(units, single, strict=True)], dtype=object
            ),
            "actual_amortized": actual_amortized,
            "quantity_inferred": inferred,
            "on_bill": on_bill,
            "service_level": categories.str.endswith(SERVICE_TOTAL_SUFFIX),
            "detail": detail,
        }
    )


def month(
    actual: Actuals,
    arch: Architecture,
    month: str,
    catalog: PriceCatalog | None = None,
    items: pd.DataFrame | None = None,
    threshold_pct: float = FLAG_THRESHOLDS[0],
    threshold_usd: float = FLAG_THRESHOLDS[1],
) -> ReconciledMonth:
    """Reconcile one month: one row per category.

    Parameters
    ----------
    actual : Actuals
        The bill's rows with their controls (:func:`costmodel.actuals.read_actuals`, or
        :func:`costmodel.lineitems.monthly_actuals` of a CUR/FOCUS export): rows alone are
        refused, since money could not be conserved against an independent total.
    arch : Architecture
    month : str
        ``YYYY-MM``.
    items : DataFrame, optional
        Priced line items (default: ``estimate(arch, catalog)`` on 730 hours).
    threshold_pct, threshold_usd : float
        A line is flagged when |actual - modelled| exceeds both.

    Returns
    -------
    ReconciledMonth
        ``lines`` (:data:`LINE_COLUMNS` [USD, quantities in the model's unit]) with the
        month's ``totals``, ``unmapped`` rows and the conserved ``input_total`` as fields.
    """
    actuals = _checked_actuals(actual, "reconcile.month")
    table = actuals.rows
    rows = table.loc[table["month"] == month]
    if rows.empty:
        known = ", ".join(sorted(table["month"].unique()))
        raise InputError(f"no actuals for month {month}; the file has {known}")
    model = _prepare_model(items if items is not None else estimate(arch, catalog, month=month), arch)
    thresholds = (threshold_pct, threshold_usd)
    return _reconcile(rows, map_rows(rows, model.items), model, month, actuals, thresholds)


@dataclass(frozen=True)
class _Model:
    """A month's estimate as reconcile reads it: categories that share usage types merged,
    the document spread over them, and the model's sub-lines."""

    items: pd.DataFrame
    documented: pd.Series
    lines: pd.DataFrame
    stated: pd.Series
    documented_applies: bool = True  # False: no document describes the architecture


def _prepare_model(items: pd.DataFrame, arch: Architecture) -> _Model:
    alias = shared_usage_categories(items)
    documented = documented_by_category(items).groupby(lambda c: alias.get(c, c)).sum()
    # merged categories keep a stated figure only when each part has one
    stated = (
        documented_stated(items)
        .groupby(lambda c: alias.get(c, c))
        .agg(lambda v: v.sum() if v.notna().all() else np.nan)
    )
    items = items.assign(category=items["category"].map(alias))
    return _Model(items, documented, model_lines(items), stated, describes(arch))


def _reconcile(
    rows: pd.DataFrame,
    mapped: pd.DataFrame,
    model: _Model,
    month: str,
    actuals: Actuals,
    thresholds: tuple[float, float],
) -> ReconciledMonth:
    """:func:`month` from the month's bill rows, the same rows mapped, and the model."""
    hours = hours_in_period(rows["period_start"].min(), rows["period_end"].max())
    documented, items, mapped = _compare_service_level(model.documented, model.items, mapped)
    stated = _stated_at_service_level(model.stated, model.items, items)
    # the model's sub-lines change only when service-level data moved categories
    lines = model.lines if items is model.items else model_lines(items)
    sub = lines.merge(
        _actual_lines(mapped), on=["category", "service", "region_key", "base_usage_type"], how="outer"
    )
    sub[["Qm", "Cm", "Ca"]] = sub[["Qm", "Cm", "Ca"]].fillna(0.0)
    sub["unit"] = sub["unit"].fillna("")
    sub["Pm"] = sub["Pm"].fillna(0.0)
    sub["actual_usage_types"] = sub["actual_usage_types"].map(lambda v: v if isinstance(v, list) else [])
    month_hours = pd.Period(month, "M").days_in_month * 24.0
    sub = decompose(_quantities(sub), hours, month_hours)

    table = _lines(sub, documented, stated)
    if not model.documented_applies:  # unknown (null), never the figures of another architecture
        table[["documented", "allocated"]] = np.nan
    threshold_pct, threshold_usd = thresholds
    diff = (table["actual"] - table["modelled"]).abs()
    table["flag"] = (diff >= threshold_usd) & (diff >= threshold_pct / 100 * table["modelled"].abs())
    table["explanation"] = [_explain(r, hours, month_hours) for r in table.to_dict("records")]
    table = table[[*LINE_COLUMNS, "quantity_inferred"]]  # "detail" only feeds the explanation

    unmapped_rows = mapped.loc[mapped["category"] == ""]
    unmapped = (
        unmapped_rows.groupby(["service", "usage_type"], sort=False)["unblended_cost"]
        .sum()
        .reset_index()
        .rename(columns={"unblended_cost": "actual"})
    )
    input_total = conserve(table, unmapped, mapped, rows, month, actuals)
    progress = progress_note(rows, month, actuals)
    return ReconciledMonth(
        month=month,
        hours_in_month=hours,
        estimated=bool(rows["estimated"].any()) or progress != "",
        progress=progress,
        totals={
            "documented": float(table["allocated"].sum(min_count=1)),
            "modelled": float(table["modelled"].sum()),
            "actual": input_total,
        },
        lines=table,
        unmapped=unmapped,
        input_total=input_total,
        input_total_source=str(actuals.control(month)["control_source"]),
    )


def _checked_actuals(actual: Any, function: str) -> Actuals:
    """The bill as :class:`Actuals`: bare rows carry no total to conserve money against."""
    if not isinstance(actual, Actuals):
        arguments.refuse(
            function,
            "actual",
            "the Actuals of costmodel.actuals.read_actuals (rows with their controls; bare rows "
            "cannot be checked for lost or doubled money)",
            actual,
        )
    refuse_unmatchable_grouping(actual)
    refuse_gaps_within_months(actual)
    return actual


def conserve(
    table: pd.DataFrame,
    unmapped: pd.DataFrame,
    mapped: pd.DataFrame,
    rows: pd.DataFrame,
    month: str,
    actuals: Actuals,
) -> float:
    """Check that no money was lost or made between the bill and the reconciled month.

    Every row read must be in a line or in the unmapped list (counted), and the lines plus
    unmapped must equal the month's independent total (:class:`Actuals` controls) to the
    cent. Returns that total [USD]; raises :class:`ConservationError` otherwise, since a
    reconciliation that lost money must not be shown.
    """
    if rows["unblended_cost"].isna().any():
        bad = rows.loc[rows["unblended_cost"].isna()].iloc[0]
        raise InputError(
            f"{bad['source']}: {month} {bad['service']!r} {bad['usage_type']!r} has no UnblendedCost"
        )
    in_lines = int((mapped["category"] != "").sum())
    in_unmapped = int((mapped["category"] == "").sum())
    if len(mapped) != len(rows) or in_lines + in_unmapped != len(rows):
        raise ConservationError(
            f"{month}: {len(rows)} rows read but {in_lines} in lines and {in_unmapped} unmapped"
        )
    control = actuals.control(month)
    if int(control["groups"]) != len(rows):
        raise ConservationError(f"{month}: {control['groups']} groups read but {len(rows)} reconciled")
    total, source = float(control["control_total"]), str(control["control_source"])
    reconciled = float(table["actual"].sum()) + float(unmapped["actual"].sum())
    if abs(reconciled - total) > CONSERVATION_TOLERANCE_USD:
        raise ConservationError(
            f"{month}: lines and unmapped add up to {reconciled:,.2f} USD but {source} is "
            f"{total:,.2f} USD; the reconciliation would not conserve money"
        )
    return total


def months(
    actual: Actuals,
    arch: Architecture,
    catalog: PriceCatalog | None = None,
    only: str | None = None,
    between: tuple[str, str] | None = None,
    estimates: dict[str, pd.DataFrame] | None = None,
) -> list[ReconciledMonth]:
    """:func:`month` for every month in ``actual`` (or only ``only``, or the months of the
    file from ``between[0]`` to ``between[1]``, YYYY-MM, both included), in month order.

    ``actual`` is the :class:`~costmodel.actuals.Actuals` of :func:`~costmodel.actuals.read_actuals`:
    each month is conserved against the file's independent total. ``estimates`` maps a month
    to ``estimate(arch, catalog, month=...)`` already built for it (a report builds the model
    once): months with the same dated facts use it instead of pricing again.
    """
    actuals = _checked_actuals(actual, "reconcile.months")
    table = actuals.rows
    if only:
        return [month(actual, arch, only, catalog)]
    present = sorted(table["month"].unique())
    if between is not None:
        present = [m for m in present if between[0] <= m <= between[1]]
    # each month is modelled as of that month (e.g. the EKS support tier of its date);
    # months with the same dated facts share one estimate, and their rows are mapped at once
    by_facts: dict[tuple, list[str]] = {}
    for wanted in present:
        by_facts.setdefault(dated_facts(arch, wanted), []).append(wanted)
    built = {dated_facts(arch, priced): items for priced, items in (estimates or {}).items()}
    out = []
    for facts, same in by_facts.items():
        items = built[facts] if facts in built else estimate(arch, catalog, month=same[0])
        model = _prepare_model(items, arch)
        rows = table.loc[table["month"].isin(same)]
        rows_by_month = dict(tuple(rows.groupby("month", sort=False)))
        mapped_by_month = dict(tuple(map_rows(rows, model.items).groupby("month", sort=False)))
        for wanted in same:
            out.append(
                _reconcile(
                    rows_by_month[wanted], mapped_by_month[wanted], model, wanted, actuals, FLAG_THRESHOLDS
                )
            )
    return sorted(out, key=lambda reconciled: reconciled.month)


def trend(reconciled: list[ReconciledMonth]) -> pd.DataFrame:
    """Month-over-month actual cost per category [USD], with the total and its change."""
    frame = pd.DataFrame({t.month: t.lines.set_index("category")["actual"] for t in reconciled}).fillna(0.0)
    unmapped = {t.month: float(t.unmapped["actual"].sum()) for t in reconciled}
    frame.loc["(unmapped)"] = pd.Series(unmapped)
    frame.loc["Total"] = frame.sum()
    return frame
