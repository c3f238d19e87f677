"""Forecasts of bills written by hand (tester32): services that stop or start inside the
history, as Cost Explorer returns them (`tests/forecast_world.py`, written from the AWS
reference). Expected figures by hand in the comments."""

import datetime as dt
import json

import pytest

from costmodel.actuals import read_actuals
from costmodel.forecast import forecast
from tests.forecast_world import EC2, RDS, daily_bill, days_in_month, saved_file
from tests.test_trust import run

SERVERS = (EC2, "BoxUsage:m5.large")
DATABASE = (RDS, "InstanceUsage:db.r5.large")


def test_a_service_stopped_two_weeks_before_the_daily_data_ends_is_not_forecast(tmp_path):
    # EC2 $33 a day from December 2025 to December 2026; RDS $26 a day until 15 December
    # 2026, nothing from the 16th (16 days, to the data's end). What runs is EC2 alone: January
    # 2027 $33 x 31 = $1,023.00, February $33 x 28 = $924.00. Before, RDS's last weeks were
    # still in the weekday medians and its drop read as a fall: $1,325 for January, its 80%
    # interval $1,028..$1,340 above the truth
    def day(d: dt.date) -> dict:
        return {SERVERS: 33.0} | ({DATABASE: 26.0} if d <= dt.date(2026, 12, 15) else {})

    bill = daily_bill(dt.date(2025, 12, 1), dt.date(2026, 12, 31), day)
    path = saved_file(tmp_path / "ce-daily.json", bill, granularity="DAILY", groups_per_page=100)
    result = forecast(read_actuals(path), months=2)
    table = result.forecast.set_index("month")
    assert table["expected"].tolist() == pytest.approx([1023.0, 924.0], abs=0.01)
    assert (table["low"] <= 1023.0 + 0.01).iloc[0] and (table["high"] >= 1023.0 - 0.01).iloc[0]
    assert any(RDS in n and "2026-12-16" in n for n in result.notes)


def test_a_monthly_fee_quiet_since_its_day_is_not_a_stopped_service(tmp_path):
    # a support plan billed $100 on each 1st is quiet for 30 days at the end of December, as
    # every month: it has not stopped. January: $33 x 31 + $100 = $1,123.00
    def day(d: dt.date) -> dict:
        return {SERVERS: 33.0} | (
            {("AWS Support (Developer)", "Developer-Support"): 100.0} if d.day == 1 else {}
        )

    bill = daily_bill(dt.date(2025, 12, 1), dt.date(2026, 12, 31), day)
    path = saved_file(tmp_path / "ce-daily.json", bill, granularity="DAILY", groups_per_page=100)
    result = forecast(read_actuals(path), months=1)
    assert result.forecast["expected"].tolist() == pytest.approx([1123.0], abs=0.01)
    assert not any("stopped" in n for n in result.notes)


def test_the_forecast_says_which_cost_it_follows(tmp_path):
    # a file with both metrics, AmortizedCost twice UnblendedCost (an RI's fee spread): the
    # forecast follows UnblendedCost, $10 a day: 2026-07 $310.00 (not $620.00), and said
    # nowhere before: a user comparing it with an amortized budget could not tell
    bill = {
        m: {SERVERS: 10.0 * (31 if m.month in (1, 3, 5) else 30 if m.month in (4, 6) else 28)}
        for m in (dt.date(2026, month, 1) for month in range(1, 7))
    }
    path = saved_file(tmp_path / "ce.json", bill)
    data = json.loads(path.read_text())
    for page in data["requests"][0]["pages"]:
        for result in page["ResultsByTime"]:
            for group in result["Groups"]:
                group["Metrics"]["AmortizedCost"]["Amount"] = str(
                    2 * float(group["Metrics"]["AmortizedCost"]["Amount"])
                )
    path.write_text(json.dumps(data))
    code, out, _ = run("forecast", "--actuals", path, "--months", "1", "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["forecast"][0]["expected"] == pytest.approx(310.0, abs=0.01)
    assert payload["cost_basis"].startswith("unblended cost")
    code, out, _ = run("forecast", "--actuals", path, "--months", "1")
    assert "cost: unblended cost" in out


def test_a_service_that_billed_nothing_last_month_has_stopped(tmp_path):
    # monthly data: EC2 $40 a day, RDS $25 a day from January to November 2026, nothing in
    # December (shut down on 1 December). January 2027 is EC2 alone, $40 x 31 = $1,240.00;
    # February $40 x 28 = $1,120.00. Before, a service had to bill nothing in two complete
    # months: the drop of December was read as a slope, $1,435.68 / $1,225.52
    starts = [dt.date(2026, month, 1) for month in range(1, 13)]
    bill = {
        m: {SERVERS: 40.0 * days_in_month(m)} | ({DATABASE: 25.0 * days_in_month(m)} if m.month < 12 else {})
        for m in starts
    }
    result = forecast(read_actuals(saved_file(tmp_path / "ce.json", bill)), months=2)
    assert result.forecast["expected"].tolist() == pytest.approx([1240.0, 1120.0], abs=0.01)
    assert any(f"{RDS} billed nothing in the last complete month" in n for n in result.notes)


def test_a_service_billed_every_other_month_has_not_stopped(tmp_path):
    # monthly data, 2026: EC2 $40 a day every month; RDS $300 in January, March, ..., November
    # only (its $0 months are its pattern). December is its $0 month, as every even month is:
    # not a stop. RDS billed Jan..Nov every month and nothing in December has stopped.
    starts = [dt.date(2026, month, 1) for month in range(1, 13)]
    alternating = {
        m: {SERVERS: 40.0 * days_in_month(m)} | ({DATABASE: 300.0} if m.month % 2 else {}) for m in starts
    }
    steady = {
        m: {SERVERS: 40.0 * days_in_month(m)} | ({DATABASE: 300.0} if m.month < 12 else {}) for m in starts
    }
    for bill, stops in ((alternating, False), (steady, True)):
        result = forecast(read_actuals(saved_file(tmp_path / "ce.json", bill)), months=2)
        said = any(f"{RDS} billed nothing in the last complete month" in n for n in result.notes)
        assert said is stops, result.notes
