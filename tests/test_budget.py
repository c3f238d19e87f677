"""Budgets (issue 12): actual, forecast, used and status per budget; exit 1 when at risk or
over; bad budget files in one line."""

import json

import pytest

from costmodel.cli import main
from tests.test_trust import refused, run

MONTHLY = "data/actuals/ce-2026-06..2026-10.json"
DAILY = "data/actuals/ce-daily-2026-06..2026-10.json.gz"


def budget_file(tmp_path, text, name="budget.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_month_over_budget_exits_1_with_each_budgets_status(tmp_path):
    path = budget_file(
        tmp_path,
        "monthly_usd: 10000\nby_service:\n  Amazon Relational Database Service: 5000\n"
        "by_category:\n  NAT gateway: 160\nalert_pct: [80, 100]\n",
    )
    code, out, _ = run("budget", "--budget", path, "--actuals", MONTHLY, "--format", "json")
    payload = json.loads(out)
    rows = {b["name"]: b for b in payload["budgets"]}
    assert code == 1 and payload["month"] == "2026-10" and payload["currency"] == "USD"
    # October's bill $10,192.39 > $10,000: over, 101.9% used
    assert rows["total bill"]["status"] == "over" and rows["total bill"]["used_pct"] == pytest.approx(
        101.92, abs=0.01
    )
    # RDS: 1,488 + 230 + 160 + 2,232 + 345 + 240 = $4,695.00 of $5,000: 93.9%, ok
    assert rows["Amazon Relational Database Service"]["actual"] == pytest.approx(4695.00)
    assert rows["Amazon Relational Database Service"]["status"] == "ok"
    # NAT gateway: $100.44 hours + $82.27 data processed = $182.71 > $160
    assert rows["NAT gateway"]["actual"] == pytest.approx(182.71, abs=0.005)
    assert rows["NAT gateway"]["status"] == "over"
    assert {"name", "budget", "actual", "forecast", "used_pct", "status"} <= set(rows["NAT gateway"])


def test_all_budgets_ok_exits_0(tmp_path):
    path = budget_file(tmp_path, "monthly_usd: 20000\n")
    code, out, _ = run("budget", "--budget", path, "--actuals", MONTHLY, "--month", "2026-09")
    assert code == 0 and "all budgets ok" in out


def test_a_month_in_progress_is_at_risk_when_its_forecast_passes_the_budget(tmp_path):
    path = budget_file(tmp_path, "monthly_usd: 10000\n")
    code, out, _ = run(
        "budget", "--budget", path, "--actuals", DAILY, "--as-of", "2026-10-16", "--format", "json"
    )
    (total,) = json.loads(out)["budgets"]
    # $5,087.07 spent in 15 days is under the budget; the month-end forecast ($10,143) is not
    assert code == 1 and total["actual"] < 10000 < total["forecast"] and total["status"] == "at risk"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("monthly_usd: -5\n", "is negative"),
        ("monthly_usd: lots\n", "is not a number"),
        ("monthly_usd: .nan\n", "not a finite number"),
        ("by_service:\n  AWS WAF: 50\n", "monthly_usd is required"),
        ("monthly_usd: 100\nmonthy: 3\n", "unknown key 'monthy'"),
        (
            "monthly_usd: 100\nby_service:\n  Amazon RDS: 50\n",
            "by_service 'Amazon RDS' is not a service on the bill",
        ),
        (
            "monthly_usd: 100\nby_category:\n  Databases: 50\n",
            "by_category 'Databases' is not a model category",
        ),
        # "" is how unmapped rows are marked, not a category one can budget; nor listed as one
        ('monthly_usd: 100\nby_category:\n  "": 50\n', "by_category '' is not a model category; known: ALB,"),
        ("monthly_usd: 100\nalert_pct: 80\n", "alert_pct must be a list"),
        ("monthly_usd: 100\nmonthly_usd: 200\n", "repeated"),
        ("- 100\n", "expected a mapping"),
    ],
)
def test_bad_budget_files_are_one_line_naming_the_file(tmp_path, text, message):
    err = refused("budget", "--budget", budget_file(tmp_path, text), "--actuals", MONTHLY)
    assert "budget.yaml" in err and message in err


def test_budget_for_a_month_not_in_the_data_is_one_line(tmp_path):
    err = refused("budget", "--budget", budget_file(tmp_path, "monthly_usd: 1\n"), "--month", "2025-01")
    assert "no data for --month 2025-01" in err


def test_the_bundled_budget_and_sample_run_without_any_file(capsys):
    # the sample's October bill ($10,192.39) is over the $10,000 total of sample-budget.yaml: exit 1
    assert main(["budget"]) == 1
    assert "Budgets for 2026-10 (sample-budget.yaml" in capsys.readouterr().out
