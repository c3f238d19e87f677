"""Amazon CloudWatch: custom metrics, logs (ingestion, storage, Insights) and alarms."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel.service_names import CE_CLOUDWATCH, CE_XRAY
from costmodel.services._items import component
from costmodel.usage_types import usage_type


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of the ``observability`` section.

    Parameters
    ----------
    spec : dict
        ``custom_metrics`` [metrics], ``log_ingest_gb`` [GB/month], ``log_storage_gb`` [GB],
        ``insights_scanned_gb`` [GB/month], ``alarms`` [alarms].
    region : str
    hours : float
        Unused: CloudWatch charges per month or per GB.
    """
    rows = [
        ("Custom metrics", "CW:MetricMonitorUsage", False, "metric-Mo", spec["custom_metrics"]),
        ("Logs ingestion", "DataProcessing-Bytes", True, "GB", spec["log_ingest_gb"]),
        ("Logs storage", "TimedStorage-ByteHrs", True, "GB-Mo", spec["log_storage_gb"]),
        (
            "Logs Insights data scanned",
            "DataScanned-Bytes",
            True,
            "GB",
            spec["insights_scanned_gb"],
        ),
        ("Standard alarms", "CW:AlarmMonitorUsage", False, "alarm-Mo", spec["alarms"]),
    ]
    return _cloudwatch(rows, region) + xray(spec, region)


def xray(spec: dict, region: str) -> list[dict]:
    """X-Ray traces recorded and retrieved or scanned [1M traces]; the monthly free tier
    (100,000 recorded, 1,000,000 retrieved) is the catalog's first, free price tier."""
    rows = [
        ("Traces recorded", "XRay-TracesStored", spec["xray_traces_recorded_millions"]),
        ("Traces retrieved or scanned", "XRay-TracesAccessed", spec["xray_traces_retrieved_millions"]),
    ]
    return [
        component(
            service=CE_XRAY,
            service_code="AWSXRay",
            resource="xray",
            component=name,
            category=cat.X_RAY,
            unit="1M traces",
            quantity=qty,
            region=region,
            usage_type=usage_type(region, base, prefixed_in_us_east_1=True),
        )
        for name, base, qty in rows
        if qty > 0
    ]


def _cloudwatch(rows: list[tuple], region: str) -> list[dict]:
    return [
        component(
            service=CE_CLOUDWATCH,
            service_code="AmazonCloudWatch",
            resource="cloudwatch",
            component=name,
            category=cat.CLOUDWATCH,
            unit=unit,
            quantity=qty,
            region=region,
            usage_type=usage_type(region, base, prefixed_in_us_east_1=prefixed),
        )
        for name, base, prefixed, unit, qty in rows
        if qty > 0
    ]
