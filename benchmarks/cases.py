"""What `benchmarks/run.py` measures. Each case builds its inputs (not timed) and returns
the function to time; the function's result is what a case and its baseline must agree on.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from costmodel import estimate, load_architecture, load_snapshot

Case = Callable[[], object]
# samples/ is the repository's dev-only bill simulator (not installed): imported from the checkout
sys.path.insert(0, str(Path(__file__).parent.parent))


# ---------------------------------------------------------------------------- inputs
def fleet(n: int) -> pd.DataFrame:
    """``n`` EC2 / RDS / ElastiCache resources with random sizes and hours."""
    rng = np.random.default_rng(0)
    choices = [
        ("AmazonEC2", "BoxUsage:c5.large", "RunInstances"),
        ("AmazonEC2", "BoxUsage:c5.2xlarge", "RunInstances"),
        ("AmazonRDS", "InstanceUsage:db.r5.xl", "CreateDBInstance:0014"),
        ("AmazonElastiCache", "NodeUsage:cache.r6g.large", "CreateCacheCluster:0002"),
        ("AWSDataTransfer", "DataTransfer-Out-Bytes", ""),
    ]
    picks = rng.integers(0, len(choices), n)
    table = pd.DataFrame([choices[i] for i in picks], columns=["service_code", "usage_type", "operation"])
    table["region"] = "us-east-1"
    table["quantity"] = rng.uniform(0, 744, n)
    return table


def wide_bill(groups: int) -> dict:
    """Twelve simulated months of Cost Explorer responses with ``groups`` more usage types
    (spread over the months, $0.01 each) than the model knows, controls moved with them."""
    from decimal import Decimal

    from samples import simulate

    months = tuple(str(p) for p in pd.period_range("2025-11", periods=12, freq="M"))
    payload = copy.deepcopy(simulate(load_architecture(), load_snapshot(), months=months))
    results = [r for page in payload["requests"][0]["pages"] for r in page["ResultsByTime"]]
    per_month = groups // len(results)
    services = ["Amazon Simple Storage Service", "EC2 - Other", "AmazonCloudWatch", "AWS Lambda"]
    cent = {"Amount": "0.0100000000", "Unit": "USD"}
    for result in results:
        result["Groups"] += [
            {
                "Keys": [services[i % 4], f"USE1-Custom-{i:06d}-Bytes"],
                "Metrics": {m: dict(cent) for m in ("UnblendedCost", "AmortizedCost", "NetAmortizedCost")}
                | {"UsageQuantity": {"Amount": "1", "Unit": "GB"}},
            }
            for i in range(per_month)
        ]
    for result in payload["requests"][2]["pages"][0]["ResultsByTime"]:
        for metric in result["Total"].values():
            metric["Amount"] = str(Decimal(metric["Amount"]) + Decimal("0.01") * per_month)
    return payload


def _actuals(groups: int) -> object:
    from costmodel.actuals import read_actuals

    return read_actuals(wide_bill(groups), f"{groups} extra groups")


def _lines(reconciled: list) -> pd.DataFrame:
    return pd.concat([r.lines.assign(month=r.month) for r in reconciled], ignore_index=True)


# ---------------------------------------------------------------------------- cases
def catalog_load() -> Case:
    return load_snapshot


def estimate_production() -> Case:
    arch, catalog = load_architecture(), load_snapshot()
    return lambda: estimate(arch, catalog)["monthly_cost"].sum()


def price_fleet(n: int) -> Case:
    catalog, resources = load_snapshot(), fleet(n)
    return lambda: catalog.price(resources)["monthly_cost"].sum()


def cli_process(args: tuple[str, ...]) -> Case:
    command = [sys.executable, "-m", "costmodel.cli", *args]
    return lambda: len(subprocess.run(command, check=True, capture_output=True).stdout)


def _families(n: int) -> list[pd.DataFrame]:
    hours = pd.date_range("2026-01-01", periods=8760, freq="h")
    rng = np.random.default_rng(1)
    types = ["c5.large", "c5.xlarge", "c5.2xlarge", "c5.4xlarge"]
    return [
        pd.DataFrame(rng.integers(0, 10, (len(hours), 4)), index=hours, columns=types, dtype=float)
        for _ in range(n)
    ]


def apply_portfolio(families: int) -> Case:
    from costmodel.commitments import Commitment, Portfolio, apply

    usage = _families(families)
    rates = {"c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34, "c5.4xlarge": 0.68}
    portfolio = Portfolio(
        [Commitment("reserved_instance", instance_type="c5.2xlarge", count=6, recurring_hourly=0.214)]
    )
    return lambda: [apply(portfolio, u, rates).summary["amortized_cost"] for u in usage]


def recommend_all(families: int) -> Case:
    from costmodel.commitments import recommend

    usage, catalog = _families(families), load_snapshot()
    return lambda: [recommend(u, instance_type="c5.2xlarge", catalog=catalog) for u in usage]


def map_bill(groups: int, per_row: bool = False) -> Case:
    """Each bill row's category: distinct keys mapped once and joined, or row by row."""
    from costmodel.reconcile.mapping import map_rows

    from baselines import per_row_mapping

    rows = _actuals(groups).rows
    items = estimate(load_architecture(), load_snapshot())
    if per_row:
        return lambda: per_row_mapping(rows, items)
    return lambda: list(map_rows(rows, items)["category"])


def read_bill(path: str, group_by_group: bool = False) -> Case:
    """Read a saved Cost Explorer file: each period's groups a column at a time (the
    strict reader only for what that path declines), or every group on its own (baseline)."""
    import importlib
    from unittest import mock

    from costmodel.actuals import read_actuals

    reader = importlib.import_module("costmodel.actuals.responses")

    def run() -> pd.DataFrame:
        if group_by_group:
            with mock.patch.object(reader, "_plain_columns", return_value=None):
                actuals = read_actuals(path)
        else:
            actuals = read_actuals(path)
        return actuals.rows.assign(
            control_total=actuals.rows["month"].map(actuals.controls.set_index("month")["control_total"])
        )

    return run


def reconcile(groups: int, one_by_one: bool = False) -> Case:
    """Reconcile twelve months at once (one estimate per dated state, rows mapped together),
    or month by month as the first version did."""
    from costmodel.reconcile import month, months

    actuals, arch, catalog = _actuals(groups), load_architecture(), load_snapshot()
    wanted = sorted(actuals.rows["month"].unique())
    if one_by_one:
        return lambda: _lines([month(actuals, arch, m, catalog) for m in wanted])
    return lambda: _lines(months(actuals, arch, catalog))


def monte_carlo(n: int, months: int, one_chunk: bool = False) -> Case:
    """Monte Carlo percentiles, in chunks of scenarios, or all scenarios at once (baseline)."""
    import costmodel.scaling.projection as projection
    from costmodel import scaling

    if one_chunk:
        projection.MONTE_CARLO_CHUNK_SCENARIO_MONTHS = n * months
    arch, catalog = load_architecture(), load_snapshot()
    return lambda: scaling.monte_carlo(arch, months=months, n=n, catalog=catalog)


BILL_COLUMNS = ["month", "service", "usage_type", "record_type", "unblended_cost", "amortized_cost"]
BILL_COLUMNS += ["usage_quantity", "usage_unit"]


def _bill_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """A bill's rows in a fixed order, the columns a case and its baseline must agree on."""
    return rows[BILL_COLUMNS].sort_values(BILL_COLUMNS[:4], ignore_index=True)


def cur_bill(path: str) -> Case:
    """The whole conserved bill of a CUR 2.0 export: ``costmodel.lineitems.bill`` (one pass:
    groups, the export's own totals, every check), from opening the files to the rows."""
    from costmodel.lineitems import bill, open_files

    return lambda: _bill_rows(bill(open_files(path)).rows)


def cur_bill_pandas(path: str) -> Case:
    """The same bill's rows from the monthly groups done the lean pandas way (no checks)."""
    from baselines import pandas_bill_rows

    return lambda: _bill_rows(pandas_bill_rows(path))


def bare_duckdb(path: str) -> Case:
    """The floor: DuckDB's own ``GROUP BY month, usage_type`` of the unblended cost over the
    same Parquet files (no product, no amortized cost, no checks), on a fresh connection."""
    import duckdb

    files = f"'{Path(path).as_posix()}/**/*.parquet'"
    sql = (
        "SELECT date_trunc('month', line_item_usage_start_date) AS month, line_item_usage_type, "
        "SUM(line_item_unblended_cost) AS cost, COUNT(*) AS line_items "
        f"FROM read_parquet({files}, hive_partitioning = false) GROUP BY 1, 2"
    )
    con = duckdb.connect()
    return lambda: len(con.execute(sql).df())


# the columns the conserved bill must read, each once: its keys, the unblended cost, the usage,
# the times (a month in progress), the currency, and what the amortized cost is made of
FLOOR_SUMS = [
    "line_item_unblended_cost",
    "line_item_usage_amount",
    "reservation_effective_cost",
    "savings_plan_savings_plan_effective_cost",
    "savings_plan_total_commitment_to_date",
    "savings_plan_used_commitment",
    "reservation_unused_amortized_upfront_fee_for_billing_period",
    "reservation_unused_recurring_fee",
]


def column_floor(path: str) -> Case:
    """The floor of any conserved bill: DuckDB reading the columns such a bill needs (the bill's
    keys, every amount the amortized cost is made of, the times and the currency) and summing
    each by month and bill key, with no rule, check or control (a bill cannot read less; the
    text columns are only counted, the cheapest way to read them)."""
    import duckdb

    files = f"'{Path(path).as_posix()}/**/*.parquet'"
    sums = ", ".join(f"SUM({c})" for c in FLOOR_SUMS)
    sql = (
        "SELECT date_trunc('month', line_item_usage_start_date) AS month, line_item_product_code, "
        "line_item_usage_type, line_item_line_item_type, pricing_unit, COUNT(*), "
        f"{sums}, MAX(line_item_usage_start_date), MAX(line_item_usage_end_date), "
        "COUNT(line_item_currency_code), COUNT(reservation_reservation_a_r_n) "
        f"FROM read_parquet({files}, hive_partitioning = false) GROUP BY 1, 2, 3, 4, 5"
    )
    con = duckdb.connect()
    return lambda: len(con.execute(sql).df())


def month_end_forecast() -> Case:
    from costmodel.actuals import read_actuals
    from costmodel.actuals.series import cut
    from costmodel.data_files import SAMPLE_DAILY, data_path
    from costmodel.forecast import forecast

    daily = cut(read_actuals(data_path(*SAMPLE_DAILY)), "2026-10-16")
    return lambda: forecast(daily).current.expected


def anomaly_detection() -> Case:
    from costmodel.actuals import read_actuals
    from costmodel.anomalies import detect
    from costmodel.data_files import SAMPLE_DAILY, data_path

    daily = read_actuals(data_path(*SAMPLE_DAILY))
    return lambda: len(detect(daily).anomalies)


def notebooks() -> Case:
    import nbformat
    from nbclient import NotebookClient

    paths = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))

    def run_all() -> int:
        for path in paths:
            book = nbformat.read(path, as_version=4)
            NotebookClient(
                book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
            ).execute()
        return len(paths)

    return run_all


def monthly_report(out_dir: str) -> Case:
    from costmodel.report import build_report

    return lambda: build_report("2026-10", out_dir).stat().st_size
