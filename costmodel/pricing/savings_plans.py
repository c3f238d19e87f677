"""Savings Plans rates from the Savings Plans API (boto3 ``savingsplans``).

Savings Plans rates are not in the Pricing API's GetProducts answer: AWS serves them from
``savingsplans:DescribeSavingsPlansOfferingRates`` (read-only, global endpoint
``savingsplans.amazonaws.com``), one rate per offering (plan type, term, payment option)
and usage type. :func:`fetch_rates` asks for the Compute and EC2 Instance Savings Plans
rates of given EC2 usage types (Linux, shared tenancy) in given regions, following
``nextToken``; :func:`rate_rows` turns the answer into catalog rows keyed as the
commitment options look them up (service code ``ComputeSavingsPlans`` /
``EC2InstanceSavingsPlans``, term type ``SavingsPlan``, lease ``1yr`` / ``3yr``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from costmodel.errors import InputError
from costmodel.pricing.catalog import SNAPSHOT_COLUMNS

SAVINGS_PLANS_ENDPOINT_REGION = "us-east-1"  # the API's one (global) endpoint
PLAN_SERVICE_CODES = {"Compute": "ComputeSavingsPlans", "EC2Instance": "EC2InstanceSavingsPlans"}
SECONDS_PER_YEAR = 365 * 24 * 3600  # AWS's 1-year term: 31,536,000 s
SOURCE = "AWS Savings Plans API DescribeSavingsPlansOfferingRates"
MAX_PAGES = 1000  # a nextToken loop that never ends is a broken answer, not more rates


def savings_plans_client(profile: str | None = None) -> Any:
    """A read-only boto3 ``savingsplans`` client with standard retries."""
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    return session.client(
        "savingsplans",
        region_name=SAVINGS_PLANS_ENDPOINT_REGION,
        config=Config(retries={"mode": "standard", "max_attempts": 8}),
    )


def rate_request(usage_types: Iterable[str], region: str) -> dict:
    """The request for the Compute and EC2 Instance Savings Plans rates of ``usage_types``
    (Linux/UNIX, shared tenancy, ``RunInstances``) in ``region``."""
    return {
        "savingsPlanTypes": list(PLAN_SERVICE_CODES),
        "products": ["EC2"],
        "serviceCodes": ["AmazonEC2"],
        "usageTypes": sorted(set(usage_types)),
        "operations": ["RunInstances"],
        "filters": [
            {"name": "region", "values": [region]},
            {"name": "tenancy", "values": ["shared"]},
            {"name": "productDescription", "values": ["Linux/UNIX"]},
        ],
    }


def fetch_rates(client: Any, usage_types: Iterable[str], region: str) -> list[dict]:
    """Every page of DescribeSavingsPlansOfferingRates for one region (botocore has no
    paginator for it: ``nextToken`` is followed here)."""
    request = rate_request(usage_types, region)
    pages: list[dict] = []
    token = None
    for _ in range(MAX_PAGES):
        more: dict[str, str] = {"nextToken": token} if token else {}
        page = client.describe_savings_plans_offering_rates(**request, **more)
        pages.append(page)
        token = page.get("nextToken")
        if not token:
            return pages
    raise InputError(f"{SOURCE}: more than {MAX_PAGES} pages for {region}; the answer does not end")


def _lease(seconds: int, where: str) -> str:
    years = seconds / SECONDS_PER_YEAR
    if years not in (1, 3):
        raise InputError(f"{where}: durationSeconds {seconds} is not a 1- or 3-year term")
    return f"{int(years)}yr"


def rate_rows(page: dict, *, retrieved: str) -> list[dict]:
    """Catalog rows (every column of :data:`SNAPSHOT_COLUMNS`, as strings) of one page.

    Raises
    ------
    InputError
        The page is not a DescribeSavingsPlansOfferingRates answer, a rate is not in USD,
        or a term is neither 1 nor 3 years.
    """
    if "searchResults" not in page:
        raise InputError(f"{SOURCE}: not a DescribeSavingsPlansOfferingRates answer (no 'searchResults')")
    rows = []
    for n, result in enumerate(page["searchResults"], start=1):
        where = f"{SOURCE}, result {n}"
        offering = result.get("savingsPlanOffering", {})
        plan = offering.get("planType", "")
        if plan not in PLAN_SERVICE_CODES:
            continue  # SageMaker, Database: not rates of EC2 instances
        if offering.get("currency", "USD") != "USD":
            raise InputError(f"{where}: rate in {offering.get('currency')!r}, expected USD")
        properties = {p.get("name"): p.get("value", "") for p in result.get("properties", [])}
        row = dict.fromkeys(SNAPSHOT_COLUMNS, "")
        row.update(
            service_code=PLAN_SERVICE_CODES[plan],
            region=properties.get("region", ""),
            sku=offering.get("offeringId", ""),
            usage_type=result.get("usageType", ""),
            operation=result.get("operation", ""),
            instance_type=properties.get("instanceType", ""),
            term_type="SavingsPlan",
            lease_contract_length=_lease(int(offering.get("durationSeconds", 0)), where),
            purchase_option=offering.get("paymentOption", ""),
            price_dimension="usage",
            unit=result.get("unit", ""),
            begin_range="0",
            end_range="Inf",
            price_usd=str(result.get("rate", "")),
            effective_date=retrieved,
            retrieved=retrieved,
            source=SOURCE,
            status="api",
            description=offering.get("planDescription", ""),
            note="Savings Plans rate (the API gives no effective date: the day it was read)",
        )
        rows.append(row)
    return rows
