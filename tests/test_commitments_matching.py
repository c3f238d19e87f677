"""Which reservations may cover which usage: deployment option units, service and family.

AWS RDS User Guide, "Size-flexible reserved DB instances": a reservation is worth its
normalized units, and a Multi-AZ DB instance counts twice the units of a Single-AZ one
(db.r5.large: 4 Single-AZ, 8 Multi-AZ). A reservation of another service or instance
family never covers the usage.
"""

import pandas as pd
import pytest

import costmodel
from costmodel import scaling
from costmodel.commitments import Commitment, Portfolio, apply
from costmodel.errors import InputError

TEN_HOURS = pd.date_range("2026-10-01", periods=10, freq="h")
# db.r5.large PostgreSQL on demand, us-east-1 (snapshot: EIO-RDS $0.25 Single-AZ, 2xEIO-RDS
# $0.50 Multi-AZ). The reserved rates below are made up: the snapshot holds no db.r5.large
# reservation; only the units matter here.
SINGLE_AZ_RATE, MULTI_AZ_RATE = 0.25, 0.50


def _rds(count, deployment_option, recurring_hourly):
    return Commitment(
        "reserved_instance",
        service="rds",
        instance_type="db.r5.large",
        count=count,
        recurring_hourly=recurring_hourly,
        deployment_option=deployment_option,
    )


def test_single_az_reservation_covers_half_a_multi_az_instance():
    # 1 Single-AZ db.r5.large RI = 4 units/h; 1 Multi-AZ db.r5.large runs 8 units/h.
    # 10 h: RI 10 x $0.15 = $1.50; the other half on demand: 10 x 0.5 x $0.50 = $2.50 -> $4.00
    result = apply(
        Portfolio([_rds(1, "Single-AZ", 0.15)]),
        pd.DataFrame({"db.r5.large": [1] * 10}, index=TEN_HOURS),
        {"db.r5.large": MULTI_AZ_RATE},
        service="rds",
        deployment_option="Multi-AZ",
    )
    assert result.summary["amortized_cost"] == pytest.approx(4.00)
    assert result.summary["ri_utilization_pct"] == pytest.approx(100.0)
    assert result.hourly["on_demand_units"].sum() == pytest.approx(40.0)  # 4 units x 10 h


def test_multi_az_reservation_covers_two_single_az_instances():
    # 1 Multi-AZ db.r5.large RI = 8 units/h covers 2 Single-AZ db.r5.large (2 x 4 units/h):
    # 10 h x $0.30 = $3.00, nothing on demand, nothing unused
    result = apply(
        Portfolio([_rds(1, "Multi-AZ", 0.30)]),
        pd.DataFrame({"db.r5.large": [2] * 10}, index=TEN_HOURS),
        {"db.r5.large": SINGLE_AZ_RATE},
        service="rds",
        deployment_option="Single-AZ",
    )
    assert result.summary["amortized_cost"] == pytest.approx(3.00)
    assert result.summary["on_demand_hours"] == pytest.approx(0.0)
    assert result.summary["ri_unused_units"] == pytest.approx(0.0)


def test_reservation_of_another_service_is_refused():
    ec2_ri = Commitment("reserved_instance", service="ec2", instance_type="c5.xlarge", count=2)
    with pytest.raises(InputError, match="ec2 c5.xlarge"):
        apply(
            Portfolio([ec2_ri]),
            pd.DataFrame({"db.r5.large": [1] * 10}, index=TEN_HOURS),
            {"db.r5.large": SINGLE_AZ_RATE},
            service="rds",
            deployment_option="Single-AZ",
        )


def test_projection_refuses_an_rds_reservation_on_the_node_group():
    # before: the Multi-AZ db.r5.2xlarge RI (16 units) covered one c5.2xlarge node (16 units),
    # a "saving" of 730 x ($0.34 - $0.50) = -$116.80 on the EKS nodes, with exit 0
    rds_ri = Commitment(
        "reserved_instance",
        service="rds",
        instance_type="db.r5.2xlarge",
        count=1,
        recurring_hourly=0.5,
        deployment_option="Multi-AZ",
    )
    with pytest.raises(InputError, match="rds db.r5.2xlarge"):
        scaling.project(costmodel.load_architecture(), months=2, growth=0.0, commitments=[rds_ri])
