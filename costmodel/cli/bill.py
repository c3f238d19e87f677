"""The bill commands: reconcile, report, fetch-actuals (the bill held against the model)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from costmodel.cli.common import architecture_from_args, catalog_from_args
from costmodel.cli.contract import month_payload
from costmodel.cli.render import print_audit, print_month
from costmodel.errors import InputError
from costmodel.inputs import parse_month
from costmodel.output import records, table_text, write_csv, write_json
from costmodel.reconcile.steps import export_table


def cmd_reconcile(args: argparse.Namespace) -> None:
    from costmodel.cli.lineitems import bill_from_args, notes_of, print_notes
    from costmodel.reconcile import audit, internal_checks, months, trend

    arch, catalog = architecture_from_args(args), catalog_from_args(args)
    ce = bill_from_args(args)
    if ce is None:
        from costmodel.documented import require_document

        require_document(arch, "reconcile without --actuals audits the documented estimate")
        checks, lines = internal_checks(), audit(arch, catalog)
        if args.format == "json":
            write_json(
                {
                    "documented_audit": {
                        "internal_checks": records(checks),
                        "against_list_prices": records(lines),
                    }
                }
            )
        elif args.format == "csv":
            write_csv(lines)
        else:
            print_audit(catalog, checks, lines)
        return
    if args.month:
        parse_month(args.month, "--month")
    if args.month and args.month not in set(ce.rows["month"]):
        if args.month in set(ce.controls["month"]):  # listed with no groups: a month without cost
            raise InputError(
                f"{ce.origin}: --month {args.month} has no cost (its period has no groups): "
                "nothing to reconcile"
            )
        raise InputError(
            f"{ce.origin} has no data for --month {args.month}; it has {', '.join(ce.controls['month'])}"
        )
    tables = months(ce, arch, catalog, only=args.month)
    from costmodel.estimation import estimate, later_price_notes

    # the prices' dates do not depend on the month priced: one estimate names them all
    priced = estimate(arch, catalog, month=tables[0].month) if tables else None
    dated = later_price_notes(priced, [t.month for t in tables]) if priced is not None else []
    notes = notes_of(ce, args.month) + dated
    print_notes(notes, args.format)
    if args.format == "json":
        write_json(
            {
                "price_snapshot": catalog.name,
                "price_basis": catalog.basis,
                "notes": notes,
                "months": [month_payload(t) for t in tables],
            }
        )
        return
    if args.format == "csv":
        write_csv(export_table(tables))  # every line, unmapped too, and a total row = the bill
        return
    previous = None
    for table in tables:
        print_month(table, catalog.basis, previous)
        previous = table.totals["actual"]
    if len(tables) > 1:
        print("\nMonth over month (actual, unblended):")
        mom = trend(tables)
        print(
            table_text(
                mom.reset_index().rename(columns={"index": "category"}), money_columns=tuple(mom.columns)
            )
        )


def cmd_fetch_actuals(args: argparse.Namespace) -> None:
    from costmodel.actuals.fetching import fetch, save_fetched
    from costmodel.files import check_writable

    check_writable(args.out, "--out")  # before any paid call
    payload = fetch(
        args.start,
        args.end,
        profile=args.profile,
        region=args.region,
        granularity=args.granularity,
        use_cache=not args.no_cache,
    )
    save_fetched(payload, args.out)
    summary = {
        "out": args.out,
        "api_calls": payload["api_calls"],
        "cache_hits": payload["cache_hits"],
        "requests": len(payload["requests"]),
        "estimated_cost_usd": payload["api_calls"] * 0.01,
    }
    if args.format == "json":
        write_json(summary)
    elif args.format == "csv":
        pd.DataFrame([summary]).to_csv(sys.stdout, index=False)
    else:
        print(
            f"wrote {args.out}: {payload['api_calls']} Cost Explorer calls "
            f"(${payload['api_calls'] * 0.01:.2f}), "
            f"{payload['cache_hits']} requests from the cache"
        )


def cmd_report(args: argparse.Namespace) -> None:
    from costmodel.cli.lineitems import bill_from_args, line_item_source
    from costmodel.report import build_report

    parse_month(args.month, "--month")
    bill = None if args.actuals else bill_from_args(args)  # a path keeps its own name in the report
    # line items have their days too: the month's anomalies come from the same export
    daily = bill_from_args(args, "DAILY") if bill is not None and not args.daily else None
    line_items = line_item_source(args, required=False) if bill is not None else None
    path = build_report(
        args.month,
        args.out,
        args.actuals,
        architecture_from_args(args),
        catalog_from_args(args),
        args.budget,
        args.daily,
        actuals=bill,
        daily=daily,
        line_items=line_items,
        tag=args.tag,
        workbook=args.format == "xlsx",
    )
    if args.format == "json":
        write_json({"report": str(path), "month": args.month})
    elif args.format == "csv":
        pd.DataFrame([{"report": str(path), "month": args.month}]).to_csv(sys.stdout, index=False)
    else:
        print(f"wrote the {args.month} cost report: {path.resolve()}")
