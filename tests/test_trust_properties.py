"""Property tests: damaged inputs never give a wrong number with exit 0, nor a traceback.

Hypothesis mutates the shipped inputs (numbers to NaN, inf, huge, negative or text; keys
duplicated, removed or renamed; rows repeated or removed; bytes garbled) and runs the real
command in process. Every run must either

* exit 0 with its money conserved: for reconcile, each month's lines plus unmapped equal
  the bill total, and where the file still carries Cost Explorer's ungrouped total, that
  bill total is the one this test reads from the file itself; for estimate, the total is
  finite and the sum of its line items; or
* exit 2 with one line on stderr and no traceback.

Anything else (a traceback, exit 1, two lines, a total that does not add up) fails.
"""

import copy
import csv
import io
import itertools
import json
import math
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costmodel.cli import main

ROOT = Path(__file__).parent.parent
ARCH_TEXT = (ROOT / "data" / "architectures" / "production.yaml").read_text()
ACTUALS = json.loads((ROOT / "data" / "actuals" / "ce-2026-06..2026-10.json").read_text())
PRICES_TEXT = (ROOT / "data" / "prices" / "aws-price-snapshot-2026-11.csv").read_text()

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples in every run: a CI failure reproduces locally
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

BAD_NUMBERS = st.sampled_from(
    [
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "1e400",
        "-1e400",
        "1e308",
        "-5",
        "-0.01",
        "abc",
        "",
        "1,5",
        "0x10",
    ]
)
BAD_YAML_VALUES = st.sampled_from(
    [
        ".nan",
        ".inf",
        "-.inf",
        "1.0e+308",
        "-1",
        "-0.5",
        "abc",
        "~",
        "true",
        "[]",
        "{}",
        "!!float 1",
        "1e400",
        "0",
    ]
)


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def assert_refused_cleanly(code, out, err):
    assert code == 2, (code, err)
    assert err.count("\n") == 1 and err.startswith("costmodel: error: "), err
    assert "Traceback" not in err


def quantities(payload) -> dict[tuple[str, str], float]:
    """Quantity per (resource, usage type): prices never change it, tiers only split it (an
    always-free allowance takes cost off, not usage, and is left out when the price is $0)."""
    out: dict[tuple[str, str], float] = {}
    for item in payload["line_items"]:
        if item["purchase_option"] == "free_tier":
            continue
        key = (item["resource"], item["usage_type"])
        out[key] = out.get(key, 0.0) + item["quantity"]
    return out


BASE_QUANTITIES = None


def base_quantities():
    global BASE_QUANTITIES
    if BASE_QUANTITIES is None:
        code, out, _ = run(["estimate", "--format", "json"])
        assert code == 0
        BASE_QUANTITIES = quantities(json.loads(out))
    return BASE_QUANTITIES


def test_the_undamaged_inputs_are_priced_and_reconciled():
    # the properties below accept a clean refusal of damaged input; this is what keeps them
    # from passing on a program that refuses everything: the same checks, nothing damaged
    code, out, err = run(["estimate", "--format", "json"])
    assert code == 0, err
    # the production estimate: the total of tests/golden/production_estimate.csv
    golden = Path(__file__).parent / "golden" / "production_estimate.csv"
    expected = sum(float(row["monthly_cost"]) for row in csv.DictReader(golden.open()))
    assert json.loads(out)["total_monthly_cost"] == pytest.approx(expected, abs=0.01)
    sample = Path(__file__).parent.parent / "data" / "actuals" / "ce-2026-06..2026-10.json"
    code, out, err = run(["reconcile", "--actuals", sample, "--month", "2026-10", "--format", "json"])
    assert code == 0, err
    conservation = json.loads(out)["months"][0]["conservation"]
    assert conservation["lines"] + conservation["unmapped"] == pytest.approx(
        conservation["bill_total"], abs=0.005
    )


def check_estimate(argv, same_quantities=False):
    code, out, err = run([*argv, "--format", "json"])
    if code != 0:
        assert_refused_cleanly(code, out, err)
        return
    payload = json.loads(out)
    if same_quantities:  # nothing lost: every line of the base estimate, with all its quantity
        got, want = quantities(payload), base_quantities()
        assert got.keys() == want.keys()
        assert all(abs(got[k] - want[k]) <= 1e-6 * max(1.0, want[k]) for k in want)
    total = payload["total_monthly_cost"]
    assert total is not None and math.isfinite(total)
    costs = [i["monthly_cost"] for i in payload["line_items"]]
    assert all(c is not None and math.isfinite(c) for c in costs)
    # only an always-free allowance takes money off, and never more than the line before it
    for before, item in zip([None, *payload["line_items"]], payload["line_items"], strict=False):
        if item["purchase_option"] == "free_tier":
            assert before is not None and -before["monthly_cost"] - 1e-9 <= item["monthly_cost"] <= 0
        else:
            assert item["monthly_cost"] >= 0
    assert abs(sum(costs) - total) < 0.01 and total >= 0


def independent_totals(payload) -> dict[str, Decimal]:
    """Cost Explorer's ungrouped total per month, read by this test from the file itself."""
    totals: dict[str, Decimal] = {}
    for entry in payload.get("requests", []) if isinstance(payload, dict) else []:
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict) or request.get("GroupBy") or request.get("Filter"):
            continue
        for page in entry["pages"]:
            for result in page["ResultsByTime"]:
                month = result["TimePeriod"]["Start"][:7]
                amount = Decimal(result["Total"]["UnblendedCost"]["Amount"])
                totals[month] = totals.get(month, Decimal(0)) + amount
    return totals


def check_reconcile(path, month="2026-10", payload=None):
    code, out, err = run(["reconcile", "--actuals", path, "--month", month, "--format", "json"])
    if code != 0:
        assert_refused_cleanly(code, out, err)
        return
    controls = independent_totals(payload) if payload is not None else {}
    for reconciled in json.loads(out)["months"]:
        c = reconciled["conservation"]
        assert abs(c["lines"] + c["unmapped"] - c["bill_total"]) <= 0.005
        lines = sum(line["actual"] for line in reconciled["lines"])
        assert abs(lines - c["lines"]) <= 0.005
        if reconciled["month"] in controls:
            assert "ungrouped total" in c["bill_total_source"]
            assert abs(Decimal(str(c["bill_total"])) - controls[reconciled["month"]]) <= Decimal("0.005")


# ---------------------------------------------------------------- architecture
def leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaf_paths(value, (*path, i))
    else:
        yield path


ARCH_TREE = yaml.safe_load(ARCH_TEXT)
ARCH_LEAVES = list(leaf_paths(ARCH_TREE))
ARCH_LINES = ARCH_TEXT.splitlines()


def set_path(tree, path, value):
    node = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


@st.composite
def damaged_architecture(draw):
    kind = draw(st.sampled_from(["value", "duplicate_line", "remove_line", "rename_key", "garble"]))
    if kind == "value":
        tree = copy.deepcopy(ARCH_TREE)
        path = draw(st.sampled_from(ARCH_LEAVES))
        set_path(tree, path, "__VALUE__")
        text = yaml.safe_dump(tree, sort_keys=False)
        return text.replace("__VALUE__", draw(BAD_YAML_VALUES)).encode()
    lines = list(ARCH_LINES)
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind == "remove_line":
        del lines[i]
    elif kind == "rename_key" and ":" in lines[i]:
        lines[i] = lines[i].replace(":", "_x:", 1)
    data = ("\n".join(lines) + "\n").encode()
    if kind == "garble":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at + 8 :]
    return data


@PROPERTY_SETTINGS
@given(data=damaged_architecture())
def test_damaged_architecture_is_priced_right_or_refused(tmp_path, data):
    path = tmp_path / "arch.yaml"
    path.write_bytes(data)
    check_estimate(["estimate", path])


# ---------------------------------------------------------------- Cost Explorer JSON
def all_groups(payload):
    for r, entry in enumerate(payload["requests"]):
        for p, page in enumerate(entry["pages"]):
            for t, result in enumerate(page["ResultsByTime"]):
                for g, _ in enumerate(result.get("Groups", [])):
                    yield r, p, t, g


GROUP_PATHS = list(all_groups(ACTUALS))


@st.composite
def damaged_actuals(draw):
    payload = copy.deepcopy(ACTUALS)
    kind = draw(
        st.sampled_from(
            [
                "amount",
                "drop_metric",
                "drop_group",
                "repeat_group",
                "keys",
                "period",
                "control",
                "drop_request",
            ]
        )
    )
    r, p, t, g = draw(st.sampled_from(GROUP_PATHS))
    result = payload["requests"][r]["pages"][p]["ResultsByTime"][t]
    group = result["Groups"][g]
    if kind == "amount":
        metric = draw(st.sampled_from(["UnblendedCost", "AmortizedCost", "UsageQuantity"]))
        group["Metrics"][metric]["Amount"] = draw(BAD_NUMBERS | st.floats(allow_nan=True).map(str))
    elif kind == "drop_metric":
        group["Metrics"].pop(draw(st.sampled_from(sorted(group["Metrics"]))))
    elif kind == "drop_group":
        result["Groups"].pop(g)
    elif kind == "repeat_group":
        result["Groups"].append(copy.deepcopy(group))
    elif kind == "keys":
        group["Keys"] = draw(st.lists(st.sampled_from(["", "X", "Tax", "USE1-BoxUsage"]), max_size=3))
    elif kind == "period":
        result["TimePeriod"]["Start"] = draw(st.sampled_from(["2026-10-01", "2026-13-01", "", "2026-06-01"]))
    elif kind == "control":
        total = payload["requests"][-1]["pages"][0]["ResultsByTime"][t % 5]["Total"]["UnblendedCost"]
        total["Amount"] = draw(BAD_NUMBERS | st.decimals(-1e6, 1e6, places=4).map(str))
    else:
        payload["requests"].pop(draw(st.integers(0, len(payload["requests"]) - 1)))
    return payload


@PROPERTY_SETTINGS
@given(payload=damaged_actuals())
def test_damaged_cost_explorer_file_reconciles_conserved_or_is_refused(tmp_path, payload):
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(payload))
    check_reconcile(path, payload=payload)


@PROPERTY_SETTINGS
@given(cut=st.integers(0, 10_000), junk=st.binary(min_size=1, max_size=16))
def test_garbled_cost_explorer_bytes_are_refused_or_conserved(tmp_path, cut, junk):
    data = json.dumps(ACTUALS).encode()
    at = cut % len(data)
    path = tmp_path / "ce.json"
    path.write_bytes(data[:at] + junk + data[at + len(junk) :])
    check_reconcile(path)


# ---------------------------------------------------------------- console CSV
CONSOLE = (
    '"Service","EC2-Instances($)","Relational Database Service($)","Tax($)","Total costs($)"\n'
    '"Service total","2000","3000","300","5300"\n'
    '"2026-09-01","1000","1500","150","2650"\n'
    '"2026-10-01","1000","1500","150","2650"\n'
)


@st.composite
def damaged_console(draw):
    lines = CONSOLE.splitlines()
    kind = draw(st.sampled_from(["cell", "repeat_row", "drop_row", "drop_cell"]))
    i = draw(st.integers(1, len(lines) - 1))
    cells = lines[i].split(",")
    if kind == "cell":
        j = draw(st.integers(0, len(cells) - 1))
        cells[j] = '"' + draw(BAD_NUMBERS | st.sampled_from(["2026-10-01", "Service total"])) + '"'
        lines[i] = ",".join(cells)
    elif kind == "repeat_row":
        lines.insert(i, lines[i])
    elif kind == "drop_row":
        del lines[i]
    else:
        lines[i] = ",".join(cells[:-1])
    return "\n".join(lines) + "\n"


@PROPERTY_SETTINGS
@given(text=damaged_console())
def test_damaged_console_csv_reconciles_conserved_or_is_refused(tmp_path, text):
    path = tmp_path / "export.csv"
    path.write_text(text)
    code, out, err = run(["reconcile", "--actuals", path, "--format", "json"])
    if code != 0:
        assert_refused_cleanly(code, out, err)
        return
    for month in json.loads(out)["months"]:
        c = month["conservation"]
        # each intact period of CONSOLE totals 2650 (1000 + 1500 + 150, by hand)
        assert c["bill_total"] == 2650.0
        assert abs(c["lines"] + c["unmapped"] - 2650.0) <= 0.005


# ---------------------------------------------------------------- price catalog and overrides
PRICE_LINES = PRICES_TEXT.splitlines()
PRICE_HEADER = PRICE_LINES[0].split(",")


def priced_lines() -> list[int]:
    """Catalog lines the production estimate uses (damage there must show, not vanish)."""
    used = {usage_type for _, usage_type in base_quantities()}
    column = PRICE_HEADER.index("usage_type")
    rows = list(csv.reader(PRICE_LINES))
    return [i for i in range(1, len(rows)) if rows[i][column] in used and "OnDemand" in rows[i]]


@st.composite
def damaged_prices(draw):
    lines = list(PRICE_LINES)
    kind = draw(st.sampled_from(["cell", "repeat_row", "drop_row"]))
    i = draw(st.sampled_from(priced_lines()) | st.integers(1, len(lines) - 1))
    if kind == "cell":
        column = draw(
            st.sampled_from(["price_usd", "begin_range", "end_range", "unit", "term_type", "status"])
        )
        cells = next(iter(csv.reader([lines[i]])))
        cells[PRICE_HEADER.index(column)] = draw(BAD_NUMBERS)
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        lines[i] = out.getvalue()
    elif kind == "repeat_row":
        lines.insert(i, lines[i])
    else:
        del lines[i]
    return "\n".join(lines) + "\n"


@PROPERTY_SETTINGS
@given(text=damaged_prices())
def test_damaged_price_catalog_prices_right_or_is_refused(tmp_path, text):
    path = tmp_path / "cat.csv"
    path.write_text(text)
    check_estimate(["estimate", "--prices", path], same_quantities=True)


@PROPERTY_SETTINGS
@given(
    row=st.integers(0, 10_000),
    column=st.sampled_from(["begin_range", "end_range"]),
    value=st.sampled_from(["1000000", "10", "0.5", "0", "Inf", ""]) | st.decimals(0, 1e7, places=2).map(str),
)
def test_tier_ranges_damaged_on_priced_rows_never_lose_quantity(tmp_path, row, column, value):
    lines = list(PRICE_LINES)
    targets = priced_lines()
    i = targets[row % len(targets)]
    cells = next(iter(csv.reader([lines[i]])))
    cells[PRICE_HEADER.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[i] = out.getvalue()
    path = tmp_path / "cat.csv"
    path.write_text("\n".join(lines) + "\n")
    check_estimate(["estimate", "--prices", path], same_quantities=True)


OVERRIDE_FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "service_code": st.sampled_from(["AmazonEC2", "AmazonRDS", "AmazonS3", "Nope"]),
        "term_type": st.sampled_from(["OnDemand", "Reserved"]),
        "price_dimension": st.sampled_from(["usage", "upfront"]),
        "unit": st.sampled_from(["Hrs", "GB-Mo"]),
        "scope": st.sampled_from(["all", "some"]),
    },
)


@PROPERTY_SETTINGS
@given(
    filters=OVERRIDE_FILTERS,
    section=st.sampled_from(["prices", "discounts"]),
    value=BAD_NUMBERS | st.sampled_from(["0.01", "5", "100", "101"]),
)
def test_any_override_prices_right_or_is_refused(tmp_path, filters, section, value):
    entry = dict(filters) | ({"price_usd": value} if section == "prices" else {"percent": value})
    path = tmp_path / "ovr.yaml"
    path.write_text(yaml.safe_dump({section: [entry]}))
    code, out, err = run(["estimate", "--overrides", path, "--format", "json"])
    if code != 0:
        assert_refused_cleanly(code, out, err)
        return
    payload = json.loads(out)
    assert payload["price_basis"].startswith("list prices with 1 override")  # never plain "list prices"
    assert quantities(payload) == base_quantities()
    assert abs(sum(i["monthly_cost"] for i in payload["line_items"]) - payload["total_monthly_cost"]) < 0.01


# ---------------------------------------------------------------- periods counted once
def periods_of(payload) -> dict[tuple[str, str], list[str]]:
    """Each distinct (Start, End) of the grouped requests, read by this test from the file."""
    found: dict[tuple[str, str], list[str]] = {}
    for entry in payload["requests"]:
        if not entry["request"].get("GroupBy"):
            continue
        for page in entry["pages"]:
            for result in page["ResultsByTime"]:
                period = (result["TimePeriod"]["Start"], result["TimePeriod"]["End"])
                found.setdefault(period, []).append(entry["request"]["GroupBy"][0]["Key"])
    return found


def overlapping(periods) -> bool:
    """Two different periods sharing a day (ISO days compare as text)."""
    spans = sorted(periods)
    return any(b[0] < a[1] for a, b in itertools.pairwise(spans))


def crosses_a_month(periods) -> bool:
    def next_month(day: str) -> str:
        year, month = int(day[:4]), int(day[5:7])
        return f"{year + month // 12}-{month % 12 + 1:02d}-01"

    return any(end > next_month(start) for start, end in periods)


DAYS = [f"2026-{m:02d}-{d:02d}" for m in range(6, 12) for d in (1, 10, 15, 28)]


@st.composite
def shifted_periods(draw):
    """The sample with some grouped periods moved or copied onto other days: overlapping,
    across a month boundary, or (by chance) still disjoint calendar months."""
    payload = copy.deepcopy(ACTUALS)
    for _ in range(draw(st.integers(1, 3))):
        r, p, t, _ = draw(st.sampled_from(GROUP_PATHS))
        results = payload["requests"][r]["pages"][p]["ResultsByTime"]
        start = draw(st.sampled_from(DAYS))
        end = draw(st.sampled_from([d for d in DAYS if d > start] or ["2026-12-01"]))
        if draw(st.booleans()):  # a copy beside the original
            results.append(copy.deepcopy(results[t]))
            t = len(results) - 1
        results[t]["TimePeriod"] = {"Start": start, "End": end}
    return payload


@PROPERTY_SETTINGS
@given(payload=shifted_periods())
def test_overlapping_or_cross_month_periods_are_refused_never_counted_twice(tmp_path, payload):
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(payload))
    code, out, err = run(["reconcile", "--actuals", path, "--format", "json"])
    periods = periods_of(payload)
    if overlapping(periods) or crosses_a_month(periods):
        assert_refused_cleanly(code, out, err)
        # an identical copy may be named as a duplicate first: refused either way
        assert any(w in err for w in ("overlap", "across a month boundary", "duplicate period")), err
        return
    check_reconcile(path, payload=payload)


# ---------------------------------------------------------------- partial months
MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


@st.composite
def partial_months(draw):
    """The sample with some months still Estimated, their money halved (exactly, text
    halved as Decimal) as in a month half over; returns the payload and those months."""
    from tests.test_trust_two import mark_estimated

    payload = copy.deepcopy(ACTUALS)
    estimated = set(draw(st.lists(st.sampled_from(MONTHS), min_size=1, max_size=3, unique=True)))
    mark_estimated(payload, estimated, halve=draw(st.booleans()))
    return payload, estimated


@settings(PROPERTY_SETTINGS, max_examples=8)  # three commands per example: kept to seconds
@given(case=partial_months(), budget=st.sampled_from([1000, 6000, 9000, 12000]))
def test_estimated_months_are_in_progress_in_every_command_and_never_complete(tmp_path, case, budget):
    payload, estimated = case
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(payload))
    code, out, err = run(["reconcile", "--actuals", path, "--format", "json"])
    assert code == 0, err
    assert {m["month"] for m in json.loads(out)["months"] if m["in_progress"]} == estimated

    code, out, err = run(["forecast", "--actuals", path, "--format", "json"])
    if code != 0:  # fewer than three complete months left: said in one line
        assert_refused_cleanly(code, out, err)
        assert "complete months of history" in err
        assert len(set(MONTHS) - estimated) < 3
    else:
        history = {h["month"]: h for h in json.loads(out)["history"]}
        assert {m for m, h in history.items() if h["in_progress"]} == estimated
        assert not any(history[m]["complete"] for m in estimated)

    budget_file = tmp_path / "budget.yaml"
    budget_file.write_text(f"monthly_usd: {budget}\n")
    code, out, err = run(["budget", "--budget", budget_file, "--actuals", path, "--format", "json"])
    payload_out = json.loads(out)
    (total,) = payload_out["budgets"]
    last_in_progress = "2026-10" in estimated
    assert payload_out["in_progress"] is last_in_progress
    if last_in_progress:  # monthly data: the month's end cannot be forecast, so never "ok"
        assert code == 1 and total["status"] in ("unknown", "over")
        assert total["status"] == ("over" if total["actual"] > budget else "unknown")
    else:
        assert code == (0 if total["status"] == "ok" else 1)
