"""Known changes as a platform engineer declares them (tester36), on an architecture of its
own (`SMALL`: 3 c5.2xlarge nodes with 100 GB gp3 root volumes, a Single-AZ db.r5.2xlarge
PostgreSQL primary with one read replica of its class, 100 GB gp3 each, in us-east-1) and
daily bills written by hand as Cost Explorer returns them (`tests/forecast_world.py`).

Prices by hand from the snapshot (data/prices, the same as /work/shared/reference/prices):
c5.2xlarge $0.34/h, c5.4xlarge $0.68/h, EBS gp3 $0.08/GB-Mo, RDS db.r5.2xlarge Single-AZ
$1.00/h, db.r5.4xlarge Single-AZ $2.00/h, RDS gp3 Single-AZ $0.115/GB-Mo, EKS $0.10/h.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from costmodel import load_architecture
from costmodel.actuals import read_actuals
from costmodel.forecast import forecast, parse_change
from tests.forecast_world import EC2, RDS, daily_bill, days_in_month, saved_file
from tests.test_trust import run

EKS = "Amazon Elastic Container Service for Kubernetes"
EBS = "EC2 - Other"
FIRST, LAST = dt.date(2026, 3, 1), dt.date(2026, 10, 31)

SMALL = """\
name: small
region: us-east-1
eks:
  clusters: 1
  kubernetes_version: "1.35"
  instance_type: c5.2xlarge
  node_count: 3
  min_nodes: 3
  max_nodes: 10
  root_volume_gb: 100
rds:
  engine: postgres
  instance_class: db.r5.2xlarge
  multi_az: false
  read_replicas: 1
  storage_gb: 100
  iops: 3000
  throughput_mibps: 125
  backup_retention_days: 7
  backup_storage_gb: 0
"""


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return load_architecture(path)


def a_day(
    day: dt.date, nodes: int = 3, replicas: int = 1, west_nodes: int = 0, node_type: str = "c5.2xlarge"
) -> dict:
    """One day of the small service's bill: (usd, quantity, unit) per (service, usage type).
    Instances by the hour (24 h a day each); GB-Mo a day are the month's GB over its days."""
    days = days_in_month(day)
    instances = 1 + replicas
    node_price = {"c5.2xlarge": 0.34, "c5.4xlarge": 0.68}[node_type]
    rows = {
        (EKS, "USE1-AmazonEKS-Hours:perCluster"): (0.10 * 24, 24.0, "Hrs"),
        (EC2, f"BoxUsage:{node_type}"): (nodes * node_price * 24, nodes * 24.0, "Hrs"),
        (EBS, "EBS:VolumeUsage.gp3"): (nodes * 100 * 0.08 / days, nodes * 100.0 / days, "GB-Mo"),
        (RDS, "InstanceUsage:db.r5.2xl"): (instances * 1.00 * 24, instances * 24.0, "Hrs"),
        (RDS, "USE1-RDS:GP3-Storage"): (instances * 100 * 0.115 / days, instances * 100.0 / days, "GB-Mo"),
    }
    if west_nodes:
        rows[(EC2, "USW2-BoxUsage:c5.2xlarge")] = (west_nodes * 0.34 * 24, west_nodes * 24.0, "Hrs")
    return rows


def bill_file(tmp_path, per_day, last: dt.date = LAST):
    """The actuals of :func:`bill_path`."""
    return read_actuals(bill_path(tmp_path, per_day, last))


def bill_path(tmp_path, per_day, last: dt.date = LAST):
    """A daily Cost Explorer file (UnblendedCost and UsageQuantity) of ``per_day(day)``."""
    days = daily_bill(FIRST, last, per_day)
    usd = {day: {key: row[0] for key, row in rows.items()} for day, rows in days.items()}
    keys = {key for rows in days.values() for key in rows}

    def quantity_of(key):
        return lambda day: days[day].get(key, (0.0, 0.0, "Hrs"))[1:]

    quantity = {key: quantity_of(key) for key in keys}
    return saved_file(
        tmp_path / "ce-daily.json", usd, granularity="DAILY", groups_per_page=200, quantity=quantity
    )


def known(result) -> dict:
    return result.forecast.set_index("month")["known_changes"].to_dict()


def test_nodes_in_another_region_are_not_the_architecture_s_nodes(tmp_path, small):
    # The account runs the small service's 3 nodes in us-east-1 (BoxUsage:c5.2xlarge) and 2
    # nodes of something else in us-west-2 (USW2-BoxUsage:c5.2xlarge). The file is in
    # us-east-1 and says 3, as the bill shows there: a 4th node is +1 node. November (30
    # days, 720 h): $0.34 x 720 = $244.80 by the hour + 100 GB x $0.08 = $8.00 by the month
    # = $252.80; December (744 h) $0.34 x 744 + $8 = $260.96. Before, both regions were
    # read as one: "the bill shows 5", sized from 5 to 4: -$252.80 (the sign wrong)
    actuals = bill_file(tmp_path, lambda d: a_day(d, west_nodes=2))
    result = forecast(actuals, months=2, changes=[parse_change("2026-11-01:eks.node_count=4")], arch=small)
    assert known(result) == pytest.approx({"2026-11": 252.80, "2026-12": 260.96}, abs=0.01)
    (sized,) = result.changes
    assert sized.billed_value == pytest.approx(3.0)


def test_resizing_the_primary_moves_one_instance_whatever_the_replicas_billed(tmp_path, small):
    # The file says 1 replica; the bill runs 2 (3 x InstanceUsage:db.r5.2xl: the Single-AZ
    # primary and its replicas share the usage type). Resizing the primary to db.r5.4xlarge
    # moves the primary alone (replicas keep their class): $2.00 - $1.00 = $1.00 an hour,
    # November 720 h = $720.00, December 744 h = $744.00. Before, the difference was scaled
    # by 1.5 (the bill's 3 instances over the file's 2): $1,080.00 and $1,116.00
    actuals = bill_file(tmp_path, lambda d: a_day(d, replicas=2))
    change = parse_change("2026-11-01:rds.instance_class=db.r5.4xlarge")
    result = forecast(actuals, months=2, changes=[change], arch=small)
    assert known(result) == pytest.approx({"2026-11": 720.0, "2026-12": 744.0}, abs=0.01)


def test_storage_per_instance_is_sized_on_the_instances_the_bill_runs(tmp_path, small):
    # The bill runs the primary and 2 replicas (file: 1), each 100 GB: 300 GB-Mo of
    # RDS:GP3-Storage. Storage 100 -> 200 GB on each of the three: 300 GB x $0.115 = $34.50
    # a month (GB-Mo: a whole month is one). costmodel read "the bill shows 150 GB" (300 GB
    # over the file's 2 instances) and added (200 - 150) x 2 x $0.115 = $11.50
    actuals = bill_file(tmp_path, lambda d: a_day(d, replicas=2))
    result = forecast(actuals, months=1, changes=[parse_change("2026-11-01:rds.storage_gb=200")], arch=small)
    assert known(result) == pytest.approx({"2026-11": 34.50}, abs=0.01)


def test_a_root_volume_per_node_is_sized_on_the_nodes_the_bill_runs(tmp_path, small):
    # The bill runs 4 nodes (file: 3), each with a 100 GB gp3 root volume: 400 GB-Mo of
    # EBS:VolumeUsage.gp3. Root volumes 100 -> 200 GB on each of the four: 400 GB x $0.08 =
    # $32.00 a month. Read on the file's 3 nodes, "the bill shows 133.33 GB" (400 / 3) and
    # (200 - 133.33) x 3 x $0.08 = $16.00 was added
    actuals = bill_file(tmp_path, lambda d: a_day(d, nodes=4))
    change = parse_change("2026-11-01:eks.root_volume_gb=200")
    result = forecast(actuals, months=1, changes=[change], arch=small)
    assert known(result) == pytest.approx({"2026-11": 32.00}, abs=0.01)
    (sized,) = result.changes
    assert sized.billed_value == pytest.approx(100.0)


@pytest.mark.parametrize("step_day", [21, 25, 28, 31])
def test_a_change_the_bill_shows_from_its_last_weeks_is_forecast_at_the_new_level(tmp_path, small, step_day):
    # A 4th node runs from `step_day` October, as declared (--change 2026-10-DD:eks.node_count=4);
    # the data ends 31 October. From November on the service runs 4 nodes:
    # November: EKS 30 x $2.40 = $72.00; nodes 4 x $0.34 x 720 = $979.20; root volumes 4 x
    # 100 x $0.08 = $32.00; RDS 2 x $1.00 x 720 = $1,440.00; RDS storage 2 x 100 x $0.115 =
    # $23.00: $2,546.20. costmodel gave $2,325.78 (step on the 21st), $2,291.88 (25th: the
    # change "already on the bill", nothing added, the forecast at 3 nodes), $2,400.23
    # (28th) and $2,508.57 (31st)
    start = dt.date(2026, 10, step_day)
    actuals = bill_file(tmp_path, lambda d: a_day(d, nodes=4 if d >= start else 3))
    change = parse_change(f"{start}:eks.node_count=4")
    result = forecast(actuals, months=1, changes=[change], arch=small)
    november = 72.0 + 4 * 0.34 * 720 + 4 * 100 * 0.08 + 2 * 1.00 * 720 + 2 * 100 * 0.115
    assert result.forecast["expected"].iloc[0] == pytest.approx(november, abs=3.0)


def _events(tmp_path, per_day, *argv) -> list[dict]:
    arch = tmp_path / "small.yaml"
    arch.write_text(SMALL)
    path = bill_path(tmp_path, per_day)
    code, out, err = run(
        "anomalies", arch, "--actuals", path, "--month", "2026-10", "--format", "json", *argv
    )
    assert code == 0, err
    return json.loads(out)["events"]


def test_a_count_declared_after_a_declared_type_change_is_planned_on_the_new_type(tmp_path):
    # c5.4xlarge nodes from 1 September (declared), then 3 -> 6 of them from 15 October
    # (declared): October's rise is BoxUsage:c5.4xlarge, 3 x $0.68 x 24 = $48.96 a day more,
    # 17 days (15..31 October) = $832.32, planned. Before, the count was read on the file
    # without the type change (it moved BoxUsage:c5.2xlarge), so the rise was alarmed
    switched, more = dt.date(2026, 9, 1), dt.date(2026, 10, 15)

    def day(d):
        return a_day(
            d, nodes=6 if d >= more else 3, node_type="c5.4xlarge" if d >= switched else "c5.2xlarge"
        )

    changes = [
        "--change",
        "2026-09-01:eks.instance_type=c5.4xlarge",
        "--change",
        "2026-10-15:eks.node_count=6",
    ]
    (event,) = _events(tmp_path, day, *changes)
    assert event["start"] == "2026-10-15" and event["total_impact"] == pytest.approx(832.32, abs=0.01)
    assert event["planned"] is True


def test_a_planned_node_in_one_region_does_not_hide_an_unplanned_one_in_another(tmp_path):
    # us-east-1 goes from 3 to 6 nodes on 15 October, declared (--change on the us-east-1
    # file); us-west-2, where nothing was declared, goes from 1 to 4 c5.2xlarge the same day.
    # Each is 3 x $0.34 x 24 = $24.48 a day more, 17 days = $416.16: the us-west-2 one is an
    # unplanned event of its own. Before, the planned change covered BoxUsage:c5.2xlarge in
    # every region: one planned event of $832.32, nothing alarmed
    start = dt.date(2026, 10, 15)

    def day(d):
        return a_day(d, nodes=6 if d >= start else 3, west_nodes=4 if d >= start else 1)

    events = _events(tmp_path, day, "--change", "2026-10-15:eks.node_count=6")
    by_planned = {e["planned"]: e for e in events}
    assert set(by_planned) == {True, False}
    assert by_planned[False]["total_impact"] == pytest.approx(416.16, abs=0.01)
    assert [c["usage_type"] for c in by_planned[False]["root_causes"]] == ["USW2-BoxUsage:c5.2xlarge"]
    assert by_planned[True]["total_impact"] == pytest.approx(416.16, abs=0.01)


def test_a_declared_step_in_a_monthly_history_is_not_carried_on_as_a_trend(tmp_path, small):
    # Monthly file March..October 2026: 3 nodes, a 4th from 15 September (declared:
    # --change 2026-09-15:eks.node_count=4, "already on the bill" in October, rightly). From
    # then on the service runs 4 nodes and nothing else moves: November (30 days) = EKS
    # $72.00 + nodes 4 x $0.34 x 720 = $979.20 + root volumes 4 x $8 = $32.00 + RDS 2 x $720
    # = $1,440.00 + RDS storage $23.00 = $2,546.20; December (31 days) = $74.40 + $1,011.84 +
    # $32.00 + $1,488.00 + $23.00 = $2,629.24. costmodel (the default combination with the
    # drift and the damped trend) gave $2,591.35 and $2,721.16, rising by about $90 a month
    actuals = _monthly_file(tmp_path, dt.date(2026, 9, 15))
    result = forecast(actuals, months=2, changes=[parse_change("2026-09-15:eks.node_count=4")], arch=small)
    assert result.forecast["expected"].tolist() == pytest.approx([2546.20, 2629.24], abs=10.0)


def _monthly_file(tmp_path, start: dt.date):
    """A monthly Cost Explorer file March..October 2026 of 3 nodes, a 4th from ``start``."""
    days = daily_bill(FIRST, LAST, lambda d: a_day(d, nodes=4 if d >= start else 3))
    months: dict = {}
    quantities: dict = {}
    for day, rows in days.items():
        month = months.setdefault(day.replace(day=1), {})
        for key, (usd, quantity, unit) in rows.items():
            month[key] = month.get(key, 0.0) + usd
            got = quantities.setdefault(key, {}).get(day.replace(day=1), (0.0, unit))
            quantities[key][day.replace(day=1)] = (got[0] + quantity, unit)
    quantity = {key: per.__getitem__ for key, per in quantities.items()}
    return read_actuals(saved_file(tmp_path / "ce.json", months, quantity=quantity))


def test_a_declared_step_in_the_last_month_of_a_monthly_file_is_carried_whole(tmp_path, small):
    # The same service, the 4th node from 15 October (declared), October the file's last
    # month: November and December at 4 nodes are $2,546.20 and $2,629.24 (above). costmodel
    # gave $2,529.00 and $2,624.90: the change sized against October, half of it 3 nodes and
    # half 4 ("the bill shows 3.55": +0.45 of a node added, $114.17), the rest of the step
    # left in October's total for the candidates to carry on, as a rise
    actuals = _monthly_file(tmp_path, dt.date(2026, 10, 15))
    result = forecast(actuals, months=2, changes=[parse_change("2026-10-15:eks.node_count=4")], arch=small)
    assert result.forecast["expected"].tolist() == pytest.approx([2546.20, 2629.24], abs=5.0)


def test_a_planned_file_naming_a_region_s_usage_type_covers_that_region_only(tmp_path):
    # The planned-events file declares USW2-BoxUsage:c5.2xlarge from 15 October (us-west-2:
    # 1 -> 4 nodes); us-east-1's nodes go from 3 to 6 the same day, undeclared. Each is 3 x
    # $0.34 x 24 = $24.48 a day, 17 days = $416.16: us-east-1's is alarmed. Before, the
    # prefix was dropped and the plan covered BoxUsage:c5.2xlarge of every region
    start = dt.date(2026, 10, 15)
    planned = tmp_path / "planned.yaml"
    planned.write_text(
        f"- {{start: {start}, service: {EC2}, usage_type: USW2-BoxUsage:c5.2xlarge, note: DR warm-up}}\n"
    )

    def day(d):
        return a_day(d, nodes=6 if d >= start else 3, west_nodes=4 if d >= start else 1)

    events = _events(tmp_path, day, "--planned", planned)
    unplanned = [e for e in events if not e["planned"]]
    assert [c["usage_type"] for e in unplanned for c in e["root_causes"]] == ["BoxUsage:c5.2xlarge"]
    assert unplanned[0]["total_impact"] == pytest.approx(416.16, abs=0.01)


def test_a_rise_beyond_the_declared_change_alarms_its_excess(tmp_path):
    # Declared: a 4th node from 15 October (--change 2026-10-15:eks.node_count=4, +$8.16 a
    # day). Billed: 6 nodes from that day, +3 x $8.16 = $24.48 a day. The declared node is
    # planned (17 days x $8.16 = $138.72); the two nodes nobody declared, 17 x 2 x $8.16 =
    # $277.44, are not. costmodel lists one planned event of $416.16 and alarms nothing
    start = dt.date(2026, 10, 15)
    events = _events(
        tmp_path, lambda d: a_day(d, nodes=6 if d >= start else 3), "--change", f"{start}:eks.node_count=4"
    )
    unplanned = [e for e in events if not e["planned"]]
    assert sum(e["total_impact"] for e in unplanned) == pytest.approx(277.44, abs=1.0)
    planned = [e for e in events if e["planned"]]
    assert sum(e["total_impact"] for e in planned) == pytest.approx(138.72, abs=1.0)


def test_an_instance_type_begun_on_the_data_s_last_day_is_forecast_at_the_new_type(tmp_path, small):
    # c5.4xlarge nodes from 31 October (declared: --change 2026-10-31:eks.instance_type=c5.4xlarge),
    # the data ends that day. November: EKS $72.00 + nodes 3 x $0.68 x 720 = $1,468.80 + root
    # volumes 3 x $8 = $24.00 + RDS $1,440.00 + RDS storage $23.00 = $3,027.80. costmodel gives
    # $2,921.37 (the difference scaled by the 6/7 of the last week billed as c5.2xlarge)
    start = dt.date(2026, 10, 31)
    actuals = bill_file(tmp_path, lambda d: a_day(d, node_type="c5.4xlarge" if d >= start else "c5.2xlarge"))
    change = parse_change(f"{start}:eks.instance_type=c5.4xlarge")
    result = forecast(actuals, months=1, changes=[change], arch=small)
    november = 72.0 + 3 * 0.68 * 720 + 3 * 100 * 0.08 + 2 * 1.00 * 720 + 2 * 100 * 0.115
    assert result.forecast["expected"].iloc[0] == pytest.approx(november, abs=3.0)


def test_a_change_dated_inside_the_month_in_progress_moves_the_months_after_it_whole(tmp_path, small):
    # A 4th node from 10 October (declared), data to 20 October: October is in progress. From
    # November the service runs 4 nodes: EKS $72.00 + nodes 4 x $0.34 x 720 = $979.20 + root
    # volumes 4 x $8 = $32.00 + RDS $1,440.00 + RDS storage $23.00 = $2,546.20. costmodel
    # gave $2,470.76: October's month-end forecast (9 days at 3 nodes, 22 at 4: 74.40 +
    # 9 x 24.48 + 22 x 32.64 + (9 x 24 + 22 x 32) / 31 + 1,488 + 23 = $2,553.48) carried on
    # over November's 30 days, the step inside it not re-levelled as a complete month's is
    start = dt.date(2026, 10, 10)
    actuals = bill_file(tmp_path, lambda d: a_day(d, nodes=4 if d >= start else 3), dt.date(2026, 10, 20))
    result = forecast(actuals, months=1, changes=[parse_change(f"{start}:eks.node_count=4")], arch=small)
    expected = result.forecast.set_index("month")["expected"]
    assert expected["2026-10"] == pytest.approx(2553.48, abs=3.0)
    assert expected["2026-11"] == pytest.approx(72.0 + 4 * 0.34 * 720 + 32.0 + 1440.0 + 23.0, abs=5.0)
