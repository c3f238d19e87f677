"""How much to commit: the quantile rule over an hourly usage history.

Each committed instance costs its effective rate every hour of the term and saves the
on-demand rate in the hours it is used. The k-th instance is used whenever usage >= k,
so it pays exactly when ``P(usage >= k) >= effective / on_demand`` (the break-even
utilization). The cost-minimizing level is therefore the largest such k: the
``1 - effective/on_demand`` quantile of usage. The result is shown the way Cost
Explorer's GetReservationPurchaseRecommendation shows it (lookback, term, payment option,
number to buy, upfront, recurring monthly cost, estimated monthly savings, break-even).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from costmodel.commitments import arithmetic as ar
from costmodel.commitments.offerings import (
    Resource,
    effective_hourly,
    normalized_units,
    offering,
    on_demand_hourly,
)
from costmodel.commitments.rules import RULES, payment_option, term_years
from costmodel.constants import HOURS_PER_MONTH
from costmodel.errors import InputError
from costmodel.pricing.catalog import PriceCatalog, load_snapshot


def committed_cost(usage: np.ndarray, level: float, effective: float, on_demand: float) -> float:
    """Cost of ``usage`` [instances per hour] with ``level`` instances committed [USD]."""
    usage = np.asarray(usage, dtype=float)
    return float(level * effective * usage.size + np.clip(usage - level, 0, None).sum() * on_demand)


def _as_units_of(hourly_usage: pd.Series | pd.DataFrame, service: str, instance_type: str) -> np.ndarray:
    """Usage expressed in instances of ``instance_type`` (size flexibility, normalized units)."""
    if isinstance(hourly_usage, pd.Series):
        values = hourly_usage.to_numpy(dtype=float)
    else:
        target = normalized_units(service, instance_type)
        factors = np.array([normalized_units(service, t) for t in hourly_usage.columns])
        values = hourly_usage.to_numpy(dtype=float) @ (factors / target)
    if values.size == 0 or np.isnan(values).any() or (values < 0).any():
        raise InputError("hourly usage must be a non-empty series of instance counts >= 0")
    return values


def recommend(
    hourly_usage: pd.Series | pd.DataFrame,
    service: str = "ec2",
    term: str | int = "1yr",
    payment: str = "no_upfront",
    instance_type: str | None = None,
    region: str = "us-east-1",
    kind: str | None = None,
    catalog: PriceCatalog | None = None,
) -> dict:
    """Recommend a number of reservations from an hourly usage history.

    Parameters
    ----------
    hourly_usage : Series or DataFrame
        Instances running per hour; a DataFrame (one column per type of one family) is
        converted to instances of ``instance_type`` through normalized units.
    service : str
        ``ec2``, ``rds`` or ``elasticache``.
    term, payment : str
        ``"1yr"``/``"3yr"`` and ``"no_upfront"``/``"partial_upfront"``/``"all_upfront"``.
    instance_type : str, optional
        Type to reserve (default: the Series name, or the first DataFrame column).
    kind : str, optional
        Offering kind (default: the service's first reserved offering, e.g. EC2 Standard RI).

    Returns
    -------
    dict
        ``lookback_hours``, ``term_years``, ``payment_option``, ``instance_type``,
        ``recommended_count`` [instances], ``break_even_utilization`` [fraction],
        ``expected_utilization_pct`` and ``expected_coverage_pct`` [%], ``upfront_cost``
        [USD], ``recurring_monthly`` [USD/month], ``monthly_on_demand``,
        ``monthly_with_commitment`` and ``estimated_monthly_savings`` [USD per 730 h],
        ``savings_pct`` [%], ``break_even_months`` [months], ``price_source``.
    """
    catalog = catalog if catalog is not None else load_snapshot()
    if instance_type is None:
        instance_type = str(
            hourly_usage.name if isinstance(hourly_usage, pd.Series) else hourly_usage.columns[0]
        )
    usage = _as_units_of(hourly_usage, service, instance_type)
    years, option = term_years(term), payment_option(payment)
    rules = [r for r in RULES[service] if r.term_type == "Reserved" and (kind is None or r.kind == kind)]
    if not rules:
        raise InputError(f"no reserved offering {kind!r} for service {service!r}")
    od = on_demand_hourly(catalog, service, instance_type, region)
    off = offering(
        catalog, rules[0], Resource("history", service, instance_type, 1, region), years, option, od
    )
    eff = effective_hourly(off)  # raises PriceUnknownError with how to get the price
    threshold = ar.break_even_utilization(eff, od)
    level = ar.usage_quantile_level(usage, threshold)
    scale = HOURS_PER_MONTH / usage.size
    on_demand_cost = float(usage.sum() * od)
    with_commitment = committed_cost(usage, level, eff, od)
    used = float(np.minimum(usage, level).sum())
    upfront = (off.upfront or 0.0) * level if off.upfront is not None else None
    months = (
        ar.break_even_months(off.upfront, off.recurring_hourly, od)
        if off.upfront is not None and off.recurring_hourly is not None
        else None
    )
    return {
        "service": service,
        "instance_type": instance_type,
        "region": region,
        "offering": rules[0].kind,
        "lookback_hours": int(usage.size),
        "lookback_days": usage.size / 24,
        "term_years": years,
        "payment_option": option,
        "recommended_count": level,
        "break_even_utilization": threshold,
        "expected_utilization_pct": 100 * used / (level * usage.size) if level else None,
        "expected_coverage_pct": 100 * used / usage.sum() if usage.sum() else 0.0,
        "upfront_cost": upfront,
        "recurring_monthly": (
            off.recurring_hourly * HOURS_PER_MONTH * level if off.recurring_hourly is not None else None
        ),
        "monthly_on_demand": on_demand_cost * scale,
        "monthly_with_commitment": with_commitment * scale,
        "estimated_monthly_savings": (on_demand_cost - with_commitment) * scale,
        "savings_pct": 100 * (1 - with_commitment / on_demand_cost) if on_demand_cost else 0.0,
        "break_even_months": None if months is None or math.isinf(months) else months,
        "price_source": off.price_source,
    }
