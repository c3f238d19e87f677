"""AWS service limits (data/limits.csv): refused in files, what-ifs and capacity results."""

import numpy as np
import pytest

from costmodel import load_architecture
from costmodel.architecture import architecture_from_dict
from costmodel.errors import InputError
from costmodel.scaling import capacity_and_cost


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rds.read_replicas": 16}, "rds.read_replicas = 16 must be at most 15 replicas"),
        ({"rds.iops": 70000}, "rds.iops = 70,000 must be at most 64,000 IOPS"),
        ({"rds.throughput_mibps": 4500}, "must be at most 4,000 MiB/s"),
        # 16,000 IOPS x 0.25 MiB/s per IOPS = 4,000 MiB/s at most; with 10,000 IOPS: 2,500
        ({"rds.iops": 10000, "rds.throughput_mibps": 3000}, "0.25 MiB/s per IOPS x 10,000 IOPS = 2,500"),
        ({"msk.storage_gb": 20000}, "msk.storage_gb = 20,000 must be at most 16,384 GiB"),
        (
            {"eks.node_count": 11},
            "eks.node_count = 11 must lie within eks.min_nodes = 3 and eks.max_nodes = 10",
        ),
    ],
)
def test_a_what_if_beyond_an_aws_limit_is_refused_with_the_limit_and_its_source(changes, message):
    with pytest.raises(InputError, match=message) as info:
        load_architecture().with_changes(changes)
    assert "AWS limit" in str(info.value) or "eks.min_nodes" in str(info.value)


def test_rds_gp3_iops_are_at_most_500_per_gib():
    # 100 GiB x 500 IOPS per GiB = 50,000 IOPS at most
    arch = load_architecture()
    with pytest.raises(InputError, match="500 IOPS per GiB x 100 GiB = 50,000"):
        architecture_from_dict(
            arch.raw | {"rds": arch.raw["rds"] | {"storage_gb": 100, "iops": 60000}}, "small.yaml"
        )


def test_rds_storage_is_at_least_20_gib_and_never_decreased_by_a_what_if():
    arch = load_architecture()
    with pytest.raises(InputError, match="rds.storage_gb = 10 must be at least 20 GiB"):
        architecture_from_dict(arch.raw | {"rds": arch.raw["rds"] | {"storage_gb": 10}}, "tiny.yaml")
    with pytest.raises(InputError, match="below today's 1,000 GiB.*cannot be decreased"):
        arch.with_changes({"rds.storage_gb": 800})
    assert arch.with_changes({"rds.storage_gb": 1200}).get("rds.storage_gb") == 1200


def test_msk_storage_is_never_decreased_by_a_what_if():
    with pytest.raises(InputError, match="msk.storage_gb = 900 is below today's 1,000 GiB"):
        load_architecture().with_changes({"msk.storage_gb": 900})


@pytest.mark.parametrize(
    ("volume", "message"),
    [
        ({"size_gb": 20000}, "size_gb = 20,000 must be at most 16,384 GiB"),
        ({"size_gb": 10, "iops": 6000}, "500 IOPS per GiB x 10 GiB = 5,000"),  # gp3: 500 IOPS/GiB
        ({"size_gb": 100, "iops": 17000}, "iops = 17,000 must be at most 16,000 IOPS"),
        ({"size_gb": 100, "iops": 3000, "throughput_mibps": 800}, "0.25 MiB/s per IOPS x 3,000 IOPS = 750"),
    ],
)
def test_ebs_gp3_limits(volume, message):
    arch = load_architecture()
    raw = arch.raw | {"ebs": {"volumes": [{"name": "v"} | volume]}}
    with pytest.raises(InputError, match=message):
        architecture_from_dict(raw, "ebs.yaml")


def test_a_capacity_result_beyond_the_replica_limit_is_not_priced(production, catalog):
    # 8,000 read queries/s at 5,000 per replica: x10 load needs 16 replicas > 15 (AWS limit)
    costs = capacity_and_cost(production, np.array([1.0, 9.0, 10.0]), catalog)
    assert costs["rds_read_replicas"].tolist() == [2, 15, 16]
    assert costs["rds_beyond_limit"].tolist() == [False, False, True]
    assert np.isnan(costs["rds_cost"][2]) and not np.isnan(costs["rds_cost"][1])


def test_eks_load_beyond_the_node_groups_max_nodes_is_not_priced(production, catalog):
    # c5.2xlarge holds 10 pods of 250 requests/s: 25,000 requests/s at peak = 100 pods = 10
    # nodes (max_nodes); 26,000 = 104 pods = 11 nodes > 10: the group cannot serve it
    peak = production.get("load.requests_per_s_peak")
    costs = capacity_and_cost(production, np.array([25_000, 26_000]) / peak, catalog)
    assert costs["eks_beyond_limit"].tolist() == [False, True]
    assert not np.isnan(costs["eks_cost"][0]) and np.isnan(costs["eks_cost"][1])


def test_elasticache_beyond_500_nodes_per_cluster_is_not_priced(production, catalog):
    # 15 GB hot data x 200 = 3,000 GB x 1.2 / 19.74 GB per node = 183 shards; the read load
    # (60,000 x 200 / 25,000 = 480 nodes) gives each shard 2 replicas: 183 x 3 = 549 > 500
    costs = capacity_and_cost(production, np.array([1.0, 200.0]), catalog)
    assert costs["cache_nodes"].tolist() == [3, 549]
    assert costs["elasticache_beyond_limit"].tolist() == [False, True]
    assert np.isnan(costs["elasticache_cost"][1])


def test_msk_beyond_the_brokers_per_cluster_quota_is_not_priced_but_a_file_may_exceed_it(production, catalog):
    costs = capacity_and_cost(production, np.array([1.0, 100.0]), catalog)
    # 6 MiB/s peak x 100 = 600 MiB/s needs 93 brokers > 60 (KRaft default quota)
    assert costs["msk_brokers"][1] > 60 and costs["msk_beyond_limit"].tolist() == [False, True]
    # the quota can be raised for an account: an architecture with 90 brokers is accepted
    assert production.with_changes({"msk.broker_count": 90}).get("msk.broker_count") == 90
    with pytest.raises(InputError, match="elasticache.node_count = 504 must be at most 500 nodes"):
        production.with_changes({"elasticache.node_count": 504, "elasticache.shards": 84})


def test_msk_storage_per_broker_never_shrinks_when_a_projection_adds_brokers(production, catalog):
    from costmodel.scaling import project

    proj = project(production, months=30, growth=0.05, catalog=catalog)
    doubled = proj.index[proj["msk_brokers"].diff() > 0][0]
    # the brokers double (3 -> 6) in 2029-01; each still has the 2,853.12 GiB it had
    assert proj["msk_storage_gb"].iloc[doubled] == proj["msk_storage_gb"].iloc[doubled - 1]
    assert proj["msk_storage_gb"].is_monotonic_increasing
    assert proj["rds_storage_gb"].is_monotonic_increasing
