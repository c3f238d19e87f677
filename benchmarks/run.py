"""Measured speed figures for costmodel; prints a table. Run with `make bench`.

Timings depend on the machine; they are printed, not asserted (no timed tests).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from costmodel import estimate, load_architecture, load_snapshot


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs [s]."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


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
    table = pd.DataFrame(
        [choices[i] for i in picks], columns=["service_code", "usage_type", "operation"]
    )
    table["region"] = "us-east-1"
    table["quantity"] = rng.uniform(0, 744, n)
    return table


def main() -> None:
    rows = []
    rows.append(("catalog load (shipped snapshot)", best_of(load_snapshot), "s"))
    catalog = load_snapshot()
    arch = load_architecture()
    rows.append(
        (
            "estimate, production architecture (in process)",
            best_of(lambda: estimate(arch, catalog)),
            "s",
        )
    )
    resources = fleet(100_000)
    rows.append(
        ("vectorized pricing of 100,000 resources", best_of(lambda: catalog.price(resources)), "s")
    )
    cli = [sys.executable, "-m", "costmodel.cli", "estimate", "--format", "json"]
    rows.append(
        (
            "`costmodel estimate` as a whole process",
            best_of(lambda: subprocess.run(cli, check=True, capture_output=True)),
            "s",
        )
    )
    print(f"{'benchmark':<50} {'best of 3':>10}")
    for name, seconds, unit in rows:
        print(f"{name:<50} {seconds:>9.3f}{unit}")


if __name__ == "__main__":
    main()
