"""Hand-checked commitment arithmetic, options, portfolio application and recommendation."""

import math

import numpy as np
import pandas as pd
import pytest

from costmodel import commitments
from costmodel.commitments import Commitment, Portfolio, apply, documented_table, options, recommend
from costmodel.commitments.arithmetic import usage_quantile_level
from costmodel.errors import PriceUnknownError


def test_effective_hourly_cache_r6g_xlarge_3yr_all_upfront():
    # $4,867 / (3 x 8,760 h = 26,280 h) = $0.1852/h
    assert commitments.effective_hourly_rate(4867, 0.0, 3) == pytest.approx(0.1852, abs=5e-5)


def test_savings_c5_2xlarge_1yr_no_upfront():
    # $0.214/h vs $0.34/h on demand: 1 - 0.214 / 0.34 = 37.1%
    assert commitments.savings_pct(0.214, 0.34) == pytest.approx(37.06, abs=0.01)
    assert commitments.break_even_utilization(0.214, 0.34) == pytest.approx(0.6294, abs=1e-4)


def test_break_even_months():
    # c5.2xlarge 1yr Partial Upfront (derived): $894 / ((0.34 - 0.102) x 730 h) = 5.146 months
    assert commitments.break_even_months(894, 0.102, 0.34) == pytest.approx(894 / (0.238 * 730))
    assert commitments.break_even_months(0, 0.214, 0.34) == 0  # No Upfront: from the first month
    assert math.isinf(commitments.break_even_months(100, 0.40, 0.34))  # never pays back


def test_payment_schedule_billed_vs_amortized():
    sched = commitments.payment_schedule(
        upfront=1752, recurring_hourly=0.0, term_years=1, start="2026-01-01", count=1
    )
    # billed: $1,752 in January; amortized: $1,752 / 8,760 h = $0.20/h x 744 h = $148.80
    assert sched.loc["2026-01", "billed"] == 1752
    assert sched.loc["2026-01", "amortized"] == pytest.approx(148.80)
    assert sched.loc["2026-02", "billed"] == 0
    assert sched["billed"].sum() == pytest.approx(sched["amortized"].sum())
    assert sched["hours"].sum() == 8760


@pytest.fixture(scope="module")
def opts(production, catalog):
    return options(production, catalog)


def option(opts, resource, offering, years, payment):
    rows = opts.loc[
        (opts["resource"] == resource)
        & (opts["offering"] == offering)
        & (opts["term_years"] == years)
        & (opts["payment_option"] == payment)
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def test_options_ec2_standard_1yr_no_upfront(opts):
    row = option(opts, "eks-node-group", "EC2 Standard Reserved Instance", 1, "No Upfront")
    # 3 nodes x $0.214 x 730 h = $468.66 vs 3 x $0.34 x 730 = $744.60
    assert row["effective_monthly"] == pytest.approx(468.66)
    assert row["on_demand_monthly"] == pytest.approx(744.60)
    assert row["savings_pct"] == pytest.approx(37.06, abs=0.01)
    assert row["status"] == "priced"


def test_options_ec2_3yr_all_upfront_is_derived(opts):
    row = option(opts, "eks-node-group", "EC2 Standard Reserved Instance", 3, "All Upfront")
    # 3 x $3,258 upfront; $3,258 / 26,280 h x 730 h = $90.50 per node-month
    assert row["upfront"] == 9774
    assert row["effective_monthly"] == pytest.approx(3 * 3258 / 26280 * 730)
    assert "derived" in row["price_source"]


def test_options_elasticache(opts):
    row = option(opts, "redis", "ElastiCache Reserved Node", 3, "All Upfront")
    # 3 x $4,867 upfront; 3 x $0.185198 x 730 = $405.58
    assert row["upfront"] == 3 * 4867 and row["effective_monthly"] == pytest.approx(405.58, abs=0.01)
    pu = option(opts, "redis", "ElastiCache Reserved Node", 1, "Partial Upfront")
    # only the effective rate $0.267447/h is published: 3 x 0.267447 x 730 = $585.71; split unknown
    assert pu["status"] == "effective only" and pu["effective_monthly"] == pytest.approx(585.71, abs=0.01)
    assert pd.isna(pu["upfront"]) and pd.isna(pu["break_even_months"])


def test_unknown_reserved_prices_are_reported_not_guessed(opts):
    rows = opts.loc[opts["resource"].str.startswith("rds")]
    assert len(rows) == 3 * 5  # primary + 2 replicas, each 1yr NU/PU/AU and 3yr PU/AU (no 3yr NU)
    assert (rows["status"] == "price unknown").all()
    assert rows["effective_monthly"].isna().all()
    assert rows["note"].str.contains("costmodel prices refresh").all()
    assert set(rows["deployment_option"]) == {"Multi-AZ", "Single-AZ"}


def test_msk_and_eks_control_plane_are_not_offered(opts):
    for resource in ("msk-cluster", "eks-cluster"):
        row = opts.loc[opts["resource"] == resource].iloc[0]
        assert row["status"] == "not offered" and pd.isna(row["effective_monthly"])
        assert "no reserved pricing" in row["note"]


def test_effective_hourly_of_an_unknown_offering_raises(production, catalog):
    from costmodel.commitments.offerings import offering, resources
    from costmodel.commitments.rules import RULES

    primary = next(r for r in resources(production) if r.name == "rds-primary")
    off = offering(catalog, RULES["rds"][0], primary, 1, "No Upfront", 2.0)
    # the refusal names the offering looked up: its kind, type, deployment, term and payment
    with pytest.raises(
        PriceUnknownError,
        match=r"RDS Reserved DB Instance db.r5.2xlarge Multi-AZ 1-year No Upfront.*prices refresh",
    ):
        commitments.effective_hourly(off)


def test_an_offering_with_only_part_of_its_price_has_no_effective_rate(production, catalog):
    from dataclasses import replace

    from costmodel.commitments.offerings import offering, resources
    from costmodel.commitments.rules import RULES

    nodes = next(r for r in resources(production) if r.name == "eks-node-group")
    partial = offering(catalog, RULES["ec2"][0], nodes, 1, "Partial Upfront", 0.34)
    # $894 upfront / 8,760 h + $0.102/h = $0.204055/h when both parts are known
    assert commitments.effective_hourly(partial) == pytest.approx(894 / 8760 + 0.102)
    # the fee alone, or the hourly part alone, is no effective rate: unknown, not a guess
    for part in (replace(partial, recurring_hourly=None), replace(partial, upfront=None)):
        with pytest.raises(PriceUnknownError, match="c5.2xlarge"):
            commitments.effective_hourly(part)


def test_documented_table(production, catalog):
    table = documented_table(production, catalog).set_index("item")
    nodes = table.loc["EKS Nodes (c5.2xlarge)"]
    # list: 3 x $0.34 x 730 = $744.60 on demand; 3 x $0.214 x 730 = $468.66 reserved (1yr NU)
    assert nodes["list_on_demand"] == pytest.approx(744.60)
    assert nodes["list_reserved"] == pytest.approx(468.66)
    assert "6.0 x c5.2xlarge" in nodes["explanation"]  # $1,500 / $248.20 = 6.04 nodes
    rds = table.loc["RDS PostgreSQL"]
    # $2 x 730 (Multi-AZ primary) + 2 x $1 x 730 (replicas) = $2,920; reserved unknown
    assert rds["list_on_demand"] == pytest.approx(2920)
    assert pd.isna(rds["list_reserved"]) and "cannot be checked" in rds["explanation"]
    total = table.loc["Total"]
    assert total["documented_on_demand"] == 7650 and total["documented_reserved"] == 4550
    # the document's own savings column: "$1,500/month | $900/month | 40%", "**40%**" in total
    assert nodes["documented_savings_pct"] == 40 and total["documented_savings_pct"] == 40
    assert total["list_on_demand"] == pytest.approx(744.60 + 2920 + 900.09)
    assert pd.isna(total["list_reserved"])


HOURS = pd.date_range("2026-01-01", periods=4, freq="h")
RATES = {"c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34, "c5.4xlarge": 0.68}


def test_size_flexible_ri_covers_smallest_sizes_first():
    usage = pd.DataFrame({"c5.large": [2, 2, 0, 0], "c5.2xlarge": [1, 2, 3, 0]}, index=HOURS)
    # one c5.2xlarge RI = 16 units; hour 0: 2 x large (8 units) covered first, then 8 of the
    # 16 units of the 2xlarge (half an instance-hour) -> covered 2 + 0.5 instance-hours
    ri = Commitment("reserved_instance", instance_type="c5.2xlarge", count=1, recurring_hourly=0.214)
    result = apply(Portfolio([ri]), usage, RATES)
    hourly = result.hourly
    assert hourly["ri_covered_units"].tolist() == [16, 16, 16, 0]
    assert hourly["ri_unused_units"].tolist() == [0, 0, 0, 16]
    by_type = result.by_type
    assert by_type.loc["c5.large", "ri_covered_hours"] == 4  # 2 + 2
    assert by_type.loc["c5.2xlarge", "ri_covered_hours"] == 0.5 + 0.5 + 1
    # each type's on-demand hours are priced at the rate given for it
    assert by_type["on_demand_rate"].to_dict() == {"c5.large": 0.085, "c5.2xlarge": 0.34}
    # utilization: 48 of 4 x 16 = 64 purchased units = 75%;
    # coverage: 6 covered of 10 running instance-hours (4 large + 6 2xlarge) = 60%
    assert result.summary["ri_utilization_pct"] == pytest.approx(75.0)
    assert result.summary["ri_coverage_pct"] == pytest.approx(100 * 6 / 10)
    # on demand: hour0 0.5 x 0.34, hour1 1.5 x 0.34, hour2 2 x 0.34 = 4 x 0.34 = $1.36; RI 4 h x $0.214
    assert result.summary["amortized_cost"] == pytest.approx(1.36 + 4 * 0.214)


def test_savings_plan_applies_to_highest_discount_first():
    usage = pd.DataFrame({"c5.large": [1.0], "c5.xlarge": [1.0]}, index=HOURS[:1])
    # SP rates: large 0.06 (29% off 0.085), xlarge 0.10 (41% off 0.17); $0.12/h commitment
    sp = Commitment("savings_plan", hourly_commitment=0.12, sp_rates={"c5.large": 0.06, "c5.xlarge": 0.10})
    result = apply(Portfolio([sp]), usage, {"c5.large": 0.085, "c5.xlarge": 0.17})
    # xlarge first: $0.10 covers it; the $0.02 left covers 1/3 of the large hour
    assert result.by_type.loc["c5.xlarge", "sp_covered_hours"] == pytest.approx(1.0)
    assert result.by_type.loc["c5.large", "sp_covered_hours"] == pytest.approx(0.02 / 0.06)
    assert result.summary["sp_utilization_pct"] == pytest.approx(100.0)
    # cost: $0.12 commitment + (1 - 1/3) x $0.085 on demand
    assert result.summary["amortized_cost"] == pytest.approx(0.12 + (2 / 3) * 0.085)


def test_billed_view_carries_the_upfront_fee_at_purchase():
    usage = pd.DataFrame(
        {"c5.2xlarge": [3.0] * 744}, index=pd.date_range("2026-01-01", periods=744, freq="h")
    )
    ri = Commitment(
        "reserved_instance",
        instance_type="c5.2xlarge",
        count=3,
        upfront=1752,
        term_years=1,
        payment_option="All Upfront",
        start="2026-01-01",
    )
    result = apply(Portfolio([ri]), usage, RATES)
    # billed: 3 x $1,752 in January; amortized: 3 x $1,752 / 8,760 x 744 h = $446.40
    assert result.monthly.loc["2026-01", "billed_cost"] == pytest.approx(5256)
    assert result.monthly.loc["2026-01", "amortized_cost"] == pytest.approx(446.40)


def test_apply_rejects_bad_usage():
    from costmodel.errors import InputError

    with pytest.raises(InputError, match="negative"):
        apply(Portfolio([]), pd.DataFrame({"c5.large": [-1.0]}, index=HOURS[:1]), RATES)
    with pytest.raises(InputError, match="no on-demand rate"):
        apply(Portfolio([]), pd.DataFrame({"c5.9xlarge": [1.0]}, index=HOURS[:1]), RATES)
    with pytest.raises(InputError, match="DatetimeIndex"):
        apply(Portfolio([]), pd.DataFrame({"c5.large": [1.0]}), RATES)
    # a Savings Plan without a rate for a type that runs: refused, naming the type
    sp = Commitment("savings_plan", hourly_commitment=0.12, sp_rates={"c5.large": 0.06})
    with pytest.raises(InputError, match=r"Savings Plan has no rate for \['c5.xlarge'\]"):
        apply(Portfolio([sp]), pd.DataFrame({"c5.large": [1.0], "c5.xlarge": [1.0]}, index=HOURS[:1]), RATES)


def test_quantile_rule():
    # usage 3 nodes all the time, 4 in 70% of hours, 5 in 20%, 6 in 5%
    usage = np.array([3] * 30 + [4] * 50 + [5] * 15 + [6] * 5)
    # P(usage>=4) = 0.70, P(>=5) = 0.20: with break-even 0.63 commit 4; with 0.15 commit 5
    assert usage_quantile_level(usage, 0.63) == 4
    assert usage_quantile_level(usage, 0.15) == 5
    assert usage_quantile_level(usage, 0.01) == 6
    assert usage_quantile_level(np.zeros(5), 0.5) == 0


def autoscaling_history(days=30, seed=1):
    """3..10 nodes: 3 at night, up to 7 at the daily peak, occasional spikes to 10."""
    hours = pd.date_range("2026-09-01", periods=24 * days, freq="h")
    rng = np.random.default_rng(seed)
    daily = 3 + 4 * np.clip(np.sin((hours.hour - 6) / 24 * 2 * np.pi), 0, None)
    nodes = np.clip(np.ceil(daily + rng.normal(0, 0.6, len(hours))), 3, 10)
    return pd.Series(nodes, index=hours, name="c5.2xlarge")


def test_recommend_matches_brute_force_minimum(catalog):
    usage = autoscaling_history()
    rec = recommend(usage, service="ec2", term="1yr", payment="no_upfront", catalog=catalog)
    od, eff = 0.34, 0.214
    costs = [(k, k * eff * len(usage) + np.clip(usage.to_numpy() - k, 0, None).sum() * od) for k in range(11)]
    best = min(costs, key=lambda kv: kv[1])[0]
    assert rec["recommended_count"] == best
    assert rec["recommended_count"] >= 3  # the floor of the node group is always busy
    assert rec["break_even_utilization"] == pytest.approx(0.214 / 0.34)
    assert rec["estimated_monthly_savings"] > 0
    assert rec["lookback_days"] == 30 and rec["payment_option"] == "No Upfront"


def test_recommend_from_mixed_sizes_uses_normalized_units(catalog):
    hours = pd.date_range("2026-09-01", periods=10, freq="h")
    usage = pd.DataFrame({"c5.xlarge": [2.0] * 10, "c5.2xlarge": [2.0] * 10}, index=hours)
    # 2 x 8 + 2 x 16 = 48 units = 3 c5.2xlarge equivalents every hour -> reserve 3
    rec = recommend(usage, instance_type="c5.2xlarge", catalog=catalog)
    assert rec["recommended_count"] == 3 and rec["expected_utilization_pct"] == pytest.approx(100)


def test_recommend_prices_a_steady_history_from_the_catalog_given(catalog):
    usage = pd.Series([3.0] * 10, index=pd.date_range("2026-09-01", periods=10, freq="h"), name="c5.2xlarge")
    rec = recommend(usage, catalog=catalog)
    # 3 instances every hour: all 3 reserved (1-year No Upfront, $0.214/h; on demand $0.34/h)
    # on demand 3 x $0.34 x 730 = $744.60; reserved 3 x $0.214 x 730 = $468.66;
    # saved $275.94 a month, 1 - 0.214 / 0.34 = 37.06 %
    assert rec["recommended_count"] == 3
    assert rec["monthly_on_demand"] == pytest.approx(744.60)
    assert rec["monthly_with_commitment"] == pytest.approx(468.66)
    assert rec["recurring_monthly"] == pytest.approx(468.66)
    assert rec["estimated_monthly_savings"] == pytest.approx(275.94)
    assert rec["savings_pct"] == pytest.approx(100 * (1 - 0.214 / 0.34))
    # another catalog's on-demand price is the one used: 3 x $0.40 x 730 = $876.00
    rows = catalog.rows
    on_demand = rows["usage_type"].eq("BoxUsage:c5.2xlarge") & rows["term_type"].eq("OnDemand")
    dearer = catalog.with_rows(rows.assign(price=rows["price"].mask(on_demand, 0.40)))
    assert recommend(usage, catalog=dearer)["monthly_on_demand"] == pytest.approx(876.00)


def test_recommend_with_unknown_price_says_how_to_get_it(catalog):
    usage = pd.Series(
        [1.0] * 24, index=pd.date_range("2026-09-01", periods=24, freq="h"), name="db.r5.2xlarge"
    )
    with pytest.raises(PriceUnknownError, match="prices refresh"):
        recommend(usage, service="rds", catalog=catalog)


def test_two_matching_reservation_prices_are_refused_not_the_first_taken(production, catalog):
    # a second c5.2xlarge 1-year No Upfront row that differs only in its operation (a Windows
    # rate, $0.199/h here): the offering must not pick one of the two $/h silently
    rows = catalog.rows
    reserved = rows.loc[
        (rows["usage_type"] == "BoxUsage:c5.2xlarge")
        & (rows["term_type"] == "Reserved")
        & (rows["lease_contract_length"] == "1yr")
        & (rows["offering_class"] == "standard")
        & (rows["purchase_option"] == "No Upfront")
    ]
    assert len(reserved) == 1
    other = reserved.assign(operation="RunInstances:0002", price_usd="0.199", price=0.199)
    doubled = catalog.with_rows(pd.concat([rows, other], ignore_index=True))
    from costmodel.errors import AmbiguousPriceError

    with pytest.raises(AmbiguousPriceError, match=r"2 prices .* usage price of .*c5\.2xlarge 1yr No Upfront"):
        options(production, doubled)
