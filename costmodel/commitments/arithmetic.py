"""The arithmetic of commitments: small pure functions, units in every docstring.

A reservation's term is 1 or 3 years of 8,760 h each (AWS defines a 1-year term as 365
days, 31,536,000 s). Amounts are per instance unless stated.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from costmodel.constants import HOURS_PER_MONTH, HOURS_PER_YEAR


def term_hours(term_years: int) -> int:
    """Hours in a reservation term [h]: ``term_years`` x 8,760."""
    if term_years not in (1, 3):
        raise ValueError(f"term_years must be 1 or 3, got {term_years!r}")
    return term_years * HOURS_PER_YEAR


def effective_hourly_rate(upfront: float, recurring_hourly: float, term_years: int) -> float:
    """Effective (amortized) rate of a reservation [USD/h].

    ``recurring_hourly + upfront / (term_years x 8,760 h)``; e.g. cache.r6g.xlarge 3-year
    All Upfront: $4,867 / 26,280 h = $0.1852/h.

    Parameters
    ----------
    upfront : float
        One-time fee [USD].
    recurring_hourly : float
        Hourly fee, charged for every hour of the term whether used or not [USD/h].
    term_years : int
        1 or 3.
    """
    return recurring_hourly + upfront / term_hours(term_years)


def savings_pct(effective_hourly: float, on_demand_hourly: float) -> float:
    """Saving of a commitment fully used, relative to on-demand [%]."""
    return 100.0 * (1.0 - effective_hourly / on_demand_hourly)


def break_even_utilization(effective_hourly: float, on_demand_hourly: float) -> float:
    """Utilization above which the commitment costs less than on-demand [fraction, 0..1+].

    A commitment used ``u`` of its hours replaces ``u x on_demand`` of spend at a cost of
    ``effective``: it pays when ``u >= effective / on_demand``.
    """
    return effective_hourly / on_demand_hourly


def break_even_months(
    upfront: float,
    recurring_hourly: float,
    on_demand_hourly: float,
    hours_per_month: float = HOURS_PER_MONTH,
) -> float:
    """Months of full use until cumulative on-demand cost exceeds the commitment's cost [months].

    Cumulative commitment cost after ``m`` months is ``upfront + recurring x h x m``;
    on-demand is ``on_demand x h x m``; they cross at
    ``m = upfront / ((on_demand - recurring) x h)``. 0 for No Upfront reservations whose
    hourly fee is below on-demand; ``inf`` if the hourly fee alone is not below on-demand.
    """
    margin = (on_demand_hourly - recurring_hourly) * hours_per_month
    if margin <= 0:
        return math.inf
    return upfront / margin


def payment_schedule(
    upfront: float,
    recurring_hourly: float,
    term_years: int,
    start: str | pd.Timestamp,
    count: float = 1.0,
) -> pd.DataFrame:
    """Billed (cash) vs amortized cost of a reservation, per calendar month of its term.

    The billed view carries the upfront fee in the month of purchase and the hourly fee
    for every hour (Cost Explorer UnblendedCost); the amortized view spreads the upfront
    fee evenly over the term's hours (AmortizedCost). Over a full term both sum to
    ``count x (upfront + recurring x term hours)``.

    Returns
    -------
    DataFrame
        Index: month (``YYYY-MM``); columns ``hours`` [h], ``billed`` and ``amortized`` [USD].
    """
    hours = term_hours(term_years)
    index = pd.date_range(pd.Timestamp(start), periods=hours, freq="h")
    months = index.strftime("%Y-%m")
    per_month = pd.Series(1.0, index=months).groupby(level=0).sum()
    amortized_rate = count * (recurring_hourly + upfront / hours)
    billed = per_month * count * recurring_hourly
    billed.iloc[0] += count * upfront
    return pd.DataFrame(
        {
            "hours": per_month,
            "billed": billed,
            "amortized": per_month * amortized_rate,
        }
    ).rename_axis("month")


def usage_quantile_level(usage: np.ndarray, utilization_threshold: float) -> int:
    """Largest commitment level ``k`` whose k-th unit is busy at least ``threshold`` of the time.

    The k-th committed unit is used in the hours where usage >= k; it pays when that share
    is at least the break-even utilization. This is the classic quantile rule: commit up
    to the ``1 - threshold`` quantile of usage.

    Parameters
    ----------
    usage : array
        Units in use per hour [units].
    utilization_threshold : float
        Break-even utilization (effective / on-demand rate) [fraction].
    """
    ordered = np.sort(np.asarray(usage, dtype=float))
    if ordered.size == 0:
        return 0
    levels = np.arange(1, int(np.floor(ordered[-1])) + 1)
    busy_share = (ordered.size - np.searchsorted(ordered, levels, side="left")) / ordered.size
    paying = levels[busy_share >= utilization_threshold]
    return int(paying.max()) if paying.size else 0
