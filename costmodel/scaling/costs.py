"""Load -> capacity -> resource specs -> monthly cost for EKS, RDS, ElastiCache and MSK, vectorized.

Every function takes a *load factor* (today's load = 1; any numpy shape, one value per
scenario and month) that scales all load drivers of the architecture's ``load`` section
(requests/s, records, hot dataset, Kafka ingress). The capacity models turn it into the
*resource spec* each scenario-month runs (node count, RDS class, replicas and storage, cache
shards and nodes, brokers and broker storage): the architecture's own section with those
keys changed. No cost rule lives here: each distinct spec is priced once by its service
model (:data:`costmodel.estimation.SERVICE_MODELS`) and :meth:`PriceCatalog.price`, exactly as
``estimate`` prices the architecture, and the costs are spread back over the scenario axis.
A spec whose price is not in the catalog (an RDS class above db.r5.4xlarge, say) costs NaN:
unknown, never zero.

Assumptions beyond the ``load`` section, named here and overridable by argument:

* every capacity is the configured one until the load needs more (today's architecture
  serves today's load): the node group runs at least ``node_count`` nodes, the database
  keeps its class, replicas and storage, the cache its shards and replicas, MSK its brokers;
* the database's CPU demand scales with requests; today it uses ``rds_cpu_share`` of the
  configured class (the class then changes, within its family, when the demand no longer
  fits at the target utilization);
* allocated RDS storage never shrinks below the configured size and grows in 100 GB steps
  keeping 20% free; backup storage is the configured one plus, for the storage added, one
  full copy and the daily changes over the retention;
* MSK brokers and storage never shrink below the configured ones, and broker storage grows
  by MSK autoscaling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from costmodel import categories, limits
from costmodel.architecture import Architecture
from costmodel.constants import HOURS_PER_MONTH
from costmodel.errors import CostModelError
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.scaling import eks as eks_model
from costmodel.scaling import elasticache as cache_model
from costmodel.scaling import msk as msk_model
from costmodel.scaling import rds as rds_model

SERVICES = categories.SCALING_MODELS


def _node_model(arch: Architecture) -> dict:
    """Keyword arguments of :func:`costmodel.scaling.eks.eks_nodes` for ``arch``.

    The group runs at least today's ``node_count`` (validated within min and max nodes):
    the configured nodes serve today's load, more are added when an hour's load needs them.
    """
    e, load = arch.sections["eks"], arch.sections["load"]
    return {
        "instance_type": e["instance_type"],
        "requests_per_pod": load["requests_per_pod"],
        "pod_cpu": load["pod_cpu"],
        "pod_memory_gib": load["pod_memory_gib"],
        "min_pods": load["min_pods"],
        "target_utilization": load["target_utilization"],
        "min_nodes": e["node_count"],
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


@dataclass
class Capacity:
    """What one service runs at each load factor: figures to show, the spec keys to price.

    ``spec`` maps keys of the architecture section to arrays (one value per scenario-month;
    a class is given by its index in ``ladders[key]``); ``beyond`` is True where the capacity
    passes an AWS limit (never priced).
    """

    shown: dict[str, np.ndarray]
    spec: dict[str, np.ndarray]
    beyond: np.ndarray
    ladders: dict[str, list[str]] = field(default_factory=dict)


def _eks_capacity(arch: Architecture, f: np.ndarray, load: dict) -> Capacity:
    """EKS nodes (average over the daily profile, and peak) at load factor ``f`` [nodes]."""
    node_model = _node_model(arch)
    peak, trough = load["requests_per_s_peak"] * f, load["requests_per_s_trough"] * f
    nodes = eks_model.node_hours_per_month(peak, trough, HOURS_PER_MONTH, **node_model) / HOURS_PER_MONTH
    # a peak that needs more nodes than the group's max_nodes is not served by it: not priced
    beyond = eks_model.saturated(peak, **node_model) * np.ones_like(f, dtype=bool)
    shown = {"eks_nodes": nodes, "eks_peak_nodes": eks_model.eks_nodes(peak, **node_model)}
    return Capacity(shown, {"node_count": nodes}, beyond)


def rds_family(arch: Architecture) -> str:
    """The instance family the database grows within (that of its class, e.g. ``db.r5``)."""
    return arch.sections["rds"]["instance_class"].rsplit(".", 1)[0]


def _rds_capacity(
    arch: Architecture,
    f: np.ndarray,
    load: dict,
    rds_cpu_share: float = 0.5,
    storage_floor: np.ndarray | None = None,
) -> Capacity:
    """RDS class, storage, replicas and backup storage at load factor ``f``.

    ``storage_floor`` [GiB] is storage already allocated (a projection's earlier months):
    AWS cannot decrease allocated storage.
    """
    r = arch.sections["rds"]
    names, vcpu, _ = rds_model.instance_ladder(rds_family(arch))
    base = names.index(r["instance_class"])
    need = vcpu[base] * rds_cpu_share * f
    index = np.maximum(np.searchsorted(vcpu, need / load["target_utilization"], side="left"), base)
    over = index >= len(names)
    data = rds_model.storage_gb(
        load["records_billions"] * 1e9 * f,
        load["bytes_per_record"],
        load["index_overhead"],
        load["bloat"],
    )
    storage = np.maximum(r["storage_gb"], rds_model.allocated_storage_gb(data))
    if storage_floor is not None:
        storage = np.maximum(storage, storage_floor)
    # today's backup storage (a usage assumption) plus the full copy and daily changes of the
    # storage added since: storage never shrinks below the configured size, so neither does this
    backup = r["backup_storage_gb"] + (
        rds_model.backup_storage_gb(storage, r["backup_retention_days"], load["daily_change_pct"])
        - rds_model.backup_storage_gb(r["storage_gb"], r["backup_retention_days"], load["daily_change_pct"])
    )
    # read traffic -> replicas, never fewer than configured
    replicas = np.maximum(
        rds_model.read_replicas(load["read_queries_per_s"] * f, load["queries_per_replica"]),
        r["read_replicas"],
    )
    # beyond the largest class or the AWS replica limit: no price, said so by rds_beyond_limit
    beyond = over | (replicas > (limits.maximum("rds.read_replicas") or np.inf))
    shown = {
        "rds_class_index": np.where(over, np.nan, index),
        "rds_storage_gb": storage,
        "rds_read_replicas": replicas * np.ones_like(f),
    }
    spec = {
        "instance_class": np.minimum(index, len(names) - 1),
        "read_replicas": replicas,
        "storage_gb": storage,
        "backup_storage_gb": backup,
    }
    return Capacity(shown, spec, beyond * np.ones_like(f, dtype=bool), {"instance_class": names})


def _cache_capacity(arch: Architecture, f: np.ndarray, load: dict) -> Capacity:
    """ElastiCache shards and nodes at load factor ``f``."""
    c = arch.sections["elasticache"]
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
    shown = {"cache_shards": shards, "cache_replicas_per_shard": replicas, "cache_nodes": nodes}
    return Capacity(shown, {"shards": shards, "node_count": nodes}, beyond * np.ones_like(f, dtype=bool))


def _msk_capacity(
    arch: Architecture, f: np.ndarray, load: dict, storage_floor: np.ndarray | None = None
) -> Capacity:
    """MSK brokers and storage per broker at load factor ``f``.

    ``storage_floor`` [GiB per broker] is storage already provisioned: MSK storage never
    shrinks, and brokers added later get the cluster's volume size.
    """
    m = arch.sections["msk"]
    brokers = np.maximum(
        msk_model.brokers(
            load["kafka_peak_ingress_mibps"] * f,
            m["broker_type"],
            load["kafka_fan_out"],
            minimum=m["availability_zones"],
            zones=m["availability_zones"],
        ),
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
    shown = {"msk_brokers": brokers, "msk_storage_gb": storage}
    spec = {"broker_count": brokers, "storage_gb": storage}
    return Capacity(shown, spec, beyond * np.ones_like(f, dtype=bool))


class SpecPricer:
    """Prices the specs of the scaled services through their service models, once per spec.

    A scenario axis holds few distinct specs (capacity moves in steps), so each distinct spec
    is priced once by ``SERVICE_MODELS[section]`` and :meth:`PriceCatalog.price` (the lines of
    the categories the section's load scales, :attr:`Category.scaled_by`), remembered, and
    its cost spread back over the scenarios [USD per 730 h].
    """

    def __init__(self, arch: Architecture, catalog: PriceCatalog) -> None:
        self.arch, self.catalog = arch, catalog
        self._known: dict[tuple[str, tuple[float, ...]], float] = {}

    def spec(
        self, section: str, keys: tuple[str, ...], values: tuple[float, ...], capacity: Capacity
    ) -> dict:
        """The architecture's ``section`` with ``keys`` set to ``values`` (a class by index)."""
        changed: dict[str, str | int | float] = {}
        for key, value in zip(keys, values, strict=True):
            if key in capacity.ladders:
                changed[key] = capacity.ladders[key][int(value)]
            elif isinstance(self.arch.sections[section][key], int) and float(value).is_integer():
                changed[key] = int(value)
            else:
                changed[key] = float(value)
        return self.arch.sections[section] | changed

    def _price_new(self, section: str, keys: tuple[str, ...], new: list[tuple], capacity: Capacity) -> None:
        # one import per call keeps scaling importable from estimate's dependencies
        from costmodel.estimation import SERVICE_MODELS, resolve_dated

        model, region = SERVICE_MODELS[section], self.arch.region
        rows = []
        for n, values in enumerate(new):
            spec = resolve_dated(section, self.spec(section, keys, values, capacity), None)
            rows += [item | {"_spec": n} for item in model(spec, region, HOURS_PER_MONTH)]
        frame = pd.DataFrame(rows)
        scaled = frame.loc[categories.scaled_by(frame["category"]).eq(section).to_numpy()]
        cost = pd.Series(0.0, index=range(len(new)))  # a spec without a scaled line costs nothing
        if len(scaled):
            priced = self.catalog.price(scaled, missing="report")
            # one unknown price makes the spec's cost unknown (NaN), never a partial sum
            cost = cost.add(priced.groupby("_spec")["monthly_cost"].sum(), fill_value=0)
            cost[priced.loc[priced["monthly_cost"].isna(), "_spec"].unique()] = np.nan
        for n, values in enumerate(new):
            self._known[(section, values)] = float(cost[n])

    def cost(self, section: str, capacity: Capacity, shape: tuple[int, ...]) -> np.ndarray:
        """Monthly cost of ``section`` at each of its specs [USD per 730 h], NaN beyond a limit."""
        keys = tuple(capacity.spec)
        beyond = np.broadcast_to(capacity.beyond, shape).ravel()
        configured = self.arch.sections[section]
        columns = []
        for key in keys:
            column = np.broadcast_to(np.asarray(capacity.spec[key], dtype=float), shape).ravel()
            if key in capacity.ladders:
                fallback = capacity.ladders[key].index(configured[key])
            else:
                fallback = configured[key]
            # a spec beyond a limit is never priced: price the configured one, then blank it
            columns.append(np.where(beyond, fallback, column))
        codes, distinct = _distinct_rows(columns)
        new = [values for values in distinct if (section, values) not in self._known]
        if new:
            self._price_new(section, keys, new, capacity)
        per_spec = np.array([self._known[(section, values)] for values in distinct])
        return np.where(beyond, np.nan, per_spec[codes]).reshape(shape)


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[float, ...]]]:
    """(row -> distinct row number, the distinct rows) of equal-length columns, by hashing."""
    codes = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        column_codes, values = pd.factorize(column)
        codes = codes * len(values) + column_codes  # mixed radix: one integer per combination
        codes, _ = pd.factorize(codes)  # renumbered 0..k-1 so the product never overflows
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    distinct = [tuple(float(column[i]) for column in columns) for i in first]
    return codes, distinct


def capacity(
    arch: Architecture,
    factor: ArrayLike,
    rds_cpu_share: float = 0.5,
    storage_floor: dict[str, np.ndarray] | None = None,
    sections: tuple[str, ...] = SERVICES,
) -> dict[str, Capacity]:
    """The capacity of each scaled service section of ``arch`` (of ``sections``) at load ``factor``."""
    f = np.asarray(factor, dtype=float)
    load, s = arch.sections.get("load") or {}, arch.sections
    if not load:
        raise CostModelError(
            f"{arch.origin} has no 'load' section: the capacity models need load assumptions"
        )
    floors = storage_floor or {}
    models: dict[str, Callable[..., Capacity]] = {
        "eks": _eks_capacity,
        "rds": partial(_rds_capacity, rds_cpu_share=rds_cpu_share, storage_floor=floors.get("rds")),
        "elasticache": _cache_capacity,
        "msk": partial(_msk_capacity, storage_floor=floors.get("msk")),
    }
    return {name: model(arch, f, load) for name, model in models.items() if name in s and name in sections}


def _priced(
    capacities: dict[str, Capacity], pricer: SpecPricer, shape: tuple[int, ...]
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for section, cap in capacities.items():
        out |= cap.shown
        out[f"{section}_beyond_limit"] = np.broadcast_to(cap.beyond, shape)
        out[f"{section}_cost"] = pricer.cost(section, cap, shape)
    return out


def capacity_and_cost(
    arch: Architecture,
    factor: ArrayLike,
    catalog: PriceCatalog | None = None,
    pricer: SpecPricer | None = None,
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
    never shrinks (see :func:`capacity_over_time`). ``pricer`` keeps the prices of specs
    already seen (pass one :class:`SpecPricer` to many calls on the same architecture).
    """
    if pricer is None:
        pricer = SpecPricer(arch, catalog if catalog is not None else load_snapshot())
    shape = np.shape(np.asarray(factor, dtype=float))
    return _priced(capacity(arch, factor, rds_cpu_share, storage_floor), pricer, shape)


# What each service's capacity stops at, as a reader names it (data/limits.csv has the sources).
LIMIT_NAMES = {
    "eks": "the node group's max_nodes",
    "rds": "the largest class of its family or 15 read replicas",
    "elasticache": "500 nodes per cluster",
    "msk": "16,384 GiB per broker or the brokers-per-cluster quota",
}


def capacity_over_time(
    arch: Architecture,
    factor: ArrayLike,
    catalog: PriceCatalog | None = None,
    pricer: SpecPricer | None = None,
) -> dict[str, np.ndarray]:
    """:func:`capacity_and_cost` along a path of months (the last axis of ``factor``).

    Storage AWS cannot shrink keeps the largest size any earlier month needed: RDS allocated
    storage, and MSK storage per broker (brokers added later get the cluster's volume size,
    so doubling the brokers does not halve it).
    """
    if pricer is None:
        pricer = SpecPricer(arch, catalog if catalog is not None else load_snapshot())
    capacities = capacity(arch, factor)
    floors = {
        section: np.maximum.accumulate(cap.spec["storage_gb"], axis=-1)
        for section, cap in capacities.items()
        if section in ("rds", "msk")
    }
    # only the storage models depend on the path; the others are kept from the first pass
    capacities |= capacity(arch, factor, storage_floor=floors, sections=tuple(floors))
    return _priced(capacities, pricer, np.shape(np.asarray(factor, dtype=float)))


def total_cost(costs: dict[str, np.ndarray]) -> np.ndarray:
    """Sum of the scaled services' costs [USD per month] (NaN if any is unknown)."""
    parts = [costs[f"{k}_cost"] for k in SERVICES if f"{k}_cost" in costs]
    return np.sum(np.stack(np.broadcast_arrays(*parts)), axis=0)
