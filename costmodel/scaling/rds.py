"""RDS PostgreSQL capacity: records -> storage, gp3 provisioning, instance size, replicas, backups."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from costmodel.architecture import instance_types
from costmodel.services.rds import GP3_BASELINE_LARGE, GP3_BASELINE_SMALL, GP3_BASELINE_THRESHOLD_GB

GIB = 1024**3


def storage_gb(
    records: ArrayLike, bytes_per_record: float = 300, index_overhead: float = 0.3, bloat: float = 0.2
) -> np.ndarray:
    """Database size: rows x row size x (1 + indexes) x (1 + bloat) [GB].

    >>> round(float(storage_gb(2e9)), 1)   # 2e9 x 300 B x 1.3 x 1.2 / 2^30
    871.7
    """
    return np.asarray(records, dtype=float) * bytes_per_record * (1 + index_overhead) * (1 + bloat) / GIB


def allocated_storage_gb(
    needed_gb: ArrayLike, free_space: float = 0.2, increment_gb: float = 100
) -> np.ndarray:
    """Storage to allocate for ``needed_gb`` with ``free_space`` kept free, in whole increments [GB]."""
    return np.ceil(np.asarray(needed_gb, dtype=float) / (1 - free_space) / increment_gb) * increment_gb


def gp3_provisioned(
    storage: ArrayLike, iops_needed: ArrayLike, throughput_needed: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """(IOPS, MiB/s) to provision: the need, never below the gp3 baseline of the volume size."""
    storage = np.asarray(storage, dtype=float)
    large = storage >= GP3_BASELINE_THRESHOLD_GB
    base_iops = np.where(large, GP3_BASELINE_LARGE[0], GP3_BASELINE_SMALL[0])
    base_tput = np.where(large, GP3_BASELINE_LARGE[1], GP3_BASELINE_SMALL[1])
    return np.maximum(iops_needed, base_iops), np.maximum(throughput_needed, base_tput)


def instance_ladder(family: str = "db.r5") -> tuple[list[str], np.ndarray, np.ndarray]:
    """(classes, vCPU, memory GiB) of a family, smallest first."""
    table = instance_types()
    rows = table.loc[(table["service"] == "rds") & table["instance_type"].str.startswith(family + ".")]
    rows = rows.sort_values("normalization_factor")
    return rows["instance_type"].tolist(), rows["vcpu"].to_numpy(float), rows["memory_gib"].to_numpy(float)


def instance_class_index(
    vcpu_needed: ArrayLike,
    memory_gib_needed: ArrayLike,
    family: str = "db.r5",
    target_utilization: float = 0.7,
) -> np.ndarray:
    """Index in :func:`instance_ladder` of the smallest class meeting both needs (vectorized).

    Raises
    ------
    ValueError
        The need exceeds the largest class of the family.
    """
    _, vcpu, memory = instance_ladder(family)
    need_cpu = np.asarray(vcpu_needed, dtype=float) / target_utilization
    need_mem = np.asarray(memory_gib_needed, dtype=float)
    by_cpu = np.searchsorted(vcpu, need_cpu, side="left")
    by_mem = np.searchsorted(memory, need_mem, side="left")
    index = np.maximum(by_cpu, by_mem)
    if np.any(index >= len(vcpu)):
        raise ValueError(f"the need exceeds the largest {family} class")
    return index


def instance_class(
    vcpu_needed: float, memory_gib_needed: float, family: str = "db.r5", target_utilization: float = 0.7
) -> str:
    """Smallest class with ``vcpu_needed / target_utilization`` vCPU and ``memory_gib_needed`` GiB.

    >>> instance_class(5, 48)    # 5 / 0.7 = 7.1 vCPU, 48 GiB -> 8 vCPU, 64 GiB
    'db.r5.2xlarge'
    """
    names, _, _ = instance_ladder(family)
    return names[int(instance_class_index(vcpu_needed, memory_gib_needed, family, target_utilization))]


def read_replicas(read_qps: ArrayLike, qps_per_replica: float, minimum: int = 0) -> np.ndarray:
    """Read replicas for a read load [instances]."""
    return np.maximum(np.ceil(np.asarray(read_qps, dtype=float) / qps_per_replica), minimum)


def backup_storage_gb(database_gb: ArrayLike, retention_days: float, daily_change_pct: float) -> np.ndarray:
    """Automated backup storage: one full copy + the daily changes over the retention [GB].

    >>> float(backup_storage_gb(1000, 35, 5))   # 1,000 + 35 x 50
    2750.0
    """
    database_gb = np.asarray(database_gb, dtype=float)
    return database_gb + retention_days * database_gb * daily_change_pct / 100
