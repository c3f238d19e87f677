"""The documented estimate as data: every figure loads, and the document's own sums."""

import pytest

from costmodel.documented import category_groups, compare, load_documented
from costmodel.estimate import SERVICE_MODELS, estimate


def amount(table, group, item, name="cost_breakdown"):
    doc = load_documented()
    row = doc.loc[(doc["table"] == name) & (doc["group"] == group) & (doc["item"] == item)]
    assert len(row) == 1, (group, item)
    return float(row["amount_usd"].iloc[0])


def test_breakdown_lines_add_up_to_their_groups_and_total():
    assert (
        amount(None, "Compute (EKS)", "Control plane")
        + amount(None, "Compute (EKS)", "Worker nodes")
        + amount(None, "Compute (EKS)", "Data transfer")
        == 1100
    )  # 73 + 900 + 127
    assert (
        amount(None, "Database (RDS)", "Primary instance")
        + amount(None, "Database (RDS)", "Read replicas")
        + amount(None, "Database (RDS)", "Backup storage")
        == 3200
    )  # 1,600 + 1,400 + 200
    groups = [
        "Compute (EKS)",
        "Database (RDS)",
        "Cache (ElastiCache)",
        "Message Queue (MSK)",
        "Storage (S3 + EBS)",
        "Monitoring (CloudWatch)",
    ]
    assert sum(amount(None, g, "total") for g in groups) == amount(None, "All", "total") == 5700


def test_on_demand_vs_reserved_table_totals():
    t = "od_vs_reserved"
    assert (
        sum(
            amount(None, g, "on_demand", t)
            for g in ["EKS Nodes (c5.2xlarge)", "RDS PostgreSQL", "ElastiCache"]
        )
        == 7650
    )  # 1,500 + 5,400 + 750
    assert (
        sum(
            amount(None, g, "reserved", t)
            for g in ["EKS Nodes (c5.2xlarge)", "RDS PostgreSQL", "ElastiCache"]
        )
        == 4550
    )  # 900 + 3,200 + 450


def test_every_model_category_has_a_documented_group(production, catalog):
    categories = set(estimate(production, catalog)["category"])
    assert categories <= set(category_groups()["category"])
    assert set(SERVICE_MODELS) >= set(production.sections)


def test_compare_documented_vs_modelled(production, catalog):
    table = compare(estimate(production, catalog)).set_index(["group", "item"])
    nodes = table.loc[("Compute (EKS)", "Worker nodes")]
    # documented $900 (reserved) vs 3 x $0.34 x 730 = $744.60 on-demand list
    assert nodes["documented"] == 900 and nodes["modelled"] == pytest.approx(744.60)
    assert nodes["difference"] == pytest.approx(-155.40)
    everything = table.loc[("All", "total")]
    assert everything["documented"] == 5700
    groups = table.xs("total", level="item").drop(index="All")
    # every modelled dollar is in exactly one group
    assert groups["modelled"].sum() == pytest.approx(everything["modelled"])
