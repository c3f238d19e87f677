"""Issue 9, class by class: no silent wrong number, no traceback, nothing lost.

Each test takes a shipped input, damages it the way the issue describes, and runs the real
command: the answer is exit 2 with one line on stderr naming the file and what is wrong, or,
where the input is still valid, exit 0 with money conserved.
"""

import copy
import io
import json
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from costmodel.cli import main

ROOT = Path(__file__).parent.parent
ARCH = ROOT / "data" / "architectures" / "production.yaml"
ACTUALS = ROOT / "data" / "actuals" / "ce-2026-06..2026-10.json"
PRICES = ROOT / "data" / "prices" / "aws-price-snapshot-2026-11.csv"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def refused(*argv):
    """Run a command that must fail cleanly; return its one stderr line."""
    code, out, err = run(*argv)
    assert code == 2, (code, out[-300:], err)
    assert err.count("\n") == 1 and err.startswith("costmodel: error: "), err
    assert "Traceback" not in err and out == ""
    return err


def sample():
    return json.loads(ACTUALS.read_text())


def write_json(tmp_path, payload, name="ce.json"):
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    return path


def first_group(payload):
    return payload["requests"][0]["pages"][0]["ResultsByTime"][0]["Groups"][0]


# ---------------------------------------------------------------- silent wrong totals
def test_nan_amount_in_a_cost_explorer_group_is_refused_not_dropped(tmp_path):
    payload = sample()
    first_group(payload)["Metrics"]["UnblendedCost"]["Amount"] = "NaN"
    err = refused("reconcile", "--actuals", write_json(tmp_path, payload))
    assert "ce.json" in err and "UnblendedCost Amount 'NaN' is not a finite number" in err


def test_an_implausible_amount_is_refused_by_its_group_not_summed(tmp_path):
    # Decimal('1e400') is finite: without a bound it would swamp the month's total
    payload = sample()
    first_group(payload)["Metrics"]["UnblendedCost"]["Amount"] = "1e400"
    err = refused("reconcile", "--actuals", write_json(tmp_path, payload))
    assert "Amount '1e400' is beyond any plausible value" in err and "group [" in err


def test_group_without_the_requested_cost_metric_is_refused(tmp_path):
    payload = sample()
    group = first_group(payload)
    del group["Metrics"]["UnblendedCost"]
    err = refused("reconcile", "--actuals", write_json(tmp_path, payload))
    assert f"group {group['Keys']}" in err and "metric UnblendedCost is missing" in err


def test_a_removed_group_breaks_conservation_against_the_ungrouped_total(tmp_path):
    # June's first usage group removed: the groups no longer add up to Cost Explorer's
    # own total of June, which the file carries in its third request.
    payload = sample()
    groups = payload["requests"][0]["pages"][0]["ResultsByTime"][0]["Groups"]
    removed = float(groups.pop(0)["Metrics"]["UnblendedCost"]["Amount"])
    assert removed > 0.01
    err = refused("reconcile", "--actuals", write_json(tmp_path, payload))
    assert "2026-06: the groups add up to" in err and "Cost Explorer's ungrouped total" in err


def test_a_page_saved_twice_is_refused(tmp_path):
    payload = sample()
    pages = payload["requests"][0]["pages"]
    pages.append(copy.deepcopy(pages[0]))
    pages[-1].pop("NextPageToken")  # with it, the file is refused as incomplete before this
    err = refused("reconcile", "--actuals", write_json(tmp_path, payload))
    assert "duplicate period 2026-06-01" in err


def test_console_csv_with_the_same_period_twice_is_refused(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        '"Service","S3($)","Total costs($)"\n'
        '"2026-09-01","10","10"\n"2026-10-01","12","12"\n"2026-10-01","12","12"\n'
    )
    err = refused("reconcile", "--actuals", path)
    assert "export.csv, line 4: period 2026-10-01 already given on line 3" in err


def test_console_csv_conserves_against_its_total_costs_column(tmp_path):
    path = tmp_path / "export.csv"
    # S3 10 + Tax 0.6 = 10.6 per period (hand sum), and the Service total row agrees.
    path.write_text(
        '"Service","S3($)","Tax($)","Total costs($)"\n'
        '"Service total","20","1.2","21.2"\n'
        '"2026-09-01","10","0.6","10.6"\n"2026-10-01","10","0.6","10.6"\n'
    )
    code, out, err = run("reconcile", "--actuals", path, "--format", "json")
    assert code == 0, err
    for month in json.loads(out)["months"]:
        c = month["conservation"]
        assert c["bill_total"] == 10.6 and c["lines"] + c["unmapped"] == pytest.approx(10.6, abs=0.005)
        assert "Total costs" in c["bill_total_source"]


def arch_with(tmp_path, old, new, name="arch.yaml"):
    text = ARCH.read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("storage_gb: 2000 ", "storage_gb: .nan ", "storage_gb = nan is not a finite number"),
        ("node_count: 3 ", "node_count: .inf ", "node_count = inf is not a finite number"),
        ("storage_gb: 1000 ", "storage_gb: 1.0e+308 ", "beyond any plausible value"),
        ("node_count: 3 ", "node_count: 3\n  node_count: 7 ", "key 'node_count' repeated"),
        ("node_count: 3 ", "node_count: !!float 3 ", "YAML tag"),
        ("node_count: 3 ", "node_count: ", "eks.node_count is empty"),
        # YAML 1.2 / JSON exponent form without a dot is a number, not the text '1e400'
        ("storage_gb: 1000 ", "storage_gb: 1e400 ", "storage_gb = inf is not a finite number"),
        ("storage_gb: 1000 ", "storage_gb: 1e308 ", "beyond any plausible value"),
        ("name: company-logs ", "name: company-backups ", "repeats s3.buckets[0]"),
    ],
)
def test_damaged_architecture_numbers_and_keys_are_refused(tmp_path, old, new, message):
    err = refused("estimate", arch_with(tmp_path, old, new))
    assert "arch.yaml" in err and message in err


def test_repeated_set_is_refused_also_under_an_alias():
    assert "given twice" in refused("whatif", "--set", "eks.node_count=5", "--set", "eks.node_count=7")
    err = refused("whatif", "--set", "eks.node_type=c5.4xlarge", "--set", "eks.instance_type=c5.xlarge")
    assert "eks.instance_type given twice (also as --set eks.node_type)" in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[5", "not valid YAML"),
        ("!!python/object/apply:os.system [ls]", "YAML tag"),
        ("!!int 5", "YAML tag"),
        (".nan", "not a finite number"),
        ("{a: 1}", "expected a single value"),
    ],
)
def test_unparsable_or_tagged_set_values_are_one_line(value, message):
    assert message in refused("whatif", "--set", f"eks.node_count={value}")


def prices_with(tmp_path, old, new):
    text = PRICES.read_text()
    assert old in text
    path = tmp_path / "cat.csv"
    path.write_text(text.replace(old, new, 1))
    return path


def test_price_tier_that_does_not_start_at_zero_is_refused(tmp_path):
    lines = PRICES.read_text().splitlines()
    i = next(n for n, line in enumerate(lines) if ",BoxUsage:c5.2xlarge," in line and ",OnDemand," in line)
    # the row's begin_range 0 -> 1000000: nodes would otherwise be dropped from the estimate
    lines[i] = lines[i].replace(",Hrs,0,Inf,", ",Hrs,1000000,Inf,", 1)
    path = tmp_path / "cat.csv"
    path.write_text("\n".join(lines) + "\n")
    err = refused("estimate", "--prices", path)
    assert "cat.csv" in err and "start at 1e+06, not 0" in err


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-inf", "1e400", "sNaN"])
def test_non_finite_price_is_refused(tmp_path, bad):
    lines = PRICES.read_text().splitlines()
    i = next(n for n, line in enumerate(lines) if ",BoxUsage:c5.2xlarge," in line and ",OnDemand," in line)
    lines[i] = lines[i].replace(",0.34,", f",{bad},", 1)
    assert lines[i] != PRICES.read_text().splitlines()[i]
    path = tmp_path / "cat.csv"
    path.write_text("\n".join(lines) + "\n")
    err = refused("estimate", "--prices", path)
    assert "cat.csv, line" in err and "price_usd" in err


def test_override_spanning_kinds_is_refused_unless_scope_all(tmp_path):
    path = tmp_path / "ovr.yaml"
    path.write_text("prices:\n  - service_code: AmazonEC2\n    price_usd: '0.01'\n")
    err = refused("estimate", "--overrides", path)
    assert "ovr.yaml: prices[0]: one price would replace" in err and "kinds" in err and "scope: all" in err
    path.write_text("prices:\n  - service_code: AmazonEC2\n    price_usd: '0.01'\n    scope: all\n")
    code, out, err = run("estimate", "--overrides", path)
    assert code == 0, err
    assert (
        "Total (on-demand list prices with 1 override (ovr.yaml prices[0]), always-free tiers applied)" in out
    )


def test_output_priced_with_overrides_is_labelled(tmp_path):
    path = tmp_path / "ovr.yaml"
    path.write_text("discounts:\n  - service_code: AmazonEC2\n    percent: 5\n    note: EDP\n")
    code, out, _ = run("estimate", "--overrides", path, "--format", "json")
    assert (
        code == 0 and json.loads(out)["price_basis"] == "list prices with 1 override (ovr.yaml discounts[0])"
    )
    code, out, _ = run("estimate", "--format", "json")
    assert json.loads(out)["price_basis"] == "list prices"


# ---------------------------------------------------------------- tracebacks -> one line
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "is not UTF-8 text"),
        ("name: caf\xe9\n".encode("latin-1"), "is not UTF-8 text"),
        (b"", ""),
    ],
)
@pytest.mark.parametrize("option", ["arch", "--actuals", "--prices", "--overrides"])
def test_binary_latin1_and_empty_files_are_one_line(tmp_path, content, message, option):
    path = tmp_path / "input.file"
    path.write_bytes(content)
    if option == "arch":
        argv = ["estimate", path]
    elif option == "--actuals":
        argv = ["reconcile", "--actuals", path]
    else:
        argv = ["estimate", option, path]
    if option == "--overrides" and content == b"":
        code, _, err = run(*argv)  # an empty overrides file changes nothing: fine
        assert code == 0, err
        return
    err = refused(*argv)
    assert "input.file" in err and message in err


@pytest.mark.parametrize("option", ["arch", "--actuals", "--prices", "--overrides"])
def test_a_folder_given_as_a_file_is_one_line(tmp_path, option):
    argv = (
        ["estimate", tmp_path]
        if option == "arch"
        else ["reconcile", "--actuals", tmp_path]
        if option == "--actuals"
        else ["estimate", option, tmp_path]
    )
    assert "is a directory" in refused(*argv)


def test_group_with_fewer_keys_than_group_definitions_is_one_line(tmp_path):
    payload = sample()
    first_group(payload)["Keys"] = ["Amazon Elastic Compute Cloud - Compute"]
    assert "1 key(s) but the response groups by 2" in refused(
        "reconcile", "--actuals", write_json(tmp_path, payload)
    )


def test_json_with_nan_token_or_repeated_key_is_one_line(tmp_path):
    text = ACTUALS.read_text()
    path = tmp_path / "ce.json"
    path.write_text(text.replace('"Estimated": false', '"Estimated": NaN', 1))
    assert "NaN is not a number JSON allows" in refused("reconcile", "--actuals", path)
    path.write_text(text.replace('"Estimated": false', '"Estimated": false, "Estimated": true', 1))
    assert "key 'Estimated' repeated" in refused("reconcile", "--actuals", path)


# ---------------------------------------------------------------- nothing lost
def test_report_out_that_is_a_file_or_unwritable_is_one_line(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert "is a file; give a folder" in refused("report", "--month", "2026-10", "--out", afile)
    assert "cannot be written" in refused("report", "--month", "2026-10", "--out", afile / "sub")


def test_a_failed_report_write_leaves_the_previous_report_whole(tmp_path, monkeypatch):
    # last month's review, as a previous run wrote it (a report is slow to build; its bytes
    # are all the test needs)
    report = tmp_path / "cost-report-2026-10.html"
    before = b"<!DOCTYPE html><html><body>the review finance read yesterday</body></html>"
    report.write_bytes(before)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    err = refused("report", "--month", "2026-10", "--out", tmp_path)
    assert "No space left on device" in err
    assert report.read_bytes() == before  # not truncated
    assert [p.name for p in tmp_path.iterdir()] == ["cost-report-2026-10.html"]  # no temp file left


def test_prices_refresh_checks_out_before_any_api_call(tmp_path, monkeypatch):
    import botocore.client

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", lambda *a: pytest.fail("API called"))
    err = refused("prices", "refresh", "--out", tmp_path / "missing" / "cat.csv")
    assert "the folder" in err and "does not exist" in err


def test_debug_shows_the_traceback_on_purpose(tmp_path):
    with pytest.raises(Exception, match="given twice"):
        run("whatif", "--set", "eks.node_count=5", "--set", "eks.node_count=6", "--debug")


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "--format", "xml"],
        ["no-such-command"],
        ["report"],  # --month is required
        ["prices"],
    ],
)
def test_command_line_usage_errors_are_one_line_too(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and "error:" in err and "--help" in err, err


@pytest.mark.parametrize("day", ["june", "1", "2026/06/01", "2026-02-30"])
def test_fetch_dates_are_checked_strictly_before_any_aws_call(tmp_path, day):
    # pandas alone reads 'june' as a date of this year and would send it to AWS
    err = refused("fetch-actuals", "--start", day, "--end", "2026-11-01", "--out", tmp_path / "ce.json")
    assert "--start must be a day YYYY-MM-DD" in err


def test_prices_refresh_names_an_unknown_region_before_any_aws_call(tmp_path):
    err = refused("prices", "refresh", "--region", "us-esat-1", "--out", tmp_path / "p.csv")
    assert "unknown region 'us-esat-1'" in err


def test_gzipped_actuals_are_read_and_a_truncated_gzip_is_one_line(tmp_path):
    import gzip

    whole = tmp_path / "ce.json.gz"
    whole.write_bytes(gzip.compress(ACTUALS.read_bytes()))
    code, out, _ = run("reconcile", "--actuals", whole, "--month", "2026-10", "--format", "json")
    assert code == 0 and json.loads(out)["months"][0]["conservation"]["bill_total"] == pytest.approx(
        10192.394452
    )
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(whole.read_bytes()[:300])
    assert "is not a readable gzip file" in refused("reconcile", "--actuals", cut)
