"""ElastiCache Redis capacity: memory -> shards, read load -> replicas per shard.

A replication group is ``shards`` x (1 primary + ``replicas`` per shard). Memory (the hot
dataset) sets the shards; read operations set the replicas in each shard, up to AWS's 5,
beyond which more shards (each with its replicas) carry the reads. Nodes are never added
one at a time.
"""

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


MAX_REPLICAS_PER_SHARD = 5  # Amazon ElastiCache User Guide (data/limits.csv)


def topology(
    dataset_gb: ArrayLike,
    reads_per_s: ArrayLike,
    node_type: str,
    reads_per_node: float,
    min_shards: int = 1,
    min_replicas: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """(shards, replicas per shard) for a dataset [GB] and a read load [ops/s].

    >>> [int(v) for v in topology(15, 60_000, "cache.r6g.xlarge", 25_000)]  # 1 shard, 3 nodes
    [1, 2]
    >>> [int(v) for v in topology(15, 200_000, "cache.r6g.xlarge", 25_000)]  # 8 nodes > 1 + 5
    [2, 3]
    """
    memory_shards = np.maximum(shards(dataset_gb, node_type), min_shards)
    read_nodes = np.ceil(np.asarray(reads_per_s, dtype=float) / reads_per_node)
    replicas = np.maximum(np.ceil(read_nodes / memory_shards) - 1, min_replicas)
    # past 5 replicas per shard, reads need more shards, each with its own replicas
    read_shards = np.ceil(read_nodes / (1 + MAX_REPLICAS_PER_SHARD))
    n_shards = np.where(
        replicas > MAX_REPLICAS_PER_SHARD, np.maximum(memory_shards, read_shards), memory_shards
    )
    replicas = np.maximum(np.ceil(read_nodes / n_shards) - 1, min_replicas)
    return n_shards, np.minimum(replicas, MAX_REPLICAS_PER_SHARD)
