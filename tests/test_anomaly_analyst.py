"""A FinOps analyst's daily Cost Explorer files against `costmodel anomalies` (tester
session 33). Inputs from tests/analyst_bills.py (written from the GetCostAndUsage
reference); expected figures are hand sums shown beside them."""

import datetime as dt
import json

from tests.analyst_bills import EC2, RDS, SUPPORT, ce_response
from tests.test_trust import run

NEW_FEE = "HeavyUsage:db.r5.large"


def _steady(day):
    """EC2 $220 on weekdays, $200 at weekends; RDS $120 a day; Support $300 on each 1st."""
    cost = {
        (EC2, "BoxUsage:m5.large"): 200.0 + (20.0 if day.weekday() < 5 else 0.0),
        (RDS, "InstanceUsage:db.r5.large"): 120.0,
    }
    if day.day == 1:
        cost[(SUPPORT, "Dollar")] = 300.0
    return cost


def _with_a_new_fee(day):
    # a new $2,000 charge on 1 October 2026, never billed before (an RI bought all-upfront
    # under its fee's usage type, a Marketplace subscription): Cost Anomaly Detection alerts
    cost = _steady(day)
    if day == dt.date(2026, 10, 1):
        cost[(RDS, NEW_FEE)] = 2000.0
    return cost


def _events(tmp_path, cost_of, *argv):
    path = tmp_path / "ce.json"
    path.write_text(
        json.dumps(ce_response(cost_of, "2026-01-01", "2026-10-20", group_by=("SERVICE", "USAGE_TYPE")))
    )
    code, out, err = run("anomalies", "--actuals", path, "--format", "json", *argv)
    assert code == 0, err
    return json.loads(out)["events"]


def test_a_charge_billed_on_the_first_for_the_first_time_is_an_anomaly(tmp_path):
    # nine months at $0, then $2,000 on 1 October: $2,000 over its usual $0; the service's
    # expected day is RDS's $120, so the impact is 2,000 / 120 = 1,666.7 %
    (event,) = _events(tmp_path, _with_a_new_fee)
    assert event["start"] == event["end"] == "2026-10-01"
    assert abs(event["total_impact"] - 2000) < 0.01 and abs(event["impact_pct"] - 2000 / 120 * 100) < 0.1
    assert event["root_causes"][0]["usage_type"] == NEW_FEE


def test_a_daily_job_on_the_2nd_alerts_on_the_new_charge(tmp_path):
    (event,) = _events(tmp_path, _with_a_new_fee, "--as-of", "2026-10-02")
    assert event["new"] is True and abs(event["total_impact"] - 2000) < 0.01


def test_a_steady_bill_with_its_monthly_support_fee_has_no_anomaly(tmp_path):
    # the control: Support's $300 on every 1st is its usual amount
    assert _events(tmp_path, _steady) == []


def test_a_file_grouped_by_linked_account_names_the_account_in_the_root_cause(tmp_path):
    # EC2 $300/day in account A and $200/day in account B; on 14 Oct B bills $1,200: an event
    # of $1,200 - $200 = $1,000 whose root cause is account B (A's days are all usual)
    def cost(day):
        b = 1200.0 if day == dt.date(2026, 10, 14) else 200.0
        return {(EC2, "111111111111"): 300.0, (EC2, "222222222222"): b}

    path = tmp_path / "ce.json"
    path.write_text(
        json.dumps(ce_response(cost, "2026-06-01", "2026-10-20", group_by=("SERVICE", "LINKED_ACCOUNT")))
    )
    code, out, err = run("anomalies", "--actuals", path, "--format", "json")
    assert code == 0, err
    (event,) = json.loads(out)["events"]
    assert event["start"] == event["end"] == "2026-10-14" and abs(event["total_impact"] - 1000) < 0.01
    (cause,) = event["root_causes"]
    assert cause["account"] == "222222222222" and cause["service"] == EC2
