"""Parsing the real AWS Price List files (GetProducts items, bulk offer CSVs)."""

import json

import pytest

from costmodel.errors import InputError
from costmodel.pricing.pricelist import (
    parse_get_products_item,
    parse_get_products_response,
    read_bulk_csv,
)
from tests.conftest import DATA

M5 = DATA / "aws" / "ec2_getproducts_m5.large_us-east-1_2021-02-05.json"


@pytest.fixture(scope="module")
def m5_rows():
    import pandas as pd

    return pd.DataFrame(
        parse_get_products_item(json.loads(M5.read_text()), retrieved="2026-11-28", source="fixture")
    )


def test_get_products_on_demand(m5_rows):
    od = m5_rows.loc[m5_rows["term_type"] == "OnDemand"].iloc[0]
    # the fixture: "$0.096 per On Demand Linux m5.large Instance Hour", effective 2021-02-01
    assert (od["region"], od["usage_type"], od["operation"]) == (
        "us-east-1",
        "BoxUsage:m5.large",
        "RunInstances",
    )
    assert (od["price_usd"], od["unit"], od["effective_date"]) == (
        "0.0960000000",
        "Hrs",
        "2021-02-01",
    )
    assert (od["begin_range"], od["end_range"], od["sku"]) == ("0", "Inf", "6C86BEPQVG73ZGGR")


@pytest.mark.parametrize(
    ("lease", "klass", "option", "upfront", "hourly"),
    [
        # values as published in the fixture (term codes 4NA7Y494T4, HU7G6KETJZ, 6QCMYABX3D, 38NPMPTW36)
        ("1yr", "standard", "No Upfront", None, "0.0600000000"),
        ("1yr", "standard", "Partial Upfront", "252", "0.0290000000"),
        ("1yr", "standard", "All Upfront", "494", "0.0000000000"),
        ("3yr", "standard", "Partial Upfront", "505", "0.0190000000"),
        ("3yr", "convertible", "All Upfront", "1161", "0.0000000000"),
    ],
)
def test_get_products_reserved_terms(m5_rows, lease, klass, option, upfront, hourly):
    term = m5_rows.loc[
        (m5_rows["lease_contract_length"] == lease)
        & (m5_rows["offering_class"] == klass)
        & (m5_rows["purchase_option"] == option)
    ]
    by_dim = dict(zip(term["price_dimension"], term["price_usd"], strict=True))
    assert by_dim.get("upfront") == upfront
    assert by_dim["usage"] == hourly


def test_get_products_has_all_twelve_reserved_terms(m5_rows):
    reserved = m5_rows.loc[m5_rows["term_type"] == "Reserved"]
    terms = reserved[["lease_contract_length", "offering_class", "purchase_option"]].drop_duplicates()
    assert len(terms) == 12


def test_boto3_response_shape_with_json_string_items():
    response = json.loads(
        (DATA / "aws" / "pricing_get_products.ec2_m5large_use1.real_2020-07.json").read_text()
    )
    rows = parse_get_products_response(response["boto3_shape"], retrieved="x", source="fixture")
    on_demand = [r for r in rows if r["term_type"] == "OnDemand"]
    assert [r["price_usd"] for r in on_demand] == ["0.0960000000"]


def test_non_usd_price_is_an_error():
    item = json.loads(M5.read_text())
    dim = next(iter(next(iter(item["terms"]["OnDemand"].values()))["priceDimensions"].values()))
    dim["pricePerUnit"] = {"CNY": "0.6"}
    with pytest.raises(InputError, match="priced in CNY, expected USD"):
        parse_get_products_item(item, retrieved="x", source="fixture")


def test_item_without_product_is_an_error():
    with pytest.raises(InputError, match="lacks product.attributes"):
        parse_get_products_item({"terms": {}}, retrieved="x", source="fixture")


def test_bulk_offer_csv_with_tiers():
    rows = read_bulk_csv(DATA / "aws" / "bulk_service-comprehend-ap-south-1-20260116160258.csv")
    pii = rows.loc[rows["usage_type"] == "APS3-DetectPiiEntities"].sort_values("begin")
    # published tiers: 0-10M units at 0.0001, 10M-50M at 0.00005, ...
    assert pii["begin_range"].tolist()[:2] == ["0", "10000000"]
    assert pii["price_usd"].tolist()[:2] == ["0.0001000000", "0.0000500000"]
    assert (rows["region"] == "ap-south-1").all()
    assert rows["source"].iloc[0] == "AWS Price List bulk comprehend 20260116160258"


def test_bulk_savings_plans_csv():
    rows = read_bulk_csv(DATA / "aws" / "bulk_AWSDatabaseSavingsPlans-ap-south-2-index.csv")
    rds = rows.loc[rows["usage_type"] == "APS5-Multi-AZUsage:db.r7i.2xl"].iloc[0]
    # published: 1 year No Upfront Database Savings Plan rate 1.824 USD/h for db.r7i.2xlarge Multi-AZ
    assert (rds["term_type"], rds["lease_contract_length"], rds["purchase_option"]) == (
        "SavingsPlan",
        "1yr",
        "No Upfront",
    )
    assert rds["price_usd"] == "1.824" and rds["instance_type"] == "db.r7i.2xlarge"
    assert rds["note"] == "discounts AmazonRDS"


def test_bulk_csv_without_metadata_is_an_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("SKU,PricePerUnit\nA,1\n")
    with pytest.raises(InputError, match="x.csv: not a bulk offer CSV"):
        read_bulk_csv(path)


def test_bulk_csv_non_usd_is_an_error(tmp_path):
    src = (DATA / "aws" / "bulk_service-comprehend-ap-south-1-20260116160258.csv").read_text()
    lines = src.splitlines()
    lines[6] = lines[6].replace('"USD"', '"EUR"')
    path = tmp_path / "eur.csv"
    path.write_text("\n".join(lines))
    with pytest.raises(InputError, match="eur.csv, line 7: price in 'EUR', expected USD"):
        read_bulk_csv(path)
