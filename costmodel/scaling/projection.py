"""Cost curves, month-by-month projections, Monte Carlo percentiles and a tornado table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from costmodel import arguments, categories
from costmodel.architecture import Architecture
from costmodel.commitments.offerings import on_demand_hourly
from costmodel.commitments.portfolio import Commitment, Portfolio
from costmodel.commitments.portfolio import apply as apply_portfolio
from costmodel.constants import HOURS_PER_MONTH
from costmodel.errors import InputError
from costmodel.estimation import estimate
from costmodel.inputs import parse_month
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.scaling.costs import (
    LIMIT_NAMES,
    SERVICES,
    SpecPricer,
    capacity_and_cost,
    capacity_over_time,
    hourly_nodes,
    rds_family,
    total_cost,
)
from costmodel.scaling.rds import instance_ladder

MAX_MONTHS = 600  # the longest horizon a projection covers [months]: fifty years
MAX_SCENARIOS = 10_000_000  # Monte Carlo scenarios at most: 8 bytes x n x months of totals

# The load driver of each service: the `load` key a cost curve's x axis is in.
DRIVERS = {
    "eks": ("requests_per_s_peak", "peak requests/s"),
    "rds": ("records_billions", "records [billions]"),
    "elasticache": ("hot_dataset_gb", "hot dataset [GB]"),
    "msk": ("kafka_peak_ingress_mibps", "peak Kafka ingress [MiB/s]"),
}
# Scenario-months priced at once by :func:`monte_carlo`: each carries its 24-hour node
# profile through the capacity models (about 1 kB), so a chunk is about 250 MB.
MONTE_CARLO_CHUNK_SCENARIO_MONTHS = 250_000
CAPACITY = {
    "eks": "eks_peak_nodes",
    "rds": "rds_class_index",
    "elasticache": "cache_nodes",
    "msk": "msk_brokers",
}


def fixed_monthly_cost(arch: Architecture, catalog: PriceCatalog) -> float:
    """Cost of everything the capacity models do not scale (control plane, S3, network...) [USD]."""
    items = estimate(arch, catalog)
    scaled = categories.scaled_by(items["category"]) != ""
    return float(items.loc[~scaled, "monthly_cost"].sum())


def cost_curve(
    arch: Architecture, service: str, load: ArrayLike, catalog: PriceCatalog | None = None
) -> pd.DataFrame:
    """Monthly cost of one service against its load driver (vectorized over ``load``).

    Parameters
    ----------
    service : str
        ``eks`` (load: peak requests/s), ``rds`` (records, billions), ``elasticache`` (hot
        dataset, GB) or ``msk`` (peak ingress, MiB/s).
    load : array
        Values of the driver.

    Returns
    -------
    DataFrame
        ``load``, ``capacity`` (nodes, RDS class, cache nodes, brokers), ``monthly_cost``
        [USD per 730 h; NaN where a price is unknown] and ``step`` (capacity changed).
    """
    arguments.architecture(arch, "scaling.cost_curve")
    arguments.choice(service, DRIVERS, "scaling.cost_curve", "service")
    load = arguments.numbers(load, "scaling.cost_curve", "load", low=0, unit=DRIVERS[service][1])
    arguments.catalog(catalog, "scaling.cost_curve")
    catalog = catalog if catalog is not None else load_snapshot()
    key, _ = DRIVERS[service]
    base = arch.get(f"load.{key}")
    load = np.asarray(load, dtype=float)
    costs = capacity_and_cost(arch, load / base, catalog)
    capacity = costs[CAPACITY[service]]
    frame = pd.DataFrame({"load": load, "capacity": capacity, "monthly_cost": costs[f"{service}_cost"]})
    if service == "rds":
        names = instance_ladder(rds_family(arch))[0]
        frame["capacity"] = [names[int(i)] if not np.isnan(i) else f"beyond {names[-1]}" for i in capacity]
    # past an AWS limit (15 read replicas, 16 TiB per MSK broker) there is no price: say why
    beyond = costs.get(f"{service}_beyond_limit")
    frame["beyond_limit"] = (
        np.broadcast_to(beyond, frame.shape[:1]) if beyond is not None else np.zeros(len(frame), dtype=bool)
    )
    frame["step"] = frame["capacity"].ne(frame["capacity"].shift()) & (frame.index > 0)
    # what the curve is of travels with it as columns (DataFrame.attrs are dropped by pandas)
    frame["service"] = service
    frame["driver"] = DRIVERS[service][1]
    return frame


def _ri_savings(
    arch: Architecture,
    factor: np.ndarray,
    catalog: PriceCatalog,
    months: pd.PeriodIndex,
    commitments: list[Commitment],
) -> np.ndarray:
    """Saving of the whole commitment portfolio on the node group per month [USD per 730 h].

    Each month's hourly node profile (the daily load curve at that month's load) is covered
    hour by hour by every commitment active in that hour together, as
    :func:`costmodel.commitments.apply` does for a bill: two reservations of 3 save what one
    of 6 saves. A commitment without a start begins with the projection.
    """
    saving = np.zeros(len(months))
    if not commitments or "eks" not in arch.sections:
        return saving
    instance_type = arch.sections["eks"]["instance_type"]
    node_hour = on_demand_hourly(catalog, "ec2", instance_type, arch.region)
    portfolio = Portfolio(
        [c if c.start is not None else replace(c, start=months[0].start_time) for c in commitments]
    )
    for i, (period, f) in enumerate(zip(months, factor, strict=True)):
        nodes = hourly_nodes(arch, str(period.start_time.date()), period.days_in_month, float(f))
        result = apply_portfolio(portfolio, nodes.to_frame(), {instance_type: node_hour}, service="ec2")
        summary = result.summary
        # the projection is on the 730-hour basis: scale the calendar month to it
        saving[i] = (
            (summary["on_demand_equivalent_cost"] - summary["amortized_cost"]) * HOURS_PER_MONTH / len(nodes)
        )
    return saving


def project(
    arch: Architecture,
    months: int = 36,
    growth: float = 0.05,
    start: str = "2026-12",
    commitments: list[Commitment] | None = None,
    catalog: PriceCatalog | None = None,
) -> pd.DataFrame:
    """Month-by-month cost over a horizon with compound load growth and step changes.

    Parameters
    ----------
    months : int
        Horizon [months].
    growth : float
        Monthly load growth [fraction], compounded.
    commitments : list of Commitment, optional
        EC2 reservations on the node type; each saves its discount while its term runs and
        stops at expiry.

    Returns
    -------
    DataFrame
        One row per month: ``load_factor``, capacities, cost per service, ``fixed_cost``,
        ``commitment_saving``, ``total_cost`` [USD] and ``events`` (the step changes).
    """
    where = "scaling.project"
    arguments.architecture(arch, where)
    months = arguments.number(months, where, "months", low=1, high=MAX_MONTHS, integer=True)
    growth = arguments.growth_rate(growth, where)
    start = parse_month(start, f"{where}: start")
    if commitments is not None and (
        not isinstance(commitments, list) or not all(isinstance(c, Commitment) for c in commitments)
    ):
        arguments.refuse(where, "commitments", "a list of Commitment, or None", commitments)
    arguments.catalog(catalog, where)
    catalog = catalog if catalog is not None else load_snapshot()
    periods = pd.period_range(start, periods=months, freq="M")
    factor = (1 + growth) ** np.arange(months)
    costs = capacity_over_time(arch, factor, catalog, SpecPricer(arch, catalog))
    frame = pd.DataFrame({"month": periods.astype(str), "load_factor": factor})
    for key, values in costs.items():
        frame[key] = values
    if "rds_class_index" in frame:
        names = instance_ladder(rds_family(arch))[0]
        frame["rds_class"] = [
            names[int(i)] if not np.isnan(i) else "beyond ladder" for i in frame.pop("rds_class_index")
        ]
    frame["fixed_cost"] = fixed_monthly_cost(arch, catalog)
    saving = _ri_savings(arch, factor, catalog, periods, commitments or [])
    frame["commitment_saving"] = saving
    frame["total_cost"] = total_cost(costs) + frame["fixed_cost"] - saving
    events = []
    watched = [
        c
        for c in (
            "eks_nodes",
            "rds_class",
            "rds_read_replicas",
            "cache_nodes",
            "msk_brokers",
            "msk_storage_gb",
        )
        if c in frame
    ]
    for i in range(months):
        changes = (
            []
            if i == 0
            else [
                f"{c} {_fmt(frame[c].iloc[i - 1])} -> {_fmt(frame[c].iloc[i])}"
                for c in watched
                if frame[c].iloc[i] != frame[c].iloc[i - 1] and c != "eks_nodes"
            ]
        )
        if i and np.floor(frame["eks_nodes"].iloc[i]) > np.floor(frame["eks_nodes"].iloc[i - 1]):
            changes.append(f"eks average nodes {frame['eks_nodes'].iloc[i]:.1f}")
        changes += [
            f"{service} beyond {LIMIT_NAMES[service]}: not priced"
            for service in LIMIT_NAMES
            if f"{service}_beyond_limit" in frame
            and frame[f"{service}_beyond_limit"].iloc[i]
            and (i == 0 or not frame[f"{service}_beyond_limit"].iloc[i - 1])
        ]
        events.append("; ".join(changes))
    frame["events"] = events
    return frame


def _fmt(value: object) -> str:
    return f"{value:,.0f}" if isinstance(value, float) else str(value)


# The spread of a monthly growth rate [fraction per month] a distribution may have: a
# standard deviation of 50 % a month is already a guess about nothing.
MAX_GROWTH_SPREAD = 0.5


@dataclass(frozen=True)
class Normal:
    """A normal distribution of a monthly growth rate [fraction per month].

    ``mean`` within :data:`costmodel.arguments.GROWTH_RANGE`, ``sd`` within 0..0.5.
    """

    mean: float
    sd: float

    def __post_init__(self) -> None:
        arguments.growth_rate(self.mean, "scaling.Normal", "mean")
        arguments.number(
            self.sd, "scaling.Normal", "sd", low=0, high=MAX_GROWTH_SPREAD, unit="fraction per month"
        )

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> np.ndarray:
        return rng.normal(self.mean, self.sd, size)


@dataclass(frozen=True)
class Uniform:
    """A uniform distribution of a monthly growth rate [fraction per month], ``low`` <=
    ``high``, both within :data:`costmodel.arguments.GROWTH_RANGE`."""

    low: float
    high: float

    def __post_init__(self) -> None:
        low = arguments.growth_rate(self.low, "scaling.Uniform", "low")
        arguments.growth_rate(self.high, "scaling.Uniform", "high")
        if self.high < low:
            arguments.refuse("scaling.Uniform", "high", f"at least low ({low:g})", self.high)

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


def monte_carlo(
    arch: Architecture,
    months: int = 24,
    growth: Normal | Uniform = Normal(0.05, 0.02),
    n: int = 10_000,
    start: str = "2026-12",
    seed: int = 0,
    per_month: bool = False,
    percentiles: tuple[float, ...] = (5, 25, 50, 75, 95),
    max_unknown_share: float = 0.01,
    catalog: PriceCatalog | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Percentiles of the monthly cost over ``n`` growth scenarios (vectorized, no loop per scenario).

    Each scenario draws one growth rate (or one per month with ``per_month=True``) and
    compounds it. Scenarios whose capacity has no known price are counted in
    ``unknown_share``; a month with more than ``max_unknown_share`` of them gets NaN
    percentiles, because the known scenarios alone would understate the cost.
    ``progress(done, n)`` is called after each chunk of scenarios.

    Memory is about ``8 * n * months`` bytes for the totals plus one chunk of
    :data:`MONTE_CARLO_CHUNK_SCENARIO_MONTHS` scenario-months (1M x 36: about 0.5 GB).

    Returns
    -------
    DataFrame
        One row per month: ``p5`` ... ``p95`` and ``mean`` of the total cost [USD],
        ``unknown_share`` [fraction of scenarios] and, per service, ``*_beyond_share`` (the
        fraction beyond the limit named in :data:`LIMIT_NAMES`).
    """
    _check_monte_carlo(arch, months, growth, n, seed, percentiles, max_unknown_share, catalog, progress)
    catalog = catalog if catalog is not None else load_snapshot()
    rng = np.random.default_rng(seed)
    pricer = SpecPricer(arch, catalog)
    fixed = fixed_monthly_cost(arch, catalog)
    # Scenarios run in chunks, so memory is the (n x months) totals plus one chunk's hourly
    # profiles, not n x months x 24 of them. Chunks draw from one generator in order, so the
    # draws, hence the result, do not depend on the chunk size.
    costs = np.empty((n, months))
    beyond: dict[str, np.ndarray] = {}
    per_chunk = max(1, MONTE_CARLO_CHUNK_SCENARIO_MONTHS // months)
    for first in range(0, n, per_chunk):
        size = min(per_chunk, n - first)
        rates = growth.sample(rng, (size, months) if per_month else (size, 1))
        if (rates <= -1).any():  # a normal's tail: the load would vanish or turn negative
            raise InputError(
                f"scaling.monte_carlo: growth {growth} draws rates of -100 % a month or less "
                f"({float(rates.min()):.2f}); give a narrower distribution"
            )
        steps = np.broadcast_to(1 + rates, (size, months)).copy()
        steps[:, 0] = 1.0  # month 0 is today's load
        capacity = capacity_over_time(arch, np.cumprod(steps, axis=1), catalog, pricer)
        costs[first : first + size] = total_cost(capacity) + fixed
        for service in LIMIT_NAMES:  # which limit the unpriced scenarios reach: counted
            flags = capacity.get(f"{service}_beyond_limit")
            if flags is not None:
                counted = np.broadcast_to(flags, (size, months)).sum(axis=0)
                beyond[service] = beyond.get(service, 0) + counted
        if progress is not None:
            progress(first + size, n)
    frame = pd.DataFrame({"month": pd.period_range(start, periods=months, freq="M").astype(str)})
    known_share = (~np.isnan(costs)).mean(axis=0)
    # one month at a time: nanpercentile copies what it sorts
    stats = np.full((months, len(percentiles) + 1), np.nan)
    for j in range(months):
        if known_share[j] > 0:
            stats[j, :-1] = np.nanpercentile(costs[:, j], percentiles)
            stats[j, -1] = np.nanmean(costs[:, j])
    for k, p in enumerate(percentiles):
        frame[f"p{p:g}"] = stats[:, k]
    frame["mean"] = stats[:, -1]
    frame["unknown_share"] = 1 - known_share
    for service, count in beyond.items():
        frame[f"{service}_beyond_share"] = count / n
    biased = frame["unknown_share"] > max_unknown_share
    frame.loc[biased, [*(f"p{p:g}" for p in percentiles), "mean"]] = np.nan
    frame["scenarios"] = n
    return frame


def _check_monte_carlo(
    arch: Any,
    months: Any,
    growth: Any,
    n: Any,
    seed: Any,
    percentiles: Any,
    max_unknown_share: Any,
    catalog: Any,
    progress: Any,
) -> None:
    """The arguments of :func:`monte_carlo`, each checked (see :mod:`costmodel.arguments`)."""
    where = "scaling.monte_carlo"
    arguments.architecture(arch, where)
    arguments.number(months, where, "months", low=1, high=MAX_MONTHS, integer=True)
    if not isinstance(growth, (Normal, Uniform)):
        hint = (
            f"; a fixed growth of {growth!r} a month is scaling.project(arch, growth={growth!r}) "
            f"or scaling.Normal({growth!r}, 0)"
            if isinstance(growth, (int, float)) and not isinstance(growth, bool)
            else ""
        )
        arguments.refuse(where, "growth", f"a distribution, e.g. scaling.Normal(0.05, 0.02){hint}", growth)
    arguments.number(n, where, "n", low=1, high=MAX_SCENARIOS, integer=True, unit="scenarios")
    arguments.number(seed, where, "seed", low=0, integer=True)
    if isinstance(percentiles, (str, bytes)) or not isinstance(percentiles, (list, tuple)) or not percentiles:
        arguments.refuse(
            where, "percentiles", "a tuple of percentiles within 0..100, e.g. (5, 50, 95)", percentiles
        )
    for p in percentiles:
        arguments.number(p, where, "percentiles", low=0, high=100, unit="%")
    arguments.number(max_unknown_share, where, "max_unknown_share", low=0, high=1, unit="fraction")
    arguments.catalog(catalog, where)
    if progress is not None and not callable(progress):
        arguments.refuse(where, "progress", "a function progress(done, n), or None", progress)


def tornado(arch: Architecture, swing: float = 0.25, catalog: PriceCatalog | None = None) -> pd.DataFrame:
    """Which load assumption moves today's monthly cost most, each moved by +/- ``swing``.

    Returns
    -------
    DataFrame
        ``assumption``, ``low_value``, ``high_value``, ``low_cost``, ``high_cost``,
        ``range`` and ``base_cost`` (today's, every assumption as it is) [USD per month] of
        the scaled services, sorted by range, largest first.
    """
    arguments.architecture(arch, "scaling.tornado")
    swing = arguments.number(swing, "scaling.tornado", "swing", above=0, high=0.99, unit="fraction")
    arguments.catalog(catalog, "scaling.tornado")
    catalog = catalog if catalog is not None else load_snapshot()
    # the moves change load assumptions only, so every scenario prices the same sections
    pricer = SpecPricer(arch, catalog)
    base = float(total_cost(capacity_and_cost(arch, 1.0, pricer=pricer)))
    rows = []
    for key, value in arch.sections["load"].items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value == 0:
            continue
        outcomes = []
        for direction in (-1, 1):
            moved = value * (1 + direction * swing)
            moved = max(1, round(moved)) if isinstance(value, int) else moved
            try:
                scenario = arch.with_changes({f"load.{key}": moved})
            except InputError:  # a move outside the allowed range: skip that side
                outcomes.append((moved, np.nan))
                continue
            cost = float(total_cost(capacity_and_cost(scenario, 1.0, pricer=pricer)))
            outcomes.append((moved, cost))
        (lo, lo_cost), (hi, hi_cost) = outcomes
        rows.append(
            {
                "assumption": f"load.{key}",
                "low_value": lo,
                "high_value": hi,
                "low_cost": lo_cost,
                "high_cost": hi_cost,
            }
        )
    frame = pd.DataFrame(rows)
    frame["range"] = (frame["high_cost"] - frame["low_cost"]).abs()
    frame["base_cost"] = base
    return frame.sort_values("range", ascending=False, ignore_index=True)


__all__ = ["SERVICES", "Normal", "Uniform", "cost_curve", "monte_carlo", "project", "tornado"]
