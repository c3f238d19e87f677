"""Billing exports line by line (issue 13): CUR 2.0, legacy CUR and FOCUS on DuckDB, the same
queries on Athena (moto on 127.0.0.1), and money conserved to the cent."""

import csv
import gzip
import json
import re
from decimal import Decimal
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import duckdb
import pandas as pd
import pytest
import requests

from costmodel import lineitems
from costmodel.actuals import read_actuals
from costmodel.errors import InputError
from costmodel.lineitems import duck, engine
from costmodel.lineitems.queries import bill_parameters, product_names_parameters, render, to_athena
from costmodel.reconcile import month as reconcile_month
from tests.test_trust import refused, run

DATA = Path(__file__).parent.parent / "data" / "actuals"
CUR = DATA / "cur2-2026-06..2026-10.parquet"
CE = DATA / "ce-2026-06..2026-10.json"
LEGACY = Path(__file__).parent / "data" / "cur_legacy_anonymized_focus_converters.csv"
MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
COMPARED = ["actual", "actual_amortized", "calendar_variance", "volume_variance", "rate_variance"]


@pytest.fixture(scope="module")
def cur_bill():
    return lineitems.bill(lineitems.open_files(CUR))


@pytest.mark.parametrize("month", MONTHS)
def test_the_cur_sample_reconciles_line_for_line_as_cost_explorer_does(cur_bill, production, catalog, month):
    from_cur = reconcile_month(cur_bill, production, month, catalog)
    from_ce = reconcile_month(read_actuals(CE), production, month, catalog)
    a, b = (r.lines.set_index("category")[COMPARED].round(2) for r in (from_cur, from_ce))
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index())
    assert round(from_cur.input_total, 2) == round(from_ce.input_total, 2)
    assert from_cur.unmapped["actual"].round(2).tolist() == from_ce.unmapped["actual"].round(2).tolist()


def test_the_legacy_cur_sample_is_conserved_to_its_own_total():
    # summed by hand from the CSV with Decimal, without costmodel or DuckDB
    with LEGACY.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = sum((Decimal(r["lineItem/UnblendedCost"] or "0") for r in rows), Decimal(0))
    bill = lineitems.bill(lineitems.open_files(LEGACY))
    control = bill.controls.iloc[0]
    assert len(rows) == 1281 and control["month"] == "2023-11"
    assert control["control_total"] == pytest.approx(float(expected), abs=1e-9)
    assert bill.rows["unblended_cost"].sum() == pytest.approx(float(expected), abs=1e-9)
    assert "Tax" in set(bill.rows["service"])  # tax lines carry the taxed product's code


def test_a_gzipped_legacy_export_and_a_folder_of_monthly_files_read_the_same(tmp_path, cur_bill):
    gz = tmp_path / "cur.csv.gz"
    gz.write_bytes(gzip.compress(LEGACY.read_bytes()))
    plain = lineitems.bill(lineitems.open_files(LEGACY)).controls["control_total"].iloc[0]
    assert lineitems.bill(lineitems.open_files(gz)).controls["control_total"].iloc[0] == pytest.approx(plain)
    folder = tmp_path / "exports"
    for month in MONTHS:  # AWS delivers one folder of files per billing period
        (folder / f"BILLING_PERIOD={month}").mkdir(parents=True)
        duckdb.execute(
            f"COPY (SELECT * FROM read_parquet('{CUR}') "
            f"WHERE strftime(line_item_usage_start_date, '%Y-%m') = '{month}') "
            f"TO '{folder}/BILLING_PERIOD={month}/part-0.parquet' (FORMAT PARQUET)"
        )
    for path in (folder, f"{folder}/*/*.parquet"):
        split = lineitems.bill(lineitems.open_files(path)).controls
        pd.testing.assert_series_equal(split["control_total"], cur_bill.controls["control_total"])


def focus_of(month: str, tmp_path: Path, aws_columns: bool = True) -> Path:
    """The CUR sample's month as a FOCUS 1.2 CSV export (with AWS's x_ columns or without)."""
    x = (
        ", line_item_usage_type AS x_UsageType, line_item_product_code AS x_ServiceCode"
        if aws_columns
        else ""
    )
    path = tmp_path / f"focus-{month}{'' if aws_columns else '-plain'}.csv"
    duckdb.execute(
        f"""COPY (SELECT line_item_usage_start_date AS ChargePeriodStart, line_item_usage_end_date AS ChargePeriodEnd,
                  CASE line_item_line_item_type WHEN 'Tax' THEN 'Tax' WHEN 'Credit' THEN 'Credit' ELSE 'Usage' END
                    AS ChargeCategory,
                  line_item_unblended_cost AS BilledCost,
                  CASE line_item_line_item_type WHEN 'DiscountedUsage' THEN reservation_effective_cost
                       WHEN 'RIFee' THEN reservation_unused_recurring_fee ELSE line_item_unblended_cost END
                    AS EffectiveCost,
                  'USD' AS BillingCurrency, product['product_name'] AS ServiceName,
                  line_item_usage_account_id AS SubAccountId, line_item_resource_id AS ResourceId,
                  line_item_usage_amount AS ConsumedQuantity, pricing_unit AS ConsumedUnit{x}
                FROM read_parquet('{CUR}') WHERE strftime(line_item_usage_start_date, '%Y-%m') = '{month}')
            TO '{path}' (HEADER, DELIMITER ',')"""
    )
    return path


def test_a_focus_export_with_aws_columns_reconciles_as_the_cur_does(tmp_path, production, catalog, cur_bill):
    focus = lineitems.bill(lineitems.open_files(focus_of("2026-10", tmp_path), expected="focus"))
    a = reconcile_month(focus, production, "2026-10", catalog).lines.set_index("category")[COMPARED].round(2)
    b = (
        reconcile_month(cur_bill, production, "2026-10", catalog)
        .lines.set_index("category")[COMPARED]
        .round(2)
    )
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index())


def test_a_plain_focus_export_reconciles_per_service_and_conserves(tmp_path):
    code, out, _ = run(
        "reconcile", "--focus", focus_of("2026-10", tmp_path, aws_columns=False), "--format", "json"
    )
    (month,) = json.loads(out)["months"]
    assert code == 0 and month["conservation"]["bill_total"] == pytest.approx(10192.394452, abs=0.005)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            "SELECT * EXCLUDE (line_item_currency_code)",
            "has no column 'line_item_currency_code'; it is required",
        ),
        (
            "SELECT * REPLACE (CASE WHEN identity_line_item_id = 'sample-0000007' THEN 'EUR' ELSE 'USD' END"
            " AS line_item_currency_code)",
            "column line_item_currency_code has EUR, USD",
        ),
        (
            "SELECT identity_line_item_id AS id, line_item_unblended_cost AS cost",
            "unknown billing export schema",
        ),
        # amounts that would lose or make up money: a cost missing (SUM skips it), NaN, inf
        *(
            (
                f"SELECT * REPLACE (CASE WHEN identity_line_item_id = 'sample-0000007' THEN {value} "
                "ELSE line_item_unblended_cost END AS line_item_unblended_cost)",
                message,
            )
            for value, message in [
                ("NULL", "1 line item(s) with no line_item_unblended_cost, the first in 2026-06"),
                (
                    "'NaN'::DOUBLE",
                    "1 line item(s) with a line_item_unblended_cost that is no plausible amount",
                ),
                (
                    "'inf'::DOUBLE",
                    "1 line item(s) with a line_item_unblended_cost that is no plausible amount",
                ),
            ]
        ),
        (
            "SELECT * REPLACE (CASE WHEN identity_line_item_id = 'sample-0000007' THEN 'NaN'::DOUBLE "
            "ELSE line_item_usage_amount END AS line_item_usage_amount)",
            "1 line item(s) with a line_item_usage_amount that is no plausible number",
        ),
    ],
)
def test_damaged_exports_are_one_line_naming_the_file_and_column(tmp_path, change, message):
    path = tmp_path / "damaged.parquet"
    duckdb.execute(f"COPY ({change} FROM read_parquet('{CUR}')) TO '{path}' (FORMAT PARQUET)")
    err = refused("reconcile", "--cur", path)
    assert "damaged.parquet" in err and message in err


@pytest.mark.parametrize("command", ["resources", "breakdown", "nodes"])
def test_every_line_item_table_refuses_what_the_bill_refuses(tmp_path, command):
    # before, only reconcile checked: resources labelled a EUR export's amounts "USD"
    path = tmp_path / "eur.parquet"
    duckdb.execute(
        f"COPY (SELECT * REPLACE ('EUR' AS line_item_currency_code) FROM read_parquet('{CUR}')) "
        f"TO '{path}' (FORMAT PARQUET)"
    )
    extra = ["--by", "account"] if command == "breakdown" else []
    err = refused(command, "--cur", path, "--month", "2026-10", *extra)
    assert "eur.parquet: column line_item_currency_code has EUR" in err


@pytest.mark.parametrize("command", ["resources", "breakdown", "nodes"])
def test_a_month_the_export_does_not_have_is_refused(command):
    # nodes had printed 0 node-hours billed for it, resources an empty table: both exit 0
    extra = ["--by", "account"] if command == "breakdown" else []
    err = refused(command, "--cur", CUR, "--month", "2027-01", *extra)
    assert "no line items in 2027-01" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--cur", "nowhere/*.parquet"], "no file matches"),
        (["--cur", "no-such-file.parquet"], "billing export not found"),
        (["--focus", str(CUR)], "--focus expects a FOCUS export"),
        (["--cur", str(CUR), "--actuals", str(CE)], "give one bill"),
        (["--athena", "cur.table"], "--athena needs --athena-output"),
        (["--athena", "cur;drop", "--athena-output", "s3://b/p/"], "expected DATABASE.TABLE"),
    ],
)
def test_bad_line_item_options_are_one_line(argv, message):
    assert message in refused("reconcile", *argv)


def test_resources_join_the_architectures_components():
    code, out, _ = run("resources", "--cur", CUR, "--month", "2026-10", "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["month"] == "2026-10" and payload["currency"] == "USD"
    rows = {(r["resource_id"].split(":")[-1], r["usage_type"]): r for r in payload["resources"]}
    assert set(payload["resources"][0]) >= {
        "resource_id",
        "service",
        "component",
        "usage_type",
        "usage_quantity",
        "cost",
        "amortized_cost",
    }
    primary = rows[("rds-primary", "Multi-AZUsage:db.r5.2xl")]
    # 744 h x $2.00 Multi-AZ db.r5.2xlarge
    assert primary["cost"] == pytest.approx(1488.0) and primary["component"].startswith("Primary instance")
    assert rows[("rds-replica-1", "InstanceUsage:db.r5.2xl")]["component"].startswith("Read replica instance")
    # the sample's third replica is not in the two-replica architecture: said so
    assert rows[("rds-replica-3", "InstanceUsage:db.r5.2xl")]["component"] == "not in the architecture"
    assert sum(r["cost"] for r in payload["resources"]) == pytest.approx(10192.394452, abs=0.005)


def test_breakdown_by_tag_shows_untagged_cost_as_its_own_row_and_adds_up():
    code, out, _ = run(
        "breakdown", "--cur", CUR, "--month", "2026-10", "--by", "tag:team", "--format", "json"
    )
    rows = {r["key"]: r for r in json.loads(out)["rows"]}
    assert code == 0 and set(rows) == {"data", "platform", "web", "(untagged)"}
    assert sum(r["cost"] for r in rows.values()) == pytest.approx(10192.394452, abs=0.005)
    # RDS, ElastiCache, MSK and the backups bucket are team data: 4,695.00 + 917.352 + 858.72 + 25.81...
    assert rows["data"]["cost"] > 4695.00 + 917.35 + 858.72


def test_breakdown_by_usage_type_names_the_lines_without_one():
    code, out, _ = run(
        "breakdown", "--cur", CUR, "--month", "2026-10", "--by", "usage_type", "--format", "json"
    )
    rows = {r["key"]: r["cost"] for r in json.loads(out)["rows"]}
    assert code == 0 and "" not in rows
    # the October tax, summed straight from the file (line items with no usage type are Tax here)
    tax = duckdb.execute(
        f"SELECT SUM(line_item_unblended_cost) FROM read_parquet('{CUR}') WHERE line_item_line_item_type = 'Tax' "
        "AND line_item_usage_start_date >= '2026-10-01' AND line_item_usage_start_date < '2026-11-01'"
    ).fetchone()[0]
    assert rows["(no usage type: Tax)"] == pytest.approx(tax) and tax > 0


@pytest.mark.parametrize("by", ["tag:team'; DROP TABLE x; --", "cost_center", "tag:"])
def test_a_bad_breakdown_key_is_one_line(by):
    err = refused("breakdown", "--cur", CUR, "--month", "2026-10", "--by", by)
    assert "tag key" in err or "expected tag:KEY" in err


def test_the_node_groups_billed_hours_match_cost_explorer_and_the_model():
    code, out, _ = run("nodes", "--cur", CUR, "--month", "2026-10", "--format", "json")
    payload = json.loads(out)
    # the Cost Explorer sample's BoxUsage:c5.2xlarge quantity in October: 3,586 node-hours;
    # the model runs 3 nodes x 744 h = 2,232; volume variance (3,586 - 2,232) x $0.34 = $460.36
    assert code == 0 and payload["actual_node_hours"] == 3586 and payload["fixed_node_hours"] == 2232
    assert payload["volume_variance"] == pytest.approx(460.36)
    assert len(payload["hours"]) == 744 and payload["autoscaling_share_pct"] == pytest.approx(0.0)


def test_the_report_from_line_items_shows_the_cost_explorer_reports_numbers(tmp_path):
    from costmodel.report import build_report

    code, _, _ = run("report", "--month", "2026-10", "--cur", CUR, "--out", tmp_path / "cur")
    assert code == 0
    from_cur = (tmp_path / "cur" / "cost-report-2026-10.html").read_text()
    from_ce = build_report("2026-10", tmp_path / "ce", actuals_path=CE).read_text()
    # the October total of both samples: $10,192.39 (the line items' own total, as above)
    assert "$10,192.39" in from_cur and "$10,192.39" in from_ce
    # the same reconciliation table, line for line (lines of equal size may come in another order)
    table = re.compile(r'<table id="reconciliation".*?</table>', re.S)
    rows_cur, rows_ce = (sorted(table.search(html).group(0).split("<tr")) for html in (from_cur, from_ce))
    assert len(rows_cur) > 20 and rows_cur == rows_ce
    # anomalies come from the line items' own days, and the sample export is flagged synthetic
    assert "SYNTHETIC" in from_cur and "Anomalies need daily actuals" not in from_cur


# ---------------------------------------------------------------- Athena (moto on 127.0.0.1)
def bill_queries(local) -> list[tuple[str, pd.DataFrame]]:
    """Each query the bill of ``local`` runs on DuckDB, with its result (what Athena would
    answer over the same table), in order."""
    local_queries = []

    def recorded(sql):
        local_queries.append((sql, duck.execute(sql)))
        return local_queries[-1][1]

    with mock.patch.object(engine, "execute", recorded):
        lineitems.bill(local)
    return local_queries


def athena_result(frame: pd.DataFrame) -> dict:
    """A DataFrame as Athena's GetQueryResults rows (a header row first), for moto's queue."""
    types = {
        c: "double"
        if pd.api.types.is_float_dtype(t)
        else "bigint"
        if pd.api.types.is_integer_dtype(t)
        else "varchar"
        for c, t in frame.dtypes.items()
    }
    header = {"Data": [{"VarCharValue": c} for c in frame.columns]}
    rows = [
        {
            "Data": [
                {} if pd.isna(v) else {"VarCharValue": repr(float(v)) if types[c] == "double" else str(v)}
                for c, v in zip(frame.columns, r, strict=True)
            ]
        }
        for r in frame.itertuples(index=False)
    ]
    return {"rows": [header, *rows], "column_info": [{"Name": c, "Type": types[c]} for c in frame.columns]}


def test_the_athena_path_sends_the_transpiled_queries_and_reads_their_results(moto_server, cur_bill):
    import boto3

    from costmodel.lineitems import Athena
    from tests.conftest import FAKE_CREDENTIALS

    requests.post(f"{moto_server}/moto-api/reset", timeout=5)
    local = lineitems.open_files(CUR)
    described = duckdb.execute(f"DESCRIBE SELECT * FROM read_parquet('{CUR}')").fetchall()
    schema = {
        "rows": [{"Data": [{"VarCharValue": r[0]} for r in described]}],
        "column_info": [{"Name": r[0], "Type": r[1].lower()} for r in described],
    }
    # what Athena would answer: each query the bill runs on DuckDB over the sample, and its result
    local_queries = bill_queries(local)
    queued = [schema, *(athena_result(result) for _, result in local_queries)]
    response = requests.post(
        f"{moto_server}/moto-api/static/athena/query-results",
        json={"results": queued, "region": "us-east-1"},
        timeout=5,
    )
    assert response.status_code == 201
    client = boto3.client("athena", region_name="us-east-1", endpoint_url=moto_server, **FAKE_CREDENTIALS)
    # The real client, not a stub: record what it puts on the wire, so the protocol exercised here
    # is the one the locked botocore sends to AWS (constraints.txt says why botocore is pinned).
    wire: list[tuple[str, str, str]] = []

    def record(request, **_):
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        wire.append((request.method, urlsplit(request.url).path, target))

    client.meta.events.register("before-send.athena", record)
    protocol = client.meta.service_model.protocol
    assert protocol == "json", (
        f"the locked botocore sends Athena as {protocol!r}; moto's server routes only 'json' "
        "(see constraints.txt): upgrade moto or keep the botocore pin"
    )
    athena = Athena("cur.cur2_export", "s3://results/costmodel/", client=client, poll_seconds=0)
    remote = athena.source()
    bill = lineitems.bill(remote, athena)
    pd.testing.assert_frame_equal(
        bill.controls[["month", "control_total"]], cur_bill.controls[["month", "control_total"]]
    )
    assert bill.rows["unblended_cost"].sum() == pytest.approx(cur_bill.rows["unblended_cost"].sum())
    sent = athena.queries[1:]
    # one pass for the bill (groups, totals and checks), then the product names it needs (the
    # sample's tax lines have no product code): the queries DuckDB ran, transpiled
    assert len(sent) == 2 and "GROUPING SETS" in sent[0] and "product_name" in sent[1]
    # the same SQL, on the Athena table (one partition to costmodel: no file name per line item)
    athena_sql = [sql.replace(local.relation, remote.relation) for sql, _ in local_queries]
    assert sent == [
        to_athena(sql.replace("filename AS source_file", "'' AS source_file")) for sql in athena_sql
    ]
    assert all('FROM "cur"."cur2_export"' in q and "DATE_TRUNC" in q for q in sent[:1])
    # json protocol on the wire: POST / with the operation in X-Amz-Target, answered by moto
    assert {(method, path) for method, path, _ in wire} == {("POST", "/")}
    operations = {target.removeprefix("AmazonAthena.") for *_, target in wire}
    assert {"StartQueryExecution", "GetQueryExecution", "GetQueryResults"} <= operations


def trino_to_duckdb(trino: str) -> str:
    """Athena's SQL back in DuckDB's dialect, to run it: sqlglot's transpilation, and Trino's
    bit and hash functions as DuckDB spells them (xxhash64 of the values joined: a hash of
    the values)."""
    import sqlglot
    from sqlglot import exp

    def duck_bits(node):
        name = str(node.this).upper() if isinstance(node, exp.Anonymous) else ""
        if name == "BITWISE_LEFT_SHIFT":
            return exp.BitwiseLeftShift(this=node.expressions[0], expression=node.expressions[1])
        if name == "BIT_COUNT":  # Trino's second argument is the width
            return exp.Anonymous(this="bit_count", expressions=[node.expressions[0].transform(duck_bits)])
        if name == "XXHASH64":  # xxhash64(to_utf8(concat_ws('|', CAST(a AS VARCHAR), ...)))
            joined = node.expressions[0].this  # to_utf8 parses as Encode(ConcatWs(...))
            return exp.Anonymous(
                this="hash", expressions=[e.transform(duck_bits) for e in joined.expressions[1:]]
            )
        return node

    return sqlglot.parse_one(trino, read="trino").transform(duck_bits).sql(dialect="duckdb")


@pytest.mark.parametrize("name", ["bill", "bill by day", "product_names", "resources", "breakdown"])
def test_the_athena_sql_computes_the_same_numbers_when_run_back_on_duckdb(name):
    local = lineitems.open_files(CUR)
    parameters = {
        "month_filter": "usage_start >= TIMESTAMP '2026-10-01 00:00:00' AND usage_start < TIMESTAMP '2026-11-01 00:00:00'"
    }
    extra = None
    if name == "breakdown":
        key, extra = lineitems.queries.breakdown_key("tag:team", local)
        parameters["key"] = key
    if name.startswith("bill"):
        parameters = bill_parameters(local, "day" if name.endswith("day") else "month")
        extra = {"product_name": "''"}
    if name == "product_names":
        parameters = product_names_parameters(
            ["", "AWSShield"], ["2026-10-31 00:00:00", "2026-06-01 00:00:00"]
        )
    duck = render(name.split()[0], local, extra, **parameters)
    trino = to_athena(duck)
    assert "element_at(" in trino.lower() or name != "breakdown"  # a missing tag is NULL in Trino too
    if name.startswith("bill"):  # Trino's spellings of the bit functions that find repeated ids
        assert "BITWISE_OR_AGG(BITWISE_LEFT_SHIFT(" in trino and re.search(r"BIT_COUNT\(.*, 64\)", trino)
    back = trino_to_duckdb(trino)
    a, b = duckdb.execute(duck).df(), duckdb.execute(back).df()
    assert len(a) > 0
    columns = list(a.columns)
    pd.testing.assert_frame_equal(
        a.sort_values(columns, ignore_index=True),
        b.sort_values(columns, ignore_index=True),
        check_dtype=False,
    )


def test_an_athena_table_name_is_checked_before_any_call():
    with pytest.raises(InputError, match="expected DATABASE.TABLE"):
        lineitems.Athena("no_dot", "s3://b/p/", client=object())


def test_a_non_number_from_athena_is_one_error_not_a_traceback():
    from costmodel.errors import CostModelError

    class Client:
        """Answers one query whose double column holds text."""

        def start_query_execution(self, **request):
            return {"QueryExecutionId": "q1"}

        def get_query_execution(self, **request):
            return {"QueryExecution": {"Status": {"State": "SUCCEEDED"}}}

        def get_query_results(self, **request):
            columns = [{"Name": "cost", "Type": "double"}]
            rows = [{"Data": [{"VarCharValue": "cost"}]}, {"Data": [{"VarCharValue": "lots"}]}]
            return {"ResultSet": {"ResultSetMetadata": {"ColumnInfo": columns}, "Rows": rows}}

    athena = lineitems.Athena("cur.cur2", "s3://results/", client=Client(), poll_seconds=0)
    with pytest.raises(CostModelError, match="non-number in numeric column cost"):
        athena.query("SELECT 1")


def test_athena_without_a_region_names_the_option_to_give_it(tmp_path, monkeypatch):
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "empty-config"))
    with pytest.raises(InputError, match="--athena-region"):
        lineitems.Athena("cur.cur2", "s3://results/")
    err = refused("reconcile", "--athena", "cur.cur2", "--athena-output", "s3://results/")
    assert "--athena-region" in err and "You must specify a region" not in err


def athena_table(partitions: str, types: dict[str, str]) -> lineitems.Source:
    """The CUR sample as an Athena table with a crawler's partition columns (``partitions``:
    SQL of them over the sample's own columns), to run Athena's SQL back on DuckDB."""
    import dataclasses

    local = lineitems.open_files(CUR)
    return dataclasses.replace(
        local,
        relation=f"(SELECT *, {partitions} FROM {local.relation})",
        columns=(*local.columns, *types),
        types={**local.types, **types},
        engine="athena",
    )


@pytest.mark.parametrize(
    ("partitions", "types", "named"),
    [  # a Data Export's BILLING_PERIOD=2026-10; a legacy CUR crawler's year=2026/month=10, text or numbers
        (
            "strftime(bill_billing_period_start_date, '%Y-%m') AS billing_period",
            {"billing_period": "VARCHAR"},
            """"billing_period" = '2026-10'""",
        ),
        (
            "strftime(bill_billing_period_start_date, '%Y') AS year, "
            "CAST(month(bill_billing_period_start_date) AS VARCHAR) AS month",
            {"year": "VARCHAR", "month": "VARCHAR"},
            """"year" = '2026' AND "month" IN ('10', '10')""",
        ),
        (
            "year(bill_billing_period_start_date) AS year, month(bill_billing_period_start_date) AS month",
            {"year": "INTEGER", "month": "INTEGER"},
            """"year" = 2026 AND "month" = 10""",
        ),
    ],
)
def test_a_months_athena_query_reads_only_that_months_partition_and_loses_no_line_item(
    partitions, types, named
):
    # Athena bills per byte scanned: a month's resources must not read the organisation's
    # whole history, and naming the partition must not change a cent of the month
    remote = athena_table(partitions, types)
    parameters = {"month_filter": lineitems.queries.month_filter("2026-10")}
    athena_sql = render("resources", remote, None, "2026-10", **parameters)
    assert named in athena_sql.split(") SELECT")[0]  # in the CTE that reads the table
    everything = render("resources", lineitems.open_files(CUR), None, None, **parameters)
    a, b = duckdb.execute(everything).df(), duckdb.execute(trino_to_duckdb(athena_sql)).df()
    assert len(a) > 10 and round(b["cost"].sum(), 2) == round(a["cost"].sum(), 2)
    pd.testing.assert_frame_equal(
        a.sort_values(["resource_id", "usage_type"], ignore_index=True),
        b.sort_values(["resource_id", "usage_type"], ignore_index=True),
        check_dtype=False,
    )


def test_a_months_query_on_files_or_on_an_unpartitioned_table_names_no_partition():
    import dataclasses

    local = lineitems.open_files(CUR)
    assert lineitems.queries.partition_filter(local, "2026-10") is None  # DuckDB reads files
    unpartitioned = dataclasses.replace(local, engine="athena")
    assert lineitems.queries.partition_filter(unpartitioned, "2026-10") is None
    assert (
        lineitems.queries.partition_filter(
            athena_table("1 AS billing_period", {"billing_period": "VARCHAR"}), None
        )
        is None
    )
