"""Session 38, a second independent tester: a rise beyond a declared change (`--change`) that
has stayed long enough to be a step change. A day's rise beyond the declared one is alarmed
(session 38), but once the new level had stayed three weeks it was listed as a step change,
planned whole: 3 -> 6 nodes, a 4th declared, said "planned" for the two nobody declared.
Bill written here by hand; expected figures by hand in the comments."""

import datetime as dt
import json

import pytest

from tests.test_trust import run

EC2 = "Amazon Elastic Compute Cloud - Compute"
FIRST, END = dt.date(2026, 8, 1), dt.date(2026, 11, 1)  # data 1 August .. 31 October 2026
STEP = dt.date(2026, 10, 10)  # 22 days to the data's end: a level that stayed


def _ce_daily(tmp_path, nodes_after: int):
    """Cost Explorer daily, SERVICE and USAGE_TYPE: 3 c5.2xlarge nodes ($0.34 an hour), then
    ``nodes_after`` from STEP."""
    group_by = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    results, day = [], FIRST
    while day < END:
        hours = 24 * (nodes_after if day >= STEP else 3)
        metrics = {
            "UnblendedCost": {"Amount": f"{hours * 0.34:.2f}", "Unit": "USD"},
            "UsageQuantity": {"Amount": f"{hours}", "Unit": "Hrs"},
        }
        period = {"Start": day.isoformat(), "End": (day + dt.timedelta(days=1)).isoformat()}
        groups = [{"Keys": [EC2, "BoxUsage:c5.2xlarge"], "Metrics": metrics}]
        results.append({"TimePeriod": period, "Total": {}, "Groups": groups, "Estimated": False})
        day += dt.timedelta(days=1)
    path = tmp_path / f"ce-daily-{nodes_after}-nodes.json"
    path.write_text(json.dumps({"GroupDefinitions": group_by, "ResultsByTime": results}))
    return path


@pytest.mark.parametrize(
    ("nodes_after", "planned"),
    [
        # declared: a 4th node, 24 x $0.34 = $8.16 a day. 3 -> 4 nodes billed: the step is the
        # declared $8.16, planned
        (4, True),
        # 3 -> 6 billed: +$24.48 a day, $16.32 of it (twice the declared rise) nobody declared:
        # not planned (before: planned, so the $16.32 x 22 = $359.04 was never alarmed nor listed
        # as unplanned)
        (6, False),
    ],
)
def test_a_step_beyond_its_declared_change_is_not_planned(tmp_path, nodes_after, planned):
    code, out, err = run(
        "anomalies",
        "--actuals",
        _ce_daily(tmp_path, nodes_after),
        "--change",
        f"{STEP}:eks.node_count=4",
        "--format",
        "json",
    )
    assert code == 0, err
    steps = json.loads(out)["step_changes"]
    assert [(s["date"], s["before"], s["planned"]) for s in steps] == [
        (STEP.isoformat(), pytest.approx(24.48, abs=0.01), planned)
    ]
