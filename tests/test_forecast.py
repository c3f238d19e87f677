"""Forecasts (issues 12 and 23): candidates, the rolling-origin choice and its calibrated
interval, known changes prorated by day and sized against the bill, and bad input.

Accuracy on generated bills is measured in benchmarks/finance.py, not here: these are tiny
series with hand-checked expectations."""

import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from costmodel import forecast_methods as methods
from costmodel.actuals import read_actuals
from costmodel.actuals.series import cut
from costmodel.errors import InputError
from costmodel.forecast import forecast, parse_change
from tests.test_trust import refused, run

MONTHLY = "data/actuals/ce-2026-06..2026-10.json"
DAILY = "data/actuals/ce-daily-2026-06..2026-10.json.gz"
EC2_USAGE = ("Amazon Elastic Compute Cloud - Compute", "USE1-BoxUsage:m6i.xlarge")
CREDIT = ("AWS Support (Business)", "Credit")
OCTOBER_BILL = 10192.394452  # the sample's October, Cost Explorer's ungrouped total
# the sample's daily averages without credits [USD per day]: June 9,073.334926 / 30; July
# (9,016.152534 + 300 credit) / 31; August 8,995.276202 / 31; September 9,399.424862 / 30;
# October 10,192.394452 / 31
JUNE, JULY, AUGUST, SEPTEMBER, OCTOBER = 302.444498, 300.521049, 290.170200, 313.314162, 328.786918


def history(averages, first="2026-01", daily=None):
    months = [str(pd.Period(first, "M") + i) for i in range(len(averages))]
    days = np.array([pd.Period(m, "M").days_in_month for m in months], dtype=float)
    return methods.History(months, np.array(averages, dtype=float), days, daily)


def test_naive_and_drift_by_hand():
    h = history([10, 11, 12, 13, 14, 15, 16])  # January .. July 2026
    # same as last month: 16 a day x 31 (August) and 30 (September)
    assert methods.naive(h, 7, ["2026-08", "2026-09"]).tolist() == [16 * 31, 16 * 30]
    # drift over the last 6 months: (16 - 10) / 6 = 1 a month: 17 x 31, 18 x 30
    assert methods.drift(h, 7, ["2026-08", "2026-09"]).tolist() == [17 * 31, 18 * 30]
    # from an origin of 3 months (January..March): 12 + (12 - 10) / 2 = 13 a day in April (30 days)
    assert methods.drift(h, 3, ["2026-04"]).tolist() == [13 * 30]


def test_the_three_way_combination_by_hand():
    h = history([10, 11, 12, 13, 14, 15, 16])  # January .. July 2026
    # from an origin of 5 months (January..May): fewer than 6, so the damped trend is the drift,
    # 14 + (14 - 10) / 4 = 15 a day in June (30 days) = 450, 16 in July (31) = 496; same as
    # last month 14 x 30 = 420 and 14 x 31 = 434: June (450 + 450 + 420) / 3 = 440, July
    # (496 + 496 + 434) / 3 = 475.33
    assert methods.three_way(h, 5, ["2026-06", "2026-07"]).tolist() == pytest.approx([440.0, 1426 / 3])
    # the backtest's shortcut (the mean of the three it has made) is the same forecast
    result = methods.backtest(h, 2, [methods.NAIVE, methods.DRIFT, methods.DAMPED, methods.THREE_WAY])
    origin = result.origins.index("2026-06")
    assert result.predicted[methods.THREE_WAY][origin].tolist() == pytest.approx([440.0, 1426 / 3])


def test_the_calendar_candidate_builds_the_month_day_by_day():
    days = pd.date_range("2026-01-01", "2026-02-28")
    recurring = np.where(days.day_of_week >= 5, 50.0, 100.0)  # weekdays $100, weekends $50
    month_end = (days + pd.Timedelta(days=2)).month != days.month
    recurring += np.where(month_end, 40.0, 0.0)  # a batch job on each month's last two days
    lumps = np.where(days.day == 1, 30.0, 0.0)  # a fee billed on the 1st
    daily = pd.DataFrame({"date": days, "recurring": recurring, "lumps": lumps})
    h = history([1.0, 1.0], daily=daily)
    # March 2026: 22 weekdays x $100 + 9 weekend days x $50 + the fee $30 + the job 2 x $40 = $2,760;
    # April: 22 x 100 + 8 x 50 + 30 + 80 = $2,710 (no fee or job taken for a daily rate)
    assert methods.calendar(h, 2, ["2026-03", "2026-04"]).tolist() == pytest.approx([2760.0, 2710.0])


def test_the_calendar_slope_is_a_robust_line_that_leaves_a_leak_and_a_spike_out():
    days = pd.date_range("2026-01-05", periods=120)  # a Monday; 120 days
    t = np.arange(120.0)
    clean = np.where(days.day_of_week >= 5, 50.0, 100.0) + 0.5 * t  # +$0.50 a day, weekends half
    damaged = clean + np.where((t >= 90) & (t < 104), 60.0, 0.0)  # a leak: +$60 a day for 14 days
    damaged[30] += 500.0  # a one-day spike
    # the line's slope: $0.50 a day = 0.5 x 30.4375 = $15.21875 a day per month, leak and spike left out
    assert methods.robust_trend(pd.Series(damaged, index=days)) == pytest.approx(15.21875, rel=1e-9)
    # least squares alone follows the leak (late in the window: a steeper line)
    assert np.polyfit(t, damaged, 1)[0] * 30.4375 > 16
    # 55 days are too few for a line: None (the calendar falls back to the months' mean change)
    assert methods.robust_trend(pd.Series(clean[:55], index=days[:55])) is None


def test_a_new_service_is_a_step_not_a_trend():
    # $800 a day, and from day 61 a new service at $300 a day (a tester's bill: it was forecast to
    # climb to $73,544 a month within a year). Level before and after: no slope at all.
    days = pd.date_range("2026-08-03", periods=120)
    values = np.where(np.arange(120) >= 60, 1100.0, 800.0)
    assert methods.robust_trend(pd.Series(values, index=days)) == pytest.approx(0.0, abs=1e-6)
    # the calendar forecast of the next month: 31 days at $1,100 = $34,100 (the month's first days
    # measured against their own month, not against today's level: they would count -$300 each)
    daily = pd.DataFrame({"date": days, "recurring": values, "lumps": 0.0})
    h = history([800.0, 800.0, 950.0, 1100.0], first="2026-08", daily=daily)
    assert methods.calendar(h, 4, ["2026-12"])[0] == pytest.approx(31 * 1100.0, abs=0.01)


def test_a_once_a_month_charge_that_is_a_share_of_last_month_follows_it():
    months = ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]
    recurring = pd.Series([2000.0, 2200.0, 2400.0, 2600.0, 2800.0], index=months)
    # a support plan: 10 % of the month before (April 200, May 220, June 240, July 260), billed
    # twice in June by mistake (480, one month off its share); an RI fee of $700 from May
    lumps = pd.DataFrame(
        {
            "month": ["2026-04", "2026-05", "2026-06", "2026-07", "2026-05", "2026-06", "2026-07"],
            "service": ["AWS Support (Business)"] * 4 + ["Amazon EC2"] * 3,
            "usage_type": ["Dollar"] * 4 + ["HeavyUsage"] * 3,
            "amount": [200.0, 220.0, 480.0, 260.0, 700.0, 700.0, 700.0],
            "first_day": [1] * 7,
        }
    )
    # August: 10 % of July's 2,800 = 280, September: 10 % of August's forecast 3,000 = 300; the fee 700
    # each month (as billed in July). Last month's charges as billed would give 260 + 700 = 960 twice.
    ahead = methods.once_a_month(lumps, recurring, np.array([3000.0, 3100.0]))
    assert ahead.tolist() == pytest.approx([280.0 + 700.0, 300.0 + 700.0])
    # no recurring month known: no share can be told, every charge stays at its last month's amount
    # (July: 260 + 700), none dropped
    alone = methods.once_a_month(lumps, pd.Series(dtype=float), np.array([3000.0]))
    assert alone.tolist() == pytest.approx([960.0])


def test_a_charge_billed_once_mid_month_is_not_billed_again():
    # an RI bought on 15 July: its $8,760 upfront fee billed that day, never before; a $300
    # fee billed on the 1st of July only (a Savings Plan's monthly fee from July) recurs
    lumps = pd.DataFrame(
        {
            "month": ["2026-07", "2026-07"],
            "service": ["Amazon EC2", "Savings Plans for AWS Compute usage"],
            "usage_type": ["HeavyUsage:m5.large", "ComputeSP:1yrNoUpfront"],
            "amount": [8760.0, 300.0],
            "first_day": [15, 1],
        }
    )
    recurring = pd.Series([3000.0, 3100.0], index=["2026-06", "2026-07"])
    # August and September: the $300 fee only (the upfront fee is not due again)
    ahead = methods.once_a_month(lumps, recurring, np.array([3100.0, 3000.0]), "2026-06")
    assert ahead.tolist() == pytest.approx([300.0, 300.0])
    # data from July only: whether the mid-month charge recurs cannot be told, so it stays due
    unsure = methods.once_a_month(lumps, recurring.loc[["2026-07"]], np.array([3100.0]), "2026-07")
    assert unsure.tolist() == pytest.approx([9060.0])


def test_mase_divides_by_the_mean_month_to_month_change():
    # |100 - 110| + |110 - 95| = 25 over 2 changes: 12.5
    assert methods.naive_scale(np.array([100.0, 110.0, 95.0])) == 12.5
    assert np.isnan(methods.naive_scale(np.array([100.0])))


def backtest_of(errors_by_method, actual=100.0, scale=10.0):
    origins = len(next(iter(errors_by_method.values())))
    return methods.Backtest(
        actual=np.full((origins, 1), actual),
        predicted={m: actual - np.array(e, dtype=float)[:, None] for m, e in errors_by_method.items()},
        scale=np.full(origins, scale),
        origins=[f"2026-{i + 1:02d}" for i in range(origins)],
    )


def test_the_choice_takes_the_lowest_error_only_when_it_clearly_beats_the_default():
    default = methods.DEFAULT_MONTHLY
    # MASE: naive 10/10 = 1.0, default 5/10 = 0.5: the default stays
    kept, why = methods.choose(backtest_of({methods.NAIVE: [10, -10, 10], default: [5, -5, 5]}), default)
    assert kept == default and "lowest backtest error" in why
    # naive 0.3 is lower than 0.5, 40 % lower but not half: the default stays, and says why
    kept, why = methods.choose(backtest_of({methods.NAIVE: [3, 3, 3], default: [5, 5, 5]}), default)
    assert kept == default and "50% below it" in why
    # naive 0.2 is 60 % lower: naive is chosen; the same for the calendar of daily data
    kept, _ = methods.choose(backtest_of({methods.NAIVE: [2, 2, 2], default: [5, 5, 5]}), default)
    assert kept == methods.NAIVE
    calendar = methods.default_of(True)
    kept, _ = methods.choose(backtest_of({methods.NAIVE: [2, 2, 2], calendar: [5, 5, 5]}), calendar)
    assert kept == methods.NAIVE
    # two one-month-ahead forecasts are too few to choose by
    kept, why = methods.choose(backtest_of({methods.NAIVE: [1, 1], default: [5, 5]}), default)
    assert kept == default and "fewer than the 3 a choice needs" in why


def test_origins_after_a_bill_flat_to_the_cent_do_not_decide_the_choice():
    default = methods.DEFAULT_MONTHLY
    # four origins, actual 100: the first after a history flat to the cent (scale at the $0.01
    # floor), the others after months moving $10. Naive misses 1, 2, 2, 2; the default 0.5, 5, 5, 5.
    # Over every origin the MASE was naive (100 + 0.2 x 3) / 4 = 25.15 against the default's
    # (50 + 0.5 x 3) / 4 = 12.88: the cent-scaled origin decided. Over the three with a scale:
    # naive 0.2 against 0.5, 60 % lower: naive
    backtest = replace(
        backtest_of({methods.NAIVE: [1, 2, 2, 2], default: [0.5, 5, 5, 5]}),
        scale=np.array([0.01, 10, 10, 10]),
    )
    chosen, why = methods.choose(backtest, default)
    assert chosen == methods.NAIVE and "mean MASE over 3 rolling origins" in why
    assert backtest.mase(methods.NAIVE)[0] == pytest.approx(0.2)  # (2 + 2 + 2) / 10 / 3
    # every origin flat to the cent: no MASE at all (null), the choice on the mean absolute error,
    # naive $2 against $5: 60 % lower, naive
    flat = backtest_of({methods.NAIVE: [2, 2, 2], default: [5, 5, 5]}, scale=0.01)
    assert np.isnan(flat.mase(methods.NAIVE)).all() and flat.flat_origins() == 3
    chosen, why = methods.choose(flat, default)
    assert chosen == methods.NAIVE and "mean absolute error over 3 rolling origins" in why
    assert "$2.00" in why and "$5.00" in why
    # the same misses: a tie, the default, said so
    tie = backtest_of({methods.NAIVE: [3, 3, 3], default: [3, -3, 3]}, scale=0.01)
    chosen, why = methods.choose(tie, default)
    assert chosen == default and "a tie" in why


def test_a_bill_flat_to_the_cent_reports_no_mase_rather_than_thousands(tmp_path):
    # tester: $1,100.00 every month December 2025 .. October 2026, $1,150.00 in November. The 8
    # backtest origins (April .. November) each follow a history flat to the cent, whose MASE
    # scale was the $0.01 floor: the one $50 miss read 50 / 8 / 0.01 = 625 one month ahead,
    # 50 / 7 / 0.01 = 714.29 two, 50 / 6 / 0.01 = 833.33 three. Every candidate forecast $1,100
    # from every origin: a tie on the mean absolute error, 3 misses of $50 in 8 + 7 + 6 = 21
    # forecasts = $7.14
    months = [str(pd.Period("2025-12", "M") + i) for i in range(12)]
    amounts = dict.fromkeys(months, (1100.0, None)) | {"2026-11": (1150.0, None)}
    path = monthly_response(tmp_path, dict.fromkeys(months, 0.0), amounts=amounts)
    result = forecast(read_actuals(path), months=3)
    assert all(m is None for mase in result.candidates["mase"] for m in mase)
    (note,) = [
        n for n in result.notes if n.startswith("MASE not meaningful from 8 of the 8 backtest origins")
    ]
    assert result.method == methods.DEFAULT_MONTHLY and "a tie" in result.method_reason
    assert "$7.14" in result.method_reason
    code, out, _ = run("forecast", "--actuals", path, "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["mase_note"] == note
    assert payload["candidates"][0]["mase"] == [None, None, None]
    code, out, _ = run("forecast", "--actuals", path)
    assert "n/a / n/a / n/a" in out and "note: MASE not meaningful" in out


def test_the_choice_is_judged_on_three_months_ahead_whatever_is_asked():
    # three origins, six horizons, actual 100, scale 10: naive off by 2 a month ahead at
    # every horizon (MASE 0.2), the default by 5 (0.5) on months 1-3 and 0 on months 4-6.
    # Over months 1-3: naive 0.2 against 0.5, 60 % lower: naive. Over all six it would be
    # naive 0.2 against 0.25, not half: the default, so --months 6 chose another method than --months
    # 3 and forecast the next month differently (tester 31: $282.58 with 1, $635.81 with 3)
    default = methods.DEFAULT_MONTHLY
    backtest = methods.Backtest(
        actual=np.full((3, 6), 100.0),
        predicted={methods.NAIVE: np.full((3, 6), 98.0), default: np.tile([95.0] * 3 + [100.0] * 3, (3, 1))},
        scale=np.full(3, 10.0),
        origins=["2026-01", "2026-02", "2026-03"],
    )
    assert methods.choose(backtest, default)[0] == methods.NAIVE
    first_three = replace(
        backtest,
        actual=backtest.actual[:, :3],
        predicted={name: p[:, :3] for name, p in backtest.predicted.items()},
    )
    assert methods.choose(first_three, default)[0] == methods.NAIVE


def test_the_interval_is_the_conformal_quantile_of_the_backtest_errors():
    # nine origins, actual 100, forecasts 100 - e: ratios actual / forecast from 100 / 104 to 100 / 96
    errors = [-4, -3, -2, -1, 0, 1, 2, 3, 4]
    result = backtest_of({methods.NAIVE: errors})
    low, high, how = methods.calibrate(result, methods.NAIVE, 1, 0.8)
    # n = 9: the upper bound is the ceil(10 x 0.9) = 9th of the sorted relative errors (100 / 96 - 1),
    # the lower the floor(10 x 0.1) = 1st (100 / 104 - 1)
    assert high[0] == pytest.approx(100 / 96) and low[0] == pytest.approx(100 / 104)
    assert "each horizon's own" in how


def test_months_ahead_of_the_sample_say_their_method_and_its_backtest():
    result = forecast(read_actuals(MONTHLY), months=3)
    table = result.forecast
    # five months: too few backtest origins to choose, so the monthly default, the mean of drift,
    # damped trend and same as last month; with fewer than 6 months its damped trend is the drift:
    # slope (Oct - Jun) / 4 = 6.585605 a day a month, two thirds of it carried: November
    # (328.786918 + 4.390403) x 30 = $9,995.32, December (328.786918 + 8.780807) x 31 = $10,464.60
    assert result.method == methods.THREE_WAY and "fewer than the 3 a choice needs" in result.method_reason
    assert table["month"].tolist() == ["2026-11", "2026-12", "2027-01"]
    assert table["expected"].iloc[0] == pytest.approx(9995.32, abs=0.01)
    assert table["expected"].iloc[1] == pytest.approx(10464.60, abs=0.01)
    # one backtest error is too few to calibrate on: the spread of the monthly changes, said so.
    # Relative changes -0.63597 %, -3.44425 %, 7.97607 %, 4.93843 %: root mean square 5.00677 %;
    # x 1.281552 (80 %) = 6.41643 % a month ahead
    assert result.interval_basis.startswith("not calibrated")
    assert table["low"].iloc[0] == pytest.approx(table["expected"].iloc[0] * (1 - 0.0641643), abs=0.05)
    assert (table["low"] < table["expected"]).all() and (table["expected"] < table["high"]).all()
    assert set(result.candidates["method"]) == set(methods.CANDIDATES) - {methods.CALENDAR}


def test_a_change_is_prorated_by_day_and_sized_against_the_bill(production):
    plain = forecast(read_actuals(MONTHLY), months=3).forecast.set_index("month")
    change = parse_change("2026-11-15:eks.node_count=6")
    changed = forecast(read_actuals(MONTHLY), months=3, changes=[change], arch=production)
    effect = changed.forecast.set_index("month")["expected"] - plain["expected"]
    # the file says 3 nodes; October bills BoxUsage:c5.2xlarge 3,586 h / 744 h = 4.81989 nodes.
    # A node is $0.34 x 730 h = $248.20 by the hour + 100 GB gp3 x $0.08 = $8.00 by the month
    # (GB-Mo: a whole month is one, whatever its hours): $256.20 a 730-h month, (6 - 4.81989) x
    # 256.20 = $302.34. November from the 15th, 16 days x 24 h = 384 h of its 720: 1.18011 x
    # (248.20 x 384 / 730 + 8 x 384 / 720) = $159.11; December: 1.18011 x (248.20 x 744 / 730
    # + 8) = $307.97 (before tester31 the GB-Mo too went by 730 h: $159.04 and $308.14)
    nodes = 6 - 3586 / 744
    assert effect["2026-11"] == pytest.approx(nodes * (248.2 * 384 / 730 + 8 * 384 / 720), abs=0.01)
    assert effect["2026-12"] == pytest.approx(nodes * (248.2 * 744 / 730 + 8), abs=0.01)
    (sized,) = changed.changes
    assert "the file says 3 but the bill shows 4.82" in sized.note and "$768.60" in sized.note


def test_a_change_already_on_the_bill_adds_nothing(production):
    # the sample has run three read replicas since 15 September (2,232 h in October = 3 x 744)
    change = parse_change("2027-01:rds.read_replicas=3")
    result = forecast(read_actuals(MONTHLY), months=3, changes=[change], arch=production)
    assert result.forecast["known_changes"].tolist() == [0.0, 0.0, 0.0]
    assert "already on the bill: the bill shows 3" in result.changes[0].note


def test_a_mid_month_replica_is_charged_from_its_day(production):
    # as of 1 September the bill shows two replicas, as the file says; a third from the 15th is
    # $1.00 x 730 h = $730 by the hour + 1,000 GB x $0.115 + 4,000 IOPS x $0.02 = $195 by the
    # month (GB-Mo, IOPS-Mo: a whole month is one): September's last 16 days, 384 h of its 720:
    # 730 x 384 / 730 + 195 x 384 / 720 = $488.00; October: 744 + 195 = $939.00
    change = parse_change("2026-09-15:rds.read_replicas=3")
    so_far = cut(read_actuals(MONTHLY), "2026-09-01")
    result = forecast(so_far, months=2, changes=[change], arch=production)
    added = result.forecast.set_index("month")["known_changes"]
    assert added["2026-09"] == pytest.approx(384 + 195 * 384 / 720, abs=0.01)
    assert added["2026-10"] == pytest.approx(744 + 195, abs=0.01)
    assert "as the file says" in result.changes[0].note


@pytest.mark.parametrize("day", ["2026-10-09", "2026-10-24"])
def test_the_month_end_forecast_from_days_so_far_lands_near_the_bill(day):
    result = forecast(cut(read_actuals(DAILY), day), months=1)
    october = result.current
    assert october.month == "2026-10" and october.days_elapsed == int(day[-2:]) - 1
    # the sample's October bill is inside the 80% interval and within 2% of the forecast
    assert october.low <= OCTOBER_BILL <= october.high
    assert abs(october.expected - OCTOBER_BILL) / OCTOBER_BILL < 0.02
    assert result.forecast["month"].iloc[0] == "2026-10" and bool(result.forecast["in_progress"].iloc[0])


def test_forecast_json_has_the_contract_shape():
    code, out, _ = run("forecast", "--actuals", MONTHLY, "--format", "json")
    payload = json.loads(out)
    assert code == 0
    assert {
        "currency",
        "history",
        "forecast",
        "interval",
        "method",
        "candidates",
        "backtest_mape_pct",
    } <= set(payload)
    assert payload["method"] == methods.THREE_WAY
    assert {"method", "mase", "coverage_pct"} <= set(payload["candidates"][0])
    assert len(payload["candidates"][0]["mase"]) == 3  # one per month ahead
    assert set(payload["forecast"][0]) >= {"month", "expected", "low", "high", "in_progress"}
    assert payload["currency"] == "USD" and payload["interval"] == 0.8


def test_fewer_than_three_months_of_history_is_one_line(tmp_path):
    two = tmp_path / "two.json"
    payload = json.loads(Path(MONTHLY).read_text())
    for request in payload["requests"]:
        for page in request["pages"]:
            page["ResultsByTime"] = [r for r in page["ResultsByTime"] if r["TimePeriod"]["Start"] < "2026-08"]
    two.write_text(json.dumps(payload))
    assert "needs at least 3 complete months of history, the file has 2" in refused(
        "forecast", "--actuals", two
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--months", "13"], "--months must be within 1..12"),
        (["--months", "0"], "--months must be within 1..12"),
        (["--change", "2027-01"], "expected YYYY-MM-DD:KEY=VALUE"),
        (["--change", "2027-13:eks.node_count=5"], "must be a month YYYY-MM"),
        (["--change", "2027-02-30:eks.node_count=5"], "must be a day YYYY-MM-DD"),
        (["--change", "2027-01:eks.node_count=abc"], "must be of type int"),
        (["--as-of", "mid-october"], "--as-of must be a day YYYY-MM-DD"),
    ],
)
def test_bad_forecast_options_are_one_line(argv, message):
    assert message in refused("forecast", "--actuals", MONTHLY, *argv)


def test_a_non_finite_interval_is_refused_by_the_parser(capsys):
    from costmodel.cli import main

    with pytest.raises(SystemExit):
        main(["forecast", "--interval", "nan"])
    assert "not a finite number" in capsys.readouterr().err


def test_known_changes_without_an_architecture_are_refused():
    with pytest.raises(InputError, match="need the architecture"):
        forecast(read_actuals(MONTHLY), changes=[parse_change("2027-01:eks.node_count=5")])


def test_a_misspelled_change_key_is_refused_in_one_line_naming_the_closest_key(production):
    # a tester's traceback (KeyError 'nodecount'): now exit 2, one line, the key it meant
    with pytest.raises(InputError, match=r"unknown key 'eks.nodecount'; did you mean 'eks.node_count'"):
        forecast(read_actuals(MONTHLY), changes=[parse_change("2027-01:eks.nodecount=5")], arch=production)


def test_credits_billed_every_day_are_kept_so_far_and_not_forecast_point_and_interval_alike():
    from tests.test_anomalies import daily_actuals

    days = pd.date_range("2025-10-01", "2026-12-05")  # 14 complete months and 5 days of December
    actuals = daily_actuals({EC2_USAGE: [1000.0] * len(days), CREDIT: [-100.0] * len(days)}, "2025-10-01")
    rows = actuals.rows.assign(record_type=np.where(actuals.rows["service"] == CREDIT[0], "Credit", ""))
    result = forecast(replace(actuals, rows=rows), months=2)
    current = result.current
    # December so far: 5 x (1,000 - 100) = $4,500; the 26 days to come at $1,000 (no credit forecast):
    # $30,500. The tester's run gave $30,500 with an interval of $27,900 .. $27,949 (learned with credits).
    assert current.actual_to_date == pytest.approx(4500.0)
    assert current.expected == pytest.approx(30500.0, abs=0.01)
    assert current.low <= current.expected <= current.high
    # January: 31 x $1,000 (it was 31 x 30,500 / 31 = $30,500: December's credits carried on)
    january = result.forecast.set_index("month").loc["2027-01"]
    assert january["expected"] == pytest.approx(31000.0, abs=0.01)
    assert any("credits and refunds are not forecast" in note for note in result.notes)


def test_a_file_that_starts_mid_month_forecasts_its_month_in_progress():
    from tests.test_anomalies import daily_actuals

    # 20 August to 5 December: September to November complete, August partial, December in progress.
    # A tester's file of this shape was refused ('no data before 2026-08-06': the backtest of the
    # month in progress tried August, which the data starts late in).
    days = pd.date_range("2026-08-20", "2026-12-05")
    result = forecast(daily_actuals({EC2_USAGE: [1000.0] * len(days)}, "2026-08-20"), months=1)
    # December: 5 days billed, 26 to come at $1,000: $31,000; January 31 x $1,000
    assert result.current.expected == pytest.approx(31000.0, abs=0.01)
    assert result.forecast.set_index("month").loc["2027-01", "expected"] == pytest.approx(31000.0, abs=0.01)
    assert "past complete months to backtest" in result.current.interval_basis


def test_forecast_method_offers_exactly_the_candidates():
    # the command line names the candidates without loading numpy (costmodel.forecast_names)
    from costmodel.forecast_names import CANDIDATE_NAMES

    assert tuple(methods.CANDIDATES) == CANDIDATE_NAMES


def test_the_month_end_forecast_learns_a_month_end_job_from_past_months():
    from costmodel.forecast_month_end import month_end
    from tests.test_anomalies import daily_actuals

    days = pd.date_range("2026-01-01", "2026-04-14")  # the data before 15 April
    values = np.where(days.day_of_week >= 5, 50.0, 100.0)  # weekdays $100, weekends $50
    values += np.where(
        (days + pd.Timedelta(days=2)).month != days.month, 200.0, 0.0
    )  # a job on the last 2 days
    april = month_end(daily_actuals({("AWS Glue", "USE1-ETL-DPU-Hour"): values}))
    # 1-14 April: 10 weekdays + 4 weekend days = $1,200 billed; 15-30 April: 12 weekdays +
    # 4 weekend days = $1,400, and the job on the 29th and 30th learned from January to
    # March: 2 x $200 = $400; $3,000 in all
    assert april.actual_to_date == pytest.approx(1200.0)
    assert april.month_edge == pytest.approx(400.0)
    assert april.expected == pytest.approx(3000.0, rel=1e-3)


def test_a_known_change_on_daily_data_counts_from_the_day_after_the_data(production):
    # daily data through 9 September (two replicas, as the file says); a third replica dated
    # 1 September is charged only from the 10th, the day after the data (the days before are
    # already billed as they were): $730 by the hour and $195 by the month (as above), 21 days
    # x 24 h = 504 h of September's 720: 730 x 504 / 730 + 195 x 504 / 720 = $640.50 (from the
    # 1st it would be $925)
    change = parse_change("2026-09-01:rds.read_replicas=3")
    result = forecast(cut(read_actuals(DAILY), "2026-09-10"), months=2, changes=[change], arch=production)
    added = result.forecast.set_index("month")["known_changes"]
    assert added["2026-09"] == pytest.approx(504 + 195 * 504 / 720, abs=0.01)
    assert added["2026-10"] == pytest.approx(744 + 195, abs=0.01)
    # and it says so (a tester saw a change dated before the data priced with no word why)
    assert any(
        "from 2026-09-01 is dated before the data ends (2026-09-09)" in n and "added from 2026-09-10" in n
        for n in result.notes
    )


def test_monthly_data_whose_last_month_is_in_progress_forecasts_that_month_whole(tmp_path):
    from tests.test_budget import monthly_cut_short

    # October fetched on its 5th: its amount is so far, so October is the first month forecast
    result = forecast(read_actuals(monthly_cut_short(tmp_path)), months=2)
    assert result.forecast["month"].tolist() == ["2026-10", "2026-11"]
    assert bool(result.forecast["in_progress"].iloc[0]) and not bool(result.forecast["in_progress"].iloc[1])
    assert any("2026-10 is in progress (not final)" in n for n in result.notes)


def test_too_short_a_history_has_an_empty_candidates_table_not_none():
    # daily data through 9 August: June and July complete, two of the three months ahead need
    result = forecast(cut(read_actuals(DAILY), "2026-08-10"), months=1)
    # only the month in progress is forecast (from its days), not the months after it
    assert result.forecast["month"].tolist() == ["2026-08"] and result.current is not None
    assert any(
        "months ahead need 3 complete months of history with cost; the file has 2" in n for n in result.notes
    )
    assert result.candidates.empty
    assert list(result.candidates.columns) == ["method", "mase", "mape_pct", "coverage_pct", "forecasts"]


def test_conformal_bounds_take_the_order_statistics_of_past_errors():
    from costmodel.forecast_month_end import conformal_bounds

    # 19 errors -9 % .. +9 %: an 80 % interval takes the k-th smallest, k = floor(20 x 0.1)
    # = 2 (-8 %) and k = ceil(20 x 0.9) = 18 (+8 %): $1,000 x 0.92 and x 1.08
    errors = np.arange(-9, 10) / 100
    assert conformal_bounds(1000.0, errors, 0.8) == pytest.approx((920.0, 1080.0))
    # 8 errors: ceil(9 x 0.9) = 9 > 8, too few for an 80 % interval
    assert conformal_bounds(1000.0, errors[:8], 0.8) is None


def _recurring_and_a_lump_on_the_20th(start: str, end: str, lumps: dict[str, float]):
    """$100 a day of recurring cost and a charge billed on the 20th of each month (by month)."""
    from tests.test_anomalies import daily_actuals

    days = pd.date_range(start, end)
    lump = [lumps[d.strftime("%Y-%m")] if d.day == 20 else 0.0 for d in days]
    actuals = daily_actuals(
        {("Amazon EC2", "BoxUsage:m5.large"): [100.0] * len(days), ("AWS Support", "Business"): lump},
        start=start,
    )
    rows = actuals.rows
    # the charge's rows only on the day it is billed (a $0 row would count as billed)
    return replace(actuals, rows=rows.loc[(rows["service"] != "AWS Support") | (rows["unblended_cost"] != 0)])


def test_the_month_end_interval_comes_from_the_same_forecast_made_in_past_months():
    from costmodel.forecast_month_end import month_end

    # the charge on the 20th: $1,000, $1,400 from April 2025, $300 from September 2025
    lumps = {f"2025-{m:02d}": 1000.0 if m < 4 else 1400.0 if m < 9 else 300.0 for m in range(1, 13)}
    january = month_end(_recurring_and_a_lump_on_the_20th("2025-01-01", "2026-01-14", lumps), calibrated=True)
    # From day 15 a month's forecast is its days x $100 plus last month's charge (not billed
    # yet). February to December 2025 (January has 14 days before its 15th, too few) are 11
    # backtests: April (30 days) 3,000 + 1,000 forecast, 3,000 + 1,400 billed: +10 %;
    # September (30 days) 3,000 + 1,400 forecast, 3,000 + 300 billed: -1,100 / 4,400 = -25 %;
    # the nine others 0 %. 11 errors: k = floor(12 x 0.1) = 1 and ceil(12 x 0.9) = 11, the
    # smallest and the largest. January 2026: 14 x $100 billed + 17 x $100 + December's $300
    # = $3,400; bounds 3,400 x 0.75 = $2,550 and 3,400 x 1.10 = $3,740.
    assert january.expected == pytest.approx(3400.0, rel=1e-3)
    assert (january.low, january.high) == pytest.approx((2550.0, 3740.0), rel=1e-3)
    assert "last 11 complete months (2025-02 to 2025-12; split-conformal)" in january.interval_basis


def test_the_forecast_shows_the_month_in_progress_with_its_backtested_interval():
    lumps = {f"2025-{m:02d}": 1000.0 if m < 4 else 1400.0 if m < 9 else 300.0 for m in range(1, 13)}
    result = forecast(_recurring_and_a_lump_on_the_20th("2025-01-01", "2026-01-14", lumps), months=1)
    # the same bounds as above: $3,400 x 0.75 and x 1.10, and the method text says where from
    row = result.forecast.loc[result.forecast["month"] == "2026-01"].iloc[0]
    assert (row["low"], row["high"]) == pytest.approx((2550.0, 3740.0), rel=1e-3)
    assert "its interval: the errors of the same forecast made from day 15" in result.method_description


def test_the_month_end_interval_says_it_is_simulated_when_past_months_are_too_few():
    from costmodel.forecast_month_end import month_end

    lumps = {f"2025-{m:02d}": 1000.0 for m in range(5, 13)}
    january = month_end(_recurring_and_a_lump_on_the_20th("2025-05-01", "2026-01-14", lumps), calibrated=True)
    # June to December 2025: 7 backtests (May has 14 days before its 15th), 9 are needed
    assert january.interval_basis.startswith("simulated")
    assert "only 7 past complete months" in january.interval_basis
    assert "needs 9" in january.interval_basis


def test_a_once_a_month_charge_not_yet_billed_is_added_though_its_group_lists_zero_days():
    from costmodel.forecast_month_end import month_end
    from tests.test_anomalies import daily_actuals

    # EC2 $100 a day; a support charge of $300 billed on the 20th, its group listed at $0 on
    # every other day (as Cost Explorer lists some groups). From 1-14 April: $1,400 billed;
    # 16 days x $100 = $1,600 to come, and March's $300 not billed yet: $3,300
    days = pd.date_range("2026-01-01", "2026-04-14")
    support = np.where(days.day == 20, 300.0, 0.0)
    april = month_end(
        daily_actuals(
            {("Amazon EC2", "BoxUsage:c5.2xlarge"): [100.0] * len(days), ("AWS Support", "Support"): support}
        )
    )
    assert april.actual_to_date == pytest.approx(1400.0)
    assert april.expected == pytest.approx(3300.0, rel=1e-3)


def monthly_response(
    tmp_path, per_day: dict[str, float], estimated_from: str = "9999-12", amounts: dict | None = None
):
    """A GetCostAndUsage response (MONTHLY, grouped by SERVICE) of EC2 at ``per_day[month]``
    USD a day, for the months given, as Cost Explorer returns it; ``amounts``: {month: (USD,
    the period's end)} for a month fetched before its end (Estimated, its money so far)."""
    results = []
    for month, rate in per_day.items():
        period = pd.Period(month, "M")
        amount, end = (amounts or {}).get(month, (rate * period.days_in_month, None))
        results.append(
            {
                "TimePeriod": {"Start": f"{month}-01", "End": end or str((period + 1).start_time.date())},
                "Total": {},
                "Groups": [
                    {
                        "Keys": ["Amazon Elastic Compute Cloud - Compute"],
                        "Metrics": {"UnblendedCost": {"Amount": f"{amount:.10f}", "Unit": "USD"}},
                    }
                ],
                "Estimated": month >= estimated_from,
            }
        )
    page = {"GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}], "ResultsByTime": results}
    path = tmp_path / "ce-monthly.json"
    path.write_text(json.dumps(page))
    return path


WINDING_DOWN = {"2026-06": 100.0, "2026-07": 50.0, "2026-08": 5.0, "2026-09": 5.0, "2026-10": 5.0}


def test_a_fall_that_has_ended_is_not_forecast_below_zero(tmp_path):
    # tester30: a service wound down, $100 a day in June, $50 in July, $5 from August. The
    # default (drift and damped trend) carried the fall on: November -$562.50 with an
    # "interval" from -$191.41 to -$933.59 (low above high). A bill before credits is never
    # below $0: same as last month, $5 a day: November 30 x 5 = $150, December and January
    # 31 x 5 = $155 each
    result = forecast(read_actuals(monthly_response(tmp_path, WINDING_DOWN)), months=3)
    table = result.forecast.set_index("month")
    assert table["expected"].tolist() == pytest.approx([150.0, 155.0, 155.0])
    assert result.method == methods.NAIVE and "never below $0" in result.method_reason
    assert (table["low"] >= 0).all() and (table["low"] <= table["expected"]).all()
    assert (table["expected"] <= table["high"]).all()


def test_a_forced_candidate_that_falls_below_zero_says_zero_with_its_bounds_in_order(tmp_path):
    # the drift over June..October: (5 - 100) / 4 = -23.75 a day a month, from $5 a day:
    # November -18.75 a day; asked for by name it is kept, but a bill is never below $0
    result = forecast(read_actuals(monthly_response(tmp_path, WINDING_DOWN)), months=2, method=methods.DRIFT)
    table = result.forecast
    assert (table["expected"] == 0).all() and (table["low"] == 0).all() and (table["high"] >= 0).all()


def test_a_month_in_progress_of_monthly_data_is_never_forecast_below_what_it_billed_so_far(tmp_path):
    # tester30: $100 a day from June; October fetched on the 20th (19 days, Estimated) holds
    # 19 x 100 + an RI fee of $8,760 = $10,660 so far. Forecast whole from the months before,
    # October was $3,100 (31 x 100), below what it had billed. Now: 10,660 + 3,100 x 12 / 31
    # (the 12 days after the 19th) = 10,660 + 1,200 = $11,860.00, the true month; low $10,660
    flat = dict.fromkeys(["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"], 100.0)
    path = monthly_response(tmp_path, flat, "2026-10", {"2026-10": (10660.0, "2026-10-20")})
    result = forecast(read_actuals(path), months=2)
    october = result.forecast.set_index("month").loc["2026-10"]
    assert october["expected"] == pytest.approx(11860.0, abs=0.01)
    assert october["low"] == pytest.approx(10660.0) and october["high"] >= october["expected"]
    assert any("below what it has billed so far" in note for note in result.notes)


def test_an_upfront_fee_billed_once_last_month_is_not_due_again_this_month():
    from costmodel.forecast_month_end import month_end
    from tests.test_anomalies import daily_actuals

    # tester30: EC2 $100 a day from 1 January 2026, support $300 on each 1st, a reservation's
    # upfront fee $8,760 on 15 October; data through 3 November. The fee was added to
    # November's month-end as "last month's once-a-month charge not billed yet": $12,060.
    # It was billed once, mid-month: November is 3 x 100 + 300 so far + 27 x 100 = $3,300
    days = pd.date_range("2026-01-01", "2026-11-03")
    actuals = daily_actuals(
        {
            ("Amazon Elastic Compute Cloud - Compute", "BoxUsage:c5.2xlarge"): np.full(len(days), 100.0),
            ("AWS Support (Business)", "Dollar"): np.where(days.day == 1, 300.0, 0.0),
            ("Amazon Elastic Compute Cloud - Compute", "HeavyUsage:c5.2xlarge"): np.where(
                days == pd.Timestamp("2026-10-15"), 8760.0, 0.0
            ),
        }
    )
    november = month_end(actuals, calibrated=False)
    assert november.actual_to_date == pytest.approx(600.0)
    assert november.expected == pytest.approx(3300.0, abs=0.01)


def test_a_monthly_fee_billed_on_the_first_is_still_due_when_not_billed_yet():
    from costmodel.forecast_month_end import month_end
    from tests.test_anomalies import daily_actuals

    # a reservation's monthly fee, $730 on each 1st from 1 October (first seen last month):
    # November's is not on the bill yet on the 3rd (Cost Explorer lists it late): it is due,
    # 3 x 100 so far + 27 x 100 + 730 = $3,730
    days = pd.date_range("2026-01-01", "2026-11-03")
    fee = np.where((days.day == 1) & (days == pd.Timestamp("2026-10-01")), 730.0, 0.0)
    actuals = daily_actuals(
        {
            ("Amazon Elastic Compute Cloud - Compute", "BoxUsage:c5.2xlarge"): np.full(len(days), 100.0),
            ("Amazon Elastic Compute Cloud - Compute", "HeavyUsage:c5.2xlarge"): fee,
        }
    )
    assert month_end(actuals, calibrated=False).expected == pytest.approx(3730.0, abs=0.01)


def test_a_monthly_file_with_a_month_missing_is_refused_as_a_daily_one_is(tmp_path):
    # tester30: August left out of the sample: the history went June, July, September,
    # October without a word, the drift and the backtest taking July -> September for one
    # month apart
    from tests.test_budget import _monthly_without

    err = refused("forecast", "--actuals", _monthly_without(tmp_path, "2026-08"))
    assert "monthly data has a gap: 2026-08 missing (between 2026-06 and 2026-10)" in err


def test_an_upfront_fee_billed_mid_month_is_not_forecast_again_with_a_month_in_progress():
    from tests.test_anomalies import daily_actuals

    # $100 a day of EC2 from January, $300 of support billed on each 1st, an RI's $8,760
    # upfront fee billed once on 15 October; data through 3 November (a month in progress).
    # December: 31 x 100 + 300 = 3,400; January 3,400 (the fee is not due again; before,
    # the month in progress dropped the charges' history and the fee came back every month)
    days = pd.date_range("2026-01-01", "2026-11-03")
    support = [300.0 if d.day == 1 else 0.0 for d in days]
    fee = [8760.0 if d == pd.Timestamp("2026-10-15") else 0.0 for d in days]
    actuals = daily_actuals(
        {
            ("Amazon EC2", "BoxUsage:m5.large"): [100.0] * len(days),
            ("AWS Support", "Business"): support,
            ("Amazon EC2", "HeavyUsage:m5.large"): fee,
        },
        start="2026-01-01",
    )
    rows = actuals.rows
    actuals = replace(
        actuals, rows=rows.loc[(rows["usage_type"] == "BoxUsage:m5.large") | (rows["unblended_cost"] != 0)]
    )
    table = forecast(actuals, months=3).forecast.set_index("month")
    assert table.loc["2026-12", "expected"] == pytest.approx(3400.0, abs=0.01)
    assert table.loc["2027-01", "expected"] == pytest.approx(3400.0, abs=0.01)


def test_a_service_that_stopped_is_a_fall_that_has_ended_not_a_trend(tmp_path):
    # tester30: EC2 $100 a day from June; RDS $50 a day June to August, nothing from
    # September (shut down). The drift read the drop as a slope: November $2,625, January
    # $1,937.50. The history the forecast follows is now the services still running (EC2
    # alone), flat: November 30 x 100 = $3,000, December and January 31 x 100 = $3,100
    results = []
    for month in ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]:
        period = pd.Period(month, "M")
        rates = {"Amazon Elastic Compute Cloud - Compute": 100.0}
        if month <= "2026-08":
            rates["Amazon Relational Database Service"] = 50.0
        results.append(
            {
                "TimePeriod": {"Start": f"{month}-01", "End": str((period + 1).start_time.date())},
                "Total": {},
                "Groups": [
                    {
                        "Keys": [service],
                        "Metrics": {
                            "UnblendedCost": {"Amount": f"{rate * period.days_in_month:.2f}", "Unit": "USD"}
                        },
                    }
                    for service, rate in rates.items()
                ],
                "Estimated": False,
            }
        )
    path = tmp_path / "rds-stops.json"
    path.write_text(
        json.dumps({"GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}], "ResultsByTime": results})
    )
    result = forecast(read_actuals(path), months=3)
    assert result.forecast["expected"].tolist() == pytest.approx([3000.0, 3100.0, 3100.0])
    assert any("Amazon Relational Database Service billed nothing" in note for note in result.notes)


def test_months_before_the_first_cost_are_no_part_of_the_history(tmp_path):
    # tester31: a history fetched from before the account began (Cost Explorer lists those
    # months without cost): $0 from November 2025 to March 2026, then a flat $10 a day from
    # April. The candidates read the start as a rise: December $320.52, January $328.30,
    # February $303.07, with backtest MASE in the thousands. The months before the first cost
    # are left out: flat $10 a day, December and January 31 x 10 = $310, February 28 x 10 = $280
    empty = [str(pd.Period("2025-11", "M") + i) for i in range(5)]
    running = [str(pd.Period("2026-04", "M") + i) for i in range(8)]
    per_day = dict.fromkeys(empty, 0.0) | dict.fromkeys(running, 10.0)
    result = forecast(read_actuals(monthly_response(tmp_path, per_day)), months=3)
    assert result.forecast["expected"].tolist() == pytest.approx([310.0, 310.0, 280.0])
    assert any(n.startswith("2025-11..2026-03 billed nothing") for n in result.notes)
    assert len(result.history) == 13  # the bill as the file has it, its empty months too


def test_too_few_months_with_cost_after_empty_ones_are_refused(tmp_path):
    per_day = dict.fromkeys(["2026-06", "2026-07", "2026-08"], 0.0) | {"2026-09": 10.0, "2026-10": 10.0}
    with pytest.raises(InputError, match="3 complete months of history with cost; the file has 2"):
        forecast(read_actuals(monthly_response(tmp_path, per_day)), months=3)


def test_a_new_instance_type_is_sized_on_the_type_it_replaces(production):
    # tester31: the change was checked on the new type (BoxUsage:c5.4xlarge, not on the bill)
    # and priced from the file's 3 nodes: $744.60 a month, November $391.68. The bill runs
    # BoxUsage:c5.2xlarge 3,586 h in October's 744 h, 3,586 x 730 / 744 = 3,518.52 h a 730-h
    # month against the file's 3 x 730 = 2,190 h: 1.60663 x the file. c5.2xlarge -> c5.4xlarge
    # is 3 x ($0.68 - $0.34) x 730 = $744.60 for the file's nodes, so $744.60 x 1.60663 =
    # $1,196.30 a month; November from the 15th (384 h): 1,196.30 x 384 / 730 = $629.29
    change = parse_change("2026-11-15:eks.instance_type=c5.4xlarge")
    result = forecast(read_actuals(MONTHLY), months=2, changes=[change], arch=production)
    added = result.forecast.set_index("month")["known_changes"]
    scaled = 744.6 * (3586 * 730 / 744) / 2190
    assert added["2026-11"] == pytest.approx(scaled * 384 / 730, abs=0.01)
    assert added["2026-12"] == pytest.approx(scaled * 744 / 730, abs=0.01)
    assert "the bill shows 1.61 x the file's BoxUsage:c5.2xlarge" in result.changes[0].note


def usage_type_response(tmp_path, months, key, cost, quantity, unit):
    """A GetCostAndUsage response (MONTHLY, grouped by SERVICE and USAGE_TYPE) of one
    ``key`` (service, usage type) billing ``cost(period)`` [USD] for ``quantity(period)``
    [``unit``] in each of ``months``."""
    results = []
    for month in months:
        period = pd.Period(month, "M")
        metrics = {
            "UnblendedCost": {"Amount": f"{cost(period):.10f}", "Unit": "USD"},
            "UsageQuantity": {"Amount": f"{quantity(period):.10f}", "Unit": unit},
        }
        results.append(
            {
                "TimePeriod": {"Start": f"{month}-01", "End": str((period + 1).start_time.date())},
                "Total": {},
                "Groups": [{"Keys": list(key), "Metrics": metrics}],
                "Estimated": False,
            }
        )
    path = tmp_path / "ce.json"
    keys = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    path.write_text(json.dumps({"GroupDefinitions": keys, "ResultsByTime": results}))
    return path


def test_a_new_instance_type_the_bill_already_runs_adds_nothing(tmp_path, production):
    # the bill runs five c5.4xlarge nodes (3,650 h in November's 720 h) and no c5.2xlarge:
    # going to c5.4xlarge is done already, nothing added (it was $744.60 a month from the file)
    def hours(period):
        return 5 * 24 * period.days_in_month

    ec2 = ("Amazon Elastic Compute Cloud - Compute", "BoxUsage:c5.4xlarge")
    months = ["2026-08", "2026-09", "2026-10", "2026-11"]
    path = usage_type_response(tmp_path, months, ec2, lambda p: 0.68 * hours(p), hours, "Hrs")
    change = parse_change("2026-12-15:eks.instance_type=c5.4xlarge")
    result = forecast(read_actuals(path), months=2, changes=[change], arch=production)
    assert result.forecast["known_changes"].tolist() == [0.0, 0.0]
    assert (
        "the bill shows no BoxUsage:c5.2xlarge (2026-11): replaced, nothing added" in result.changes[0].note
    )


def test_a_bill_without_usage_quantities_says_it_cannot_check_a_change(tmp_path, production):
    # a file grouped by service only: BoxUsage:c5.2xlarge may well be billed, the file cannot
    # say; it was "not on the bill". Priced from the file: 3 -> 6 nodes, 3 x $256.20 = $768.60
    path = monthly_response(tmp_path, dict.fromkeys(["2026-08", "2026-09", "2026-10"], 100.0))
    change = parse_change("2026-11:eks.node_count=6")
    result = forecast(read_actuals(path), months=1, changes=[change], arch=production)
    (sized,) = result.changes
    assert "the bill gives no usage quantities to check" in sized.note and "not on the bill" not in sized.note
    assert sized.monthly_difference == pytest.approx(768.60)


def test_a_month_at_zero_in_the_history_warns_nothing_on_stderr(tmp_path):
    # tester31: a month billed $0 between months of $10 a day printed numpy's "divide by zero
    # encountered in divide" three times on stderr (its percentage error has no value)
    per_day = {str(pd.Period("2026-01", "M") + i): 10.0 for i in range(10)} | {"2026-05": 0.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = forecast(read_actuals(monthly_response(tmp_path, per_day)), months=3)
    assert (result.forecast["low"] <= result.forecast["expected"]).all()


def test_one_month_off_in_the_middle_neither_widens_the_interval_nor_nulls_the_mape(tmp_path):
    # tester: $10 a day December 2025 .. November 2026, but May 2026 $0 (the service off for a
    # month, then back). Its forecasts missed by 100 % and the ones after it by far more: December
    # read $319.80 from $0.00 to $4,623.91, the MAPE null. One month off is left out, as the months
    # before the first cost are: every other month is $10 a day, so December and January are
    # 31 x 10 = $310, February 28 x 10 = $280, and each backtest miss is $0: the interval is
    # only its floor, 1 % x the square root of the months ahead (session 38: $0 errors are no
    # bound): $310 x (1 -/+ 0.01) = $306.90 / $313.10, $310 x (1 -/+ 0.01 x 1.41421) = $305.62 /
    # $314.38, $280 x (1 -/+ 0.01 x 1.73205) = $275.15 / $284.85
    per_day = {str(pd.Period("2025-12", "M") + i): 10.0 for i in range(12)} | {"2026-05": 0.0}
    result = forecast(read_actuals(monthly_response(tmp_path, per_day)), months=3)
    table = result.forecast
    assert table["expected"].tolist() == pytest.approx([310.0, 310.0, 280.0])
    assert table["low"].tolist() == pytest.approx([306.90, 305.62, 275.15], abs=0.01)
    assert table["high"].tolist() == pytest.approx([313.10, 314.38, 284.85], abs=0.01)
    assert result.backtest_mape_pct == pytest.approx(0.0)
    assert any(n.startswith("2026-05 billed nothing between months with cost") for n in result.notes)


def test_months_off_that_recur_are_the_bills_pattern_and_the_mape_skips_them(tmp_path):
    # $10 a day, but March and July 2026 $0: off twice, the bill's pattern, so both stay in the
    # history. Origins April .. November forecast July 1, 2 and 3 months ahead (from July, June and
    # May): 3 forecasts of a $0 month, left out of the MAPE (no percentage over $0), said so
    per_day = {str(pd.Period("2025-12", "M") + i): 10.0 for i in range(12)} | {"2026-03": 0.0, "2026-07": 0.0}
    result = forecast(read_actuals(monthly_response(tmp_path, per_day)), months=3)
    assert not any("billed nothing between months" in n for n in result.notes)
    assert result.backtest_mape_pct is not None and all(
        v is not None for mape in result.candidates["mape_pct"] for v in mape
    )
    assert any(
        n.startswith("the backtest MAPE leaves out 3 forecasts of a month billed $0") for n in result.notes
    )


def test_a_change_after_the_last_month_forecast_says_it_adds_nothing(production):
    # tester31: a change from 2028 was priced in its note ("$302.34 a month") and added to no
    # month of November 2026..January 2027, without a word on why
    change = parse_change("2028-01-01:eks.node_count=6")
    result = forecast(read_actuals(MONTHLY), months=3, changes=[change], arch=production)
    assert result.forecast["known_changes"].tolist() == [0.0, 0.0, 0.0]
    assert any("starts after the last month forecast (2027-01): nothing added" in n for n in result.notes)


def test_a_month_billed_quantity_is_read_per_calendar_month_not_per_730_hours(tmp_path, production):
    # tester31: EBS:VolumeUsage.gp3 bills 600 GB-Month in February as in every month, what the
    # file has (three nodes' 100 GB root volumes and 3 x 100 GB of volumes). Read per 730 h
    # (600 x 730 / 672 = 651.79) the bill "showed 117.26" GB a root volume, a mismatch that is
    # not there, and 100 -> 200 GB was sized from 117.26: (200 - 117.26) x 3 x $0.08 = $19.86
    # in March. Per month: 100 GB as the file says, +100 GB x 3 nodes x $0.08 = $24.00 a
    # month, and March is a whole month: $24.00
    months = ["2025-11", "2025-12", "2026-01", "2026-02"]
    gp3 = ("EC2 - Other", "EBS:VolumeUsage.gp3")
    path = usage_type_response(tmp_path, months, gp3, lambda _: 48.0, lambda _: 600.0, "GB-Month")
    change = parse_change("2026-03:eks.root_volume_gb=200")
    result = forecast(read_actuals(path), months=1, changes=[change], arch=production)
    assert result.forecast["known_changes"].tolist() == pytest.approx([24.0], abs=0.01)
    assert "as the file says" in result.changes[0].note


def test_an_interval_wider_than_the_backtest_can_tell_says_so(tmp_path):
    # tester31: 13 months at a rising daily rate, --interval 0.95: the backtest makes 9 + 8 + 7
    # = 24 errors; split-conformal 95% bounds need the floor(0.025 (n + 1))-th smallest error
    # to exist, n >= 39, so the bounds were the extremes and December's "95%" interval was the
    # 80% one, without a word
    per_day = {str(pd.Period("2025-11", "M") + i): 30.0 + i + (i % 3) for i in range(13)}
    path = monthly_response(tmp_path, per_day)
    wide = forecast(read_actuals(path), months=3, interval=0.95)
    assert any("a 95% interval needs 39 backtest errors; this history gives 24" in n for n in wide.notes)
    assert not any("backtest errors; this history gives" in n for n in forecast(read_actuals(path)).notes)


def test_a_focus_export_without_usage_types_says_it_cannot_check_a_change(tmp_path):
    # tester31: a FOCUS export without AWS's x_ columns has no usage types; the change's note
    # said "BoxUsage:c5.2xlarge is not on the bill" of a bill that runs 4.8 nodes of it
    from tests.test_lineitems import focus_of

    for month in ["2026-08", "2026-09", "2026-10"]:
        focus_of(month, tmp_path, aws_columns=False)
    code, out, _ = run(
        "forecast",
        "--focus",
        str(tmp_path / "*.csv"),
        "--change",
        "2026-11:eks.node_count=6",
        "--format",
        "json",
    )
    (change,) = json.loads(out)["changes"]
    assert code == 0 and "the bill gives no usage quantities to check" in change["note"]


def test_a_bill_the_same_every_month_is_forecast_the_same_not_by_its_days(tmp_path):
    # $1,100.00 in every month December 2025 .. November 2026, 28-, 30- and 31-day months
    # alike: monthly fees. Per day it would be 1,100 / 30 x 31 = $1,136.67 in December and
    # 1,100 / 30 x 28 = $1,026.67 in February (tester 31); it is $1,100.00 each month
    months = [str(pd.Period("2025-12", "M") + i) for i in range(12)]
    path = monthly_response(
        tmp_path, dict.fromkeys(months, 0.0), amounts=dict.fromkeys(months, (1100.0, None))
    )
    result = forecast(read_actuals(path), months=3)
    assert result.forecast["month"].tolist() == ["2026-12", "2027-01", "2027-02"]
    assert result.forecast["expected"].round(2).tolist() == [1100.0, 1100.0, 1100.0]
    assert any("forecast per month, not per day" in note for note in result.notes)


def test_an_hourly_bill_is_still_forecast_by_its_days(tmp_path):
    # $33.00 a day every day: December 2025 .. November 2026 at 33 x their days. Per day:
    # December 33 x 31 = $1,023.00, January $1,023.00, February 33 x 28 = $924.00
    months = [str(pd.Period("2025-12", "M") + i) for i in range(12)]
    result = forecast(read_actuals(monthly_response(tmp_path, dict.fromkeys(months, 33.0))), months=3)
    assert result.forecast["expected"].round(2).tolist() == [1023.0, 1023.0, 924.0]
    assert not any("per month, not per day" in note for note in result.notes)


def test_billed_by_the_month_needs_months_of_different_lengths():
    # three 31-day months cannot tell a monthly fee from an hourly bill: by the day
    assert not methods.billed_by_the_month(np.array([100.0, 100.0, 100.0]), np.array([31.0, 31.0, 31.0]))
    # June..November: totals 100 each move 0; per average day (x 30.4375 / 30 or 31) 101.46,
    # 98.19, 98.19, 101.46, 98.19, 101.46 move 3.27 x 4 = 13.09: by the month
    june_to_november = np.array([30.0, 31.0, 31.0, 30.0, 31.0, 30.0])
    assert methods.billed_by_the_month(np.full(6, 100.0), june_to_november)
    # three such months could be a flat stretch of an hourly bill by chance (the sample's
    # June..August: 9,073.33, 9,016.15, 8,995.28): by the day
    assert not methods.billed_by_the_month(np.array([9073.33, 9016.15, 8995.28]), june_to_november[:3])
