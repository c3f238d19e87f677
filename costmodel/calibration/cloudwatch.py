"""CloudWatch metrics through ``GetMetricData`` (read-only), cached per account, saved to a file.

The metrics the load relations need (:data:`METRICS`) are found with ``ListMetrics`` (so no
resource name has to be typed), then read hourly with ``GetMetricData``: up to 500 queries
a call, ``NextToken`` pages, standard retry mode. Each call's pages are cached under the AWS
account, the endpoint and the request, as Cost Explorer responses are
(:mod:`costmodel.actuals.fetching`); a period that ended less than a day ago is not cached
(CloudWatch may still add datapoints). The saved file (``--save-metrics``) is what
``calibrate --metrics`` and ``backtest-capacity --metrics`` read offline.

Saved format: ``{"format": "costmodel-cloudwatch-1", "account", "region", "period",
"start", "end", "series": [{"namespace", "metric", "stat", "dimensions": {name: value},
"timestamps": [ISO 8601 UTC], "values": [...]}]}``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from costmodel.account import aws
from costmodel.errors import CostModelError, InputError
from costmodel.files import atomic_write_bytes, atomic_write_text, private_cache_dir
from costmodel.inputs import load_json, parse_day

FORMAT = "costmodel-cloudwatch-1"
PERIOD = 3600  # [s]: hourly, the billing granularity of node-hours
MAX_QUERIES = 500  # GetMetricData's limit per call


@dataclass(frozen=True)
class Metric:
    """A metric the calibration reads, and the dimension names of the series it wants."""

    namespace: str
    name: str
    stat: str
    dimensions: tuple[str, ...]


METRICS = (
    Metric("AWS/ApplicationELB", "RequestCount", "Sum", ("LoadBalancer",)),
    Metric("ContainerInsights", "cluster_node_count", "Average", ("ClusterName",)),
    Metric("ContainerInsights", "node_cpu_utilization", "Average", ("ClusterName",)),
    Metric("ContainerInsights", "node_memory_utilization", "Average", ("ClusterName",)),
    *(
        Metric("AWS/RDS", name, "Average", ("DBInstanceIdentifier",))
        for name in ("CPUUtilization", "ReadIOPS", "WriteIOPS", "DatabaseConnections", "FreeStorageSpace")
    ),
    Metric("AWS/ElastiCache", "EngineCPUUtilization", "Average", ("CacheClusterId",)),
    Metric("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Average", ("CacheClusterId",)),
    Metric("AWS/Kafka", "BytesInPerSec", "Average", ("Cluster Name", "Broker ID")),
    Metric("AWS/Kafka", "KafkaDataLogsDiskUsed", "Average", ("Cluster Name", "Broker ID")),
)
IAM_ACTIONS = ("cloudwatch:ListMetrics", "cloudwatch:GetMetricData", "sts:GetCallerIdentity")


def default_cache_dir() -> Path:
    """The Cost Explorer cache's folder, ``cloudwatch/`` beside its ``ce/``."""
    from costmodel.actuals.fetching import default_cache_dir as ce_cache

    return ce_cache().parent / "cloudwatch"


def _cache_key(request: dict, account: str, endpoint: str | None) -> str:
    canonical = json.dumps(
        {"account": account, "endpoint": endpoint or "", "request": request}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _queries(series: list[dict]) -> list[dict]:
    return [
        {
            "Id": f"m{i}",
            "MetricStat": {
                "Metric": {
                    "Namespace": s["namespace"],
                    "MetricName": s["metric"],
                    "Dimensions": [{"Name": k, "Value": v} for k, v in s["dimensions"].items()],
                },
                "Period": PERIOD,
                "Stat": s["stat"],
            },
            "ReturnData": True,
        }
        for i, s in enumerate(series)
    ]


def _list_series(cw: Any) -> list[dict]:
    """Every series of :data:`METRICS` the account has (ListMetrics, all pages)."""
    found = []
    for metric in METRICS:
        listed = aws.read_all(
            cw,
            "list_metrics",
            "Metrics",
            f"cloudwatch:ListMetrics {metric.namespace} {metric.name}",
            Namespace=metric.namespace,
            MetricName=metric.name,
        )
        for item in listed:
            dims = {d["Name"]: d["Value"] for d in item.get("Dimensions", [])}
            if tuple(sorted(dims)) == tuple(sorted(metric.dimensions)):
                found.append(
                    {
                        "namespace": metric.namespace,
                        "metric": metric.name,
                        "stat": metric.stat,
                        "dimensions": dims,
                    }
                )
    return sorted(found, key=lambda s: json.dumps(s, sort_keys=True))


def get_metric_data(cw: Any, request: dict) -> list[dict]:
    """All pages of one GetMetricData request (NextToken loop), metadata dropped."""
    pages: list[dict] = []
    extra: dict[str, str] = {}
    for _ in range(aws.MAX_PAGES):
        response = aws.call(cw, "get_metric_data", "cloudwatch:GetMetricData", **request, **extra)
        response.pop("ResponseMetadata", None)
        pages.append(json.loads(json.dumps(response, default=_iso)))
        if not response.get("NextToken"):
            return pages
        extra = {"NextToken": response["NextToken"]}
    raise CostModelError(f"cloudwatch:GetMetricData: more than {aws.MAX_PAGES} pages: shorten the period")


def _iso(value: Any) -> str:
    return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _cached(path: Path) -> list[dict] | None:
    """A cache entry's pages, or None (with a warning on stderr) when it is unreadable."""
    import sys

    try:
        pages = load_json(path.read_text(encoding="utf-8"), path.name)
    except (OSError, UnicodeDecodeError, CostModelError) as exc:
        print(
            f"costmodel: warning: cache entry {path} is unreadable ({exc}); fetching again", file=sys.stderr
        )
        return None
    if not isinstance(pages, list) or not all(isinstance(p, dict) for p in pages):
        print(f"costmodel: warning: cache entry {path} is not saved pages; fetching again", file=sys.stderr)
        return None
    return pages


def fetch(
    start: str,
    end: str,
    profile: str | None = None,
    region: str = "us-east-1",
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    aws_session: Any = None,
) -> dict:
    """The hourly series of :data:`METRICS` in [start, end), in the saved format."""
    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    if last <= first:
        raise InputError(f"--end {end} must be after --start {start} (the end is exclusive)")
    aws_session = aws_session if aws_session is not None else aws.session(profile)
    account = str(
        aws.call(aws.client(aws_session, "sts", region), "get_caller_identity", "sts:GetCallerIdentity")[
            "Account"
        ]
    )
    cw = aws.client(aws_session, "cloudwatch", region)
    series = _list_series(cw)
    if not series:
        raise CostModelError(
            f"CloudWatch in {region} has none of the metrics calibrate reads "
            f"({', '.join(sorted({m.name for m in METRICS}))})"
        )
    cache = private_cache_dir("cloudwatch", cache_dir or None) if use_cache else None
    final = last < pd.Timestamp.now(tz="UTC").tz_localize(None) - pd.Timedelta(days=1)
    values: dict[str, dict[str, float]] = {}
    for offset in range(0, len(series), MAX_QUERIES):
        request = {
            "MetricDataQueries": _queries(series[offset : offset + MAX_QUERIES]),
            "StartTime": f"{first.date()}T00:00:00Z",
            "EndTime": f"{last.date()}T00:00:00Z",
            "ScanBy": "TimestampAscending",
        }
        path = cache / f"{_cache_key(request, account, cw.meta.endpoint_url)}.json" if cache else None
        pages = _cached(path) if path is not None and path.exists() else None
        if pages is None:
            pages = get_metric_data(cw, request)
            if path is not None and final:
                atomic_write_text(path, json.dumps(pages), private=True)
        for page in pages:
            for result in page.get("MetricDataResults", []):
                index = offset + int(result["Id"][1:])
                points = values.setdefault(str(index), {})
                points.update(zip(map(_iso, result["Timestamps"]), map(float, result["Values"]), strict=True))
    saved = []
    for i, s in enumerate(series):
        points = values.get(str(i), {})
        stamps = sorted(points)
        saved.append(s | {"timestamps": stamps, "values": [points[t] for t in stamps]})
    return {
        "format": FORMAT,
        "account": account,
        "region": region,
        "period": PERIOD,
        "start": str(first.date()),
        "end": str(last.date()),
        "series": saved,
    }


def save(payload: dict, out: str | Path) -> Path:
    """Write fetched metrics atomically, 0600 as every file of account data (gzip when ``out``
    ends in .gz)."""
    text = json.dumps(payload, separators=(",", ":"))
    if str(out).endswith(".gz"):
        return atomic_write_bytes(out, gzip.compress(text.encode(), mtime=0), private=True)
    return atomic_write_text(out, text, private=True)


def read(path: str | Path) -> dict:
    """A saved metrics file, checked: format, series with as many timestamps as values."""
    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the metrics file {source}: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputError(f"{source}: not a readable gzip file ({exc})") from None
    payload = load_json(raw.decode("utf-8"), source.name)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise InputError(f"{source}: not a costmodel CloudWatch metrics file (format {FORMAT} expected)")
    for i, s in enumerate(payload.get("series", [])):
        if not isinstance(s, dict) or len(s.get("timestamps", [])) != len(s.get("values", [0])):
            raise InputError(f"{source}: series[{i}] must have as many timestamps as values")
    return payload


def hourly(payload: dict, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """The series as an hourly table (UTC hours, naive), one column per series named
    ``metric[dimension values]``, restricted to [start, end) when given."""
    columns = {}
    for s in payload["series"]:
        name = f"{s['metric']}[{'/'.join(s['dimensions'].values())}]"
        index = pd.to_datetime(s["timestamps"], utc=True).tz_localize(None)
        columns[name] = pd.Series(np.asarray(s["values"], dtype=float), index=index)
    frame = pd.DataFrame(columns).sort_index()
    if start is not None:
        frame = frame.loc[frame.index >= parse_day(start, "--start")]
    if end is not None:
        frame = frame.loc[frame.index < parse_day(end, "--end")]
    return frame


def series_of(payload: dict, metric: str) -> dict[str, pd.Series]:
    """The hourly series of one metric, keyed by their dimension values joined by ``/``."""
    out = {}
    for s in payload["series"]:
        if s["metric"] == metric:
            index = pd.to_datetime(s["timestamps"], utc=True).tz_localize(None)
            out["/".join(s["dimensions"].values())] = pd.Series(
                np.asarray(s["values"], dtype=float), index=index
            )
    return out


__all__ = ["IAM_ACTIONS", "METRICS", "fetch", "hourly", "read", "save", "series_of"]
