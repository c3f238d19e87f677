"""Cost Explorer may name data transfer's service "AWS Data Transfer" (the CUR product name
of AWSDataTransfer) where the model bills it under "EC2 - Other": same line, same quantity."""

from __future__ import annotations

import json

import pytest

from costmodel.cli import main
from tests.conftest import DATA

ARCH = "region: us-east-1\nnetwork:\n  nat_gateways: 0\n  internet_egress_gb: 500\n"


def _response(service: str) -> dict:
    metric = {
        "UnblendedCost": {"Amount": "45.00", "Unit": "USD"},
        "UsageQuantity": {"Amount": "600", "Unit": "GB"},
    }
    return {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"},
                "Total": {},
                "Groups": [{"Keys": [service, "DataTransfer-Out-Bytes"], "Metrics": metric}],
                "Estimated": False,
            }
        ],
        "DimensionValueAttributes": [],
    }


@pytest.mark.parametrize("service", ["EC2 - Other", "AWS Data Transfer"])
def test_data_transfer_under_either_service_name_keeps_its_quantity(write_yaml, tmp_path, capsys, service):
    arch = write_yaml(ARCH)
    actuals = tmp_path / "ce.json"
    actuals.write_text(json.dumps(_response(service)))
    assert main(["reconcile", "--actuals", str(actuals), str(arch), "--format", "json"]) == 0
    (line,) = [
        x
        for x in json.loads(capsys.readouterr().out)["months"][0]["lines"]
        if x["category"] == "Data transfer out"
    ]
    # model: 500 GB at $0.09 (IC) less the always-free 100 GB = 400 x 0.09 = $36.00, so its
    # price per GB used is $36.00 / 500 = $0.072. Bill: 600 GB, $45.00 (100 free + 500 x 0.09).
    # volume (600 - 500) x 0.072 = $7.20; rate 45.00 - 600 x 0.072 = $1.80; sum $9.00 = 45 - 36
    assert line["actual_quantity"] == 600
    assert line["volume_variance"] == pytest.approx(7.20)
    assert line["rate_variance"] == pytest.approx(1.80)


def test_the_text_table_shows_credits_and_tax_as_their_own_step(write_yaml, tmp_path, capsys):
    # 600 GB billed $45.00 and a -$20.00 tax line (tax refunded): actual $25.00 - modelled $36.00 = -$11.00 =
    # volume $7.20 + rate $1.80 + bill adjustment -$20.00; the table must show the -$20.00
    response = _response("EC2 - Other")
    tax = {
        "UnblendedCost": {"Amount": "-20.00", "Unit": "USD"},
        "UsageQuantity": {"Amount": "0", "Unit": "N/A"},
    }
    response["ResultsByTime"][0]["Groups"].append({"Keys": ["Tax", "Tax"], "Metrics": tax})
    actuals = tmp_path / "ce.json"
    actuals.write_text(json.dumps(response))
    assert main(["reconcile", "--actuals", str(actuals), str(write_yaml(ARCH))]) == 0
    text = capsys.readouterr().out
    assert "bill_adjustment" in text
    total_row = next(line for line in text.splitlines() if "Total (lines)" in line)
    assert "-$20.00" in total_row and "$7.20" in total_row and "$1.80" in total_row


def test_a_file_grouped_by_account_or_tag_only_is_refused_not_reconciled_as_all_unmapped(tmp_path):
    from tests.analyst_bills import ce_response
    from tests.test_trust import run

    # two accounts, $100 and $50 a day: October $4,650 (31 x 150) with no service named. Before,
    # reconcile printed every model line "modelled but absent from the bill" and the whole
    # $4,650 unmapped under a blank service, exit 0: a comparison that could not be made.
    def by_account(day):
        return {("111111111111",): 100.0, ("222222222222",): 50.0}

    path = tmp_path / "by-account.json"
    path.write_text(
        json.dumps(ce_response(by_account, "2026-10-01", "2026-11-01", group_by=("LINKED_ACCOUNT",)))
    )
    code, out, err = run("reconcile", "--month", "2026-10", "--actuals", path)
    assert code == 2 and out == ""
    assert "by-account.json: grouped by LINKED_ACCOUNT, not by SERVICE or USAGE_TYPE" in err
    # a real response grouped by a tag (tests/data/README.md) is refused the same way
    code, _, err = run(
        "reconcile", "--actuals", DATA / "aws" / "ce_get_cost_and_usage.by_tag.real_2i2c_2024-08-30.json"
    )
    assert code == 2 and "grouped by TAG:2i2c:hub-name, not by SERVICE" in err
