"""Enterprise discounts and custom prices on top of the catalog."""

import pytest

from costmodel.errors import InputError
from costmodel.estimation import estimate
from costmodel.pricing.overrides import apply_overrides


def test_discount_applies_to_the_service_and_shows_in_the_source(catalog, production, write_yaml):
    path = write_yaml(
        "discounts:\n  - service_code: AmazonEC2\n    term_type: OnDemand\n"
        "    percent: 10\n    note: EDP 2026\n",
        "edp.yaml",
    )
    items = estimate(production, apply_overrides(catalog, path))
    nodes = items.loc[items["category"] == "EKS nodes"].iloc[0]
    # $0.34 x 0.9 = $0.306/h x 2,190 h = $670.14
    assert nodes["unit_price"] == pytest.approx(0.306)
    assert round(nodes["monthly_cost"], 2) == 670.14
    assert nodes["price_source"].startswith("KARP+AWSDOC-SPOT+ATK-C5 less 10% (edp.yaml: EDP 2026)")
    rds = items.loc[items["category"] == "RDS primary"].iloc[0]
    assert rds["unit_price"] == 2.0  # other services untouched


def test_custom_price_fills_an_unknown_price(catalog, write_yaml):
    path = write_yaml(
        """
prices:
  - service_code: AmazonRDS
    usage_type: Multi-AZUsage:db.r5.2xl
    term_type: Reserved
    lease_contract_length: 1yr
    purchase_option: No Upfront
    price_usd: "1.40"
    effective_date: 2026-10-01
    note: quote from the account team
""",
        "quote.yaml",
    )
    overridden = apply_overrides(catalog, path)
    row = overridden.unit_price(
        usage_type="Multi-AZUsage:db.r5.2xl",
        term_type="Reserved",
        lease_contract_length="1yr",
        purchase_option="No Upfront",
    )
    assert (row["price_usd"], row["status"]) == ("1.40", "override")
    assert row["source"] == "override quote.yaml prices[0]: quote from the account team"


def test_custom_price_can_add_a_new_row(catalog, write_yaml):
    path = write_yaml("""
prices:
  - service_code: AmazonEC2
    region: us-west-2
    usage_type: USW2-NatGateway-Hours
    unit: Hrs
    price_usd: "0.045"
    add: true
""")
    row = apply_overrides(catalog, path).unit_price(region="us-west-2", usage_type="USW2-NatGateway-Hours")
    assert row["price_usd"] == "0.045"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("discounts:\n  - service_code: AmazonEC2\n", r"discounts\[0\]: needs 'percent'"),
        (
            "discounts:\n  - service_code: AmazonEC2\n    percent: 120\n",
            "percent 120 must be within 0..100",
        ),
        ("discounts:\n  - service_code: NoSuch\n    percent: 5\n", "matches no priced catalog row"),
        ("discounts:\n  - servicecode: AmazonEC2\n    percent: 5\n", "unknown key 'servicecode'"),
        (
            "prices:\n  - usage_type: Nope\n    price_usd: '1'\n",
            r"prices\[0\]: matches no catalog row; set 'add: true'",
        ),
        (
            "prices:\n  - usage_type: NatGateway-Hours\n    price_usd: cheap\n",
            "price_usd 'cheap' is not a number",
        ),
        ("tariffs: []\n", "expected top-level keys"),
    ],
)
def test_bad_override_files_name_the_entry(catalog, write_yaml, text, message):
    with pytest.raises(InputError, match=message):
        apply_overrides(catalog, write_yaml(text, "ovr.yaml"))


def test_a_discount_repeated_with_the_same_filters_is_refused_not_compounded(catalog, write_yaml):
    # two 5% entries on AmazonEC2 would bill 0.95 x 0.95 = 90.25% of list, not the 95% meant
    path = write_yaml(
        "discounts:\n  - service_code: AmazonEC2\n    percent: 5\n  - service_code: AmazonEC2\n    percent: 5\n",
        "twice.yaml",
    )
    with pytest.raises(InputError, match=r"discounts\[1\] has the same filters as discounts\[0\]"):
        apply_overrides(catalog, path)


def test_overlapping_discounts_with_different_filters_compound_and_say_so(catalog, production, write_yaml):
    path = write_yaml(
        "discounts:\n  - service_code: AmazonEC2\n    percent: 10\n"
        "  - service_code: AmazonEC2\n    usage_type: BoxUsage:c5.2xlarge\n    percent: 10\n",
        "two.yaml",
    )
    nodes = estimate(production, apply_overrides(catalog, path)).query("category == 'EKS nodes'").iloc[0]
    # $0.34 x 0.9 x 0.9 = $0.2754/h; both discounts named in the source
    assert nodes["unit_price"] == pytest.approx(0.2754)
    assert nodes["price_source"].count("less 10%") == 2
