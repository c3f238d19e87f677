"""Session 38: an independent tester's weekday-only bill with holidays, written by hand as
Cost Explorer returns it (`tests/forecast_world.py`)."""

from __future__ import annotations

import datetime as dt

from costmodel.actuals import read_actuals
from costmodel.anomalies import detect
from tests.forecast_world import EC2, daily_bill, saved_file

HOLIDAYS = {dt.date(2026, 12, 24), dt.date(2026, 12, 25), dt.date(2026, 12, 31), dt.date(2027, 1, 1)}


def test_a_weekday_back_after_two_holidays_is_neither_a_step_nor_a_spike(tmp_path):
    # $953 each working day, $0.50 on weekends and on the Thursday and Friday holidays of
    # Christmas and New Year. Thursday 7 January's four weeks before are $953, $953, $0.50,
    # $0.50: their median ($953 + $0.50) / 2 = $476.75, so $953 read as twice the usual day,
    # and the Thursdays after it staying at $953 listed a step "$476.75 to $953.00" on
    # 2027-01-07. The level is the one it held on 10 and 17 December: nothing changed.
    def day(d: dt.date) -> dict:
        working = d.weekday() < 5 and d not in HOLIDAYS
        return {(EC2, "BoxUsage:c5.2xlarge"): 953.0 if working else 0.5}

    bill = daily_bill(dt.date(2026, 10, 1), dt.date(2027, 1, 31), day)
    path = saved_file(tmp_path / "ce.json", bill, granularity="DAILY", groups_per_page=200)
    found = detect(read_actuals(path))
    assert found.steps.empty, found.steps.to_dict("records")
    assert found.anomalies.empty, found.anomalies.to_dict("records")


def test_a_weekday_above_every_week_before_it_is_still_a_step(tmp_path):
    # The same bill at $1,500 a working day from Thursday 7 January: above every Thursday
    # of the four weeks before ($953 at most), so a new level that stayed, listed from 7 January
    def day(d: dt.date) -> dict:
        working = d.weekday() < 5 and d not in HOLIDAYS
        return {
            (EC2, "BoxUsage:c5.2xlarge"): (1500.0 if d >= dt.date(2027, 1, 7) else 953.0) if working else 0.5
        }

    bill = daily_bill(dt.date(2026, 10, 1), dt.date(2027, 1, 31), day)
    path = saved_file(tmp_path / "ce.json", bill, granularity="DAILY", groups_per_page=200)
    steps = detect(read_actuals(path)).steps
    assert steps["date"].astype(str).str[:10].tolist() == ["2027-01-07"], steps.to_dict("records")
