"""The tester's findings after issues 19 and 20 (trust round two, real billing files): each
a case that failed before its fix. Expected money by hand, in the comments."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.exports import Item, write
from tests.test_trust import refused, run

LEGACY_HEADER = [
    "identity/LineItemId",
    "identity/TimeInterval",
    "lineItem/UsageAccountId",
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/ProductCode",
    "lineItem/UsageType",
    "lineItem/UnblendedCost",
    "lineItem/UsageAmount",
    "lineItem/CurrencyCode",
]


def legacy_csv(path, rows, tag_columns):
    """A legacy CUR CSV: ``rows`` of (id, day, cost, {tag column: value})."""
    lines = [",".join([*LEGACY_HEADER, *tag_columns])]
    for line_id, day, cost, tags in rows:
        start, end = f"2026-10-{day:02d}T00:00:00Z", f"2026-10-{day:02d}T01:00:00Z"
        cells = [line_id, f"{start}/{end}", "111122223333", "Usage", start, end, "AmazonEC2"]
        cells += ["BoxUsage:m5.large", cost, "1", "USD", *(tags.get(c, "") for c in tag_columns)]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def breakdown(path, key, flag="--cur"):
    code, out, err = run(
        "breakdown", flag, path, "--month", "2026-10", "--by", f"tag:{key}", "--format", "json"
    )
    assert code == 0, err
    payload = json.loads(out)
    rows = payload["rows"] if isinstance(payload, dict) else payload
    return {r["key"]: r["cost"] for r in rows}


# ------------------------------------------------------------------ A1: tag keys are case-sensitive
def test_a_legacy_tag_column_of_another_case_is_a_different_tag(tmp_path):
    path = legacy_csv(
        tmp_path / "cur.csv",
        [
            ("a", 1, "1.25", {"resourceTags/user:team": "web"}),
            ("b", 2, "2.50", {"resourceTags/user:Team": "data"}),
        ],
        ["resourceTags/user:Team", "resourceTags/user:team"],
    )
    # tag team: web $1.25 (line a); line b carries only Team, another tag: untagged $2.50
    assert breakdown(path, "team") == {"web": pytest.approx(1.25), "(untagged)": pytest.approx(2.50)}
    # tag Team: data $2.50 (line b); line a untagged $1.25
    assert breakdown(path, "Team") == {"data": pytest.approx(2.50), "(untagged)": pytest.approx(1.25)}


def test_a_tag_key_present_only_in_another_case_is_refused_naming_it(tmp_path):
    path = legacy_csv(
        tmp_path / "cur.csv",
        [("a", 1, "1.25", {"resourceTags/user:Team": "web"})],
        ["resourceTags/user:Team"],
    )
    err = refused("breakdown", "--cur", path, "--month", "2026-10", "--by", "tag:team")
    assert "'Team'" in err and "case-sensitive" in err and "tag:Team" in err


def cur2_with_tags(path, tags):
    """A CUR 2.0 Parquet of one line item per tag map in ``tags`` (cost 1, 2, 4, ... USD)."""
    n = len(tags)
    starts = [datetime(2026, 10, 1, i) for i in range(n)]
    table = pa.table(
        {
            "identity_line_item_id": [f"li-{i}" for i in range(n)],
            "line_item_usage_start_date": pa.array(starts, pa.timestamp("us")),
            "line_item_usage_end_date": pa.array(
                [s.replace(hour=s.hour + 1) for s in starts], pa.timestamp("us")
            ),
            "line_item_product_code": ["AmazonEC2"] * n,
            "line_item_usage_type": ["BoxUsage:m5.large"] * n,
            "line_item_line_item_type": ["Usage"] * n,
            "line_item_unblended_cost": [float(2**i) for i in range(n)],
            "line_item_currency_code": ["USD"] * n,
            "resource_tags": pa.array([list(t.items()) for t in tags], pa.map_(pa.string(), pa.string())),
        }
    )
    pq.write_table(table, path)
    return path


def test_a_cur2_map_key_of_another_case_is_never_a_fallback_row_by_row(tmp_path):
    path = cur2_with_tags(tmp_path / "cur.parquet", [{"user_Team": "web"}, {"user_team": "data"}])
    # tag Team: web $1 (line 0); line 1's user_team is another tag: untagged $2
    assert breakdown(path, "Team") == {"web": pytest.approx(1.0), "(untagged)": pytest.approx(2.0)}
    # tag team: data $2, untagged $1
    assert breakdown(path, "team") == {"data": pytest.approx(2.0), "(untagged)": pytest.approx(1.0)}


def test_a_tag_key_on_no_line_item_says_the_keys_there(tmp_path):
    path = cur2_with_tags(tmp_path / "cur.parquet", [{"user_team": "web"}, {"user_env": "prod"}])
    code, out, _ = run(
        "breakdown", "--cur", path, "--month", "2026-10", "--by", "tag:nosuch", "--format", "json"
    )
    payload = json.loads(out)
    assert code == 0 and payload["rows"][0]["cost"] == pytest.approx(3.0)  # $1 + $2, all untagged
    assert any("'nosuch' is on no line item" in n and "tag keys: env, team" in n for n in payload["notes"])


# ------------------------------------------------------------------ A2, A3: a delivery read twice
ONE_HOUR = [
    Item(
        f"li-{n}",
        datetime(2026, 10, 1 + n, 0),
        1,
        "AmazonEC2",
        "Amazon Elastic Compute Cloud",
        "BoxUsage:m5.large",
        "RunInstances",
        f"i-{n}",
        "Usage",
        Decimal("0.096") * (n + 1),
        Decimal(1),
        "Hrs",
        "web",
    )
    for n in range(3)
]


def test_the_same_focus_file_twice_in_a_folder_is_refused_naming_both(tmp_path):
    first = write(ONE_HOUR, tmp_path / "focus-a", "focus", "csv")
    (tmp_path / "focus-copy.csv").write_bytes(first.read_bytes())
    err = refused("reconcile", "--focus", tmp_path)
    assert "focus-a.csv" in err and "focus-copy.csv" in err and "twice" in err
    # one of them reads: 0.096 + 0.192 + 0.288 = $0.576
    code, out, _ = run("reconcile", "--focus", first, "--format", "json")
    assert code == 0 and json.loads(out)["months"][0]["conservation"]["bill_total"] == pytest.approx(0.576)


def test_the_same_rows_in_another_format_are_refused(tmp_path):
    write(ONE_HOUR, tmp_path / "focus-a", "focus", "csv")
    write(ONE_HOUR, tmp_path / "focus-b", "focus", "csv.gz")  # the same rows, gzipped
    err = refused("breakdown", "--focus", tmp_path, "--month", "2026-10", "--by", "service")
    assert "focus-a.csv" in err and "focus-b.csv.gz" in err


def test_two_cur_deliveries_with_regenerated_ids_are_refused_naming_the_files(tmp_path):
    write(ONE_HOUR, tmp_path / "cur-v1", "legacy", "csv.gz", tags="flat")
    regenerated = [Item(**{**i.__dict__, "line_item_id": f"new-{i.line_item_id}"}) for i in ONE_HOUR]
    write(regenerated, tmp_path / "cur-v2", "legacy", "csv.gz", tags="flat")
    err = refused("reconcile", "--cur", tmp_path)
    assert "cur-v1.csv.gz" in err and "cur-v2.csv.gz" in err and "--assembly" in err


def test_two_parts_of_one_delivery_are_read_together(tmp_path):
    write(ONE_HOUR[:2], tmp_path / "part-1", "cur2", "parquet")
    write(ONE_HOUR[2:], tmp_path / "part-2", "cur2", "parquet")
    code, out, _ = run("reconcile", "--cur", tmp_path, "--format", "json")
    assert code == 0 and json.loads(out)["months"][0]["conservation"]["bill_total"] == pytest.approx(0.576)


def test_an_assembly_that_names_no_delivery_folder_is_refused(tmp_path):
    period = tmp_path / "cur" / "20261001-20261101" / "assembly-a"
    period.mkdir(parents=True)
    write(ONE_HOUR, period / "report-1", "legacy", "csv.gz", tags="flat")
    err = refused("reconcile", "--cur", tmp_path / "cur", "--assembly", "/no/such/assembly")
    assert "--assembly /no/such/assembly: no delivery folder" in err and "assembly-a" in err


# ------------------------------------------------------------------ A4: daily data stopping early
ROOT = Path(__file__).parent.parent


def daily_through(tmp_path, last_day: str) -> Path:
    """The bundled daily Cost Explorer sample cut after ``last_day``, no period Estimated."""
    payload = json.loads(
        gzip.decompress((ROOT / "data" / "actuals" / "ce-daily-2026-06..2026-10.json.gz").read_bytes())
    )
    for entry in payload["requests"]:
        for page in entry["pages"]:
            page["ResultsByTime"] = [r for r in page["ResultsByTime"] if r["TimePeriod"]["Start"] <= last_day]
            for result in page["ResultsByTime"]:
                result["Estimated"] = False
    path = tmp_path / "daily.json"
    path.write_text(json.dumps(payload))
    return path


def test_daily_cost_explorer_data_missing_the_months_last_days_is_in_progress(tmp_path):
    path = daily_through(tmp_path, "2026-10-14")
    code, out, err = run("reconcile", "--actuals", path, "--format", "json")
    assert code == 0, err
    months = {m["month"]: m for m in json.loads(out)["months"]}
    assert months["2026-10"]["in_progress"] is True and months["2026-09"]["in_progress"] is False
    assert "runs through 2026-10-14" in months["2026-10"]["in_progress_reason"]
    assert months["2026-10"]["hours_in_month"] == 14 * 24  # 1-14 October, month to date
    code, out, _ = run("reconcile", "--actuals", path, "--month", "2026-10")
    assert "IN PROGRESS: the data runs through 2026-10-14" in out and "Estimated" not in out
    code, _, _ = run("report", "--actuals", path, "--month", "2026-10", "--out", tmp_path / "out")
    html = (tmp_path / "out" / "cost-report-2026-10.html").read_text()
    assert code == 0 and "The month is in progress (not final: the data runs through 2026-10-14" in html


def test_a_partial_cur_month_is_not_said_to_be_marked_by_cost_explorer(tmp_path):
    path = write(ONE_HOUR, tmp_path / "cur", "cur2", "parquet")  # hour 0 of 1-3 October: to 3 Oct 01:00
    code, out, _ = run("reconcile", "--cur", path, "--month", "2026-10")
    assert code == 0 and "IN PROGRESS: the export's data runs through 2026-10-03 01:00 (UTC)" in out
    assert "Cost Explorer" not in out


# ------------------------------------------------------------------ A5, A6: a CUR month in progress
def node_hours(days: int, last_hours: int = 24) -> list[Item]:
    """3 c5.2xlarge nodes every hour of 1..``days`` October (the last day ``last_hours`` hours)."""
    items = []
    for day in range(1, days + 1):
        for hour in range(24 if day < days else last_hours):
            for node in range(3):
                items.append(
                    Item(
                        f"li-{day}-{hour}-{node}",
                        datetime(2026, 10, day, hour),
                        1,
                        "AmazonEC2",
                        "Amazon Elastic Compute Cloud",
                        "BoxUsage:c5.2xlarge",
                        "RunInstances",
                        f"i-{node}",
                        "Usage",
                        Decimal("0.34"),
                        Decimal(1),
                        "Hrs",
                        None,
                    )
                )
    return items


def test_nodes_of_a_month_in_progress_count_only_the_hours_covered(tmp_path):
    path = write(node_hours(2), tmp_path / "cur", "cur2", "parquet")  # 1-2 October, 48 hours
    code, out, err = run("nodes", "--cur", path, "--month", "2026-10", "--format", "json")
    assert code == 0, err
    curve = json.loads(out)
    assert curve["in_progress"] is True and len(curve["hours"]) == 48
    assert curve["actual_node_hours"] == 144  # 3 nodes x 48 hours
    assert curve["fixed_node_hours"] == 144  # node_count 3 x 48 hours: no volume variance
    assert curve["volume_variance"] == 0
    assert min(h["billed_nodes"] for h in curve["hours"]) == 3  # no hour of 0 nodes made up


def test_a_month_ending_hours_before_its_end_is_in_progress(tmp_path):
    from costmodel import lineitems

    path = write(node_hours(31, last_hours=5), tmp_path / "cur", "cur2", "parquet")  # to 31 Oct 05:00
    source = lineitems.prepare(lineitems.open_files(path))
    assert source.findings.month_in_progress("2026-10")
    assert "runs through 2026-10-31 05:00 (UTC)" in source.findings.notes()[0]
    whole = write(node_hours(31), tmp_path / "whole", "cur2", "parquet")  # every hour of October
    assert not lineitems.prepare(lineitems.open_files(whole)).findings.month_in_progress("2026-10")


# ------------------------------------------------------------------ messages
def test_an_empty_csv_is_said_empty_not_column0(tmp_path):
    path = tmp_path / "cur.csv"
    path.write_bytes(b"")
    err = refused("reconcile", "--cur", path)
    assert "the file is empty (0 bytes)" in err and "column0" not in err


def test_a_gzipped_csv_of_nothing_is_said_to_have_no_header_row(tmp_path):
    path = tmp_path / "cur.csv.gz"
    path.write_bytes(gzip.compress(b""))  # not 0 bytes: the gzip header
    err = refused("reconcile", "--cur", path)
    assert "no header row" in err and "column0" not in err


def test_a_header_only_focus_file_has_no_line_items(tmp_path):
    path = tmp_path / "focus.csv"
    path.write_text(
        "BilledCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BillingCurrency,ProviderName\n"
    )
    err = refused("reconcile", "--focus", path)
    assert "no line items" in err and "ProviderName" not in err


def test_a_folder_mixing_cur2_and_focus_files_is_refused_naming_one_of_each(tmp_path):
    write(ONE_HOUR, tmp_path / "cur", "cur2", "parquet")
    write(ONE_HOUR[:1], tmp_path / "focus", "focus", "parquet")
    for option in ("--cur", "--focus"):
        err = refused("reconcile", option, tmp_path)
        assert "mixes schemas" in err and "cur.parquet (cur2)" in err and "focus.parquet (focus)" in err


def test_an_implausible_amount_is_said_so_with_the_limit(tmp_path):
    big = [Item(**{**ONE_HOUR[0].__dict__, "cost": Decimal("1e16")})]  # finite, beyond 1e15
    path = write(big, tmp_path / "cur", "cur2", "parquet")
    err = refused("reconcile", "--cur", path)
    assert "no plausible amount" in err and "1,000,000,000,000,000" in err and "not a finite" not in err


def test_anomalies_on_28_days_say_the_29_they_need(tmp_path):
    path = daily_through(tmp_path, "2026-06-28")  # 1-28 June: 28 days
    err = refused("anomalies", "--actuals", path)
    assert "need at least 29 days of daily data" in err and "has 28 days" in err


def test_ctrl_c_during_report_removes_the_out_folder_it_created(tmp_path, monkeypatch):
    import importlib

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(importlib.import_module("costmodel.report.build"), "report_context", interrupt)
    out = tmp_path / "new" / "reports"
    code, _, err = run("report", "--month", "2026-10", "--out", out)
    assert code == 130 and err == "costmodel: interrupted, nothing was written\n"
    assert not (tmp_path / "new").exists()  # both folders it made are gone
    kept = tmp_path / "kept"
    (kept / "old.txt").parent.mkdir()
    (kept / "old.txt").write_text("mine")
    code, _, _ = run("report", "--month", "2026-10", "--out", kept)
    assert code == 130 and (kept / "old.txt").read_text() == "mine"  # a folder it did not make stays


def test_parts_of_one_delivery_in_aws_layout_are_not_compared_again(tmp_path, monkeypatch):
    import importlib

    deliveries = importlib.import_module("costmodel.lineitems.deliveries")
    period = tmp_path / "data" / "BILLING_PERIOD=2026-10"
    period.mkdir(parents=True)
    write(ONE_HOUR[:2], period / "part-1", "cur2", "parquet")
    write(ONE_HOUR[2:], period / "part-2", "cur2", "parquet")
    monkeypatch.setattr(deliveries, "QUERY", "not sql")  # the comparison would fail if it ran
    code, out, _ = run("reconcile", "--cur", tmp_path / "data", "--format", "json")
    assert code == 0 and json.loads(out)["months"][0]["conservation"]["bill_total"] == pytest.approx(0.576)


def test_a_file_copied_beside_the_parts_in_aws_layout_is_refused_by_its_bytes(tmp_path):
    # AWS's layout is not compared line by line (nor are its ids read): a copy of a part is
    # found by its bytes, so its money ($0.576 here) is not counted twice
    period = tmp_path / "data" / "BILLING_PERIOD=2026-10"
    period.mkdir(parents=True)
    part = write(ONE_HOUR, period / "part-1", "cur2", "parquet")
    copy = period / "part-1 (1).parquet"
    copy.write_bytes(part.read_bytes())
    code, _, err = run("reconcile", "--cur", tmp_path / "data", "--format", "json")
    assert code == 2 and "same file" in err and "part-1 (1).parquet" in err and err.count("\n") == 1
