"""Every export variant of the same bill gives the same totals (issue 20), in every time zone;
each line item is counted once and a month without its last day is in progress (issue 19).

The bills are generated (tests/exports.py) and their expected figures summed by hand with
Decimal from the generated items, never through costmodel's reader.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costmodel import lineitems
from costmodel.lineitems import duck
from tests.exports import FORMATS, NULLS, PARQUET_TIMES, TEXT_TIMES, Item, by_team, monthly_totals, write
from tests.test_trust import refused, run

ZONES = ["America/New_York", "Asia/Kolkata"]
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
USAGE = [  # (product code, product name, usage type, operation, unit)
    ("AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:c5.2xlarge", "RunInstances", "Hrs"),
    ("AmazonRDS", "Amazon Relational Database Service", "Multi-AZUsage:db.r5.2xl", "CreateDBInstance", "Hrs"),
    ("AmazonS3", "Amazon Simple Storage Service", "TimedStorage-ByteHrs", "StandardStorage", "GB-Mo"),
]


@pytest.fixture(params=ZONES)
def machine_zone(request):
    """The machine in a zone other than UTC: TZ, Python's local time and DuckDB's default
    session zone all set to it, costmodel's own connection made anew under it."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    duckdb.execute(f"SET TimeZone = '{request.param}'")
    duck._CONNECTION.clear()
    yield request.param
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()
    duckdb.execute("SET TimeZone = 'UTC'")
    duck._CONNECTION.clear()


@st.composite
def bills(draw, months: tuple[str, ...] = ("2026-10", "2026-11")) -> list[Item]:
    """A small bill: hourly and daily line items, a tax line, tagged and untagged, some at
    the edges of a month (where a dropped offset would move them)."""
    count = draw(st.integers(1, 8))
    items = []
    for n in range(count):
        month = draw(st.sampled_from(months))
        first = datetime.fromisoformat(f"{month}-01")
        last_hour = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - first
        edge = draw(st.sampled_from(["first", "last", "any"]))
        hours = {"first": 0, "last": int(last_hour.total_seconds() // 3600) - 1}.get(
            edge, draw(st.integers(0, 27 * 24))
        )
        code, name, usage_type, operation, unit = draw(st.sampled_from(USAGE))
        tax = draw(st.booleans()) and n == 0
        cost = Decimal(draw(st.integers(-50_000, 5_000_000))) / Decimal(10_000)
        items.append(
            Item(
                line_item_id=f"li-{n:04d}",
                start=first + timedelta(hours=hours),
                hours=1,
                product_code=code,
                product_name=name,
                usage_type="" if tax else usage_type,
                operation="" if tax else operation,
                resource_id="" if tax else f"arn:aws:{code.lower()}:us-east-1:111122223333:r-{n % 3}",
                line_item_type="Tax" if tax else "Usage",
                cost=cost,
                usage=Decimal(0) if tax else Decimal(draw(st.integers(0, 10_000))) / 100,
                unit="" if tax else unit,
                team=None if tax else draw(st.sampled_from([None, "web", "data"])),
            )
        )
    return items


@st.composite
def variants(draw) -> dict:
    schema, fmt = draw(st.sampled_from(FORMATS))
    return {
        "schema": schema,
        "fmt": fmt,
        "nulls": draw(st.sampled_from(NULLS)),
        "times": draw(st.sampled_from(PARQUET_TIMES if fmt == "parquet" else TEXT_TIMES)),
        "tags": draw(st.sampled_from(["map", "json"])) if schema != "legacy" else "flat",
    }


def read_totals(path: Path, expected: str) -> dict:
    """What the line-item tables give: the bill's month totals, each month's breakdown by
    tag:team and resources total [USD]."""
    source = lineitems.open_files(path, expected=expected)
    bill = lineitems.bill(source)
    out = {"months": dict(zip(bill.controls["month"], bill.controls["control_total"], strict=True))}
    for month in out["months"]:
        rows = lineitems.breakdown(source, month, "tag:team")
        out[f"team {month}"] = dict(zip(rows["key"], rows["cost"], strict=True))
        out[f"resources {month}"] = float(lineitems.resources(source, month)["cost"].sum())
    return out


def assert_totals(found: dict, items: list[Item]) -> None:
    expected = monthly_totals(items)
    assert set(found["months"]) == set(expected)
    for month, total in expected.items():
        assert found["months"][month] == pytest.approx(float(total), abs=1e-6), month
        assert found[f"resources {month}"] == pytest.approx(float(total), abs=1e-6), month
        teams = by_team(items, month)
        assert set(found[f"team {month}"]) == set(teams), month
        for team, cost in teams.items():
            assert found[f"team {month}"][team] == pytest.approx(float(cost), abs=1e-6), (month, team)


@SETTINGS
@given(items=bills(), variant=variants())
def test_every_variant_of_a_bill_gives_its_hand_summed_totals(tmp_path_factory, machine_zone, items, variant):
    folder = tmp_path_factory.mktemp("variant")
    path = write(
        items,
        folder / "bill",
        variant["schema"],
        variant["fmt"],
        variant["nulls"],
        variant["times"],
        variant["tags"],
    )
    expected = "focus" if variant["schema"] == "focus" else "cur"
    assert_totals(read_totals(path, expected), items)


FIXED = [
    Item(
        "li-0001",
        datetime(2026, 10, 1, 0),
        1,
        *USAGE[0][:4],
        "arn:aws:ec2:us-east-1:111122223333:i-1",
        "Usage",
        Decimal("0.34"),
        Decimal(1),
        "Hrs",
        "web",
    ),
    Item(
        "li-0002",
        datetime(2026, 10, 31, 23),
        1,
        *USAGE[1][:4],
        "arn:aws:rds:us-east-1:111122223333:db:rds-primary",
        "Usage",
        Decimal("2.00"),
        Decimal(1),
        "Hrs",
        "data",
    ),
    Item(
        "li-0004",
        datetime(2026, 10, 15, 4),
        24,
        *USAGE[2][:4],
        "backups",
        "Usage",
        Decimal("12.345678"),
        Decimal("40.5"),
        "GB-Mo",
        None,
    ),
    Item(
        "li-0005",
        datetime(2026, 10, 1, 0),
        24,
        "AmazonEC2",
        "Amazon Elastic Compute Cloud",
        "",
        "",
        "",
        "Tax",
        Decimal("1.11"),
        Decimal(0),
        "",
        None,
    ),
]


# the next hour of the RDS primary, November's first
FIXED.insert(2, replace(FIXED[1], line_item_id="li-0003", start=datetime(2026, 11, 1, 0)))


def all_variants() -> list[dict]:
    """One variant per schema and format, the time forms, tag forms and null spellings
    cycled across them (the property test above draws every combination)."""
    out = []
    for n, (schema, fmt) in enumerate(FORMATS):
        times = PARQUET_TIMES if fmt == "parquet" else TEXT_TIMES
        tags = "flat" if schema == "legacy" else ["map", "json"][n % 2]
        out.append(
            {
                "schema": schema,
                "fmt": fmt,
                "nulls": NULLS[n % 3],
                "times": times[n % len(times)],
                "tags": tags,
            }
        )
    return out


@pytest.mark.parametrize("variant", all_variants(), ids=lambda v: "-".join(v.values()).replace("--", "-"))
def test_every_command_gives_the_same_totals_for_every_variant(tmp_path, variant):
    path = write(FIXED, tmp_path / "bill", **variant)
    option = "--focus" if variant["schema"] == "focus" else "--cur"
    code, out, _ = run("reconcile", option, path, "--format", "json")
    months = {m["month"]: m for m in json.loads(out)["months"]}
    # by hand: October 0.34 + 2.00 + 12.345678 + 1.11 = 15.795678; November 2.00
    assert code == 0 and months["2026-10"]["conservation"]["bill_total"] == pytest.approx(15.795678, abs=1e-6)
    assert months["2026-11"]["conservation"]["bill_total"] == pytest.approx(2.00, abs=1e-6)
    code, out, _ = run(
        "breakdown", option, path, "--month", "2026-10", "--by", "tag:team", "--format", "json"
    )
    rows = {r["key"]: r["cost"] for r in json.loads(out)["rows"]}
    # web 0.34, data 2.00, untagged 12.345678 + tax 1.11 = 13.455678
    assert rows == pytest.approx({"web": 0.34, "data": 2.00, "(untagged)": 13.455678}, abs=1e-6)
    code, out, _ = run("resources", option, path, "--month", "2026-11", "--format", "json")
    payload = json.loads(out)
    assert code == 0 and sum(r["cost"] for r in payload["resources"]) == pytest.approx(2.00)
    # November has one hour of data: in progress, said in the output
    assert payload["in_progress"] is True and "2026-11 is in progress" in payload["notes"][0]


@pytest.mark.parametrize("zone", ZONES)
def test_the_command_line_attributes_months_in_utc_whatever_tz(tmp_path, zone):
    # a pipeline's CUR 2.0 Parquet with TIMESTAMP WITH TIME ZONE, read by a separate process
    # whose machine zone is not UTC (the issue: $13.53 moved into a month without line items)
    path = write(FIXED, tmp_path / "bill", "cur2", "parquet", times="new_york")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from costmodel.cli import main; sys.exit(main(sys.argv[1:]))",
            "breakdown",
            "--cur",
            str(path),
            "--month",
            "2026-10",
            "--by",
            "service",
            "--format",
            "csv",
        ],
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    costs = [float(line.split(",")[1]) for line in done.stdout.splitlines()[1:]]
    assert sum(costs) == pytest.approx(15.795678, abs=1e-6)  # October by hand, as above


# ----------------------------------------------------------------- FOCUS offsets (issue 19)
def test_focus_times_with_offsets_are_converted_to_utc_not_dropped(tmp_path, machine_zone):
    # 2026-10-31T19:00-05:00 is 2026-11-01T00:00Z: November's, not October's
    item = FIXED[2]  # 2026-11-01T00:00Z
    path = write([item], tmp_path / "focus", "focus", "csv", times="offset")
    assert "2026-10-31T19:00:00-05:00" in path.read_text()
    bill = lineitems.bill(lineitems.open_files(path, expected="focus"))
    assert bill.controls["month"].tolist() == ["2026-11"]


def test_a_time_that_is_no_time_is_refused_naming_the_column(tmp_path):
    path = write(FIXED[:1], tmp_path / "bill", "legacy", "csv")
    path.write_text(path.read_text().replace(",Usage,2026-10-01T00:00:00Z,", ",Usage,01/10/2026,", 1))
    err = refused("reconcile", "--cur", path)
    assert "column lineItem/UsageStartDate has '01/10/2026'" in err and "Conversion" not in err


def test_the_focus_foundation_null_spelling_reads_and_a_bad_number_is_named(tmp_path):
    path = write(FIXED, tmp_path / "focus", "focus", "csv", nulls="NULL")
    assert lineitems.bill(lineitems.open_files(path)).controls["control_total"].sum() == pytest.approx(
        17.795678
    )
    path.write_text(path.read_text().replace(",12.345678,", ",12,34,", 1))
    err = refused("reconcile", "--focus", path)
    assert "bill.csv" not in err or "column" in err
    assert "CAST" not in err and "Conversion Error" not in err


# ----------------------------------------------------------------- each line item once (issue 19)
@SETTINGS
@given(items=bills(months=("2026-10",)), copies=st.integers(2, 3), variant=st.sampled_from(FORMATS[:7]))
def test_a_line_item_delivered_twice_is_counted_once_and_said(tmp_path_factory, items, copies, variant):
    folder = tmp_path_factory.mktemp("dup")
    schema, fmt = variant
    path = write(items * copies, folder / "bill", schema, fmt, tags="flat" if schema == "legacy" else "map")
    source = lineitems.prepare(lineitems.open_files(path))
    assert source.findings.duplicates == len(items) * (copies - 1)
    bill = lineitems.bill(source)
    assert bill.controls["control_total"].sum() == pytest.approx(float(sum(i.cost for i in items)), abs=1e-6)
    assert f"{len(items) * (copies - 1):,} duplicate line item(s) dropped" in bill.notes[-1]


def test_the_same_line_item_with_different_amounts_is_refused(tmp_path):
    changed = [FIXED[0], Item(**{**FIXED[0].__dict__, "cost": Decimal("9.99")})]
    path = write(changed, tmp_path / "bill", "cur2", "parquet")
    err = refused("reconcile", "--cur", path)
    assert "line item li-0001" in err and "different amounts" in err


def test_two_assemblies_of_one_billing_period_are_refused_naming_both(tmp_path):
    period = tmp_path / "cur" / "20261001-20261101"
    for assembly in ("assembly-a", "assembly-b"):
        (period / assembly).mkdir(parents=True)
        write(FIXED[:2], period / assembly / "report-1", "legacy", "csv.gz")
    err = refused("reconcile", "--cur", tmp_path / "cur")
    assert "'assembly-a'" in err and "'assembly-b'" in err and "--assembly" in err
    code, out, _ = run("reconcile", "--cur", tmp_path / "cur", "--assembly", "assembly-b", "--format", "json")
    (month,) = json.loads(out)["months"]
    assert code == 0 and month["conservation"]["bill_total"] == pytest.approx(2.34)  # 0.34 + 2.00 once


def test_cur2_versions_side_by_side_are_refused(tmp_path):
    period = tmp_path / "data" / "BILLING_PERIOD=2026-10"
    for version in ("20261015T000000Z", "20261016T000000Z"):
        (period / version).mkdir(parents=True)
        write(FIXED[:2], period / version / "export-00001", "cur2", "parquet")
    assert "delivered twice" in refused("reconcile", "--cur", tmp_path / "data")


def test_file_names_are_never_globbed_again(tmp_path):
    # a file literally named cur-*.parquet beside cur-2026.parquet is read once, as itself
    write(FIXED[:1], tmp_path / "cur-2026", "cur2", "parquet")
    star = write(FIXED[1:2], tmp_path / "cur-*", "cur2", "parquet")
    assert lineitems.bill(lineitems.open_files(star)).controls["control_total"].tolist() == [2.00]
    folder = lineitems.bill(lineitems.open_files(tmp_path)).controls["control_total"].sum()
    assert folder == pytest.approx(2.34)  # 0.34 + 2.00, each file once
    bracket = write(FIXED[:1], tmp_path / "cur[1]", "cur2", "parquet")
    code, out, _ = run("reconcile", "--cur", bracket, "--format", "json")
    assert code == 0 and "0.34" in out


# ----------------------------------------------------------------- partial months (issue 19)
@SETTINGS
@given(
    last_day=st.integers(1, 31),
    variant=st.sampled_from([("cur2", "parquet"), ("legacy", "csv"), ("focus", "csv")]),
)
def test_a_month_without_its_last_day_is_in_progress_everywhere(tmp_path_factory, last_day, variant):
    folder = tmp_path_factory.mktemp("partial")
    items = [
        Item(
            f"li-{d:02d}",
            datetime(2026, 10, d, 23),  # the last hour of day d: the data runs through day d
            1,
            *USAGE[0][:4],
            "i-1",
            "Usage",
            Decimal("0.34"),
            Decimal(1),
            "Hrs",
            "web",
        )
        for d in range(1, last_day + 1)
    ]
    path = write(items, folder / "bill", *variant, tags="flat" if variant[0] == "legacy" else "map")
    source = lineitems.prepare(lineitems.open_files(path))
    bill = lineitems.bill(source)
    assert bool(bill.rows["estimated"].all()) is (last_day < 31)
    assert source.findings.month_in_progress("2026-10") is (last_day < 31)
    if last_day < 31:
        assert f"runs through 2026-10-{last_day:02d}" in source.findings.notes()[0]


@pytest.mark.parametrize("command", ["reconcile", "resources", "breakdown", "nodes", "report"])
def test_every_command_says_a_month_in_progress(tmp_path, command):
    path = write(FIXED[:1], tmp_path / "bill", "cur2", "parquet")  # one hour of October
    extra = {"breakdown": ["--by", "service"], "report": ["--out", tmp_path / "out"]}.get(command, [])
    code, out, _ = run(command, "--cur", path, "--month", "2026-10", *extra)
    assert code == 0
    if command == "report":
        out = (tmp_path / "out" / "cost-report-2026-10.html").read_text()
    assert "2026-10 is in progress" in out and "data runs through 2026-10-01 01:00 (UTC)" in out


def test_a_mixed_provider_focus_file_reports_other_providers_apart(tmp_path):
    other = Item(
        **{
            **FIXED[0].__dict__,
            "provider": "Microsoft",
            "cost": Decimal("5.00"),
            "product_name": "Virtual Machines",
        }
    )
    path = write([*FIXED, other], tmp_path / "mixed", "focus", "csv")
    code, out, _ = run("reconcile", "--focus", path, "--format", "json")
    payload = json.loads(out)
    assert code == 0
    months = {m["month"]: m for m in payload["months"]}
    assert months["2026-10"]["conservation"]["bill_total"] == pytest.approx(15.795678)  # AWS only, by hand
    assert not any("Virtual Machines" in u["service"] for u in months["2026-10"]["unmapped"])
    assert any("Microsoft $5.00 (1 line items)" in n for n in payload["notes"])


def test_other_providers_money_is_said_in_its_own_currency(tmp_path):
    # an Azure bill in EUR beside the AWS rows: 5.00 + 2.50 EUR, never "$7.50"
    azure = [
        Item(**{**FIXED[0].__dict__, "provider": "Microsoft", "cost": Decimal(c), "currency": "EUR"})
        for c in ("5.00", "2.50")
    ]
    path = write([*FIXED, *azure], tmp_path / "mixed", "focus", "csv")
    code, out, _ = run("reconcile", "--focus", path, "--format", "json")
    notes = json.loads(out)["notes"]
    assert code == 0 and any("Microsoft 7.50 EUR (2 line items)" in n for n in notes)
    assert not any("Microsoft $" in n for n in notes)


def test_a_focus_file_of_another_provider_only_is_refused(tmp_path):
    other = Item(**{**FIXED[0].__dict__, "provider": "Microsoft"})
    path = write([other], tmp_path / "azure", "focus", "csv")
    assert "no AWS line items (ProviderName: Microsoft)" in refused("reconcile", "--focus", path)


def test_tags_in_text_that_is_not_json_are_refused(tmp_path):
    path = write(FIXED, tmp_path / "bill", "cur2", "csv", tags="json")
    path.write_text(path.read_text().replace('"{""user_team"": ""web""}"', "team=web", 1))
    err = refused("breakdown", "--cur", path, "--month", "2026-10", "--by", "tag:team")
    assert "column resource_tags has 'team=web'" in err


def test_a_zip_holding_no_csv_is_one_line(tmp_path):
    import zipfile

    path = tmp_path / "cur.csv.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "holds CSV files; this one holds notes.txt" in refused("reconcile", "--cur", path)
