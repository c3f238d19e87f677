"""One cost model: the projection, the Monte Carlo and the tornado price today's architecture as
``estimate`` does, service by service, for generated architectures (not only production).

The scaling path turns load into resource specs and prices them through the service models;
at today's load (factor 1, zero growth) the specs are the architecture's own, so every cent
must agree. A rule changed in ``services/`` (the gp3 baseline at 400 GB, the replica class,
throughput above the baseline) reaches every projection, or this test fails.
"""

import copy
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from costmodel import categories, scaling
from costmodel.architecture import architecture_from_dict, instance_types, load_architecture
from costmodel.errors import CostModelError
from costmodel.estimation import estimate
from costmodel.pricing.catalog import load_snapshot
from costmodel.scaling.costs import SERVICES, capacity_and_cost


@cache
def _catalog():
    return load_snapshot()


@cache
def priced_types(key: str) -> tuple[str, ...]:
    """Instance types of the section of ``key`` whose estimate the snapshot prices (us-east-1)."""
    production, section = load_architecture(), key.split(".")[0]
    service = {"eks": "ec2"}.get(section, section)
    table = instance_types()
    known = []
    for name in table.loc[table["service"] == service, "instance_type"]:
        changes = {key: name}
        if section == "rds":  # replicas too, in both deployments
            changes |= {"rds.replica_class": name}
            variants = [changes, changes | {"rds.multi_az": False, "rds.replica_multi_az": True}]
        else:
            variants = [changes]
        try:
            for variant in variants:
                estimate(production.with_changes(variant), _catalog())
        except CostModelError:
            continue
        known.append(name)
    return tuple(known)


# Today's load small enough that the configured capacity serves it (month 0 is then the
# architecture as configured): no data beyond the smallest volume, no reads needing a replica.
QUIET_LOAD = {
    "requests_per_s_peak": 200,  # one pod of 250 requests/s fits on any node type
    "requests_per_s_trough": 100,
    "min_pods": 1,
    "records_billions": 0,
    "read_queries_per_s": 0,
    "hot_dataset_gb": 1,
    "cache_reads_per_s": 1000,
    "kafka_ingress_mibps": 0.1,
    "kafka_peak_ingress_mibps": 0.2,
}


@st.composite
def architectures(draw):
    raw = copy.deepcopy(load_architecture().raw)
    rds_types = priced_types("rds.instance_class")
    low = draw(st.integers(1, 4))
    high = draw(st.integers(low, 12))
    raw["eks"] |= {
        "instance_type": draw(st.sampled_from(priced_types("eks.instance_type"))),
        "min_nodes": low,
        "max_nodes": high,
        "node_count": draw(st.integers(low, high)),
        "root_volume_gb": draw(st.sampled_from([20, 100, 250.5])),
    }
    storage = draw(st.sampled_from([20, 300, 399, 399.5, 400, 400.5, 401, 1000, 2500]))
    iops = draw(st.sampled_from([3000, 11999, 12000, 12001, 16000, 20000]))
    iops = min(iops, 500 * storage)  # at most 500 IOPS per GiB (data/limits.csv)
    throughput = draw(st.sampled_from([125, 126, 499, 500, 501, 1000]))
    if storage < 400:  # gp3 below 400 GiB: the fixed baseline, nothing provisioned (AWS)
        iops, throughput = 3000, 125
    raw["rds"] |= {
        "instance_class": draw(st.sampled_from(rds_types)),
        "replica_instance_class": draw(st.one_of(st.none(), st.sampled_from(rds_types))),
        "read_replicas": draw(st.integers(0, 4)),
        "multi_az": draw(st.booleans()),
        "replica_multi_az": draw(st.booleans()),
        "storage_gb": storage,
        "iops": iops,
        "throughput_mibps": min(throughput, 0.25 * iops),  # at most 0.25 MiB/s per IOPS
        "backup_retention_days": draw(st.sampled_from([0, 7, 35])),
        "backup_storage_gb": draw(st.sampled_from([0, 500, 2750, 9000])),
    }
    shards = draw(st.integers(1, 3))
    raw["elasticache"] |= {
        "node_type": draw(st.sampled_from(priced_types("elasticache.node_type"))),
        "shards": shards,
        "node_count": shards * draw(st.integers(1, 4)),
    }
    raw["msk"] |= {
        "broker_type": draw(st.sampled_from(priced_types("msk.broker_type"))),
        "broker_count": draw(st.sampled_from([3, 6, 9])),  # the capacity model spreads brokers over 3 AZs
        "storage_gb": draw(st.sampled_from([100, 1000, 1500.5])),
    }
    raw["load"] |= QUIET_LOAD
    return architecture_from_dict(raw, origin="generated")


def estimate_by_service(arch, catalog) -> dict[str, float]:
    """The estimate's scaled lines per capacity model, and everything else as ``fixed``."""
    items = estimate(arch, catalog)
    section = categories.scaled_by(items["category"]).replace("", "fixed")
    return items.groupby(section.to_numpy())["monthly_cost"].sum().to_dict()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arch=architectures())  # 12 examples: each prices 4 paths (about 1 s idle, 3 s busy)
@example(arch=load_architecture())  # production, at its own (not quiet) load
def test_projection_monte_carlo_tornado_and_estimate_agree_per_service(arch):
    catalog = _catalog()
    expected = estimate_by_service(arch, catalog)
    total = sum(expected.values())

    month0 = scaling.project(arch, months=2, growth=0.0, catalog=catalog).iloc[0]
    for service in SERVICES:
        assert month0[f"{service}_cost"] == pytest.approx(expected[service], abs=0.005), service
    assert month0["fixed_cost"] == pytest.approx(expected["fixed"], abs=0.005)
    assert month0["total_cost"] == pytest.approx(total, abs=0.005)

    flat = scaling.monte_carlo(arch, months=3, growth=scaling.Normal(0.0, 0.0), n=5, catalog=catalog)
    assert flat["p50"].to_numpy() == pytest.approx(np.full(3, total), abs=0.005)

    today = capacity_and_cost(arch, 1.0, catalog)
    for service in SERVICES:
        assert float(today[f"{service}_cost"]) == pytest.approx(expected[service], abs=0.005), service
    base = scaling.tornado(arch, catalog=catalog)["base_cost"]
    assert base.to_numpy() == pytest.approx(sum(expected[s] for s in SERVICES), abs=0.005)


def test_the_issues_two_divergences_agree(production, catalog):
    # Issue 21 measured the projection at $7,947.91 for both what-ifs, where estimate says:
    # replicas at db.r5.large: 2 x 730 x (1.00 - 0.25) = $1,095 less than db.r5.2xlarge replicas;
    # throughput 1,000 MiB/s: 500 MiB/s above the 500 baseline on 3 volumes,
    # 500 x $0.16 (Multi-AZ primary) + 2 x 500 x $0.08 (replicas) = $160 more
    cases = {"rds.replica_class": "db.r5.large", "rds.throughput_mibps": 1000}
    moved = {"rds.replica_class": -1095.0, "rds.throughput_mibps": 160.0}
    base = estimate(production, catalog)["monthly_cost"].sum()
    for key, value in cases.items():
        arch = production.with_changes({key: value})
        projected = scaling.project(arch, months=1, catalog=catalog)["total_cost"].iloc[0]
        estimated = estimate(arch, catalog)["monthly_cost"].sum()
        assert estimated - base == pytest.approx(moved[key], abs=0.005)
        assert projected == pytest.approx(estimated, abs=0.005)


def test_the_gp3_baseline_boundary_reaches_the_projection(production, catalog):
    # Below 400 GB gp3 has a fixed 3,000 IOPS / 125 MiB/s (AWS allows nothing provisioned);
    # from 400 GB production's 16,000 IOPS and 500 MiB/s can be provisioned above a baseline
    # of 12,000 / 500. On the Multi-AZ primary ($0.04 per IOPS-month) and 2 Single-AZ
    # replicas ($0.02), 400 GB against 399 GB at the small baseline costs
    #   IOPS: 4,000 above the baseline x (0.04 + 2 x 0.02) = $320; throughput: none above
    #   storage: 1 GB more x (0.23 + 2 x 0.115) = $0.46
    #   backup: 3 GB more free (3 instances x 1 GB) x $0.095 = -$0.285
    raw = copy.deepcopy(production.raw)
    raw["load"] |= QUIET_LOAD
    costs = []
    for storage, iops, throughput in ((399, 3000, 125), (400, 16000, 500)):
        raw["rds"] |= {"storage_gb": storage, "iops": iops, "throughput_mibps": throughput}
        arch = architecture_from_dict(raw)
        costs.append(float(capacity_and_cost(arch, 1.0, catalog)["rds_cost"]))
    assert costs[1] - costs[0] == pytest.approx(320 + 0.46 - 0.285)
