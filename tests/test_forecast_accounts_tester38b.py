"""Session 38, a second independent tester: an account that leaves a monthly Cost Explorer file
grouped by SERVICE and LINKED_ACCOUNT while another account goes on billing the same service.
A service that stopped (billed in the months before, nothing in the last complete month) is
left out of the history the forecast follows; the rule keyed the bill by service alone, so an
account closed on a service another account still runs was read as a fall in that service,
carried on as a trend. Bill written here by hand; expected figures by hand in the comments."""

import datetime as dt
import itertools
import json

import pytest

from tests.account_bills import SERVICE_AND_ACCOUNT, save_ce_request
from tests.test_trust import refused, run

EC2 = "Amazon Elastic Compute Cloud - Compute"
MONTHS = [
    dt.date(2026, month, 1) for month in range(3, 12)
]  # March .. October, and November's 1st as the end
LEAVES = dt.date(2026, 10, 1)  # account 333333333333 bills nothing from October on


def _ce_monthly_by_account(tmp_path):
    """Cost Explorer monthly, grouped by SERVICE and LINKED_ACCOUNT: account 1 EC2 $500 a day
    every month, account 3 EC2 $200 a day until September."""
    results = []
    for start, end in itertools.pairwise(MONTHS):
        days = (end - start).days
        bill = [("111111111111", 500.0 * days)] + ([("333333333333", 200.0 * days)] if start < LEAVES else [])
        results.append(
            {
                "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
                "Total": {},
                "Groups": [
                    {
                        "Keys": [EC2, account],
                        "Metrics": {"UnblendedCost": {"Amount": f"{usd:.2f}", "Unit": "USD"}},
                    }
                    for account, usd in bill
                ],
                "Estimated": False,
            }
        )
    return save_ce_request(
        tmp_path / "ce-monthly-by-account.json",
        "MONTHLY",
        MONTHS[0],
        MONTHS[-1],
        SERVICE_AND_ACCOUNT,
        results,
    )


def test_an_account_that_left_a_service_another_account_runs_is_left_out_of_a_monthly_history(tmp_path):
    # What runs since October: account 1's $500 a day. November: 30 x $500 = $15,000.00;
    # December: 31 x $500 = $15,500.00. Before: $15,676.64 and $15,687.64 (exit 0), account 3's
    # $6,000-$6,200 a month until September read as part of EC2's history, its end as a fall.
    code, out, err = run(
        "forecast", "--actuals", _ce_monthly_by_account(tmp_path), "--months", "2", "--format", "json"
    )
    assert code == 0, err
    payload = json.loads(out)
    assert [row["expected"] for row in payload["forecast"]] == pytest.approx([15000.0, 15500.0], abs=0.01)
    assert any("333333333333" in note and "stopped" in note for note in payload["notes"])


def test_a_budget_by_account_on_a_file_grouped_by_linked_account_says_why_it_is_refused(tmp_path):
    # The file names accounts (grouped by LINKED_ACCOUNT); the refusal said it had "none of them"
    budget = tmp_path / "by-account.yaml"
    budget.write_text('monthly_usd: 20000\nby_account: {"111111111111": 16000}\n')
    err = refused("budget", "--budget", budget, "--actuals", _ce_monthly_by_account(tmp_path))
    assert "grouped by LINKED_ACCOUNT, which budgets do not read by account or region yet" in err
