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


@pytest.fixture
def plans():
    """A ``savingsplans`` client; each test stubs what it answers (Stubber checks requests and
    answers against botocore's service model, so they have the real API's shape)."""
    return boto3.client(
        "savingsplans",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def no_plans(stub: Stubber, regions: int = 1) -> None:
    for _ in range(regions):
        stub.add_response("describe_savings_plans_offering_rates", {"searchResults": []})


def empty_products(stub: Stubber, count: int) -> None:
    for _ in range(count):
        stub.add_response(
            "get_products",
            {"FormatVersion": "aws_v1", "PriceList": []},
            {"ServiceCode": ANY, "FormatVersion": "aws_v1", "Filters": ANY},
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


def test_refresh_paginates_filters_and_merges_over_the_snapshot(client, plans, tmp_path):
    stub, plan_stub = Stubber(client), Stubber(plans)
    no_plans(plan_stub)
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
    empty_products(stub, len(QUERIES) - 1 + len(GLOBAL_QUERIES))
    out = tmp_path / "refreshed.csv"
    with stub, plan_stub:
        catalog = refresh_snapshot(
            regions=["us-east-1"], out=out, client=client, today=dt.date(2026, 11, 28), savings_plans=plans
        )
        stub.assert_no_pending_responses()
        plan_stub.assert_no_pending_responses()
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


def rds_item(usage_type: str, deployment: str) -> str:
    """The real m5.large GetProducts item relabelled as an RDS PostgreSQL db.r5.2xlarge
    product (its standard reserved terms kept, convertible ones dropped: RDS sells standard
    reservations only). The prices stay the m5.large item's: this tests the mechanics, they
    are no RDS price."""
    item = json.loads(m5_item())
    item["serviceCode"] = "AmazonRDS"
    item["product"]["productFamily"] = "Database Instance"
    item["product"]["attributes"] = {
        "servicecode": "AmazonRDS",
        "location": "US East (N. Virginia)",
        "locationType": "AWS Region",
        "regionCode": "us-east-1",
        "instanceType": "db.r5.2xlarge",
        "databaseEngine": "PostgreSQL",
        "deploymentOption": deployment,
        "usagetype": usage_type,
        "operation": "CreateDBInstance:0014",
    }
    item["terms"]["Reserved"] = {
        code: term
        for code, term in item["terms"]["Reserved"].items()
        if term["termAttributes"]["OfferingClass"] == "standard"
    }
    return json.dumps(item)


def test_refresh_brings_rds_reserved_rates_and_commitments_answer_the_rds_claim(client, plans):
    """`prices refresh` reads RDS Reserved Instance terms from GetProducts; with them the
    document's "RDS $5,400 on-demand, $3,200 reserved" row gets a list reserved figure."""
    from costmodel.architecture import load_architecture
    from costmodel.commitments import documented_table

    stub, plan_stub = Stubber(client), Stubber(plans)
    rds_query = next(i for i, (code, _) in enumerate(QUERIES) if code == "AmazonRDS")
    empty_products(stub, rds_query)
    stub.add_response(
        "get_products",
        {
            "FormatVersion": "aws_v1",
            "PriceList": [
                rds_item("Multi-AZUsage:db.r5.2xl", "Multi-AZ"),
                rds_item("InstanceUsage:db.r5.2xl", "Single-AZ"),
            ],
        },
        {"ServiceCode": "AmazonRDS", "FormatVersion": "aws_v1", "Filters": ANY},
    )
    empty_products(stub, len(QUERIES) - rds_query - 1 + len(GLOBAL_QUERIES))
    no_plans(plan_stub)
    with stub, plan_stub:
        catalog = refresh_snapshot(
            regions=["us-east-1"], client=client, today=dt.date(2026, 11, 28), savings_plans=plans
        )
    reserved = catalog.rows.loc[
        (catalog.rows["usage_type"] == "Multi-AZUsage:db.r5.2xl") & (catalog.rows["term_type"] == "Reserved")
    ]
    # 6 standard terms: 2 No Upfront (an hourly fee), 2 Partial and 2 All Upfront (an upfront
    # fee and an hourly fee, $0 for All Upfront): 2 + 4 + 4 = 10 rows
    assert set(reserved["status"]) == {"api"} and len(reserved) == 10
    upfront = reserved.loc[
        (reserved["lease_contract_length"] == "3yr")
        & (reserved["purchase_option"] == "Partial Upfront")
        & (reserved["price_dimension"] == "upfront")
    ]
    assert upfront["price_usd"].tolist() == ["505"]  # the item's 38NPMPTW36 term
    table = documented_table(load_architecture(), catalog).set_index("item")
    rds = table.loc["RDS PostgreSQL"]
    # the reference offering is 1-year No Upfront: $0.06/h (the item's 4NA7Y494T4 term) for
    # the Multi-AZ primary and each of the 2 Single-AZ replicas, 730 h: 3 x 0.06 x 730 = $131.40
    assert rds["list_reserved"] == pytest.approx(3 * 0.06 * 730)
    # on demand at the item's $0.096/h, 3 instances: $210.24
    assert rds["list_on_demand"] == pytest.approx(3 * 0.096 * 730)
    assert "cannot be checked" not in rds["explanation"]


def sp_result(plan: str, payment: str, years: int, rate: str, region: str = "us-east-1") -> dict:
    """One DescribeSavingsPlansOfferingRates search result (shape: botocore's service model)."""
    return {
        "savingsPlanOffering": {
            "offeringId": f"{plan}-{years}-{payment}",
            "paymentOption": payment,
            "planType": plan,
            "durationSeconds": years * 31_536_000,
            "currency": "USD",
            "planDescription": f"{years} year {payment} {plan} Savings Plan",
        },
        "rate": rate,
        "unit": "Hrs",
        "productType": "EC2",
        "serviceCode": "AmazonEC2",
        "usageType": "BoxUsage:c5.2xlarge",
        "operation": "RunInstances",
        "properties": [
            {"name": "region", "value": region},
            {"name": "instanceType", "value": "c5.2xlarge"},
            {"name": "productDescription", "value": "Linux/UNIX"},
            {"name": "tenancy", "value": "shared"},
        ],
    }


def test_refresh_reads_savings_plans_rates_page_by_page(client, plans):
    """Savings Plans rates come from savingsplans:DescribeSavingsPlansOfferingRates, asked
    for the instance types the snapshot prices; two pages (nextToken) become catalog rows
    that the commitment options price. The rates are test values, not AWS's."""
    from costmodel.architecture import load_architecture
    from costmodel.commitments import options

    stub, plan_stub = Stubber(client), Stubber(plans)
    empty_products(stub, len(QUERIES) + len(GLOBAL_QUERIES))
    request = {
        "savingsPlanTypes": ["Compute", "EC2Instance"],
        "products": ["EC2"],
        "serviceCodes": ["AmazonEC2"],
        "usageTypes": [
            "BoxUsage:c5.2xlarge",
            "BoxUsage:c5.4xlarge",
            "BoxUsage:c5.large",
            "BoxUsage:c5.xlarge",
        ],
        "operations": ["RunInstances"],
        "filters": [
            {"name": "region", "values": ["us-east-1"]},
            {"name": "tenancy", "values": ["shared"]},
            {"name": "productDescription", "values": ["Linux/UNIX"]},
        ],
    }
    plan_stub.add_response(
        "describe_savings_plans_offering_rates",
        {"searchResults": [sp_result("Compute", "No Upfront", 1, "0.2500")], "nextToken": "page-2"},
        request,
    )
    plan_stub.add_response(
        "describe_savings_plans_offering_rates",
        {"searchResults": [sp_result("EC2Instance", "All Upfront", 3, "0.1300")]},
        request | {"nextToken": "page-2"},
    )
    with stub, plan_stub:
        catalog = refresh_snapshot(
            regions=["us-east-1"], client=client, today=dt.date(2026, 11, 28), savings_plans=plans
        )
        plan_stub.assert_no_pending_responses()
    opts = options(load_architecture(), catalog).set_index(["offering", "term_years", "payment_option"])
    nodes = opts.loc[opts["resource"] == "eks-node-group"]
    compute = nodes.loc[("Compute Savings Plan", 1, "No Upfront")]
    # 3 nodes x $0.25/h x 730 h = $547.50; against on-demand 3 x $0.34 x 730 = $744.60
    assert compute["effective_monthly"] == pytest.approx(3 * 0.25 * 730)
    assert compute["savings_pct"] == pytest.approx(100 * (1 - 0.25 / 0.34))
    instance = nodes.loc[("EC2 Instance Savings Plan", 3, "All Upfront")]
    assert instance["effective_monthly"] == pytest.approx(3 * 0.13 * 730)  # $284.70
    assert "DescribeSavingsPlansOfferingRates" in instance["price_source"]
    # an option the API did not answer stays unknown, never zero
    assert nodes.loc[("Compute Savings Plan", 3, "No Upfront"), "status"] == "price unknown"


def test_savings_plans_access_denied_names_the_iam_action(client, plans):
    stub, plan_stub = Stubber(client), Stubber(plans)
    empty_products(stub, len(QUERIES) + len(GLOBAL_QUERIES))
    plan_stub.add_client_error(
        "describe_savings_plans_offering_rates",
        service_error_code="AccessDeniedException",
        service_message="not authorized",
        http_status_code=403,
    )
    with (
        stub,
        plan_stub,
        pytest.raises(CostModelError, match="savingsplans:DescribeSavingsPlansOfferingRates"),
    ):
        refresh_snapshot(regions=["us-east-1"], client=client, savings_plans=plans)
