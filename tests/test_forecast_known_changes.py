"""Known changes that meet (tester32): two keys moving the same usage type, one key twice on
one day. Bills from `tests/forecast_world.py` (written from the Cost Explorer reference),
expected figures by hand from the snapshot's prices (c5.2xlarge $0.34/h, c5.4xlarge
$0.68/h, a node's 100 GB gp3 root volume at $0.08/GB-Mo)."""

import datetime as dt

import pytest

from costmodel.actuals import read_actuals
from costmodel.errors import InputError
from costmodel.forecast import forecast, parse_change
from tests.forecast_world import EC2, days_in_month, monthly_bill, saved_file

NODES = (EC2, "BoxUsage:c5.2xlarge")


@pytest.fixture
def three_nodes(tmp_path):
    """Twelve months of exactly three c5.2xlarge nodes, as the production file says: 3 x
    $0.34 x the month's hours, 3 x 24 h a day of BoxUsage:c5.2xlarge."""
    bill = monthly_bill("2026-01", {NODES: [0.0] * 12})
    for start in bill:
        bill[start][NODES] = 3 * 0.34 * 24 * days_in_month(start)

    def hours(start: dt.date) -> tuple[float, str]:
        return 3 * 24.0 * days_in_month(start), "Hrs"

    return read_actuals(saved_file(tmp_path / "ce.json", bill, quantity={NODES: hours}))


@pytest.mark.parametrize(
    "change",
    [
        "2027-01:eks.node_count=4,eks.instance_type=c5.4xlarge",
        "2027-01:eks.instance_type=c5.4xlarge,eks.node_count=4",
    ],
)
def test_a_count_and_a_type_from_one_day_price_the_new_count_at_the_new_type(three_nodes, production, change):
    # three c5.2xlarge nodes today become four c5.4xlarge from 1 January. By the hour: 4 x
    # $0.68 - 3 x $0.34 = $1.70 an hour more, x 744 h = $1,264.80; by the month, the fourth
    # node's root volume, 100 GB x $0.08 = $8.00: January +$1,272.80. Sized apart (before),
    # the type change moved the three nodes the bill shows (3 x $0.34 x 744 = $758.88) and
    # the count a fourth c5.2xlarge ($0.34 x 744 + $8 = $260.96): +$1,019.84, $252.96 short
    result = forecast(three_nodes, months=1, changes=[parse_change(change)], arch=production)
    assert result.forecast["known_changes"].tolist() == pytest.approx([1.70 * 744 + 8.0], abs=0.01)


def test_a_type_then_a_count_months_later_adds_nodes_of_the_new_type(three_nodes, production):
    # c5.4xlarge from January: 3 x $0.34 x 744 h = $758.88 more in March (744 h); a fourth node
    # from March is then a c5.4xlarge, $0.68 x 744 + $8 = $513.92 (before: a c5.2xlarge,
    # $260.96): March +$1,272.80, as four c5.4xlarge against three c5.2xlarge
    changes = [parse_change("2027-01:eks.instance_type=c5.4xlarge"), parse_change("2027-03:eks.node_count=4")]
    result = forecast(three_nodes, months=3, changes=changes, arch=production)
    added = result.forecast.set_index("month")["known_changes"]
    assert added["2027-01"] == pytest.approx(3 * 0.34 * 744, abs=0.01)
    assert added["2027-03"] == pytest.approx(1.70 * 744 + 8.0, abs=0.01)


def test_one_key_given_two_values_from_one_day_is_refused(three_nodes, production):
    # 4 nodes and 5 nodes from 1 January: the second silently won (+2 nodes), as a --set
    # given twice would be refused
    changes = [parse_change("2027-01:eks.node_count=4"), parse_change("2027-01-01:eks.node_count=5")]
    with pytest.raises(InputError, match=r"eks.node_count.*2027-01-01.*twice"):
        forecast(three_nodes, months=1, changes=changes, arch=production)
