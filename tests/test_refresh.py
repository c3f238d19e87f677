"""`costmodel prices refresh` against botocore's Stubber (moto has no Pricing API)."""

import copy
import datetime as dt
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from costmodel.errors import CostModelError
from costmodel.pricing.catalog import load_snapshot
from costmodel.pricing.refresh import (
    GLOBAL_QUERIES,
    QUERIES,
    pricing_client,
    refresh_snapshot,
)
from costmodel.usage_types import strip_region_prefix
from tests.conftest import DATA


@pytest.fixture
def client():
    return boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def c5_item(price: str) -> str:
    """The real m5.large GetProducts item re-labelled as c5.2xlarge, on-demand term only."""
    item = json.loads((DATA / "aws" / "ec2_getproducts_m5.large_us-east-1_2021-02-05.json").read_text())
    item = copy.deepcopy(item)
    item["product"]["attributes"] |= {
        "instanceType": "c5.2xlarge",
        "usagetype": "BoxUsage:c5.2xlarge",
    }
    item["terms"].pop("Reserved")
    dim = next(iter(next(iter(item["terms"]["OnDemand"].values()))["priceDimensions"].values()))
    dim["pricePerUnit"] = {"USD": price}
    return json.dumps(item)


def m5_item() -> str:
    return (DATA / "aws" / "ec2_getproducts_m5.large_us-east-1_2021-02-05.json").read_text()


def test_refresh_paginates_filters_and_merges_over_the_snapshot(client, tmp_path):
    stub = Stubber(client)
    first_filters = [
        {"Type": "TERM_MATCH", "Field": f, "Value": v.format(region="us-east-1")} for f, v in QUERIES[0][1]
    ]
    # first query: two pages (NextToken), the m5.large item is outside the snapshot and dropped
    stub.add_response(
        "get_products",
        {"FormatVersion": "aws_v1", "PriceList": [m5_item()], "NextToken": "p2"},
        {"ServiceCode": "AmazonEC2", "FormatVersion": "aws_v1", "Filters": first_filters},
    )
    stub.add_response(
        "get_products",
        {"FormatVersion": "aws_v1", "PriceList": [c5_item("0.3500000000")]},
        {
            "ServiceCode": "AmazonEC2",
            "FormatVersion": "aws_v1",
            "Filters": first_filters,
            "NextToken": "p2",
        },
    )
    for _ in range(len(QUERIES) - 1 + len(GLOBAL_QUERIES)):
        stub.add_response(
            "get_products",
            {"FormatVersion": "aws_v1", "PriceList": []},
            {"ServiceCode": ANY, "FormatVersion": "aws_v1", "Filters": ANY},
        )
    out = tmp_path / "refreshed.csv"
    with stub:
        catalog = refresh_snapshot(regions=["us-east-1"], out=out, client=client, today=dt.date(2026, 11, 28))
        stub.assert_no_pending_responses()
    row = catalog.unit_price(region="us-east-1", usage_type="BoxUsage:c5.2xlarge")
    assert (row["price_usd"], row["status"], row["retrieved"]) == (
        "0.3500000000",
        "api",
        "2026-11-28",
    )
    assert "BoxUsage:m5.large" not in set(catalog.rows["usage_type"])
    # untouched rows keep their provenance, and the file reloads as a catalog
    kept = catalog.unit_price(region="us-east-1", usage_type="BoxUsage:c5.large")
    assert (kept["price_usd"], kept["source"]) == ("0.085", "KARP")
    reloaded = load_snapshot(out)
    assert len(reloaded.rows) == len(catalog.rows) == len(load_snapshot().rows)


def test_access_denied_names_the_iam_action(client):
    stub = Stubber(client)
    stub.add_client_error(
        "get_products",
        service_error_code="AccessDeniedException",
        service_message="not authorized",
        http_status_code=400,
    )
    with stub, pytest.raises(CostModelError, match="pricing:GetProducts"):
        refresh_snapshot(regions=["us-east-1"], client=client)


def test_expired_credentials_say_so(client):
    stub = Stubber(client)
    stub.add_client_error(
        "get_products",
        service_error_code="ExpiredTokenException",
        service_message="expired",
        http_status_code=400,
    )
    with stub, pytest.raises(CostModelError, match="credentials expired"):
        refresh_snapshot(regions=["us-east-1"], client=client)


def test_client_uses_us_east_1_endpoint_and_standard_retries(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = pricing_client()
    assert client.meta.region_name == "us-east-1"
    assert client.meta.config.retries["mode"] == "standard"


@pytest.mark.parametrize(
    ("usage_type", "base"),
    [
        ("USW2-BoxUsage:c5.large", "BoxUsage:c5.large"),
        ("BoxUsage:c5.large", "BoxUsage:c5.large"),
        ("USE1-RDS:GP3-Storage", "RDS:GP3-Storage"),
        ("EU-Kafka.m5.large", "Kafka.m5.large"),
        ("US-DataTransfer-Out-Bytes", "DataTransfer-Out-Bytes"),
        ("DataTransfer-Out-Bytes", "DataTransfer-Out-Bytes"),
    ],
)
def test_strip_region_prefix(usage_type, base):
    assert strip_region_prefix(usage_type) == base
