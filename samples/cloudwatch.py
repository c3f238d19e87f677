"""The CloudWatch sample (SYNTHETIC): hourly metrics from a load curve with known parameters.

The load is the one the bill's simulator scaled the node group by
(:func:`samples.bill.node_hours`): a floor of 3 nodes' worth of requests, a
daytime half-sine (07:00-21:00 UTC) whose amplitude grows 4% a month, halved on weekends,
plus noise, here in requests/s at :data:`TRUTH` ``requests_per_node`` per node. The noise
is a new draw, not the bill's: hour by hour the load and the billed nodes disagree as an
autoscaler's lag and a noisy service would make them. ``cluster_node_count`` is the bill's
own hourly node count (the CUR sample's line items): the nodes that ran are the nodes
billed. Every other metric is a linear relation of the load with the parameters in
:data:`TRUTH` and Gaussian noise, so that ``costmodel calibrate`` can be checked to
recover them within its stated intervals.

``python -m samples --out-dir data`` writes it (``data/cloudwatch/``) after the CUR sample.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.calibration.cloudwatch import FORMAT, PERIOD, save
from costmodel.data_files import data_path

from samples.bill import DEFAULT_MONTHS
from samples.cur import PAYER

MONTHS = ("2026-08", "2026-09", "2026-10")
SEED = 2511
# The parameters the sample is generated with: what calibrate has to recover.
TRUTH = {
    "requests_per_node": 2000.0,  # [requests/s per node]: 10 pods of a c5.2xlarge x 200 requests/s
    "requests_per_pod": 200.0,  # [requests/s]: a pod's 0.5 vCPU request / 0.0025 vCPU per request/s
    "vcpu_per_request": 0.0025,  # [vCPU per request/s]
    "node_base_vcpu": 0.25,  # [vCPU]: DaemonSets and the kubelet
    "node_memory_gib_per_krps": 3.0,  # [GiB per 1,000 requests/s on a node]
    "node_base_memory_gib": 1.5,  # [GiB]
    "trough_nodes": 3.0,  # the floor of the load [nodes' worth]
    "amplitude_nodes_2026_06": 3.5,  # daytime amplitude in June [nodes' worth], as the bill's
    "monthly_growth": 1.04,  # of the daytime amplitude, per month
    "weekend_factor": 0.5,
    "noise_nodes": 0.4,  # [nodes' worth], standard deviation per hour
    "rds_cpu_base_pct": 10.0,  # [%]
    "rds_cpu_pct_per_krps": 2.5,  # [% per 1,000 requests/s] on the primary
    "rds_storage_used_gb_2026_08_01": 600.0,  # [GB] of 1,000 allocated
    "rds_storage_growth_gb_per_day": 0.5,  # [GB/day]
    "hot_dataset_gb_2026_08_01": 12.0,  # [GB] in Redis
    "hot_dataset_growth_gb_per_day": 0.02,  # [GB/day]
    "cache_cpu_base_pct": 4.0,
    "cache_cpu_pct_per_krps": 1.2,  # [% per 1,000 requests/s]
    "kafka_bytes_per_request": 150.0,  # [bytes produced per request]
}
NODE_VCPU, NODE_MEMORY_GIB = 8.0, 16.0  # c5.2xlarge
CACHE_MEMORY_GIB = 26.32  # cache.r6g.xlarge (data/instance_types.csv)
CACHE_OVERHEAD = 0.2  # keys and fragmentation, as costmodel.scaling.elasticache.shards
KAFKA_BROKERS, KAFKA_STORAGE_GIB, KAFKA_RETENTION_H, KAFKA_RF = 3, 1000.0, 72, 3
REPLICA_ADDED = pd.Timestamp("2026-09-15")  # the bill's third read replica
ALB = "app/prod-alb/50dc6c495c0c9188"


def load_curve(hours: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Requests per second in each hour [requests/s] (the bill simulator's node curve, unclipped)."""
    month_index = np.array([DEFAULT_MONTHS.index(h.strftime("%Y-%m")) for h in hours])
    amplitude = TRUTH["amplitude_nodes_2026_06"] * TRUTH["monthly_growth"] ** month_index
    daily = np.clip(np.sin((hours.hour.to_numpy() - 7) / 14 * np.pi), 0, None)
    weekday = np.where(hours.day_of_week.to_numpy() >= 5, TRUTH["weekend_factor"], 1.0)
    nodes = (
        TRUTH["trough_nodes"] + amplitude * daily * weekday + rng.normal(0, TRUTH["noise_nodes"], len(hours))
    )
    return TRUTH["requests_per_node"] * nodes


def billed_nodes(months: tuple[str, ...], cur: str | Path | None = None) -> pd.Series:
    """The CUR sample's c5.2xlarge instances running each hour [nodes]."""
    from costmodel.lineitems import hourly_instances, open_files

    source = open_files(str(cur or data_path("actuals", "cur2-2026-06..2026-10.parquet")))
    parts = [hourly_instances(source, m, "c5.2xlarge").set_index("hour")["instances"] for m in months]
    return pd.concat(parts)


def _series(
    namespace: str, metric: str, stat: str, dims: dict, hours: pd.DatetimeIndex, values: np.ndarray
) -> dict:
    keep = ~np.isnan(values)
    return {
        "namespace": namespace,
        "metric": metric,
        "stat": stat,
        "dimensions": dims,
        "timestamps": [h.strftime("%Y-%m-%dT%H:%M:%SZ") for h in hours[keep]],
        "values": [float(f"{v:.6g}") for v in values[keep]],
    }


def sample(months: tuple[str, ...] = MONTHS, seed: int = SEED, cur: str | Path | None = None) -> dict:
    """The sample in the saved metrics format of :mod:`costmodel.calibration.cloudwatch`;
    ``cur``: the CUR export whose node-hours it follows (default: the bundled sample)."""
    rng = np.random.default_rng(seed)
    nodes = billed_nodes(months, cur)
    hours = pd.DatetimeIndex(nodes.index)
    n = nodes.to_numpy()
    requests = load_curve(hours, rng)
    per_node = requests / n
    days = (hours - pd.Timestamp("2026-08-01")) / pd.Timedelta(days=1)
    noise = lambda sd: rng.normal(0, sd, len(hours))  # noqa: E731
    t = TRUTH
    cpu = 100 * (t["node_base_vcpu"] + t["vcpu_per_request"] * per_node) / NODE_VCPU + noise(1.0)
    memory = (
        100 * (t["node_base_memory_gib"] + t["node_memory_gib_per_krps"] * per_node / 1000) / NODE_MEMORY_GIB
    )
    eks = {"ClusterName": "prod-eks"}
    out = [
        _series("AWS/ApplicationELB", "RequestCount", "Sum", {"LoadBalancer": ALB}, hours, requests * PERIOD),
        _series("ContainerInsights", "cluster_node_count", "Average", eks, hours, n.astype(float)),
        _series("ContainerInsights", "node_cpu_utilization", "Average", eks, hours, cpu),
        _series("ContainerInsights", "node_memory_utilization", "Average", eks, hours, memory + noise(0.5)),
    ]
    krps = requests / 1000
    primary = {"DBInstanceIdentifier": "prod-postgres"}
    used = t["rds_storage_used_gb_2026_08_01"] + t["rds_storage_growth_gb_per_day"] * days
    out += [
        _series(
            "AWS/RDS",
            "CPUUtilization",
            "Average",
            primary,
            hours,
            t["rds_cpu_base_pct"] + t["rds_cpu_pct_per_krps"] * krps + noise(1.5),
        ),
        _series("AWS/RDS", "WriteIOPS", "Average", primary, hours, 300 + 0.25 * requests + noise(50)),
        _series("AWS/RDS", "ReadIOPS", "Average", primary, hours, 150 + 0.1 * requests + noise(30)),
        _series("AWS/RDS", "DatabaseConnections", "Average", primary, hours, np.round(50 + 0.01 * requests)),
        _series("AWS/RDS", "FreeStorageSpace", "Average", primary, hours, (1000 - used + noise(0.2)) * 1e9),
    ]
    replicas = np.where(hours >= REPLICA_ADDED, 3, 2)
    for i in (1, 2, 3):
        active = (replicas >= i).astype(float)
        active[active == 0] = np.nan
        cpu_replica = (5 + 3.0 * krps / replicas + noise(1.0)) * active
        ids = {"DBInstanceIdentifier": f"prod-postgres-replica-{i}"}
        out.append(_series("AWS/RDS", "CPUUtilization", "Average", ids, hours, cpu_replica))
    dataset = t["hot_dataset_gb_2026_08_01"] + t["hot_dataset_growth_gb_per_day"] * days
    for i in (1, 2, 3):
        ids = {"CacheClusterId": f"prod-redis-00{i}"}
        pct = 100 * dataset * (1 + CACHE_OVERHEAD) / CACHE_MEMORY_GIB + noise(0.1)
        engine = (
            t["cache_cpu_base_pct"] + t["cache_cpu_pct_per_krps"] * krps * (1 if i == 1 else 0.5) + noise(0.8)
        )
        out.append(_series("AWS/ElastiCache", "EngineCPUUtilization", "Average", ids, hours, engine))
        out.append(_series("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Average", ids, hours, pct))
    bytes_in = t["kafka_bytes_per_request"] * requests * (1 + noise(0.03))
    retained = pd.Series(bytes_in).rolling(KAFKA_RETENTION_H, min_periods=1).sum().to_numpy() * 3600
    disk_pct = 100 * retained * KAFKA_RF / KAFKA_BROKERS / (KAFKA_STORAGE_GIB * 1024**3) + 2.0
    for broker in range(1, KAFKA_BROKERS + 1):
        ids = {"Cluster Name": "prod-msk", "Broker ID": str(broker)}
        share = bytes_in / KAFKA_BROKERS * (1 + noise(0.02))
        out.append(_series("AWS/Kafka", "BytesInPerSec", "Average", ids, hours, share))
        out.append(
            _series("AWS/Kafka", "KafkaDataLogsDiskUsed", "Average", ids, hours, disk_pct + noise(0.05))
        )
    start = pd.Period(months[0], "M").start_time
    end = pd.Period(months[-1], "M").end_time.ceil("D")
    return {
        "format": FORMAT,
        "synthetic": "SYNTHETIC: costmodel.samples.cloudwatch, parameters in its TRUTH",
        "account": PAYER,
        "region": "us-east-1",
        "period": PERIOD,
        "start": str(start.date()),
        "end": str(end.date()),
        "series": out,
    }


def write(out_dir: str | Path, cur: str | Path | None = None) -> Path:
    """Write the shipped sample into ``out_dir`` (made if missing)."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    return save(sample(cur=cur), Path(out_dir) / f"cw-{MONTHS[0]}..{MONTHS[-1]}.json.gz")


__all__ = ["TRUTH", "load_curve", "sample", "write"]
