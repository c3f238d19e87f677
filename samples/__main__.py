"""``python -m samples --out-dir DIR``: write every sample of one simulated bill.

DIR is laid out as ``data/``: the bills under ``DIR/actuals/``, the planted anomalies (the
anomaly detector's ground truth, not a bill) under ``DIR/samples/``, the CloudWatch metrics
that go with the CUR sample's node-hours under ``DIR/cloudwatch/``.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from costmodel.architecture import load_architecture
from costmodel.files import atomic_write_bytes, atomic_write_text

from samples import cloudwatch
from samples.bill import DEFAULT_MONTHS, monthly_payload, simulate_months
from samples.cur import line_items, write_parquet
from samples.daily import daily_payload, planted_table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", required=True, help="folder laid out as data/ (actuals/, samples/)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--months", nargs="+", default=list(DEFAULT_MONTHS))
    args = parser.parse_args(argv)
    arch = load_architecture()
    simulated = simulate_months(arch, months=tuple(args.months), seed=args.seed)
    span = f"{args.months[0]}..{args.months[-1]}"
    out, truth = Path(args.out_dir) / "actuals", Path(args.out_dir) / "samples"
    out.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    monthly = monthly_payload(simulated, arch.origin, args.seed)
    atomic_write_text(out / f"ce-{span}.json", json.dumps(monthly, indent=1) + "\n")
    daily = daily_payload(simulated, arch.origin, args.seed)
    # a result per day makes the daily file large (2.5 MB): compact and gzipped (mtime 0, so
    # the same bill gives the same bytes); every reader of actuals decompresses gzip
    text = json.dumps(daily, separators=(",", ":")) + "\n"
    atomic_write_bytes(out / f"ce-daily-{span}.json.gz", gzip.compress(text.encode(), 9, mtime=0))
    atomic_write_text(truth / "planted-anomalies.csv", planted_table().to_csv(index=False))
    cur = out / f"cur2-{span}.parquet"
    write_parquet(line_items(simulated, daily, arch), cur)
    metrics = cloudwatch.write(Path(args.out_dir) / "cloudwatch", cur)
    print(
        f"wrote {out}/ce-{span}.json, ce-daily-{span}.json.gz, {cur.name}; {truth}/planted-anomalies.csv; "
        f"{metrics}"
    )


if __name__ == "__main__":
    main()
