"""The bill read in one pass (issue 20, speed): groups, the export's own totals and the checks
in one query; product names read once per product code; line item ids seen twice in one hour
sent to the exact checks, never missed. Expected money is summed by hand from the items."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from unittest import mock

import duckdb
import pytest

from costmodel import lineitems
from costmodel.errors import InputError
from costmodel.lineitems import duck, engine
from costmodel.lineitems.queries import render, repeated_ids, to_athena
from tests.exports import Item, write
from tests.test_lineitems import trino_to_duckdb

OCTOBER = datetime(2026, 10, 1)


def item(line_item_id: str, hour: int, cost: str, hours: int = 1, **changes: str) -> Item:
    fields = (
        dict(
            product_code="AmazonEC2",
            product_name="Amazon Elastic Compute Cloud",
            usage_type="BoxUsage:c5.large",
            operation="RunInstances",
            resource_id="i-1",
            line_item_type="Usage",
            unit="Hrs",
        )
        | changes
    )
    return Item(
        line_item_id,
        datetime(2026, 10, 1 + hour // 24, hour % 24),
        hours,
        cost=Decimal(cost),
        usage=Decimal(hours),
        team=None,
        **fields,  # type: ignore[arg-type]
    )


def queries_of(source) -> tuple[list[str], lineitems.LineItemBill]:
    """The bill of ``source`` and every query it ran, in order."""
    sent: list[str] = []

    def recorded(sql):
        sent.append(sql)
        return duck.execute(sql)

    with mock.patch.object(engine, "execute", recorded):
        bill = lineitems.bill(source)
    return sent, bill


def test_a_clean_export_is_read_in_one_query(tmp_path):
    items = [
        item("li-1", 0, "0.085"),
        item("li-1", 1, "0.085"),
        item("li-2", 0, "1.50", usage_type="EBS:VolumeUsage.gp3"),
    ]
    path = write(items, tmp_path / "cur", "cur2", "parquet")
    sent, bill = queries_of(lineitems.open_files(path))
    # one query: the groups, October's own total and the checks (it used to be three passes)
    assert len(sent) == 1 and "GROUPING SETS" in sent[0]
    assert bill.controls["control_total"].tolist() == [pytest.approx(1.67)]  # 0.085 + 0.085 + 1.50


def test_product_names_are_read_once_per_product_code_not_from_every_line_item(tmp_path):
    marketplace = dict(
        product_code="prod-7x2", product_name="Datadog Pro", usage_type="MP:Hosts", unit="Hosts"
    )
    items = [
        item("li-1", 0, "0.085"),
        item("dd-1", 0, "0.03", **marketplace),
        item("dd-1", 1, "0.03", **marketplace),
        item("dd-1", 2, "0.04", **marketplace),
        # a line of the same code and hour without its name (as tax lines can be): the name is
        # the one the code's other lines give, never the empty one
        item("dd-tax", 2, "0.01", **(marketplace | {"product_name": "", "usage_type": ""})),
    ]
    path = write(items, tmp_path / "cur", "cur2", "parquet")
    sent, bill = queries_of(lineitems.open_files(path))
    # the bill's pass never opens the product map; the name of the one product code the
    # table does not know is read from its line items of one hour: its last (02:00)
    assert len(sent) == 2 and "product" not in sent[0].replace("product_", "")
    assert "TIMESTAMP '2026-10-01 02:00:00.000000'" in sent[1] and "'prod-7x2'" in sent[1]
    by_service = bill.rows.groupby("service")["unblended_cost"].sum()
    assert by_service["Datadog Pro"] == pytest.approx(0.11)  # 0.03 + 0.03 + 0.04 + 0.01, under its own name
    assert by_service["Amazon Elastic Compute Cloud - Compute"] == pytest.approx(0.085)


def test_every_line_item_id_seen_twice_in_one_hour_is_counted_and_none_other(tmp_path):
    # b twice at 05:00 (one repeat); a at two hours, c at the two sides of a 63-hour block
    # (hours counted from 1970: 2026-10-01T00:00 is hour 498,408 = 7,911 x 63 + 15; the block
    # ends 48 hours later, at 2026-10-03T00:00)
    items = [
        item("a", 5, "1"),
        item("a", 6, "1"),
        item("b", 5, "1"),
        item("b", 5, "1"),
        item("c", 47, "1"),
        item("c", 48, "1"),
    ]
    path = write(items, tmp_path / "cur", "cur2", "parquet", times="naive")
    sql = repeated_ids(lineitems.open_files(path))
    assert duckdb.execute(sql).fetchall() == [(1,)]
    assert duckdb.execute(trino_to_duckdb(to_athena(sql))).fetchall() == [(1,)]  # the same on Athena


def test_two_line_items_of_one_id_and_hour_that_are_not_one_are_both_kept(tmp_path):
    # the same id starting in the same hour, an hourly and a daily interval: not a duplicate
    # (the id and interval differ), so the exact check keeps both: 0.20 + 4.80 = 5.00
    items = [item("li-1", 0, "0.20"), item("li-1", 0, "4.80", hours=24)]
    path = write(items, tmp_path / "cur", "cur2", "parquet")
    sent, bill = queries_of(lineitems.open_files(path))
    assert any("COUNT(DISTINCT" in q for q in sent)  # the exact checks ran
    assert bill.controls["control_total"].tolist() == [pytest.approx(5.00)]
    assert bill.findings.duplicates == 0


def test_an_export_without_line_items_is_refused_as_such(tmp_path):
    path = write([item("li-1", 0, "1")], tmp_path / "cur", "cur2", "parquet")
    empty = tmp_path / "empty.parquet"
    duckdb.execute(f"COPY (SELECT * FROM read_parquet('{path}') LIMIT 0) TO '{empty}' (FORMAT PARQUET)")
    with pytest.raises(InputError, match="empty.parquet: no line items$"):
        lineitems.bill(lineitems.open_files(empty))


def test_the_bill_query_names_its_levels_and_the_export_total_is_summed_apart(tmp_path):
    items = [item("li-1", 0, "0.085"), item("li-2", 0, "1.50", usage_type="EBS:VolumeUsage.gp3")]
    source = lineitems.open_files(write(items, tmp_path / "cur", "cur2", "parquet"))
    frame = duckdb.execute(
        render("bill", source, {"product_name": "''"}, **lineitems.queries.bill_parameters(source, "month"))
    ).df()
    groups, months = frame.loc[frame["level"] == 0], frame.loc[frame["level"] != 0]
    assert len(groups) == 2 and len(months) == 1
    assert months["unblended_cost"].iloc[0] == pytest.approx(1.585) and months["line_items"].iloc[0] == 2
