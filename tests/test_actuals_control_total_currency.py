"""Cost Explorer's ungrouped control total is money like every group: USD, or refused."""

from __future__ import annotations

import json

import pytest

from costmodel.cli import main

PERIOD = {"Start": "2026-10-01", "End": "2026-11-01"}
GROUP_BY = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]


def _saved(total_unit: str) -> dict:
    """A fetch-actuals file: the grouped request and the ungrouped total of one month."""
    request = {"TimePeriod": PERIOD, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost", "UsageQuantity"]}
    group = {
        "Keys": ["Amazon Relational Database Service", "InstanceUsage:db.r5.large"],
        "Metrics": {
            "UnblendedCost": {"Amount": "186.00", "Unit": "USD"},
            "UsageQuantity": {"Amount": "744", "Unit": "Hrs"},
        },
    }
    grouped = {
        "GroupDefinitions": GROUP_BY,
        "ResultsByTime": [{"TimePeriod": PERIOD, "Total": {}, "Groups": [group]}],
    }
    total = {
        "TimePeriod": PERIOD,
        "Total": {"UnblendedCost": {"Amount": "186.00", "Unit": total_unit}},
        "Groups": [],
    }
    return {
        "requests": [
            {"request": request | {"GroupBy": GROUP_BY}, "pages": [grouped]},
            {"request": request, "pages": [{"ResultsByTime": [total]}]},
        ]
    }


@pytest.mark.parametrize(("unit", "code"), [("USD", 0), ("EUR", 2)])
def test_a_control_total_in_another_currency_is_refused(write_yaml, tmp_path, capsys, unit, code):
    arch = write_yaml(
        "region: us-east-1\nrds:\n  instance_class: db.r5.large\n  multi_az: false\n  storage_gb: 100\n"
    )
    actuals = tmp_path / "ce.json"
    actuals.write_text(json.dumps(_saved(unit)))
    # before: a EUR total of 186.00 was taken as $186.00 and "proved" the USD groups complete
    assert main(["reconcile", "--actuals", str(actuals), str(arch), "--format", "json"]) == code
    if code:
        assert (
            "request 2, period 2026-10-01, Total: metric UnblendedCost is in 'EUR'" in capsys.readouterr().err
        )
    else:
        month = json.loads(capsys.readouterr().out)["months"][0]
        assert month["conservation"]["bill_total"] == 186.00
        assert month["conservation"]["bill_total_source"] == "Cost Explorer's ungrouped total"


CONSOLE = (
    '"Service","Relational Database Service($)","Tax($)","Total costs($)"\n'
    '"Service total","378.00","40.00","{grand}"\n'
    '"2026-09-01","180.00","20.00","200.00"\n'
    '"2026-10-01","198.00","20.00","218.00"\n'
)


@pytest.mark.parametrize(("grand", "code"), [("418.00", 0), ("436.00", 2)])
def test_the_console_grand_total_must_match_its_periods(write_yaml, tmp_path, capsys, grand, code):
    # 200.00 + 218.00 = 418.00: a 'Service total' of 436.00 means a period is missing or altered
    arch = write_yaml(
        "region: us-east-1\nrds:\n  instance_class: db.r5.large\n  multi_az: false\n  storage_gb: 100\n"
    )
    actuals = tmp_path / "console.csv"
    actuals.write_text(CONSOLE.format(grand=grand))
    assert main(["reconcile", "--actuals", str(actuals), str(arch), "--format", "json"]) == code
    if code:
        assert "add up to 418.00 but the 'Service total' row says 436.00" in capsys.readouterr().err
