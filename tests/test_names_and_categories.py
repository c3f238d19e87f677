"""One source of truth: resource names come from the architecture, categories from one definition."""

import dataclasses

import pandas as pd
import pytest

from costmodel import categories
from costmodel.commitments import documented_table, options
from costmodel.estimation import components
from costmodel.resources import resources_of


def test_a_third_read_replica_is_counted_by_the_documented_table(production, catalog):
    three = production.with_changes({"rds.read_replicas": 3})
    row = documented_table(three, catalog).set_index("item").loc["RDS PostgreSQL"]
    # 1 primary + 3 replicas = 4 instances; (1,460 + 3 x 730) / 4 = $912.50 per instance-month
    assert "vs 4 modelled" in row["explanation"] and "$912.50 per instance-month" in row["explanation"]
    assert row["list_on_demand"] == pytest.approx(1460 + 3 * 730)


def test_resource_names_agree_between_line_items_and_commitments(production, catalog):
    three = production.with_changes({"rds.read_replicas": 3})
    replicas = resources_of(three, categories.RDS_READ_REPLICAS)
    assert replicas == ("rds-replica-1", "rds-replica-2", "rds-replica-3")
    offered = set(options(three, catalog)["resource"])
    assert set(replicas) <= offered and set(components(three)["resource"]) >= set(replicas)


def test_every_category_emitted_or_mapped_is_defined(production):
    emitted = set(components(production)["category"])
    assert emitted <= set(categories.ALL)
    from costmodel.reconcile.mapping import category_rules

    assert set(category_rules()["category"]) <= set(categories.ALL)
    assert not emitted & categories.BILL_ONLY  # bill-only categories are never modelled


def test_only_categories_defined_as_scaled_are_scaled():
    names = pd.Series(["RDS primary", "RDS backup", "EKS control plane", "MSK storage", "ElastiCache backup"])
    assert categories.scaled_by(names).tolist() == ["rds", "rds", "", "msk", ""]
    # A new category named like a scaled one is not scaled unless its definition says so:
    proxy = categories.Category("RDS Proxy", categories.DATABASE)
    assert proxy.scaled_by == "" and not proxy.reservable


def test_a_free_text_category_is_refused_by_the_line_item_builder():
    from costmodel.services._items import component

    with pytest.raises(TypeError, match="costmodel.categories.Category"):
        component(
            service="x",
            service_code="x",
            resource="x",
            component="x",
            category="RDS primary",
            usage_type="x",
            unit="Hrs",
            quantity=1,
            region="us-east-1",
        )


def test_categories_are_immutable_and_validated():
    with pytest.raises(dataclasses.FrozenInstanceError):
        categories.EKS_NODES.scaled_by = ""  # type: ignore[misc]
    with pytest.raises(ValueError, match="scaled_by"):
        categories.Category("x", scaled_by="lambda")
