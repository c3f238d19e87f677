"""Session 38: an independent tester's findings on the forecast interval and a tiny budget,
on bills written by hand as Cost Explorer returns them (`tests/forecast_world.py`)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from costmodel.actuals import read_actuals
from costmodel.forecast import forecast
from tests.forecast_world import EC2, daily_bill, monthly_bill, saved_file
from tests.test_trust import run

CUT = dt.date(2026, 9, 15)  # a price cut of 15 %: $340 a day before, 0.85 x $340 = $289 from it
BEFORE, AFTER = 340.0, 289.0


@pytest.fixture(scope="module")
def price_cut(tmp_path_factory):
    """The forecast of a monthly Cost Explorer file, November 2025..October 2026: ten months
    at $340 a day (Nov 2025..Aug 2026), September at $340 to the 14th and $289 from the 15th,
    October at $289 (the same usage, priced 15 % lower)."""
    days = daily_bill(
        dt.date(2025, 11, 1),
        dt.date(2026, 10, 31),
        lambda d: {(EC2, "BoxUsage:c5.2xlarge"): AFTER if d >= CUT else BEFORE},
    )
    months: dict = {}
    for day, rows in days.items():
        month = months.setdefault(day.replace(day=1), {})
        for key, usd in rows.items():
            month[key] = month.get(key, 0.0) + usd
    path = saved_file(tmp_path_factory.mktemp("cut") / "ce.json", months)
    return forecast(read_actuals(path), months=1).forecast.iloc[0]


def test_an_interval_calibrated_on_one_sided_errors_does_not_collapse_on_the_other(price_cut):
    # November at the new price: 30 x $289 = $8,670. The backtest of the flat months gave $0
    # errors and the cut's months errors below the forecast only, so the interval's high was
    # the point forecast itself ($8,347.64 to $8,347.64 high, low $7,607.82): it excluded the
    # true level, $322 above. The side no error reached is now half the other one at least:
    # ($8,347.64 - $7,607.82) / 2 = $369.91 above the point
    assert price_cut["high"] > price_cut["expected"]
    assert (
        price_cut["high"] - price_cut["expected"] >= 0.5 * (price_cut["expected"] - price_cut["low"]) - 0.01
    )
    assert price_cut["low"] <= 30 * AFTER <= price_cut["high"]


@pytest.mark.xfail(
    strict=True,
    reason="a monthly file holds no level-step detection (the calendar's steps are daily data's): "
    "ten flat months, then $312.80 and $289.00 a day, is read by the drift and the damped trend "
    "as a decline (2/3 of their slope carried) and cannot be told from one with one month after it",
)
def test_a_price_cut_in_a_monthly_file_is_a_level_not_a_slope(price_cut):
    # November at the new price: 30 x $289 = $8,670; costmodel gave $8,347.64 (-3.7 %)
    assert price_cut["expected"] == pytest.approx(30 * AFTER, rel=0.01)


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
