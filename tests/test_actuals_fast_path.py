"""The column-at-a-time reader of Cost Explorer groups against the strict group-by-group one.

The fast path (``_plain_columns``) reads a period's groups in bulk and hands anything it
does not recognise to the strict reader, which names what is wrong. It must never accept
what the strict reader refuses nor read anything differently: every test here reads the
same input both ways and requires the same frame, controls or error message.
"""

import copy
import importlib
import json
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costmodel.actuals import read_actuals
from costmodel.errors import InputError
from tests.conftest import DATA
from tests.test_actuals_read import base_response

# the package exports a function ``read`` that shadows the module's name
READ_MODULE = importlib.import_module("costmodel.actuals.responses")
ROOT = Path(__file__).parent.parent
JSON_SAMPLES = [
    ROOT / "data" / "actuals" / "ce-2026-06..2026-10.json",
    *sorted((DATA / "aws").glob("ce_get_cost_and_usage.*.json")),
]


@contextmanager
def strict_only():
    """Every period read group by group, as before the fast path existed."""
    with mock.patch.object(READ_MODULE, "_plain_columns", return_value=None) as patched:
        yield patched


def _outcome(payload: object) -> tuple[str, object]:
    try:
        actuals = read_actuals(copy.deepcopy(payload), "ce.json")
    except InputError as exc:
        return "error", str(exc)
    return "read", actuals


def _assert_same(fast: tuple[str, object], strict: tuple[str, object]) -> None:
    assert fast[0] == strict[0], f"fast path {fast}, strict path {strict}"
    if fast[0] == "error":
        assert fast[1] == strict[1]
        return
    pd.testing.assert_frame_equal(fast[1].rows, strict[1].rows)
    pd.testing.assert_frame_equal(fast[1].controls, strict[1].controls)


@pytest.mark.parametrize("path", JSON_SAMPLES, ids=lambda p: p.name)
def test_samples_read_the_same_both_ways(path):
    fast = read_actuals(path)
    with strict_only():
        strict = read_actuals(path)
    pd.testing.assert_frame_equal(fast.rows, strict.rows)
    pd.testing.assert_frame_equal(fast.controls, strict.controls)


def test_the_fast_path_reads_the_shipped_sample():
    # it would be a path never taken if it declined the very file it was written for
    payload = json.loads(JSON_SAMPLES[0].read_text())
    groups = payload["requests"][0]["pages"][0]["ResultsByTime"][0]["Groups"]
    columns = READ_MODULE._plain_columns(groups, ["SERVICE", "USAGE_TYPE"], ["UnblendedCost"])
    # the columns are the groups' own keys, in order: the fast path took the file, whole
    assert list(columns["service"]) == [g["Keys"][0] for g in groups]
    assert list(columns["usage_type"]) == [g["Keys"][1] for g in groups]


def _response(groups: list[dict]) -> dict:
    response = base_response()
    response["ResultsByTime"][0]["Groups"] = groups
    return response


def _group(i: int) -> dict:
    return {
        "Keys": ["Amazon ElastiCache", f"NodeUsage:cache.r6g.{i}xlarge"],
        "Metrics": {
            "UnblendedCost": {"Amount": f"{100 + i}.25", "Unit": "USD"},
            "AmortizedCost": {"Amount": f"{90 + i}.5", "Unit": "USD"},
            "UsageQuantity": {"Amount": "744", "Unit": "Hrs"},
        },
    }


AMOUNT_VALUES = ["NaN", "nan", "inf", "-Infinity", "1e400", "1e15", "1000000000000000", "1e16", "-5"]
AMOUNT_VALUES += ["abc", "", "1,5", "0x10", " 1.5 ", "1_0", "1e-3", "+2", "٣", None, 1.5, 7, True, [], {}]
UNIT_VALUES = ["USD", "usd", "EUR", "", None, 1]
METRICS = ["UnblendedCost", "AmortizedCost", "UsageQuantity"]
AMOUNTS, UNITS = st.sampled_from(AMOUNT_VALUES), st.sampled_from(UNIT_VALUES)
KEYS = st.sampled_from(
    [["a"], ["a", "b", "c"], ["a", 1], ["tag$x", "b"], "ab", None, [], ["Amazon S3", "Requests"]]
)


@st.composite
def damaged_groups(draw):
    groups = [_group(i) for i in range(draw(st.integers(1, 4)))]
    victim = groups[draw(st.integers(0, len(groups) - 1))]
    metric = draw(st.sampled_from(["UnblendedCost", "AmortizedCost", "UsageQuantity"]))
    damage = draw(
        st.sampled_from(
            ["amount", "unit", "drop_unit", "drop_metric", "extra_metric", "keys", "metrics", "group"]
        )
    )
    if damage == "amount":
        victim["Metrics"][metric]["Amount"] = draw(AMOUNTS)
    elif damage == "unit":
        victim["Metrics"][metric]["Unit"] = draw(UNITS)
    elif damage == "drop_unit":
        victim["Metrics"][metric].pop("Unit")
    elif damage == "drop_metric":
        victim["Metrics"].pop(metric)
    elif damage == "extra_metric":
        victim["Metrics"]["NetAmortizedCost"] = {"Amount": draw(AMOUNTS), "Unit": draw(UNITS)}
    elif damage == "keys":
        victim["Keys"] = draw(KEYS)
    elif damage == "metrics":
        victim["Metrics"] = draw(st.sampled_from([None, [], "x", {"UnblendedCost": "1"}]))
    else:
        groups[groups.index(victim)] = draw(st.sampled_from([None, [], "x", {}]))
    return groups


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("amount", AMOUNT_VALUES, ids=repr)
def test_every_damaged_amount_reads_or_is_refused_the_same_both_ways(metric, amount):
    groups = [_group(1), _group(2)]
    groups[1]["Metrics"][metric]["Amount"] = amount
    fast = _outcome(_response(groups))
    with strict_only():
        strict = _outcome(_response(groups))
    _assert_same(fast, strict)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("unit", [*UNIT_VALUES, "(no Unit)"], ids=repr)
def test_every_unit_reads_or_is_refused_the_same_both_ways(metric, unit):
    groups = [_group(1), _group(2)]
    if unit == "(no Unit)":
        groups[0]["Metrics"][metric].pop("Unit")
    else:
        groups[0]["Metrics"][metric]["Unit"] = unit
    fast = _outcome(_response(groups))
    with strict_only():
        strict = _outcome(_response(groups))
    _assert_same(fast, strict)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_groups())
def test_damaged_groups_read_or_refused_the_same_both_ways(groups):
    payload = _response(groups)
    fast = _outcome(payload)
    with strict_only():
        strict = _outcome(payload)
    _assert_same(fast, strict)


@given(st.lists(st.sampled_from(["1.25", "0.0000000001", "12345.6789012345", "-0.5", "0"]), min_size=1))
@settings(max_examples=50, deadline=None, derandomize=True)
def test_plain_amounts_are_read_exactly_as_the_strict_reader(amounts):
    groups = [_group(i) for i in range(len(amounts))]
    for group, amount in zip(groups, amounts, strict=True):
        group["Metrics"]["UnblendedCost"]["Amount"] = amount
    fast = _outcome(_response(groups))
    with strict_only():
        strict = _outcome(_response(groups))
    assert fast[0] == "read"
    _assert_same(fast, strict)


def test_the_cycle_collector_is_back_on_after_a_read_that_fails(tmp_path):
    # a notebook session that hit one bad file must not run on without garbage collection
    import gc

    bad = tmp_path / "ce.json"
    bad.write_text('{"ResultsByTime": [{"TimePeriod": {"Start": "2026-10-01"}, "Groups": []}]}')
    assert gc.isenabled()
    with pytest.raises(InputError, match="TimePeriod"):
        read_actuals(bad)
    assert gc.isenabled()
    bad.write_text('{"a": 1, "a": 2}')
    with pytest.raises(InputError, match="repeated"):
        read_actuals(bad)
    assert gc.isenabled()
