"""A FinOps analyst's Cost Explorer files against `costmodel budget` (tester session 33).

Inputs from tests/analyst_bills.py (written from the GetCostAndUsage reference, not from
costmodel's simulator); every expected figure is a hand sum shown beside it."""

import datetime as dt
import json

import pytest

from tests.analyst_bills import EC2, RDS, ce_response
from tests.test_trust import refused, run


def _flat_ec2(day):
    return {(EC2,): 100.0}  # $100 every day


def _write(tmp_path, payload, name="ce.json"):
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    return path


def _budget(tmp_path, text):
    path = tmp_path / "budget.yaml"
    path.write_text(text)
    return path


def _without_day(payload, day):
    payload["ResultsByTime"] = [r for r in payload["ResultsByTime"] if r["TimePeriod"]["Start"] != day]
    return payload


def test_a_daily_file_flat_at_100_a_day_reads_as_hand_sums(tmp_path):
    # the control: 1..14 October at $100 = $1,400 so far; 31 days x $100 = $3,100 forecast
    ce = ce_response(_flat_ec2, "2026-06-01", "2026-10-15", estimated_from="2026-10-01")
    budget = _budget(tmp_path, "monthly_usd: 4000\n")
    code, out, _ = run("budget", "--budget", budget, "--actuals", _write(tmp_path, ce), "--format", "json")
    (total,) = json.loads(out)["budgets"]
    assert code == 0 and abs(total["actual"] - 1400) < 0.01 and abs(total["forecast"] - 3100) < 0.01


@pytest.mark.parametrize(
    ("lost", "budget_text"),
    [
        # 5 October lost (a page not saved): October's actual read $1,300 for the true $1,400
        # (14 x 100), its forecast $2,975.91 for $3,100 (31 x 100), exit 0 ("ok")
        ("2026-10-05", "monthly_usd: 4000\n"),
        # quarterly from February (Aug-Oct), 10 September lost: the quarter's actual read
        # Aug 3,100 + Sep 2,900 + Oct 1,400 = 7,400 for the true 7,500
        ("2026-09-10", "period: quarterly\nfiscal_year_start: 2\namount_usd: 10000\n"),
    ],
)
def test_a_day_missing_from_daily_data_is_refused_not_read_as_no_spend(tmp_path, lost, budget_text):
    ce = _without_day(ce_response(_flat_ec2, "2026-06-01", "2026-10-15", estimated_from="2026-10-01"), lost)
    err = refused("budget", "--budget", _budget(tmp_path, budget_text), "--actuals", _write(tmp_path, ce))
    assert lost in err and "gap" in err


def _three_accounts(day):
    """A: EC2 $100 a day (team=web, us-east-1) and tax $30 on each month's bill; B: EC2 $55
    a day (eu-west-1, untagged); C: S3 $1,000 a day in August 2026 only, then nothing."""
    items = [
        {"account": "111111111111", "product": "AmazonEC2", "usage_type": "BoxUsage:m5.large", "cost": 100.0,
         "region": "us-east-1", "tags": {"team": "web"}, "resource": "i-a"},
        {"account": "222222222222", "product": "AmazonEC2", "usage_type": "EUW1-BoxUsage:m5.large", "cost": 55.0,
         "region": "eu-west-1", "resource": "i-b"},
    ]  # fmt: skip
    if day.month == 8:
        items.append({"account": "333333333333", "product": "AmazonS3", "usage_type": "TimedStorage-ByteHrs",
                      "cost": 1000.0, "region": "us-east-1", "resource": "bucket"})  # fmt: skip
    if day.day == 1:
        items.append({"account": "111111111111", "type": "Tax", "product": "AmazonEC2", "usage_type": "",
                      "cost": 30.0, "whole_month": True})  # fmt: skip
    return items


def test_an_account_stopped_weeks_ago_is_not_forecast_to_bill_again(tmp_path):
    # line items 1 June .. 14 October; October's so far: A 14 x 100 + 30 = 1,430, B 14 x 55 = 770
    # Month end: A 31 x 100 + 30 = 3,130; B 31 x 55 = 1,705; C billed nothing for 45 days: 0.
    # The whole bill 3,130 + 1,705 = 4,835 under the $5,000 budget: ok. The daily model fitted
    # over the last 8 weeks (12 of August's $1,155 days in them) read $5,531.94 and C $696.58:
    # "at risk", exit 1, for a bill that is under budget.
    from tests.analyst_bills import cur2_rows, write_cur2_csv

    cur = tmp_path / "cur.csv"
    write_cur2_csv(cur, cur2_rows(_three_accounts, "2026-06-01", "2026-10-15"))
    budget = _budget(
        tmp_path, 'monthly_usd: 5000\nby_account:\n  "333333333333": 100\n  "111111111111": 3200\n'
    )
    code, out, _ = run("budget", "--budget", budget, "--cur", cur, "--format", "json")
    rows = {b["name"]: b for b in json.loads(out)["budgets"]}
    assert abs(rows["total bill"]["actual"] - 2200) < 0.01
    assert abs(rows["total bill"]["forecast"] - 4835) < 1, rows["total bill"]
    assert abs(rows["333333333333"]["forecast"]) < 0.01, rows["333333333333"]
    assert abs(rows["111111111111"]["forecast"] - 3130) < 1
    assert code == 0 and rows["total bill"]["status"] == "ok"


def test_credits_left_out_of_a_file_that_nets_them_in_each_service_is_refused(tmp_path):
    # `aws ce get-cost-and-usage --group-by Type=DIMENSION,Key=SERVICE`, no filter: a $20 daily
    # credit on $100 of EC2 is in EC2's $80 (Cost Explorer applies it to the service). With
    # include credits: false AWS Budgets counts $100 a day (30 x 100 = $3,000 for September);
    # the file cannot say so, and read $2,400 (30 x 80) as "credits left out", exit 0.
    ce = ce_response(lambda day: {(EC2,): 80.0}, "2026-06-01", "2026-10-01")
    for left_out in ("credits", "refunds"):
        budget = _budget(tmp_path, f"monthly_usd: 2500\ninclude: {{{left_out}: false}}\n")
        err = refused("budget", "--budget", budget, "--actuals", _write(tmp_path, ce))
        assert f"{left_out}: false" in err and "ce.json" in err and "RECORD_TYPE" in err


def test_an_account_id_with_a_leading_zero_unquoted_is_refused_with_the_reason(tmp_path):
    # YAML 1.1 reads 012345670123 (digits 0-7 after a 0) as octal: 1402433619, which the
    # line items never name; the old message said "by_account '1402433619' is not an account"
    budget = _budget(tmp_path, "monthly_usd: 5000\nby_account:\n  012345670123: 3000\n")
    err = refused("budget", "--budget", budget)
    assert "1402433619" in err and "quote account ids" in err


@pytest.mark.parametrize("group_by", [("SERVICE", "LINKED_ACCOUNT"), ("SERVICE",)])
def test_a_category_budget_on_a_file_without_usage_types_is_refused_not_read_as_0(tmp_path, group_by):
    # EC2 at $100/day in each of two accounts: October's EKS nodes cost 31 x $200 = $6,200, yet a
    # file grouped by SERVICE and LINKED_ACCOUNT has no usage type to tell them by; the budget of
    # $1,000 read $0.00 spent, "ok", before
    def cost(day):
        return {(EC2, "111111111111"): 100.0, (EC2, "222222222222"): 100.0}

    def by_service(day):
        return {(EC2,): 200.0}

    ce = ce_response(
        cost if len(group_by) == 2 else by_service, "2026-09-01", "2026-11-01", group_by=group_by
    )
    budget = _budget(tmp_path, "monthly_usd: 10000\nby_category:\n  EKS nodes: 1000\n")
    message = refused("budget", "--budget", budget, "--actuals", _write(tmp_path, ce), "--month", "2026-10")
    assert "budgets by category need each charge's usage type" in message
    assert ("LINKED_ACCOUNT" in message) == (len(group_by) == 2)
    # the whole bill alone needs no usage type: 31 x $200 = $6,200
    total = _budget(tmp_path, "monthly_usd: 10000\n")
    code, out, _ = run("budget", "--budget", total, "--actuals", _write(tmp_path, ce), "--format", "json")
    assert code == 0 and json.loads(out)["budgets"][0]["actual"] == pytest.approx(6200.0)


def _ec2_all_along_rds_from_august(day):
    # EC2 $100 every day; RDS $10 a day from 1 August 2026 (a database added mid-quarter)
    return {(EC2,): 100.0, **({(RDS,): 10.0} if day >= dt.date(2026, 8, 1) else {})}


def test_each_unknown_budget_says_why_even_when_another_is_over(tmp_path):
    # Daily June..August 2026, read at August (complete), the quarter July..September.
    # Total: July 31 x $100 + August 31 x ($100 + $10) = 3,100 + 3,410 = $6,510 > $5,000: over.
    # RDS: August 31 x $10 = $310, under its $1,000; September needs 3 complete months with
    # cost before it, RDS has 1 (August): its forecast is unknown. The reason was said only
    # when "unknown" was the file's worst status; with the total over, not at all.
    ce = ce_response(_ec2_all_along_rds_from_august, "2026-06-01", "2026-09-01")
    text = f"amount_usd: 5000\nperiod: quarterly\nby_service:\n  {RDS}: 1000\n"
    budget, actuals = _budget(tmp_path, text), _write(tmp_path, ce)
    code, out, _ = run("budget", "--budget", budget, "--actuals", actuals, "--format", "json")
    total, rds = json.loads(out)["budgets"]
    assert code == 1 and (total["status"], rds["status"]) == ("over", "unknown")
    assert abs(total["actual"] - 6510) < 0.01 and abs(rds["actual"] - 310) < 0.01
    assert total["unknown_reason"] is None
    assert "2026-08" in rds["unknown_reason"] and "1 complete month" in rds["unknown_reason"]
    code, out, _ = run("budget", "--budget", budget, "--actuals", actuals)
    assert code == 1 and f"forecast unknown: {RDS}: " in out and "began billing in 2026-08" in out


HEAVY = "HeavyUsage:db.r5.large"


def _reservation_bought_in_may(amortized):
    """A monthly SERVICE x USAGE_TYPE response, January..June 2026: EC2 $10 a day all along; an
    RDS reservation bought on 1 May, its fee's usage type listed at $0 from January, from May
    $4 a day unblended (the recurring fee) and $6 amortized (4 + its upfront spread, 2)."""

    def cost_of(day):
        bought = day >= dt.date(2026, 5, 1)
        fee = (6.0 if amortized else 4.0) if bought else 0.0
        return {(EC2, "BoxUsage:m5.large"): 10.0, (RDS, HEAVY): fee}

    return ce_response(
        cost_of, "2026-01-01", "2026-07-01", granularity="MONTHLY", group_by=("SERVICE", "USAGE_TYPE")
    )


def test_a_scope_that_began_billing_mid_year_is_said_to_have_begun_not_a_short_history(tmp_path):
    # Amortized, read at May, the quarter April..June. The reservation's usage type: May
    # 31 x $6 = $186, under $1,000; June needs 3 complete months with cost before it and the
    # scope has 1 (May): unknown. Its $0 months January..April are no history of it (dropped
    # as before its first cost), so the reason is that it began billing in May, not that the
    # file's history (January..May, five months) is too short.
    ce = _reservation_bought_in_may(amortized=False)
    amortized = _reservation_bought_in_may(amortized=True)
    for bucket, other in zip(ce["ResultsByTime"], amortized["ResultsByTime"], strict=True):
        for group, twin in zip(bucket["Groups"], other["Groups"], strict=True):
            group["Metrics"]["AmortizedCost"] = twin["Metrics"]["UnblendedCost"]
    text = f"amount_usd: 100000\nperiod: quarterly\ncost_type: amortized\nby_usage_type:\n  {HEAVY}: 1000\n"
    budget, actuals = _budget(tmp_path, text), _write(tmp_path, ce)
    argv = ("budget", "--budget", budget, "--actuals", actuals, "--month", "2026-05")
    code, out, _ = run(*argv, "--format", "json")
    heavy = json.loads(out)["budgets"][1]
    assert code == 1 and heavy["status"] == "unknown" and abs(heavy["actual"] - 186) < 0.01
    assert "began billing in 2026-05" in heavy["unknown_reason"]
    assert "1 complete month with cost before 2026-06" in heavy["unknown_reason"]
    code, out, _ = run(*argv)
    assert code == 1 and f"forecast unknown: {HEAVY}: it began billing in 2026-05" in out
    assert "too short" not in out and "give daily data" not in out


def test_a_usage_type_budget_on_a_file_without_usage_types_says_the_file_gives_none(tmp_path):
    # a file grouped by SERVICE alone has no usage type at all: "BoxUsage:m5.large is not a
    # usage type on the bill" sent the analyst to check the spelling; the file is what lacks it
    ce = ce_response(lambda day: {(EC2,): 200.0}, "2026-09-01", "2026-11-01", group_by=("SERVICE",))
    budget = _budget(tmp_path, "monthly_usd: 10000\nby_usage_type:\n  BoxUsage:m5.large: 1000\n")
    message = refused("budget", "--budget", budget, "--actuals", _write(tmp_path, ce), "--month", "2026-10")
    assert "the file gives no usage types" in message and "USAGE_TYPE" in message
