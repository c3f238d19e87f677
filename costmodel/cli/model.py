"""The model commands: estimate, commitments, whatif (the architecture priced)."""

from __future__ import annotations

import argparse
import sys

from costmodel.cli.common import architecture_from_args, catalog_from_args
from costmodel.cli.contract import estimate_payload
from costmodel.cli.render import (
    hours_label,
    price_basis,
    print_commitments,
    print_documented_comparison,
    print_estimate_notes,
    print_line_items,
    print_whatif,
)
from costmodel.constants import CURRENCY, HOURS_PER_MONTH, calendar_hours
from costmodel.documented import compare, require_document
from costmodel.estimation import estimate
from costmodel.inputs import parse_month
from costmodel.output import json_number, known_total, records, total_fields, write_csv, write_json


def cmd_estimate(args: argparse.Namespace) -> None:
    from costmodel.estimation import check_month_priceable, later_price_notes, warnings

    arch, catalog = architecture_from_args(args), catalog_from_args(args)
    priced_month = parse_month(args.month, "--month") if args.month else catalog.as_of
    # a month asked for is billed on its calendar hours; the default is the 730-hour
    # average month of the AWS Pricing Calculator
    hours = calendar_hours(priced_month) if args.month else HOURS_PER_MONTH
    items = estimate(
        arch,
        catalog,
        hours=hours,
        missing="report" if args.allow_unknown else "raise",
        month=priced_month,
        free_tiers=not args.no_free_tiers,
    )
    if args.month:
        check_month_priceable(arch, priced_month)
    notes = warnings(arch, priced_month, items) + (
        later_price_notes(items, [priced_month]) if args.month else []
    )
    if args.compare_documented:
        require_document(arch, "--compare-documented")
    comparison = compare(items) if args.compare_documented else None
    basis = price_basis(catalog, free_tiers=not args.no_free_tiers)
    if args.format == "json":
        payload = estimate_payload(arch, catalog, items, priced_month, hours, notes, comparison)
        extra = {"hours_basis": hours_label(hours, args.month), "free_tiers_applied": not args.no_free_tiers}
        write_json(payload | extra)
        return
    if args.format == "csv":
        write_csv(comparison if comparison is not None else items)
        return
    for note in notes:
        print(f"costmodel: warning: {note}", file=sys.stderr)
    print(f"{arch.name} ({arch.region}), priced with {catalog.name} on {hours_label(hours, args.month)}")
    if comparison is not None:  # what the reader asked for first, the long tables after
        print_documented_comparison(comparison, basis, items["monthly_cost"])
    print_line_items(items, basis)
    print_estimate_notes(arch, items)


OPTION_COLUMNS = [
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
]


def cmd_commitments(args: argparse.Namespace) -> None:
    from costmodel.commitments import documented_table, options

    arch, catalog = architecture_from_args(args), catalog_from_args(args)
    opts = options(arch, catalog)
    table = documented_table(arch, catalog)
    if args.format == "json":
        write_json(
            {
                "currency": CURRENCY,
                "hours_per_month": HOURS_PER_MONTH,
                "price_snapshot": catalog.name,
                "price_basis": catalog.basis,
                "options": records(opts[[*OPTION_COLUMNS, "status", "price_source", "note"]]),
                "documented_table": records(table),
            }
        )
        return
    if args.format == "csv":
        write_csv(opts)
        return
    print_commitments(arch, catalog, opts, table)


def cmd_whatif(args: argparse.Namespace) -> None:
    from costmodel.whatif import compare, parse_changes

    arch, catalog = architecture_from_args(args), catalog_from_args(args)
    if not args.set:
        from costmodel.errors import InputError

        raise InputError(
            "give at least one change, e.g. --set eks.node_count=5 --set rds.instance_class=db.r5.4xlarge"
        )
    missing = "report" if args.allow_unknown else "raise"
    result = compare(arch, parse_changes(args.set or []), catalog, missing=missing)
    table = result.line_items
    # with unknown prices (--allow-unknown) each total is the known lines' sum, a lower bound
    base, scenario = table["base_monthly_cost"], table["scenario_monthly_cost"]
    difference, unknown_difference = known_total(table["difference"])
    if args.format == "json":
        write_json(
            {
                "base_total": json_number(known_total(base)[0]),
                "scenario_total": json_number(known_total(scenario)[0]),
                "difference": json_number(difference),
                "price_basis": catalog.basis,
                "changes": result.changes,
                "notes": list(result.notes),
                "line_items": records(table),
            }
            | (
                {
                    "base": total_fields(base),
                    "scenario": total_fields(scenario),
                    "difference_unknown_lines": unknown_difference,
                }
                if args.allow_unknown
                else {}
            )
        )
    elif args.format == "csv":
        write_csv(table)
    else:
        print_whatif(arch, catalog, result, difference, unknown_difference)
