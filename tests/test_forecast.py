"""Forecasts (issue 12): the months ahead from the monthly history, the month in progress
from its days, known changes, backtests, and bad input."""

import json
from pathlib import Path

import pytest

from costmodel.actuals import read_actuals
from costmodel.actuals.series import cut, monthly_bill
from costmodel.errors import InputError
from costmodel.forecast import backtest, forecast, parse_change
from tests.test_trust import refused, run

MONTHLY = "data/actuals/ce-2026-06..2026-10.json"
DAILY = "data/actuals/ce-daily-2026-06..2026-10.json.gz"
OCTOBER_BILL = 10192.394452  # the sample's October, Cost Explorer's ungrouped total


def test_the_monthly_backtest_error_of_the_sample_by_hand():
    # daily averages without credits: June 9,073.334926 / 30 = 302.4445; July (9,016.152534
    # + 300 credit) / 31 = 300.5210; August 8,995.276202 / 31 = 290.1702. OLS through x = 0,1,2:
    # slope (290.1702 - 302.4445) / 2 = -6.13715, mean 297.7119 at x = 1. September (x = 3):
    # 285.4376 x 30 = 8,563.13 vs 9,399.42 (8.90%); October (x = 4): 279.3004 x 31 = 8,658.31
    # vs 10,192.39 (15.05%). Mean absolute percentage error 11.97%.
    history = monthly_bill(read_actuals(MONTHLY))
    assert backtest(history) == pytest.approx(11.97, abs=0.01)


def test_months_ahead_follow_the_trend_with_an_interval_around_it():
    result = forecast(read_actuals(MONTHLY), months=3)
    table = result.forecast
    assert table["month"].tolist() == ["2026-11", "2026-12", "2027-01"]
    assert (table["low"] < table["expected"]).all() and (table["expected"] < table["high"]).all()
    assert result.interval == 0.8 and "OLS" in result.method and result.current is None


def test_a_known_change_adds_its_modelled_difference_from_its_month_on(production):
    plain = forecast(read_actuals(MONTHLY), months=3).forecast.set_index("month")
    change = parse_change("2026-12:eks.node_count=5")
    changed = forecast(read_actuals(MONTHLY), months=3, changes=[change], arch=production)
    effect = changed.forecast.set_index("month")["expected"] - plain["expected"]
    # 2 more c5.2xlarge at $0.34/h and 2 x 100 GB gp3 root volumes at $0.08: $496.40 + $16.00
    # = $512.40 per 730 h; December (744 h): 512.40 x 744 / 730 = $522.23; January the same
    assert effect["2026-11"] == pytest.approx(0.0)
    assert effect["2026-12"] == pytest.approx(512.40 * 744 / 730, abs=0.01)
    assert effect["2027-01"] == pytest.approx(512.40 * 744 / 730, abs=0.01)


@pytest.mark.parametrize("day", ["2026-10-09", "2026-10-16", "2026-10-24"])
def test_the_month_end_forecast_from_days_so_far_lands_near_the_bill(day):
    result = forecast(cut(read_actuals(DAILY), day), months=1)
    october = result.current
    assert october.month == "2026-10" and october.days_elapsed == int(day[-2:]) - 1
    # the sample's October bill is inside the 80% interval and within 2% of the forecast
    assert october.low <= OCTOBER_BILL <= october.high
    assert abs(october.expected - OCTOBER_BILL) / OCTOBER_BILL < 0.02
    assert result.forecast["month"].iloc[0] == "2026-10"  # the month in progress leads


def test_forecast_json_has_the_contract_shape():
    code, out, _ = run("forecast", "--actuals", MONTHLY, "--format", "json")
    payload = json.loads(out)
    assert code == 0
    assert {"currency", "history", "forecast", "interval", "method", "backtest_mape_pct"} <= set(payload)
    assert set(payload["history"][0]) >= {"month", "actual"}
    assert set(payload["forecast"][0]) >= {"month", "expected", "low", "high"}
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
        (["--change", "2027-01"], "expected YYYY-MM:KEY=VALUE"),
        (["--change", "2027-13:eks.node_count=5"], "must be a month YYYY-MM"),
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
