"""Two level changes in the calendar's 120 days (session 36): a new service, then a Savings
Plan that lowers the bill; a migration, then a scale-down. The line through those days had
room for one level step beside it, and read the second as a slope that went on: a bill flat
since its last change was forecast to fall (or climb) month after month. Bills written by
hand as Cost Explorer returns them (`tests/forecast_world.py`); expected figures by hand in
the comments."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from costmodel.actuals import read_actuals
from costmodel.forecast import forecast
from costmodel.forecast_daily_pattern import robust_trend
from tests.forecast_world import EC2, RDS, saved_file
from tests.forecast_world import daily_bill as bill_of_days

SERVERS = (EC2, "BoxUsage:m5.large")
DATABASE = (RDS, "InstanceUsage:db.r5.large")
FIRST, LAST = dt.date(2026, 8, 1), dt.date(2026, 11, 30)  # 122 days, four whole months
FIRST_CHANGE = dt.date(2026, 9, 9)  # day 40 of the 122
SECOND_CHANGE = dt.date(2026, 10, 29)  # day 90, 33 days before the data's end


def _forecast(tmp_path, day) -> list[float]:
    """The next three months (December 2026 .. February 2027) of a daily Cost Explorer file
    from ``FIRST`` to ``LAST`` (four complete months: too few for a backtest, the calendar,
    daily data's default, forecasts)."""
    path = saved_file(tmp_path / "ce-daily.json", bill_of_days(FIRST, LAST, day), granularity="DAILY")
    return forecast(read_actuals(path), months=3).forecast["expected"].tolist()


@pytest.mark.parametrize(
    ("drop", "expected"),
    [
        # $500 + $300 - $15 = $785 a day since 29 October: 31 x $785 = $24,335 (December, January),
        # 28 x $785 = $21,980 (February). It said $24,125.27 / $23,901.07 / $21,395.36 (the
        # $15 drop read as a falling slope: -0.9 / -1.8 / -2.7 %)
        (15.0, [24335.0, 24335.0, 21980.0]),
        # $500 + $300 - $120 = $680 a day: 31 x $680 = $21,080, 28 x $680 = $19,040. It said
        # $19,402.14 / $17,608.56 / $14,362.89 (-8 / -16 / -25 %)
        (120.0, [21080.0, 21080.0, 19040.0]),
    ],
)
def test_a_new_service_then_a_savings_plan_is_flat_since_the_plan(tmp_path, drop, expected):
    # EC2 $500 a day; a database at $300 a day from 9 September; from 29 October a Savings
    # Plan bills the same instances `drop` dollars a day less. Nothing changed after that.
    def day(d: dt.date) -> dict:
        servers = 500.0 - (drop if d >= SECOND_CHANGE else 0.0)
        return {SERVERS: servers} | ({DATABASE: 300.0} if d >= FIRST_CHANGE else {})

    assert _forecast(tmp_path, day) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("second", "level"),
    [
        (-300.0, 500.0),  # a migration's overlap: $800 a day, then $500 again from 29 October
        (200.0, 1000.0),  # two scale-ups: $800 from 9 September, $1,000 from 29 October
    ],
)
def test_two_level_changes_of_the_same_servers_leave_the_last_level(tmp_path, second, level):
    # EC2 $500 a day, +$300 from 9 September, then `second` more from 29 October
    def day(d: dt.date) -> dict:
        cost = 500.0 + (300.0 if d >= FIRST_CHANGE else 0.0) + (second if d >= SECOND_CHANGE else 0.0)
        return {SERVERS: cost}

    # back to $500: 31 x $500 = $15,500, 28 x $500 = $14,000 (it said $15,819.10 / $16,160.20 /
    # $14,889.49: the overlap read as a climb); up to $1,000: $31,000 and $28,000 (it said
    # $33,796.44 / $36,785.73 / $35,795.18: the second scale-up read as a climb going on)
    assert _forecast(tmp_path, day) == pytest.approx([31 * level, 31 * level, 28 * level], abs=0.01)


def _window(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2026-08-03", periods=len(values)))


def test_a_slope_with_two_steps_beside_it_is_still_the_slope():
    # +$2 a day all along (2 x 30.4375 = $60.875 a day per month), a step of +$300 on day 40
    # and of -$120 on day 90 of 120: the slope is $60.875, the steps are not part of it
    t = np.arange(120.0)
    values = 500.0 + 2.0 * t + np.where(t >= 39, 300.0, 0.0) - np.where(t >= 89, 120.0, 0.0)
    assert robust_trend(_window(values)) == pytest.approx(60.875, abs=1e-6)


def test_a_leak_still_running_at_the_data_s_end_is_no_third_step():
    # $500 a day, +$300 from day 40, -$120 from day 90 of 120, and a leak of +$60 a day on the
    # last 10 days, still running: too near the end to be told from a step, left out of the
    # line as days off it. No slope: 0
    t = np.arange(120.0)
    values = (
        500.0 + np.where(t >= 39, 300.0, 0.0) - np.where(t >= 89, 120.0, 0.0) + np.where(t >= 110, 60.0, 0.0)
    )
    assert robust_trend(_window(values)) == pytest.approx(0.0, abs=1e-6)
