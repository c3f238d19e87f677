"""Session 38: an independent tester's findings on the forecast interval and a tiny budget,
on bills written by hand as Cost Explorer returns them (`tests/forecast_world.py`)."""

from __future__ import annotations

import json

import pytest

from tests.forecast_world import EC2, monthly_bill, saved_file
from tests.test_trust import run


def test_a_tiny_budget_s_percent_agrees_with_its_status(tmp_path):
    # $0.0217 a month against a $0.02 budget: compared in cents, $0.02 is not above $0.02, so
    # the status is ok, and the percent from the same cents is $0.02 / $0.02 = 100.0 %
    # (costmodel printed "used 108.5%", 0.0217 / 0.02, beside "ok")
    bill = monthly_bill("2026-07", {(EC2, "BoxUsage:t4g.nano"): [0.0217] * 4})
    actuals = saved_file(tmp_path / "tiny.json", bill)
    budget = tmp_path / "tiny.yaml"
    budget.write_text("monthly_usd: 0.02\n")
    _, out, _ = run(
        "budget", "--budget", budget, "--actuals", actuals, "--month", "2026-10", "--format", "json"
    )
    row = json.loads(out)["budgets"][0]
    assert row["status"] == "ok"
    assert row["used_pct"] == pytest.approx(100.0)
    assert row["forecast_pct"] == pytest.approx(100.0)
