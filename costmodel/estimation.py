"""The orchestrator: an architecture and a price catalog in, a table of priced line items out."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from costmodel import arguments
from costmodel.architecture import Architecture, load_architecture
from costmodel.constants import HOURS_PER_MONTH
from costmodel.errors import InputError
from costmodel.output import money
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.pricing.free_tiers import apply_free_tiers
from costmodel.services import ebs, eks, elasticache, msk, network, observability, rds, s3, security
from costmodel.services.eks_versions import SupportTier, support_tier

# One cost model per architecture section; each returns unpriced components.
SERVICE_MODELS: dict[str, Callable[[dict, str, float], list[dict]]] = {
    "eks": eks.components,
    "rds": rds.components,
    "elasticache": elasticache.components,
    "msk": msk.components,
    "s3": s3.components,
    "ebs": ebs.components,
    "network": network.components,
    "observability": observability.components,
    "security": security.components,
    "load": lambda spec, region, hours: [],  # load assumptions drive the scaling models, not prices
}

# Columns of the line-item contract (DESIGN.md, `costmodel estimate --format json`).
LINE_ITEM_COLUMNS = [
    "service",
    "resource",
    "component",
    "usage_type",
    "unit",
    "quantity",
    "unit_price",
    "monthly_cost",
    "purchase_option",
    "price_source",
]
EXTRA_COLUMNS = ["category", "service_code", "region", "price_status", "price_usd"]
# What each service model gives per component (costmodel.services._items.component).
COMPONENT_COLUMNS = [
    "service",
    "resource",
    "component",
    "category",
    "usage_type",
    "unit",
    "quantity",
    "purchase_option",
    "service_code",
    "region",
    "operation",
]


def components(arch: Architecture, hours: float = HOURS_PER_MONTH, month: str | None = None) -> pd.DataFrame:
    """Unpriced components of every service section of ``arch`` for a month of ``hours`` [h].

    ``month`` (YYYY-MM) is the month priced: it sets facts that depend on the date, such as
    the EKS support tier of the cluster's Kubernetes version (default: standard support
    unless the architecture forces a tier).
    """
    rows = [
        item
        for section, spec in arch.sections.items()
        for item in SERVICE_MODELS[section](resolve_dated(section, spec, month), arch.region, hours)
    ]
    # an architecture with nothing to price (an empty account) is an empty table, not one
    # without columns
    return pd.DataFrame(rows, columns=COMPONENT_COLUMNS) if not rows else pd.DataFrame(rows)


def resolve_dated(section: str, spec: dict, month: str | None) -> dict:
    """``spec`` with the facts that depend on the month priced filled in (EKS support tier)."""
    if section != "eks":
        return spec
    tier = eks_support(spec, month)
    return spec | {"support": tier.tier, "extended_share": tier.extended_share}


def dated_facts(arch: Architecture, month: str | None) -> tuple:
    """What of ``arch``'s estimate depends on ``month`` (the EKS support tier billed): two
    months with the same facts have the same 730-hour estimate, so it is priced once."""
    if "eks" not in arch.sections:
        return ()
    tier = eks_support(arch.sections["eks"], month)
    return (tier.tier, tier.extended_share)


def eks_support(spec: dict, month: str | None) -> SupportTier:
    """The EKS support tier billed in ``month``: forced by ``support``, else from the version."""
    if spec.get("support"):
        share = 1.0 if spec["support"] == "extended" else 0.0
        return SupportTier(
            spec["support"], spec.get("kubernetes_version") or "", "set in the architecture", "", share
        )
    if spec.get("kubernetes_version") and month:
        return support_tier(spec["kubernetes_version"], month, spec.get("upgrade_policy") or "extended")
    return SupportTier("standard", "", "no kubernetes_version given: standard support assumed")


def warnings(arch: Architecture, month: str | None, items: pd.DataFrame | None = None) -> list[str]:
    """What a reader of the estimate for ``month`` should know (e.g. a version past support),
    each in one line; with the priced ``items``, what it adds to the bill."""
    out = []
    if "eks" in arch.sections:
        warning = eks_support(arch.sections["eks"], month).warning
        if warning and items is not None:
            surcharge = items.loc[items["component"].str.contains("extended support"), "monthly_cost"].sum()
            if surcharge > 0:
                warning += f": +{money(float(surcharge))} a month on the control plane, in this estimate"
        if warning:
            out.append(warning)
    return out


def estimate(
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    hours: float = HOURS_PER_MONTH,
    missing: str = "raise",
    month: str | None = None,
    free_tiers: bool = True,
) -> pd.DataFrame:
    """Priced line items of an architecture: one row per priced component (and price tier).

    Parameters
    ----------
    arch : Architecture, optional
        Default: the bundled production architecture.
    catalog : PriceCatalog, optional
        Default: the shipped price snapshot.
    hours : float
        Hours in the month [h]; 730 (the AWS Pricing Calculator convention) by default.
    missing : str
        ``"raise"`` (default) on a price the catalog lacks, or ``"report"``: keep the line
        with a NaN cost and a ``price_status`` of ``unknown`` / ``not found``.
    month : str, optional
        The month priced, YYYY-MM (default: the price snapshot's month, ``catalog.as_of``).
        It sets what depends on the date (the EKS support tier), not the hours: pass
        ``hours=calendar_hours(month)`` to price the month's real hours.
    free_tiers : bool
        Add a line for each always-free allowance (:mod:`costmodel.pricing.free_tiers`)
        after the lines it reduces (default); ``False`` gives list prices before them.

    Returns
    -------
    DataFrame
        :data:`LINE_ITEM_COLUMNS` (``quantity`` in ``unit`` per month, ``unit_price`` [USD
        per unit], ``monthly_cost`` [USD]) followed by ``category``, ``service_code``,
        ``region``, ``price_status`` and ``price_usd`` (the published price string).
    """
    arguments.architecture(arch, "estimate", optional=True)
    arguments.catalog(catalog, "estimate")
    hours = arguments.number(hours, "estimate", "hours", above=0, high=744, unit="h in a month")
    arguments.choice(missing, ("raise", "report"), "estimate", "missing")
    if not isinstance(free_tiers, bool):  # "no" or 0 would be taken for True or False silently
        arguments.refuse("estimate", "free_tiers", "True or False", free_tiers)
    arch = arch if arch is not None else load_architecture()
    catalog = catalog if catalog is not None else load_snapshot()
    priced = catalog.price(components(arch, hours, month or catalog.as_of), missing=missing)
    if free_tiers:
        priced = apply_free_tiers(priced)
    check_finite_costs(priced, arch.origin)
    return priced.loc[:, LINE_ITEM_COLUMNS + EXTRA_COLUMNS]


_EFFECTIVE = r" (\d{4}-\d{2}-\d{2}) \("  # price_source: "SOURCE YYYY-MM-DD (status)"


def check_month_priceable(arch: Architecture, month: str) -> None:
    """Refuse to price ``month`` (YYYY-MM) with an EKS version not yet released: no cluster
    of it ran then. Prices dated after the month began are priced with a note
    (:func:`later_price_notes`)."""
    start = pd.Timestamp(f"{month}-01")
    eks_spec = arch.sections.get("eks") or {}
    version = eks_spec.get("kubernetes_version")
    if version:
        from costmodel.services.eks_versions import calendar

        table = calendar()
        if version in table.index and table.loc[version, "release"] > start + pd.offsets.MonthEnd(0):
            released = table.loc[version, "release"].date()
            raise InputError(
                f"--month {month} is before EKS {version} was released ({released}); "
                "price a month it ran in, or set eks.kubernetes_version to what ran then"
            )


def later_price_notes(items: pd.DataFrame, months: list[str]) -> list[str]:
    """Notes for the ``months`` (YYYY-MM) that began before some of the snapshot's prices took
    effect, months of the same such prices in one note: the snapshot holds one price per key,
    not the one before it, so the month is priced at it, and every command that prices a
    month (estimate --month, reconcile) says so the same way."""
    dates = pd.to_datetime(items["price_source"].str.extract(_EFFECTIVE, expand=False), errors="coerce")
    # a usage type's price and its free tier are two prices (CW:MetricMonitorUsage at its 2024 price,
    # its 10 free metrics dated 2026-11-01): each named, the free tier as one
    free = items["price_source"].str.contains("(free tier)", regex=False)
    names = items["usage_type"].where(~free, items["usage_type"] + " free tier")
    dated = items.assign(_date=dates, _name=names).dropna(subset=["_date"]).drop_duplicates("_name")
    by_prices: dict[tuple, list[str]] = {}
    for month in months:
        late = dated.loc[dated["_date"] > pd.Timestamp(f"{month}-01")]
        if len(late):
            key = tuple(zip(late["_name"], late["_date"].dt.strftime("%Y-%m-%d"), strict=True))
            by_prices.setdefault(key, []).append(month)
    notes = []
    for late_prices, same in by_prices.items():
        by_date: dict[str, list[str]] = {}
        for name, date in late_prices:
            by_date.setdefault(date, []).append(name)
        # every price named (a user checks each against what AWS charged then), by date
        named = "; ".join(f"{date}: {', '.join(names)}" for date, names in sorted(by_date.items()))
        notes.append(
            f"{', '.join(same)} began before {len(late_prices)} price(s) of the snapshot took effect "
            f"({named}); "
            "the snapshot does not hold what AWS charged before, so "
            f"{'the month is' if len(same) == 1 else 'these months are'} priced at them"
        )
    return notes


def check_finite_costs(items: pd.DataFrame, origin: str) -> None:
    """Every priced line's cost must be a finite number (an unknown price stays NaN, reported
    as unknown); an overflow from huge inputs is refused, naming the line."""
    known = ~items["price_status"].isin(("not found", "unknown"))
    bad = known & ~np.isfinite(items["monthly_cost"].to_numpy(dtype=float))
    if bad.any():
        row = items.loc[bad].iloc[0]
        raise InputError(
            f"{origin}: {row['resource']} {row['component']} costs {row['monthly_cost']} "
            f"({row['quantity']:g} {row['unit']} at {row['unit_price']}): the inputs are out of range"
        )
