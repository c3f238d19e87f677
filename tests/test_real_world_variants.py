"""Billing exports as AWS and the FinOps Foundation define them, in variants the other suites
do not write (tests/data/variants/README.md says how each file was made). Every expected
figure is summed by hand from the file, in a comment beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_trust import refused, run

VARIANTS = Path(__file__).parent / "data" / "variants"


def reconciled(*argv) -> dict:
    code, out, err = run("reconcile", *argv, "--format", "json")
    assert code == 0, err
    (month,) = json.loads(out)["months"]
    return month


def test_a_credit_stays_its_own_step_when_the_export_has_no_usage_types():
    # FOCUS without AWS's x_ columns: RDS usage 540.00 + 540.00, an RDS credit -100.00, EC2
    # usage 100.00, tax 20.00 (bill 1,100.00). The credit is money that is not usage: its own
    # step, never inside the RDS service total (which is 540 + 540 = 1,080.00)
    month = reconciled("--focus", VARIANTS / "focus-no-x-columns-credit.csv", "--month", "2025-11")
    lines = {line["category"]: line for line in month["lines"]}
    assert lines["Credits"]["actual"] == pytest.approx(-100.00)
    assert lines["Credits"]["bill_adjustment"] == pytest.approx(-100.00)
    assert lines["Amazon Relational Database Service (service total)"]["actual"] == pytest.approx(1080.00)
    assert {s["step"]: s["amount"] for s in month["steps"]}["credits"] == pytest.approx(-100.00)
    assert month["conservation"]["bill_total"] == pytest.approx(1100.00)


def legacy_athena_parquet(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """Legacy CUR as AWS writes it for Athena (Parquet, ``line_item_*`` names): rows of
    (line item id, usage start, usage type, unblended cost)."""
    from datetime import datetime, timedelta

    import pyarrow as pa
    import pyarrow.parquet as pq

    starts = [datetime.fromisoformat(r[1]) for r in rows]
    table = pa.table(
        {
            "identity_line_item_id": [r[0] for r in rows],
            "line_item_usage_account_id": ["111122223333"] * len(rows),
            "line_item_line_item_type": ["Usage"] * len(rows),
            "line_item_usage_start_date": pa.array(starts, pa.timestamp("ms")),
            "line_item_usage_end_date": pa.array(
                [s + timedelta(hours=1) for s in starts], pa.timestamp("ms")
            ),
            "line_item_product_code": ["AmazonEC2"] * len(rows),
            "line_item_usage_type": [r[2] for r in rows],
            "line_item_usage_amount": [1.0] * len(rows),
            "line_item_currency_code": ["USD"] * len(rows),
            "line_item_unblended_cost": [float(r[3]) for r in rows],
            "product_product_name": ["Amazon Elastic Compute Cloud"] * len(rows),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def test_the_athena_layout_of_a_legacy_cur_reads_without_its_status_table(tmp_path):
    # AWS's Athena integration writes the report's Parquet under year=/month= and, beside it,
    # cost_and_usage_data_status/ (one column, status: READY or UPDATING): no line items
    report = tmp_path / "myreport"
    legacy_athena_parquet(
        report / "myreport" / "year=2025" / "month=11" / "myreport-00001.snappy.parquet",
        [
            ("a", "2025-11-01T00:00:00", "BoxUsage:c5.2xlarge", "0.34"),
            ("b", "2025-11-30T23:00:00", "BoxUsage:c5.2xlarge", "0.34"),
        ],
    )
    import pyarrow as pa
    import pyarrow.parquet as pq

    status = report / "cost_and_usage_data_status" / "cost_and_usage_data_status.parquet"
    status.parent.mkdir()
    pq.write_table(pa.table({"status": ["READY"]}), status)
    month = reconciled("--cur", report, "--month", "2025-11")
    assert month["conservation"]["bill_total"] == pytest.approx(0.68)  # 0.34 + 0.34


def test_line_item_ids_repeated_across_the_partitions_of_one_delivery_are_each_counted(tmp_path):
    # AWS's data dictionary: identity_line_item_id "is unique in a given partition. This does
    # not guarantee that the field will be unique across an entire delivery (that is, all
    # partitions in an update)". Two partitions of one delivery, ids a and b in both, the
    # same hours, different line items: 0.34 + 0.34 + 2.00 + 2.00 = 4.68, none dropped
    period = tmp_path / "export" / "data" / "BILLING_PERIOD=2025-11"
    legacy_athena_parquet(
        period / "export-00001.snappy.parquet",
        [
            ("a", "2025-11-01T00:00:00", "BoxUsage:c5.2xlarge", "0.34"),
            ("b", "2025-11-30T23:00:00", "BoxUsage:c5.2xlarge", "0.34"),
        ],
    )
    legacy_athena_parquet(
        period / "export-00002.snappy.parquet",
        [
            ("a", "2025-11-01T00:00:00", "BoxUsage:m5.large", "2.00"),
            ("b", "2025-11-30T23:00:00", "BoxUsage:m5.large", "2.00"),
        ],
    )
    month = reconciled("--cur", tmp_path / "export", "--month", "2025-11")
    assert month["conservation"]["bill_total"] == pytest.approx(4.68)
    # the same line item twice in one partition is still one line item delivered twice
    legacy_athena_parquet(
        period / "export-00003.snappy.parquet",
        [("c", "2025-11-02T00:00:00", "BoxUsage:m5.large", "1.00")] * 2,
    )
    code, out, err = run("reconcile", "--cur", tmp_path / "export", "--month", "2025-11", "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["months"][0]["conservation"]["bill_total"] == pytest.approx(5.68)  # 4.68 + 1.00 once
    assert any("1 duplicate line item(s) dropped" in note for note in payload["notes"])


def test_ec2_without_usage_types_is_compared_whole_not_as_ec2_other():
    # the same FOCUS file: its one EC2 row (100.00, c5.2xlarge instance hours) cannot be told
    # instance hours (Cost Explorer's "Compute") or EBS, NAT, data transfer ("EC2 - Other")
    # without a usage type, so EC2 is compared whole: the model's EKS nodes and EC2 - Other
    # lines meet the bill's EC2 in one line, never "absent from the bill" beside it
    month = reconciled("--focus", VARIANTS / "focus-no-x-columns-credit.csv", "--month", "2025-11")
    lines = {line["category"]: line for line in month["lines"]}
    assert lines["Amazon Elastic Compute Cloud (service total)"]["actual"] == pytest.approx(100.00)
    assert "EC2 - Other (service total)" not in lines
    assert "EKS nodes" not in lines  # modelled inside the EC2 service total
    ec2 = lines["Amazon Elastic Compute Cloud (service total)"]
    assert ec2["modelled"] > 0 and "no usage types" in ec2["explanation"]


def test_nodes_refuse_an_export_without_usage_types_rather_than_bill_zero_nodes():
    # the file's EC2 row is 72 instance hours of c5.2xlarge, but without x_UsageType no line
    # item can be told instance hours: "0 node-hours billed" would be a wrong figure
    err = refused("nodes", "--focus", VARIANTS / "focus-no-x-columns-credit.csv", "--month", "2025-11")
    assert "x_UsageType" in err and "focus-no-x-columns-credit.csv" in err


def test_column_names_in_upper_case_read_as_the_schema_spells_them(tmp_path):
    # a CUR 2.0 CSV whose header a warehouse wrote in upper case (Snowflake, Redshift unload):
    # the names are AWS's, case aside. Two line items: 0.34 + 2.00 = 2.34, tagged web / untagged
    path = tmp_path / "cur2-upper.csv"
    path.write_text(
        "IDENTITY_LINE_ITEM_ID,LINE_ITEM_USAGE_START_DATE,LINE_ITEM_USAGE_END_DATE,LINE_ITEM_PRODUCT_CODE,"
        "LINE_ITEM_USAGE_TYPE,LINE_ITEM_LINE_ITEM_TYPE,LINE_ITEM_UNBLENDED_COST,LINE_ITEM_CURRENCY_CODE,"
        "RESOURCE_TAGS\n"
        'a,2025-11-01T00:00:00Z,2025-11-01T01:00:00Z,AmazonEC2,BoxUsage:c5.2xlarge,Usage,0.34,USD,"{""user_team"": ""web""}"\n'
        "b,2025-11-30T23:00:00Z,2025-12-01T00:00:00Z,AmazonS3,TimedStorage-ByteHrs,Usage,2.00,USD,\n"
    )
    assert reconciled("--cur", path, "--month", "2025-11")["conservation"]["bill_total"] == pytest.approx(
        2.34
    )
    code, out, err = run(
        "breakdown", "--cur", path, "--month", "2025-11", "--by", "tag:team", "--format", "json"
    )
    assert code == 0, err
    assert {r["key"]: r["cost"] for r in json.loads(out)["rows"]} == {"web": 0.34, "(untagged)": 2.00}


def test_times_stored_as_numbers_are_refused_naming_the_column_not_by_a_database_error(tmp_path):
    # a pipeline that wrote the usage start as epoch milliseconds (INT64): seconds, milli- or
    # microseconds cannot be told from the number, so it is refused in the exporter's terms
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "epoch.parquet"
    pq.write_table(
        pa.table(
            {
                "line_item_usage_start_date": pa.array([1761955200000], pa.int64()),  # 2025-11-01T00:00Z
                "line_item_product_code": ["AmazonEC2"],
                "line_item_usage_type": ["BoxUsage:c5.2xlarge"],
                "line_item_line_item_type": ["Usage"],
                "line_item_unblended_cost": [0.34],
                "line_item_currency_code": ["USD"],
            }
        ),
        path,
    )
    err = refused("reconcile", "--cur", path)
    assert "line_item_usage_start_date" in err and "BIGINT" in err and "epoch.parquet" in err
    assert "Conversion Error" not in err and "CAST" not in err


LEGACY_HEADER = (
    "identity/LineItemId,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,"
    "lineItem/UsageType,lineItem/LineItemType,lineItem/UnblendedCost,lineItem/CurrencyCode\n"
)


def test_a_legacy_cur_period_with_several_assemblies_reads_the_one_its_manifest_names(tmp_path):
    # legacy CUR with "create new report version": each update of a period is a new assembly
    # folder, the earlier ones stay, and the period folder's <report>-Manifest.json names the
    # current one (assemblyId). The old version 0.34; the current one 0.34 + 2.00 = 2.34
    period = tmp_path / "cur" / "myreport" / "20251101-20251201"
    old, new = period / "0f3c1d2e-old", period / "9a8b7c6d-new"
    for folder in (old, new):
        folder.mkdir(parents=True)
    (old / "myreport-1.csv").write_text(
        LEGACY_HEADER
        + "a,2025-11-01T00:00:00Z,2025-11-01T01:00:00Z,AmazonEC2,BoxUsage:m5.large,Usage,0.34,USD\n"
    )
    (new / "myreport-1.csv").write_text(
        LEGACY_HEADER
        + "a,2025-11-01T00:00:00Z,2025-11-01T01:00:00Z,AmazonEC2,BoxUsage:m5.large,Usage,0.34,USD\n"
        + "b,2025-11-30T23:00:00Z,2025-12-01T00:00:00Z,AmazonS3,TimedStorage-ByteHrs,Usage,2.00,USD\n"
    )
    manifest = {
        "assemblyId": "9a8b7c6d-new",
        "reportKeys": ["cur/myreport/20251101-20251201/9a8b7c6d-new/myreport-1.csv"],
        "billingPeriod": {"start": "20251101T000000.000Z", "end": "20251201T000000.000Z"},
    }
    (period / "myreport-Manifest.json").write_text(json.dumps(manifest))
    month = reconciled("--cur", tmp_path / "cur", "--month", "2025-11")
    assert month["conservation"]["bill_total"] == pytest.approx(2.34)
    # --assembly still chooses another, and a period without a manifest is still refused
    assert reconciled("--cur", tmp_path / "cur", "--month", "2025-11", "--assembly", "0f3c1d2e-old")[
        "conservation"
    ]["bill_total"] == pytest.approx(0.34)
    (period / "myreport-Manifest.json").unlink()
    assert "delivered twice" in refused("reconcile", "--cur", tmp_path / "cur")


def test_a_gap_in_an_exports_days_is_not_answered_with_fetch_the_whole_range(tmp_path):
    # a FOCUS export of November with one correction dated 15 October: anomalies cannot run on
    # a broken series, and the advice is about the export (Cost Explorer's "fetch the whole
    # range" cannot be done to a file AWS wrote)
    from datetime import datetime
    from decimal import Decimal

    from tests.exports import Item, write

    def day(d: datetime, cost: str) -> Item:
        return Item(
            f"li-{d:%m%d}",
            d,
            24,
            "AmazonEC2",
            "Amazon Elastic Compute Cloud",
            "BoxUsage:c5.2xlarge",
            "RunInstances",
            "i-1",
            "Usage",
            Decimal(cost),
            Decimal("24"),
            "Hrs",
            "web",
        )

    items = [day(datetime(2025, 11, d), "8.16") for d in range(1, 31)] + [
        day(datetime(2025, 10, 15), "-5.00")
    ]
    path = write(items, tmp_path / "focus", "focus", "csv")
    err = refused("anomalies", "--focus", path)
    assert "daily data has a gap: 16 day(s) missing, first 2025-10-16" in err
    assert "fetch the whole range" not in err and "give the export of every day in between" in err
