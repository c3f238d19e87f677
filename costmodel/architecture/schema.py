"""The architecture file's schema: every section, key, unit, default and range.

A key is either *configuration* (what is deployed: instance types, counts, storage) or a
*usage assumption* (``usage=True``: quantities no infrastructure document states, such as
GB transferred or log volume), which has a default and is shown with every estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Field:
    """One key of an architecture section.

    ``kind`` is ``int``, ``float``, ``bool``, ``str`` or ``list``; ``choices`` restricts a
    ``str``; ``instance_service`` restricts it to the known types of that service in
    ``data/instance_types.csv``; ``usage`` marks a usage assumption (shown with the estimate).
    """

    kind: str
    unit: str = ""
    default: Any = None
    required: bool = False
    minimum: float | None = 0
    maximum: float = 1e12  # no AWS quantity comes near; keeps every cost finite in float64
    choices: tuple[str, ...] = ()
    instance_service: str = ""
    usage: bool = False
    only_for_class: tuple[str, ...] = ()
    doc: str = ""
    item_schema: dict[str, Field] = field(default_factory=dict)


F = Field
S3_CLASSES = (
    "standard",
    "standard_ia",
    "one_zone_ia",
    "intelligent_tiering",
    "glacier_flexible",
    "glacier_deep_archive",
)

SCHEMA: dict[str, dict[str, Field]] = {
    "eks": {
        "clusters": F("int", "clusters", 1, doc="EKS clusters"),
        "kubernetes_version": F(
            "str", default=None, doc="Kubernetes minor version, e.g. '1.28' (sets the support tier)"
        ),
        "support": F(
            "str",
            default=None,
            choices=("standard", "extended"),
            doc="force a support tier (default: from kubernetes_version and the month priced)",
        ),
        "upgrade_policy": F(
            "str",
            default="extended",
            choices=("extended", "standard"),
            doc="cluster upgrade policy: extended (the API and eksctl default) or standard (AWS "
            "upgrades the cluster when standard support ends)",
        ),
        "instance_type": F("str", required=True, instance_service="ec2", doc="node group instance type"),
        "node_count": F("int", "nodes", required=True, doc="nodes running (desired capacity)"),
        "min_nodes": F("int", "nodes", None, doc="node group minimum size"),
        "max_nodes": F("int", "nodes", None, doc="node group maximum size"),
        "root_volume_gb": F("float", "GB", 100, doc="gp3 root volume per node (volumeSize)"),
        "ecr_storage_gb": F("float", "GB", 0, usage=True, doc="container images stored in ECR"),
    },
    "rds": {
        "engine": F("str", default="postgres", choices=("postgres",), doc="database engine"),
        "instance_class": F("str", required=True, instance_service="rds", doc="primary instance class"),
        "multi_az": F(
            "bool",
            default=False,
            doc="primary deployed Multi-AZ (default: Single-AZ, as the RDS API and CLI create it)",
        ),
        "read_replicas": F("int", "instances", 0, doc="read replicas (each its own instance)"),
        "replica_instance_class": F(
            "str",
            default=None,
            instance_service="rds",
            doc="replica class (default: the primary's)",
        ),
        "replica_multi_az": F("bool", default=False, doc="replicas deployed Multi-AZ"),
        "storage_gb": F("float", "GB", required=True, doc="allocated gp3 storage per instance"),
        "iops": F("float", "IOPS", 3000, doc="provisioned gp3 IOPS per instance"),
        "throughput_mibps": F("float", "MiB/s", 125, doc="provisioned gp3 throughput per instance"),
        "backup_retention_days": F("int", "days", 7, minimum=0, doc="automated backup retention"),
        "backup_storage_gb": F(
            "float",
            "GB",
            0,
            usage=True,
            doc="total automated backup and snapshot storage of the primary",
        ),
    },
    "elasticache": {
        "engine": F("str", default="redis", choices=("redis",), doc="cache engine"),
        "node_type": F("str", required=True, instance_service="elasticache", doc="node type"),
        "node_count": F(
            "int",
            "nodes",
            required=True,
            minimum=1,
            doc="cache nodes in all: shards x (1 primary + replicas)",
        ),
        "shards": F("int", "shards", 1, minimum=1, doc="shards (node groups); 1 = cluster mode disabled"),
        "automatic_failover": F(
            "bool", default=None, doc="Multi-AZ automatic failover (needs a replica in each shard)"
        ),
        "backup_storage_gb": F("float", "GB", 0, usage=True, doc="snapshot storage beyond the free one"),
    },
    "msk": {
        "broker_type": F("str", required=True, instance_service="msk", doc="broker instance type"),
        # no minimum here: below one per AZ is refused with MSK's own rule (0 is no cluster either)
        "broker_count": F(
            "int", "brokers", required=True, minimum=None, doc="brokers (a multiple of availability_zones)"
        ),
        "availability_zones": F(
            "int",
            "AZs",
            3,
            minimum=2,
            maximum=3,
            doc="availability zones (client subnets) the brokers are spread over, evenly: 2 or 3",
        ),
        "storage_gb": F("float", "GB", 1000, doc="EBS storage per broker"),
        "provisioned_throughput_mibps": F(
            "float", "MiB/s", 0, doc="provisioned storage throughput per broker"
        ),
    },
    "s3": {
        "buckets": F(
            "list",
            default=[],
            doc="buckets",
            item_schema={
                "name": F("str", required=True, doc="bucket name"),
                "storage_class": F("str", required=True, choices=S3_CLASSES, doc="storage class"),
                "storage_gb": F("float", "GB", 0, usage=True, doc="average stored"),
                "frequent_access_pct": F(
                    "float",
                    "%",
                    40,
                    usage=True,
                    only_for_class=("intelligent_tiering",),
                    doc="Intelligent-Tiering share in the frequent tier (rest infrequent)",
                ),
                "objects_thousands": F(
                    "float",
                    "1K objects",
                    0,
                    usage=True,
                    only_for_class=("intelligent_tiering",),
                    doc="objects monitored (Intelligent-Tiering)",
                ),
                "monthly_put_requests": F(
                    "float", "requests", 0, usage=True, doc="PUT/COPY/POST/LIST per month"
                ),
                "monthly_get_requests": F("float", "requests", 0, usage=True, doc="GET/SELECT per month"),
                "monthly_transitions": F(
                    "float",
                    "requests",
                    0,
                    usage=True,
                    doc="lifecycle transitions into this bucket's class per month",
                ),
                "monthly_retrieval_gb": F(
                    "float",
                    "GB",
                    0,
                    usage=True,
                    only_for_class=("standard_ia", "one_zone_ia", "glacier_flexible", "glacier_deep_archive"),
                    doc="data retrieved per month (IA fee; standard retrieval from archive classes)",
                ),
                "monthly_retrieval_requests": F(
                    "float",
                    "requests",
                    0,
                    usage=True,
                    only_for_class=("glacier_flexible", "glacier_deep_archive"),
                    doc="standard retrieval requests per month (archive classes)",
                ),
            },
        ),
    },
    "ebs": {
        "volumes": F(
            "list",
            default=[],
            doc="EBS volumes (Kubernetes persistent volumes)",
            item_schema={
                "name": F("str", required=True, doc="volume group name"),
                "count": F("int", "volumes", 1, doc="volumes"),
                "size_gb": F("float", "GB", required=True, doc="size per volume"),
                "iops": F("float", "IOPS", 3000, doc="provisioned IOPS per volume"),
                "throughput_mibps": F("float", "MiB/s", 125, doc="provisioned throughput per volume"),
            },
        ),
        "snapshot_storage_gb": F("float", "GB", 0, usage=True, doc="EBS snapshot storage"),
    },
    "network": {
        "nat_gateways": F(
            "int",
            "gateways",
            0,
            usage=True,
            doc="NAT gateways (private node networking needs one per AZ)",
        ),
        "nat_processed_gb": F("float", "GB", 0, usage=True, doc="data processed by NAT gateways per month"),
        "internet_egress_gb": F(
            "float", "GB", 0, usage=True, doc="data transfer out to the internet per month"
        ),
        "inter_az_gb": F(
            "float", "GB", 0, usage=True, doc="data crossing AZs per month (billed on both sides)"
        ),
        "inter_region_gb": F("float", "GB", 0, usage=True, doc="data sent to another region per month"),
        "inter_region_destination": F("str", default="us-west-2", doc="destination of inter-region transfer"),
        "load_balancers": F("int", "ALBs", 0, doc="application load balancers"),
        "alb_lcu": F("float", "LCU", 0, usage=True, doc="average LCUs per load balancer"),
        "cloudfront_egress_gb": F("float", "GB", 0, usage=True, doc="CloudFront data transfer out (US)"),
        "cloudfront_https_requests_millions": F(
            "float", "1M requests", 0, usage=True, doc="CloudFront HTTPS requests per month"
        ),
        "hosted_zones": F("int", "zones", 0, doc="Route 53 hosted zones"),
        "health_checks": F("int", "checks", 0, usage=True, doc="Route 53 health checks of AWS endpoints"),
        "public_ipv4_addresses": F(
            "int",
            "addresses",
            0,
            usage=True,
            doc="public IPv4 addresses in use (NAT gateways' Elastic IPs, the internet-facing ALB's per AZ)",
        ),
        "dns_queries_millions": F(
            "float", "1M queries", 0, usage=True, doc="Route 53 standard queries (not to alias records)"
        ),
        "dns_alias_queries_millions": F(
            "float",
            "1M queries",
            0,
            usage=True,
            doc="Route 53 queries to alias records of AWS resources (CloudFront, ALB): free",
        ),
    },
    "observability": {
        "custom_metrics": F("int", "metrics", 0, usage=True, doc="CloudWatch custom metrics"),
        "log_ingest_gb": F("float", "GB", 0, usage=True, doc="CloudWatch Logs ingested per month"),
        "log_storage_gb": F("float", "GB", 0, usage=True, doc="CloudWatch Logs stored"),
        "insights_scanned_gb": F("float", "GB", 0, usage=True, doc="Logs Insights data scanned per month"),
        "alarms": F("int", "alarms", 0, usage=True, doc="standard-resolution alarms"),
        "xray_traces_recorded_millions": F(
            "float", "1M traces", 0, usage=True, doc="X-Ray traces recorded per month"
        ),
        "xray_traces_retrieved_millions": F(
            "float", "1M traces", 0, usage=True, doc="X-Ray traces retrieved or scanned per month"
        ),
    },
    "load": {
        "requests_per_s_peak": F("float", "requests/s", 6000, usage=True, doc="peak API requests per second"),
        "requests_per_s_trough": F(
            "float", "requests/s", 1500, usage=True, doc="night-time requests per second"
        ),
        "requests_per_pod": F(
            "float",
            "requests/s",
            250,
            minimum=1,
            usage=True,
            doc="requests one pod serves within the 500 ms target",
        ),
        "pod_cpu": F("float", "vCPU", 0.5, minimum=0.01, usage=True, doc="CPU request per pod"),
        "pod_memory_gib": F("float", "GiB", 1.0, minimum=0.01, usage=True, doc="memory request per pod"),
        "min_pods": F("int", "pods", 3, usage=True, doc="minimum replicas (one per AZ)"),
        "target_utilization": F(
            "float",
            "fraction",
            0.7,
            minimum=0.05,
            usage=True,
            doc="share of allocatable capacity pods may fill (autoscaling headroom)",
        ),
        "records_billions": F("float", "1e9 records", 1.8, usage=True, doc="rows in PostgreSQL"),
        "bytes_per_record": F("float", "bytes", 300, usage=True, doc="average row size"),
        "index_overhead": F("float", "fraction", 0.3, usage=True, doc="index size relative to data"),
        "bloat": F("float", "fraction", 0.2, usage=True, doc="dead tuples and fill factor"),
        "read_queries_per_s": F(
            "float", "queries/s", 8000, usage=True, doc="read queries served by the read replicas at peak"
        ),
        "queries_per_replica": F(
            "float",
            "queries/s",
            5000,
            minimum=1,
            usage=True,
            doc="read queries one replica serves at the target utilization",
        ),
        "daily_change_pct": F("float", "%", 5, usage=True, doc="share of the database changed per day"),
        "hot_dataset_gb": F("float", "GB", 15, usage=True, doc="data kept in Redis"),
        "cache_reads_per_s": F(
            "float", "ops/s", 60000, usage=True, doc="Redis read operations per second at peak"
        ),
        "cache_reads_per_node": F(
            "float",
            "ops/s",
            25000,
            minimum=1,
            usage=True,
            doc="read operations one cache node serves at the target utilization",
        ),
        "kafka_ingress_mibps": F("float", "MiB/s", 2, usage=True, doc="average producer throughput"),
        "kafka_peak_ingress_mibps": F("float", "MiB/s", 6, usage=True, doc="peak producer throughput"),
        "kafka_fan_out": F("float", "ratio", 2, usage=True, doc="consumer / producer throughput"),
        "kafka_replication_factor": F("int", "copies", 3, minimum=1, usage=True, doc="replication factor"),
        "kafka_retention_hours": F("float", "h", 72, usage=True, doc="retention on broker storage"),
    },
    "security": {
        "waf_web_acls": F("int", "web ACLs", 0, doc="WAF web ACLs"),
        "waf_rules": F("int", "rules", 0, doc="WAF rules"),
        "waf_requests_millions": F("float", "1M requests", 0, usage=True, doc="requests inspected by WAF"),
        "secrets": F("int", "secrets", 0, doc="Secrets Manager secrets"),
        "secrets_api_calls_thousands": F(
            "float", "1K calls", 0, usage=True, doc="Secrets Manager API calls per month"
        ),
        "kms_keys": F("int", "keys", 0, usage=True, doc="KMS customer managed keys"),
        "kms_requests_thousands": F("float", "1K requests", 0, usage=True, doc="KMS API requests per month"),
    },
}
TOP_LEVEL = ("name", "region", "description", "source", "documented_estimate", "not_read", *SCHEMA)


# Short what-if keys of the command-line contract, as aliases of the dotted paths above.
ALIASES = {
    "eks.node_type": "eks.instance_type",
    "rds.instance_type": "rds.instance_class",
    "rds.replica_class": "rds.replica_instance_class",
}


def resolve_key(dotted: str) -> str:
    """The schema path of a what-if key (short forms of the command-line contract)."""
    return ALIASES.get(dotted, dotted)
