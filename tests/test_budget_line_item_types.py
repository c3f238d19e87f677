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
