"""Capacity models at hand-checked points, monotonicity properties, projections and what-ifs."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costmodel import scaling
from costmodel.commitments import Commitment
from costmodel.errors import InputError
from costmodel.scaling import eks as eks_model
from costmodel.scaling import elasticache as cache_model
from costmodel.scaling import msk as msk_model
from costmodel.scaling import rds as rds_model
from costmodel.scaling.costs import capacity_and_cost
from costmodel.whatif import RUNBOOK, cold_standby, compare


def test_c5_2xlarge_node_shape():
    shape = eks_model.node_shape("c5.2xlarge")
    # kube-reserved CPU: 60m + 10m + 2 x 5m + 4 x 2.5m = 90m of 8 cores
    assert shape.allocatable_cpu == pytest.approx(8 - 0.09)
    # memory: 16,384 MiB - (255 + 11 x 58) - 100 = 15,391 MiB
    assert shape.allocatable_memory_gib == pytest.approx(15391 / 1024)
    # pods: min(floor((7.91 x 0.7 - 0.3) / 0.5) = 10, floor((15.03 x 0.7 - 0.5) / 1) = 10, 58 - 4)
    assert eks_model.pods_per_node(shape, 0.5, 1.0, 0.7) == 10


def test_load_at_which_the_node_group_leaves_3_nodes():
    # 3 nodes x 10 pods x 250 requests/s = 7,500 requests/s
    assert eks_model.eks_nodes(7500) == 3
    assert eks_model.eks_nodes(7501) == 4
    # the maximum: 10 nodes x 10 pods x 250 = 25,000 requests/s; beyond, saturated at 10
    assert eks_model.eks_nodes(25_000) == 10
    assert eks_model.eks_nodes(40_000) == 10
    assert eks_model.saturated(25_001) and not eks_model.saturated(25_000)
    assert eks_model.eks_nodes(0) == 3  # min_nodes


def test_node_type_choice_changes_packing():
    # c5.4xlarge: 16 - 0.11 = 15.89 vCPU x 0.7 - 0.3 = 10.82 -> 21 pods of 0.5 vCPU; memory
    # (32,768 - (255 + 11 x 234) - 100) / 1024 = 28.95 GiB x 0.7 - 0.5 = 19.77 -> 19 pods
    assert eks_model.pods_per_node(eks_model.node_shape("c5.4xlarge"), 0.5, 1.0, 0.7) == 19
    assert eks_model.eks_nodes(20_000, instance_type="c5.4xlarge") == 5  # 80 pods / 19


def test_rds_models():
    # 1.8e9 rows x 300 B x 1.3 x 1.2 / 2^30 = 784.6 GB -> / 0.8 free space -> 980.7 -> 1,000 GB
    assert rds_model.allocated_storage_gb(rds_model.storage_gb(1.8e9)) == 1000
    assert rds_model.instance_class(5, 48) == "db.r5.2xlarge"  # 5 / 0.7 = 7.1 vCPU -> 8 vCPU, 64 GiB
    assert rds_model.instance_class(6, 48) == "db.r5.4xlarge"  # 8.6 vCPU -> 16
    assert rds_model.read_replicas(25_000, 10_000) == 3
    iops, tput = rds_model.gp3_provisioned(300, 1000, 100)
    assert (iops, tput) == (3000, 125)  # never below the baseline under 400 GB
    assert rds_model.backup_storage_gb(1000, 35, 5) == 2750


def test_elasticache_and_msk_models():
    # 40 GB x 1.2 = 48 GB / (26.32 x 0.75 = 19.74 GB) -> 3 shards; with 1 replica each 6 nodes
    assert cache_model.cache_nodes(40) == 3
    assert cache_model.cache_nodes(40, replicas_per_shard=1) == 6
    # kafka.m5.large: min(81 / 6.5, 96 / (5.7 + 2 x 1.5)) x 0.6 = min(12.46, 11.03) x 0.6 = 6.62 MiB/s
    assert msk_model.brokers(19.8) == 3 and msk_model.brokers(19.9) == 6  # 3 x 6.62 = 19.86


def test_msk_autoscaling_adds_capacity_at_the_target():
    # 1,000 GiB at a 60% target: 600 GiB used stays, 601 GiB grows by max(10, 10%) = 100 -> 1,100
    assert msk_model.autoscaled_storage_gb(1000, 600) == 1000
    assert msk_model.autoscaled_storage_gb(1000, 601) == 1100
    # small volumes grow by at least 10 GiB: 50 -> 60 -> 70 for 40 GiB used (> 30, > 36)
    assert msk_model.autoscaled_storage_gb(50, 40) == 70


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 60_000), min_size=2, max_size=30))
def test_more_load_never_lowers_nodes_and_bounds_hold(loads):
    loads = np.sort(np.array(loads))
    nodes = eks_model.eks_nodes(loads)
    assert (np.diff(nodes) >= 0).all()
    assert ((nodes >= 3) & (nodes <= 10)).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.1, 3.0), min_size=2, max_size=12))
def test_more_load_never_lowers_capacity_or_cost(production, catalog, factors):
    factors = np.sort(np.array(factors))
    costs = capacity_and_cost(production, factors, catalog)
    for key in (
        "eks_nodes",
        "rds_class_index",
        "rds_storage_gb",
        "cache_nodes",
        "msk_brokers",
        "msk_storage_gb",
        "eks_cost",
        "rds_cost",
        "elasticache_cost",
        "msk_cost",
    ):
        values = costs[key]
        assert (np.diff(values) >= -1e-9).all(), key


def test_cost_curve_shows_steps(production, catalog):
    curve = scaling.cost_curve(production, "eks", np.linspace(1000, 30_000, 1000), catalog)
    steps = curve.loc[curve["step"], "capacity"].tolist()
    assert steps == [4, 5, 6, 7, 8, 9, 10]  # each new node a step, none after the maximum
    rds_curve = scaling.cost_curve(production, "rds", np.linspace(0.5, 6, 100), catalog)
    assert rds_curve["capacity"].iloc[0] == "db.r5.2xlarge" and "db.r5.8xlarge" in set(rds_curve["capacity"])


def test_projection_with_growth_and_expiring_commitment(production, catalog):
    ri = Commitment(
        "reserved_instance", instance_type="c5.2xlarge", count=3, recurring_hourly=0.214, start="2026-12-01"
    )
    proj = scaling.project(production, months=18, growth=0.05, commitments=[ri], catalog=catalog)
    # 3 covered nodes x 730 h x (0.34 - 0.214) = $275.94 per month while the 1-year term runs
    assert proj["commitment_saving"].iloc[0] == pytest.approx(275.94)
    assert proj["commitment_saving"].iloc[11] > 0 and proj["commitment_saving"].iloc[12] == 0  # expired
    assert proj["total_cost"].iloc[0] == pytest.approx(7794.19 - 275.94)  # the golden hand sum less it
    assert "rds_class db.r5.2xlarge -> db.r5.4xlarge" in " ".join(proj["events"])


def test_monte_carlo_percentiles(production, catalog):
    mc = scaling.monte_carlo(
        production, months=12, growth=scaling.Normal(0.03, 0.01), n=2000, catalog=catalog
    )
    assert mc["p50"].iloc[0] == pytest.approx(7794.19)  # month 0: today's load (the golden hand sum)
    assert mc["p95"].iloc[-1] > mc["p5"].iloc[-1]
    # Growth without spread: every scenario is the deterministic projection at 3% a month,
    # computed by the other code path (scaling.project).
    fixed = scaling.monte_carlo(
        production, months=12, growth=scaling.Normal(0.03, 0.0), n=50, catalog=catalog
    )
    deterministic = scaling.project(production, months=12, growth=0.03, catalog=catalog)
    assert fixed["p5"].to_numpy() == pytest.approx(fixed["p95"].to_numpy())
    assert fixed["p50"].to_numpy() == pytest.approx(deterministic["total_cost"].to_numpy())


def test_tornado(production, catalog):
    table = scaling.tornado(production, catalog=catalog)
    assert table["range"].is_monotonic_decreasing
    top = table.iloc[0]
    # -25% read queries per replica: 8,000 / 3,750 = 2.13 -> 3 replicas, one more db.r5.2xlarge
    # replica ($730) with its storage ($115) and IOPS ($80) = +$925 at least
    assert top["assumption"] in {"load.queries_per_replica", "load.read_queries_per_s"}
    assert top["range"] >= 925


def test_runbook_what_ifs(production, catalog):
    nodes = compare(production, RUNBOOK["scale EKS nodes to 5"], catalog)
    # 2 more nodes: 2 x $0.34 x 730 = $496.40 + 2 x 100 GB root volumes x $0.08 = $16
    assert nodes.difference == pytest.approx(512.40)
    rds = compare(production, RUNBOOK["RDS to db.r5.4xlarge"], catalog)
    # the primary only: Multi-AZ $4.00 - $2.00 = $2.00/h x 730 h = $1,460
    assert rds.difference == pytest.approx(1460.0)


def test_cold_standby_prices_what_it_can_and_reports_the_rest(production, catalog):
    standby = cold_standby(production, catalog)
    table = standby.line_items
    # snapshot copies: 1,500 GB x $0.02 inter-region; EKS control plane $0.10 x 730 (AWS's one
    # per-cluster rate); standby db.r5.large us-west-2 $0.25 x 730; 0 nodes cost $0 at $0.34/h
    assert standby.known_difference == pytest.approx(30.0 + 73.0 + 182.5)
    nodes = table.set_index("usage_type").loc["USW2-BoxUsage:c5.2xlarge"]
    assert (nodes["difference"], nodes["price_status"]) == (0.0, "sourced")
    unknown = table.loc[table["difference"].isna()]
    assert set(unknown["usage_type"]) == {
        "USW2-RDS:GP3-Storage",
        "USW2-RDS:ChargedBackupUsage",
    }
    assert unknown["price_source"].str.contains("looked up|price not found").all()


def test_read_traffic_adds_replicas(production, catalog):
    # 8,000 read queries/s x factor / 5,000 per replica: 1.25 -> 10,000 / 5,000 = 2; 1.26 -> 2.02 -> 3
    costs = capacity_and_cost(production, np.array([1.0, 1.25, 1.26]), catalog)
    assert costs["rds_read_replicas"].tolist() == [2, 2, 3]
    assert rds_model.read_replicas(10_080, 5000) == 3
    proj = scaling.project(production, months=12, growth=0.05, catalog=catalog)
    # 1.05^5 = 1.276 > 1.25: the third replica arrives in the sixth month
    assert "rds_read_replicas 2 -> 3" in proj["events"].iloc[5]


def test_hourly_nodes_follow_the_daily_profile(production):
    nodes = scaling.hourly_nodes(production, "2026-10-01", days=2, factor=2.0)
    assert len(nodes) == 48 and nodes.name == "c5.2xlarge"
    # 15:00 is the peak: 2 x 6,000 = 12,000 requests/s -> 48 pods -> 5 nodes of 10 pods;
    # 03:00 the trough: 2 x 1,500 = 3,000 -> 12 pods -> 2 nodes, held at the minimum 3
    assert nodes["2026-10-01 15:00"] == 5 and nodes["2026-10-01 03:00"] == 3


def test_a_portfolio_is_applied_hour_by_hour_so_two_reservations_of_3_save_what_one_of_6_saves(
    production, catalog
):
    from costmodel.commitments import Commitment

    def ri(count):
        return Commitment(
            "reserved_instance",
            instance_type="c5.2xlarge",
            count=count,
            recurring_hourly=0.214,
            start="2026-12-01",
        )

    def saving(portfolio):
        return scaling.project(production, months=13, growth=0.0, commitments=portfolio, catalog=catalog)[
            "commitment_saving"
        ]

    # the fleet runs 3 nodes every hour at today's load: 6 RIs cover 3 nodes and 3 sit idle:
    # 3 x 730 x $0.34 - 6 x 730 x $0.214 = 744.60 - 937.32 = -$192.72 (not 2 x $275.94)
    two_of_three, one_of_six = saving([ri(3), ri(3)]), saving([ri(6)])
    assert two_of_three.iloc[0] == pytest.approx(-192.72) and one_of_six.iloc[0] == pytest.approx(-192.72)
    assert two_of_three.tolist() == pytest.approx(one_of_six.tolist())
    assert two_of_three.iloc[12] == 0  # both expired after 12 months


def test_elasticache_scales_by_replicas_for_reads_and_by_shards_for_memory(production, catalog):
    costs = capacity_and_cost(production, np.array([1.0, 1.5, 4.0]), catalog)
    # x1: 15 GB x 1.2 = 18 GB fits one shard (26.32 GiB x 0.75 = 19.74); 60,000 reads / 25,000
    #     per node -> 3 nodes: 1 shard x (1 + 2 replicas)
    # x1.5: 27 GB needs 2 shards; each keeps its 2 replicas -> 6 nodes (never one node at a time)
    # x4: 72 GB -> 4 shards; 240,000 reads -> 10 nodes over 4 shards -> still 2 replicas -> 12
    assert costs["cache_shards"].tolist() == [1, 2, 4]
    assert costs["cache_replicas_per_shard"].tolist() == [2, 2, 2]
    assert costs["cache_nodes"].tolist() == [3, 6, 12]


def test_elasticache_read_load_adds_replicas_then_shards():
    from costmodel.scaling.elasticache import topology

    # 150,000 reads / 25,000 = 6 nodes on 1 shard: 1 primary + 5 replicas (the AWS maximum)
    assert [int(v) for v in topology(15, 150_000, "cache.r6g.xlarge", 25_000)] == [1, 5]
    # 175,000 reads = 7 nodes > 6: two shards, ceil(7 / 2) - 1 = 3 replicas each
    assert [int(v) for v in topology(15, 175_000, "cache.r6g.xlarge", 25_000)] == [2, 3]


def test_monte_carlo_in_chunks_gives_the_same_percentiles(production, catalog, monkeypatch):
    import costmodel.scaling.projection as projection

    whole = scaling.monte_carlo(production, months=12, n=3_000, per_month=True, catalog=catalog)
    # 100 scenario-months per chunk: 8 scenarios of 12 months at a time, 375 chunks
    monkeypatch.setattr(projection, "MONTE_CARLO_CHUNK_SCENARIO_MONTHS", 100)
    seen = []
    chunked = scaling.monte_carlo(
        production, months=12, n=3_000, per_month=True, catalog=catalog, progress=lambda d, n: seen.append(d)
    )
    pd.testing.assert_frame_equal(whole, chunked)
    assert len(seen) == 375 and seen[-1] == 3_000 and seen == sorted(seen)


def test_monte_carlo_needs_scenarios(production, catalog):
    with pytest.raises(
        InputError, match=r"n must be a whole number within 1\.\.10,000,000 \[scenarios\], got 0"
    ):
        scaling.monte_carlo(production, months=12, n=0, catalog=catalog)
