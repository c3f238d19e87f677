"""The loop closed: the calibrated model run hour by hour over a past month's observed load,
against the hours the line items bill.

* EKS node-hours: :func:`costmodel.scaling.eks_nodes` on each hour's observed requests/s
  with the calibrated load section, against the node group's billed instances per hour
  (:func:`costmodel.lineitems.hourly_instances`).
* RDS read replica hours and MSK broker hours: the capacity models at the month's observed
  peak (:func:`costmodel.scaling.rds.read_replicas`, :func:`costmodel.scaling.brokers`),
  never below the configured count, against the billed instance hours of their usage types.

A fit is judged beside baselines that need no calibration: the architecture's own
(uncalibrated) load curve, the previous month's mean node count held flat, and the
calibrated load section's daily profile without the hourly observations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from costmodel.architecture import Architecture
from costmodel.calibration.observed import MIB, month_load, observations
from costmodel.display import Result
from costmodel.errors import InputError
from costmodel.lineitems.engine import Athena
from costmodel.lineitems.source import Source


@dataclass(frozen=True, repr=False)
class ServiceHours(Result):
    """Predicted and billed hours of one service in the month [h]."""

    service: str
    predicted_hours: float
    billed_hours: float
    hourly_mae: float | None = None  # mean absolute error per hour [nodes]
    basis: str = ""

    @property
    def error_pct(self) -> float | None:
        """(predicted - billed) / billed [%] (None when nothing was billed)."""
        return (
            100 * (self.predicted_hours - self.billed_hours) / self.billed_hours
            if self.billed_hours
            else None
        )


@dataclass(frozen=True, repr=False)
class Backtest(Result):
    """The month's services, the EKS baselines and the hourly curve (hour, observed
    requests/s, billed_nodes, predicted_nodes, baseline columns)."""

    month: str
    services: list[ServiceHours]
    baselines: list[ServiceHours]
    hours: pd.DataFrame = field(repr=False)


def calibrated(arch: Architecture, load: dict[str, float]) -> Architecture:
    """``arch`` with the load file's values in its load section (re-validated)."""
    if "load" not in arch.sections:
        raise InputError(f"{arch.origin} has no load section to calibrate")
    return arch.with_changes({f"load.{key}": value for key, value in load.items()})


def node_model(arch: Architecture) -> dict[str, Any]:
    """Keyword arguments of :func:`costmodel.scaling.eks_nodes` for ``arch``'s node group."""
    eks, load = arch.sections["eks"], arch.sections["load"]
    return {
        "instance_type": eks["instance_type"],
        "requests_per_pod": load["requests_per_pod"],
        "pod_cpu": load["pod_cpu"],
        "pod_memory_gib": load["pod_memory_gib"],
        "min_pods": load["min_pods"],
        "target_utilization": load["target_utilization"],
        "min_nodes": eks["min_nodes"] or eks["node_count"],
        "max_nodes": eks["max_nodes"] or eks["node_count"],
    }


def _hours(predicted: np.ndarray, billed: np.ndarray, service: str, basis: str) -> ServiceHours:
    return ServiceHours(
        service, float(predicted.sum()), float(billed.sum()), float(np.abs(predicted - billed).mean()), basis
    )


def _eks(
    arch: Architecture,
    documented: Architecture,
    load: pd.Series,
    source: Source,
    month: str,
    athena: Athena | None,
) -> tuple[ServiceHours, list[ServiceHours], pd.DataFrame]:
    from costmodel.lineitems import hourly_instances
    from costmodel.scaling import eks_nodes, hourly_nodes

    instance_type = arch.sections["eks"]["instance_type"]
    billed = hourly_instances(source, month, instance_type, athena).set_index("hour")["instances"]
    if float(billed.sum()) == 0:
        raise InputError(
            f"{source.origin} bills no {instance_type} hours in {month}: nothing to backtest against"
        )
    predicted = eks_nodes(load.to_numpy(), **node_model(arch))
    start, days = str(load.index[0].date()), pd.Period(month, "M").days_in_month
    uncalibrated = hourly_nodes(documented, start, days).to_numpy()
    profile = hourly_nodes(arch, start, days).to_numpy()
    hours = pd.DataFrame(
        {
            "requests_per_s": load.to_numpy(),
            "billed_nodes": billed.to_numpy(),
            "predicted_nodes": predicted,
            "uncalibrated_nodes": uncalibrated,
            "calibrated_profile_nodes": profile,
        },
        index=load.index.rename("hour"),
    )
    b = hours["billed_nodes"].to_numpy()
    baselines = [
        _hours(uncalibrated, b, "eks", "the architecture's load section, uncalibrated (daily profile)"),
        _hours(profile, b, "eks", "the calibrated load section's daily profile (no hourly observations)"),
    ]
    previous = (pd.Period(month, "M") - 1).strftime("%Y-%m")
    try:
        before = hourly_instances(source, previous, instance_type, athena)["instances"]
    except InputError:
        before = None  # the export does not reach back a month: no such baseline
    if before is not None and float(before.sum()) > 0:
        flat = np.full(len(b), float(before.mean()))
        hours["previous_mean_nodes"] = flat
        baselines.append(_hours(flat, b, "eks", f"{previous}'s mean node count held flat"))
    service = _hours(predicted, b, "eks", "scaling.eks_nodes on each hour's observed requests/s, calibrated")
    return service, baselines, hours.reset_index()


def _billed_usage(source: Source, month: str, usage_type: str, athena: Athena | None) -> float:
    from costmodel.lineitems import resources

    frame = resources(source, month, athena)
    return float(frame.loc[frame["usage_type"] == usage_type, "usage_quantity"].sum())


def _rds_replicas(
    arch: Architecture, source: Source, month: str, hours: int, athena: Athena | None
) -> ServiceHours:
    from costmodel.scaling.rds import read_replicas
    from costmodel.usage_types import rds_instance_hours

    rds, load = arch.sections["rds"], arch.sections["load"]
    replica_class = rds["replica_instance_class"] or rds["instance_class"]
    replicas = float(
        read_replicas(load["read_queries_per_s"], load["queries_per_replica"], rds["read_replicas"])
    )
    usage_type = rds_instance_hours(arch.region, replica_class, rds["replica_multi_az"])
    billed = _billed_usage(source, month, usage_type, athena)
    basis = f"scaling.rds.read_replicas (the load section's read queries; no read-query metric), {usage_type}"
    return ServiceHours("rds_read_replicas", replicas * hours, billed, None, basis)


def _msk_brokers(
    arch: Architecture,
    payload: dict,
    source: Source,
    month: str,
    hours: pd.DatetimeIndex,
    athena: Athena | None,
) -> ServiceHours:
    from costmodel.scaling import brokers
    from costmodel.usage_types import usage_type

    msk, load = arch.sections["msk"], arch.sections["load"]
    frame, _ = observations(payload)
    ingress = frame.get("kafka_bytes_in_per_s")
    peak = (
        float(ingress.reindex(hours).max()) / MIB
        if ingress is not None and ingress.reindex(hours).notna().any()
        else load["kafka_peak_ingress_mibps"]
    )
    zones = msk["availability_zones"]
    count = max(
        float(brokers(peak, msk["broker_type"], load["kafka_fan_out"], minimum=zones, zones=zones)),
        msk["broker_count"],
    )
    broker_usage = usage_type(
        arch.region, f"Kafka.{msk['broker_type'].removeprefix('kafka.')}", prefixed_in_us_east_1=True
    )
    billed = _billed_usage(source, month, broker_usage, athena)
    basis = f"scaling.brokers at the month's observed peak ingress {peak:.2f} MiB/s, {broker_usage}"
    return ServiceHours("msk_brokers", count * len(hours), billed, None, basis)


def backtest(
    documented: Architecture,
    load: dict[str, float],
    payload: dict,
    source: Source,
    month: str,
    athena: Athena | None = None,
) -> Backtest:
    """Predicted against billed hours in ``month`` for the calibrated ``documented`` architecture."""
    arch = calibrated(documented, load)
    observed = month_load(payload, month)
    services: list[ServiceHours] = []
    baselines: list[ServiceHours] = []
    hours = pd.DataFrame()
    if "eks" in arch.sections:
        eks, baselines, hours = _eks(arch, documented, observed, source, month, athena)
        services.append(eks)
    if "rds" in arch.sections:
        services.append(_rds_replicas(arch, source, month, len(observed), athena))
    if "msk" in arch.sections:
        services.append(_msk_brokers(arch, payload, source, month, pd.DatetimeIndex(observed.index), athena))
    return Backtest(month, services, baselines, hours)


__all__ = ["Backtest", "ServiceHours", "backtest", "calibrated", "node_model"]
