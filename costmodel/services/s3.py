"""Amazon S3: storage by class, requests, Intelligent-Tiering monitoring, lifecycle transitions."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel.service_names import CE_S3
from costmodel.services._items import component
from costmodel.usage_types import usage_type

# Usage types per storage class (us-east-1 forms, no prefix there).
STORAGE_USAGE = {
    "standard": ("TimedStorage-ByteHrs", cat.S3_STANDARD),
    "standard_ia": ("TimedStorage-SIA-ByteHrs", cat.S3_STANDARD_IA),
    "one_zone_ia": ("TimedStorage-ZIA-ByteHrs", cat.S3_ONE_ZONE_IA),
    "glacier_flexible": ("TimedStorage-GlacierByteHrs", cat.S3_GLACIER_FLEXIBLE),
    "glacier_deep_archive": ("TimedStorage-GDA-ByteHrs", cat.S3_GLACIER_DEEP_ARCHIVE),
}
# PUT-class and GET-class request usage types. Intelligent-Tiering requests are priced as
# Standard.
PUT_USAGE = {
    "standard": "Requests-Tier1",
    "intelligent_tiering": "Requests-Tier1",
    "standard_ia": "Requests-SIA-Tier1",
    "one_zone_ia": "Requests-ZIA-Tier1",
    "glacier_flexible": "Requests-GLACIER-Tier1",
    "glacier_deep_archive": "Requests-GDA-Tier1",
}
# Lifecycle transitions into a class (AWS S3 pricing, "Requests & data retrievals"): the
# PUT rate of the destination class, except Intelligent-Tiering, which has its own
# transition price ($0.01 per 1,000; Infracost's golden tests agree).
TRANSITION_USAGE = PUT_USAGE | {"intelligent_tiering": "Requests-Tier4"}
# Retrieval fee per GB of the infrequent-access classes.
RETRIEVAL_USAGE = {"standard_ia": "Retrieval-SIA", "one_zone_ia": "Retrieval-ZIA"}
# Standard retrievals from the archive classes: (price list service code, usage type) of the
# retrieved GB and of the retrieval requests, as Infracost queries them.
ARCHIVE_RETRIEVAL = {
    "glacier_flexible": ("AmazonGlacier", "Standard-Retrieval-Bytes", "Requests-Tier1"),
    "glacier_deep_archive": ("AmazonS3GlacierDeepArchive", "Standard-Retrieval-Bytes", "Requests-GDA-Tier3"),
}
GET_USAGE = {
    "standard": "Requests-Tier2",
    "intelligent_tiering": "Requests-Tier2",
    "standard_ia": "Requests-SIA-Tier2",
    "one_zone_ia": "Requests-ZIA-Tier2",
    "glacier_flexible": "Requests-GLACIER-Tier2",
    "glacier_deep_archive": "Requests-GDA-Tier2",
}


def _line(
    bucket: dict,
    region: str,
    comp: str,
    category: cat.Category,
    base: str,
    unit: str,
    qty: float,
    service_code: str = "AmazonS3",
) -> dict:
    return component(
        service=CE_S3,
        service_code=service_code,
        resource=bucket["name"],
        component=comp,
        category=category,
        unit=unit,
        quantity=qty,
        region=region,
        usage_type=usage_type(region, base, prefixed_in_us_east_1=False),
    )


def storage_components(bucket: dict, region: str) -> list[dict]:
    """Storage [GB-Mo] of one bucket; Intelligent-Tiering split into its frequent and
    infrequent tiers, plus its monitoring fee [1K objects]."""
    cls = bucket["storage_class"]
    if cls != "intelligent_tiering":
        base, category = STORAGE_USAGE[cls]
        return [_line(bucket, region, f"Storage ({category})", category, base, "GB-Mo", bucket["storage_gb"])]
    frequent = bucket["storage_gb"] * bucket["frequent_access_pct"] / 100
    tiering = cat.S3_INTELLIGENT_TIERING
    return [
        _line(
            bucket,
            region,
            "Storage (Intelligent-Tiering, frequent access)",
            tiering,
            "TimedStorage-INT-FA-ByteHrs",
            "GB-Mo",
            frequent,
        ),
        _line(
            bucket,
            region,
            "Storage (Intelligent-Tiering, infrequent access)",
            tiering,
            "TimedStorage-INT-IA-ByteHrs",
            "GB-Mo",
            bucket["storage_gb"] - frequent,
        ),
        _line(
            bucket,
            region,
            "Monitoring and automation",
            tiering,
            "Monitoring-Automation-INT",
            "1K objects",
            bucket["objects_thousands"],
        ),
    ]


def request_components(bucket: dict, region: str) -> list[dict]:
    """Requests and lifecycle transitions [1K requests] and retrievals [GB] of one bucket."""
    cls = bucket["storage_class"]
    wanted = [
        ("PUT/COPY/POST/LIST requests", PUT_USAGE[cls], "1K requests", bucket["monthly_put_requests"] / 1000),
        ("GET/SELECT requests", GET_USAGE[cls], "1K requests", bucket["monthly_get_requests"] / 1000),
        (
            "Lifecycle transitions into this class",
            TRANSITION_USAGE[cls],
            "1K requests",
            bucket["monthly_transitions"] / 1000,
        ),
    ]
    if cls in RETRIEVAL_USAGE:
        wanted.append(("Data retrievals", RETRIEVAL_USAGE[cls], "GB", bucket.get("monthly_retrieval_gb", 0)))
    lines = [
        _line(bucket, region, name, cat.S3_REQUESTS, base, unit, qty)
        for name, base, unit, qty in wanted
        if qty > 0
    ]
    if cls in ARCHIVE_RETRIEVAL:
        code, data, requests = ARCHIVE_RETRIEVAL[cls]
        archive = [
            ("Standard retrievals", data, "GB", bucket.get("monthly_retrieval_gb", 0)),
            (
                "Standard retrieval requests",
                requests,
                "1K requests",
                bucket.get("monthly_retrieval_requests", 0) / 1000,
            ),
        ]
        lines += [
            _line(bucket, region, name, cat.S3_REQUESTS, base, unit, qty, service_code=code)
            for name, base, unit, qty in archive
            if qty > 0
        ]
    return lines


def bucket_components(bucket: dict, region: str) -> list[dict]:
    """Line items of one bucket.

    Parameters
    ----------
    bucket : dict
        ``name``, ``storage_class``, ``storage_gb`` [GB], ``frequent_access_pct`` [%]
        (Intelligent-Tiering), ``objects_thousands`` [1K objects],
        ``monthly_put_requests``, ``monthly_get_requests``, ``monthly_transitions`` [requests],
        ``monthly_retrieval_gb`` [GB] (Standard-IA, One Zone-IA).
    region : str
    """
    return storage_components(bucket, region) + request_components(bucket, region)


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of every bucket in the ``s3`` section (``hours`` unused: storage is per month)."""
    return [item for bucket in spec["buckets"] for item in bucket_components(bucket, region)]
