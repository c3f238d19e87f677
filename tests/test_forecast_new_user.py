"""A new user's forecasts on bills written here from the Cost Explorer GetCostAndUsage
response shape (``ResultsByTime`` / ``Groups`` / ``Metrics``), not from costmodel's
simulator: each expected figure is worked by hand beside it."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from costmodel.daily_spikes import one_off_days, without_one_off_days
from tests.test_trust import run

EC2 = "Amazon Elastic Compute Cloud - Compute"
RDS = "Amazon Relational Database Service"


def daily_response(first: dt.date, end: dt.date, cost_of_day) -> dict:
    """A DAILY GetCostAndUsage response grouped by SERVICE, one result per day in [first, end)."""
    results, day = [], first
    while day < end:
        groups = [
            {"Keys": [service], "Metrics": {"UnblendedCost": {"Amount": f"{amount:.10f}", "Unit": "USD"}}}
            for service, amount in cost_of_day(day).items()
        ]
        following = day + dt.timedelta(days=1)
        results.append(
            {
                "TimePeriod": {"Start": day.isoformat(), "End": following.isoformat()},
                "Total": {},
                "Groups": groups,
                "Estimated": False,
            }
        )
        day = following
    return {"GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}], "ResultsByTime": results}


def flat_year(tmp_path):
    """EC2 $100 and RDS $50 every day, 2025-11-01 to 2026-11-30 (13 complete months)."""
    path = tmp_path / "flat.json"
    path.write_text(
        json.dumps(
            daily_response(dt.date(2025, 11, 1), dt.date(2026, 12, 1), lambda d: {EC2: 100.0, RDS: 50.0})
        )
    )
    return path


def test_an_as_of_months_after_the_data_warns_that_the_forecast_starts_at_the_data(tmp_path):
    # The data ends 2026-11-30; --as-of 2027-03-01 is 90 days later (Dec 31 + Jan 31 + Feb 28).
    # The forecast can only start from the data: its months are 2026-12, 2027-01, 2027-02, the
    # months before --as-of, which the user takes for past ones. It must say so, not print them
    # as "the next 3 months" in silence (as `budget` warns in the same case).
    code, out, err = run("forecast", "--actuals", flat_year(tmp_path), "--as-of", "2027-03-01")
    assert code == 0
    assert "2026-12 $4,650.00" in out  # 31 days x $150 = $4,650: forecast from the data's end
    assert "the data ends 2026-11-30, 90 days before --as-of 2027-03-01" in err
    assert "the forecast starts at 2026-12" in err


def test_an_as_of_the_day_after_the_data_says_nothing(tmp_path):
    code, _, err = run("forecast", "--actuals", flat_year(tmp_path), "--as-of", "2026-12-01")
    assert code == 0 and err == ""


def test_a_one_day_spike_in_the_month_in_progress_is_not_a_weekly_rate(tmp_path):
    # EC2 $100 + RDS $50 a day from 2025-11-01 to 2026-12-17, and one incident on Saturday
    # 2026-12-05: EC2 +$2,000 that day only. December so far: 17 x $150 + $2,000 = $4,550;
    # the 14 days left at $150: $2,100; month end $6,650. The daily model fits the spike as
    # part of Saturday's season and adds it again to the Saturdays to come (19 and 26
    # December): $7,174.22, with an interval of $7,174.22 .. $7,174.22 (its past months'
    # errors were all 0) that leaves the true figure out. A day is one-off when the week after
    # it is back at its weekday's level; the daily model is fitted without it.
    def cost_of_day(day):
        return {EC2: 100.0 + (2000.0 if day == dt.date(2026, 12, 5) else 0.0), RDS: 50.0}

    path = tmp_path / "spike.json"
    path.write_text(json.dumps(daily_response(dt.date(2025, 11, 1), dt.date(2026, 12, 18), cost_of_day)))
    code, out, _ = run("forecast", "--actuals", path, "--format", "json")
    current = json.loads(out)["current_month"]
    assert code == 0 and current["actual_to_date"] == pytest.approx(4550.0)
    assert current["expected"] == pytest.approx(6650.0, abs=50.0)


def test_a_one_off_day_is_a_spike_whose_week_after_is_back_never_a_new_level():
    # 56 days at $150 (each weekday's median $150, spread 0 but for rounding's floor):
    days = pd.Series(150.0, index=pd.date_range("2026-10-23", periods=56))
    spike = days.copy()
    spike.iloc[30] += 2000.0  # the week after it is back at $150: one-off
    assert one_off_days(spike).nonzero()[0].tolist() == [30]
    assert without_one_off_days(spike).iloc[30] == 150.0  # its weekday's median
    step = days.copy()
    step.iloc[-10:] += 300.0  # a new service 10 days before the end: its level, not a spike
    assert not one_off_days(step).any()
    late = days.copy()
    late.iloc[-3] += 2000.0  # in the last week, with the 2 days after it both back: one-off
    assert one_off_days(late).nonzero()[0].tolist() == [53]
    last_but_one = days.copy()
    last_but_one.iloc[-2] += 2000.0  # one day after it: a spike cannot be told from a step yet
    assert not one_off_days(last_but_one).any()
    still_off = days.copy()
    still_off.iloc[-3] += 2000.0
    still_off.iloc[-1] += 300.0  # a day after it still off: not told from a level that changed
    assert not one_off_days(still_off).any()


def test_a_file_that_may_net_credits_into_services_says_the_forecast_carries_them(tmp_path):
    # grouped by SERVICE alone, unfiltered (`aws ce get-cost-and-usage --group-by
    # Type=DIMENSION,Key=SERVICE`): a $20/day credit would sit inside EC2's $80, so the months
    # ahead (November: 30 x $80 = $2,400) are after it, not "before credits" as a
    # file that keeps them apart is
    path = tmp_path / "ce.json"
    path.write_text(
        json.dumps(daily_response(dt.date(2026, 5, 1), dt.date(2026, 11, 1), lambda day: {EC2: 80.0}))
    )
    code, out, err = run("forecast", "--actuals", path, "--months", "1", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert "credits and refunds may be netted into the services' amounts" in result["cost_basis"]
    assert result["forecast"][0]["month"] == "2026-11"
    assert result["forecast"][0]["expected"] == pytest.approx(30 * 80.0, abs=1.0)  # November: 30 days
