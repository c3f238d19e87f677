"""The observed load and utilization, hour by hour, from saved CloudWatch metrics.

One column per quantity the fits use, aggregated over the resources that carry it:
requests are summed over load balancers; the node group, the database primary, the cache
node and the Kafka cluster are each the busiest one (the one capacity steps on first), and
:func:`observations` says which was taken.
"""

from __future__ import annotations

import pandas as pd

from costmodel.calibration.cloudwatch import PERIOD, series_of
from costmodel.errors import InputError
from costmodel.inputs import parse_day

GB = 1e9  # FreeStorageSpace is in bytes; RDS storage is allocated in GB
MIB = 1024**2


def _busiest(series: dict[str, pd.Series]) -> tuple[str, pd.Series] | None:
    if not series:
        return None
    name = max(series, key=lambda k: float(series[k].mean()))
    return name, series[name]


def observations(
    payload: dict, start: str | None = None, end: str | None = None
) -> tuple[pd.DataFrame, dict]:
    """(hourly table, {quantity: the series it came from}) in [start, end).

    Columns (absent when the account has no such metric): ``requests_per_s``, ``nodes``,
    ``node_cpu_pct``, ``node_memory_pct``, ``rds_cpu_pct``, ``rds_free_storage_gb``,
    ``cache_cpu_pct``, ``cache_memory_pct``, ``kafka_bytes_in_per_s`` (all brokers),
    ``kafka_disk_used_pct`` (mean of the brokers).
    """
    requests = series_of(payload, "RequestCount")
    if not requests:
        raise InputError("the metrics have no ALB RequestCount: the load cannot be observed")
    columns: dict[str, pd.Series] = {
        "requests_per_s": pd.concat(requests, axis=1).sum(axis=1, min_count=1) / PERIOD
    }
    origin = {"requests_per_s": "RequestCount[" + ", ".join(sorted(requests)) + "] / 3600 s"}
    cluster = _busiest(series_of(payload, "cluster_node_count"))
    if cluster:
        name = cluster[0]
        for column, metric in (
            ("nodes", "cluster_node_count"),
            ("node_cpu_pct", "node_cpu_utilization"),
            ("node_memory_pct", "node_memory_utilization"),
        ):
            found = series_of(payload, metric).get(name)
            if found is not None:
                columns[column], origin[column] = found, f"{metric}[{name}]"
    # the primary writes: the instance with the most WriteIOPS
    primary = _busiest(series_of(payload, "WriteIOPS"))
    if primary:
        name = primary[0]
        for column, metric, scale in (
            ("rds_cpu_pct", "CPUUtilization", 1.0),
            ("rds_free_storage_gb", "FreeStorageSpace", 1 / GB),
        ):
            found = series_of(payload, metric).get(name)
            if found is not None:
                columns[column], origin[column] = found * scale, f"{metric}[{name}]"
    cache_cpu = _busiest(series_of(payload, "EngineCPUUtilization"))
    if cache_cpu:
        columns["cache_cpu_pct"], origin["cache_cpu_pct"] = (
            cache_cpu[1],
            f"EngineCPUUtilization[{cache_cpu[0]}]",
        )
    cache_memory = _busiest(series_of(payload, "DatabaseMemoryUsagePercentage"))
    if cache_memory:
        columns["cache_memory_pct"] = cache_memory[1]
        origin["cache_memory_pct"] = f"DatabaseMemoryUsagePercentage[{cache_memory[0]}]"
    brokers = series_of(payload, "BytesInPerSec")
    if brokers:
        columns["kafka_bytes_in_per_s"] = pd.concat(brokers, axis=1).sum(axis=1, min_count=len(brokers))
        origin["kafka_bytes_in_per_s"] = f"BytesInPerSec[{', '.join(sorted(brokers))}] summed"
    disks = series_of(payload, "KafkaDataLogsDiskUsed")
    if disks:
        columns["kafka_disk_used_pct"] = pd.concat(disks, axis=1).mean(axis=1)
        origin["kafka_disk_used_pct"] = f"KafkaDataLogsDiskUsed[{', '.join(sorted(disks))}] mean"
    frame = pd.DataFrame(columns).sort_index()
    if start is not None:
        frame = frame.loc[frame.index >= parse_day(start, "--start")]
    if end is not None:
        frame = frame.loc[frame.index < parse_day(end, "--end")]
    if frame["requests_per_s"].dropna().empty:
        raise InputError(f"the metrics have no RequestCount between {start} and {end}")
    return frame, origin


def month_load(payload: dict, month: str) -> pd.Series:
    """Requests/s in every hour of ``month``; refused when an hour has no datapoint."""
    period = pd.Period(month, "M")
    hours = pd.date_range(period.start_time, period.end_time.floor("h"), freq="h")
    frame, _ = observations(payload)
    load = frame["requests_per_s"].reindex(hours)
    missing = int(load.isna().sum())
    if missing:
        first = load.index[load.isna()][0]
        raise InputError(
            f"the metrics have no RequestCount for {missing} of {len(hours)} hours of {month} "
            f"(the first {first:%Y-%m-%d %H:00}): a backtest needs every hour"
        )
    return load


__all__ = ["month_load", "observations"]
