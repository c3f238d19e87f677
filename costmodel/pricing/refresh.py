"""Rebuild the price snapshot from the AWS Price List Query API (boto3 ``pricing``).

Read-only: the only call is ``pricing:GetProducts``, on the us-east-1 endpoint (the API
is served from us-east-1 and ap-south-1 only), with standard retry mode so throttling is
retried with backoff, and ``NextToken`` pagination through boto3's paginator.

Each query is narrowed with filters per service; the rows kept are those whose usage
type (without its region prefix) the shipped snapshot already prices, so a refresh
updates the same SKUs and their neighbours rather than pulling whole offer files. The
answer carries every term of a product: RDS PostgreSQL's Reserved Instance rates (each
lease, payment option and deployment of the db.r5 sizes the snapshot prices) come with it.

Savings Plans rates live in another API: ``savingsplans:DescribeSavingsPlansOfferingRates``
(:mod:`costmodel.pricing.savings_plans`) is asked for the Compute and EC2 Instance Savings
Plans rates of the EC2 instance types the snapshot prices, region by region. Snapshot rows
neither API returns are kept as they were, with their own provenance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from costmodel.architecture import billing_code
from costmodel.errors import CostModelError
from costmodel.files import atomic_write_text, check_writable
from costmodel.pricing.catalog import (
    KEY_COLUMNS,
    SNAPSHOT_COLUMNS,
    PriceCatalog,
    load_snapshot,
    validate_rows,
)
from costmodel.pricing.pricelist import parse_get_products_response
from costmodel.pricing.savings_plans import fetch_rates, rate_rows, savings_plans_client
from costmodel.usage_types import EC2_INSTANCE_HOURS, strip_region_prefix

PRICING_ENDPOINT_REGION = "us-east-1"

# (service code, filters) per region: filters are (field, value); "{region}" is filled in.
# Fields and values are Price List attribute names (pricing:GetAttributeValues).
QUERIES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "AmazonEC2",
        [
            ("regionCode", "{region}"),
            ("operatingSystem", "Linux"),
            ("tenancy", "Shared"),
            ("preInstalledSw", "NA"),
            ("capacitystatus", "Used"),
            ("instanceFamily", "Compute optimized"),
        ],
    ),
    (
        "AmazonEC2",
        [("regionCode", "{region}"), ("productFamily", "Storage"), ("volumeApiName", "gp3")],
    ),
    ("AmazonEC2", [("regionCode", "{region}"), ("productFamily", "System Operation")]),
    ("AmazonEC2", [("regionCode", "{region}"), ("productFamily", "Provisioned Throughput")]),
    ("AmazonEC2", [("regionCode", "{region}"), ("productFamily", "Storage Snapshot")]),
    ("AmazonEC2", [("regionCode", "{region}"), ("productFamily", "NAT Gateway")]),
    ("AmazonRDS", [("regionCode", "{region}"), ("databaseEngine", "PostgreSQL")]),
    ("AmazonRDS", [("regionCode", "{region}"), ("productFamily", "Storage Snapshot")]),
    ("AmazonElastiCache", [("regionCode", "{region}"), ("cacheEngine", "Redis")]),
    ("AmazonElastiCache", [("regionCode", "{region}"), ("productFamily", "Storage Snapshot")]),
    ("AmazonMSK", [("regionCode", "{region}")]),
    ("AmazonEKS", [("regionCode", "{region}")]),
    ("AmazonS3", [("regionCode", "{region}")]),
    ("AmazonCloudWatch", [("regionCode", "{region}")]),
    ("AWSDataTransfer", [("fromRegionCode", "{region}")]),
    ("AWSELB", [("regionCode", "{region}"), ("productFamily", "Load Balancer-Application")]),
    ("awswaf", [("regionCode", "{region}")]),
    ("AWSSecretsManager", [("regionCode", "{region}")]),
]
GLOBAL_QUERIES: list[tuple[str, list[tuple[str, str]]]] = [
    ("AmazonCloudFront", [("fromLocation", "United States")]),
    ("AmazonRoute53", []),
]

# API units -> snapshot units: (snapshot unit, multiplier applied to the per-unit price).
UNIT_CONVERSIONS = {
    ("AmazonS3", "Requests"): ("1K requests", 1000),
    ("AmazonS3", "Objects"): ("1K objects", 1000),
    ("AmazonCloudFront", "Requests"): ("10K requests", 10000),
    ("AmazonRoute53", "Queries"): ("1M queries", 1_000_000),
    ("awswaf", "Request"): ("1M requests", 1_000_000),
    ("AWSSecretsManager", "API Requests"): ("10K requests", 10000),
}


def pricing_client(profile: str | None = None) -> Any:
    """A read-only boto3 Pricing client on the us-east-1 endpoint with standard retries."""
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    return session.client(
        "pricing",
        region_name=PRICING_ENDPOINT_REGION,
        config=Config(retries={"mode": "standard", "max_attempts": 8}),
    )


def fetch_products(client: Any, service_code: str, filters: Iterable[tuple[str, str]]) -> list[dict]:
    """All GetProducts pages for one query, as raw response dicts (pagination via NextToken)."""
    request = {
        "ServiceCode": service_code,
        "FormatVersion": "aws_v1",
        "Filters": [{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in filters],
    }
    paginator = client.get_paginator("get_products")
    return list(paginator.paginate(**request))


def _normalize_units(rows: pd.DataFrame) -> pd.DataFrame:
    for (service, api_unit), (unit, factor) in UNIT_CONVERSIONS.items():
        mask = (rows["service_code"] == service) & (rows["unit"] == api_unit)
        if mask.any():
            rows.loc[mask, "price_usd"] = [
                format(float(p) * factor, ".10g") for p in rows.loc[mask, "price_usd"]
            ]
            rows.loc[mask, "unit"] = unit
            rows.loc[mask, "note"] = f"API unit {api_unit!r} converted to {unit!r}"
    return rows


@contextmanager
def aws_errors(action: str, what: str) -> Iterator[None]:
    """AWS errors of one read-only call as one line naming the IAM ``action`` it needs."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        yield
    except NoCredentialsError:
        raise CostModelError("no AWS credentials found: pass --profile or configure the AWS CLI") from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("AccessDeniedException", "UnauthorizedOperation"):
            raise CostModelError(f"access denied: the IAM policy must allow {action}") from None
        if code in ("ExpiredTokenException", "ExpiredToken", "RequestExpired"):
            raise CostModelError("AWS credentials expired: renew the session (e.g. aws sso login)") from None
        raise CostModelError(f"{what} error: {code}: {exc}") from None
    except BotoCoreError as exc:
        raise CostModelError(f"{what} call failed: {exc}") from None


def instance_usage_types(base: PriceCatalog, region: str) -> list[str]:
    """The EC2 instance usage types (``BoxUsage:...``) ``base`` prices on demand in ``region``."""
    rows = base.rows
    mask = (
        (rows["service_code"] == "AmazonEC2")
        & (rows["region"] == region)
        & (rows["term_type"] == "OnDemand")
        & rows["usage_type"].str.contains(EC2_INSTANCE_HOURS, regex=False)
    )
    return sorted(set(rows.loc[mask, "usage_type"]))


def _savings_plan_rows(
    base: PriceCatalog, regions: list[str], client: Any, profile: str | None, retrieved: str
) -> pd.DataFrame:
    """Compute / EC2 Instance Savings Plans rates of the instance types ``base`` prices."""
    rows: list[dict] = []
    for region in regions:
        usage_types = instance_usage_types(base, region)
        if not usage_types:
            continue
        client = client if client is not None else savings_plans_client(profile)
        with aws_errors("savingsplans:DescribeSavingsPlansOfferingRates", "Savings Plans API"):
            pages = fetch_rates(client, usage_types, region)
        rows += [row for page in pages for row in rate_rows(page, retrieved=retrieved)]
    return pd.DataFrame(rows, columns=list(SNAPSHOT_COLUMNS))


def refresh_snapshot(
    regions: Iterable[str] = ("us-east-1", "us-west-2"),
    out: str | Path | None = None,
    profile: str | None = None,
    client: Any = None,
    base: PriceCatalog | None = None,
    today: dt.date | None = None,
    savings_plans: Any = None,
) -> PriceCatalog:
    """Query the Pricing API and merge the result over the shipped snapshot.

    Parameters
    ----------
    regions : iterable of str
        Regions to refresh.
    out : path, optional
        Where to write the new catalog CSV.
    profile : str, optional
        AWS named profile (credentials are never printed or logged).
    client : botocore client, optional
        A ``pricing`` client (tests pass one wrapped in botocore's Stubber).
    savings_plans : botocore client, optional
        A ``savingsplans`` client (default: one for ``profile``).
    base : PriceCatalog, optional
        The catalog to update (default: the shipped snapshot).
    """
    if out:
        check_writable(out, "--out")  # before any API call
    regions = list(regions)
    for region in regions:  # a typo is one line here, not a query for nothing
        billing_code(region)
    base = base if base is not None else load_snapshot()
    client = client if client is not None else pricing_client(profile)
    retrieved = (today or dt.date.today()).isoformat()
    wanted = {
        (s, strip_region_prefix(u))
        for s, u in zip(base.rows["service_code"], base.rows["usage_type"], strict=True)
    }
    queries = [(s, [(f, v.format(region=r)) for f, v in flt]) for r in regions for s, flt in QUERIES]
    queries += GLOBAL_QUERIES
    fetched: list[dict] = []
    for service_code, filters in queries:
        with aws_errors("pricing:GetProducts", f"Pricing API ({service_code})"):
            pages = fetch_products(client, service_code, filters)
        for page in pages:
            source = f"AWS Pricing API GetProducts {service_code}"
            fetched += parse_get_products_response(page, retrieved=retrieved, source=source)
    api = pd.DataFrame(fetched, columns=list(SNAPSHOT_COLUMNS))
    if len(api):
        keep = [
            (s, strip_region_prefix(u)) in wanted
            for s, u in zip(api["service_code"], api["usage_type"], strict=True)
        ]
        api = _normalize_units(api.loc[keep].copy())
    plans = _savings_plan_rows(base, regions, savings_plans, profile, retrieved)
    api = pd.concat([api, plans], ignore_index=True) if len(plans) else api
    api_rows = validate_rows(api, origin="Pricing API response") if len(api) else api
    key = [*KEY_COLUMNS, "begin_range"]
    replaced = base.rows.set_index(key).index.isin(api_rows.set_index(key).index) if len(api_rows) else []
    kept = (
        base.rows.loc[~pd.Series(replaced, index=base.rows.index, dtype=bool)] if len(api_rows) else base.rows
    )
    merged = pd.concat([api_rows, kept], ignore_index=True) if len(api_rows) else kept
    merged = merged.drop_duplicates(subset=key, keep="first")
    name = Path(out).name if out else f"refreshed-{retrieved}"
    catalog = base.with_rows(merged, name=name)
    if out:
        atomic_write_text(out, merged.loc[:, list(SNAPSHOT_COLUMNS)].to_csv(index=False))
    return catalog
