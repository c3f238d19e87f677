"""The price commands: prices show, prices refresh (the catalog)."""

from __future__ import annotations

import argparse
import sys

from costmodel.cli.common import catalog_from_args
from costmodel.errors import InputError
from costmodel.output import table_text, write_csv, write_json


def cmd_prices_show(args: argparse.Namespace) -> None:
    catalog = catalog_from_args(args)
    rows = catalog.rows
    if args.service:
        rows = rows.loc[rows["service_code"] == args.service]
        if rows.empty:
            known = ", ".join(sorted(catalog.rows["service_code"].unique()))
            raise InputError(f"no price in {catalog.name} has service code {args.service!r}; known: {known}")
    columns = [
        "service_code",
        "region",
        "usage_type",
        "term_type",
        "lease_contract_length",
        "purchase_option",
        "price_dimension",
        "unit",
        "begin_range",
        "end_range",
        "price_usd",
        "effective_date",
        "source",
        "status",
    ]
    if args.format == "json":
        write_json(
            {
                "price_snapshot": catalog.name,
                "rows": rows[columns].to_dict(orient="records"),
                "sources": catalog.sources.to_dict(orient="records"),
            }
        )
    elif args.format == "csv":
        write_csv(rows[columns])
    else:
        print(table_text(rows[columns], max_width=40))
        print()
        print(table_text(catalog.sources, max_width=90))


def cmd_prices_refresh(args: argparse.Namespace) -> None:
    from costmodel.files import check_writable
    from costmodel.pricing.refresh import refresh_snapshot

    check_writable(args.out, "--out")  # before any API call
    regions = args.region or ["us-east-1", "us-west-2"]
    catalog = refresh_snapshot(regions=regions, out=args.out, profile=args.profile)
    summary = catalog.rows.groupby(["service_code", "region"]).size().rename("rows").reset_index()
    if args.format == "json":
        write_json(
            {
                "out": args.out,
                "rows": len(catalog.rows),
                "by_service": summary.to_dict(orient="records"),
            }
        )
    elif args.format == "csv":
        write_csv(summary)
    else:
        print(table_text(summary))
        print(f"\nwrote {len(catalog.rows)} price rows to {args.out}", file=sys.stderr)
