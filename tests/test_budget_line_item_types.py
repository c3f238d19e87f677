"""`costmodel budget` on CUR 2.0 line items whose types share a usage type: a discount billed
once a month on the usage type of daily usage (tests/cur2_day_bill.py; hand sums from its
docstring)."""

import datetime as dt
import json

import pytest

from tests import cur2_day_bill
from tests.test_trust import run

MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09"]
BUDGET = 'monthly_usd: 1000\nby_account: {"111111111111": 800, "333333333333": 100}\n'


def _budgets(tmp_path, kind):
    export = cur2_day_bill.write(tmp_path / "cur.parquet", MONTHS, dt.date(2026, 9, 15), (kind, -200.0))
    (tmp_path / "budget.yaml").write_text(BUDGET)
    code, out, err = run("budget", "--cur", export, "--budget", tmp_path / "budget.yaml", "--format", "json")
    assert "Traceback" not in err, err
    assert code == 0, err  # every budget under its amount: 760 of 800, -202 of 100, 468 of 1000
    return {row["name"]: row for row in json.loads(out)["budgets"]}


@pytest.mark.parametrize("kind", ["BundledDiscount", "Discount", "EdpDiscount"])
def test_a_discount_billed_once_a_month_is_not_a_daily_rate(tmp_path, kind):
    budgets = _budgets(tmp_path, kind)
    # account 333 bills nothing a day (SP-covered usage 8 less its negation 8); its two
    # discounts on the 10th (-2 and -200, every month) are billed already: -202 so far,
    # nothing to come. Was forecast -301.37 (the -200 taken for a daily rate).
    assert budgets["333333333333"]["actual"] == pytest.approx(-202.0, abs=0.005)
    assert budgets["333333333333"]["forecast"] == pytest.approx(-202.0, abs=0.5)
    # the whole bill to 14 September: 14 days x 15 (m5 10 - 1, SP fee 6) + RIFee 90 + tax 30
    # + support 100 - 202 = 228; to come: 16 days x 15 = 240 (the credit of the 15th and the
    # refund of the 20th are not forecast) -> 468. Was 368.41.
    assert budgets["total bill"]["actual"] == pytest.approx(228.0, abs=0.005)
    assert budgets["total bill"]["forecast"] == pytest.approx(468.0, abs=1.0)


def _with_reservation_bought(tmp_path, day, through, budget):
    """(exit code, the whole bill's budget, stderr) with an RDS reservation bought on ``day``:
    its upfront fee, $360 (line item type Fee, with the reservation's ARN), on
    HeavyUsage:db.r5.large, the usage type of the monthly RIFee ($90 on the 1st)."""
    upfront = cur2_day_bill.line_item(
        day, cur2_day_bill.PAYER, "Fee", "AmazonRDS", "HeavyUsage:db.r5.large", 360.0,
        reservation_reservation_a_r_n=cur2_day_bill.RI_ARN,
    )  # fmt: skip
    export = cur2_day_bill.write(tmp_path / "cur.parquet", MONTHS, through, extra=(upfront,))
    (tmp_path / "budget.yaml").write_text(budget)
    code, out, err = run("budget", "--cur", export, "--budget", tmp_path / "budget.yaml", "--format", "json")
    (total,) = json.loads(out)["budgets"]
    return code, total, err


def test_a_reservation_bought_mid_month_is_not_a_daily_rate(tmp_path):
    # bought on 8 September, data to the 14th. Billed once: nothing of it is to come.
    code, total, err = _with_reservation_bought(
        tmp_path, dt.date(2026, 9, 8), dt.date(2026, 9, 15), "monthly_usd: 1100\n"
    )
    # to 14 September: 14 x 15 + RIFee 90 + tax 30 + support 100 - 2 (bundled discount, the
    # 10th) + 360 = 788; to come: 16 x 15 = 240 -> 1,028, under the $1,100 budget (exit 0).
    # Was $2,110.67 (the fee and the RIFee, billed on two days, taken for a daily rate), "at risk".
    assert total["actual"] == pytest.approx(788.0, abs=0.005)
    assert total["forecast"] == pytest.approx(1028.0, abs=1.0)
    assert code == 0, err


def test_a_reservation_bought_on_the_first_is_billed_once_in_the_later_months(tmp_path):
    # bought on 1 September, the day its RIFee is billed. An annual budget from June
    # (fiscal_year_start 6), read at September complete: June..September 30 x 15 + 31 x 15
    # + 31 x 15 + 30 x 15 = 1,830 daily + 4 x 218 (RIFee 90, tax 30, support 100, bundled
    # discount -2) + 4 x -70 (credit, refund) + 360 = 2,782. October..May: 243 days x 15
    # + 8 x 218 = 5,389 (credits and refunds are not forecast): 8,171 under the $9,000
    # budget. Was 11,051 (the fee forecast again every month), "at risk".
    code, total, err = _with_reservation_bought(
        tmp_path,
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
        "amount_usd: 9000\nperiod: annual\nfiscal_year_start: 6\n",
    )
    assert total["actual"] == pytest.approx(2782.0, abs=0.005)
    assert total["forecast"] == pytest.approx(8171.0, abs=1.0)
    assert code == 0, err


def test_a_scope_of_discounts_only_forecasts_its_later_months_below_zero(tmp_path):
    # Data to 15 July; quarter July-September. Account 333 bills nothing a day (SP-covered
    # usage 8 less its negation 8) and a bundled discount of -2 on the 10th of every month:
    # -2 so far, -2 in August and -2 in September -> -6. Was -2: the later months were
    # forecast as a bill, which never goes below $0.
    months = ["2026-04", "2026-05", "2026-06", "2026-07"]
    export = cur2_day_bill.write(tmp_path / "cur.parquet", months, dt.date(2026, 7, 16))
    (tmp_path / "budget.yaml").write_text(
        'amount_usd: 3000\nperiod: quarterly\nby_account: {"333333333333": 100}\n'
    )
    code, out, err = run("budget", "--cur", export, "--budget", tmp_path / "budget.yaml", "--format", "json")
    assert code == 0, err
    budgets = {row["name"]: row for row in json.loads(out)["budgets"]}
    assert budgets["333333333333"]["actual"] == pytest.approx(-2.0, abs=0.005)
    assert budgets["333333333333"]["forecast"] == pytest.approx(-6.0, abs=0.005)
