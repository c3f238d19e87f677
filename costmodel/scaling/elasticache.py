"""ElastiCache Redis capacity: hot dataset -> memory per node -> shards and nodes."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from costmodel.architecture import instance_types

# ElastiCache reserves memory for backups and replication: reserved-memory-percent
# defaults to 25% (Amazon ElastiCache User Guide, "Managing reserved memory").
RESERVED_MEMORY = 0.25


def usable_memory_gb(node_type: str, reserved: float = RESERVED_MEMORY) -> float:
    """Memory available to data on one node [GB]."""
    table = instance_types().set_index("instance_type")
    if node_type not in table.index:
        raise ValueError(f"unknown node type {node_type!r}")
    return float(table.loc[node_type, "memory_gib"]) * (1 - reserved)


def shards(
    dataset_gb: ArrayLike,
    node_type: str = "cache.r6g.xlarge",
    overhead: float = 0.2,
    reserved: float = RESERVED_MEMORY,
) -> np.ndarray:
    """Shards (primaries) to hold ``dataset_gb`` plus ``overhead`` (keys, fragmentation) [shards].

    >>> int(shards(40))   # 40 x 1.2 = 48 GB over 26.32 x 0.75 = 19.74 GB per node -> 3
    3
    """
    needed = np.asarray(dataset_gb, dtype=float) * (1 + overhead)
    return np.maximum(np.ceil(needed / usable_memory_gb(node_type, reserved)), 1)


def cache_nodes(
    dataset_gb: ArrayLike, node_type: str = "cache.r6g.xlarge", replicas_per_shard: int = 0, **kwargs
) -> np.ndarray:
    """Nodes of a cluster: shards x (1 + replicas per shard) [nodes]."""
    return shards(dataset_gb, node_type, **kwargs) * (1 + replicas_per_shard)
