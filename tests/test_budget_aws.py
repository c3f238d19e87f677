"""`costmodel budget` against what AWS Budgets would report, on bills written from the AWS
specifications by tests/budget_bills.py (not by costmodel's simulator). Every expected figure
is a hand sum of that module's per-day amounts (see its docstring):

month      days  unblended                                amortized                     net amortized
2026-01    31    310 + 93 + (124 + 730) + 100 + 30 = 1387  403 + 186 + 100 + 30 = 719    719 - 31 = 688
2026-02    28    280 + 84 + 112 + 100 + 30 - 50 = 556      364 + 168 + 100 + 30 - 50 = 612  612 - 28 = 584
2026-03    31    310 + 93 + 124 + 100 + 30 - 20 = 637      403 + 186 + 100 + 30 - 20 = 699  699 - 31 = 668
"""

import datetime as dt
import json

import pytest

from tests import budget_bills
from tests.test_trust import refused, run

MONTHS = ["2026-01", "2026-02", "2026-03"]


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


@pytest.mark.parametrize(
    ("text", "month", "actual"),
    [
        ("monthly_usd: 600\n", "2026-02", 556.0),
        ("monthly_usd: 600\ncost_type: amortized\n", "2026-02", 612.0),
        ("monthly_usd: 600\ncost_type: net_amortized\n", "2026-02", 584.0),
        # the quarter: 1387 + 556 + 637 = 2580
        ("amount_usd: 2500\nperiod: quarterly\n", "2026-03", 2580.0),
        # amortized 719 + 612 + 699 = 2030; + 50 credit + 20 refund - 3 x 30 tax - 3 x 100 support
        (
            "amount_usd: 2500\nperiod: quarterly\ncost_type: amortized\n"
            "include: {credits: false, refunds: false, tax: false, support: false}\n",
            "2026-03",
            1710.0,
        ),
    ],
)
def test_cost_types_and_what_is_included_are_aws_budgets_sums(tmp_path, monthly, text, month, actual):
    code, out = _json("--budget", _budget(tmp_path, text), "--actuals", monthly, "--month", month)
    assert out["budgets"][0]["actual"] == pytest.approx(actual, abs=0.005)
    assert out["budgets"][0]["forecast"] == pytest.approx(actual, abs=0.005)  # complete months
    assert code == (1 if actual > 600 * (3 if "quarterly" in text else 1) else 0)


def test_a_quarter_forecast_from_a_monthly_file_is_the_forecast_commands(tmp_path, monthly):
    # Quarter February..April (fiscal year from February), read at March, the file's last
    # month: actual 556 + 637 = 1,193. April as `costmodel forecast` gives it by default:
    # "same as last month", March before its -20 refund, 657 / 31 x 30 = 635.81, so 1,828.81
    # (the true April: 10 + 3 + 4 a day x 30 + 100 + 30 = 640). It said 1,475.58: asked for one
    # month only, the forecast kept the drift through January's 730 upfront fee (April
    # $282.58), which the default three months turn down as it goes below $0 in May.
    text = "amount_usd: 2500\nperiod: quarterly\nfiscal_year_start: 2\n"
    _code, out = _json("--budget", _budget(tmp_path, text), "--actuals", monthly)
    assert out["budgets"][0]["actual"] == pytest.approx(1193.0, abs=0.005)
    assert out["budgets"][0]["forecast"] == pytest.approx(1193.0 + 657 / 31 * 30, abs=0.01)
    _code, ahead, _err = run("forecast", "--actuals", monthly, "--format", "json")
    april = next(row for row in json.loads(ahead)["forecast"] if row["month"] == "2026-04")
    assert out["budgets"][0]["forecast"] == pytest.approx(1193.0 + april["expected"], abs=0.01)


def test_a_month_in_progress_in_daily_data_is_forecast_to_its_true_end(tmp_path):
    # data through 14 March: unblended so far 140 EC2 + 42 SP fee + 124 RI fee + 100 support
    # + 30 tax - 20 refund = 416, the month's end 637; amortized so far 182 + 84 + 100 + 30 -
    # 20 = 376, the end 699; RDS amortized 14 x 6 - 20 = 64, the end 186 - 20 = 166.
    daily = budget_bills.write_cost_explorer(
        tmp_path / "ce-daily.json", MONTHS, "DAILY", through=dt.date(2026, 3, 14)
    )
    for cost_type, actual, end, rds_actual, rds_end in (
        ("unblended", 416.0, 637.0, 104.0, 104.0),
        ("amortized", 376.0, 699.0, 64.0, 166.0),
    ):
        text = f"monthly_usd: 700\ncost_type: {cost_type}\nby_service:\n  {budget_bills.RDS}: 200\n"
        _code, out = _json("--budget", _budget(tmp_path, text), "--actuals", daily)
        total, rds = out["budgets"]
        assert (total["actual"], rds["actual"]) == pytest.approx((actual, rds_actual), abs=0.005)
        assert (total["forecast"], rds["forecast"]) == pytest.approx((end, rds_end), abs=1.0)


def test_line_item_budgets_by_account_and_tag_follow_the_cost_type(tmp_path):
    cur2 = _cur2(tmp_path)
    text = (
        "monthly_usd: 1000\nby_account: {'111111111111': 500, '222222222222': 100}\n"
        "by_tag: {team: {web: 400, data: 100}}\ncost_type: "
    )
    # February. Account A: EC2 280 + SP-covered 140 - 140 negated + SP fee 84 - 50 credit + 30
    # tax + 100 support = 444 either way (SP effective 84 amortized, its fee 0). Account B:
    # RIFee 112 unblended, RI effective cost 6 x 28 = 168 amortized. team=web: 280 unblended
    # (the SP fee carries no resource tag), 280 + 84 = 364 amortized; team=data: 0 unblended
    # (RI-covered usage is $0 unblended), 168 amortized.
    for cost_type, expected in (
        ("unblended", [556, 444, 112, 280, 0]),
        ("amortized", [612, 444, 168, 364, 168]),
    ):
        path = _budget(tmp_path, text + cost_type + "\n")
        _code, out = _json("--budget", path, "--cur", cur2, "--month", "2026-02")
        assert [b["actual"] for b in out["budgets"]] == pytest.approx(expected, abs=0.005)


def test_a_usage_type_budget_with_a_region_prefix_counts_that_region_only(tmp_path):
    # the bill also runs m5.large in us-west-2: USW2-BoxUsage:m5.large, $1,000 a month
    bill = budget_bills.cost_explorer_file(MONTHS)
    for usage, total in zip(
        bill["requests"][0]["pages"][0]["ResultsByTime"],
        bill["requests"][2]["pages"][0]["ResultsByTime"],
        strict=True,
    ):
        usage["Groups"].append(
            {
                "Keys": [budget_bills.EC2, "USW2-BoxUsage:m5.large"],
                "Metrics": budget_bills._metrics(1000, 1000, 1000),
            }
        )
        for metric in total["Total"].values():
            metric["Amount"] = str(float(metric["Amount"]) + 1000)
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(bill))
    text = "monthly_usd: 5000\nby_usage_type:\n  USW2-BoxUsage:m5.large: 1100\n  USE1-BoxUsage:m5.large: 300\n  BoxUsage:m5.large: 1300\n"
    code, out = _json("--budget", _budget(tmp_path, text), "--actuals", path, "--month", "2026-02")
    # February: us-west-2's 1,000 alone (it said 1,280, us-east-1's 280 added); USE1- names
    # us-east-1, whose BoxUsage carries no prefix: 10 x 28 = 280; no prefix: every region's
    # 1,000 + 280 = 1,280 (as README says: the region prefix is optional)
    assert [b["actual"] for b in out["budgets"][1:]] == pytest.approx([1000.0, 280.0, 1280.0], abs=0.005)
    assert code == 0


def test_a_focus_export_gives_the_same_budgets_and_refuses_to_leave_out_refunds(tmp_path):
    import pandas as pd

    path = tmp_path / "focus.csv"
    pd.DataFrame(budget_bills.focus_rows(MONTHS)).to_csv(path, index=False)
    text = "monthly_usd: 1000\ncost_type: amortized\nby_account: {'222222222222': 100}\nby_tag: {team: {web: 400}}\n"
    _code, out = _json("--budget", _budget(tmp_path, text), "--focus", path, "--month", "2026-02")
    # as the CUR 2.0 test's amortized figures: 612, account B 168, team=web 364
    assert [b["actual"] for b in out["budgets"]] == pytest.approx([612.0, 168.0, 364.0], abs=0.005)
    # FOCUS has no refund category (the refund of -20 in March is a Credit charge): leaving
    # refunds out left out nothing (the quarter's amortized 2,030 stayed 2,030, where AWS
    # Budgets says 2,050): refused, naming why
    text = "amount_usd: 2500\nperiod: quarterly\ncost_type: amortized\ninclude: {refunds: false}\n"
    err = refused("budget", "--budget", _budget(tmp_path, text), "--focus", path)
    assert "include.refunds" in err and "FOCUS" in err


def test_a_scopes_later_months_do_not_carry_a_refund_on_as_a_rate(tmp_path, monthly):
    # Quarter February..April read at March, RDS alone. Unblended: February's RI fee 4 x 28 =
    # 112, March's 4 x 31 - 20 refund = 104, so far 216; April's RI fee 4 x 30 = 120 (March
    # before its one-off refund, 124 / 31 x 30), so 336. It said 316.65: the refund was read as
    # a fall in the daily rate (104 / 31 x 30 = 100.65).
    text = (
        f"amount_usd: 2500\nperiod: quarterly\nfiscal_year_start: 2\nby_service:\n  {budget_bills.RDS}: 400\n"
    )
    _code, out = _json("--budget", _budget(tmp_path, text), "--actuals", monthly)
    assert (out["budgets"][1]["actual"], out["budgets"][1]["forecast"]) == pytest.approx(
        (216.0, 336.0), abs=0.01
    )
    # The same quarter amortized, from daily data from December through 14 March: February
    # 6 x 28 = 168, March so far 6 x 14 - 20 = 64; March's end 186 - 20 = 166, April 6 x 30 =
    # 180: 514 (it said 484.97)
    daily = budget_bills.write_cost_explorer(
        tmp_path / "daily.json", ["2025-12", *MONTHS], "DAILY", through=dt.date(2026, 3, 14)
    )
    _code, out = _json("--budget", _budget(tmp_path, "cost_type: amortized\n" + text), "--actuals", daily)
    assert (out["budgets"][1]["actual"], out["budgets"][1]["forecast"]) == pytest.approx(
        (232.0, 514.0), abs=1.0
    )


def test_a_scopes_later_months_do_not_carry_an_upfront_fee_on_as_a_rate(tmp_path):
    # Daily data from October through 14 January; the quarter January..March, RDS alone,
    # unblended. January so far: the RI's 730 upfront fee and its recurring 4 x 31 = 124,
    # both billed on the 1st: 854. February's fee 4 x 28 = 112 and March's 124 (its refund
    # cannot be foreseen): 854 + 112 + 124 = 1,090. It said 3,185.81 "at risk" (exit 1): the
    # scope's months were followed by a monthly candidate, which took January's 854 for a
    # rate of 27.55 a day. Now as `costmodel forecast` does for the bill, the calendar of
    # once-a-month charges: the fee at last month's amount (124 for February: within 12).
    daily = budget_bills.write_cost_explorer(
        tmp_path / "daily.json",
        ["2025-10", "2025-11", "2025-12", "2026-01"],
        "DAILY",
        through=dt.date(2026, 1, 14),
    )
    text = f"amount_usd: 3000\nperiod: quarterly\nby_service:\n  {budget_bills.RDS}: 1200\n"
    code, out = _json("--budget", _budget(tmp_path, text), "--actuals", daily)
    assert out["budgets"][1]["actual"] == pytest.approx(854.0, abs=0.005)
    assert out["budgets"][1]["forecast"] == pytest.approx(1090.0, abs=12.01)
    assert out["budgets"][1]["status"] == "ok" and code == 0


def _cur2(tmp_path):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.DataFrame(budget_bills.cur2_rows(MONTHS))
    tags = pa.array([list(t.items()) for t in frame.pop("resource_tags")], pa.map_(pa.string(), pa.string()))
    table = pa.Table.from_pandas(frame, preserve_index=False).append_column("resource_tags", tags)
    pq.write_table(table, tmp_path / "cur2.parquet")
    return tmp_path / "cur2.parquet"


def test_a_tag_key_on_no_line_item_is_named_with_the_keys_the_export_has(tmp_path):
    # it said "'alice' is not a value of that tag in the line items; values: (untagged)",
    # as if the key were there
    text = "monthly_usd: 600\nby_tag: {owner: {alice: 5}}\n"
    err = refused("budget", "--budget", _budget(tmp_path, text), "--cur", _cur2(tmp_path))
    assert "'owner' is on no line item" in err and "tag keys: team" in err


def test_a_service_budget_that_include_leaves_out_is_refused_for_that_reason(tmp_path, monthly):
    # it said "by_service 'Tax' is not a service on the bill", which has $30 of tax a month
    text = "monthly_usd: 600\ninclude: {tax: false}\nby_service: {Tax: 50}\n"
    err = refused("budget", "--budget", _budget(tmp_path, text), "--actuals", monthly)
    assert "'Tax' is on the bill" in err and "tax: false" in err


def test_net_amortized_from_line_items_reads_the_net_columns_by_the_amortized_rule(tmp_path):
    # it was refused ("not read from line items"). February, net amortized (CE's 584, see the
    # module docstring): EC2 on demand at its net 9 x 28 = 252, SP-covered usage at its net
    # effective cost 3 x 28 = 84, negation 0, the plan's fee 0 (fully used), RDS at the RI's net
    # effective cost 6 x 28 = 168, its RIFee's net unused parts 0, support 100, tax 30, credit
    # -50: 584. Account A 252 + 84 - 50 + 30 + 100 = 416, B 168; team=web 252 + 84 = 336.
    text = (
        "monthly_usd: 1000\ncost_type: net_amortized\nby_account: {'111111111111': 500, "
        "'222222222222': 100}\nby_tag: {team: {web: 400}}\n"
    )
    _code, out = _json("--budget", _budget(tmp_path, text), "--cur", _cur2(tmp_path), "--month", "2026-02")
    assert [b["actual"] for b in out["budgets"]] == pytest.approx([584.0, 416.0, 168.0, 336.0], abs=0.005)
    # the whole bill alone (no account or tag budget) reads the same net rule
    plain = _budget(tmp_path, "monthly_usd: 600\ncost_type: net_amortized\n")
    _code, out = _json("--budget", plain, "--cur", _cur2(tmp_path), "--month", "2026-03")
    assert out["budgets"][0]["actual"] == pytest.approx(668.0, abs=0.005)  # 699 - 31


def test_net_amortized_from_a_legacy_cur_reads_its_net_columns(tmp_path):
    # the same bill in legacy CUR's CSV names (AWS's lineItem/..., reservation/...,
    # savingsPlan/... spellings, written out here, not taken from costmodel): February 584
    import pandas as pd

    legacy = {
        "identity_line_item_id": "identity/LineItemId",
        "identity_time_interval": "identity/TimeInterval",
        "line_item_usage_account_id": "lineItem/UsageAccountId",
        "line_item_line_item_type": "lineItem/LineItemType",
        "line_item_usage_start_date": "lineItem/UsageStartDate",
        "line_item_usage_end_date": "lineItem/UsageEndDate",
        "line_item_product_code": "lineItem/ProductCode",
        "product_product_name": "product/ProductName",
        "product_region_code": "product/regionCode",
        "line_item_usage_type": "lineItem/UsageType",
        "line_item_usage_amount": "lineItem/UsageAmount",
        "line_item_currency_code": "lineItem/CurrencyCode",
        "line_item_unblended_cost": "lineItem/UnblendedCost",
        "line_item_net_unblended_cost": "lineItem/NetUnblendedCost",
        "reservation_reservation_a_r_n": "reservation/ReservationARN",
        "reservation_effective_cost": "reservation/EffectiveCost",
        "reservation_net_effective_cost": "reservation/NetEffectiveCost",
        "reservation_unused_amortized_upfront_fee_for_billing_period": (
            "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod"
        ),
        "reservation_unused_recurring_fee": "reservation/UnusedRecurringFee",
        "reservation_net_unused_amortized_upfront_fee_for_billing_period": (
            "reservation/NetUnusedAmortizedUpfrontFeeForBillingPeriod"
        ),
        "reservation_net_unused_recurring_fee": "reservation/NetUnusedRecurringFee",
        "savings_plan_savings_plan_effective_cost": "savingsPlan/SavingsPlanEffectiveCost",
        "savings_plan_net_savings_plan_effective_cost": "savingsPlan/NetSavingsPlanEffectiveCost",
        "savings_plan_total_commitment_to_date": "savingsPlan/TotalCommitmentToDate",
        "savings_plan_used_commitment": "savingsPlan/UsedCommitment",
        "savings_plan_amortized_upfront_commitment_for_billing_period": (
            "savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod"
        ),
        "savings_plan_net_amortized_upfront_commitment_for_billing_period": (
            "savingsPlan/NetAmortizedUpfrontCommitmentForBillingPeriod"
        ),
    }
    frame = pd.DataFrame(budget_bills.cur2_rows(MONTHS))[list(legacy)].rename(columns=legacy)
    for column in ("lineItem/UsageStartDate", "lineItem/UsageEndDate"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    frame.to_csv(tmp_path / "legacy.csv", index=False)
    text = "monthly_usd: 600\ncost_type: net_amortized\n"
    _code, out = _json(
        "--budget", _budget(tmp_path, text), "--cur", tmp_path / "legacy.csv", "--month", "2026-02"
    )
    assert out["budgets"][0]["actual"] == pytest.approx(584.0, abs=0.005)


def test_net_amortized_from_line_items_without_the_net_columns_is_refused_naming_them(tmp_path):
    # an account without discounts: AWS leaves the net columns out. Reading the gross in their
    # place would be a silent guess
    import pandas as pd

    frame = pd.DataFrame(budget_bills.cur2_rows(MONTHS))
    frame = frame.drop(columns=[c for c in frame if "_net_" in c])
    frame.pop("resource_tags")
    frame.to_parquet(tmp_path / "cur2.parquet", index=False)
    text = "monthly_usd: 600\ncost_type: net_amortized\n"
    err = refused("budget", "--budget", _budget(tmp_path, text), "--cur", tmp_path / "cur2.parquet")
    assert "net amortized cost" in err and "line_item_net_unblended_cost" in err
    assert "reservation_net_effective_cost" in err and "use cost_type amortized" in err


def test_net_amortized_from_focus_is_its_effective_cost(tmp_path):
    # FOCUS 1.0 defines EffectiveCost as the amortized cost "after applying all reduced rates,
    # discounts, and the applicable portion of relevant, prepaid purchases": net amortized.
    # The generator's FOCUS rows carry no discount, so February is 612 (the amortized sum)
    import pandas as pd

    path = tmp_path / "focus.csv"
    pd.DataFrame(budget_bills.focus_rows(MONTHS)).to_csv(path, index=False)
    text = "monthly_usd: 1000\ncost_type: net_amortized\n"
    _code, out = _json("--budget", _budget(tmp_path, text), "--focus", path, "--month", "2026-02")
    assert out["budgets"][0]["actual"] == pytest.approx(612.0, abs=0.005)


@pytest.mark.parametrize(
    ("include", "month", "expected"),
    [
        # January unblended 1,387 without the RI's 730 upfront fee (a Fee with its ARN): 657
        ("{upfront: false}", "2026-01", 657.0),
        # February unblended 556 without the recurring fees: RIFee 4 x 28 = 112 and the
        # plan's SavingsPlanRecurringFee 3 x 28 = 84: 360
        ("{recurring: false}", "2026-02", 360.0),
        # both out in January: 1,387 - 730 - 124 - 93 = 440
        ("{upfront: false, recurring: false}", "2026-01", 440.0),
    ],
)
def test_aws_budgets_upfront_and_recurring_options_leave_out_the_reservation_fees(
    tmp_path, include, month, expected
):
    # AWS Budgets CostTypes: "IncludeUpfront: Specifies whether a budget includes upfront RI
    # costs"; "IncludeRecurring: Specifies whether a budget includes recurring fees such as
    # monthly RI fees". Both were refused as unknown include keys
    text = f"monthly_usd: 1000\ninclude: {include}\n"
    _code, out = _json("--budget", _budget(tmp_path, text), "--cur", _cur2(tmp_path), "--month", month)
    assert out["budgets"][0]["actual"] == pytest.approx(expected, abs=0.005)
    assert out["include"]["upfront"] is ("upfront: false" not in include)


def test_upfront_and_recurring_are_refused_where_the_file_cannot_tell_the_fees(tmp_path, monthly):
    import pandas as pd

    text = _budget(tmp_path, "monthly_usd: 1000\ninclude: {recurring: false}\n")
    # fetch-actuals' file groups usage by SERVICE and USAGE_TYPE: the RI's fee is a usage
    # type there (HeavyUsage:db.r5.large), its upfront and recurring parts in one
    err = refused("budget", "--budget", text, "--actuals", monthly)
    assert "RECORD_TYPE" in err and "recurring: false" in err
    # FOCUS without ChargeFrequency and CommitmentDiscountId cannot tell a commitment's
    # purchase once from its monthly fee
    path = tmp_path / "focus.csv"
    pd.DataFrame(budget_bills.focus_rows(MONTHS)).to_csv(path, index=False)
    err = refused("budget", "--budget", text, "--focus", path)
    assert "CommitmentDiscountId" in err and "ChargeFrequency" in err


def test_recurring_fees_are_left_out_of_a_cost_explorer_file_grouped_by_record_type(tmp_path):
    # February by RECORD_TYPE and SERVICE: Usage EC2 280 + support 100, RIFee 112,
    # SavingsPlanRecurringFee 84, Tax 30, Credit -50: 556; without recurring fees 360
    groups = [
        (["Usage", budget_bills.EC2], 280),
        (["Usage", budget_bills.SUPPORT], 100),
        (["RIFee", budget_bills.RDS], 112),
        (["SavingsPlanRecurringFee", budget_bills.SP_SERVICE], 84),
        (["Tax", "Tax"], 30),
        (["Credit", budget_bills.EC2], -50),
    ]
    path = budget_bills.write_february_by_record_type(tmp_path / "ce.json", groups)
    text = "monthly_usd: 1000\ninclude: {recurring: false}\n"
    _code, out = _json("--budget", _budget(tmp_path, text), "--actuals", path)
    assert out["budgets"][0]["actual"] == pytest.approx(360.0, abs=0.005)


def test_a_monthly_file_does_not_carry_a_reservation_s_upfront_fee_into_later_months(tmp_path):
    # Thirteen months, the RI's 730 upfront fee billed in January 2026, the file's last month,
    # under the usage type of its recurring fee (HeavyUsage:db.r5.large: 4 x 31 + 730 = 854;
    # 4 a day every month before). "Same as last month" from January without the fee: 1,387 -
    # 730 = 657 over 31 days, February 657 / 31 x 28 = 593.42 (true February: 10 + 3 + 4 a
    # day x 28 + 100 + 30 = 606). It said 1,252.77 (1,387 / 31 x 28), and the backtest's
    # default 1,154.16: a once-bought fee carried on as a monthly rate
    months = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01"]
    path = budget_bills.write_cost_explorer(tmp_path / "ce.json", months)
    _code, out, _err = run(
        "forecast", "--actuals", path, "--method", "same as last month", "--format", "json"
    )
    ahead = json.loads(out)
    assert ahead["forecast"][0]["month"] == "2026-02"
    assert ahead["forecast"][0]["expected"] == pytest.approx(657 / 31 * 28, abs=0.01)
    assert any("HeavyUsage:db.r5.large" in note and "$730.00" in note for note in ahead["notes"])
    # whatever the backtest chooses, February is within a month's change of 606, not above 1,000
    _code, out, _err = run("forecast", "--actuals", path, "--format", "json")
    assert 550 < json.loads(out)["forecast"][0]["expected"] < 700


def _cur2_with_rds_in_us_west_2(tmp_path):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.DataFrame(budget_bills.cur2_rows(MONTHS))
    frame.loc[frame["line_item_product_code"] == "AmazonRDS", "product_region_code"] = "us-west-2"
    tags = pa.array([list(t.items()) for t in frame.pop("resource_tags")], pa.map_(pa.string(), pa.string()))
    table = pa.Table.from_pandas(frame, preserve_index=False).append_column("resource_tags", tags)
    pq.write_table(table, tmp_path / "cur2-regions.parquet")
    return tmp_path / "cur2-regions.parquet"


def test_a_budget_by_region_from_line_items(tmp_path):
    # AWS Budgets filters by Region. The bill's RDS (account B) moved to us-west-2: February
    # unblended there is its RIFee 4 x 28 = 112 (RI-covered usage is $0 unblended);
    # us-east-1 keeps the rest, 556 - 112 = 444. Amortized, us-west-2 is the RI's effective
    # cost 6 x 28 = 168
    cur2 = _cur2_with_rds_in_us_west_2(tmp_path)
    text = "monthly_usd: 1000\nby_region: {us-west-2: 100, us-east-1: 500}\ncost_type: "
    for cost_type, expected in (("unblended", [556, 112, 444]), ("amortized", [612, 168, 444])):
        _code, out = _json(
            "--budget", _budget(tmp_path, text + cost_type + "\n"), "--cur", cur2, "--month", "2026-02"
        )
        assert [b["actual"] for b in out["budgets"]] == pytest.approx(expected, abs=0.005)
        assert [b["scope"] for b in out["budgets"]] == ["total", "region", "region"]


def test_a_region_the_line_items_do_not_have_is_refused_naming_the_closest(tmp_path, monthly):
    cur2 = _cur2_with_rds_in_us_west_2(tmp_path)
    err = refused(
        "budget",
        "--budget",
        _budget(tmp_path, "monthly_usd: 600\nby_region: {us-west2: 50}\n"),
        "--cur",
        cur2,
    )
    assert "'us-west2'" in err and "closest: us-west-2" in err
    # Cost Explorer files carry no region column: refused as account and tag budgets are
    err = refused(
        "budget",
        "--budget",
        _budget(tmp_path, "monthly_usd: 600\nby_region: {us-east-1: 50}\n"),
        "--actuals",
        monthly,
    )
    assert "need line items" in err


def test_an_unknown_forecast_from_daily_data_is_not_told_to_give_daily_data(tmp_path, monthly):
    # a quarter from January read at January: February and March need 3 complete months
    # before them. With daily data it said "the data is monthly ...; give daily data"
    daily = budget_bills.write_cost_explorer(tmp_path / "daily.json", MONTHS, "DAILY")
    text = _budget(tmp_path, "amount_usd: 2500\nperiod: quarterly\n")
    code, out, _err = run("budget", "--budget", text, "--actuals", daily, "--month", "2026-01")
    assert code == 1 and "unknown" in out
    assert "the history is too short" in out and "give daily data" not in out
    # monthly data of a complete January: the same too short a history, which daily data would
    # not lengthen (it said "the month is in progress and the data is monthly ...; give daily data")
    _code, out, _err = run("budget", "--budget", text, "--actuals", monthly, "--month", "2026-01")
    assert "the history is too short" in out and "give daily data" not in out


def test_an_as_of_after_the_data_warns_that_the_budget_is_read_at_the_data_s_last_month(tmp_path, monthly):
    # a daily job on 1 May with a file that ends on 31 March: it printed March's budget and
    # its exit code without a word (30 days, 1 April to 30 April, are not in the file)
    text = _budget(tmp_path, "monthly_usd: 700\n")
    code, out, err = run("budget", "--budget", text, "--actuals", monthly, "--as-of", "2026-05-01")
    assert code == 0 and "Budgets for 2026-03" in out
    assert "the data ends 2026-03-31, 30 days before --as-of 2026-05-01" in err
    _code, _out, err = run("budget", "--budget", text, "--actuals", monthly, "--as-of", "2026-04-01")
    assert err == ""  # nothing of April could be in it yet


def test_a_focus_table_behind_athena_is_refused_to_leave_out_refunds_or_discounts(tmp_path):
    """--athena names a table, not a format: its columns tell FOCUS, and a FOCUS table cannot
    leave out refunds or discounts whichever option gave it (before, only --focus was refused,
    and a FOCUS table on Athena left out nothing without saying so)."""
    import argparse

    from costmodel.budget import read_budget
    from costmodel.cli.budget import _refuse_what_line_items_cannot_give
    from costmodel.errors import InputError

    for key in ("refunds", "discounts"):
        budget = read_budget(_budget(tmp_path, f"monthly_usd: 1000\ninclude: {{{key}: false}}\n"))
        behind_athena = argparse.Namespace(athena="cur.focus_export", line_item_schema="focus")
        with pytest.raises(InputError, match=f"include.{key} false cannot be applied to a FOCUS export"):
            _refuse_what_line_items_cannot_give(behind_athena, budget)
        # the same table in CUR 2.0's columns can tell them: not refused
        _refuse_what_line_items_cannot_give(
            argparse.Namespace(athena="cur.cur2", line_item_schema="cur2"), budget
        )
