"""The architecture as data: a YAML file, validated against a schema, turned into specs.

Each service section has *configuration* keys (what is deployed: instance types, counts,
storage) and *usage assumptions* (quantities no infrastructure document states: GB
transferred, log volume, request counts). Usage assumptions have defaults, and every
estimate shows the values it used and whether they came from the file or the default.

Bad input fails with :class:`~costmodel.errors.InputError` naming the file, the dotted key
and what was expected (valid keys, valid instance types, the allowed range).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from functools import cache
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from costmodel import arguments, limits
from costmodel.data_files import data_path
from costmodel.errors import InputError
from costmodel.inputs import load_yaml, read_text

DEFAULT_ARCHITECTURE = "production.yaml"


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
        "multi_az": F("bool", default=True, doc="primary deployed Multi-AZ"),
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
        "broker_count": F("int", "brokers", required=True, doc="brokers"),
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
TOP_LEVEL = ("name", "region", "description", "source", *SCHEMA)

# Short what-if keys of the command-line contract, as aliases of the dotted paths above.
ALIASES = {
    "eks.node_type": "eks.instance_type",
    "rds.instance_type": "rds.instance_class",
    "rds.replica_class": "rds.replica_instance_class",
}


@cache
def _instance_types() -> pd.DataFrame:
    return pd.read_csv(data_path("instance_types.csv"), keep_default_na=False)


@cache
def _regions() -> pd.DataFrame:
    return pd.read_csv(data_path("regions.csv"), keep_default_na=False)


def instance_types() -> pd.DataFrame:
    """Known instance types with vCPU, memory [GiB] and normalization factor (a copy)."""
    return _instance_types().copy()


def regions() -> pd.DataFrame:
    """Known regions with their billing codes (usage type prefixes) (a copy)."""
    return _regions().copy()


@cache
def _billing_codes() -> dict[str, str]:
    table = _regions()
    return dict(zip(table["region"], table["billing_code"].astype(str), strict=True))


def billing_code(region: str) -> str:
    """Usage-type prefix of ``region``, e.g. ``USW2`` for us-west-2."""
    codes = _billing_codes()  # every usage type of every line asks: a dict, not a table scan
    if region not in codes:
        raise InputError(f"unknown region {region!r}; known: {', '.join(codes)}")
    return codes[region]


def _check_value(value: Any, spec: Field, where: str) -> Any:
    kinds: dict[str, type | tuple[type, ...]] = {
        "int": int,
        "float": (int, float),
        "bool": bool,
        "str": str,
        "list": list,
    }
    if value is None and not spec.required:
        return value
    if value is None:
        raise InputError(f"{where} is empty; it is required ({spec.doc})")
    if spec.kind in ("int", "float") and isinstance(value, bool):
        raise InputError(f"{where} = {value!r} must be a number, not true/false")
    if not isinstance(value, kinds[spec.kind]):
        if spec.kind == "int" and isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise InputError(f"{where} = {value!r} must be of type {spec.kind}")
    if spec.kind in ("int", "float") and not math.isfinite(value):
        raise InputError(f"{where} = {value} must be a finite number")
    if spec.kind in ("int", "float") and value > spec.maximum:
        raise InputError(
            f"{where} = {value:g} is beyond any plausible value (at most {spec.maximum:g}"
            + (f" {spec.unit})" if spec.unit else ")")
        )
    if spec.kind in ("int", "float") and spec.minimum is not None and value < spec.minimum:
        raise InputError(
            f"{where} = {value} must be >= {spec.minimum:g}" + (f" {spec.unit}" if spec.unit else "")
        )
    if spec.choices and value not in spec.choices:
        raise InputError(f"{where} = {value!r} is not valid; valid choices: {', '.join(spec.choices)}")
    if spec.instance_service:
        table = _instance_types()  # read only here: no copy needed
        valid = table.loc[table["service"] == spec.instance_service, "instance_type"].tolist()
        if value not in valid:
            raise InputError(
                f"{where} = {value!r} is not a known {spec.instance_service} instance type; "
                f"valid choices: {', '.join(valid)}"
            )
    return value


def _validate_section(raw: Any, schema: dict[str, Field], where: str) -> tuple[dict, set[str]]:
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be a mapping of keys to values, got {type(raw).__name__}")
    unknown = [k for k in raw if k not in schema]
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(schema)}")
    out, given = {}, set()
    for key, spec in schema.items():
        path = f"{where}.{key}"
        if key in raw:
            given.add(key)
            value = _check_value(raw[key], spec, path)
            if spec.kind == "list":
                items = []
                for i, item in enumerate(value):
                    checked, _ = _validate_section(item, spec.item_schema, f"{path}[{i}]")
                    items.append(checked)
                value = items
            out[key] = value
        elif spec.required:
            raise InputError(f"{where}: required key {key!r} is missing ({spec.doc})")
        else:
            out[key] = copy.deepcopy(spec.default)
    return out, given


def replicas_per_shard(cache: dict) -> int:
    """Replicas in each shard of an ``elasticache`` section: node_count / shards - 1."""
    return cache["node_count"] // cache["shards"] - 1


def _check_cache_topology(cache: dict, origin: str) -> None:
    """A replication group is ``shards`` x (1 primary + the same replicas in each shard)."""
    if cache["node_count"] % cache["shards"]:
        raise InputError(
            f"{origin}: elasticache.node_count = {cache['node_count']} is not a multiple of "
            f"elasticache.shards = {cache['shards']}: every shard has one primary and the same replicas"
        )
    if cache["automatic_failover"] is True and replicas_per_shard(cache) < 1:
        raise InputError(
            f"{origin}: elasticache.automatic_failover needs a replica in each shard: node_count = "
            f"{cache['node_count']} for {cache['shards']} shard(s) leaves none "
            "(or set automatic_failover: false)"
        )


def _check_unique_names(sections: dict[str, dict], origin: str) -> None:
    """Buckets and volume groups are resources: a repeated name is a copy-paste that would
    count one resource twice and merge two in every table keyed by resource."""
    for section, key in (("s3", "buckets"), ("ebs", "volumes")):
        first: dict[str, int] = {}
        for i, item in enumerate(sections.get(section, {}).get(key, [])):
            if item["name"] in first:
                raise InputError(
                    f"{origin}: {section}.{key}[{i}].name = {item['name']!r} repeats "
                    f"{section}.{key}[{first[item['name']]}]; give each one its own name"
                )
            first[item["name"]] = i


def _check_consistency(sections: dict[str, dict], origin: str) -> None:
    _check_unique_names(sections, origin)
    eks = sections.get("eks")
    if eks:
        lo = eks["min_nodes"] if eks["min_nodes"] is not None else eks["node_count"]
        hi = eks["max_nodes"] if eks["max_nodes"] is not None else eks["node_count"]
        if not lo <= eks["node_count"] <= hi:
            raise InputError(
                f"{origin}: eks.node_count = {eks['node_count']} must lie within "
                f"eks.min_nodes = {lo} and eks.max_nodes = {hi}"
            )
    cache = sections.get("elasticache")
    if cache:
        _check_cache_topology(cache, origin)
    for i, bucket in enumerate(sections.get("s3", {}).get("buckets", [])):
        if not 0 <= bucket["frequent_access_pct"] <= 100:
            raise InputError(f"{origin}: s3.buckets[{i}].frequent_access_pct must be within 0..100")


@dataclass(frozen=True)
class Architecture:
    """A validated architecture: name, region and one spec dict per service section present."""

    name: str
    region: str
    sections: dict[str, dict]
    given: dict[str, set[str]]
    origin: str = "<memory>"
    raw: dict = field(default_factory=dict, repr=False)

    def get(self, dotted: str) -> Any:
        """Value at a dotted path, e.g. ``arch.get("eks.node_count")``."""
        section, _, key = resolve_key(dotted).partition(".")
        return self.sections[section][key]

    def assumptions(self) -> pd.DataFrame:
        """Usage assumptions in force: key, value, unit, whether set in the file, meaning."""
        rows = []
        for section, spec in self.sections.items():
            for key, fld in SCHEMA[section].items():
                if fld.kind == "list":
                    raw_items = self.raw.get(section, {}).get(key, [])
                    for item, raw_item in zip(spec[key], raw_items, strict=True):
                        for sub, sub_fld in fld.item_schema.items():
                            if (
                                sub_fld.only_for_class
                                and item.get("storage_class") not in sub_fld.only_for_class
                            ):
                                continue
                            if sub_fld.usage:
                                rows.append(
                                    (
                                        f"{section}.{key}[{item['name']}].{sub}",
                                        item[sub],
                                        sub_fld.unit,
                                        sub in raw_item,
                                        sub_fld.doc,
                                    )
                                )
                elif fld.usage:
                    rows.append(
                        (
                            f"{section}.{key}",
                            spec[key],
                            fld.unit,
                            key in self.given.get(section, set()),
                            fld.doc,
                        )
                    )
        return pd.DataFrame(rows, columns=["key", "value", "unit", "set_in_file", "meaning"])

    def with_changes(self, changes: dict[str, Any]) -> Architecture:
        """A new, re-validated architecture with dotted-path ``changes`` applied.

        Resizing the RDS primary (``rds.instance_class``) resizes the primary only: read
        replicas keep their class unless ``rds.replica_class`` is changed too.
        """
        arguments.changes(changes, "Architecture.with_changes")
        _check_given_once(changes)
        raw = copy.deepcopy(self.raw)
        targets = {resolve_key(k) for k in changes}
        if "rds.instance_class" in targets and "rds.replica_instance_class" not in targets:
            rds = raw.get("rds")
            if isinstance(rds, dict) and rds.get("replica_instance_class") is None:
                rds["replica_instance_class"] = self.sections["rds"]["instance_class"]
        for dotted, value in changes.items():
            path = resolve_key(dotted)
            section, _, key = path.partition(".")
            if section not in SCHEMA or key not in SCHEMA[section]:
                valid = [f"{s}.{k}" for s, keys in SCHEMA.items() for k in keys if keys[k].kind != "list"]
                raise InputError(f"unknown key {dotted!r}; valid keys: {', '.join(valid)}")
            if section not in raw:
                raise InputError(f"{self.origin} has no {section!r} section to change {dotted!r} in")
            raw.setdefault(section, {})[key] = value
        origin = f"{self.origin} with {changes}"
        changed = architecture_from_dict(raw, origin=origin)
        limits.check_no_decrease(self.sections, changed.sections, origin)
        return changed


def _check_given_once(changes: dict[str, Any]) -> None:
    """A setting named twice (``eks.instance_type`` and its alias ``eks.node_type``) is refused
    as on the command line: the later one must not win silently."""
    seen: dict[str, str] = {}
    for key in changes:
        target = resolve_key(key)
        if target in seen:
            raise InputError(f"changes: {key} given twice (also as {seen[target]}); give each key once")
        seen[target] = key


def resolve_key(dotted: str) -> str:
    """The schema path of a what-if key (short forms of the command-line contract)."""
    return ALIASES.get(dotted, dotted)


def architecture_from_dict(raw: Any, origin: str = "<memory>") -> Architecture:
    """Validate a parsed architecture mapping; ``origin`` names it in error messages."""
    if not isinstance(raw, dict):
        raise InputError(f"{origin}: expected a mapping at the top level, got {type(raw).__name__}")
    unknown = [k for k in raw if k not in TOP_LEVEL]
    if unknown:
        raise InputError(f"{origin}: unknown key {unknown[0]!r}; valid keys: {', '.join(TOP_LEVEL)}")
    region = raw.get("region")
    if not isinstance(region, str):
        raise InputError(f"{origin}: 'region' is required, e.g. region: us-east-1")
    try:
        billing_code(region)
    except InputError as exc:
        raise InputError(f"{origin}: {exc}") from None
    sections, given = {}, {}
    for name, schema in SCHEMA.items():
        if name in raw:
            sections[name], given[name] = _validate_section(raw[name], schema, f"{origin}: {name}")
    _check_consistency(sections, origin)
    limits.check(sections, origin)
    return Architecture(
        name=str(raw.get("name", Path(origin).stem)),
        region=region,
        sections=sections,
        given=given,
        origin=origin,
        raw=copy.deepcopy(raw),
    )


def load_architecture(path: str | Path | None = None) -> Architecture:
    """Load and validate an architecture file (default: the bundled production architecture).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file like ``data/architectures/production.yaml``.
    """
    if path is not None and not isinstance(path, (str, PathLike)):
        arguments.refuse("load_architecture", "path", "a file path (str or Path) or None", path)
    chosen = Path(path) if path is not None else data_path("architectures", DEFAULT_ARCHITECTURE)
    raw = load_yaml(read_text(chosen, "architecture"), chosen.name)
    return architecture_from_dict(raw, origin=chosen.name)
