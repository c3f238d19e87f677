"""An independent tester's architectures and Cost Explorer files (session 38), read only
through the contracts: a bill that cannot be matched to the model is refused, never
reconciled as if the model's lines were absent from it.

The architecture: 4 x c5.4xlarge nodes ($0.68/h) and a Single-AZ db.r5.xlarge ($0.50/h)
with 300 GB of gp3 ($0.115/GB-Mo), us-east-1, EKS 1.34 (standard support in October 2026).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.test_trust import run

ARCH = """\
name: tester38
region: us-east-1
eks:
  clusters: 1
  kubernetes_version: "1.34"
  instance_type: c5.4xlarge
  node_count: 4
  min_nodes: 2
  max_nodes: 8
  root_volume_gb: 50
rds:
  engine: postgres
  instance_class: db.r5.xlarge
  multi_az: false
  read_replicas: 0
  storage_gb: 300
  iops: 3000
  throughput_mibps: 125
  backup_retention_days: 7
  backup_storage_gb: 0
"""

NODES = ("Amazon Elastic Compute Cloud - Compute", "BoxUsage:c5.4xlarge")
DATABASE = ("Amazon Relational Database Service", "InstanceUsage:db.r5.xl")


def _group(keys, cost: float, hours: float) -> dict:
    return {
        "Keys": list(keys),
        "Metrics": {
            "UnblendedCost": {"Amount": f"{cost:.10f}", "Unit": "USD"},
            "UsageQuantity": {"Amount": f"{hours:.10f}", "Unit": "Hrs"},
        },
    }


def _response(results: list, group_by: tuple[str, ...]) -> dict:
    return {
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": key} for key in group_by],
        "ResultsByTime": results,
        "DimensionValueAttributes": [],
    }


def _period(start: dt.date, end: dt.date, groups: list) -> dict:
    return {
        "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
        "Total": {},
        "Groups": groups,
        "Estimated": False,
    }


@pytest.fixture(scope="module")
def arch(tmp_path_factory):
    path = tmp_path_factory.mktemp("tester38") / "arch.yaml"
    path.write_text(ARCH)
    return path


def test_a_file_grouped_by_usage_type_alone_is_refused_not_read_as_a_bill_without_the_model(arch, tmp_path):
    # October: 3,100 node-hours x $0.68 = $2,108.00 and 744 database hours x $0.50 = $372.00,
    # grouped by USAGE_TYPE without SERVICE. Before, reconcile exited 0 with every model line
    # "modelled but absent from the bill" (EKS nodes actual $0.00, volume -$2,023.68) and
    # the whole $2,480.00 unmapped: a usage type alone names no service (the model's keys
    # are service + usage type; TimedStorage-ByteHrs is S3, CloudWatch Logs and ECR).
    october = _period(
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 1),
        [_group(NODES[1:], 2108.00, 3100), _group(DATABASE[1:], 372.00, 744)],
    )
    path = tmp_path / "by-usage-type.json"
    path.write_text(json.dumps(_response([october], ("USAGE_TYPE",))))
    code, out, err = run("reconcile", "--actuals", path, arch)
    assert code == 2 and out == "", (code, out[-400:])
    assert "by-usage-type.json: grouped by USAGE_TYPE without SERVICE" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def _daily_october(skip: set[int]) -> dict:
    days = []
    for day in range(1, 32):
        if day in skip:
            continue
        start = dt.date(2026, 10, day)
        # a day: 4 nodes x 24 h = 96 h x $0.68 = $65.28; the database 24 h x $0.50 = $12.00
        groups = [_group(NODES, 65.28, 96), _group(DATABASE, 12.00, 24)]
        days.append(_period(start, start + dt.timedelta(days=1), groups))
    return _response(days, ("SERVICE", "USAGE_TYPE"))


def test_a_daily_file_missing_a_day_inside_the_month_is_refused_naming_the_day(arch, tmp_path):
    # 15 October missing from a daily file of October. Before, reconcile exited 0 with the
    # EKS nodes at 30 x $65.28 = $1,958.40, "3.87 running on average vs 4.00 modelled",
    # volume -$65.28, where the four nodes ran all 31 days (31 x $65.28 = $2,023.68): the
    # missing day read as a day without spend. Cost Explorer lists every day of the range
    # (a day without cost has no groups), so a day absent from the file is data not saved;
    # forecast, budget and anomalies refuse it, and so must reconcile.
    path = tmp_path / "daily-gap.json"
    path.write_text(json.dumps(_daily_october(skip={15})))
    code, out, err = run("reconcile", "--actuals", path, arch)
    assert code == 2 and out == "", (code, out[-400:])
    assert "daily-gap.json" in err and "2026-10-15" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_daily_file_of_every_day_reconciles_to_the_hand_sums(arch, tmp_path):
    # the same 31 days whole: nodes 31 x $65.28 = $2,023.68 against 4 x 730 x $0.68 =
    # $1,985.60 modelled: calendar (2,976 - 2,920) x $0.68 = $38.08, volume 0, rate 0;
    # the database 31 x $12.00 = $372.00 against $365.00: calendar 14 x $0.50 = $7.00.
    path = tmp_path / "daily.json"
    path.write_text(json.dumps(_daily_october(skip=set())))
    code, out, err = run("reconcile", "--actuals", path, arch, "--format", "json")
    assert code == 0, err
    (month,) = json.loads(out)["months"]
    assert month["hours_in_month"] == 744 and month["in_progress"] is False
    lines = {line["category"]: line for line in month["lines"]}
    nodes, database = lines["EKS nodes"], lines["RDS primary"]
    assert nodes["actual"] == pytest.approx(2023.68) and nodes["modelled"] == pytest.approx(1985.60)
    assert nodes["calendar_variance"] == pytest.approx(38.08)
    assert nodes["volume_variance"] == pytest.approx(0.0, abs=1e-6)
    assert database["actual"] == pytest.approx(372.00)
    assert database["calendar_variance"] == pytest.approx(7.00)
    assert month["totals"]["actual"] == pytest.approx(2395.68)  # 2,023.68 + 372.00


CACHE_ARCH = """\
name: tester38-cache
region: us-east-1
elasticache:
  engine: redis
  node_type: cache.r6g.xlarge
  node_count: 3
  shards: 1
"""


def test_a_node_type_the_model_does_not_run_is_named_and_its_line_keeps_the_contract(tmp_path):
    # modelled: 3 x cache.r6g.xlarge x 730 h x $0.411 = $900.09. October's bill: the three
    # xlarge nodes, 2,232 h x $0.411 = $917.352, and a cache.r6g.large the model does not run,
    # 744 h x $0.206 = $153.264. The line: actual $1,070.616, calendar (2,232 - 2,190) x $0.411
    # = $17.262, volume $153.264 (all of the unmodelled type's cost, contract), rate $0.
    # Before, the line reported actual_quantity 2,232 and modelled_quantity 2,190 beside that
    # volume, and "3.00 running on average vs 3.00 modelled": from its own fields the contract
    # gives volume (2,232 - 2,190 x 744 / 730) x $0.411 = $0.00, and the large node was named
    # nowhere but in usage_types.
    arch = tmp_path / "cache.yaml"
    arch.write_text(CACHE_ARCH)
    october = _period(
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 1),
        [
            _group(("Amazon ElastiCache", "NodeUsage:cache.r6g.xlarge"), 917.352, 2232),
            _group(("Amazon ElastiCache", "NodeUsage:cache.r6g.large"), 153.264, 744),
        ],
    )
    path = tmp_path / "cache.json"
    path.write_text(json.dumps(_response([october], ("SERVICE", "USAGE_TYPE"))))
    code, out, err = run("reconcile", "--actuals", path, arch, "--format", "json")
    assert code == 0, err
    (month,) = json.loads(out)["months"]
    (line,) = [line for line in month["lines"] if line["category"] == "ElastiCache nodes"]
    assert line["modelled"] == pytest.approx(900.09) and line["actual"] == pytest.approx(1070.616)
    assert line["calendar_variance"] == pytest.approx(17.262)
    assert line["volume_variance"] == pytest.approx(153.264)
    assert line["rate_variance"] == pytest.approx(0.0, abs=1e-6)
    if line["actual_quantity"] is not None:  # quantities given: the contract's formulas hold from them
        price = line["modelled"] / line["modelled_quantity"]
        expected = (line["actual_quantity"] - line["modelled_quantity"] * 744 / 730) * price
        assert line["volume_variance"] == pytest.approx(expected)
    assert "NodeUsage:cache.r6g.large" in line["explanation"]


def test_a_day_listed_without_any_cost_between_days_that_billed_is_refused(arch, tmp_path):
    # 15 October listed with no groups, the nodes and the database billed on each of the 7
    # days before and the day after: a day Cost Explorer holds no data for (README), never
    # read as $0. Before, reconcile exited 0 with the nodes at 30 x $65.28 = $1,958.40 and
    # volume -$65.28, where 31 x $65.28 = $2,023.68 ran; forecast, budget and anomalies
    # already refused it.
    response = _daily_october(skip=set())
    (day,) = [r for r in response["ResultsByTime"] if r["TimePeriod"]["Start"] == "2026-10-15"]
    day["Groups"] = []
    path = tmp_path / "daily-empty-day.json"
    path.write_text(json.dumps(response))
    code, out, err = run("reconcile", "--actuals", path, arch)
    assert code == 2 and out == "", (code, out[-400:])
    assert "daily-empty-day.json" in err and "2026-10-15" in err
