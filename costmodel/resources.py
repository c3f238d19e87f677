"""Resource names: generated in one place from the architecture, read everywhere else.

The service models name the resources of their line items with these functions; the
commitment engine names the same resources the same way; the documented-estimate audit and
the documented reserved table ask :func:`resources_of` which resources a category bills,
so that an architecture with three read replicas is audited with three.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from costmodel.categories import Category

if TYPE_CHECKING:
    from costmodel.architecture import Architecture

EKS_CLUSTER = "eks-cluster"
EKS_NODE_GROUP = "eks-node-group"
RDS_PRIMARY = "rds-primary"
REDIS = "redis"
MSK_CLUSTER = "msk-cluster"


def rds_replica(number: int) -> str:
    """Name of the ``number``-th read replica (1-based)."""
    return f"rds-replica-{number}"


def rds_replicas(count: int) -> list[str]:
    """Names of ``count`` read replicas."""
    return [rds_replica(i) for i in range(1, count + 1)]


def resources_of(arch: Architecture, *categories: Category) -> tuple[str, ...]:
    """The resources whose line items fall in ``categories``, in line-item order."""
    from costmodel.estimation import components  # the service models, which import this module

    items = components(arch)
    if items.empty:
        return ()
    wanted = items["category"].isin([c.name for c in categories])
    return tuple(dict.fromkeys(items.loc[wanted, "resource"]))
