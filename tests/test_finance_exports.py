"""One reconciliation story in every export: the CSV, the JSON steps, the waterfall, the
report and its workbook carry the same steps, every line (unmapped too) and the bill."""

import csv
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from costmodel.cli import main
from costmodel.output import money
from tests.test_notebooks import raw_total

# one worker builds the module's three reports once (conftest.ONE_WORKER_FILES)

SAMPLE = "data/actuals/ce-2026-06..2026-10.json"
CUR = "data/actuals/cur2-2026-06..2026-10.parquet"


def run(*argv):
    out = io.StringIO()
    with redirect_stdout(out):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


def test_reconcile_csv_carries_every_line_and_a_total_equal_to_the_bill():
    code, out = run("reconcile", "--actuals", SAMPLE, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert not [v for r in rows for v in r.values() if v in ("-0.0", "-0")]  # no negative zero
    assert not any(v.startswith("[") for r in rows for v in r.values())  # no Python list reprs
    assert any(";" in r["usage_types"] for r in rows)  # lists as ;-joined text
    for month in ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10"):
        in_month = [r for r in rows if r["month"] == month]
        total = [r for r in in_month if r["category"] == "Total (bill)"]
        assert len(total) == 1
        # the bill, summed straight from the file's Amount strings
        assert float(total[0]["actual"]) == pytest.approx(raw_total(f"{month}-01"), abs=0.005)
        others = sum(float(r["actual"]) for r in in_month if r["category"] != "Total (bill)")
        assert others == pytest.approx(raw_total(f"{month}-01"), abs=0.005)


def test_reconcile_csv_lists_unmapped_rows(tmp_path):
    """A bill row no category takes stays in the CSV, as a row of its own."""
    raw = json.loads(Path(SAMPLE).read_text())
    for request in raw["requests"]:
        for page in request["pages"]:
            for result in page["ResultsByTime"]:
                for group in result.get("Groups", []):
                    if group["Keys"][0] == "AWS X-Ray":
                        group["Keys"][0] = "Amazon Mystery Service"
                for total in [result.get("Total", {})]:
                    assert isinstance(total, dict)
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(raw))
    code, out = run("reconcile", "--actuals", path, "--month", "2026-10", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    unmapped = [r for r in rows if r["category"] == "(unmapped)"]
    assert unmapped and all(r["usage_types"].startswith("Amazon Mystery Service: ") for r in unmapped)
    # X-Ray's $25.00 (2M traces accessed... as modelled on the sample's October) moved to unmapped
    assert sum(float(r["actual"]) for r in unmapped) == pytest.approx(raw_total("2026-10-01", "AWS X-Ray"))
    total = next(r for r in rows if r["category"] == "Total (bill)")
    assert float(total["actual"]) == pytest.approx(raw_total("2026-10-01"), abs=0.005)


def test_tax_and_support_are_their_own_steps_in_json_and_the_waterfall():
    _, out = run("reconcile", "--actuals", SAMPLE, "--month", "2026-10", "--format", "json")
    month = json.loads(out)["months"][0]
    steps = {s["step"]: s["amount"] for s in month["steps"]}
    lines = {line["category"]: line for line in month["lines"]}
    tax, support = raw_total("2026-10-01", "Tax"), raw_total("2026-10-01", "AWS Support (Developer)")
    assert steps["tax"] == pytest.approx(tax) and steps["support"] == pytest.approx(support)
    assert lines["Tax"]["volume_variance"] == 0 and lines["Tax"]["bill_adjustment"] == pytest.approx(tax)
    # the waterfall's volume is the table's volume column: one figure for one month
    assert steps["volume"] == pytest.approx(sum(line["volume_variance"] for line in month["lines"]))
    assert sum(v for k, v in steps.items() if k != "actual") == pytest.approx(steps["actual"])
    assert steps["actual"] == pytest.approx(raw_total("2026-10-01"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    code, _ = run("report", "--month", "2026-10", "--out", out / "ce")
    assert code == 0
    code, _ = run("report", "--month", "2026-10", "--cur", CUR, "--out", out / "cur")
    assert code == 0
    code, _ = run("report", "--month", "2026-10", "--out", out / "xlsx", "--format", "xlsx")
    assert code == 0
    return out


def test_report_reads_on_a_phone_and_prints_with_headers(reports):
    html = (reports / "ce" / "cost-report-2026-10.html").read_text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "thead { display: table-header-group; }" in html
    assert html.count("<thead>") >= 10 and '<div class="wide"><table id="reconciliation">' in html


def test_report_shows_the_forecast_and_the_views_finance_expects(reports):
    html = (reports / "ce" / "cost-report-2026-10.html").read_text()
    assert 'id="forecast"' in html and "Starting point: the bill" in html
    for month in ("2026-11", "2026-12", "2027-01"):
        assert f"<td>{month}</td>" in html
    for section in ("Month over month by AWS service", "Daily cost", "Amortized beside unblended"):
        assert section in html
    assert "savings realized" in html and "per 1,000 requests" in html
    # the reconciliation ends with the bill
    assert f'<td class="num" id="bill-total">{money(raw_total("2026-10-01"))}</td>' in html


def test_report_from_line_items_keeps_the_budget_and_adds_tag_and_resource_views(reports):
    html = (reports / "cur" / "cost-report-2026-10.html").read_text()
    assert 'id="budget-verdict"' in html  # the bundled budget, as with the bundled Cost Explorer bill
    assert '<table id="by-tag">' in html and '<table id="resources">' in html
    assert "arn:aws:" not in html.split('<table id="resources">')[1].split("</table>")[0].replace(
        'title="arn:aws:', ""
    )
    # the tax and the RI fee have no resource id: said, not an empty cell
    resources = html.split('<table id="resources">')[1].split("</table>")[0]
    assert '">(no resource id: fee, tax)</td>' in resources and '""></td>' not in resources


def test_changes_that_round_to_nothing_read_zero_never_minus_zero():
    from costmodel.output import change_text, signed_percent

    assert signed_percent(-0.04) == "0.0%" and signed_percent(0.04) == "0.0%"
    assert signed_percent(-2.06) == "-2.1%" and signed_percent(13.24) == "+13.2%"
    # $15.00 -> $14.9999: ECR's month over month in the bundled bill read "-0.0%"
    assert change_text(14.9999, 15.0) == "+$0.00 (0.0%)"


def test_the_report_forecast_draws_the_budget_line(monkeypatch):
    from costmodel import actuals
    from costmodel.report import build, charts

    bill = actuals.read_actuals(SAMPLE)
    drawn = []
    original = charts.plot_forecast

    def spy(result, budget=None):
        drawn.append(budget)
        return original(result, budget=budget)

    monkeypatch.setattr(charts, "plot_forecast", spy)
    section = build.forecast_section(bill, "2026-10", 10000.0)
    assert section["available"] and drawn == [10000.0]


def test_report_workbook_has_one_sheet_per_table_money_as_money(reports):
    import openpyxl

    book = openpyxl.load_workbook(reports / "xlsx" / "cost-report-2026-10.xlsx")
    assert {
        "Summary",
        "Reconciliation",
        "Steps",
        "Budget",
        "Forecast",
        "Assumptions",
        "Price sources",
    } <= set(book.sheetnames)
    sheet = book["Reconciliation"]
    head = [c.value for c in sheet[1]]
    total = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Total (bill)")
    actual = total[head.index("actual")]
    assert actual.value == pytest.approx(raw_total("2026-10-01"), abs=1e-6)
    assert actual.number_format.startswith('"$"#,##0.00')
    budget = book["Budget"]
    used = [c.value for c in budget[1]].index("used")
    # October's $10,192.39 of the $10,000 budget: 101.9%, a fraction formatted as a percentage
    assert budget.cell(row=2, column=used + 1).value == pytest.approx(raw_total("2026-10-01") / 10000)
    assert budget.cell(row=2, column=used + 1).number_format == "0.0%"
    # a header names one column: "change" [USD] and "change %" were both "change"
    for sheet in book.worksheets:
        heads = [c.value for c in sheet[1]]
        assert len(heads) == len(set(heads)), (sheet.title, heads)
    assert [c.value for c in book["By service"][1]][-2:] == ["change", "change %"]
    # counts read with thousands separators: 10,044,000,000 requests
    units = book["Unit cost"]
    requests = [c.value for c in units[1]].index("requests") + 1
    assert units.cell(row=2, column=requests).number_format == "#,##0"
