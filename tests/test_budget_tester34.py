"""`costmodel budget` as an AWS Budgets user reads it (tester34): money compared as money.

CUR 2.0 line items written with tests/cur2_day_bill.py's ``line_item`` (from the CUR 2.0 data
dictionary), expected figures by hand in comments.
"""

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests import cur2_day_bill
from tests.test_trust import run

MONTHS = (1, 2, 3)  # January to March 2026, every day billed


def _daily_export(path, amount):
    """One EC2 line item of ``amount`` [USD] a day, every day of January to March 2026."""
    rows = []
    for month in MONTHS:
        day = dt.date(2026, month, 1)
        while day.month == month:
            rows.append(
                cur2_day_bill.line_item(
                    day, cur2_day_bill.PAYER, "Usage", "AmazonEC2", "BoxUsage:m5.large", amount
                )
            )
            day += dt.timedelta(days=1)
    for number, row in enumerate(rows):
        row["identity_line_item_id"] = f"li-{number}"
    return _write(path, rows)


def _write(path, rows):
    """A CUR 2.0 Parquet file of ``rows`` (its map columns as MAPs, as AWS writes them)."""
    maps = cur2_day_bill.MAPS
    table = pa.Table.from_pylist([{k: v for k, v in r.items() if k not in maps} for r in rows])
    for name in maps:
        values = [list(r[name].items()) for r in rows]
        table = table.append_column(name, pa.array(values, type=pa.map_(pa.string(), pa.string())))
    pq.write_table(table, path)
    return path


def _budget(tmp_path, text):
    path = tmp_path / "budget.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("on", ["actual", "forecast"])
def test_spend_equal_to_the_budget_to_the_cent_is_not_over_it(tmp_path, on):
    # March: 31 days x $0.10 = $3.10, a budget of $3.10: at the threshold, not over it (AWS's
    # GREATER_THAN; the README: 80 % of $1,000, $800.00 does not alert). The float sum of
    # 31 x 0.1 is 3.1000000000000014: it was "over", "actual > 100%", exit 1.
    export = _daily_export(tmp_path / "cur.parquet", 0.1)
    budget = _budget(
        tmp_path, f"monthly_usd: 3.10\nthresholds: [{{on: {on}, pct: 100}}, {{on: {on}, usd: 3.10}}]\n"
    )
    code, out, err = run(
        "budget", "--cur", export, "--budget", budget, "--month", "2026-03", "--format", "json"
    )
    assert "Traceback" not in err, err
    row = json.loads(out)["budgets"][0]
    assert row["actual"] == pytest.approx(3.10, abs=0.005)
    assert row["forecast"] == pytest.approx(3.10, abs=0.005)  # a complete month
    assert row["status"] == "ok"
    assert row["alerts"] == ""
    assert [t["crossed"] for t in row["thresholds"]] == [False, False]
    assert code == 0, out


def test_a_cent_over_the_budget_is_over_it(tmp_path):
    # the other side of the edge: $3.10 billed against $3.09, one cent over: over, alerted, exit 1
    export = _daily_export(tmp_path / "cur.parquet", 0.1)
    budget = _budget(tmp_path, "monthly_usd: 3.09\nthresholds: [{on: actual, pct: 100}]\n")
    code, out, _ = run(
        "budget", "--cur", export, "--budget", budget, "--month", "2026-03", "--format", "json"
    )
    row = json.loads(out)["budgets"][0]
    assert row["status"] == "over"
    assert row["alerts"] == "actual > 100%"
    assert code == 1


def test_an_as_of_days_after_daily_data_reads_the_data_s_last_month(tmp_path):
    # daily line items of January to March, a daily job run on 20 April with the file not
    # fetched again: the warning says the budget is read at 2026-03, and it must be: March,
    # 31 days x $0.10 = $3.10 against $5, ok, exit 0. It read an April of no data instead:
    # "Budgets for 2026-04", actual $0.00, forecast unknown, "the data is monthly ... give
    # daily data" (the data is daily), exit 1.
    export = _daily_export(tmp_path / "cur.parquet", 0.1)
    budget = _budget(tmp_path, "monthly_usd: 5\n")
    code, out, err = run(
        "budget", "--cur", export, "--budget", budget, "--as-of", "2026-04-20", "--format", "json"
    )
    assert "the budget is read at 2026-03, the data's last month" in err
    result = json.loads(out)
    assert result["month"] == "2026-03"
    assert result["budgets"][0]["actual"] == pytest.approx(3.10, abs=0.005)
    assert result["budgets"][0]["status"] == "ok"
    assert code == 0


def test_an_as_of_days_after_the_data_adds_no_month_of_nothing_to_the_forecast_s_history(tmp_path):
    # the same file and day: the forecast starts at 2026-04 (its warning says so), after a
    # history that ends with March's $3.10; it listed an April of $0.00 "in progress"
    export = _daily_export(tmp_path / "cur.parquet", 0.1)
    _code, out, err = run("forecast", "--cur", export, "--as-of", "2026-04-20", "--format", "json")
    assert "the forecast starts at 2026-04, after the data" in err
    result = json.loads(out)
    assert result["history"][-1]["month"] == "2026-03"
    assert result["history"][-1]["actual"] == pytest.approx(3.10, abs=0.005)
    assert result["forecast"][0]["month"] == "2026-04"


def test_a_budget_s_tag_key_in_another_case_is_refused_without_an_option_budget_has_not(tmp_path):
    # the export tags team=web; a budget file's by_tag spells the key Team. The refusal told
    # the user only "e.g. --by tag:team", an option of `breakdown` that `budget` does not take:
    # it now gives the spelling in each command's words, the budget file's too
    rows = [
        cur2_day_bill.line_item(
            dt.date(2026, 3, day), cur2_day_bill.PAYER, "Usage", "AmazonEC2", "BoxUsage:m5.large", 1.0,
            resource_tags={"user_team": "web"}, identity_line_item_id=f"li-{day}",
        )
        for day in range(1, 32)
    ]  # fmt: skip
    export = _write(tmp_path / "cur.parquet", rows)
    budget = _budget(tmp_path, "monthly_usd: 100\nby_tag: {Team: {web: 50}}\n")
    code, _out, err = run("budget", "--cur", export, "--budget", budget)
    assert code == 2
    assert "tag key 'Team' is not in the export; 'team' is" in err
    assert "by_tag: {team: ...}" in err and "--by tag:team" in err  # the spelling, for each command


@pytest.mark.parametrize(
    ("code", "service"),
    [
        ("AWSSupportBusiness", "AWS Support (Business)"),
        ("AWSSupportEnterprise", "AWS Support (Enterprise)"),
        ("AWSSupportDeveloper", "AWS Support (Developer)"),
    ],
)
def test_support_is_told_by_its_product_code_in_an_export_without_product_names(tmp_path, code, service):
    # a CUR 2.0 export whose product map has no product_name (Data Exports lets the user
    # choose the columns): March, 31 days x $1 of EC2 and the support plan's Fee of $100 on
    # the 1st under AWS's product code. include support false: 31 x $1 = $31.00. The code
    # was not known (the table had AWSBusinessSupport): the service read 'AWSSupportBusiness',
    # not support, and the $100 stayed in ($131.00) under "left out: support", exit 0.
    march = [dt.date(2026, 3, day) for day in range(1, 32)]
    payer = cur2_day_bill.PAYER
    rows = [
        cur2_day_bill.line_item(day, payer, "Usage", "AmazonEC2", "BoxUsage:m5.large", 1.0) for day in march
    ]
    rows.append(
        cur2_day_bill.line_item(
            march[0], payer, "Fee", "AmazonEC2", "Dollar", 100.0, line_item_product_code=code
        )
    )
    for number, row in enumerate(rows):
        row.update(identity_line_item_id=f"li-{number}", product={})
    export = _write(tmp_path / "cur.parquet", rows)
    left_out = _budget(tmp_path, "monthly_usd: 100\ninclude: {support: false}\n")
    code_, out, err = run("budget", "--cur", export, "--budget", left_out, "--format", "json")
    assert "Traceback" not in err, err
    assert json.loads(out)["budgets"][0]["actual"] == pytest.approx(31.0, abs=0.005)
    assert code_ == 0
    by_service = _budget(tmp_path, f"monthly_usd: 200\nby_service: {{{service}: 150}}\n")
    code_, out, err = run("budget", "--cur", export, "--budget", by_service, "--format", "json")
    assert code_ == 0, err
    assert json.loads(out)["budgets"][1]["actual"] == pytest.approx(100.0, abs=0.005)


def _hourly_export(path, end):
    """$1 of EC2 an hour and a $100 support fee at each month's first hour, from 1 January
    2026 to the hour before ``end``: as AWS delivers an hourly export during the day."""
    rows, hour = [], dt.datetime(2026, 1, 1)
    payer = cur2_day_bill.PAYER
    while hour < end:
        interval = f"{hour:%Y-%m-%dT%H:%M:%SZ}/{hour + dt.timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ}"
        usage = cur2_day_bill.line_item(hour.date(), payer, "Usage", "AmazonEC2", "BoxUsage:m5.large", 1.0)
        usage.update(
            line_item_usage_start_date=hour,
            line_item_usage_end_date=hour + dt.timedelta(hours=1),
            identity_time_interval=interval,
        )
        rows.append(usage)
        if hour.day == 1 and hour.hour == 0:  # the support fee spans its month, as AWS writes it
            rows.append(_month_fee(hour, payer))
        hour += dt.timedelta(hours=1)
    for number, row in enumerate(rows):
        row["identity_line_item_id"] = f"li-{number}"
    return _write(path, rows)


def _month_fee(first_hour, payer):
    """Business support's $100 fee of the month starting at ``first_hour``."""
    fee = cur2_day_bill.line_item(first_hour.date(), payer, "Fee", "AWSSupportBusiness", "Dollar", 100.0)
    month_after = (first_hour + dt.timedelta(days=32)).replace(day=1)
    interval = f"{first_hour:%Y-%m-%dT%H:%M:%SZ}/{month_after:%Y-%m-%dT%H:%M:%SZ}"
    fee.update(line_item_usage_end_date=month_after, identity_time_interval=interval)
    return fee


def test_a_last_day_cut_short_is_no_day_of_low_spend_in_the_month_end_forecast(tmp_path):
    # hourly line items through 2026-04-15 06:00 (AWS updates an export during the day):
    # April so far 14 days x 24 h x $1 + 6 h x $1 + $100 support = $442; the month, a flat
    # $24 a day: 30 x $24 + $100 = $820, over a budget of $800: at risk, exit 1. The 15th's
    # 6 hours were read as a whole day of $6: forecast $710.76, "ok", exit 0.
    export = _hourly_export(tmp_path / "cur.parquet", dt.datetime(2026, 4, 15, 6))
    budget = _budget(tmp_path, "monthly_usd: 800\n")
    code, out, err = run("budget", "--cur", export, "--budget", budget, "--format", "json")
    assert "runs through 2026-04-15 06:00" in err
    row = json.loads(out)["budgets"][0]
    assert row["actual"] == pytest.approx(442.0, abs=0.005)
    assert row["forecast"] == pytest.approx(820.0, abs=1.0)
    assert row["status"] == "at risk"
    assert code == 1


def test_a_month_s_first_day_cut_short_has_no_month_end_forecast(tmp_path):
    # through 2026-04-01 06:00: April has no whole day to forecast it from, and 6 hours read as
    # a day of $6 gave $625.43 for a month of 30 x $24 + $100 = $820 ("ok" against $800):
    # unknown (exit 1) rather than a wrong number; so far 6 x $1 + $100 = $106
    export = _hourly_export(tmp_path / "cur.parquet", dt.datetime(2026, 4, 1, 6))
    budget = _budget(tmp_path, "monthly_usd: 800\n")
    code, out, _err = run("budget", "--cur", export, "--budget", budget, "--format", "json")
    row = json.loads(out)["budgets"][0]
    assert row["actual"] == pytest.approx(106.0, abs=0.005)
    assert row["forecast"] is None
    assert row["status"] == "unknown"
    assert code == 1


def test_forecast_s_month_end_from_a_last_day_cut_short_is_not_a_day_of_low_spend(tmp_path):
    # the same export through 2026-04-15 06:00, read by `costmodel forecast`: April so far
    # 14 x 24 x $1 + 6 x $1 + $100 = $442, its end 30 x $24 + $100 = $820 (was $710.76)
    export = _hourly_export(tmp_path / "cur.parquet", dt.datetime(2026, 4, 15, 6))
    code, out, err = run("forecast", "--cur", export, "--months", "1", "--format", "json")
    assert code == 0, err
    april = json.loads(out)["forecast"][0]
    assert april["month"] == "2026-04" and april["in_progress"] is True
    assert april["expected"] == pytest.approx(820.0, abs=1.0)
    assert any("the line items end at 2026-04-15 06:00" in note for note in json.loads(out)["notes"])


def test_forecast_of_a_month_cut_inside_its_first_day_is_of_the_whole_month(tmp_path):
    # through 2026-04-01 06:00: no whole April day to forecast its end from; April is then
    # forecast whole, day by day from the days before it: 30 x $24 + $100 = $820, never from
    # a $6 day (30 x $6 + $100 = $280); so far $106 (6 x $1 + $100)
    export = _hourly_export(tmp_path / "cur.parquet", dt.datetime(2026, 4, 1, 6))
    code, out, err = run("forecast", "--cur", export, "--months", "1", "--format", "json")
    assert code == 0, err
    april = json.loads(out)["forecast"][0]
    assert april["month"] == "2026-04"
    assert april["expected"] == pytest.approx(820.0, abs=1.0)
    assert any("inside the month's first day" in note for note in json.loads(out)["notes"])
