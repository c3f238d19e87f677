"""Amazon S3: storage by class, requests, Intelligent-Tiering monitoring, lifecycle transitions."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel.services._items import CE_S3, component, usage_type

# Usage types per storage class (us-east-1 forms, no prefix there).
STORAGE_USAGE = {
    "standard": ("TimedStorage-ByteHrs", cat.S3_STANDARD),
    "standard_ia": ("TimedStorage-SIA-ByteHrs", cat.S3_STANDARD_IA),
    "one_zone_ia": ("TimedStorage-ZIA-ByteHrs", cat.S3_ONE_ZONE_IA),
    "glacier_flexible": ("TimedStorage-GlacierByteHrs", cat.S3_GLACIER_FLEXIBLE),
    "glacier_deep_archive": ("TimedStorage-GDA-ByteHrs", cat.S3_GLACIER_DEEP_ARCHIVE),
}
# PUT-class and GET-class request usage types. Intelligent-Tiering requests are priced as
# Standard. Lifecycle transitions are charged at the PUT rate of the destination class
# (AWS S3 pricing, "Requests & data retrievals").
PUT_USAGE = {
    "standard": "Requests-Tier1",
    "intelligent_tiering": "Requests-Tier1",
    "standard_ia": "Requests-SIA-Tier1",
    "one_zone_ia": "Requests-ZIA-Tier1",
    "glacier_flexible": "Requests-GLACIER-Tier1",
    "glacier_deep_archive": "Requests-GDA-Tier1",
}
GET_USAGE = {
    "standard": "Requests-Tier2",
    "intelligent_tiering": "Requests-Tier2",
    "standard_ia": "Requests-SIA-Tier2",
    "one_zone_ia": "Requests-ZIA-Tier2",
    "glacier_flexible": "Requests-GLACIER-Tier2",
    "glacier_deep_archive": "Requests-GDA-Tier2",
}


def bucket_components(bucket: dict, region: str) -> list[dict]:
    """Line items of one bucket.

    Parameters
    ----------
    bucket : dict
        ``name``, ``storage_class``, ``storage_gb`` [GB], ``frequent_access_pct`` [%]
        (Intelligent-Tiering), ``objects_thousands`` [1K objects],
        ``monthly_put_requests``, ``monthly_get_requests``, ``monthly_transitions`` [requests].
    region : str
    """
    name, cls = bucket["name"], bucket["storage_class"]

    def item(comp: str, category: cat.Category, base: str, unit: str, qty: float) -> dict:
        return component(
            service=CE_S3,
            service_code="AmazonS3",
            resource=name,
            component=comp,
            category=category,
            unit=unit,
            quantity=qty,
            region=region,
            usage_type=usage_type(region, base, prefixed_in_us_east_1=False),
        )

    items = []
    if cls == "intelligent_tiering":
        frequent = bucket["storage_gb"] * bucket["frequent_access_pct"] / 100
        items.append(
            item(
                "Storage (Intelligent-Tiering, frequent access)",
                cat.S3_INTELLIGENT_TIERING,
                "TimedStorage-INT-FA-ByteHrs",
                "GB-Mo",
                frequent,
            )
        )
        items.append(
            item(
                "Storage (Intelligent-Tiering, infrequent access)",
                cat.S3_INTELLIGENT_TIERING,
                "TimedStorage-INT-IA-ByteHrs",
                "GB-Mo",
                bucket["storage_gb"] - frequent,
            )
        )
        items.append(
            item(
                "Monitoring and automation",
                cat.S3_INTELLIGENT_TIERING,
                "Monitoring-Automation-INT",
                "1K objects",
                bucket["objects_thousands"],
            )
        )
    else:
        base, label = STORAGE_USAGE[cls]
        items.append(item(f"Storage ({label})", label, base, "GB-Mo", bucket["storage_gb"]))
    category = cat.S3_REQUESTS
    if bucket["monthly_put_requests"] > 0:
        items.append(
            item(
                "PUT/COPY/POST/LIST requests",
                category,
                PUT_USAGE[cls],
                "1K requests",
                bucket["monthly_put_requests"] / 1000,
            )
        )
    if bucket["monthly_get_requests"] > 0:
        items.append(
            item(
                "GET/SELECT requests",
                category,
                GET_USAGE[cls],
                "1K requests",
                bucket["monthly_get_requests"] / 1000,
            )
        )
    if bucket["monthly_transitions"] > 0:
        items.append(
            item(
                "Lifecycle transitions into this class",
                category,
                PUT_USAGE[cls],
                "1K requests",
                bucket["monthly_transitions"] / 1000,
            )
        )
    return items


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of every bucket in the ``s3`` section (``hours`` unused: storage is per month)."""
    return [item for bucket in spec["buckets"] for item in bucket_components(bucket, region)]
