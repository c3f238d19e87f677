"""Issue 19, "trust, round two": the last tracebacks (zero budgets, Ctrl-C, YAML alias bombs).

Each case runs the real command: one line on stderr and the contract's exit code, never a
traceback and never a number that JSON cannot carry.
"""

import json
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from costmodel.files import atomic_write_text
from tests.test_trust import refused, run

ROOT = Path(__file__).parent.parent
MONTHLY = ROOT / "data" / "actuals" / "ce-2026-06..2026-10.json"
DAILY_NAME = "ce-daily-2026-06..2026-10.json.gz"

ALIAS = "a: &x 5\nb: *x\n"
# nine levels of nine aliases: 9**9 (387 million) leaves from ten short lines
BOMB = 'l0: &l0 ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)
)


@pytest.mark.parametrize("text", [ALIAS, BOMB], ids=["alias", "bomb"])
@pytest.mark.parametrize(
    "argv",
    [["estimate", "{}"], ["budget", "--budget", "{}"], ["estimate", "--overrides", "{}"]],
    ids=["architecture", "budget", "overrides"],
)
def test_yaml_aliases_are_refused_before_anything_is_built(tmp_path, text, argv):
    path = tmp_path / "file.yaml"
    path.write_text(text)
    started = time.monotonic()
    err = refused(*[str(path) if a == "{}" else a for a in argv])
    assert "file.yaml, line 2: YAML alias *" in err and "is not allowed" in err
    assert time.monotonic() - started < 10  # the bomb is never expanded


def test_an_impossible_date_names_its_line():
    from costmodel.errors import InputError
    from costmodel.inputs import load_yaml

    # YAML reads 2026-13-01 as a timestamp and fails building it: the message points at it
    with pytest.raises(
        InputError, match=r"planned.yaml, line 3: a value cannot be read \(month must be in 1..12\)"
    ):
        load_yaml("- start: 2026-12-01\n  service: A\n- start: 2026-13-01\n  service: B\n", "planned.yaml")


def test_a_zero_budget_is_over_with_an_unknown_share_in_json(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text("monthly_usd: 0\nby_service:\n  AWS WAF: 0\nalert_pct: [80]\n")
    code, out, err = run("budget", "--budget", path, "--actuals", MONTHLY, "--format", "json")
    assert code == 1 and err == "", err
    rows = {b["name"]: b for b in json.loads(out)["budgets"]}
    # any spend against $0 is over; its share of $0 is not a number, so null, never Infinity
    assert rows["total bill"]["status"] == "over" and rows["total bill"]["used_pct"] is None
    assert rows["total bill"]["alerts"] == "80%"
    assert rows["AWS WAF"]["forecast_pct"] is None and rows["AWS WAF"]["status"] == "over"
    code, out, _ = run("budget", "--budget", path, "--actuals", MONTHLY)
    assert code == 1 and "a budget is over" in out


def interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_ctrl_c_in_a_command_is_one_line_and_exit_130(monkeypatch):
    import costmodel.cli.model

    monkeypatch.setattr(costmodel.cli.model, "estimate", interrupt)
    code, out, err = run("estimate")
    assert code == 130 and out == ""
    assert err == "costmodel: interrupted, nothing was written\n"


def test_ctrl_c_after_a_file_was_written_says_which(tmp_path, monkeypatch):
    import costmodel.cli.bill

    written = tmp_path / "cost-report-2026-10.html"

    def write_then_interrupt(args):
        atomic_write_text(written, "<html>")
        raise KeyboardInterrupt

    monkeypatch.setattr(costmodel.cli.bill, "cmd_report", write_then_interrupt)
    code, _, err = run("report", "--month", "2026-10", "--out", tmp_path)
    assert code == 130 and err.count("\n") == 1
    assert f"1 file(s) had been written, the last {written}" in err


def test_ctrl_c_with_debug_shows_the_traceback_on_purpose(monkeypatch):
    import costmodel.cli.model

    monkeypatch.setattr(costmodel.cli.model, "estimate", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run("estimate", "--debug")


def test_ctrl_c_while_the_command_line_loads_is_one_line(monkeypatch, capsys):
    import costmodel_entry

    class Loading(types.ModuleType):
        def __getattr__(self, name):
            raise KeyboardInterrupt  # as if Ctrl-C came while pandas was being imported

    monkeypatch.setitem(sys.modules, "costmodel.cli", Loading("costmodel.cli"))
    monkeypatch.setattr(sys, "argv", ["costmodel", "estimate"])
    assert costmodel_entry.main() == 130
    assert capsys.readouterr().err == "costmodel: interrupted, nothing was written\n"


def test_a_real_sigint_to_the_command_is_one_line_and_exit_130():
    # the signal comes while the command loads or runs (it needs more than a second for
    # either): both are answered the same way
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys, costmodel_entry; sys.exit(costmodel_entry.main())", "reconcile"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    # not a fixed sleep: on a busy machine the interpreter may not have started yet (then the
    # signal would hit Python's own start-up). Wait until numpy's library is mapped, i.e. the
    # command is loading its modules or already running.
    maps, deadline = Path(f"/proc/{process.pid}/maps"), time.monotonic() + 60
    while "numpy" not in (maps.read_text() if maps.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err == "costmodel: interrupted, nothing was written\n" and out == ""


# ---------------------------------------------------------------- partial months
def mark_estimated(payload, months, halve):
    """Flag ``months`` (YYYY-MM) Estimated in every request and, with ``halve``, halve their
    money as in a month half over (every group and the ungrouped total, exactly: the text
    halved as a Decimal, so the file stays conserved)."""
    from decimal import Decimal

    for entry in payload["requests"]:
        for page in entry["pages"]:
            for result in page["ResultsByTime"]:
                if result["TimePeriod"]["Start"][:7] not in months:
                    continue
                result["Estimated"] = True
                for metrics in [g["Metrics"] for g in result["Groups"]] + [result["Total"]]:
                    for metric in metrics.values():
                        if halve:
                            metric["Amount"] = str(Decimal(metric["Amount"]) / 2)


def halved_estimated_october(tmp_path, halve=True):
    """The sample bill with October still Estimated and, as mid-month, half its money."""
    payload = json.loads(MONTHLY.read_text())
    mark_estimated(payload, {"2026-10"}, halve)
    path = tmp_path / "ce-estimated.json"
    path.write_text(json.dumps(payload))
    return path


def test_forecast_never_takes_an_estimated_month_for_a_complete_one(tmp_path):
    code, out, err = run("forecast", "--actuals", halved_estimated_october(tmp_path), "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    october = payload["history"][-1]
    assert october["month"] == "2026-10" and october["complete"] is False and october["in_progress"] is True
    assert [h["in_progress"] for h in payload["history"]] == [False] * 4 + [True]
    rows = {f["month"]: f for f in payload["forecast"]}
    # the forecast stands on June..September alone (October's half month left out). Daily
    # averages without credits: June 9,073.334926 / 30 = 302.444498; July (9,016.152534 + 300)
    # / 31 = 300.521049; August 8,995.276202 / 31 = 290.170200; September 9,399.424862 / 30 =
    # 313.314162. Four months: the default, the mean of the drift twice (no damped trend on fewer
    # than six) and same as last month: slope (313.314162 - 302.444498) / 3 = 3.623221 a month,
    # two thirds of it 2.415481. October 315.729643 x 31 = 9,787.62; November 318.145124 x 30 = 9,544.35
    assert rows["2026-10"]["in_progress"] is True and rows["2026-11"]["in_progress"] is False
    assert rows["2026-10"]["expected"] == pytest.approx(9787.62, abs=0.01)
    assert rows["2026-11"]["expected"] == pytest.approx(9544.35, abs=0.01)
    # October so far: 10,192.394452 / 2 = 5,096.20
    assert any("2026-10 is in progress" in n and "$5,096.20 so far" in n for n in payload["notes"])


def test_budget_of_an_estimated_month_in_monthly_data_is_never_ok(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text("monthly_usd: 10000\n")
    actuals = halved_estimated_october(tmp_path)
    code, out, _ = run("budget", "--budget", path, "--actuals", actuals, "--format", "json")
    payload = json.loads(out)
    (total,) = payload["budgets"]
    # $5,096.20 so far is under $10,000, but how much of October is left the file cannot say
    assert code == 1 and payload["in_progress"] is True
    assert total["actual"] == pytest.approx(5096.197226, abs=1e-6)
    assert total["status"] == "unknown" and total["forecast"] is None and total["forecast_pct"] is None
    code, out, _ = run("budget", "--budget", path, "--actuals", actuals)
    assert code == 1 and "2026-10 is in progress" in out and "cannot be checked" in out


def test_an_estimated_month_already_over_budget_is_over(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text("monthly_usd: 5000\n")
    code, out, _ = run(
        "budget", "--budget", path, "--actuals", halved_estimated_october(tmp_path), "--format", "json"
    )
    assert code == 1 and json.loads(out)["budgets"][0]["status"] == "over"


def test_reconcile_says_an_estimated_month_is_in_progress(tmp_path):
    actuals = halved_estimated_october(tmp_path, halve=False)
    code, out, _ = run("reconcile", "--actuals", actuals, "--format", "json")
    months = {m["month"]: m for m in json.loads(out)["months"]}
    assert (
        code == 0 and months["2026-10"]["in_progress"] is True and months["2026-09"]["in_progress"] is False
    )
    code, out, _ = run("reconcile", "--actuals", actuals, "--month", "2026-10")
    assert code == 0 and "IN PROGRESS" in out


def test_as_of_inside_a_monthly_period_is_refused_not_taken_for_days_so_far(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text("monthly_usd: 10000\n")
    err = refused("budget", "--budget", path, "--actuals", MONTHLY, "--as-of", "2026-10-16")
    assert "2026-10-01..2026-11-01 runs past 2026-10-16" in err


def test_daily_data_of_a_month_not_final_is_in_progress_at_its_days_so_far(tmp_path):
    import gzip

    payload = json.loads(gzip.decompress((ROOT / "data" / "actuals" / DAILY_NAME).read_bytes()))
    for entry in payload["requests"]:
        for page in entry["pages"]:
            for result in page["ResultsByTime"]:
                result["Estimated"] = result["TimePeriod"]["Start"] >= "2026-10-01"
    path = tmp_path / "daily.json"
    path.write_text(json.dumps(payload))
    code, out, err = run("forecast", "--actuals", path, "--months", "1", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["history"][-1]["in_progress"] is True and result["history"][-1]["complete"] is False
    october = result["forecast"][0]
    # every day of October is in, not final: the month-end is the days so far, the sample's
    # October bill of $10,192.39 (Cost Explorer's ungrouped total), with nothing left to simulate
    assert october["month"] == "2026-10" and october["in_progress"] is True
    assert october["expected"] == pytest.approx(10192.39, abs=0.01) == october["low"] == october["high"]
    budget = tmp_path / "budget.yaml"
    budget.write_text("monthly_usd: 10000\n")
    code, out, _ = run("budget", "--budget", budget, "--actuals", path, "--format", "json")
    assert code == 1 and json.loads(out)["in_progress"] is True


# ---------------------------------------------------------------- Cost Explorer groups once
def september_results():
    payload = json.loads(MONTHLY.read_text())
    pages = payload["requests"][0]["pages"]
    (result,) = [r for p in pages for r in p["ResultsByTime"] if r["TimePeriod"]["Start"] == "2026-09-01"]
    return pages[0]["GroupDefinitions"], result


def one_response(tmp_path, periods):
    """One GetCostAndUsage response holding September's groups once per (Start, End)."""
    import copy

    definitions, september = september_results()
    results = []
    for start, end in periods:
        result = copy.deepcopy(september)
        result["TimePeriod"] = {"Start": start, "End": end}
        results.append(result)
    path = tmp_path / "ce.json"
    path.write_text(json.dumps({"GroupDefinitions": definitions, "ResultsByTime": results}))
    return path


def both_paths(*argv):
    """The one stderr line of a refused command, read by the fast path and group by group."""
    from tests.test_actuals_fast_path import strict_only

    fast = refused(*argv)
    with strict_only():
        strict = refused(*argv)
    assert fast == strict
    return fast


def test_overlapping_cost_explorer_periods_are_refused_not_counted_twice(tmp_path):
    path = one_response(tmp_path, [("2026-09-01", "2026-10-01"), ("2026-09-15", "2026-10-01")])
    err = both_paths("reconcile", "--actuals", path)
    assert (
        "ce.json: periods 2026-09-01..2026-10-01 (ce.json) and 2026-09-15..2026-10-01 (ce.json) overlap"
        in err
    )


def test_the_issues_overlap_across_a_month_boundary_is_refused(tmp_path):
    # 09-01..10-01 and 09-15..10-15: September read as $17,734.76 and "1056 hours"
    path = one_response(tmp_path, [("2026-09-01", "2026-10-01"), ("2026-09-15", "2026-10-15")])
    err = both_paths("reconcile", "--actuals", path)
    assert "period 2026-09-15..2026-10-15 runs across a month boundary" in err


def test_a_period_given_with_an_offset_is_converted_to_utc_never_dropped(tmp_path):
    # 2026-09-01T00:00-05:00 is 05:00 UTC: as UTC days it is no longer September's calendar month
    path = one_response(tmp_path, [("2026-09-01T00:00:00-05:00", "2026-10-01T00:00:00-05:00")])
    err = both_paths("reconcile", "--actuals", path)
    assert "period 2026-09-01T05:00:00Z..2026-10-01T05:00:00Z runs across a month boundary" in err
    utc = one_response(tmp_path, [("2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z")])
    code, out, err = run("reconcile", "--actuals", utc, "--format", "json")
    assert code == 0, err
    assert [m["month"] for m in json.loads(out)["months"]] == ["2026-09"]


@pytest.mark.parametrize("start", ["september", "2026-13-01", "01/09/2026", "2026-09-01 garbage"])
def test_a_period_that_is_not_an_iso_date_is_refused(tmp_path, start):
    path = one_response(tmp_path, [(start, "2026-10-01")])
    err = both_paths("reconcile", "--actuals", path)
    assert f"TimePeriod Start {start!r} is not a date YYYY-MM-DD" in err


def test_pages_saved_out_of_order_are_refused_as_such_not_as_never_fetched(tmp_path):
    # tester31: pages joined by a glob (page10.json before page2.json) end on a page with a
    # NextPageToken; the message said the pages after it "were never fetched", and fetching
    # again gave the same file
    payload = json.loads(MONTHLY.read_text())
    payload["requests"][0]["pages"].reverse()
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(payload))
    err = both_paths("reconcile", "--actuals", path)
    assert "ce.json, request 1: page 1 has no NextPageToken (the last page of a request) but page 2" in err
    assert "out of the order they were fetched in" in err


def test_a_saved_response_with_a_dangling_next_page_token_is_refused(tmp_path):
    payload = json.loads(MONTHLY.read_text())
    payload["requests"][0]["pages"].pop()  # the first page says there is more; the rest is gone
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(payload))
    err = both_paths("reconcile", "--actuals", path)
    assert "ce.json, request 1, page 1: the last page saved still carries a NextPageToken" in err
    single = payload["requests"][0]["pages"][0]
    path.write_text(json.dumps(single))  # one response, as boto3 returned it
    assert "ce.json, page 1: the last page saved still carries a NextPageToken" in refused(
        "reconcile", "--actuals", path
    )


# ---------------------------------------------------------------- console dates
def console(tmp_path, *dates):
    lines = ['"Service","EC2-Instances($)","Total costs($)"']
    lines += [f'"{d}","100","100"' for d in dates]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_console_date_that_reads_two_ways_is_refused(tmp_path):
    # day first, 01/06/2026 is June 1st; month first, January 6th: one month "2026-01" at $46,676.58
    err = refused("reconcile", "--actuals", console(tmp_path, "01/06/2026", "01/07/2026"))
    assert "export.csv, line 2: period '01/06/2026' reads as 2026-01-06 (month first) or 2026-06-01" in err


@pytest.mark.parametrize(
    ("dates", "days"),
    [
        # a first number above 12 says day first for the whole file; a second one, month first
        (("30/06/2026", "01/07/2026", "02/07/2026"), ["2026-06-30", "2026-07-01", "2026-07-02"]),
        (("06/30/2026", "07/01/2026", "07/02/2026"), ["2026-06-30", "2026-07-01", "2026-07-02"]),
        (("30.06.2026", "01.07.2026"), ["2026-06-30", "2026-07-01"]),
        (("2026-06-01", "2026-07-01"), ["2026-06-01", "2026-07-01"]),
        (("2026/06/01", "2026/07/01"), ["2026-06-01", "2026-07-01"]),
        (("05/05/2026",), ["2026-05-05"]),  # the same both ways
    ],
)
def test_console_dates_are_read_the_one_way_the_file_allows(tmp_path, dates, days):
    from costmodel.actuals import read_actuals

    rows = read_actuals(console(tmp_path, *dates)).rows
    assert [str(p.date()) for p in rows["period_start"]] == days


@pytest.mark.parametrize("dates", [("01.06.2026", "01.07.2026"), ("02/01/2026",)])
def test_console_dates_with_no_telling_day_are_refused(tmp_path, dates):
    assert "no date in the file says which" in refused("reconcile", "--actuals", console(tmp_path, *dates))


def test_console_dates_that_contradict_each_other_are_refused(tmp_path):
    err = refused("reconcile", "--actuals", console(tmp_path, "13/06/2026", "06/14/2026"))
    assert "line 2 ('13/06/2026') has the day first and line 3 ('06/14/2026') the month first" in err


def test_a_console_offset_is_converted_to_utc_and_a_non_midnight_day_refused(tmp_path):
    err = refused("reconcile", "--actuals", console(tmp_path, "2026-10-01T00:00:00-05:00"))
    assert "period '2026-10-01T00:00:00-05:00' is 2026-10-01 05:00:00 in UTC, not the start of a day" in err
    code, out, err = run(
        "reconcile", "--actuals", console(tmp_path, "2026-10-01T00:00:00Z"), "--format", "json"
    )
    assert code == 0, err
    assert [m["month"] for m in json.loads(out)["months"]] == ["2026-10"]
