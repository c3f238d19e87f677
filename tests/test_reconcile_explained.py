"""What reconcile says of a line, in words and in JSON: a mover without quantities and the
reason a documented figure is null."""

from __future__ import annotations

import json

from costmodel.cli import main

ACTUALS = "data/actuals/ce-2026-06..2026-10.json"


def _october(capsys) -> dict:
    assert main(["reconcile", "--actuals", ACTUALS, "--month", "2026-10", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    return {line["category"]: line for line in payload["months"][-1]["lines"]}


def test_a_mover_without_quantities_is_explained_by_its_money(capsys):
    """The sample bills Route 53 standard Queries the model has none of (its queries go to
    alias records, free): there is no quantity to compare, so the money is named."""
    route53 = _october(capsys)["Route 53"]
    assert "0.0 vs 0.0" not in route53["explanation"]
    assert "Queries billed $" in route53["explanation"] and "no quantity to compare" in route53["explanation"]


def test_documented_basis_says_why_documented_is_null(capsys):
    lines = _october(capsys)
    # the document's "RDS primary $1,600" (data/documented) is stated for the category alone
    assert lines["RDS primary"]["documented"] == 1600 and lines["RDS primary"]["documented_basis"] == "stated"
    # its single data-transfer figure covers two categories: null, allocated pro rata
    transfer = lines["Data transfer out"]
    assert transfer["documented"] is None and transfer["documented_basis"] == "in_a_group"
    assert transfer["allocated"] > 0
    # Route 53 is in no figure of the document
    assert lines["Route 53"]["documented_basis"] == "not_stated" and lines["Route 53"]["allocated"] == 0


def test_one_day_of_storage_is_that_days_share_of_the_month_not_a_volume_shortfall(tmp_path, capsys):
    """A DAILY Cost Explorer file of one day, 15 October 2026: the production RDS primary's
    1,000 GB of Multi-AZ gp3 storage (USE1-RDS:Multi-AZ-GP3-Storage, $0.23 per GB-Mo, modelled
    $230 a month) bills 1,000 x 24 / 744 = 32.258065 GB-Mo, $7.419355, as AWS prorates a GB-Mo
    over the month's own hours. It read "mostly volume: 32.3 GB-Mo vs 1,000.0 modelled", volume
    -$222.58: the disk as if 97 % smaller. The day's share of the month is calendar: (1,000 / 31
    - 1,000) x 0.23 = -$222.580645, volume (32.258065 - 1,000 / 31) x 0.23 = $0, rate $0; and the
    four c5.2xlarge nodes' 96 h (3 modelled, $0.34 per hour: $744.60 a month) are hours as
    before: calendar (2,190 x 24 / 730 - 2,190) x 0.34 = -$720.12, volume (96 - 72) x 0.34 =
    $8.16"""
    gb_month = 1000 * 24 / 744
    groups = [
        (
            ("Amazon Relational Database Service", "USE1-RDS:Multi-AZ-GP3-Storage"),
            gb_month * 0.23,
            gb_month,
            "GB-Month",
        ),
        (("Amazon Elastic Compute Cloud - Compute", "BoxUsage:c5.2xlarge"), 96 * 0.34, 96.0, "Hrs"),
    ]
    page = {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": "2026-10-15", "End": "2026-10-16"},
                "Total": {},
                "Groups": [
                    {
                        "Keys": list(keys),
                        "Metrics": {
                            "UnblendedCost": {"Amount": f"{cost:.10f}", "Unit": "USD"},
                            "UsageQuantity": {"Amount": f"{quantity:.10f}", "Unit": unit},
                        },
                    }
                    for keys, cost, quantity, unit in groups
                ],
                "Estimated": False,
            }
        ],
    }
    path = tmp_path / "ce-one-day.json"
    path.write_text(json.dumps(page))
    assert main(["reconcile", "--actuals", str(path), "--month", "2026-10", "--format", "json"]) == 0
    (month,) = json.loads(capsys.readouterr().out)["months"]
    lines = {line["category"]: line for line in month["lines"]}
    storage = lines["RDS storage"]
    assert round(storage["calendar_variance"], 6) == -222.580645
    assert abs(storage["volume_variance"]) < 1e-6 and abs(storage["rate_variance"]) < 1e-6
    assert (
        storage["explanation"].startswith("mostly calendar")
        and "the data covers 24 h of the month's 744" in storage["explanation"]
    )
    nodes = lines["EKS nodes"]
    assert round(nodes["calendar_variance"], 2) == -720.12 and round(nodes["volume_variance"], 2) == 8.16
