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
    assert code == 0 and "no budget over or at risk" in out


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


# ---------------------------------------------------------------- issue 23: AWS Budgets' shapes
def test_periods_follow_the_fiscal_year():
    from costmodel.budget import period_months

    assert period_months("2026-10", "monthly") == ["2026-10"]
    assert period_months("2026-08", "quarterly") == ["2026-07", "2026-08", "2026-09"]
    # a fiscal year from April: its quarters are Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar
    assert period_months("2026-06", "quarterly", 4) == ["2026-04", "2026-05", "2026-06"]
    assert period_months("2027-02", "quarterly", 4) == ["2027-01", "2027-02", "2027-03"]
    assert (
        period_months("2026-10", "annual", 4)[0] == "2026-04"
        and period_months("2026-10", "annual", 4)[-1] == "2027-03"
    )


def test_a_quarter_is_its_months_so_far_plus_the_forecast_of_the_rest(tmp_path):
    path = budget_file(tmp_path, "amount_usd: 27000\nperiod: quarterly\n")
    code, out, _ = run(
        "budget", "--budget", path, "--actuals", MONTHLY, "--month", "2026-08", "--format", "json"
    )
    payload = json.loads(out)
    (total,) = payload["budgets"]
    # July + August: 9,016.152534 + 8,995.276202 = 18,011.428736. September from June..August
    # (daily averages 302.444498, 290.843630, 290.170200; the default candidate on three months
    # is the mean of the drift twice (the damped trend is the drift on so few months) and same as
    # last month: drift (290.170200 - 302.444498) / 2 = -6.137149 a month, two thirds of it
    # -4.091433): 286.078767 x 30 = 8,582.36
    assert payload["period"] == "quarterly" and total["period"] == "2026-07..2026-09"
    assert total["actual"] == pytest.approx(18011.43, abs=0.01)
    assert total["forecast"] == pytest.approx(18011.43 + 8582.36, abs=0.01)
    assert total["status"] == "ok" and code == 0


def test_credits_and_tax_can_be_left_out(tmp_path):
    path = budget_file(tmp_path, "monthly_usd: 10000\ninclude: {credits: false}\n")
    _code, out, _ = run(
        "budget", "--budget", path, "--actuals", MONTHLY, "--month", "2026-07", "--format", "json"
    )
    (total,) = json.loads(out)["budgets"]
    # July's bill 9,016.152534 carries a -$300 credit: without it, 9,316.152534
    assert total["actual"] == pytest.approx(9316.152534, abs=1e-6)
    assert json.loads(out)["include"] == {
        "credits": False,
        "refunds": True,
        "tax": True,
        "support": True,
        "upfront": True,
        "recurring": True,
        "discounts": True,
    }


@pytest.mark.parametrize(
    ("include", "left_out"),
    [
        # October's groups in the file: AWS Support (Developer) 280.0621300214, Tax 576.9279878441
        ("{support: false}", 280.0621300214),
        ("{tax: false}", 576.9279878441),
    ],
)
def test_the_support_plan_and_tax_can_be_left_out(tmp_path, include, left_out):
    path = budget_file(tmp_path, f"monthly_usd: 10000\ninclude: {include}\n")
    _code, out, _ = run("budget", "--budget", path, "--actuals", MONTHLY, "--format", "json")
    (total,) = json.loads(out)["budgets"]
    # October's bill 10,192.3944519130 less the line left out
    assert total["actual"] == pytest.approx(10192.3944519130 - left_out, abs=1e-6)


def test_the_amortized_cost_type_reads_the_amortized_metric(tmp_path):
    from decimal import Decimal
    from pathlib import Path

    path = budget_file(tmp_path, "monthly_usd: 10000\ncost_type: amortized\n")
    _code, out, _ = run("budget", "--budget", path, "--actuals", MONTHLY, "--format", "json")
    (total,) = json.loads(out)["budgets"]
    # October's AmortizedCost, summed straight from the file's grouped requests
    payload = json.loads(Path(MONTHLY).read_text())
    expected = sum(
        Decimal(g["Metrics"]["AmortizedCost"]["Amount"])
        for r in payload["requests"]
        if r["request"].get("GroupBy")
        for page in r["pages"]
        for result in page["ResultsByTime"]
        if result["TimePeriod"]["Start"] == "2026-10-01"
        for g in result["Groups"]
    )
    assert total["actual"] == pytest.approx(float(expected), abs=1e-6)


def test_thresholds_on_actual_and_forecast_in_percent_or_dollars(tmp_path):
    path = budget_file(
        tmp_path,
        "monthly_usd: 10000\nthresholds:\n  - {on: forecast, pct: 100}\n  - {on: actual, usd: 6000}\n",
    )
    code, out, _ = run(
        "budget", "--budget", path, "--actuals", DAILY, "--as-of", "2026-10-16", "--format", "json"
    )
    (total,) = json.loads(out)["budgets"]
    # $5,087.07 spent by the 15th is under $6,000; the month-end forecast is above $10,000
    crossed = [(t["on"], t["crossed"]) for t in total["thresholds"]]
    assert crossed == [("forecast", True), ("actual", False)] and total["alerts"] == "forecast > 100%"
    assert code == 1


def test_a_budget_by_usage_type(tmp_path):
    path = budget_file(tmp_path, "monthly_usd: 20000\nby_usage_type:\n  NatGateway-Bytes: 100\n")
    code, out, _ = run("budget", "--budget", path, "--actuals", MONTHLY, "--format", "json")
    rows = {b["name"]: b for b in json.loads(out)["budgets"]}
    # October's NAT data processed: $82.27 (tests/test_budget.py's NAT gateway category, by hand)
    assert rows["NatGateway-Bytes"]["actual"] == pytest.approx(82.27, abs=0.005) and code == 0


def test_budgets_by_account_and_tag_come_from_line_items(tmp_path):
    import duckdb

    cur = "data/actuals/cur2-2026-06..2026-10.parquet"
    path = budget_file(
        tmp_path, "monthly_usd: 20000\nby_account:\n  '444455556666': 1000\nby_tag:\n  team: {web: 1000}\n"
    )
    _code, out, _ = run("budget", "--budget", path, "--cur", cur, "--format", "json")
    rows = {b["name"]: b for b in json.loads(out)["budgets"]}
    october = "line_item_usage_start_date >= '2026-10-01' AND line_item_usage_start_date < '2026-11-01'"
    (account,) = duckdb.execute(
        f"SELECT SUM(line_item_unblended_cost) FROM read_parquet('{cur}') "
        f"WHERE line_item_usage_account_id = '444455556666' AND {october}"
    ).fetchone()
    (web,) = duckdb.execute(
        f"SELECT SUM(line_item_unblended_cost) FROM read_parquet('{cur}') "
        f"WHERE resource_tags['user_team'] = 'web' AND {october}"
    ).fetchone()
    assert rows["444455556666"]["actual"] == pytest.approx(account) and account > 0
    assert rows["web"]["actual"] == pytest.approx(web) and web > 0
    err = refused("budget", "--budget", path, "--actuals", MONTHLY)
    assert "budgets by tag, account or region need line items" in err


def monthly_cut_short(tmp_path, end="2026-10-05"):
    """The monthly sample with October fetched on its 5th: an Estimated period 10-01..10-05
    holding the first four days' money (4/31 of October's)."""
    from decimal import Decimal
    from pathlib import Path

    payload = json.loads(Path(MONTHLY).read_text())
    for request in payload["requests"]:
        for page in request["pages"]:
            for result in page["ResultsByTime"]:
                if result["TimePeriod"]["Start"] == "2026-10-01":
                    result["TimePeriod"]["End"], result["Estimated"] = end, True
                    for metrics in [g["Metrics"] for g in result["Groups"]] + [result["Total"]]:
                        for metric in metrics.values():
                            metric["Amount"] = str(Decimal(metric["Amount"]) * 4 / 31)
    path = tmp_path / "ce-cut-short.json"
    path.write_text(json.dumps(payload))
    return path


def test_a_monthly_file_of_a_month_in_progress_never_takes_month_to_date_for_a_daily_rate(tmp_path):
    # before issue 23: EC2's month to date (4 days) was taken for a day's cost and multiplied
    # by the 27 days left; a monthly file cannot say the rest of the month: unknown
    path = budget_file(
        tmp_path, "monthly_usd: 10000\nby_service:\n  Amazon Elastic Compute Cloud - Compute: 1500\n"
    )
    code, out, _ = run(
        "budget", "--budget", path, "--actuals", monthly_cut_short(tmp_path), "--format", "json"
    )
    rows = {b["name"]: b for b in json.loads(out)["budgets"]}
    ec2 = rows["Amazon Elastic Compute Cloud - Compute"]
    assert ec2["forecast"] is None and ec2["status"] == "unknown" and code == 1
    assert rows["total bill"]["forecast"] is None and rows["total bill"]["status"] == "unknown"


def test_a_charge_billed_on_the_first_is_not_a_daily_rate(tmp_path):
    # before issue 23: the support plan billed on 1 October ($280.06) counted as the last 7 days'
    # mean and was forecast at $8,121.80 for the month; it is billed once: the month's is $280.06
    path = budget_file(tmp_path, "monthly_usd: 20000\nby_service:\n  AWS Support (Developer): 300\n")
    _code, out, _ = run(
        "budget", "--budget", path, "--actuals", DAILY, "--as-of", "2026-10-04", "--format", "json"
    )
    rows = {b["name"]: b for b in json.loads(out)["budgets"]}
    support = rows["AWS Support (Developer)"]
    assert support["actual"] == pytest.approx(280.06213, abs=1e-5)
    assert support["forecast"] == pytest.approx(280.06213, abs=1e-5) and support["status"] == "ok"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("amount_usd: 100\nperiod: weekly\n", "period must be one of monthly, quarterly, annual"),
        ("monthly_usd: 100\nperiod: quarterly\n", "monthly_usd with period quarterly: give amount_usd"),
        ("monthly_usd: 100\namount_usd: 100\n", "both monthly_usd (100) and amount_usd (100); give one"),
        ("amount_usd: 100\nfiscal_year_start: 13\n", "fiscal_year_start must be a month number 1..12"),
        (
            "monthly_usd: 100\ncost_type: blended\n",
            "cost_type must be one of unblended, amortized, net_amortized",
        ),
        # AWS Budgets' IncludeOtherSubscription is not offered
        (
            "monthly_usd: 100\ninclude: {other_subscription: false}\n",
            "include has unknown key 'other_subscription'",
        ),
        ("monthly_usd: 100\ninclude: {tax: no-thanks}\n", "include.tax must be true or false"),
        (
            "monthly_usd: 100\ninclude: false\n",
            "include must map credits, refunds, tax, support, upfront, recurring, discounts to true or false",
        ),
        ("monthly_usd: 100\nthresholds: [{on: actual}]\n", "give pct (of the budget) or usd"),
        ("monthly_usd: 100\nthresholds: [{on: spend, pct: 80}]\n", "on must be actual or forecast"),
        # an item that is no mapping at all (a bare percentage): refused in one line
        ("monthly_usd: 100\nthresholds: [80]\n", "thresholds item 1: expected on (actual or forecast)"),
        ("monthly_usd: 100\nthresholds: [actual]\n", "thresholds item 1: expected on (actual or forecast)"),
        ("monthly_usd: 100\nby_tag: {team: 5}\n", "by_tag must map tag keys to {VALUE: USD}"),
        ("monthly_usd: 100\nby_usage_type: {BoxUsage:m9.huge: 5}\n", "is not a usage type on the bill"),
    ],
)
def test_bad_budget_files_of_the_new_keys_are_one_line(tmp_path, text, message):
    err = refused("budget", "--budget", budget_file(tmp_path, text), "--actuals", MONTHLY)
    assert "budget.yaml" in err and message in err


# ------------------------------------------------- issue 21: the verdict, thresholds and periods
# Unit tests of the pure rules, each killing mutants that the command tests above let live
# (docs/mutation-testing.md): the boundaries are the money rules here.
def test_the_verdict_is_over_only_above_the_budget_and_at_risk_only_on_a_forecast_above_it():
    from costmodel.budget import _status

    nan = float("nan")
    assert _status(100.0, 100.0, 100.0) == "ok"  # exactly at the budget is not over
    assert _status(100.01, 100.01, 100.0) == "over"
    assert _status(100.01, nan, 100.0) == "over"  # over is known without a forecast
    assert _status(99.0, 100.0, 100.0) == "ok"  # forecast exactly at the budget: not at risk
    assert _status(99.0, 100.01, 100.0) == "at risk"
    assert _status(99.0, nan, 100.0) == "unknown"


def _one_budget(thresholds, alert_pct=()):
    from costmodel.budget import BudgetFile

    return BudgetFile(
        budgets=(("total", "total", 1000.0),),
        alert_pct=tuple(alert_pct),
        origin="b.yaml",
        thresholds=tuple(thresholds),
    )


def test_a_threshold_is_crossed_above_its_amount_as_aws_budgets_greater_than():
    from costmodel.budget import Threshold, _row

    # AWS Budgets notifications compare with GREATER_THAN ("notified when you go over 160
    # dollars" for a threshold of 80 % of $200): spend equal to the threshold does not alert.
    # It alerted at >=
    budget = _one_budget(
        [Threshold("actual", pct=80), Threshold("forecast", usd=950.0), Threshold("actual", usd=0.0)],
        alert_pct=[100],
    )
    # actual 800 = 80 % of 1,000 exactly: not over it; forecast 950 = $950: not over it; a $0
    # threshold is crossed by any spend above 0; 100 % of the budget (alert_pct) is $1,000
    row = _row(budget, "total", "total", 1000.0, 800.0, 950.0, ["2026-10"], False)
    assert [(t["amount"], t["crossed"]) for t in row["thresholds"]] == [
        (800.0, False),
        (950.0, False),
        (0.0, True),
        (1000.0, False),
    ]
    assert row["alerts"] == "actual > $0.00"
    # a cent over each: 800.01 > 800 and 950.01 > 950 cross; the forecast threshold reads the
    # forecast, not the actual
    row = _row(budget, "total", "total", 1000.0, 800.01, 950.01, ["2026-10"], False)
    assert [t["crossed"] for t in row["thresholds"]] == [True, True, True, False]
    assert row["alerts"] == "actual > 80%, forecast > $950.00, actual > $0.00"
    row = _row(budget, "total", "total", 1000.0, 799.99, 950.01, ["2026-10"], False)
    assert [t["crossed"] for t in row["thresholds"]] == [False, True, True, False]


def test_a_zero_threshold_is_not_crossed_by_zero_spend_and_an_unknown_forecast_crosses_nothing():
    from costmodel.budget import Threshold, _row

    budget = _one_budget([Threshold("actual", usd=0.0), Threshold("forecast", pct=50)])
    row = _row(budget, "total", "total", 1000.0, 0.0, float("nan"), ["2026-10"], True)
    # $0 spent against a $0 threshold: nothing to alert on; the forecast is unknown: None
    assert [t["crossed"] for t in row["thresholds"]] == [False, None] and row["alerts"] == ""
    assert row["status"] == "unknown" and row["in_progress"] is True


def test_a_budget_row_carries_its_percentages_and_period():
    import math

    from costmodel.budget import _row

    row = _row(
        _one_budget([]), "service", "RDS", 400.0, 300.0, 500.0, ["2026-07", "2026-08", "2026-09"], False
    )
    # 300 / 400 = 75 %; 500 / 400 = 125 %: at risk; a quarter is named by its first and last month
    assert row["used_pct"] == pytest.approx(75.0) and row["forecast_pct"] == pytest.approx(125.0)
    assert row["status"] == "at risk" and row["period"] == "2026-07..2026-09" and row["name"] == "RDS"
    row = _row(_one_budget([]), "total", "total", 0.0, 5.0, 5.0, ["2026-10"], False)
    # a budget of $0: no percentage (NaN, not a division by zero), over as soon as $5 is spent
    assert math.isnan(row["used_pct"]) and row["status"] == "over" and row["period"] == "2026-10"
    assert row["name"] == "total bill"


def test_threshold_amounts_and_labels():
    from costmodel.budget import Threshold

    # 80 % of $12,500 = $10,000; a USD threshold is its own amount whatever the budget
    assert Threshold("actual", pct=80).amount(12500.0) == pytest.approx(10000.0)
    assert Threshold("forecast", usd=9500.0).amount(12500.0) == 9500.0
    assert Threshold("forecast", usd=9500.0).label == "forecast > $9,500.00"
    assert Threshold("actual", pct=80, from_alert_pct=True).label == "80%"


def test_period_boundaries_on_the_fiscal_year_start():
    from costmodel.budget import period_months

    # the fiscal year's first month opens a quarter and a year; the month before it closes them
    assert period_months("2026-04", "quarterly", 4) == ["2026-04", "2026-05", "2026-06"]
    assert period_months("2026-03", "quarterly", 4) == ["2026-01", "2026-02", "2026-03"]
    assert period_months("2026-03", "annual", 4) == [
        f"{y}-{m:02d}" for y, m in [(2025, m) for m in range(4, 13)] + [(2026, 1), (2026, 2), (2026, 3)]
    ]
    assert (
        period_months("2026-12", "annual")[0] == "2026-01"
        and period_months("2026-01", "annual")[-1] == "2026-12"
    )
    assert period_months("2026-12", "quarterly") == ["2026-10", "2026-11", "2026-12"]


def test_the_worst_status_decides_the_alarm():
    import pandas as pd

    from costmodel.budget import any_alarm, worst_status

    table = pd.DataFrame({"status": ["ok", "at risk", "unknown"], "alerts": ["", "", ""]})
    assert worst_status(table) == "at risk" and any_alarm(table)
    ok = pd.DataFrame({"status": ["ok", "ok"], "alerts": ["", ""]})
    assert worst_status(ok) == "ok" and not any_alarm(ok)
    assert any_alarm(ok.assign(alerts=["", "80%"]))  # a crossed threshold alone alarms


def test_the_rest_of_a_month_in_progress_is_the_forecast_less_the_spend_so_far(monkeypatch):
    from types import SimpleNamespace

    import pandas as pd

    import costmodel.forecast_month_end
    from costmodel.budget_forecast import Month, rest_of_month

    days = pd.date_range("2026-09-01", "2026-10-15", freq="D")  # 45 days >= 21
    scoped = pd.DataFrame(
        {
            "month": days.strftime("%Y-%m"),
            "period_start": days,
            "period_end": days + pd.Timedelta(days=1),
            "service": "S",
            "usage_type": "U",
            "record_type": "Usage",
            "unblended_cost": 10.0,
        }
    )
    # month-end forecast $310 with $150 spent so far: $160 still to come (not 310 + 150)
    monkeypatch.setattr(
        costmodel.forecast_month_end,
        "month_end",
        lambda actuals: SimpleNamespace(expected=310.0, actual_to_date=150.0),
    )
    at = Month(month="2026-10", in_progress=True, days_left=16, daily=True)
    assert rest_of_month(scoped, at, days, "x") == pytest.approx(160.0)
    # every day in but not final: nothing left; a complete month: nothing left
    assert rest_of_month(scoped, Month("2026-10", True, 0, True), days, "x") == 0.0
    assert rest_of_month(scoped, Month("2026-10", False, 16, True), days, "x") == 0.0
    import math

    # 20 days of daily data is one short of the 21 a forecast needs: unknown
    assert math.isnan(rest_of_month(scoped, at, days[-20:], "x"))
    assert rest_of_month(scoped, at, days[-21:], "x") == pytest.approx(160.0)


def test_the_bill_budget_forecasts_the_months_ahead_as_the_forecast_command_does(tmp_path):
    import numpy as np
    import pandas as pd

    from costmodel.budget import evaluate, read_budget
    from costmodel.forecast import forecast
    from tests.test_anomalies import daily_actuals

    # a tester's bill: EC2 $1,000 a day + $100 on weekdays, RDS $500 a day, 1 June 2025 to 5 December 2026
    days = pd.date_range("2025-06-01", "2026-12-05")
    ec2 = 1000.0 + 100.0 * (days.day_of_week < 5)
    actuals = daily_actuals(
        {
            ("Amazon Elastic Compute Cloud - Compute", "BoxUsage"): ec2,
            ("Amazon Relational Database Service", "InstanceUsage"): np.full(len(days), 500.0),
        },
        "2025-06-01",
    )
    budget = read_budget(
        budget_file(tmp_path, "amount_usd: 100000\nperiod: quarterly\nfiscal_year_start: 11\n")
    )
    _month, table = evaluate(budget, actuals)
    # November 2026: 30 x 1,500 + 21 weekdays x 100 = 47,100; December: 31 x 1,500 + 23 x 100 =
    # 48,800; January 2027: 31 x 1,500 + 21 x 100 = 48,600. The quarter: $144,500 (it said
    # $144,665.13: its months ahead came from another candidate than the forecast command's)
    assert table.iloc[0]["forecast"] == pytest.approx(144500.0, abs=0.01)
    points = forecast(actuals, months=1).forecast.set_index("month")["expected"]
    assert points["2026-12"] + points["2027-01"] == pytest.approx(48800.0 + 48600.0, abs=0.01)


def test_a_threshold_crossed_under_the_budget_is_not_called_all_ok(tmp_path):
    # September's bill $9,399.42 is under $20,000 (status ok) but above 10% of it ($2,000): the
    # tester read "all budgets ok" then "threshold crossed" and exit 1
    path = budget_file(tmp_path, "monthly_usd: 20000\nthresholds: [{on: actual, pct: 10}]\n")
    code, out, _ = run("budget", "--budget", path, "--actuals", MONTHLY, "--month", "2026-09")
    assert code == 1 and "all budgets ok" not in out
    assert "no budget over or at risk" in out and "threshold crossed" in out


def _monthly_without(tmp_path, month):
    """The monthly sample with ``month`` left out of every request (a file with a gap)."""
    from pathlib import Path

    payload = json.loads(Path(MONTHLY).read_text())
    for request in payload["requests"]:
        for page in request["pages"]:
            page["ResultsByTime"] = [
                r for r in page["ResultsByTime"] if not r["TimePeriod"]["Start"].startswith(month)
            ]
    path = tmp_path / "ce-gap.json"
    path.write_text(json.dumps(payload))
    return path


def test_a_period_that_starts_before_the_data_is_refused_not_counted_from_the_first_month(tmp_path):
    # tester30: an annual budget from April on the sample (June..October) counted June..October
    # as the year so far: $46,676.58 of a year whose April and May it never saw, "ok", exit 0
    path = budget_file(tmp_path, "amount_usd: 120000\nperiod: annual\nfiscal_year_start: 4\n")
    err = refused("budget", "--budget", path, "--actuals", MONTHLY)
    assert "has no data for 2026-04, 2026-05" in err and "annual period 2026-04..2027-03" in err
    assert "budget.yaml" in err and "fetch the data from 2026-04-01" in err


def test_a_month_missing_inside_the_period_is_refused_not_counted_as_nothing(tmp_path):
    # tester30: August left out of the file: the quarter July..September was July + September
    # ($9,016.15 + $9,399.42 = $18,415.58) where the bill was $27,410.85 with August's $8,995.28
    path = budget_file(tmp_path, "amount_usd: 20000\nperiod: quarterly\n")
    err = refused(
        "budget", "--budget", path, "--actuals", _monthly_without(tmp_path, "2026-08"), "--month", "2026-09"
    )
    assert "has no data for 2026-08" in err and "quarterly period 2026-07..2026-09" in err


def test_a_first_month_that_starts_late_is_refused_in_a_period(tmp_path):
    # tester30: a file fetched from 15 June holds 16 of June's 30 days; a quarter April..June
    # (or a monthly budget of June) would take them for the whole month
    from pathlib import Path

    payload = json.loads(Path(MONTHLY).read_text())
    for request in payload["requests"]:
        for page in request["pages"]:
            for result in page["ResultsByTime"]:
                if result["TimePeriod"]["Start"] == "2026-06-01":
                    result["TimePeriod"]["Start"] = "2026-06-15"
    late = tmp_path / "ce-late.json"
    late.write_text(json.dumps(payload))
    path = budget_file(tmp_path, "monthly_usd: 20000\n")
    err = refused("budget", "--budget", path, "--actuals", late, "--month", "2026-06")
    assert "only 16 of 2026-06's 30 days" in err


def test_a_scope_whose_spend_fell_is_not_forecast_below_zero(tmp_path):
    # tester30: EC2 at $100 a day in June, $50 in July, $5 from August; a quarter
    # October..December at October's end: the drift carried the fall on (-$1,725.00 for the
    # quarter, "ok" at -287.5% of it). Same as last month: 155 + 30 x 5 + 31 x 5 = $460.00
    from tests.test_forecast import WINDING_DOWN, monthly_response

    path = budget_file(
        tmp_path,
        "amount_usd: 400\nperiod: quarterly\nby_service:\n  Amazon Elastic Compute Cloud - Compute: 400\n",
    )
    code, out, _ = run(
        "budget", "--budget", path, "--actuals", monthly_response(tmp_path, WINDING_DOWN), "--format", "json"
    )
    rows = json.loads(out)["budgets"]
    assert [r["forecast"] for r in rows] == pytest.approx([460.0, 460.0])
    assert [r["status"] for r in rows] == ["at risk", "at risk"] and code == 1


def _response_with_an_idle_month(tmp_path):
    """A GetCostAndUsage response (MONTHLY, by SERVICE, no ungrouped total): EC2 $100 a day
    June..October 2026 but August, which Cost Explorer lists with no groups (no cost)."""
    from tests.test_forecast import WINDING_DOWN, monthly_response

    path = monthly_response(tmp_path, dict.fromkeys(WINDING_DOWN, 100.0))
    page = json.loads(path.read_text())
    page["ResultsByTime"][2]["Groups"] = []
    path.write_text(json.dumps(page))
    return path


def test_a_month_without_cost_is_a_month_at_zero_not_a_month_missing(tmp_path):
    # tester30: August listed with no groups was dropped by the reader (when the file has no
    # ungrouped total), so a quarter July..September was refused for "no data for 2026-08".
    # The quarter: July 3,100 + August 0 + September 3,000 = $6,100.00
    from costmodel.actuals import read_actuals

    path = _response_with_an_idle_month(tmp_path)
    controls = read_actuals(path).controls.set_index("month")["control_total"]
    assert controls.to_dict() == pytest.approx(
        {"2026-06": 3000.0, "2026-07": 3100.0, "2026-08": 0.0, "2026-09": 3000.0, "2026-10": 3100.0}
    )
    budget = budget_file(tmp_path, "amount_usd: 9000\nperiod: quarterly\n")
    code, out, _ = run(
        "budget", "--budget", budget, "--actuals", path, "--month", "2026-09", "--format", "json"
    )
    (total,) = json.loads(out)["budgets"]
    assert total["actual"] == pytest.approx(6100.0) and total["status"] == "ok" and code == 0


def test_reconciling_a_month_without_cost_says_so(tmp_path):
    err = refused("reconcile", "--actuals", _response_with_an_idle_month(tmp_path), "--month", "2026-08")
    assert "--month 2026-08 has no cost" in err and "it has" not in err
