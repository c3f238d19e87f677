"""Line items put in the month they are billed: the billing period columns (CUR 2.0
``bill_billing_period_start_date``, legacy ``bill/BillingPeriodStartDate``, FOCUS
``BillingPeriodStart``) read beside the usage dates, and a part month compared over its hours.

Bills from tests/cur2_day_bill.py (its docstring gives the daily and monthly amounts) and
tests/exports.py; expected figures summed by hand in the comments.
"""

import datetime as dt
import json
from datetime import datetime
from decimal import Decimal

import pytest

from costmodel import lineitems
from tests import cur2_day_bill
from tests.exports import Item, write
from tests.test_trust import run

SEPTEMBER, OCTOBER = dt.datetime(2026, 9, 1), dt.datetime(2026, 10, 1)


def _late(day: dt.date, cost: float, kind: str = "Usage") -> dict:
    """A CUR 2.0 line item of usage on ``day`` on the October bill (AWS delivers late usage,
    refunds and corrections of an earlier month in the billing period that carries them)."""
    return cur2_day_bill.line_item(
        day, cur2_day_bill.WEB_ACCOUNT, kind, "AmazonEC2", "BoxUsage:m5.large", cost,
        bill_billing_period_start_date=OCTOBER, bill_billing_period_end_date=dt.datetime(2026, 11, 1),
    )  # fmt: skip


def _totals(path) -> dict[str, float]:
    bill = lineitems.bill(lineitems.open_files(str(path)))
    return dict(zip(bill.controls["month"], bill.controls["control_total"], strict=True)), bill.notes


def test_late_usage_of_a_month_not_delivered_is_counted_in_the_month_billed(tmp_path):
    # October alone, whole: 31 days x 15 (m5 10 - 1 EDP, SP fee 6) + once a month 90 + 30 + 100
    # - 2 - 50 - 20 = 465 + 148 = 613; plus usage of 30 September billed in October, 7 -> 620.
    # Was a month 2026-09 of $7 (a bill the export does not hold) and October 613.
    export = cur2_day_bill.write(
        tmp_path / "cur.parquet", ["2026-10"], dt.date(2026, 11, 1), extra=(_late(dt.date(2026, 9, 30), 7.0),)
    )
    totals, notes = _totals(export)
    assert list(totals) == ["2026-10"]
    assert totals["2026-10"] == pytest.approx(620.0, abs=0.005)
    assert any("2026-10: 1 line item(s), $7.00, dated before their billing period" in n for n in notes)


def test_a_refund_of_last_month_is_not_taken_out_of_last_months_bill(tmp_path):
    # September (30 days x 15 + 148 = 598) and October (613) delivered; a refund of -40 dated
    # 12 September on the October bill: September stays 598, October 613 - 40 = 573.
    export = cur2_day_bill.write(
        tmp_path / "cur.parquet",
        ["2026-09", "2026-10"],
        dt.date(2026, 11, 1),
        extra=(_late(dt.date(2026, 9, 12), -40.0, "Refund"),),
    )
    totals, _ = _totals(export)
    assert totals["2026-09"] == pytest.approx(598.0, abs=0.005)
    assert totals["2026-10"] == pytest.approx(573.0, abs=0.005)


def test_a_row_dated_after_its_billing_period_is_refused_not_a_month_in_progress(tmp_path):
    # June-September whole (September: 598, under the 1000 budget); one m5 line item of 20
    # October on the September bill. Was: budget answered for 2026-10 "in progress" (actual
    # $10, forecast $326.29, exit 0), a month no billing period of the export holds.
    stray = cur2_day_bill.line_item(
        dt.date(2026, 10, 20), cur2_day_bill.WEB_ACCOUNT, "Usage", "AmazonEC2", "BoxUsage:m5.large", 10.0,
        bill_billing_period_start_date=SEPTEMBER, bill_billing_period_end_date=OCTOBER,
    )  # fmt: skip
    months = ["2026-06", "2026-07", "2026-08", "2026-09"]
    export = cur2_day_bill.write(tmp_path / "cur.parquet", months, dt.date(2026, 10, 1), extra=(stray,))
    (tmp_path / "budget.yaml").write_text("monthly_usd: 1000\n")
    for command in (["budget", "--budget", tmp_path / "budget.yaml"], ["forecast"], ["reconcile"]):
        code, _, err = run(*command, "--cur", export)
        assert code == 2 and "Traceback" not in err, err
        assert (
            "line item li-0 starts 2026-10-20 00:00" in err and "after its billing period 2026-09-01" in err
        )


def _items(billing_period: datetime | None, late_start: datetime) -> list[Item]:
    """October: a $2 hour of m5 on each day, and a $-25 credit for usage at ``late_start``."""
    base = dict(hours=1, product_code="AmazonEC2", product_name="Amazon Elastic Compute Cloud")
    usage = dict(usage_type="BoxUsage:m5.large", operation="RunInstances", resource_id="i-1", unit="Hrs")
    items = [
        Item(f"u{d}", datetime(2026, 10, d), **base, **usage, line_item_type="Usage", cost=Decimal(2),
             usage=Decimal(1), team=None, billing_period=billing_period or OCTOBER)
        for d in range(1, 32)
    ]  # fmt: skip
    items.append(
        Item("c1", late_start, **base, usage_type="", operation="", resource_id="", unit="",
             line_item_type="Credit", cost=Decimal(-25), usage=Decimal(0), team=None,
             billing_period=billing_period or OCTOBER)
    )  # fmt: skip
    return items


@pytest.mark.parametrize(
    ("schema", "fmt"), [("cur2", "csv"), ("legacy", "csv"), ("legacy", "parquet"), ("focus", "csv")]
)
def test_a_correction_of_september_on_the_october_bill_in_every_schema(tmp_path, schema, fmt):
    # a FOCUS ChargeClass "Correction" (or a CUR credit) for 10 September usage, on the October
    # bill: October = 31 x 2 - 25 = 37, and no September. Was September -25, October 62.
    path = write(_items(OCTOBER, datetime(2026, 9, 10)), tmp_path / "bill", schema, fmt)
    totals, _ = _totals(path)
    assert list(totals) == ["2026-10"]
    assert totals["2026-10"] == pytest.approx(37.0, abs=0.005)


def test_a_correction_after_its_billing_period_is_refused_in_focus(tmp_path):
    path = write(_items(OCTOBER, datetime(2026, 11, 3)), tmp_path / "bill", "focus", "csv")
    code, _, err = run("reconcile", "--focus", path)
    assert code == 2 and "line item" in err and "BillingPeriodStart" in err, err


def _reconciled(tmp_path, since: dt.date, through: dt.date) -> tuple[dict, list[str]]:
    """reconcile --cur's October of the day bill, data from ``since`` to before ``through``,
    and the notes it gives."""
    export = cur2_day_bill.write(tmp_path / "cur.parquet", ["2026-10"], through, since=since)
    code, out, err = run("reconcile", "--cur", export, "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    (month,) = payload["months"]
    return month, payload["notes"]


def test_a_month_whose_rows_start_late_is_compared_over_the_hours_it_covers(tmp_path):
    # the October billing period, line items from 16 October only: 16 days x 24 h = 384 h
    # (was 744, the model's whole month against half a month's bill, exit 0, nothing said)
    month, notes = _reconciled(tmp_path, dt.date(2026, 10, 16), dt.date(2026, 11, 1))
    assert month["hours_in_month"] == 16 * 24
    assert any("2026-10 is a part month" in n and "starts 2026-10-16 00:00" in n for n in notes)


def test_a_cur_month_in_progress_is_compared_over_the_hours_it_covers(tmp_path):
    # data 1-14 October: 14 x 24 = 336 h (was 744: month to date against the whole month)
    month, _ = _reconciled(tmp_path, dt.date(2026, 10, 1), dt.date(2026, 10, 15))
    assert month["hours_in_month"] == 14 * 24
    assert month["in_progress"] is True


def test_budget_forecast_and_anomalies_say_where_a_late_line_item_is_counted(tmp_path):
    # 30 September usage of $7 on the October bill: each command says it counts it in October
    export = cur2_day_bill.write(
        tmp_path / "cur.parquet",
        ["2026-08", "2026-09", "2026-10"],
        dt.date(2026, 10, 20),
        extra=(_late(dt.date(2026, 9, 30), 7.0),),
    )
    (tmp_path / "budget.yaml").write_text("monthly_usd: 1000\n")
    for command in (["budget", "--budget", tmp_path / "budget.yaml"], ["forecast"], ["anomalies"]):
        code, out, err = run(*command, "--cur", export, "--format", "json")
        assert code == 0, err
        json.loads(out)  # the note is on stderr: the JSON stays JSON
        assert "2026-10: 1 line item(s), $7.00, dated before their billing period" in err
        assert "are counted in 2026-10, the month they are billed" in err


def test_a_billing_period_that_is_not_a_time_is_refused_naming_the_column_and_value(tmp_path):
    import pandas as pd

    # one line item's bill_billing_period_start_date damaged to text: refused as a bad time
    # (it was called "a number" expected, the wording of a money column)
    export = cur2_day_bill.write(tmp_path / "cur.parquet", ["2026-10"], dt.date(2026, 11, 1))
    frame = pd.read_parquet(export)
    frame["bill_billing_period_start_date"] = frame["bill_billing_period_start_date"].astype(str)
    frame.loc[5, "bill_billing_period_start_date"] = "garbage"
    damaged = tmp_path / "cur.csv"
    frame.to_csv(damaged, index=False)
    code, out, err = run("reconcile", "--cur", damaged)
    assert code == 2 and out == ""
    assert "column bill_billing_period_start_date has 'garbage' (1 line item(s)) where a time" in err
