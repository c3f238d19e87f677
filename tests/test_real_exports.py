"""Public billing files written by others (tests/data/real/SOURCES.md), through every command
that applies; every total checked against a sum written here over the raw file with pandas
and Decimal, not through costmodel's reader."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.test_trust import refused, run

REAL = Path(__file__).parent / "data" / "real"
FOCUS_SAMPLE = REAL / "focus-1.0-sample.csv"
LEGACY_2018 = REAL / "legacy-cur-2018-03.csv.gz"
LEGACY_2023 = Path(__file__).parent / "data" / "cur_legacy_anonymized_focus_converters.csv"
SPEC_SCENARIOS = sorted(REAL.glob("commitment_discount_*.csv")) + sorted(REAL.glob("*_utilization_*.csv"))


def raw(path: Path) -> pd.DataFrame:
    """The file as text, every cell as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def decimal_sum(values) -> Decimal:
    return sum((Decimal(v) for v in values if v not in ("", "NULL")), Decimal(0))


# (file, option, cost column, start column, month); JSON rows are rounded to 6 decimals, so
# sums of many rows are compared to half a cent, single totals to 1e-6
EXPORTS = [
    (FOCUS_SAMPLE, "--focus", "BilledCost", "ChargePeriodStart", "2024-09"),
    (LEGACY_2018, "--cur", "lineItem/UnblendedCost", "lineItem/UsageStartDate", "2018-03"),
    (LEGACY_2023, "--cur", "lineItem/UnblendedCost", "lineItem/UsageStartDate", "2023-11"),
]
# the last hour each file has, read here from the raw text: a month without its last day is in progress
LAST_START = {
    FOCUS_SAMPLE: "2024-09-30 23:00:00",
    LEGACY_2018: "2018-03-04T20:00:00Z",
    LEGACY_2023: "2023-11-14T03:00:00.000Z",
}


def in_progress(path: Path, start: str, month: str) -> bool:
    last = raw(path)[start].max()
    assert last == LAST_START[path]
    return pd.Timestamp(last).day < pd.Period(month, "M").days_in_month


def expected_total(path: Path, cost: str, start: str, month: str) -> Decimal:
    frame = raw(path)
    if "ProviderName" in frame:
        frame = frame.loc[frame["ProviderName"] == "AWS"]
    return decimal_sum(frame.loc[frame[start].str[:7] == month, cost])


@pytest.mark.parametrize(
    ("path", "option", "cost", "start", "month"), EXPORTS, ids=lambda v: getattr(v, "name", None)
)
def test_reconcile_conserves_the_files_own_total(path, option, cost, start, month):
    code, out, _ = run("reconcile", option, path, "--format", "json")
    payload = json.loads(out)
    (found,) = payload["months"]
    total = float(expected_total(path, cost, start, month))
    assert code == 0 and found["month"] == month
    assert found["conservation"]["bill_total"] == pytest.approx(total, abs=1e-6)
    assert found["conservation"]["lines"] + found["conservation"]["unmapped"] == pytest.approx(
        total, abs=0.005
    )
    partial = in_progress(path, start, month)
    assert found["estimated"] is partial
    assert any(f"{month} is in progress" in n for n in payload["notes"]) is partial


@pytest.mark.parametrize(
    ("path", "option", "cost", "start", "month"), EXPORTS, ids=lambda v: getattr(v, "name", None)
)
@pytest.mark.parametrize("by", ["service", "usage_type"])
def test_breakdown_adds_up_to_the_files_total(path, option, cost, start, month, by):
    code, out, _ = run("breakdown", option, path, "--month", month, "--by", by, "--format", "json")
    rows = json.loads(out)["rows"]
    assert code == 0 and sum(r["cost"] for r in rows) == pytest.approx(
        float(expected_total(path, cost, start, month)), abs=0.005
    )


@pytest.mark.parametrize(
    ("path", "option", "cost", "start", "month"), EXPORTS, ids=lambda v: getattr(v, "name", None)
)
def test_resources_add_up_to_the_files_total(path, option, cost, start, month):
    code, out, _ = run("resources", option, path, "--month", month, "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["in_progress"] is in_progress(path, start, month)
    total = sum(r["cost"] for r in payload["resources"])
    assert total == pytest.approx(float(expected_total(path, cost, start, month)), abs=0.005)


@pytest.mark.parametrize(
    ("path", "option", "cost", "start", "month"), EXPORTS, ids=lambda v: getattr(v, "name", None)
)
def test_nodes_and_report_run_on_the_file(tmp_path, path, option, cost, start, month):
    # neither CUR account runs the model's c5.2xlarge node group: 0 billed node-hours; the
    # FOCUS sample has no x_UsageType, so its instance hours cannot be told: refused, not 0
    if path == FOCUS_SAMPLE:
        assert "x_UsageType" in refused("nodes", option, path, "--month", month)
    else:
        code, out, _ = run("nodes", option, path, "--month", month, "--format", "json")
        assert code == 0 and json.loads(out)["actual_node_hours"] == 0
    code, _, err = run("report", option, path, "--month", month, "--out", tmp_path)
    html = (tmp_path / f"cost-report-{month}.html").read_text()
    assert code == 0, err
    assert (f"{month} is in progress" in html) is in_progress(path, start, month)
    # 28 days of history come before the first day scored: 4 and 14 days say why not; the
    # FOCUS sample's 30 days score two
    assert ("No anomalies can be told" in html) is (path != FOCUS_SAMPLE)


def test_the_focus_sample_names_its_other_providers_by_hand_summed_cost():
    frame = raw(FOCUS_SAMPLE)
    code, out, _ = run("reconcile", "--focus", FOCUS_SAMPLE, "--format", "json")
    assert code == 0
    notes = " ".join(json.loads(out)["notes"])
    for provider in ("Microsoft", "Oracle"):
        rows = frame.loc[frame["ProviderName"] == provider]
        cost = decimal_sum(rows["BilledCost"])
        assert f"{provider} ${cost:,.2f} ({len(rows):,} line items)" in notes
    # and none of their services is among the AWS bill's unmapped lines
    (month,) = json.loads(out)["months"]
    services = {u["service"] for u in month["unmapped"]}
    assert services.isdisjoint(set(frame.loc[frame["ProviderName"] != "AWS", "ServiceName"]))


def test_the_focus_sample_breaks_down_by_its_json_tags():
    frame = raw(FOCUS_SAMPLE)
    aws = frame.loc[frame["ProviderName"] == "AWS"]
    tagged: dict[str, Decimal] = {}
    for tags, cost in zip(aws["Tags"], aws["BilledCost"], strict=True):
        key = json.loads(tags).get("environment") if tags not in ("", "NULL") else None
        tagged[key or "(untagged)"] = tagged.get(key or "(untagged)", Decimal(0)) + Decimal(cost)
    code, out, _ = run(
        "breakdown",
        "--focus",
        FOCUS_SAMPLE,
        "--month",
        "2024-09",
        "--by",
        "tag:environment",
        "--format",
        "json",
    )
    rows = {r["key"]: r["cost"] for r in json.loads(out)["rows"]}
    assert code == 0 and set(rows) == set(tagged) and len(rows) > 2
    for key, cost in tagged.items():
        assert rows[key] == pytest.approx(float(cost), abs=1e-6)


@pytest.mark.parametrize("path", SPEC_SCENARIOS, ids=lambda p: p.stem)
def test_the_focus_spec_examples_are_refused_for_their_missing_currency(path):
    assert "no column 'BillingCurrency'; it is required" in refused("reconcile", "--focus", path)
