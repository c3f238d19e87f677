"""Property tests (hypothesis) of the commitment engine's invariants."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from costmodel.commitments import Commitment, Portfolio, apply, payment_schedule
from costmodel.commitments.recommendation import committed_cost

TYPES = ["c5.large", "c5.xlarge", "c5.2xlarge", "c5.4xlarge"]
NF = {"c5.large": 4, "c5.xlarge": 8, "c5.2xlarge": 16, "c5.4xlarge": 32}
RATES = {"c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34, "c5.4xlarge": 0.68}

usage_matrix = st.integers(1, 48).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 12), min_size=4, max_size=4), min_size=n, max_size=n)
)
ri_list = st.lists(st.tuples(st.sampled_from(TYPES), st.integers(0, 6), st.booleans()), max_size=4)


def frame(rows):
    return pd.DataFrame(
        rows,
        columns=TYPES,
        index=pd.date_range("2026-01-01", periods=len(rows), freq="h"),
        dtype=float,
    )


def portfolio(ris):
    return Portfolio(
        [
            Commitment(
                "reserved_instance",
                instance_type=t,
                count=c,
                size_flexible=f,
                recurring_hourly=0.6 * RATES[t],
            )
            for t, c, f in ris
        ]
    )


@settings(max_examples=150, deadline=None)
@given(usage_matrix, ri_list)
def test_covered_plus_on_demand_equals_usage(rows, ris):
    usage = frame(rows)
    result = apply(portfolio(ris), usage, RATES)
    by_type = result.by_type
    np.testing.assert_allclose(
        by_type["ri_covered_hours"] + by_type["sp_covered_hours"] + by_type["on_demand_hours"],
        by_type["instance_hours"],
        atol=1e-9,
    )
    assert (by_type[["ri_covered_hours", "on_demand_hours"]] >= -1e-9).all().all()


@settings(max_examples=150, deadline=None)
@given(usage_matrix, ri_list)
def test_normalized_units_are_conserved(rows, ris):
    usage = frame(rows)
    result = apply(portfolio(ris), usage, RATES)
    hourly = result.hourly
    np.testing.assert_allclose(
        hourly["ri_covered_units"] + hourly["on_demand_units"], hourly["usage_units"], atol=1e-9
    )
    purchased = sum(c * NF[t] for t, c, _ in ris)
    np.testing.assert_allclose(hourly["ri_covered_units"] + hourly["ri_unused_units"], purchased, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(usage_matrix, ri_list)
def test_coverage_and_utilization_stay_within_0_and_100(rows, ris):
    summary = apply(portfolio(ris), frame(rows), RATES).summary
    for key in ("ri_coverage_pct", "coverage_pct", "ri_utilization_pct"):
        value = summary[key]
        assert value is None or -1e-9 <= value <= 100 + 1e-9


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 20), min_size=1, max_size=200),
    st.integers(1, 20),
    st.floats(0.05, 1.0),
    st.floats(0.1, 5.0),
)
def test_at_or_above_break_even_utilization_commitment_never_costs_more(usage, level, ratio, od):
    usage = np.array(usage, dtype=float)
    effective = ratio * od
    utilization = np.minimum(usage, level).sum() / (level * usage.size)
    if utilization >= ratio:  # break-even utilization = effective / on-demand
        assert committed_cost(usage, level, effective, od) <= usage.sum() * od + 1e-9


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0, 20000),
    st.floats(0, 2.0),
    st.sampled_from([1, 3]),
    st.integers(1, 10),
    st.datetimes(
        min_value=pd.Timestamp("2024-01-01").to_pydatetime(),
        max_value=pd.Timestamp("2028-12-31").to_pydatetime(),
    ),
)
def test_amortized_and_billed_totals_over_a_full_term_are_equal(upfront, recurring, years, count, start):
    sched = payment_schedule(upfront, recurring, years, pd.Timestamp(start).floor("h"), count)
    assert np.isclose(sched["billed"].sum(), sched["amortized"].sum(), rtol=1e-9, atol=1e-6)
    assert sched["hours"].sum() == years * 8760
