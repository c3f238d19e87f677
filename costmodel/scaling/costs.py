"""Load -> capacity -> monthly cost for EKS, RDS, ElastiCache and MSK, vectorized.

Every function takes a *load factor* (today's load = 1; any numpy shape, one value per
scenario and month) that scales all load drivers of the architecture's ``load`` section
(requests/s, records, hot dataset, Kafka ingress), and returns arrays of that shape. Prices
are looked up once from the catalog. A capacity whose price is not in the catalog (an RDS
class above db.r5.4xlarge, say) costs NaN: unknown, never zero.

Assumptions beyond the ``load`` section, named here and overridable by argument:

* the database's CPU demand scales with requests; today it uses ``rds_cpu_share`` of the
  configured class (the class then changes when the demand no longer fits at 70%);
* allocated RDS storage never shrinks below the configured size and grows in 100 GB steps
  keeping 20% free;
* cache replicas per shard stay as configured; MSK brokers and storage never shrink
  below the configured ones, and broker storage grows by MSK autoscaling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from costmodel import limits
from costmodel.architecture import Architecture
from costmodel.commitments.offerings import on_demand_hourly
from costmodel.constants import HOURS_PER_MONTH
from costmodel.errors import CostModelError
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.scaling import eks as eks_model
from costmodel.scaling import elasticache as cache_model
from costmodel.scaling import msk as msk_model
from costmodel.scaling import rds as rds_model
from costmodel.services import _items
from costmodel.services.rds import free_backup_gb

SERVICES = ("eks", "rds", "elasticache", "msk")


def _price(catalog: PriceCatalog, **key: str) -> float:
    try:
        return float(catalog.unit_price(**key)["price"])
    except CostModelError:
        return float("nan")


@dataclass(frozen=True)
class ScalingPrices:
    """Unit prices the capacity cost functions need [USD per unit]."""

    node_hour: float
    gp3_gb: float
    rds_ladder: list[str]
    rds_primary_hour: np.ndarray  # per class of the ladder, primary deployment
    rds_replica_hour: np.ndarray
    rds_storage_primary_gb: float
    rds_storage_replica_gb: float
    rds_backup_gb: float
    rds_iops_primary: float
    rds_iops_replica: float
    cache_node_hour: float
    broker_hour: float
    broker_storage_gb: float

    @classmethod
    def of(cls, arch: Architecture, catalog: PriceCatalog) -> ScalingPrices:
        region, s = arch.region, arch.sections
        ladder, _, _ = rds_model.instance_ladder()
        rds = s.get("rds", {})
        maz, rmaz = rds.get("multi_az", False), rds.get("replica_multi_az", False)

        def rds_hour(klass: str, multi: bool) -> float:
            try:
                return on_demand_hourly(catalog, "rds", klass, region, "Multi-AZ" if multi else "Single-AZ")
            except CostModelError:
                return float("nan")

        def storage(multi: bool, what: str = "Storage") -> float:
            ut = _items.usage_type(
                region, f"RDS:{'Multi-AZ-' if multi else ''}GP3-{what}", prefixed_in_us_east_1=True
            )
            return _price(catalog, service_code="AmazonRDS", region=region, usage_type=ut)

        ut = lambda base, pre: _items.usage_type(region, base, prefixed_in_us_east_1=pre)  # noqa: E731
        eks, cache, msk = s.get("eks"), s.get("elasticache"), s.get("msk")
        return cls(
            node_hour=on_demand_hourly(catalog, "ec2", eks["instance_type"], region) if eks else float("nan"),
            gp3_gb=_price(
                catalog, service_code="AmazonEC2", region=region, usage_type=ut("EBS:VolumeUsage.gp3", False)
            ),
            rds_ladder=ladder,
            rds_primary_hour=np.array([rds_hour(k, maz) for k in ladder]),
            rds_replica_hour=np.array([rds_hour(k, rmaz) for k in ladder]),
            rds_storage_primary_gb=storage(maz),
            rds_storage_replica_gb=storage(rmaz),
            rds_iops_primary=storage(maz, "PIOPS"),
            rds_iops_replica=storage(rmaz, "PIOPS"),
            rds_backup_gb=_price(
                catalog,
                service_code="AmazonRDS",
                region=region,
                usage_type=ut("RDS:ChargedBackupUsage", False),
            ),
            cache_node_hour=(
                on_demand_hourly(catalog, "elasticache", cache["node_type"], region)
                if cache
                else float("nan")
            ),
            broker_hour=(
                _price(
                    catalog,
                    service_code="AmazonMSK",
                    region=region,
                    usage_type=ut(f"Kafka.{msk['broker_type'].removeprefix('kafka.')}", True),
                )
                if msk
                else float("nan")
            ),
            broker_storage_gb=_price(
                catalog, service_code="AmazonMSK", region=region, usage_type=ut("Kafka.Storage.GP2", True)
            ),
        )


def _node_model(arch: Architecture) -> dict:
    """Keyword arguments of :func:`costmodel.scaling.eks.eks_nodes` for ``arch``."""
    e, load = arch.sections["eks"], arch.sections["load"]
    return {
        "instance_type": e["instance_type"],
        "requests_per_pod": load["requests_per_pod"],
        "pod_cpu": load["pod_cpu"],
        "pod_memory_gib": load["pod_memory_gib"],
        "min_pods": load["min_pods"],
        "target_utilization": load["target_utilization"],
        "min_nodes": e["min_nodes"] or e["node_count"],
        "max_nodes": e["max_nodes"] or e["node_count"],
    }


def hourly_nodes(arch: Architecture, start: str, days: int, factor: float = 1.0) -> pd.Series:
    """Nodes the node group runs each hour over ``days`` of the daily load profile [nodes].

    The history a reservation recommendation looks back on; ``factor`` scales the load.
    """
    load = arch.sections["load"]
    hours = pd.date_range(start, periods=24 * days, freq="h")
    profile = eks_model.daily_profile(
        load["requests_per_s_peak"] * factor, load["requests_per_s_trough"] * factor
    )
    nodes = eks_model.eks_nodes(profile[hours.hour], **_node_model(arch))
    return pd.Series(nodes, index=hours, name=arch.sections["eks"]["instance_type"])


def _eks_capacity(arch: Architecture, f: np.ndarray, prices: ScalingPrices, load: dict) -> dict:
    """EKS nodes (average and peak) and their cost at load factor ``f`` [USD per 730 h]."""
    e, out = arch.sections["eks"], {}
    node_model = _node_model(arch)
    peak, trough = load["requests_per_s_peak"] * f, load["requests_per_s_trough"] * f
    nodes = eks_model.node_hours_per_month(peak, trough, HOURS_PER_MONTH, **node_model) / HOURS_PER_MONTH
    out["eks_nodes"] = nodes
    out["eks_peak_nodes"] = eks_model.eks_nodes(peak, **node_model)
    # a peak that needs more nodes than the group's max_nodes is not served by it: not priced
    beyond = eks_model.saturated(peak, **node_model) * np.ones_like(f, dtype=bool)
    out["eks_beyond_limit"] = beyond
    cost = nodes * HOURS_PER_MONTH * prices.node_hour + nodes * e["root_volume_gb"] * prices.gp3_gb
    out["eks_cost"] = np.where(beyond, np.nan, cost)
    return out


def _rds_capacity(
    arch: Architecture,
    f: np.ndarray,
    prices: ScalingPrices,
    load: dict,
    rds_cpu_share: float = 0.5,
    storage_floor: np.ndarray | None = None,
) -> dict:
    """RDS class, storage, replicas and cost at load factor ``f`` [USD per 730 h].

    ``storage_floor`` [GiB] is storage already allocated (a projection's earlier months):
    AWS cannot decrease allocated storage.
    """
    r, out = arch.sections["rds"], {}
    names, vcpu, _ = rds_model.instance_ladder()
    base = names.index(r["instance_class"])
    need = vcpu[base] * rds_cpu_share * f
    index = np.searchsorted(vcpu, need / load["target_utilization"], side="left")
    index = np.maximum(index, base)
    over = index >= len(names)
    index = np.minimum(index, len(names) - 1)
    data = rds_model.storage_gb(
        load["records_billions"] * 1e9 * f,
        load["bytes_per_record"],
        load["index_overhead"],
        load["bloat"],
    )
    storage = np.maximum(r["storage_gb"], rds_model.allocated_storage_gb(data))
    if storage_floor is not None:
        storage = np.maximum(storage, storage_floor)
    backup = rds_model.backup_storage_gb(storage, r["backup_retention_days"], load["daily_change_pct"])
    # read traffic -> replicas, never fewer than configured
    replicas = np.maximum(
        rds_model.read_replicas(load["read_queries_per_s"] * f, load["queries_per_replica"]),
        r["read_replicas"],
    )
    instance = HOURS_PER_MONTH * (prices.rds_primary_hour[index] + replicas * prices.rds_replica_hour[index])
    iops, _ = rds_model.gp3_provisioned(storage, r["iops"], r["throughput_mibps"])
    extra_iops = iops - np.where(storage >= 400, 12000, 3000)
    cost = (
        instance
        + storage * (prices.rds_storage_primary_gb + replicas * prices.rds_storage_replica_gb)
        + extra_iops * (prices.rds_iops_primary + replicas * prices.rds_iops_replica)
        + np.maximum(backup - free_backup_gb(storage, replicas), 0) * prices.rds_backup_gb
    )
    # beyond the largest class or the AWS replica limit: no price, said so by rds_beyond_limit
    beyond = over | (replicas > (limits.maximum("rds.read_replicas") or np.inf))
    out["rds_class_index"] = np.where(over, np.nan, index)
    out["rds_storage_gb"] = storage
    out["rds_read_replicas"] = replicas * np.ones_like(f)
    out["rds_beyond_limit"] = beyond * np.ones_like(f, dtype=bool)
    out["rds_cost"] = np.where(beyond, np.nan, cost)
    return out


def _cache_capacity(arch: Architecture, f: np.ndarray, prices: ScalingPrices, load: dict) -> dict:
    """ElastiCache nodes and cost at load factor ``f`` [USD per 730 h]."""
    c, out = arch.sections["elasticache"], {}
    shards, replicas = cache_model.topology(
        load["hot_dataset_gb"] * f,
        load["cache_reads_per_s"] * f,
        c["node_type"],
        load["cache_reads_per_node"],
        min_shards=c["shards"],
        min_replicas=c["node_count"] // c["shards"] - 1,  # never fewer than configured
    )
    nodes = shards * (1 + replicas)
    # more nodes than one cluster may have (or shards beyond AWS's 500): not priced
    beyond = (nodes > (limits.maximum("elasticache.node_count") or np.inf)) | (
        shards > (limits.maximum("elasticache.shards") or np.inf)
    )
    out["cache_shards"] = shards
    out["cache_replicas_per_shard"] = replicas
    out["cache_nodes"] = nodes
    out["elasticache_beyond_limit"] = beyond * np.ones_like(f, dtype=bool)
    out["elasticache_cost"] = np.where(beyond, np.nan, nodes * HOURS_PER_MONTH * prices.cache_node_hour)
    return out


def _msk_capacity(
    arch: Architecture,
    f: np.ndarray,
    prices: ScalingPrices,
    load: dict,
    storage_floor: np.ndarray | None = None,
) -> dict:
    """MSK brokers, storage per broker and cost at load factor ``f`` [USD per 730 h].

    ``storage_floor`` [GiB per broker] is storage already provisioned: MSK storage never
    shrinks, and brokers added later get the cluster's volume size.
    """
    m, out = arch.sections["msk"], {}
    brokers = np.maximum(
        msk_model.brokers(load["kafka_peak_ingress_mibps"] * f, m["broker_type"], load["kafka_fan_out"]),
        m["broker_count"],
    )
    used = msk_model.storage_per_broker_gb(
        load["kafka_ingress_mibps"] * f,
        load["kafka_retention_hours"],
        load["kafka_replication_factor"],
        brokers,
        headroom=1.0,
    )
    provisioned = m["storage_gb"] if storage_floor is None else np.maximum(m["storage_gb"], storage_floor)
    storage = msk_model.autoscaled_storage_gb(provisioned, used)
    # data that would need more than the per-broker storage limit cannot be priced as is
    cap = limits.maximum("msk.storage_gb") or np.inf
    beyond = (np.asarray(used, dtype=float) > cap) | (
        brokers > (limits.maximum("msk.broker_count", with_quota=True) or np.inf)
    )
    out["msk_brokers"] = brokers
    out["msk_storage_gb"] = storage
    out["msk_beyond_limit"] = beyond * np.ones_like(f, dtype=bool)
    cost = brokers * (HOURS_PER_MONTH * prices.broker_hour + storage * prices.broker_storage_gb)
    out["msk_cost"] = np.where(beyond, np.nan, cost)
    return out


def capacity_and_cost(
    arch: Architecture,
    factor: ArrayLike,
    catalog: PriceCatalog | None = None,
    prices: ScalingPrices | None = None,
    rds_cpu_share: float = 0.5,
    storage_floor: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Capacity and monthly cost [USD per 730 h] per service for load ``factor`` (any shape).

    Returns
    -------
    dict
        ``eks_nodes`` (average nodes), ``eks_peak_nodes``, ``eks_cost``, ``rds_class_index``,
        ``rds_storage_gb``, ``rds_read_replicas``,
        ``rds_cost``, ``cache_nodes``, ``elasticache_cost``, ``msk_brokers``,
        ``msk_storage_gb`` (per broker), ``msk_cost``; costs are NaN where a price is unknown
        or the capacity is beyond a limit (``*_beyond_limit``).

    ``storage_floor`` maps ``rds`` / ``msk`` to storage already allocated [GiB], which AWS
    never shrinks (see :func:`capacity_over_time`).
    """
    catalog = catalog if catalog is not None else load_snapshot()
    prices = prices if prices is not None else ScalingPrices.of(arch, catalog)
    f = np.asarray(factor, dtype=float)
    load, s = arch.sections.get("load") or {}, arch.sections
    out: dict[str, np.ndarray] = {}
    if not load:
        raise CostModelError(
            f"{arch.origin} has no 'load' section: the capacity models need load assumptions"
        )
    floors = storage_floor or {}
    models: dict[str, Callable[..., dict]] = {
        "eks": _eks_capacity,
        "rds": partial(_rds_capacity, rds_cpu_share=rds_cpu_share, storage_floor=floors.get("rds")),
        "elasticache": _cache_capacity,
        "msk": partial(_msk_capacity, storage_floor=floors.get("msk")),
    }
    for section, model in models.items():
        if section in s:
            out |= model(arch, f, prices, load)
    return out


# What each service's capacity stops at, as a reader names it (data/limits.csv has the sources).
LIMIT_NAMES = {
    "eks": "the node group's max_nodes",
    "rds": "the largest db.r5 class or 15 read replicas",
    "elasticache": "500 nodes per cluster",
    "msk": "16,384 GiB per broker or the brokers-per-cluster quota",
}


def capacity_over_time(
    arch: Architecture,
    factor: ArrayLike,
    catalog: PriceCatalog | None = None,
    prices: ScalingPrices | None = None,
) -> dict[str, np.ndarray]:
    """:func:`capacity_and_cost` along a path of months (the last axis of ``factor``).

    Storage AWS cannot shrink keeps the largest size any earlier month needed: RDS allocated
    storage, and MSK storage per broker (brokers added later get the cluster's volume size,
    so doubling the brokers does not halve it).
    """
    first = capacity_and_cost(arch, factor, catalog, prices)
    floors = {
        service: np.maximum.accumulate(first[f"{service}_storage_gb"], axis=-1)
        for service in ("rds", "msk")
        if f"{service}_storage_gb" in first
    }
    return capacity_and_cost(arch, factor, catalog, prices, storage_floor=floors)


def total_cost(costs: dict[str, np.ndarray]) -> np.ndarray:
    """Sum of the scaled services' costs [USD per month] (NaN if any is unknown)."""
    parts = [costs[f"{k}_cost"] for k in ("eks", "rds", "elasticache", "msk") if f"{k}_cost" in costs]
    return np.sum(np.stack(np.broadcast_arrays(*parts)), axis=0)
