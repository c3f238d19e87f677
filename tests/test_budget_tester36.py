"""Session 36: an independent tester's questions on AWS Budgets semantics, on the bills of
tests/budget_bills.py (written from the AWS specifications). Every expected figure is a hand
sum of that module's per-day amounts; February 2026 (28 days), unblended:

whole bill  EC2 10 x 28 = 280, SP fee 3 x 28 = 84, RI fee 4 x 28 = 112, support 100, tax 30,
            credit -50 (EC2, 15 February): 556
EC2         280 - 50 = 230 (Cost Explorer's SERVICE holds its credit)
RDS         RI fee 112 (its usage is covered by the RI: $0 unblended)
"""

import json

import pandas as pd
import pytest

from tests import budget_bills
from tests.test_budget_aws import MONTHS, _cur2
from tests.test_trust import refused, run

RDS, EC2 = budget_bills.RDS, budget_bills.EC2


def _budget(tmp_path, text):
    path = tmp_path / "budget.yaml"
    path.write_text(text)
    return path


def _json(*argv):
    code, out, err = run("budget", *argv, "--format", "json")
    assert "Traceback" not in err, err
    return code, json.loads(out)


@pytest.fixture
def monthly(tmp_path):
    return budget_bills.write_cost_explorer(tmp_path / "ce-monthly.json", MONTHS)


def _levels(row):
    return [(t["amount"], t["crossed"]) for t in row["thresholds"]]


# ------------------------------------------------------------------ 1. thresholds per budget
def test_a_file_level_usd_threshold_is_the_whole_bills_not_every_scoped_budgets(tmp_path, monthly):
    # AWS Budgets gives each budget its own notifications. A $100 alert written beside the
    # $600 bill budget was also applied to the $150 RDS budget: "threshold crossed: Amazon
    # Relational Database Service: actual > $100.00", an alert nobody set on RDS.
    # The whole bill: 556 > $100 and 556 > 50 % of 600 = 300, both crossed. RDS keeps the
    # relative threshold, 50 % of 150 = 75: 112 > 75, crossed; no $100 one.
    text = f"monthly_usd: 600\nthresholds: [{{on: actual, usd: 100}}, {{on: actual, pct: 50}}]\nby_service: {{{RDS}: 150}}\n"
    _code, out = _json("--budget", _budget(tmp_path, text), "--actuals", monthly, "--month", "2026-02")
    total, rds = out["budgets"]
    assert (total["actual"], rds["actual"]) == pytest.approx((556.0, 112.0), abs=0.005)
    assert _levels(total) == [(100.0, True), (300.0, True)]
    assert _levels(rds) == [(75.0, True)] and rds["alerts"] == "actual > 50%"
    # and the text says so, since the $100 once applied to every budget
    _code, text_out, _err = run(
        "budget", "--budget", _budget(tmp_path, text), "--actuals", monthly, "--month", "2026-02"
    )
    assert "note: the file's thresholds in dollars (actual > $100.00) are the whole bill's" in text_out
    assert f"threshold crossed: {RDS}: actual > 50%" in text_out


def test_a_scoped_budget_can_have_thresholds_of_its_own(tmp_path, monthly):
    # it was refused ("by_service must map names to amounts"). RDS's own thresholds replace
    # the file's: 70 % of 150 = 105, crossed by 112; forecast (a complete month: 112) over
    # $120, not crossed. EC2 keeps the file's 90 %: 90 % of 400 = 360, 230 is below. The bill:
    # 90 % of 600 = 540, crossed by 556.
    text = (
        "monthly_usd: 600\nthresholds: [{on: actual, pct: 90}]\nby_service:\n"
        f"  {RDS}: {{amount_usd: 150, thresholds: [{{on: actual, pct: 70}}, {{on: forecast, usd: 120}}]}}\n"
        f"  {EC2}: 400\n"
    )
    code, out = _json("--budget", _budget(tmp_path, text), "--actuals", monthly, "--month", "2026-02")
    total, rds, ec2 = out["budgets"]
    assert [b["budget"] for b in out["budgets"]] == [600.0, 150.0, 400.0]
    assert [b["actual"] for b in out["budgets"]] == pytest.approx([556.0, 112.0, 230.0], abs=0.005)
    assert _levels(total) == [(540.0, True)]
    assert _levels(rds) == [(105.0, True), (120.0, False)] and rds["alerts"] == "actual > 70%"
    assert _levels(ec2) == [(360.0, False)] and ec2["alerts"] == ""
    assert rds["status"] == "ok" and code == 1  # thresholds crossed: a scheduled job acts


def test_an_empty_list_leaves_a_scoped_budget_without_the_files_thresholds(tmp_path, monthly):
    # RDS 112 against 50 % of 150 = 75 would alert; its own empty list says no alert for it;
    # the bill, 556 against 50 % of 1,000 = 500, still alerts
    text = f"monthly_usd: 1000\nalert_pct: [50]\nby_service: {{{RDS}: {{amount_usd: 150, thresholds: []}}}}\n"
    _code, out = _json("--budget", _budget(tmp_path, text), "--actuals", monthly, "--month", "2026-02")
    total, rds = out["budgets"]
    assert _levels(total) == [(500.0, True)] and rds["thresholds"] == [] and rds["alerts"] == ""


def test_a_tag_budget_with_thresholds_of_its_own_from_line_items(tmp_path):
    # team=web in February, unblended: EC2 on demand 10 x 28 = 280 (the SP-covered 5 and its
    # -5 negation net to 0): over its own $250, not over its $300 budget
    text = (
        "monthly_usd: 1000\nthresholds: [{on: actual, usd: 900}]\n"
        "by_tag: {team: {web: {amount_usd: 300, thresholds: [{on: actual, usd: 250}]}}}\n"
    )
    _code, out = _json("--budget", _budget(tmp_path, text), "--cur", _cur2(tmp_path), "--month", "2026-02")
    total, web = out["budgets"]
    assert web["actual"] == pytest.approx(280.0, abs=0.005)
    assert _levels(web) == [(250.0, True)] and _levels(total) == [(900.0, False)]


@pytest.mark.parametrize(
    ("scoped", "message"),
    [
        ("{amount: 150}", "by_service.Amazon Relational Database Service: unknown key 'amount'"),
        ("{thresholds: []}", "by_service.Amazon Relational Database Service: amount_usd is required"),
        (
            "{amount_usd: 150, thresholds: [{on: actual}]}",
            "by_service.Amazon Relational Database Service: thresholds item 1: give pct",
        ),
    ],
)
def test_a_scoped_budget_mapping_is_checked_in_one_line(tmp_path, monthly, scoped, message):
    text = f"monthly_usd: 600\nby_service: {{{RDS}: {scoped}}}\n"
    err = refused("budget", "--budget", _budget(tmp_path, text), "--actuals", monthly)
    assert "budget.yaml" in err and message in err


# ----------------------------------------------------------- 2. usage type budgets and credits
def test_a_usage_type_budget_says_it_counts_no_credit(tmp_path, monthly):
    # Cost Explorer bills a credit by service (RECORD_TYPE Credit, no usage type); line items
    # are read the same way. The BoxUsage:m5.large budget counts EC2's usage, 10 x 28 = 280,
    # not its -50 credit; the EC2 service budget counts it: 230. It said nothing of the -$50.
    text = f"monthly_usd: 600\nby_service: {{{EC2}: 300}}\nby_usage_type: {{BoxUsage:m5.large: 300}}\n"
    for bill in (("--actuals", monthly), ("--cur", _cur2(tmp_path))):
        code, out, err = run("budget", "--budget", _budget(tmp_path, text), *bill, "--month", "2026-02")
        # 556 <= 600, 230 <= 300, 280 <= 300: every budget ok, no threshold: a note, not an alarm
        assert code == 0 and "Traceback" not in err, err
        assert "by_usage_type BoxUsage:m5.large counts no credit or refund" in out
        assert f"{EC2} had -$50.00 of them in 2026-02" in out
        _code, data = _json("--budget", _budget(tmp_path, text), *bill, "--month", "2026-02")
        service, usage = data["budgets"][1:]
        assert (service["actual"], usage["actual"]) == pytest.approx((230.0, 280.0), abs=0.005)
        assert usage["credits_left_out"] == pytest.approx(-50.0, abs=0.005)
        assert service["credits_left_out"] is None  # a service budget keeps its credits


# --------------------------------------------------------------------------- 3. discounts
def _cur2_with_an_edp_discount(tmp_path):
    """The bill's CUR 2.0 with an EdpDiscount line item of -1 a day on EC2 (account A)."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = budget_bills.cur2_rows(MONTHS)
    for day in range(1, 29):
        start = dt.datetime(2026, 2, day)
        rows.append(
            budget_bills._row(
                start,
                start + dt.timedelta(days=1),
                budget_bills.ACCOUNT_A,
                "EdpDiscount",
                *budget_bills.EC2_PRODUCT,
                budget_bills.EC2_USAGE,
                -1,
            )
        )
    frame = pd.DataFrame(rows)
    tags = pa.array([list(t.items()) for t in frame.pop("resource_tags")], pa.map_(pa.string(), pa.string()))
    table = pa.Table.from_pandas(frame, preserve_index=False).append_column("resource_tags", tags)
    pq.write_table(table, tmp_path / "cur2-edp.parquet")
    return tmp_path / "cur2-edp.parquet"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # February with the EDP discount: 556 - 28 = 528; without it, 556
        ("monthly_usd: 1000\n", 528.0),
        ("monthly_usd: 1000\ninclude: {discounts: false}\n", 556.0),
        # amortized 612 - 28 = 584 with it; 612 without
        ("monthly_usd: 1000\ncost_type: amortized\n", 584.0),
        ("monthly_usd: 1000\ncost_type: amortized\ninclude: {discounts: false}\n", 612.0),
    ],
)
def test_aws_budgets_discounts_option_leaves_out_discount_line_items(tmp_path, text, expected):
    # AWS Budgets CostTypes IncludeDiscount; it was refused as an unknown include key
    path = _cur2_with_an_edp_discount(tmp_path)
    _code, out = _json("--budget", _budget(tmp_path, text), "--cur", path, "--month", "2026-02")
    assert out["budgets"][0]["actual"] == pytest.approx(expected, abs=0.005)
    assert out["include"]["discounts"] is ("discounts: false" not in text)


def test_discounts_are_left_out_of_a_cost_explorer_file_grouped_by_record_type(tmp_path):
    # February by RECORD_TYPE and SERVICE: Usage 280 + 100, RIFee 112, SP fee 84, Tax 30,
    # Credit -50, EdpDiscount -28: 528; without the discount 556
    groups = [
        (["Usage", EC2], 280),
        (["Usage", budget_bills.SUPPORT], 100),
        (["RIFee", RDS], 112),
        (["SavingsPlanRecurringFee", budget_bills.SP_SERVICE], 84),
        (["Tax", "Tax"], 30),
        (["Credit", EC2], -50),
        (["EdpDiscount", EC2], -28),
    ]
    path = budget_bills.write_february_by_record_type(tmp_path / "ce.json", groups)
    for text, expected in (("", 528.0), ("include: {discounts: false}\n", 556.0)):
        _code, out = _json("--budget", _budget(tmp_path, "monthly_usd: 1000\n" + text), "--actuals", path)
        assert out["budgets"][0]["actual"] == pytest.approx(expected, abs=0.005)


def test_discounts_false_is_refused_where_the_file_cannot_tell_them(tmp_path, monthly):
    text = _budget(tmp_path, "monthly_usd: 1000\ninclude: {discounts: false}\n")
    # fetch-actuals' file groups usage by SERVICE and USAGE_TYPE: a discount is netted there
    err = refused("budget", "--budget", text, "--actuals", monthly)
    assert "discounts: false" in err and "RECORD_TYPE" in err
    # FOCUS has no discount charge category
    path = tmp_path / "focus.csv"
    pd.DataFrame(budget_bills.focus_rows(MONTHS)).to_csv(path, index=False)
    err = refused("budget", "--budget", text, "--focus", path)
    assert "discounts" in err and "FOCUS" in err
    # net amortized cost is after discounts by definition
    net = _budget(tmp_path, "monthly_usd: 1000\ncost_type: net_amortized\ninclude: {discounts: false}\n")
    err = refused("budget", "--budget", net, "--cur", _cur2(tmp_path))
    assert "net_amortized" in err and "discounts: false" in err
