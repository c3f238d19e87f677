"""Headroom: the load growth at which each service takes its next capacity step or meets an
AWS limit, and the month the fitted trend reaches it.

The steps come from the scaling models (:func:`costmodel.scaling.eks_nodes`,
:func:`costmodel.scaling.rds.instance_class_index`, :func:`costmodel.scaling.elasticache.shards`,
:func:`costmodel.scaling.brokers`) evaluated on a grid of load factors at the calibrated
peak; the month follows the fitted load curve (trough fixed, daytime amplitude growing at
``load_growth_pct_per_month``), or for data growth (RDS storage, the Redis dataset) the
fitted GB per day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel.architecture import Architecture
from costmodel.calibration.backtesting import node_model
from costmodel.calibration.fit import Fit
from costmodel.constants import DAYS_PER_AVERAGE_MONTH
from costmodel.display import Result

FACTORS = np.round(np.arange(1.0, 20.0005, 0.001), 3)  # load x1 .. x20
HORIZON_MONTHS = 120
RDS_FREE_STORAGE_THRESHOLD = 0.10  # storage autoscaling acts below 10% free (RDS User Guide)


@dataclass(frozen=True, repr=False)
class Headroom(Result):
    """One service's next step: the load factor (or data size) and the month it is reached."""

    service: str
    step: str
    driver: str  # "load" (requests) or "data" (stored GB growing by the day)
    load_growth_pct: float | None  # [%] of today's peak load; None: data, or not within x20
    month: str | None  # YYYY-MM, None when not reached within 10 years at the trend
    basis: str


def _first(factors: np.ndarray, reached: np.ndarray) -> float | None:
    hit = np.flatnonzero(reached)
    return float(factors[hit[0]]) if hit.size else None


def _load_month(as_of: str, factor: float | None, fits: dict[str, Fit]) -> str | None:
    """The month the fitted load curve's peak is ``factor`` x today's."""
    if factor is None or "load_growth_pct_per_month" not in fits:
        return None
    growth = 1 + fits["load_growth_pct_per_month"].value / 100
    trough, peak = fits["requests_per_s_trough"].value, fits["requests_per_s_peak"].value
    if growth <= 1 or peak <= trough:
        return None
    needed = (factor * peak - trough) / (peak - trough)  # amplitude multiple
    months = math.ceil(math.log(needed) / math.log(growth)) if needed > 1 else 0
    return _month(as_of, months)


def _month(as_of: str, months: int) -> str | None:
    if months > HORIZON_MONTHS:
        return None
    return (pd.Period(as_of, "M") + months).strftime("%Y-%m")


def _eks(arch: Architecture, peak: float) -> list[tuple[str, float | None, str]]:
    from costmodel.scaling import eks_nodes

    model = node_model(arch)
    unbounded = model | {"max_nodes": np.iinfo(np.int32).max}
    nodes = eks_nodes(peak * FACTORS, **unbounded)
    now = int(nodes[0])
    limit = model["max_nodes"]
    return [
        (f"node {now + 1} at the peak (today {now})", _first(FACTORS, nodes > now), "scaling.eks_nodes"),
        (
            f"the node group's max_nodes ({limit})",
            _first(FACTORS, nodes > limit),
            "scaling.eks_nodes, eks.max_nodes",
        ),
    ]


def _rds(arch: Architecture, peak: float, fits: dict[str, Fit]) -> list[tuple[str, float | None, str]]:
    from costmodel.scaling.rds import instance_ladder

    if "rds_cpu_pct_per_krps" not in fits:
        return []
    rds, load = arch.sections["rds"], arch.sections["load"]
    names, vcpu, _ = instance_ladder()
    current = names.index(rds["instance_class"])
    share = (
        fits["rds_cpu_base_pct"].value + fits["rds_cpu_pct_per_krps"].value * peak * FACTORS / 1000
    ) / 100
    needed = vcpu[current] * share / load["target_utilization"]  # [vCPU] at the target utilization
    index = np.searchsorted(vcpu, needed, side="left")
    target = load["target_utilization"]
    basis = f"primary CPU {share[0] * 100:.0f}% at the peak, {target:.0%} target; scaling.rds ladder"
    steps = [(f"the next class above {rds['instance_class']}", _first(FACTORS, index > current), basis)]
    steps.append((f"beyond the largest class ({names[-1]})", _first(FACTORS, index >= len(names)), basis))
    return steps


def _msk(arch: Architecture, fits: dict[str, Fit]) -> list[tuple[str, float | None, str]]:
    from costmodel.scaling import brokers

    if "kafka_peak_ingress_mibps" not in fits:
        return []
    msk, load = arch.sections["msk"], arch.sections["load"]
    need = brokers(
        fits["kafka_peak_ingress_mibps"].value * FACTORS,
        msk["broker_type"],
        load["kafka_fan_out"],
        minimum=msk["availability_zones"],
        zones=msk["availability_zones"],
    )
    return [
        (
            f"more than {msk['broker_count']} brokers",
            _first(FACTORS, need > msk["broker_count"]),
            f"scaling.brokers at {fits['kafka_peak_ingress_mibps'].value:.2f} MiB/s peak ingress",
        )
    ]


def _days_step(
    service: str, step: str, now: float, limit: float, per_day: float, as_of: str, basis: str
) -> Headroom:
    """A data-growth step: ``now`` grows ``per_day`` until ``limit`` (same unit)."""
    if now >= limit:
        return Headroom(service, step, "data", None, as_of, basis + " (already reached)")
    months = None if per_day <= 0 else math.ceil((limit - now) / per_day / DAYS_PER_AVERAGE_MONTH)
    return Headroom(service, step, "data", None, None if months is None else _month(as_of, months), basis)


def headroom(arch: Architecture, fits: list[Fit], as_of: str) -> list[Headroom]:
    """Each service's next steps from the calibrated ``arch`` and the fits; months counted
    from ``as_of`` (YYYY-MM, the window's last month)."""
    by = {f.parameter: f for f in fits}
    peak = by["requests_per_s_peak"].value
    rows = []
    growth = (
        f"load growth {by['load_growth_pct_per_month'].value:.1f}%/month"
        if "load_growth_pct_per_month" in by
        else "no month: the window is too short to fit the load's growth"
    )
    load_steps = []
    if "eks" in arch.sections:
        load_steps += [("eks", *s) for s in _eks(arch, peak)]
    if "rds" in arch.sections:
        load_steps += [("rds", *s) for s in _rds(arch, peak, by)]
    if "msk" in arch.sections:
        load_steps += [("msk", *s) for s in _msk(arch, by)]
    for service, step, factor, basis in load_steps:
        rows.append(
            Headroom(
                service,
                step,
                "load",
                None if factor is None else round((factor - 1) * 100, 1),
                _load_month(as_of, factor, by),
                f"{basis}; {growth}",
            )
        )
    if "rds" in arch.sections and "rds_free_storage_gb" in by:
        allocated = arch.sections["rds"]["storage_gb"]
        used = allocated - by["rds_free_storage_gb"].value
        rows.append(
            _days_step(
                "rds",
                f"storage autoscaling ({RDS_FREE_STORAGE_THRESHOLD:.0%} of {allocated:g} GB free)",
                used,
                allocated * (1 - RDS_FREE_STORAGE_THRESHOLD),
                by["rds_storage_growth_gb_per_day"].value,
                as_of,
                f"{used:.0f} GB used, growing {by['rds_storage_growth_gb_per_day'].value:.2f} GB/day",
            )
        )
    cache = arch.sections.get("elasticache")
    if cache and "hot_dataset_gb" in by:
        from costmodel.scaling.elasticache import shards, usable_memory_gb

        shards_now = int(shards(by["hot_dataset_gb"].value, cache["node_type"]))
        fits_in = shards_now * usable_memory_gb(cache["node_type"]) / 1.2  # [GB] the shards hold
        rows.append(
            _days_step(
                "elasticache",
                f"shard {shards_now + 1} (the dataset past {fits_in:.1f} GB)",
                by["hot_dataset_gb"].value,
                fits_in,
                by["hot_dataset_growth_gb_per_day"].value,
                as_of,
                f"hot dataset {by['hot_dataset_gb'].value:.1f} GB growing "
                f"{by['hot_dataset_growth_gb_per_day'].value:.3f} GB/day; scaling.elasticache.shards",
            )
        )
    return rows


__all__ = ["Headroom", "headroom"]
