"""Anomaly root causes by region from line items (issue 23): the export's own region column
(CUR 2.0 ``product_region_code``, legacy CUR ``product/regionCode``, FOCUS ``RegionId``)
names the region; the usage type's prefix only where the export names none."""

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from tests.exports import Item, write
from tests.test_trust import run


def _two_regions(path, schema: str, fmt: str, spike_usd: str = "70.00"):
    """45 days from 1 January 2026 of EC2 instance hours in two regions, $10.00 a day each:
    us-east-1's usage type has no prefix (``BoxUsage:c5.large``, as AWS bills it there),
    eu-west-1's is ``EU-BoxUsage:c5.large``. On 4 February (day 34, a Wednesday) us-east-1
    costs ``spike_usd``."""
    items = []
    for day in range(45):
        for region, usage_type in (("us-east-1", "BoxUsage:c5.large"), ("eu-west-1", "EU-BoxUsage:c5.large")):
            cost = spike_usd if region == "us-east-1" and day == 34 else "10.00"
            items.append(
                Item(
                    f"li-{day}-{region}",
                    datetime(2026, 1, 1) + timedelta(days=day),
                    24,
                    "AmazonEC2",
                    "Amazon Elastic Compute Cloud",
                    usage_type,
                    "RunInstances",
                    f"i-{region}",
                    "Usage",
                    Decimal(cost),
                    Decimal(24),
                    "Hrs",
                    None,
                    region=region,
                )
            )
    return write(items, path / "bill", schema, fmt)


@pytest.mark.parametrize(
    ("schema", "fmt", "flag"),
    [
        ("cur2", "parquet", "--cur"),
        ("legacy", "csv", "--cur"),
        ("legacy", "parquet", "--cur"),
        ("focus", "csv", "--focus"),
    ],
)
def test_the_exports_region_column_names_the_region_of_a_usage_type_without_prefix(
    tmp_path, schema, fmt, flag
):
    # 4 February: us-east-1 $70.00 against its four previous Wednesdays' $10.00: +$60.00.
    # Its usage type carries no prefix, so before the region column was read the root cause
    # named no region; the export says us-east-1
    bill = _two_regions(tmp_path, schema, fmt)
    code, out, err = run("anomalies", flag, bill, "--format", "json")
    assert code == 0, err
    (event,) = json.loads(out)["events"]
    assert event["start"] == event["end"] == "2026-02-04" and event["total_impact"] == 60.0
    (cause,) = event["root_causes"]
    assert (cause["usage_type"], cause["region"]) == ("BoxUsage:c5.large", "us-east-1")


def test_a_row_without_a_region_falls_back_to_the_usage_type_prefix():
    from costmodel.actuals.controls import TIDY_COLUMNS, Actuals
    from costmodel.anomaly_series import usage_rows as _usage_rows

    day = pd.Timestamp("2026-01-01")
    rows = pd.DataFrame(
        {
            "period_start": [day] * 3,
            "period_end": [day + pd.Timedelta(days=1)] * 3,
            "month": "2026-01",
            "granularity": "DAILY",
            "service": "Amazon Elastic Compute Cloud - Compute",
            # a transfer line names no region in product_region_code; its prefix does
            "usage_type": ["BoxUsage:c5.large", "USW2-DataTransfer-Out-Bytes", "BoxUsage:c5.large"],
            "record_type": "",
            "unblended_cost": [1.0, 2.0, 3.0],
            "region": ["us-east-1", "", None],
            "account": "111122223333",
        }
    )
    for column in TIDY_COLUMNS:
        if column not in rows:
            rows[column] = None
    usage = _usage_rows(Actuals(rows=rows, controls=pd.DataFrame(), origin="t"))
    assert usage["region"].tolist() == ["us-east-1", "us-west-2", ""]


def test_a_cost_explorer_usage_type_without_prefix_is_us_east_1s(tmp_path):
    import datetime as dt

    from tests import commit_bills

    # tests/commit_bills.py's bill from 1 August to 31 October 2026, no Savings Plan: account A
    # runs i-web and i-batch (BoxUsage:m5.xlarge, us-east-1, $24 a day each less i-web's EDP
    # $1.20: $46.80 a day). On Wednesday 14 October a third instance runs a day: +$100.00.
    bill = commit_bills.base_bill(dt.date(2026, 8, 1), dt.date(2026, 10, 31), sp_start=None)
    start = dt.datetime(2026, 10, 14)
    bill.add(start, start + dt.timedelta(days=1), commit_bills.ACCOUNT_A, "Usage", commit_bills.EC2,
             "BoxUsage:m5.xlarge", 100.0, resource="i-extra")  # fmt: skip
    export = commit_bills.write_cost_explorer(bill, tmp_path / "ce.json", "DAILY")
    code, out, err = run("anomalies", "--actuals", export, "--format", "json")
    assert code == 0, err
    (event,) = json.loads(out)["events"]
    # $146.80 against its four previous Wednesdays' $46.80: +$100.00
    assert event["start"] == "2026-10-14" and event["total_impact"] == pytest.approx(100.0)
    (cause,) = event["root_causes"]
    # a Cost Explorer file grouped by SERVICE and USAGE_TYPE names no region: us-east-1's usage
    # types carry no prefix (USE2-BoxUsage is us-east-2's), so an EC2 one without is us-east-1's
    # (was '': no region named)
    assert (cause["usage_type"], cause["region"]) == ("BoxUsage:m5.xlarge", "us-east-1")
