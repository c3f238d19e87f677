"""The documented estimate as data: every figure loads, and the document's own sums."""

import pytest

from costmodel.documented import category_groups, compare, load_documented
from costmodel.estimation import SERVICE_MODELS, estimate
from costmodel.reconcile import internal_checks


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


def test_internal_checks_find_exactly_the_two_inconsistencies_found_by_hand():
    checks = internal_checks().set_index("check")
    total = checks.loc["savings % of Total"]
    # (7,650 - 4,550) / 7,650 = 40.52%, printed as "40%"
    assert total["computed"] == pytest.approx(100 * 3100 / 7650) and total["stated"] == 40
    s3 = checks.loc["S3 section figure vs the Storage (S3 + EBS) line"]
    assert (s3["computed"], s3["stated"]) == (100, 150)  # the S3 section's $100 vs the $150 line
    assert sorted(checks.index[~checks["consistent"]]) == sorted([total.name, s3.name])


def test_loaders_hand_out_copies(production):
    first = load_documented()
    first.loc[:, "amount_usd"] = 0.0
    assert load_documented()["amount_usd"].sum() > 0  # the edit did not reach the next caller
    groups = category_groups()
    groups.loc[:, "documented_group"] = "edited"
    assert "edited" not in set(category_groups()["documented_group"])
    from costmodel.architecture import instance_types
    from costmodel.reconcile.mapping import category_rules, unit_conversions

    types = instance_types()
    types.loc[:, "vcpu"] = -1
    assert (instance_types()["vcpu"] > 0).all()
    rules = category_rules()
    rules.loc[:, "category"] = "edited"
    assert "edited" not in set(category_rules()["category"])
    with pytest.raises(TypeError):
        unit_conversions()[("Hrs", "Hrs")] = 2.0  # read-only
