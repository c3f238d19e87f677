"""Session 38, a second independent tester: a known change (`--change`) on line items billed by
two accounts. The architecture file names no account; the change was sized against the
usage type's quantity summed over every account, so another team's two nodes beside the
file's three read as "the bill shows 5" and going to 4 nodes was priced as one node less.
Bill written here by hand; expected figures by hand in the comments."""

import datetime as dt
import json

import pytest

from tests.account_bills import cur2_day_row, write_cur2_csv
from tests.test_trust import run

FIRST, END = dt.date(2026, 8, 1), dt.date(2026, 11, 1)  # data 1 August .. 31 October 2026
NODE_USD_PER_HOUR = 0.34  # c5.2xlarge on demand, us-east-1
# (account, nodes): the production file's cluster (3 nodes, as the file says) and another team's 2
ACCOUNTS = [("111111111111", 3), ("222222222222", 2)]


def _cur2_csv(tmp_path, fourth_node_from: dt.date | None = None):
    """CUR 2.0 (CSV) by day: each account's nodes, BoxUsage:c5.2xlarge, 24 h a node a day
    (the first account's 4th node from ``fourth_node_from``)."""
    rows = []
    day = FIRST
    while day < END:
        for account, nodes in ACCOUNTS:
            grown = fourth_node_from is not None and day >= fourth_node_from and account == ACCOUNTS[0][0]
            hours = 24 * (nodes + grown)
            usd = f"{hours * NODE_USD_PER_HOUR:.2f}"
            rows.append(
                cur2_day_row(
                    f"{day}-{account}",
                    account,
                    day,
                    "AmazonEC2",
                    "BoxUsage:c5.2xlarge",
                    f"i-{account}",
                    hours,
                    usd,
                )
            )
        day += dt.timedelta(days=1)
    return write_cur2_csv(tmp_path / "cur2-two-accounts.csv", rows)


def test_a_change_is_not_sized_against_nodes_another_account_runs(tmp_path):
    # eks.node_count 3 -> 4 from 1 December: one more c5.2xlarge node, 744 h x $0.34 = $252.96,
    # and its 100 GB gp3 root volume, 100 x $0.08 = $8.00 a month: +$260.96 in December. Before:
    # -$260.96 (exit 0), "the bill shows 5" (3 + 2 nodes of two accounts) "sized from 5 to 4".
    code, out, err = run(
        "forecast",
        "--cur",
        _cur2_csv(tmp_path),
        "--months",
        "2",
        "--change",
        "2026-12-01:eks.node_count=4",
        "--format",
        "json",
    )
    assert code == 0, err
    payload = json.loads(out)
    changes = {row["month"]: row["known_changes"] for row in payload["forecast"]}
    assert changes == pytest.approx({"2026-11": 0.0, "2026-12": 260.96}, abs=0.01)
    assert any("billed by 2 accounts" in note for note in payload["notes"]), payload["notes"]


def test_the_report_s_budget_by_account_reads_the_line_items_it_was_given(tmp_path):
    # `costmodel report --cur EXPORT --budget FILE` with a budget by account refused: "EXPORT is
    # Cost Explorer data, which has none of them" (exit 2), while `costmodel budget --cur` read
    # it. October 2026: account 1's 3 nodes, 31 x 72 h x $0.34 = $758.88 of $700 (over);
    # account 2's 2 nodes, 31 x 48 h x $0.34 = $505.92 of $600 (ok).
    from costmodel import load_architecture
    from costmodel.estimation import estimate
    from costmodel.lineitems import bill, open_files
    from costmodel.pricing.catalog import load_snapshot
    from costmodel.report.build import budget_section

    export = _cur2_csv(tmp_path)
    budget = tmp_path / "by-account.yaml"
    budget.write_text('monthly_usd: 2000\nby_account: {"111111111111": 700, "222222222222": 600}\n')
    source = open_files(str(export), expected="cur")
    arch, catalog = load_architecture(), load_snapshot()
    items = estimate(arch, catalog, month="2026-10")
    section = budget_section(
        budget, bill(source, None, "MONTHLY"), "2026-10", arch, catalog, items, (source, None)
    )
    rows = {
        row["name"]: (row["actual"], row["status"]) for row in section["rows"] if row["scope"] == "account"
    }
    assert rows == {
        "111111111111": (pytest.approx(758.88, abs=0.01), "over"),
        "222222222222": (pytest.approx(505.92, abs=0.01), "ok"),
    }


def test_a_change_dated_inside_the_data_on_a_usage_type_two_accounts_bill_is_not_added_twice(tmp_path):
    # The first account's 4th node from 25 October, declared (--change 2026-10-25:eks.node_count=4),
    # billed since. What runs: 4 + 2 nodes, 6 x 24 h x $0.34 = $48.96 a day; November 30 x
    # $48.96 = $1,468.80, December 31 x $48.96 = $1,517.76 (the bill has no EBS line: nothing
    # of the root volume to add). Before: $963.20 ("the bill shows 6", sized 6 -> 4: -$505.60);
    # with the usage type priced from the file alone, $1,721.60 (the node on the bill and
    # again on top, +$252.80).
    code, out, err = run(
        "forecast",
        "--cur",
        _cur2_csv(tmp_path, fourth_node_from=dt.date(2026, 10, 25)),
        "--months",
        "2",
        "--change",
        "2026-10-25:eks.node_count=4",
        "--format",
        "json",
    )
    assert code == 0, err
    expected = [row["expected"] for row in json.loads(out)["forecast"]]
    assert expected == pytest.approx([1468.80, 1517.76], abs=0.01)
