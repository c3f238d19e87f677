"""What runs in an account, read through boto3 into the project's architecture schema.

One small reader per AWS service turns describe/list responses into a section's values,
each with the call it came from; :func:`discover` runs them all, keeps going past a denied
read (listed under ``not_read``) and notes what runs but the schema does not model
(``not_modelled``). :func:`to_yaml` writes the result as an architecture file whose every
value carries its source as a comment. Usage assumptions (GB transferred, log volume...)
are not deployed configuration: the file has none, and the estimate's defaults apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import yaml

from costmodel.account import aws
from costmodel.architecture import SCHEMA, architecture_from_dict
from costmodel.display import Result
from costmodel.errors import CostModelError
from costmodel.services.rds import gp3_baseline

GLOBAL_REGION = "us-east-1"  # Route 53, CloudFront and CloudFront-scope WAF are global


@dataclass
class Found:
    """A section as read: values, where each came from, and what could not be modelled."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def set(self, key: str, value: Any, source: str) -> None:
        self.values[key] = value
        self.sources[key] = source


@dataclass(repr=False)
class Discovery(Result):
    """The account's architecture: sections found, reads denied, things not modelled."""

    account: str
    region: str
    sections: dict[str, Found]
    not_read: list[str]
    not_modelled: list[str]
    unread: list[str] = field(default_factory=list)  # sections / section.key paths denied

    def raw(self) -> dict:
        """The architecture mapping (validated by :func:`to_yaml` before writing)."""
        raw: dict[str, Any] = {
            "name": f"discovered-{self.account}-{self.region}",
            "region": self.region,
            "source": f"costmodel discover, account {self.account} ({self.region}), read-only",
        }
        if self.unread:
            raw["not_read"] = list(self.unread)  # unknown, not absent: drift must not price them
        for name in SCHEMA:
            if name in self.sections and self.sections[name].values:
                raw[name] = dict(self.sections[name].values)
        return raw


# ---------------------------------------------------------------------------- readers
Reader = Callable[[Callable[[str, str], Any], str], dict[str, Found]]


def _largest(groups: dict[str, list[dict]], size: Callable[[dict], float]) -> str:
    return max(groups, key=lambda k: sum(size(g) for g in groups[k]))


def read_eks(client_for: Callable[[str, str], Any], region: str) -> dict[str, Found]:
    """EKS: clusters, the version and upgrade policy, the node groups of one instance type."""
    eks = client_for("eks", region)
    names = aws.read_all(eks, "list_clusters", "clusters", "eks:ListClusters")
    if not names:
        return {}
    found = Found()
    found.set("clusters", len(names), "eks:ListClusters")
    groups: dict[str, list[dict]] = {}
    versions: dict[str, str] = {}
    for name in names:
        cluster = aws.call(eks, "describe_cluster", "eks:DescribeCluster", name=name)["cluster"]
        versions[name] = cluster.get("version", "")
        policy = (cluster.get("upgradePolicy") or {}).get("supportType")
        if policy and "upgrade_policy" not in found.values:
            found.set("upgrade_policy", policy.lower(), f"eks:DescribeCluster {name} upgradePolicy")
        for ng_name in aws.read_all(
            eks, "list_nodegroups", "nodegroups", "eks:ListNodegroups", clusterName=name
        ):
            ng = aws.call(
                eks, "describe_nodegroup", "eks:DescribeNodegroup", clusterName=name, nodegroupName=ng_name
            )["nodegroup"]
            types = ng.get("instanceTypes") or []
            if len(types) != 1:
                found.notes.append(
                    f"EKS node group {name}/{ng_name}: instance types {types or 'from a launch template'}"
                    " (one type per node group is modelled)"
                )
                continue
            groups.setdefault(types[0], []).append(ng | {"_cluster": name})
    if not groups:
        found.notes.append("EKS: no managed node group with one instance type")
        return {"eks": found}
    chosen = _largest(groups, lambda g: g["scalingConfig"].get("desiredSize", 0))
    for other, ngs in groups.items():
        if other != chosen:
            found.notes.append(
                f"EKS node groups of {other} ({', '.join(g['nodegroupName'] for g in ngs)}): "
                "one node group type is modelled"
            )
    ngs = groups[chosen]
    where = "eks:DescribeNodegroup " + ", ".join(f"{g['_cluster']}/{g['nodegroupName']}" for g in ngs)
    cluster = ngs[0]["_cluster"]
    found.set("kubernetes_version", versions[cluster], f"eks:DescribeCluster {cluster} version")
    found.set("instance_type", chosen, f"{where} instanceTypes")
    for key, scaling in (("node_count", "desiredSize"), ("min_nodes", "minSize"), ("max_nodes", "maxSize")):
        found.set(key, sum(int(g["scalingConfig"][scaling]) for g in ngs), f"{where} scalingConfig.{scaling}")
    disks = {g.get("diskSize") for g in ngs}
    disk = next(iter(disks)) if len(disks) == 1 else None
    if disk is not None:
        found.set("root_volume_gb", float(disk), f"{where} diskSize")
    else:
        found.notes.append(
            f"EKS root volume size {sorted(map(str, disks))}: set in a launch template, not read"
        )
    return {"eks": found}


def _replica_class(classes: list[str]) -> str:
    """The class the schema's one replica class is given: the most common of ``classes``,
    of equally common ones the largest (by memory, then vCPU; never by name, where
    ``db.r5.xlarge`` sorts after ``db.r5.4xlarge``)."""
    from collections import Counter

    from costmodel.architecture import instance_types

    table = instance_types().set_index("instance_type")

    def size(name: str) -> tuple[float, float]:
        if name not in table.index:
            return (0.0, 0.0)
        row = table.loc[name]
        row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
        return (float(row["memory_gib"]), float(row["vcpu"]))

    counts = Counter(classes)
    return max(counts, key=lambda name: (counts[name], size(name)))


def read_rds(client_for: Callable[[str, str], Any], region: str) -> dict[str, Found]:
    """RDS PostgreSQL: the primary with most read replicas, its storage and backups."""
    rds = client_for("rds", region)
    instances = aws.read_all(rds, "describe_db_instances", "DBInstances", "rds:DescribeDBInstances")
    found = Found()
    postgres = [i for i in instances if i.get("Engine") == "postgres"]
    for other in (i for i in instances if i.get("Engine") != "postgres"):
        found.notes.append(
            f"RDS {other['DBInstanceIdentifier']} ({other.get('Engine')}): only postgres is modelled"
        )
    primaries = [i for i in postgres if not i.get("ReadReplicaSourceDBInstanceIdentifier")]
    if not primaries:
        return {"rds": found} if found.notes else {}
    replicas_of = {
        p["DBInstanceIdentifier"]: [
            i for i in postgres if i.get("ReadReplicaSourceDBInstanceIdentifier") == p["DBInstanceIdentifier"]
        ]
        for p in primaries
    }
    primary = max(primaries, key=lambda p: len(replicas_of[p["DBInstanceIdentifier"]]))
    pid = primary["DBInstanceIdentifier"]
    for other in primaries:
        if other is not primary:
            found.notes.append(f"RDS {other['DBInstanceIdentifier']}: one primary ({pid}) is modelled")
    where = f"rds:DescribeDBInstances {pid}"
    replicas = replicas_of[pid]
    found.set("engine", "postgres", f"{where} Engine")
    found.set("instance_class", primary["DBInstanceClass"], f"{where} DBInstanceClass")
    found.set("multi_az", bool(primary.get("MultiAZ")), f"{where} MultiAZ")
    found.set("read_replicas", len(replicas), f"{where} ReadReplicaDBInstanceIdentifiers")
    if replicas:
        rwhere = "rds:DescribeDBInstances " + ", ".join(r["DBInstanceIdentifier"] for r in replicas)
        classes = {r["DBInstanceClass"] for r in replicas}
        if classes != {primary["DBInstanceClass"]}:
            chosen = _replica_class([r["DBInstanceClass"] for r in replicas])
            if len(classes) > 1:
                found.notes.append(
                    f"RDS replicas of {pid} have classes {sorted(classes)}: all are modelled as {chosen} "
                    "(the most common; of equally common ones the largest)"
                )
            found.set("replica_instance_class", chosen, f"{rwhere} DBInstanceClass")
        found.set("replica_multi_az", any(bool(r.get("MultiAZ")) for r in replicas), f"{rwhere} MultiAZ")
    storage = float(primary.get("AllocatedStorage", 0))
    found.set("storage_gb", storage, f"{where} AllocatedStorage")
    if primary.get("StorageType") != "gp3":
        found.notes.append(f"RDS {pid} storage type {primary.get('StorageType')}: priced as gp3")
    base_iops, base_throughput = gp3_baseline(storage)
    found.set(
        "iops",
        float(primary.get("Iops") or base_iops),
        f"{where} Iops" if primary.get("Iops") else f"gp3 baseline of {storage:g} GB (no Iops in {where})",
    )
    throughput = primary.get("StorageThroughput")
    found.set(
        "throughput_mibps",
        float(throughput or base_throughput),
        f"{where} StorageThroughput" if throughput else f"gp3 baseline of {storage:g} GB (none in {where})",
    )
    found.set(
        "backup_retention_days",
        int(primary.get("BackupRetentionPeriod", 0)),
        f"{where} BackupRetentionPeriod",
    )
    return {"rds": found}


def read_elasticache(client_for: Callable[[str, str], Any], region: str) -> dict[str, Found]:
    """ElastiCache Redis: the largest replication group's node type, shards and nodes."""
    cache = client_for("elasticache", region)
    groups = aws.read_all(
        cache, "describe_replication_groups", "ReplicationGroups", "elasticache:DescribeReplicationGroups"
    )
    if not groups:
        return {}
    found = Found()

    def nodes(group: dict) -> int:
        return sum(len(ng.get("NodeGroupMembers") or []) for ng in group.get("NodeGroups", [])) or len(
            group.get("MemberClusters", [])
        )

    group = max(groups, key=nodes)
    gid = group["ReplicationGroupId"]
    for other in groups:
        if other is not group:
            found.notes.append(
                f"ElastiCache {other['ReplicationGroupId']}: one replication group ({gid}) is modelled"
            )
    where = f"elasticache:DescribeReplicationGroups {gid}"
    found.set("engine", "redis", f"{where} (replication group)")
    found.set("node_type", group["CacheNodeType"], f"{where} CacheNodeType")
    found.set("node_count", nodes(group), f"{where} NodeGroups[].NodeGroupMembers")
    found.set("shards", max(len(group.get("NodeGroups", [])), 1), f"{where} NodeGroups")
    failover = group.get("AutomaticFailover")
    if failover in ("enabled", "disabled"):
        found.set("automatic_failover", failover == "enabled", f"{where} AutomaticFailover")
    if "SnapshotRetentionLimit" in group:
        found.notes.append(
            f"ElastiCache {gid} snapshot retention {group['SnapshotRetentionLimit']} day(s) ({where}); "
            "snapshot storage beyond the free one is a usage assumption (backup_storage_gb)"
        )
    return {"elasticache": found}


def read_msk(client_for: Callable[[str, str], Any], region: str) -> dict[str, Found]:
    """MSK provisioned clusters: broker type and count, storage and throughput per broker."""
    kafka = client_for("kafka", region)
    clusters = aws.read_all(kafka, "list_clusters_v2", "ClusterInfoList", "kafka:ListClustersV2")
    found = Found()
    provisioned = [c for c in clusters if c.get("Provisioned")]
    for other in (c for c in clusters if not c.get("Provisioned")):
        found.notes.append(f"MSK {other.get('ClusterName')} ({other.get('ClusterType')}): not modelled")
    if not provisioned:
        return {"msk": found} if found.notes else {}
    cluster = max(provisioned, key=lambda c: c["Provisioned"].get("NumberOfBrokerNodes", 0))
    for other in provisioned:
        if other is not cluster:
            found.notes.append(
                f"MSK {other['ClusterName']}: one cluster ({cluster['ClusterName']}) is modelled"
            )
    spec = cluster["Provisioned"]
    info = spec.get("BrokerNodeGroupInfo", {})
    ebs = info.get("StorageInfo", {}).get("EbsStorageInfo", {})
    where = f"kafka:ListClustersV2 {cluster['ClusterName']}"
    found.set("broker_type", info["InstanceType"], f"{where} BrokerNodeGroupInfo.InstanceType")
    found.set("broker_count", int(spec["NumberOfBrokerNodes"]), f"{where} NumberOfBrokerNodes")
    subnets = info.get("ClientSubnets") or []
    if len(subnets) in (2, 3):  # one subnet per AZ (MSK requires distinct AZs)
        found.set("availability_zones", len(subnets), f"{where} BrokerNodeGroupInfo.ClientSubnets")
    elif subnets:
        found.notes.append(
            f"MSK {cluster['ClusterName']}: {len(subnets)} client subnets (2 or 3 AZs modelled)"
        )
    if "VolumeSize" in ebs:
        found.set("storage_gb", float(ebs["VolumeSize"]), f"{where} EbsStorageInfo.VolumeSize")
    throughput = ebs.get("ProvisionedThroughput") or {}
    found.set(
        "provisioned_throughput_mibps",
        float(throughput.get("VolumeThroughput", 0)) if throughput.get("Enabled") else 0.0,
        f"{where} EbsStorageInfo.ProvisionedThroughput",
    )
    return {"msk": found}


def read_network(client_for: Callable[[str, str], Any], region: str) -> dict[str, Found]:
    """Counts: application load balancers, NAT gateways, hosted zones, health checks."""
    found = Found()
    denied: list[tuple[aws.Denied, tuple[str, ...]]] = []
    readers: list[tuple[str, Callable[[], int]]] = [
        ("load_balancers", lambda: _count_albs(client_for(("elbv2"), region), found)),
        (
            "nat_gateways",
            lambda: sum(
                1
                for g in aws.read_all(
                    client_for("ec2", region),
                    "describe_nat_gateways",
                    "NatGateways",
                    "ec2:DescribeNatGateways",
                )
                if g.get("State") == "available"
            ),
        ),
        (
            "hosted_zones",
            lambda: len(
                aws.read_all(
                    client_for("route53", GLOBAL_REGION),
                    "list_hosted_zones",
                    "HostedZones",
                    "route53:ListHostedZones",
                )
            ),
        ),
        (
            "health_checks",
            lambda: len(
                aws.read_all(
                    client_for("route53", GLOBAL_REGION),
                    "list_health_checks",
                    "HealthChecks",
                    "route53:ListHealthChecks",
                )
            ),
        ),
    ]
    sources = {
        "load_balancers": "elasticloadbalancing:DescribeLoadBalancers (Type application)",
        "nat_gateways": "ec2:DescribeNatGateways (State available)",
        "hosted_zones": "route53:ListHostedZones",
        "health_checks": "route53:ListHealthChecks",
    }
    for key, read in readers:
        try:
            found.set(key, read(), sources[key])
        except aws.Denied as exc:
            denied.append((exc, (key,)))
    try:
        cloudfront = aws.read_all(
            client_for("cloudfront", GLOBAL_REGION),
            "list_distributions",
            "DistributionList.Items",
            "cloudfront:ListDistributions",
        )
        found.notes.append(
            f"CloudFront: {len(cloudfront)} distribution(s) (cloudfront:ListDistributions); their traffic "
            "is a usage assumption (network.cloudfront_egress_gb)"
        )
    except aws.Denied as exc:
        denied.append((exc, ()))  # a note, no value of the schema
    if denied:
        raise _PartlyDenied({"network": found}, denied)
    return {"network": found}


def _count_albs(elbv2: Any, found: Found) -> int:
    balancers = aws.read_all(
        elbv2, "describe_load_balancers", "LoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"
    )
    others = [b["LoadBalancerName"] for b in balancers if b.get("Type") != "application"]
    if others:
        found.notes.append(f"load balancers not modelled (network or gateway): {', '.join(others)}")
    return len(balancers) - len(others)


def read_security(client_for: Callable[[str, str], Any], region: str) -> dict[str, Found]:
    """WAF web ACLs and their rules (regional, and CloudFront's in us-east-1); secrets."""
    found = Found()
    denied: list[tuple[aws.Denied, tuple[str, ...]]] = []
    try:
        waf = client_for("wafv2", region)
        scopes = [("REGIONAL", waf), ("CLOUDFRONT", client_for("wafv2", GLOBAL_REGION))]
        acls, rules = 0, 0
        for scope, waf_client in scopes:
            for acl in aws.read_all(waf_client, "list_web_acls", "WebACLs", "wafv2:ListWebACLs", Scope=scope):
                acls += 1
                got = aws.call(
                    waf_client, "get_web_acl", "wafv2:GetWebACL", Name=acl["Name"], Scope=scope, Id=acl["Id"]
                )
                rules += len(got["WebACL"].get("Rules", []))
        found.set("waf_web_acls", acls, "wafv2:ListWebACLs (REGIONAL and CLOUDFRONT)")
        found.set("waf_rules", rules, "wafv2:GetWebACL Rules")
    except aws.Denied as exc:
        denied.append((exc, ("waf_web_acls", "waf_rules")))
    try:
        secrets = aws.read_all(
            client_for("secretsmanager", region), "list_secrets", "SecretList", "secretsmanager:ListSecrets"
        )
        found.set("secrets", len(secrets), "secretsmanager:ListSecrets")
    except aws.Denied as exc:
        denied.append((exc, ("secrets",)))
    if denied:
        raise _PartlyDenied({"security": found}, denied)
    return {"security": found}


class _PartlyDenied(Exception):
    """A reader that got some of its values: keep them, list the denied reads (each with the
    keys of the section it would have given)."""

    def __init__(self, found: dict[str, Found], denied: list[tuple[aws.Denied, tuple[str, ...]]]):
        super().__init__("partly denied")
        self.found = found
        self.denied = denied


# Each reader with the section it writes (a denied read leaves that section unknown).
READERS: tuple[tuple[str, Reader], ...] = (
    ("eks", read_eks),
    ("rds", read_rds),
    ("elasticache", read_elasticache),
    ("msk", read_msk),
    ("network", read_network),  # ALB, NAT, Route 53, CloudFront
    ("security", read_security),  # WAF, Secrets Manager
)


def discover(profile: str | None = None, region: str = "us-east-1", aws_session: Any = None) -> Discovery:
    """Read what runs in ``region`` (read-only) into the architecture schema.

    Raises
    ------
    CostModelError
        No credentials, invalid ones, an unknown profile, or every read denied.
    """
    aws_session = aws_session if aws_session is not None else aws.session(profile)
    clients: dict[tuple[str, str], Any] = {}

    def client_for(service: str, where: str) -> Any:
        if (service, where) not in clients:
            clients[(service, where)] = aws.client(aws_session, service, where)
        return clients[(service, where)]

    account = aws.call(client_for("sts", region), "get_caller_identity", "sts:GetCallerIdentity")["Account"]
    sections: dict[str, Found] = {}
    not_read: list[str] = []
    unread: list[str] = []
    for section, reader in READERS:
        try:
            sections |= reader(client_for, region)
        except _PartlyDenied as partly:
            sections |= {k: v for k, v in partly.found.items() if v.values or v.notes}
            not_read.extend(f"{d.what} ({d.code})" for d, _ in partly.denied)
            unread.extend(f"{section}.{key}" for _, keys in partly.denied for key in keys)
        except aws.Denied as denied:
            not_read.append(f"{denied.what} ({denied.code})")
            unread.append(section)
    if not_read and not any(f.values for f in sections.values()):
        raise CostModelError(
            f"access denied to every read: {'; '.join(not_read)} (see the README's IAM policy)"
        )
    not_modelled = [note for found in sections.values() for note in found.notes]
    return Discovery(str(account), region, sections, not_read, not_modelled, unread)


def _scalar(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True).removesuffix("\n...\n").strip()


def to_yaml(found: Discovery) -> str:
    """The discovery as an architecture file: each value with its source as a comment.

    The text is validated as an architecture before it is returned (a file ``costmodel
    estimate`` would refuse is never written).
    """
    raw = found.raw()
    architecture_from_dict(raw, origin=f"discovered {found.region}")
    lines = [
        f"# What runs in account {found.account}, {found.region}: written by `costmodel discover`",
        "# (read-only calls).",
        "# Each value names the API call it came from. Usage assumptions (traffic, logs, backups",
        "# beyond the free ones) are not deployed configuration: add them, or the defaults apply.",
    ]
    for title, items in (
        ("Could not read", found.not_read),
        ("Runs but is not modelled", found.not_modelled),
    ):
        if items:
            lines.append(f"# {title}:")
            lines.extend(f"#   - {item}" for item in items)
    for key in ("name", "region", "source"):
        lines.append(f"{key}: {_scalar(raw[key])}")
    if "not_read" in raw:
        lines.append(f"not_read: {_scalar(raw['not_read'])}  # access denied: unknown, not absent")
    for section in SCHEMA:
        if section not in raw:
            continue
        lines.append(f"\n{section}:")
        for key, value in raw[section].items():
            lines.append(f"  {key}: {_scalar(value)}  # {found.sections[section].sources[key]}")
    return "\n".join(lines) + "\n"


__all__ = ["Discovery", "Found", "discover", "to_yaml"]
