"""MSK capacity: ingress -> brokers (by storage and network throughput) and storage per broker.

Per-broker sustainable ingress is the smaller of the broker's EBS throughput divided by
6.5 (ingress, replication, lagging consumers and rebalancing all write to EBS) and its
network bandwidth divided by 5.7 + 1.5 x fan-out (replication out, lagging, rebalancing,
consumers in a one-AZ-down state), times a target utilization; brokers come in multiples
of the 3 AZs. Constants from AWS's MSK sizing script (see data/scaling/README in
data/README.md). Storage autoscaling grows a broker's volume by the larger of 10 GiB and
10% when utilization passes the target (Amazon MSK Developer Guide, "Automatic scaling").
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from costmodel.data_files import data_path

STORAGE_IO_FACTOR = 6.5
NETWORK_IO_BASE = 5.7
AZ_SCALE_FACTOR = 1.5  # 3 AZs / 2 left when one is down
AZS = 3
MAX_STORAGE_GB = 16384  # [GiB per broker]


@cache
def _broker_limits() -> pd.DataFrame:
    return pd.read_csv(data_path("scaling", "msk-broker-throughput.csv")).set_index("broker_type")


def broker_limits() -> pd.DataFrame:
    """Network and storage throughput limits per broker type [MiB/s] (a copy)."""
    return _broker_limits().copy()


def ingress_per_broker(broker_type: str, fan_out: float = 2.0, utilization: float = 0.6) -> float:
    """Sustainable producer throughput of one broker [MiB/s].

    >>> round(ingress_per_broker("kafka.m5.large"), 2)   # min(81/6.5, 96/8.7) x 0.6
    6.62
    """
    if broker_type not in broker_limits().index:
        raise ValueError(
            f"no throughput figures for {broker_type!r}; known: {', '.join(broker_limits().index)}"
        )
    limits = broker_limits().loc[broker_type]
    storage = limits["ebs_throughput_mibps"] / STORAGE_IO_FACTOR
    network = limits["network_throughput_mibps"] / (NETWORK_IO_BASE + fan_out * AZ_SCALE_FACTOR)
    return float(min(storage, network) * utilization)


def brokers(
    peak_ingress_mibps: ArrayLike,
    broker_type: str = "kafka.m5.large",
    fan_out: float = 2.0,
    utilization: float = 0.6,
    minimum: int = 3,
    zones: int = AZS,
) -> np.ndarray:
    """Brokers for a peak ingress, in multiples of ``zones`` AZs [brokers]."""
    raw = np.ceil(
        np.asarray(peak_ingress_mibps, dtype=float) / ingress_per_broker(broker_type, fan_out, utilization)
    )
    return np.maximum(np.ceil(np.maximum(raw, minimum) / zones) * zones, zones)


def storage_per_broker_gb(
    ingress_mibps: ArrayLike,
    retention_hours: float,
    replication_factor: int,
    broker_count: ArrayLike,
    headroom: float = 2.0,
) -> np.ndarray:
    """Broker volume to keep ``retention_hours`` of data with ``headroom`` [GiB per broker].

    >>> round(float(storage_per_broker_gb(5, 72, 3, 3)), 1)   # 5 x 72 x 3600 x 3 / 1024 / 3 x 2
    2531.2
    """
    data = np.asarray(ingress_mibps, dtype=float) * retention_hours * 3600 * replication_factor / 1024
    return data / np.asarray(broker_count, dtype=float) * headroom


def autoscaled_storage_gb(
    provisioned_gb: ArrayLike, used_gb: ArrayLike, target_utilization: float = 0.6
) -> np.ndarray | float:
    """Provisioned storage after autoscaling for ``used_gb`` of data on one broker [GiB].

    Each step adds max(10 GiB, 10%); storage never shrinks. Vectorized over ``used_gb``.

    >>> float(autoscaled_storage_gb(1000, 700))   # 700 > 60% of 1,000 -> 1,100 -> 1,210
    1210.0
    """
    used, provisioned = np.broadcast_arrays(
        np.asarray(used_gb, dtype=float), np.asarray(provisioned_gb, dtype=float)
    )
    size = provisioned.copy()
    for _ in range(200):  # each step grows >= 10%: 200 steps cover any size up to the 16 TiB cap
        grow = (used > target_utilization * size) & (size < MAX_STORAGE_GB)
        if not grow.any():
            break
        size = np.where(grow, np.minimum(size + np.maximum(10.0, 0.1 * size), MAX_STORAGE_GB), size)
    return size if size.shape else float(size)
