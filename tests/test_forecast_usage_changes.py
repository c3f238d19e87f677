"""A usage type that begins or stops billing in the last four weeks of daily data (session
34): the calendar forecast carries it as it runs now, not at its share of the weekday
medians of those weeks. Bills written by hand as Cost Explorer returns them
(`tests/forecast_world.py`); expected figures by hand in the comments."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from costmodel.actuals import read_actuals
from costmodel.actuals.series import daily_bill, daily_by_usage_type
from costmodel.forecast import forecast
from costmodel.forecast_usage_changes import as_running_now, began_on, stopped_on
from tests.forecast_world import EC2, RDS, saved_file
from tests.forecast_world import daily_bill as bill_of_days
from tests.test_trust import run

SERVERS = (EC2, "BoxUsage:m5.large")
LARGER_SERVERS = (EC2, "BoxUsage:m5.xlarge")
DATABASE = (RDS, "InstanceUsage:db.r5.large")
FIRST = dt.date(2025, 12, 1)


def _file(tmp_path, last: dt.date, day) -> object:
    bill = bill_of_days(FIRST, last, day)
    return saved_file(tmp_path / "ce-daily.json", bill, granularity="DAILY", groups_per_page=100)


@pytest.mark.parametrize("days_billed", [3, 7, 10, 15, 20, 27])
def test_a_service_begun_days_before_the_data_ends_is_forecast_at_its_level(tmp_path, days_billed):
    # EC2 $500 a day from December 2025; RDS, a new service, $300 a day on the last
    # `days_billed` days to 31 December 2026. What runs now is $800 a day: January 2027
    # 31 x $800 = $24,800.00, February 28 x $800 = $22,400.00. Before, each weekday's median
    # of the last 4 weeks held RDS on 2 of its 4 days at 15 days (31 x $650 = $20,150.00), on
    # none at 3, 7 and 10 ($15,500.00 and $16,100.00) and on 3 of 4 at 20 ($24,050.00); at 27
    # the figures were right already, the note saying why is new
    first_day = dt.date(2026, 12, 31) - dt.timedelta(days=days_billed - 1)

    def day(d: dt.date) -> dict:
        return {SERVERS: 500.0} | ({DATABASE: 300.0} if d >= first_day else {})

    result = forecast(read_actuals(_file(tmp_path, dt.date(2026, 12, 31), day)), months=2)
    assert result.forecast["expected"].tolist() == pytest.approx([24800.0, 22400.0], abs=0.01)
    assert any(f"{RDS} InstanceUsage:db.r5.large began billing on {first_day}" in n for n in result.notes)


def test_a_service_begun_in_the_month_in_progress_counts_in_the_budget_s_quarter(tmp_path):
    # EC2 $500 a day; RDS $300 a day from 6 December 2026 (15 days to the data's end, 20
    # December). The months after December: 31 x $800 = $24,800.00 and 28 x $800 =
    # $22,400.00 (before: $22,700.00 and $20,600.00). The quarter December..February is then
    # December's month-end forecast plus $47,200.00; December's truth is 31 x $500 + 26 x
    # $300 = $23,300.00, a quarter of $70,500.00 over a $70,000 budget: at risk (before: ok,
    # forecast $66,437.65)
    def day(d: dt.date) -> dict:
        return {SERVERS: 500.0} | ({DATABASE: 300.0} if d >= dt.date(2026, 12, 6) else {})

    path = _file(tmp_path, dt.date(2026, 12, 20), day)
    result = forecast(read_actuals(path), months=2)
    table = result.forecast.set_index("month")["expected"]
    assert table[["2027-01", "2027-02"]].tolist() == pytest.approx([24800.0, 22400.0], abs=0.01)
    # December from the daily model (ETS): within $300 of $23,300 (it fits the last 8 weeks)
    assert table["2026-12"] == pytest.approx(23300.0, abs=300.0)
    budget = tmp_path / "budget.yaml"
    budget.write_text("amount_usd: 70000\nperiod: quarterly\nfiscal_year_start: 12\n")
    code, out, _ = run("budget", "--actuals", path, "--budget", budget, "--format", "json")
    row = json.loads(out)["budgets"][0]
    assert code == 1 and row["status"] == "at risk", row  # at risk: exit 1, as over
    assert row["forecast"] == pytest.approx(table["2026-12"] + 47200.0, abs=0.01)


@pytest.mark.parametrize("days_quiet", [7, 15, 20])
def test_a_usage_type_stopped_inside_a_service_that_goes_on_is_not_forecast(tmp_path, days_quiet):
    # EC2 m5.large $500 a day all along; EC2 m5.xlarge $300 a day up to `days_quiet` days
    # before 31 December 2026, nothing since. EC2 goes on billing, so the service is not
    # stopped; what runs is m5.large alone: January 2027 31 x $500 = $15,500.00. Before, the
    # weekday medians still held m5.xlarge on the days before its stop: $24,800.00 at 7 days,
    # $20,150.00 at 15, $16,250.00 at 20
    last_billed = dt.date(2026, 12, 31) - dt.timedelta(days=days_quiet)

    def day(d: dt.date) -> dict:
        return {SERVERS: 500.0} | ({LARGER_SERVERS: 300.0} if d <= last_billed else {})

    result = forecast(read_actuals(_file(tmp_path, dt.date(2026, 12, 31), day)), months=1)
    assert result.forecast["expected"].tolist() == pytest.approx([15500.0], abs=0.01)
    assert any("BoxUsage:m5.xlarge billed nothing from" in n for n in result.notes)


def test_a_usage_type_begun_on_weekdays_only_keeps_its_weekends_at_zero():
    # $1,000 a day, and from Monday 14 December 2026 a usage type billed $100 on weekdays,
    # nothing on weekends (a test environment): 14 days to 27 December, 10 of them billed.
    # As it runs now, each weekday before it is $1,100, each weekend day $1,000
    dates = pd.date_range("2026-08-01", "2026-12-27")
    new = np.where((dates >= "2026-12-14") & (dates.day_of_week < 5), 100.0, 0.0)
    total = pd.Series(1000.0 + new, index=dates)
    running = as_running_now(total, pd.DataFrame({"svc|new": new, "svc|old": 1000.0}, index=dates))
    expected = np.where(dates.day_of_week < 5, 1100.0, 1000.0)
    assert running.to_numpy() == pytest.approx(expected)


def test_what_is_a_start_and_what_is_not():
    quiet = np.zeros(40)
    # nothing for 40 days, then billed on the last 3: began at position 40
    assert began_on(np.concatenate([quiet, [5.0, 5.0, 5.0]])) == 40
    # two days are a charge, not a new usage type
    assert began_on(np.concatenate([quiet, [0.0, 5.0, 5.0]])) is None
    # billed 20 days before its last quiet spell (under 28 days): it comes and goes, no start
    assert began_on(np.concatenate([np.ones(10), np.zeros(20), np.ones(5)])) is None
    # began 10 days ago and billed on 4 of them since: under half, no start
    assert began_on(np.concatenate([quiet, [5.0, 0, 0, 5.0, 0, 0, 5.0, 0, 0, 5.0]])) is None
    # billed every day, then nothing for 7 days: stopped at position 30; 6 days: not yet
    assert stopped_on(np.concatenate([np.ones(30), np.zeros(7)])) == 30
    assert stopped_on(np.concatenate([np.ones(30), np.zeros(6)])) is None
    # billed on 20 of the 28 days before its last (a weekday job): not billed day by day
    weekdays = np.tile([1.0, 1, 1, 1, 1, 0, 0], 4)
    assert stopped_on(np.concatenate([weekdays[:-2], np.zeros(10)])) is None


def test_each_usage_type_s_days_add_up_to_the_daily_bill(tmp_path):
    # the daily cost per usage type is what the daily bill's recurring cost adds up, day by day:
    # 15 December 2026, $500 + $300 = $800
    def day(d: dt.date) -> dict:
        return {SERVERS: 500.0} | ({DATABASE: 300.0} if d >= dt.date(2026, 12, 6) else {})

    actuals = read_actuals(_file(tmp_path, dt.date(2026, 12, 20), day))
    by_key = daily_by_usage_type(actuals)
    recurring = daily_bill(actuals).set_index("date")["recurring"]
    assert by_key.sum(axis=1).to_numpy() == pytest.approx(recurring.to_numpy())
    assert float(by_key.sum(axis=1).loc["2026-12-15"]) == pytest.approx(800.0)
    assert float(by_key[f"{RDS}|InstanceUsage:db.r5.large"].loc["2026-12-05"]) == 0.0
