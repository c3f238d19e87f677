"""An independent tester's own architecture (session 38, round 2), read only through the
command line: figures of the infrastructure document are never compared with an
architecture it does not describe, a Kafka cluster of no brokers is refused, a month is
priced at a snapshot price dated later with the same note by estimate and reconcile, a
what-if that cannot move anything says so, and a month cut short before the next one is
refused rather than shown as in progress.

Prices (data/prices): c5.4xlarge $0.68/h (dated 2026-07-20), db.r5.xlarge Single-AZ $0.50/h.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.test_trust import refused, run

ARCH = """\
name: tester38b
region: us-east-1
eks:
  kubernetes_version: "1.34"
  instance_type: c5.4xlarge
  node_count: 4
  min_nodes: 2
  max_nodes: 8
rds:
  instance_class: db.r5.xlarge
  multi_az: false
  read_replicas: 0
  storage_gb: 300
elasticache:
  node_type: cache.r6g.large
  node_count: 2
msk:
  broker_type: kafka.m5.xlarge
  broker_count: 6
  storage_gb: 500
"""

NODES = ("Amazon Elastic Compute Cloud - Compute", "BoxUsage:c5.4xlarge")


def _response(days: list[tuple[dt.date, dt.date]], cost: float, hours: float) -> dict:
    """Cost Explorer periods (SERVICE, USAGE_TYPE) each billing the nodes ``cost`` over ``hours``."""
    group = {
        "Keys": list(NODES),
        "Metrics": {
            "UnblendedCost": {"Amount": f"{cost:.10f}", "Unit": "USD"},
            "UsageQuantity": {"Amount": f"{hours:.10f}", "Unit": "Hrs"},
        },
    }
    results = [
        {
            "TimePeriod": {"Start": s.isoformat(), "End": e.isoformat()},
            "Total": {},
            "Groups": [group],
            "Estimated": False,
        }
        for s, e in days
    ]
    return {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
        "ResultsByTime": results,
        "DimensionValueAttributes": [],
    }


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tester38b")
    arch = folder / "arch.yaml"
    arch.write_text(ARCH)
    # July 2026, monthly: 4 nodes x 744 h = 2,976 h x $0.68 = $2,023.68
    july = folder / "july.json"
    july.write_text(json.dumps(_response([(dt.date(2026, 7, 1), dt.date(2026, 8, 1))], 2023.68, 2976)))
    return arch, july


def test_reconcile_compares_no_documented_figure_with_an_architecture_the_document_does_not_describe(files):
    # The document describes 3 x c5.2xlarge, a Multi-AZ db.r5.2xlarge and 2 replicas: its
    # "Primary instance: $1,600" and "~$5,700" total are about that, not this file. Before,
    # the RDS primary line read documented $1,600 and the month's documented total was the
    # document's groups for the categories present ($3,973 on the tester's file).
    arch, july = files
    code, out, err = run("reconcile", "--actuals", july, arch, "--format", "json")
    assert code == 0, err
    (month,) = json.loads(out)["months"]
    assert month["totals"]["documented"] is None
    for line in month["lines"]:
        assert line["documented"] is None and line["allocated"] is None, line
        assert line["documented_basis"] == "no_document"
    nodes = {line["category"]: line for line in month["lines"]}["EKS nodes"]
    assert nodes["actual"] == pytest.approx(2023.68)  # the bill, as given
    assert nodes["modelled"] == pytest.approx(1985.60)  # 4 x 730 h x $0.68


def test_commitments_give_list_figures_only_for_an_architecture_the_document_does_not_describe(files):
    # Before, "EKS Nodes (c5.2xlarge)" read documented $1,500 on-demand / $900 reserved
    # beside 4 x c5.4xlarge. The list figure stays: 4 x 730 h x $0.68 = $1,985.60.
    arch, _ = files
    code, out, err = run("commitments", arch, "--format", "json")
    assert code == 0, err
    rows = {row["item"]: row for row in json.loads(out)["documented_table"]}
    for row in rows.values():
        assert row["documented_on_demand"] is None and row["documented_reserved"] is None, row
        assert "no documented estimate for this architecture" in row["explanation"]
    assert rows["EKS Nodes (c5.2xlarge)"]["list_on_demand"] == pytest.approx(1985.60)


def test_estimate_compare_documented_is_refused_for_an_architecture_the_document_does_not_describe(files):
    arch, _ = files
    err = refused("estimate", arch, "--compare-documented")
    assert "arch.yaml" in err and "no documented estimate for this architecture" in err


def test_a_kafka_cluster_of_no_brokers_is_refused(files, tmp_path):
    # 0 % 3 == 0 passed the "multiple of the AZs" rule and was priced at 0 x $0.42 = $0;
    # MSK spreads brokers evenly over 2 or 3 AZs, at least one in each.
    path = tmp_path / "no-brokers.yaml"
    path.write_text(ARCH.replace("broker_count: 6", "broker_count: 0"))
    err = refused("estimate", path)
    assert "msk.broker_count = 0" in err and "msk.availability_zones = 3" in err


def test_estimate_and_reconcile_price_a_month_before_a_price_took_effect_with_the_same_note(files):
    # c5.4xlarge's $0.68/h is dated 2026-07-20. Before, `estimate --month 2026-07` was
    # refused while `reconcile` of July used the same price without a word. The snapshot
    # has no earlier price: both price July at it and say so. July, 744 h: the nodes are
    # 4 x 744 x $0.68 = $2,023.68.
    arch, july = files
    code, out, err = run("estimate", arch, "--month", "2026-07", "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    nodes = [i for i in payload["line_items"] if i["usage_type"] == "BoxUsage:c5.4xlarge"]
    assert sum(i["monthly_cost"] for i in nodes) == pytest.approx(2023.68)
    (estimate_note,) = [n for n in payload["warnings"] if "BoxUsage:c5.4xlarge" in n and "2026-07-20: " in n]
    code, out, err = run("reconcile", "--actuals", july, arch, "--format", "json")
    assert code == 0, err
    (reconcile_note,) = [
        n for n in json.loads(out)["notes"] if "BoxUsage:c5.4xlarge" in n and "2026-07-20: " in n
    ]
    assert reconcile_note == estimate_note and reconcile_note.startswith("2026-07 began before")


def test_a_replica_class_with_no_replicas_says_it_changes_nothing(files):
    arch, _ = files
    code, out, err = run("whatif", arch, "--set", "rds.replica_class=db.r5.2xlarge", "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["difference"] == 0  # no replica: 0 x any class = $0
    (note,) = payload["notes"]
    assert "rds.replica_class = db.r5.2xlarge changes nothing" in note and "rds.read_replicas is 0" in note


def test_a_month_cut_short_before_the_next_month_is_refused_not_shown_in_progress(files, tmp_path):
    # Month-to-date July (1-28) saved, then August whole appended: July 29-31 are missing
    # while August has data, a gap (3 days x 4 x 24 h x $0.68 = $195.84 left out), not a
    # month to date. Before, July reconciled "in progress" over its 672 hours (28 x 24).
    arch, _ = files
    periods = [(dt.date(2026, 7, 1), dt.date(2026, 7, 29)), (dt.date(2026, 8, 1), dt.date(2026, 9, 1))]
    path = tmp_path / "cut.json"
    # 28 days x 96 h = 2,688 h x $0.68 = $1,827.84 (July); 31 x 96 = 2,976 h = $2,023.68 (August)
    response = _response(periods[:1], 1827.84, 2688)
    response["ResultsByTime"] += _response(periods[1:], 2023.68, 2976)["ResultsByTime"]
    path.write_text(json.dumps(response))
    err = refused("reconcile", "--actuals", path, arch)
    assert "cut.json" in err and "2026-07-29 to 2026-07-31" in err and "2026-07 is cut short" in err


def test_the_python_headline_says_no_documented_estimate_rather_than_unknown(files):
    # Before: "documented  unknown" and "actual − documented  unknown" in the notebook headline.
    from costmodel import load_architecture, reconcile
    from costmodel.actuals import read_actuals

    arch, july = files
    rec = reconcile.month(read_actuals(july), load_architecture(arch), "2026-07")
    text = repr(rec)
    assert "no documented estimate for this architecture" in text and "actual − documented" not in text


def test_a_copy_of_the_production_file_without_the_key_is_still_the_documented_architecture(tmp_path):
    # the bundled production file's resources, without documented_estimate (a user's copy
    # written before the key, or what discover read from the account): the document describes
    # it, so its audit runs and its documented total is the document's $5,700
    from pathlib import Path

    production = (Path(__file__).parent.parent / "data" / "architectures" / "production.yaml").read_text()
    copy = tmp_path / "my-production.yaml"
    copy.write_text(
        "\n".join(line for line in production.splitlines() if not line.startswith("documented_estimate"))
    )
    october = ("reconcile", "--actuals", "data/actuals/ce-2026-06..2026-10.json", "--month", "2026-10")
    code, out, err = run(*october, "--format", "json", copy)
    assert code == 0, err
    (month,) = json.loads(out)["months"]
    assert month["totals"]["documented"] == pytest.approx(5700.0)
    # one node more is another architecture: no documented figure beside it
    copy.write_text(copy.read_text().replace("node_count: 3", "node_count: 4", 1))
    code, out, err = run(*october, "--format", "json", copy)
    assert code == 0, err
    assert json.loads(out)["months"][0]["totals"]["documented"] is None
