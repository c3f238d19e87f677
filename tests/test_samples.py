"""The bundled samples are one simulated bill: what samples/ (the dev-only simulator) writes, and the same
money at every grain (SYNTHETIC data, data/README.md)."""

import gzip
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from samples.daily import split_exactly

DATA = Path(__file__).parent.parent / "data" / "actuals"
MONTHLY = DATA / "ce-2026-06..2026-10.json"
DAILY = DATA / "ce-daily-2026-06..2026-10.json.gz"
CUR = DATA / "cur2-2026-06..2026-10.parquet"


def group_sums(payload):
    """(month, keys, metric) -> the exact Decimal sum of the file's amount strings."""
    sums = defaultdict(Decimal)
    for request in payload["requests"]:
        for page in request["pages"]:
            for result in page["ResultsByTime"]:
                for group in result.get("Groups", []):
                    for metric, value in group["Metrics"].items():
                        key = (result["TimePeriod"]["Start"][:7], tuple(group["Keys"]), metric)
                        sums[key] += Decimal(value["Amount"])
    return sums


def test_the_daily_sample_is_the_monthly_bill_to_the_last_decimal():
    monthly = group_sums(json.loads(MONTHLY.read_text()))
    daily = group_sums(json.loads(gzip.decompress(DAILY.read_bytes())))
    differing = {k for k in set(monthly) | set(daily) if monthly.get(k, 0) != daily.get(k, 0)}
    assert not differing, sorted(differing)[:5]


def test_the_shipped_samples_are_what_the_simulator_writes(tmp_path):
    from samples.__main__ import main

    main(["--out-dir", str(tmp_path)])
    for name in (f"actuals/{MONTHLY.name}", f"actuals/{DAILY.name}", "samples/planted-anomalies.csv"):
        assert (tmp_path / name).read_bytes() == (DATA.parent / name).read_bytes(), f"regenerate {name}"
    # Parquet bytes depend on the writer's version: compare the line items themselves
    fresh, shipped = (pd.read_parquet(folder / CUR.name) for folder in (tmp_path / "actuals", DATA))
    pd.testing.assert_frame_equal(fresh, shipped)


def test_the_cur_sample_is_the_same_bill_to_the_cent():
    import duckdb

    # summed straight from the files, without costmodel: the CUR's line items by month
    # against the Cost Explorer sample's amount strings
    cur = duckdb.sql(
        f"SELECT strftime(line_item_usage_start_date, '%Y-%m') AS month, SUM(line_item_unblended_cost) AS cost "
        f"FROM read_parquet('{CUR}') GROUP BY 1 ORDER BY 1"
    ).df()
    monthly = group_sums(json.loads(MONTHLY.read_text()))
    for month, cost in zip(cur["month"], cur["cost"], strict=True):
        expected = sum(v for (m, _, metric), v in monthly.items() if m == month and metric == "UnblendedCost")
        assert round(cost, 2) == round(float(expected), 2), month


def test_an_exact_split_adds_up_and_follows_its_weights():
    parts = split_exactly(Decimal("100.0000000001"), np.array([1.0, 2.0, 0.0, 1.0]))
    assert sum(parts) == Decimal("100.0000000001")
    # 100 x 1/4, x 2/4, 0, and the rest: 25, 50, 0, 25.0000000001
    assert parts == [Decimal("25.0000000000"), Decimal("50.0000000000"), Decimal(0), Decimal("25.0000000001")]
