"""Session 38, an independent tester: a linked account joining the bill in the last weeks of
daily data. The calendar candidate carried a usage type begun in the last 4 weeks at its
level since (session 34), but it keyed the bill's series by service and usage type alone:
an account billing a service (Cost Explorer grouped by SERVICE and LINKED_ACCOUNT) or a
usage type (line items) that another account billed all along was no series of its own,
so it was taken at its share of the weekday medians (none of it 6 days after it began).
Bills written here by hand; expected figures by hand in the comments."""

import datetime as dt
import json

import pytest

from tests.account_bills import SERVICE_AND_ACCOUNT, cur2_day_row, save_ce_request, write_cur2_csv
from tests.test_trust import run

EC2 = "Amazon Elastic Compute Cloud - Compute"
RDS = "Amazon Relational Database Service"
FIRST, END = dt.date(2026, 7, 1), dt.date(2026, 11, 1)  # data 1 July .. 31 October 2026
JOINS = dt.date(2026, 10, 20)  # account 222222222222 bills EC2 from here: 12 days to the end


def _days(first: dt.date, end: dt.date):
    day = first
    while day < end:
        yield day
        day += dt.timedelta(days=1)


def _bill(day: dt.date) -> list[tuple[str, str, float]]:
    """(service, account, USD) of a day: account 1 EC2 $500 and RDS $100 every day, account 2
    EC2 $300 from JOINS."""
    rows = [(EC2, "111111111111", 500.0), (RDS, "111111111111", 100.0)]
    return rows + ([(EC2, "222222222222", 300.0)] if day >= JOINS else [])


def _ce_by_account(tmp_path):
    """Cost Explorer daily, grouped by SERVICE and LINKED_ACCOUNT, one saved request."""
    results = [
        {
            "TimePeriod": {"Start": day.isoformat(), "End": (day + dt.timedelta(days=1)).isoformat()},
            "Total": {},
            "Groups": [
                {
                    "Keys": [service, account],
                    "Metrics": {"UnblendedCost": {"Amount": f"{usd:.2f}", "Unit": "USD"}},
                }
                for service, account, usd in _bill(day)
            ],
            "Estimated": False,
        }
        for day in _days(FIRST, END)
    ]
    return save_ce_request(
        tmp_path / "ce-daily-by-account.json", "DAILY", FIRST, END, SERVICE_AND_ACCOUNT, results
    )


def test_an_account_joining_a_cost_explorer_file_by_account_is_forecast_at_its_level(tmp_path):
    # What runs at the data's end: $500 + $100 + $300 = $900 a day. November 2026: 30 x $900
    # = $27,000.00; December: 31 x $900 = $27,900.00. Before: $19,800.00 and $20,850.00, the
    # new account on 12 of the 28 days of the weekday medians (on one or two of each
    # weekday's four), an 80% interval ($17,344 .. $22,256) that excluded what runs.
    code, out, err = run(
        "forecast", "--actuals", _ce_by_account(tmp_path), "--months", "2", "--format", "json"
    )
    assert code == 0, err
    payload = json.loads(out)
    assert [row["expected"] for row in payload["forecast"]] == pytest.approx([27000.0, 27900.0], abs=0.01)
    assert any("222222222222" in note and "began billing on 2026-10-20" in note for note in payload["notes"])


def _cur2_csv(tmp_path):
    """CUR 2.0 (CSV) by day to 25 October 2026: the same bill, every EC2 line item of the
    usage type BoxUsage:c5.2xlarge, the joining account's too."""
    rows = []
    for day in _days(FIRST, dt.date(2026, 10, 26)):
        for number, (service, account, usd) in enumerate(_bill(day)):
            code, usage_type = (
                ("AmazonEC2", "BoxUsage:c5.2xlarge")
                if service == EC2
                else ("AmazonRDS", "InstanceUsage:db.r5.large")
            )
            rows.append(
                cur2_day_row(
                    f"{day}-{number}", account, day, code, usage_type, f"i-{account}-{code}", 24, usd
                )
            )
    return write_cur2_csv(tmp_path / "cur2.csv", rows)


def test_line_items_forecast_an_account_joining_on_a_usage_type_billed_all_along(tmp_path):
    # Line items to 25 October 2026; account 2 bills BoxUsage:c5.2xlarge, as account 1 does,
    # from 20 October. November 30 x $900 = $27,000.00, December 31 x $900 = $27,900.00
    # (before: $18,000.00 and $18,600.00, the joining account read as part of account 1's
    # usage type). The quarter October..December: October 31 x $600 + 12 x $300 =
    # $22,200.00 (its month end from the daily model, ETS: within $300) + $27,000.00 +
    # $27,900.00 = $77,100.00, over a $70,000 budget: at risk (before: ok, $58,872.82).
    export = _cur2_csv(tmp_path)
    code, out, err = run("forecast", "--cur", export, "--months", "3", "--format", "json")
    assert code == 0, err
    ahead = {row["month"]: row["expected"] for row in json.loads(out)["forecast"]}
    assert [ahead["2026-11"], ahead["2026-12"]] == pytest.approx([27000.0, 27900.0], abs=0.01)
    budget = tmp_path / "bill-only.yaml"
    budget.write_text("amount_usd: 70000\nperiod: quarterly\nfiscal_year_start: 1\n")
    code, out, err = run("budget", "--cur", export, "--budget", budget, "--format", "json")
    total = json.loads(out)["budgets"][0]
    assert (total["status"], code) == ("at risk", 1), (total, err)
    assert total["forecast"] == pytest.approx(77100.0, abs=300.0)
