"""Amazon ElastiCache for Redis: node hours and backup storage."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel import resources as names
from costmodel.service_names import CE_ELASTICACHE
from costmodel.services._items import component
from costmodel.usage_types import cache_node_hours, usage_type


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of an ElastiCache replication group.

    Parameters
    ----------
    spec : dict
        The ``elasticache`` section: ``node_type``, ``node_count`` [nodes] = ``shards`` x
        (1 primary + replicas per shard), ``backup_storage_gb`` [GB beyond the free snapshot].
    region : str
    hours : float
        Hours in the month [h].
    """
    node = spec["node_type"]
    replicas = spec["node_count"] // spec["shards"] - 1
    shards = f"{spec['shards']} shard{'s' if spec['shards'] > 1 else ''}"
    items = [
        component(
            service=CE_ELASTICACHE,
            service_code="AmazonElastiCache",
            resource=names.REDIS,
            component=f"Cache nodes (on-demand, {node}; {shards} x (1 primary + {replicas} replicas))",
            category=cat.ELASTICACHE_NODES,
            usage_type=cache_node_hours(region, node),
            unit="Hrs",
            quantity=spec["node_count"] * hours,
            region=region,
            operation="CreateCacheCluster:0002",
        )
    ]
    if spec["backup_storage_gb"] > 0:
        items.append(
            component(
                service=CE_ELASTICACHE,
                service_code="AmazonElastiCache",
                resource=names.REDIS,
                component="Backup storage",
                category=cat.ELASTICACHE_BACKUP,
                usage_type=usage_type(region, "BackupUsage", prefixed_in_us_east_1=True),
                unit="GB-Mo",
                quantity=spec["backup_storage_gb"],
                region=region,
            )
        )
    return items
