"""The costmodel command: the cost of one AWS microservice, priced, reconciled and reported.

Every command takes --format table|csv|json; JSON goes to stdout and nothing else does.
Exit status: 0 done, 1 a check you asked for failed, 2 bad input (one line on stderr)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

import pandas as pd

from costmodel.architecture import Architecture, load_architecture
from costmodel.constants import CURRENCY, HOURS_PER_MONTH, calendar_hours
from costmodel.documented import compare
from costmodel.errors import CostModelError, InputError
from costmodel.estimation import LINE_ITEM_COLUMNS, estimate
from costmodel.inputs import parse_month
from costmodel.output import (
    FORMATS,
    is_unknown,
    json_number,
    known_total,
    money,
    records,
    table_text,
    total_fields,
    total_text,
    write_csv,
    write_json,
)
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.pricing.overrides import apply_overrides
from costmodel.reconcile.variance import CONTRACT_LINE_COLUMNS, LINE_COLUMNS, ReconciledMonth


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("costmodel")
    except PackageNotFoundError:
        return "(not installed)"


def _add_common(parser: argparse.ArgumentParser, *, arch: bool = True) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    if arch:
        parser.add_argument("arch_file", nargs="?", help="architecture YAML (default: bundled production)")
        parser.add_argument("--prices", help="price catalog CSV (default: the shipped snapshot)")
        parser.add_argument("--overrides", help="YAML of custom prices / discounts to apply")


def _catalog(args: argparse.Namespace) -> PriceCatalog:
    catalog = load_snapshot(args.prices)
    if args.overrides:
        catalog = apply_overrides(catalog, args.overrides)
    return catalog


def _architecture(args: argparse.Namespace) -> Architecture:
    return load_architecture(args.arch_file)


# ---------------------------------------------------------------------------- estimate
ESTIMATE_TABLE_COLUMNS = [
    "service",
    "resource",
    "component",
    "quantity",
    "unit",
    "unit_price",
    "monthly_cost",
    "price_source",
]


def cmd_estimate(args: argparse.Namespace) -> None:
    from costmodel.estimation import warnings

    arch, catalog = _architecture(args), _catalog(args)
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
    notes = warnings(arch, priced_month, items)
    comparison = compare(items) if args.compare_documented else None
    basis = price_basis(catalog, free_tiers=not args.no_free_tiers)
    if args.format == "json":
        payload = _estimate_payload(arch, catalog, items, priced_month, hours, notes, comparison)
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
        _print_documented_comparison(comparison, basis, items["monthly_cost"])
    _print_line_items(items, basis)
    _print_estimate_notes(arch, items)


def hours_label(hours: float, month: str | None) -> str:
    """What month an estimate prices: ``the 744-hour calendar month 2026-12`` or ``a
    730-hour average month (AWS Pricing Calculator convention)``."""
    if month:
        return f"the {hours:.0f}-hour calendar month {month}"
    return f"a {HOURS_PER_MONTH}-hour average month (AWS Pricing Calculator convention)"


def price_basis(catalog: PriceCatalog, free_tiers: bool = True) -> str:
    """``list prices`` (with overrides, if any) and whether the always-free tiers are applied."""
    return f"{catalog.basis}, {'always-free tiers applied' if free_tiers else 'before free tiers'}"


def _estimate_payload(
    arch: Architecture,
    catalog: PriceCatalog,
    items: pd.DataFrame,
    priced_month: str,
    hours: float,
    notes: list[str],
    comparison: pd.DataFrame | None,
) -> dict:
    """The ``estimate --format json`` contract (DESIGN.md) plus provenance fields."""
    total, _ = known_total(items["monthly_cost"])
    payload = {
        "currency": CURRENCY,
        "hours_per_month": hours,
        "region": arch.region,
        "price_snapshot": catalog.name,
        "price_basis": catalog.basis,
        "priced_month": priced_month,
        "warnings": notes,
        "line_items": records(items, LINE_ITEM_COLUMNS),
        "total_monthly_cost": json_number(total),
        **total_fields(items["monthly_cost"]),
        "architecture": arch.name,
        "assumptions": arch.assumptions().to_dict(orient="records"),
    }
    if comparison is not None:
        payload["documented_comparison"] = records(comparison)
    return payload


def _print_documented_comparison(comparison: pd.DataFrame, basis: str, costs: pd.Series) -> None:
    print(f"\nDocumented vs modelled (modelled = on-demand {basis}), per month:")
    print(
        table_text(
            comparison.drop(columns="categories"),
            money_columns=("documented", "modelled", "difference"),
        )
    )
    documented_total = comparison["documented"].iloc[-1]
    print(f"Total modelled: {total_text(costs)} per month; documented: {money(documented_total)}")


def _print_line_items(items: pd.DataFrame, basis: str) -> None:
    """Every line item, the total per service and the total; unknown prices listed apart."""
    print()
    print(table_text(items[ESTIMATE_TABLE_COLUMNS], money_columns=("monthly_cost",)))
    print()
    # a service with any unknown line has an unknown total, never a partial sum or $0.00
    by_service = (
        items.groupby("service", sort=False)["monthly_cost"]
        .agg(lambda costs: costs.sum() if costs.notna().all() else float("nan"))
        .reset_index()
    )
    print(table_text(by_service, money_columns=("monthly_cost",)))
    print(f"\nTotal (on-demand {basis}): {total_text(items['monthly_cost'])} per month")
    unknown = items.loc[items["monthly_cost"].isna()]
    if len(unknown):
        print(f"The {len(unknown)} line(s) whose price is unknown (left out of the total: a lower bound):")
        print(
            table_text(unknown[["service", "component", "quantity", "unit", "price_source"]], max_width=110)
        )


def _print_estimate_notes(arch: Architecture, items: pd.DataFrame) -> None:
    assumptions = arch.assumptions()
    if len(assumptions):
        print("\nUsage assumptions (not stated by the document; set in the architecture file):")
        print(table_text(assumptions))
    derived = items.loc[items["price_status"] != "sourced"]
    if len(derived):
        print(
            f"\n{len(derived)} line(s) use prices that are not directly sourced "
            f"({', '.join(sorted(derived['price_status'].unique()))}); see data/README.md."
        )


# ---------------------------------------------------------------------------- commitments
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

    arch, catalog = _architecture(args), _catalog(args)
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
    print(
        f"Commitment options for {arch.name} ({arch.region}), {catalog.name}, "
        f"per {HOURS_PER_MONTH}-hour month"
    )
    for resource, group in opts.groupby("resource", sort=False):
        first = group.iloc[0]
        print(
            f"\n{resource}: {first['count']} x {first['instance_type']} {first['deployment_option']}".rstrip()
        )
        if first["status"] == "not offered":
            print(f"  not offered: {first['note']}")
            continue
        print(f"  on demand: {money(first['on_demand_monthly'])} per month")
        shown = group.assign(term=group["term_years"].map(lambda y: f"{y:.0f}yr"))
        print(
            table_text(
                shown[
                    [
                        "offering",
                        "term",
                        "payment_option",
                        "upfront",
                        "recurring_monthly",
                        "effective_monthly",
                        "savings_pct",
                        "break_even_months",
                        "status",
                    ]
                ]
            )
        )
        unknown = group.loc[group["status"] == "price unknown"]
        if len(unknown):
            print(f"  price unknown: {unknown.iloc[0]['note']}")
    print(f"\nThe document's on-demand vs reserved table, recomputed from {catalog.basis} (instance hours):")
    shown = table.copy()
    for column in (
        "documented_on_demand",
        "documented_reserved",
        "list_on_demand",
        "list_reserved",
        "difference_on_demand",
        "difference_reserved",
    ):
        shown[column] = shown[column].map(lambda v: "unknown" if is_unknown(v) else money(v))
    print(table_text(shown.drop(columns=["explanation", "documented_savings_pct", "list_savings_pct"])))
    for row in table.itertuples():
        print(f"- {row.item}: {row.explanation}")


# ---------------------------------------------------------------------------- reconcile


def month_payload(rec: ReconciledMonth) -> dict:
    """One month of the reconcile JSON contract (plus unit, amortized actual and flag per line)."""
    return {
        "month": rec.month,
        "hours_in_month": rec.hours_in_month,
        "estimated": rec.estimated,
        "in_progress": rec.estimated,  # the same flag under the name every command uses
        "totals": {k: json_number(v) for k, v in rec.totals.items()},
        "lines": records(rec.lines[LINE_COLUMNS]),
        "unmapped": records(rec.unmapped, ["service", "usage_type", "actual"]),
        "conservation": {
            "lines": json_number(float(rec.lines["actual"].sum())),
            "unmapped": json_number(float(rec.unmapped["actual"].sum())),
            "bill_total": json_number(rec.input_total),
            "bill_total_source": rec.input_total_source,
        },
    }


def _change(now: float, before: float) -> str:
    """``+$1,234.56 (+17.2%)``: the later figure minus the earlier, and as a share of it."""
    diff = now - before
    pct = f" ({diff / before * 100:+.1f}%)" if before else ""
    return f"{'+' if diff >= 0 else ''}{money(diff)}{pct}"


def documented_cells(stated: pd.Series, allocated: pd.Series) -> pd.Series:
    """The documented column as text: the stated figure, ``in a group`` where the document
    gives only a figure shared with other categories, ``not stated`` where it gives none."""
    text = stated.map(money)
    shared = stated.isna() & (allocated != 0)
    return text.where(stated.notna(), "not stated").where(~shared, "in a group")


def _print_month(rec: ReconciledMonth, basis: str, previous: float | None = None) -> None:
    table, t = rec.lines, rec.totals
    est = (
        " (IN PROGRESS: not final, Cost Explorer marks it Estimated; month to date)" if rec.estimated else ""
    )
    print(f"\n=== {rec.month}: {rec.hours_in_month:.0f} hours{est}")
    print(
        f"actual {money(t['actual'])} (unblended): {_change(t['actual'], t['modelled'])} vs modelled "
        f"{money(t['modelled'])} (730 h, {basis}), {_change(t['actual'], t['documented'])} vs documented "
        f"{money(t['documented'])}"
        + (f", {_change(t['actual'], previous)} vs last month" if previous is not None else "")
    )
    variance = (table["actual"] - table["modelled"]).abs()
    ordered = table.assign(_size=variance).sort_values("_size", ascending=False, kind="stable")
    shown = ordered.assign(flag=ordered["flag"].map({True: "!", False: ""}))
    columns = [
        "documented",
        "allocated",
        "modelled",
        "actual",
        "calendar_variance",
        "volume_variance",
        "rate_variance",
    ]
    total = {"flag": "", "category": "Total (lines)", "explanation": ""} | {
        c: table[c].sum() for c in columns
    }
    total["documented"] = t["documented"]  # the document's own total
    shown = pd.concat([shown, pd.DataFrame([total])], ignore_index=True)
    print(
        table_text(
            shown[["flag", "category", *columns, "explanation"]].assign(
                documented=documented_cells(shown["documented"], shown["allocated"])
            ),
            money_columns=tuple(columns[1:]),
            max_width=90,
        )
    )
    print(
        "documented: what the document states for the category alone; allocated: its group "
        "figures split pro rata over the model's categories (not stated by the document)"
    )
    unmapped = rec.unmapped
    if len(unmapped):
        print(f"unmapped (on the bill, in no model category): {money(unmapped['actual'].sum())}")
        print(table_text(unmapped, money_columns=("actual",)))
    lines_total = table["actual"].sum() + unmapped["actual"].sum()
    print(
        f"conservation: lines {money(table['actual'].sum())} + unmapped {money(unmapped['actual'].sum())} "
        f"= {money(lines_total)}; bill {money(rec.input_total)} ({rec.input_total_source})"
    )


def cmd_reconcile(args: argparse.Namespace) -> None:
    from costmodel.cli_lineitems import bill_from_args, notes_of, print_notes
    from costmodel.reconcile import audit, internal_checks, months, trend

    arch, catalog = _architecture(args), _catalog(args)
    ce = bill_from_args(args)
    if ce is None:
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
            print("Documented estimate audit (no --actuals given): the document against itself")
            shown = checks.assign(ok=checks["consistent"].map({True: "ok", False: "INCONSISTENT"}))
            print(table_text(shown[["ok", "check", "computed", "stated", "note"]], max_width=80))
            print(f"\n... and against {catalog.basis} (modelled = on-demand, 730 h):")
            print(
                table_text(
                    lines[
                        ["group", "item", "documented", "basis", "modelled", "difference", "corresponds_to"]
                    ],
                    money_columns=("documented", "modelled", "difference"),
                    max_width=110,
                )
            )
        return
    if args.month:
        parse_month(args.month, "--month")
    if args.month and args.month not in set(ce.rows["month"]):
        raise InputError(
            f"{ce.origin} has no data for --month {args.month}; it has {', '.join(ce.controls['month'])}"
        )
    tables = months(ce, arch, catalog, only=args.month)
    notes = notes_of(ce, args.month)
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
        frames = [t.lines.assign(month=t.month) for t in tables]
        write_csv(pd.concat(frames)[["month", *CONTRACT_LINE_COLUMNS, "flag"]])
        return
    previous = None
    for table in tables:
        _print_month(table, catalog.basis, previous)
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


# ---------------------------------------------------------------------------- whatif
def cmd_whatif(args: argparse.Namespace) -> None:
    from costmodel.whatif import compare, parse_changes

    arch, catalog = _architecture(args), _catalog(args)
    if not args.set:
        from costmodel.errors import InputError

        raise InputError(
            "give at least one change, e.g. --set eks.node_count=5 --set rds.instance_class=db.r5.4xlarge"
        )
    result = compare(arch, parse_changes(args.set or []), catalog)
    table = result.line_items
    if args.format == "json":
        write_json(
            {
                "base_total": json_number(result.base_total),
                "scenario_total": json_number(result.scenario_total),
                "difference": json_number(result.difference),
                "price_basis": catalog.basis,
                "changes": result.changes,
                "line_items": records(table),
            }
        )
    elif args.format == "csv":
        write_csv(table)
    else:
        changed = table.loc[table["difference"].abs() > 1e-9]
        print(
            f"What if {', '.join(f'{k} = {v}' for k, v in result.changes.items())} "
            f"({arch.name}, {catalog.name}):"
        )
        print(table_text(changed, money_columns=("base_monthly_cost", "scenario_monthly_cost", "difference")))
        print(
            f"\nbase {money(result.base_total)} -> scenario {money(result.scenario_total)} per month: "
            f"{money(result.difference)} ({len(table) - len(changed)} line items unchanged)"
        )


# ---------------------------------------------------------------------------- report
def cmd_report(args: argparse.Namespace) -> None:
    from costmodel.cli_lineitems import bill_from_args
    from costmodel.report import build_report

    parse_month(args.month, "--month")
    bill = None if args.actuals else bill_from_args(args)  # a path keeps its own name in the report
    # line items have their days too: the month's anomalies come from the same export
    daily = bill_from_args(args, "DAILY") if bill is not None and not args.daily else None
    path = build_report(
        args.month,
        args.out,
        args.actuals,
        _architecture(args),
        _catalog(args),
        args.budget,
        args.daily,
        actuals=bill,
        daily=daily,
    )
    if args.format == "json":
        write_json({"report": str(path), "month": args.month})
    elif args.format == "csv":
        pd.DataFrame([{"report": str(path), "month": args.month}]).to_csv(sys.stdout, index=False)
    else:
        print(f"wrote the {args.month} cost report: {path.resolve()}")


# ---------------------------------------------------------------------------- prices
def cmd_prices_show(args: argparse.Namespace) -> None:
    catalog = _catalog(args)
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


# ---------------------------------------------------------------------------- main
class _OneLineParser(argparse.ArgumentParser):
    """argparse prints the usage block and then the error; the contract is one line on
    stderr, which points at --help instead."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from costmodel.cli_account import add_parsers as add_account_parsers
    from costmodel.cli_finance import add_parsers as add_finance_parsers
    from costmodel.cli_lineitems import add_parsers as add_line_item_parsers

    parser = _OneLineParser(
        prog="costmodel", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"costmodel {_version()}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_model_parsers(sub)
    _add_bill_parsers(sub)
    add_finance_parsers(sub)
    add_line_item_parsers(sub)
    add_account_parsers(sub)
    prices, psub = _add_price_parsers(sub)
    # --debug is accepted after the command too (``costmodel estimate --debug``).
    for command in [*sub.choices.values(), *psub.choices.values()]:
        if command is not prices:
            command.add_argument(
                "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors"
            )
    return parser


def _add_model_parsers(sub: argparse._SubParsersAction) -> None:
    """estimate, commitments, whatif: the architecture priced."""
    p = sub.add_parser("estimate", help="priced line items of an architecture")
    _add_common(p)
    p.add_argument(
        "--month",
        help="the calendar month priced, YYYY-MM, on its real hours (default: a 730-hour average "
        "month as of the price snapshot's month)",
    )
    p.add_argument(
        "--compare-documented",
        action="store_true",
        help="show the document's figures beside the modelled ones",
    )
    p.add_argument(
        "--allow-unknown",
        action="store_true",
        help="list lines whose price is unknown instead of stopping (the total is then a lower bound)",
    )
    p.add_argument(
        "--no-free-tiers",
        action="store_true",
        help="list prices before the always-free tiers (no allowance lines)",
    )
    p.set_defaults(func=cmd_estimate)

    p = sub.add_parser("commitments", help="on-demand vs every reserved / savings-plan option")
    _add_common(p)
    p.set_defaults(func=cmd_commitments)

    p = sub.add_parser("whatif", help="price the architecture with changes, diffed against the base")
    _add_common(p)
    p.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="a change, e.g. eks.node_count=5 (repeatable)"
    )
    p.set_defaults(func=cmd_whatif)


def _add_bill_parsers(sub: argparse._SubParsersAction) -> None:
    """reconcile, report, fetch-actuals: the bill fetched and held against the model."""
    from costmodel.cli_lineitems import add_bill_options

    p = sub.add_parser("reconcile", help="documented vs modelled vs actual (or the documented audit)")
    _add_common(p)
    add_bill_options(p, "saved Cost Explorer responses (JSON, .gz too) or console CSV export")
    p.add_argument("--month", help="only this month, YYYY-MM")
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("report", help="the monthly cost report as one self-contained HTML file")
    _add_common(p)
    p.add_argument("--month", required=True, help="YYYY-MM")
    add_bill_options(p, "saved Cost Explorer data (default: the bundled synthetic sample)")
    p.add_argument("--out", default="reports", help="output folder (default: reports/)")
    p.add_argument("--budget", help="budget YAML for the month (default with the bundled sample: its budget)")
    p.add_argument("--daily", help="daily Cost Explorer data for the anomalies (when --actuals is monthly)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("fetch-actuals", help="call Cost Explorer and save the raw responses")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--start", required=True, help="first day, YYYY-MM-DD (inclusive)")
    p.add_argument("--end", required=True, help="end day, YYYY-MM-DD (exclusive)")
    p.add_argument("--profile", help="AWS named profile")
    p.add_argument("--region", default="us-east-1", help="Cost Explorer endpoint region")
    p.add_argument(
        "--granularity", choices=("MONTHLY", "DAILY"), default="MONTHLY", help="Cost Explorer granularity"
    )
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write the local cache")
    p.add_argument("--out", required=True, help="JSON file to write")
    p.set_defaults(func=cmd_fetch_actuals)


def _add_price_parsers(
    sub: argparse._SubParsersAction,
) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """prices show / refresh: the catalog."""
    prices = sub.add_parser("prices", help="the price catalog")
    psub = prices.add_subparsers(dest="prices_command", required=True)
    p = psub.add_parser("show", help="list catalog rows with their sources")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--service", help="service code, e.g. AmazonRDS")
    p.add_argument("--prices", help="price catalog CSV (default: the shipped snapshot)")
    p.add_argument("--overrides", help="YAML of custom prices / discounts to apply")
    p.set_defaults(func=cmd_prices_show)
    p = psub.add_parser("refresh", help="rebuild the snapshot from the AWS Pricing API (read-only)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--region", action="append", help="region to fetch (repeatable)")
    p.add_argument("--profile", help="AWS named profile")
    p.add_argument("--out", required=True, help="catalog CSV to write")
    p.set_defaults(func=cmd_prices_refresh)
    return prices, psub


def expected_failure(exc: BaseException) -> str | None:
    """The one line a user sees for an expected failure, or None for a bug (a traceback).

    Expected: costmodel's own errors, files that cannot be read or written, text that is
    not UTF-8, YAML errors, and AWS errors (unknown profile, no credentials, API errors).
    Credentials never appear: botocore's messages name the profile, not its keys.
    """
    import yaml
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, CostModelError):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return f"a file is not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot use{where}: {exc.strerror or exc}"
    if isinstance(exc, yaml.YAMLError):
        return f"not valid YAML: {' '.join(str(exc).split())}"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"AWS error {error.get('Code', '')}: {error.get('Message', '')}".strip()
    if isinstance(exc, BotoCoreError):
        return f"AWS: {exc}"
    return None


INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


def interrupted() -> int:
    """Ctrl-C: one line saying what was written (nothing, or which files), exit 130."""
    from costmodel.files import WRITTEN

    done = (
        "nothing was written"
        if not WRITTEN
        else f"{len(WRITTEN)} file(s) had been written, the last {WRITTEN[-1]}; nothing else was"
    )
    print(f"costmodel: interrupted, {done}", file=sys.stderr)
    return INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``costmodel`` console script.

    Exit status (DESIGN.md): 0 done, 1 a check the user asked for failed, 2 bad input or an
    expected failure, with one line on stderr; 130 interrupted (Ctrl-C), with one line.
    ``--debug`` shows the traceback as well.
    """
    from costmodel.files import WRITTEN

    WRITTEN.clear()
    debug = False
    try:
        args = build_parser().parse_args(argv)
        debug = args.debug
        pd.set_option("display.width", 250)
        code = args.func(args)
    except KeyboardInterrupt:
        if debug:
            raise
        return interrupted()
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except Exception as exc:
        message = expected_failure(exc)
        if message is None or debug:
            raise
        print(f"costmodel: error: {' '.join(message.split())}", file=sys.stderr)
        return 2
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
