"""The `costmodel` command line: formats, the JSON contract, and one-line errors."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from costmodel.cli import main

CONTRACT_ITEM_KEYS = {
    "service",
    "resource",
    "component",
    "usage_type",
    "unit",
    "quantity",
    "unit_price",
    "monthly_cost",
    "purchase_option",
    "price_source",
}


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def strict_json(text):
    """Parse JSON as a strict reader would: NaN and Infinity are errors."""

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate"],
        ["estimate", "--compare-documented"],
        ["commitments"],
        ["reconcile"],
        ["reconcile", "--actuals", "data/actuals/ce-2026-06..2026-10.json"],
        ["whatif", "--set", "eks.node_count=5"],
        ["prices", "show"],
        ["estimate", "data/architectures/dr-standby-us-west-2.yaml", "--allow-unknown"],
    ],
)
def test_every_json_output_is_strict_json(argv):
    code, out, err = run(*argv, "--format", "json")
    assert code == 0, err
    strict_json(out)


def test_estimate_json_contract():
    code, out, err = run("estimate", "--format", "json")
    assert code == 0 and err == ""
    payload = json.loads(out)
    assert {
        "currency",
        "hours_per_month",
        "region",
        "price_snapshot",
        "line_items",
        "total_monthly_cost",
    } <= set(payload)
    assert payload["currency"] == "USD" and payload["hours_per_month"] == 730
    assert payload["region"] == "us-east-1"
    assert payload["price_snapshot"] == "aws-price-snapshot-2026-11.csv"
    assert all(set(item) >= CONTRACT_ITEM_KEYS for item in payload["line_items"])
    total = sum(item["monthly_cost"] for item in payload["line_items"])
    assert payload["total_monthly_cost"] == pytest.approx(total, abs=1e-4)
    nodes = [i for i in payload["line_items"] if i["usage_type"] == "BoxUsage:c5.2xlarge"]
    assert nodes[0]["quantity"] == 2190 and nodes[0]["monthly_cost"] == pytest.approx(744.60)


def test_estimate_table_shows_total_assumptions_and_comparison():
    code, out, _ = run("estimate", "--compare-documented")
    assert code == 0
    # the golden hand sum (tests/test_golden.py): 7,794.19
    assert "Total (on-demand list prices, always-free tiers applied): $7,794.19 per month" in out
    assert "network.nat_gateways" in out
    assert "Documented vs modelled" in out and "$5,700.00" in out


def test_estimate_csv_is_readable():
    code, out, _ = run("estimate", "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0 and set(frame.columns) >= CONTRACT_ITEM_KEYS


def test_other_architecture_file(write_yaml):
    path = write_yaml("region: us-east-1\nelasticache:\n  node_type: cache.r6g.large\n  node_count: 2\n")
    code, out, _ = run("estimate", str(path), "--format", "json")
    payload = json.loads(out)
    # 2 x $0.206 x 730 = $300.76
    assert code == 0 and payload["total_monthly_cost"] == pytest.approx(300.76)


def test_bad_input_is_one_line_on_stderr_with_status_2(write_yaml):
    path = write_yaml("region: us-east-1\nmsk:\n  broker_type: kafka.m9.huge\n  broker_count: 3\n")
    code, out, err = run("estimate", str(path), "--format", "json")
    assert code == 2 and out == ""
    assert err.startswith("costmodel: error: arch.yaml: msk.broker_type = 'kafka.m9.huge'")
    assert "Traceback" not in err


def test_overrides_option(write_yaml):
    path = write_yaml("discounts:\n  - service_code: AmazonElastiCache\n    percent: 50\n", "o.yaml")
    code, out, _ = run("estimate", "--overrides", str(path), "--format", "json")
    items = json.loads(out)["line_items"]
    cache = next(i for i in items if i["usage_type"] == "NodeUsage:cache.r6g.xlarge")
    assert code == 0 and cache["monthly_cost"] == pytest.approx(900.09 / 2)
    assert "less 50%" in cache["price_source"]


def test_prices_show_json():
    code, out, _ = run("prices", "show", "--service", "AmazonMSK", "--format", "json")
    payload = json.loads(out)
    assert code == 0 and {r["service_code"] for r in payload["rows"]} == {"AmazonMSK"}
    assert any(s["source"] == "ATK-MSK" for s in payload["sources"])


def test_commitments_json_contract():
    code, out, _ = run("commitments", "--format", "json")
    payload = json.loads(out)
    assert code == 0 and {"options", "documented_table"} <= set(payload)
    keys = {
        "resource",
        "service",
        "offering",
        "term_years",
        "payment_option",
        "upfront",
        "recurring_monthly",
        "effective_monthly",
        "on_demand_monthly",
        "savings_pct",
        "break_even_months",
    }
    assert all(keys <= set(o) for o in payload["options"])
    nu = next(
        o
        for o in payload["options"]
        if o["resource"] == "eks-node-group"
        and o["offering"] == "EC2 Standard Reserved Instance"
        and o["term_years"] == 1
        and o["payment_option"] == "No Upfront"
    )
    # 3 x $0.214 x 730 = $468.66; 1 - 0.214 / 0.34 = 37.06%
    assert nu["effective_monthly"] == pytest.approx(468.66) and nu["savings_pct"] == pytest.approx(
        37.06, abs=0.01
    )
    rds = [o for o in payload["options"] if o["resource"] == "rds-primary"]
    assert all(o["effective_monthly"] is None and o["status"] == "price unknown" for o in rds)
    msk = next(o for o in payload["options"] if o["resource"] == "msk-cluster")
    assert msk["status"] == "not offered" and msk["effective_monthly"] is None
    items = {row["item"] for row in payload["documented_table"]}
    assert items == {"EKS Nodes (c5.2xlarge)", "RDS PostgreSQL", "ElastiCache", "Total"}


def test_commitments_table_shows_documented_table():
    code, out, _ = run("commitments")
    assert code == 0
    assert "not offered: Amazon MSK has no reserved pricing" in out
    assert "recomputed from list prices" in out and "$7,650.00" in out


def test_whatif_json_contract():
    code, out, _ = run(
        "whatif", "--set", "eks.node_count=5", "--set", "rds.instance_class=db.r5.4xlarge", "--format", "json"
    )
    payload = json.loads(out)
    assert code == 0 and {"base_total", "scenario_total", "difference", "line_items"} <= set(payload)
    keys = {
        "service",
        "resource",
        "component",
        "usage_type",
        "base_monthly_cost",
        "scenario_monthly_cost",
        "difference",
    }
    assert all(keys <= set(i) for i in payload["line_items"])
    # 2 nodes x $0.34 x 730 + 2 x 100 GB x $0.08 = $512.40; the primary to db.r5.4xlarge
    # Multi-AZ: ($4.00 - $2.00) x 730 = +$1,460; the replicas keep their class (AWS resizes
    # each instance on its own)
    assert payload["difference"] == pytest.approx(512.40 + 1460)
    assert payload["base_total"] == pytest.approx(7794.19)  # the golden hand sum (tests/test_golden.py)


def test_whatif_short_keys_and_errors():
    for key, value in [
        ("eks.instance_type", "c5.4xlarge"),
        ("rds.read_replicas", "1"),
        ("elasticache.node_type", "cache.r6g.2xlarge"),
        ("elasticache.node_count", "4"),
        ("msk.broker_type", "kafka.m5.xlarge"),
        ("msk.broker_count", "6"),
        ("msk.storage_gb", "2000"),
    ]:
        code, out, err = run("whatif", "--set", f"{key}={value}", "--format", "json")
        assert code == 0, err
        assert json.loads(out)["difference"] != 0
    code, _, err = run("whatif", "--set", "eks.node_count=-2")
    assert code == 2 and "eks.node_count = -2 must be >= 0" in err
    code, _, err = run("whatif", "--set", "eks.nodes")
    assert code == 2 and "expected KEY=VALUE" in err


def test_estimate_allow_unknown(tmp_path):
    path = tmp_path / "west.yaml"
    path.write_text(
        "region: us-west-2\nrds:\n  instance_class: db.r5.large\n  multi_az: false\n  storage_gb: 100\n"
    )
    code, _, err = run("estimate", str(path))
    assert code == 2 and "USW2-RDS:GP3-Storage" in err
    code, out, _ = run("estimate", str(path), "--allow-unknown")
    # db.r5.large $0.25 x 730 = $182.50 known; 100 GB of us-west-2 gp3 storage unknown
    assert code == 0 and "at least $182.50 (1 line unknown)" in out
    code, out, _ = run("estimate", str(path), "--allow-unknown", "--format", "json")
    items = strict_json(out)["line_items"]
    # gp3 storage has no us-west-2 price: null, not NaN and not 0; the instance is $0.25 x 730
    assert [i["monthly_cost"] for i in items if i["usage_type"] == "USW2-RDS:GP3-Storage"] == [None]
    assert [i["monthly_cost"] for i in items if i["usage_type"].startswith("USW2-InstanceUsage")] == [182.5]


# The console script (costmodel_entry) answering --version and every command's --help, in a
# fresh interpreter; then the heavy modules that were loaded, if any.
EVERY_HELP = """
import argparse, io, sys
from contextlib import redirect_stdout

import costmodel_entry
from costmodel.cli.parser import build_parser


def commands(parser, words=()):
    yield words
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                yield from commands(command, (*words, name))


for argv in [["--version"], *([*words, "--help"] for words in commands(build_parser()))]:
    sys.argv, shown = ["costmodel", *argv], io.StringIO()
    with redirect_stdout(shown):
        try:
            costmodel_entry.main()
        except SystemExit as done:
            assert done.code == 0, (argv, done.code)
    assert shown.getvalue().startswith(("usage: costmodel", "costmodel ")), (argv, shown.getvalue())
    print(" ".join(argv))
print(sorted(name for name in ("pandas", "numpy", "duckdb") if name in sys.modules))
"""


def test_help_and_version_load_no_pandas():
    """Issue 20: --help, every COMMAND --help and --version answer at once: no pandas, no numpy."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [sys.executable, "-c", EVERY_HELP],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    *answered, loaded = done.stdout.splitlines()
    assert {"--version", "--help", "estimate --help", "forecast --help", "prices show --help"} <= set(
        answered
    )
    assert loaded == "[]"
