"""Session 37: an independent tester's budgets on the bills of tests/budget_bills.py (written
from the AWS specifications). Every expected figure is a hand sum of that module's per-day
amounts; February 2026 (28 days), unblended:

whole bill  EC2 10 x 28 = 280, SP fee 3 x 28 = 84, RI fee 4 x 28 = 112, support 100, tax 30,
            credit -50 (EC2, 15 February): 556
"""

import pytest

from tests.test_budget_aws import _cur2
from tests.test_trust import refused


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
