"""The monthly HTML report: valid, self-contained, and showing the reconciled totals."""

import io
import json
import re
from contextlib import redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import pytest

from costmodel.cli import main
from costmodel.output import money
from costmodel.report import build_report
from costmodel.report.analysis import waterfall
from tests.test_notebooks import raw_total


class Checker(HTMLParser):
    """Collects tags, image sources and any reference that would need the network."""

    VOID = frozenset({"meta", "img", "br", "link", "hr", "input"})

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.images, self.external = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for key in ("src", "href"):
            if re.match(r"^(https?:)?//", attrs.get(key) or ""):
                self.external.append(attrs[key])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return build_report("2026-10", out)


def test_report_is_valid_self_contained_html(report):
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(html)
    assert checker.errors == [] and checker.stack == []
    assert len(checker.images) >= 3 and all(
        src.startswith("data:image/png;base64,") for src in checker.images
    )
    assert checker.external == []  # opens without network
    assert "<script" not in html


def test_report_totals_match_reconcile_json(report):
    out = io.StringIO()
    with redirect_stdout(out):
        main(
            [
                "reconcile",
                "--actuals",
                "data/actuals/ce-2026-06..2026-10.json",
                "--month",
                "2026-10",
                "--format",
                "json",
            ]
        )
    totals = json.loads(out.getvalue())["months"][0]["totals"]
    html = report.read_text()
    for key in ("actual", "documented", "modelled"):
        assert f'id="{key}-total">{money(totals[key])}</b>' in html
    # the actual total is the bill itself, summed from the file's Amount strings
    assert totals["actual"] == pytest.approx(raw_total("2026-10-01"))
    assert "SYNTHETIC" in html and "aws-price-snapshot-2026-11.csv" in html
    # the total row carries each step column's sum, as the JSON lines add up
    lines = json.loads(out.getvalue())["months"][0]["lines"]
    row = re.search(r"Total \(lines\)</th>(.*?)</tr>", html).group(1)
    for column in ("calendar_variance", "volume_variance", "rate_variance", "bill_adjustment"):
        assert f'<td class="num">{money(sum(line[column] for line in lines))}</td>' in row


def test_waterfall_steps_add_up(sample_rec):
    steps = waterfall(sample_rec)
    assert steps["amount"].iloc[:-1].sum() == pytest.approx(steps["amount"].iloc[-1])
    assert steps["step"].iloc[0] == "documented" and steps["amount"].iloc[0] == pytest.approx(5700)


@pytest.fixture
def sample_rec(production, catalog):
    from costmodel import actuals, reconcile

    return reconcile.month(
        actuals.read_actuals("data/actuals/ce-2026-06..2026-10.json"), production, "2026-10", catalog
    )


def test_ri_coverage_from_the_bill(production, catalog):
    from costmodel import actuals
    from costmodel.report.analysis import ri_coverage

    rows = actuals.read_actuals("data/actuals/ce-2026-06..2026-10.json").rows
    june = ri_coverage(rows, "2026-06", catalog)
    assert june.empty  # the sample's reservations start in August
    oct_ = ri_coverage(rows, "2026-10", catalog).iloc[0]
    # 3 RIs x 744 h = 2,232 reserved hours, all used (the group never runs fewer than 3 nodes)
    assert oct_["reserved_hours"] == pytest.approx(2232) and oct_["utilization_pct"] == pytest.approx(100)
    assert oct_["covered_hours"] == pytest.approx(2232)


def test_report_cli_and_bad_month(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["report", "--month", "2026-08", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "cost-report-2026-08.html").exists()
    assert main(["report", "--month", "2025-01", "--out", str(tmp_path)]) == 2
    assert main(["report", "--month", "October", "--out", str(tmp_path)]) == 2


def test_report_assumptions_read_as_numbers_not_raw_floats(tmp_path):
    from costmodel.report import build_report

    html = build_report("2026-10", tmp_path).read_text()
    # the logs bucket's 2,000,000 PUT requests, formatted as a reader writes them
    assert "2,000,000" in html and ">2000000<" not in html and ">2000000.0<" not in html


def test_report_shows_the_budget_and_the_months_anomalies(tmp_path):
    html = build_report("2026-09", tmp_path).read_text()
    # the bundled sample budget: September's $9,399.42 of $10,000 is ok, NAT $175.73 of $160 over
    assert 'id="budget-verdict"' in html and '<b class="pos">over</b>' in html
    assert "$175.73" in html and "109.8%" in html
    # the two planted CloudWatch days and the third replica's step, from the daily sample
    assert html.count("Logs ingestion (DataProcessing-Bytes)") == 2
    assert "2026-09-15" in html and "InstanceUsage:db.r5.2xl" in html


def test_report_without_budget_or_daily_data_says_how_to_add_them(tmp_path):
    monthly = tmp_path / "ce.json"
    monthly.write_text(Path("data/actuals/ce-2026-06..2026-10.json").read_text())
    html = build_report("2026-10", tmp_path, actuals_path=monthly).read_text()
    assert "No budget given: <code>costmodel report --budget FILE</code>" in html
    assert "Anomalies need daily actuals" in html


def test_report_reconciles_only_the_months_it_shows(monkeypatch):
    # a July report shows June and July (the sample starts in June); August to October are
    # neither shown nor reconciled
    import costmodel.report.build as build
    from costmodel.reconcile import months

    reconciled = []

    def counting(*args, **kwargs):
        out = months(*args, **kwargs)
        reconciled.extend(t.month for t in out)
        return out

    monkeypatch.setattr(build, "months", counting)
    context = build.report_context("2026-07")
    assert reconciled == ["2026-06", "2026-07"]
    assert list(context["tables"]["movers"].columns)[:3] == ["category", "previous", "current"]
    assert "the 2 months up to 2026-07" in build.render(context)


def test_the_report_builds_the_model_once(monkeypatch):
    # reconciliation, budget by category and anomaly labels all need the estimate: one build
    # serves them (the bundled sample's months share their dated facts: EKS 1.28 throughout)
    import importlib

    import costmodel.report.build as build

    # the module, not the function costmodel/__init__ re-exports under its name
    estimate_module = importlib.import_module("costmodel.estimation")

    built = []
    components = estimate_module.components

    def counting(*args, **kwargs):
        built.append(args)
        return components(*args, **kwargs)

    monkeypatch.setattr(estimate_module, "components", counting)
    context = build.report_context("2026-10")
    assert context["budget"] is not None and context["anomalies"]["available"]
    assert len(built) == 1


def test_the_report_says_the_budget_notes_the_budget_command_says(tmp_path):
    # The bundled sample's July has a -$300.00 credit billed to RDS (Cost Explorer bills it by
    # service, without a usage type), so a budget on RDS's InstanceUsage:db.r5.2xl counts none
    # of it; and the file's $8,000 threshold is the whole bill's, not the usage type budget's.
    # `costmodel budget` says both under its table; the report said neither. (The section the
    # report renders, not a whole report: building one takes half a minute.)
    from costmodel import load_architecture
    from costmodel.actuals import read_actuals
    from costmodel.estimation import estimate
    from costmodel.pricing.catalog import load_snapshot
    from costmodel.report.build import budget_section

    (tmp_path / "budget.yaml").write_text(
        "monthly_usd: 10000\nthresholds: [{on: actual, usd: 8000}]\n"
        "by_usage_type: {InstanceUsage:db.r5.2xl: 2000}\n"
    )
    arch, catalog = load_architecture(), load_snapshot()
    actuals = read_actuals("data/actuals/ce-2026-06..2026-10.json")
    items = estimate(arch, catalog, month="2026-07")
    notes = " | ".join(
        budget_section(tmp_path / "budget.yaml", actuals, "2026-07", arch, catalog, items)["notes"]
    )
    assert "the file's thresholds in dollars (actual > $8,000.00) are the whole bill's" in notes
    assert "by_usage_type InstanceUsage:db.r5.2xl counts no credit or refund" in notes
    assert "Amazon Relational Database Service had -$300.00 of them in 2026-07" in notes
    template = (Path("costmodel/report/monthly.j2")).read_text()
    assert "{% for note in budget.notes %}" in template  # the section's notes are shown
