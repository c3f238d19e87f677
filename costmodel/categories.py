"""Cost categories: one definition of each, with the properties other modules rely on.

A category groups line items a finance reader sees as one thing ("EKS nodes", "RDS
backup"). The service model that emits a line item sets its category from these constants;
the reconciliation's bill-row rules, the documented-estimate comparison, the capacity
projections and the simulator read the same objects. Nothing matches category labels by
prefix or substring: a new category ("RDS Proxy") is scaled by a capacity model only if
its definition says so.

Properties
----------
documented_group, documented_item
    Where the infrastructure document's cost breakdown puts the category (its group, and
    its line where it has one).
scaled_by
    The capacity model (``eks``, ``rds``, ``elasticache``, ``msk``) whose load drives the
    category's quantity in projections, or ``""`` for a cost that does not scale with load.
modelled
    False for categories that exist only on the bill (credits, tax, services the model does
    not price): reconciliation shows them, the estimate never emits them.
reservable
    The category's instance hours can be covered by a reservation (EC2, RDS, ElastiCache).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

COMPUTE = "Compute (EKS)"
DATABASE = "Database (RDS)"
CACHE = "Cache (ElastiCache)"
QUEUE = "Message Queue (MSK)"
STORAGE = "Storage (S3 + EBS)"
MONITORING = "Monitoring (CloudWatch)"
NOT_DOCUMENTED = "Not in the documented breakdown"
SCALING_MODELS = ("eks", "rds", "elasticache", "msk")


@dataclass(frozen=True)
class Category:
    """One cost category and its properties (see the module docstring)."""

    name: str
    documented_group: str = NOT_DOCUMENTED
    documented_item: str = ""
    scaled_by: str = ""
    modelled: bool = True
    reservable: bool = False

    def __post_init__(self) -> None:
        if self.scaled_by and self.scaled_by not in SCALING_MODELS:
            raise ValueError(f"{self.name}: scaled_by {self.scaled_by!r} is not one of {SCALING_MODELS}")

    def __str__(self) -> str:
        return self.name


C = Category
# --- compute
EKS_CONTROL_PLANE = C("EKS control plane", COMPUTE, "Control plane")
EKS_NODES = C("EKS nodes", COMPUTE, "Worker nodes", scaled_by="eks", reservable=True)
DATA_TRANSFER_OUT = C("Data transfer out", COMPUTE, "Data transfer")
INTER_AZ_TRANSFER = C("Inter-AZ transfer", COMPUTE, "Data transfer")
INTER_REGION_TRANSFER = C("Inter-region transfer", COMPUTE, "Data transfer")
# --- database
RDS_PRIMARY = C("RDS primary", DATABASE, "Primary instance", scaled_by="rds", reservable=True)
RDS_READ_REPLICAS = C("RDS read replicas", DATABASE, "Read replicas", scaled_by="rds", reservable=True)
RDS_BACKUP = C("RDS backup", DATABASE, "Backup storage", scaled_by="rds")
RDS_STORAGE = C("RDS storage", DATABASE, scaled_by="rds")
RDS_IOPS = C("RDS IOPS", DATABASE, scaled_by="rds")
RDS_THROUGHPUT = C("RDS throughput", DATABASE, scaled_by="rds")
RDS_REPLICA_STORAGE = C("RDS replica storage", DATABASE, scaled_by="rds")
RDS_REPLICA_IOPS = C("RDS replica IOPS", DATABASE, scaled_by="rds")
RDS_REPLICA_THROUGHPUT = C("RDS replica throughput", DATABASE, scaled_by="rds")
# --- cache and queue
ELASTICACHE_NODES = C("ElastiCache nodes", CACHE, scaled_by="elasticache", reservable=True)
ELASTICACHE_BACKUP = C("ElastiCache backup", CACHE)
MSK_BROKERS = C("MSK brokers", QUEUE, scaled_by="msk")
MSK_STORAGE = C("MSK storage", QUEUE, scaled_by="msk")
# --- storage
S3_STANDARD = C("S3 Standard", STORAGE)
S3_STANDARD_IA = C("S3 Standard-IA", STORAGE)
S3_ONE_ZONE_IA = C("S3 One Zone-IA", STORAGE)
S3_INTELLIGENT_TIERING = C("S3 Intelligent-Tiering", STORAGE)
S3_GLACIER_FLEXIBLE = C("S3 Glacier Flexible Retrieval", STORAGE)
S3_GLACIER_DEEP_ARCHIVE = C("S3 Glacier Deep Archive", STORAGE)
S3_REQUESTS = C("S3 requests", STORAGE)
EBS_VOLUMES = C("EBS volumes", STORAGE)
EBS_SNAPSHOTS = C("EBS snapshots", STORAGE)
EKS_NODE_EBS = C("EKS node EBS", STORAGE, scaled_by="eks")  # root volumes of the nodes
# --- observability, network edge, security
CLOUDWATCH = C("CloudWatch", MONITORING)
NAT_GATEWAY = C("NAT gateway")
ALB = C("ALB")
CLOUDFRONT = C("CloudFront")
ROUTE_53 = C("Route 53")
WAF = C("WAF")
SECRETS_MANAGER = C("Secrets Manager")
PUBLIC_IPV4 = C("Public IPv4")
KMS = C("KMS")
ECR = C("ECR")
X_RAY = C("X-Ray")
# --- only on the bill
CREDITS = C("Credits", modelled=False)
REFUNDS = C("Refunds", modelled=False)
TAX = C("Tax", modelled=False)
SUPPORT = C("Support", modelled=False)  # the AWS Support plan: a monthly fee, not usage
EC2_INSTANCES_NOT_MODELLED = C("EC2 instances (not modelled)", modelled=False)
RDS_INSTANCES_NOT_MODELLED = C("RDS instances (not modelled)", modelled=False)
S3_STORAGE_OTHER = C("S3 storage (other classes)", modelled=False)

# Credits, refunds and tax: money on the bill that is not usage (one line each).
NOT_USAGE = (CREDITS.name, REFUNDS.name, TAX.name)
# A service the bill gives without usage types is reconciled in total, as one line.
SERVICE_TOTAL_SUFFIX = "(service total)"


def service_total(service: str) -> str:
    """The reconciliation line of ``service`` compared in total: ``<service> (service total)``."""
    return f"{service} {SERVICE_TOTAL_SUFFIX}"


ALL: dict[str, Category] = {c.name: c for c in list(globals().values()) if isinstance(c, Category)}
BILL_ONLY = frozenset(name for name, c in ALL.items() if not c.modelled)
# Money on the bill that is not usage: each is its own step from the model to the bill
# (reconciliation table, CSV, JSON, waterfall, report), never part of the volume variance.
BILL_ADJUSTMENTS = (CREDITS.name, REFUNDS.name, TAX.name, SUPPORT.name)


def get(name: str) -> Category:
    """The category named ``name``; a KeyError names the known ones."""
    try:
        return ALL[str(name)]
    except KeyError:
        raise KeyError(
            f"unknown category {name!r}; defined in costmodel/categories.py: {', '.join(ALL)}"
        ) from None


def scaled_by(names: pd.Series) -> pd.Series:
    """The capacity model of each category name ('' for costs that do not scale)."""
    return names.map(lambda n: get(n).scaled_by)


def table() -> pd.DataFrame:
    """Every category and its properties, one row each, in definition order (the order of
    the document's groups and lines); a new DataFrame on every call."""
    return pd.DataFrame(
        [
            {
                "category": c.name,
                "documented_group": c.documented_group,
                "documented_item": c.documented_item,
                "scaled_by": c.scaled_by,
                "modelled": c.modelled,
                "reservable": c.reservable,
            }
            for c in ALL.values()
        ]
    )
