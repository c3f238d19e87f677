"""Session 37: an independent tester's budgets on the bills of tests/budget_bills.py (written
from the AWS specifications). Every expected figure is a hand sum of that module's per-day
amounts; February 2026 (28 days), unblended:

whole bill  EC2 10 x 28 = 280, SP fee 3 x 28 = 84, RI fee 4 x 28 = 112, support 100, tax 30,
            credit -50 (EC2, 15 February): 556
"""

import json

import pytest

from tests import budget_bills
from tests.test_budget_aws import MONTHS, _cur2
from tests.test_trust import refused, run


def _budget(tmp_path, text):
    path = tmp_path / "budget.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("include", "scoped", "label"),
    [
        # the bill's $30 of tax a month is the Tax category; tax: false leaves all of it out
        ("tax: false", "by_category: {Tax: 30}", "by_category 'Tax'"),
        # its -$50 credit of 15 February is the Credits category
        ("credits: false", "by_category: {Credits: 100}", "by_category 'Credits'"),
        # Business support, $100 a month, is the Support category and the usage type Dollar
        ("support: false", "by_category: {Support: 100}", "by_category 'Support'"),
        ("support: false", "by_usage_type: {Dollar: 100}", "by_usage_type 'Dollar'"),
        # the RI's fees, 4 x days a month (RIFee) and its 730 upfront of January (Fee), are all
        # of HeavyUsage:db.r5.large
        (
            "upfront: false, recurring: false",
            "by_usage_type: {HeavyUsage:db.r5.large: 150}",
            "by_usage_type 'HeavyUsage:db.r5.large'",
        ),
    ],
)
def test_a_budget_that_include_leaves_all_out_is_refused_whatever_its_scope(tmp_path, include, scoped, label):
    # A by_service budget on Tax with tax: false is refused ("its budget would count
    # nothing"); a category budget on the same money read $0.00 of $30.00, status ok, exit 0
    # (a budget that can never alert), and a usage type budget was refused as "not a usage
    # type on the bill", which has $100 (or $112) of it that month.
    text = f"monthly_usd: 1000\ninclude: {{{include}}}\n{scoped}\n"
    err = refused(
        "budget", "--budget", _budget(tmp_path, text), "--cur", _cur2(tmp_path), "--month", "2026-02"
    )
    assert f"{label} is on the bill" in err and f"{include}" in err and "would count nothing" in err


def _cur2_through(tmp_path, months, through):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.DataFrame(budget_bills.cur2_rows(months, through=through))
    tags = pa.array([list(t.items()) for t in frame.pop("resource_tags")], pa.map_(pa.string(), pa.string()))
    table = pa.Table.from_pandas(frame, preserve_index=False).append_column("resource_tags", tags)
    pq.write_table(table, tmp_path / "cur2-daily.parquet")
    return tmp_path / "cur2-daily.parquet"


def test_a_reservation_s_recurring_fee_in_later_months_follows_each_month_s_hours(tmp_path):
    # RDS in the second quarter of 2026, from line items through 25 April: its usage is covered
    # by the RI ($0 unblended); its RIFee is $4 a day of the month (AWS's RecurringCharge is
    # hourly): April 4 x 30 = 120 (billed on the 1st, in the data), May 4 x 31 = 124, June
    # 4 x 30 = 120: the quarter 364, within a $366 budget: ok, exit 0. costmodel forecast June
    # at May's 124: 368, "at risk", exit 1.
    import datetime as dt

    path = _cur2_through(tmp_path, [*MONTHS, "2026-04"], dt.date(2026, 4, 25))
    text = f"period: quarterly\namount_usd: 2000\nby_service: {{{budget_bills.RDS}: 366}}\n"
    code, out, err = run(
        "budget", "--budget", _budget(tmp_path, text), "--cur", path, "--month", "2026-04", "--format", "json"
    )
    assert "Traceback" not in err, err
    rds = json.loads(out)["budgets"][1]
    assert rds["actual"] == pytest.approx(120.0, abs=0.005)
    assert rds["forecast"] == pytest.approx(364.0, abs=0.005)
    assert rds["status"] == "ok" and code == 0
