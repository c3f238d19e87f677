"""Line items on the command line: where ``reconcile`` and ``report`` take a bill from
(``--actuals``, ``--cur``, ``--focus``, ``--athena``), and the commands only line items can
answer: ``resources``, ``breakdown`` and ``nodes``."""

from __future__ import annotations

import argparse
import sys

from costmodel.actuals.controls import Actuals
from costmodel.constants import CURRENCY
from costmodel.errors import InputError
from costmodel.inputs import parse_month
from costmodel.lineitems.engine import Athena
from costmodel.lineitems.source import Source
from costmodel.output import json_number, money, records, table_text, write_csv, write_json

BILL_OPTIONS = ("actuals", "cur", "focus", "athena")


def line_item_source(args: argparse.Namespace, required: bool = True) -> tuple[Source, Athena | None] | None:
    """The billing export the options name: --cur, --focus or --athena (None when none is
    given and ``required`` is false)."""
    from costmodel.lineitems import open_files

    given = [o for o in ("cur", "focus", "athena") if getattr(args, o, None)]
    if len(given) > 1:
        raise InputError(
            f"give one of --cur, --focus and --athena, not {' and '.join('--' + g for g in given)}"
        )
    if not given:
        if required:
            raise InputError("give the line items: --cur PATH, --focus PATH or --athena DATABASE.TABLE")
        return None
    if given[0] == "athena":
        if not args.athena_output:
            raise InputError("--athena needs --athena-output s3://bucket/prefix/ for the query results")
        athena = Athena(args.athena, args.athena_output, args.workgroup, args.profile, args.athena_region)
        return athena.source(), athena
    assemblies = tuple(getattr(args, "assembly", None) or ())
    return open_files(getattr(args, given[0]), expected=given[0], assemblies=assemblies), None


def required_source(args: argparse.Namespace) -> tuple[Source, Athena | None]:
    """The line items the options name, checked whole (see :func:`costmodel.lineitems.prepare`);
    one line when none are named."""
    from costmodel.lineitems import prepare

    found = line_item_source(args, required=True)
    if found is None:  # line_item_source refuses first; this keeps the type exact
        raise InputError("give the line items: --cur PATH, --focus PATH or --athena DATABASE.TABLE")
    source, athena = found
    return prepare(source, athena), athena


def notes_of(bill: object, month: str | None = None) -> list[str]:
    """What reading line items found (a month in progress, duplicates dropped, other
    providers left out), for ``month`` when given; none for Cost Explorer data."""
    findings = getattr(bill, "findings", None)
    return findings.notes(month) if findings is not None else []


def print_notes(notes: list[str], fmt: str) -> None:
    """Notes beside a table (stdout) or a CSV (stderr, so the CSV stays a table); JSON
    carries them in its payload."""
    if fmt == "json":
        return
    for note in notes:
        print(
            f"{'costmodel: ' if fmt == 'csv' else ''}note: {note}",
            file=sys.stderr if fmt == "csv" else sys.stdout,
        )


def bill_from_args(args: argparse.Namespace, granularity: str = "MONTHLY") -> Actuals | None:
    """The bill the options name (Cost Explorer data or line items), or None when none is."""
    from costmodel.actuals import read_actuals
    from costmodel.lineitems import bill

    given = [o for o in BILL_OPTIONS if getattr(args, o, None)]
    if len(given) > 1:
        raise InputError(f"give one bill: {' and '.join('--' + g for g in given)} were both given")
    if getattr(args, "actuals", None):
        return read_actuals(args.actuals)
    found = line_item_source(args, required=False)
    if found is None:
        return None
    source, athena = found
    return bill(source, athena, granularity)


def _in_progress(source: Source, month: str) -> bool:
    return source.findings is not None and source.findings.month_in_progress(month)


def _month(args: argparse.Namespace) -> str:
    return parse_month(args.month, "--month")


def _arch(args: argparse.Namespace):  # -> Architecture
    from costmodel.architecture import load_architecture

    return load_architecture(args.arch_file)


# ---------------------------------------------------------------------------- resources
RESOURCE_COLUMNS = [
    "resource_id",
    "service",
    "component",
    "usage_type",
    "usage_quantity",
    "cost",
    "amortized_cost",
]


def cmd_resources(args: argparse.Namespace) -> None:
    from costmodel.lineitems import resources, with_components

    source, athena = required_source(args)
    month = _month(args)
    frame = with_components(resources(source, month, athena), _arch(args), month)
    notes = notes_of(source, month)
    print_notes(notes, args.format)
    if args.format == "json":
        write_json(
            _month_payload(source, month, notes, resources=records(frame[[*RESOURCE_COLUMNS, "resource"]]))
        )
    elif args.format == "csv":
        write_csv(frame[[*RESOURCE_COLUMNS, "resource", "usage_unit"]])
    else:
        print(f"Resources of {month} in {source.origin} ({len(frame)} resource x usage type rows):")
        shown = frame[
            [
                "resource_id",
                "resource",
                "component",
                "usage_type",
                "usage_quantity",
                "usage_unit",
                "cost",
                "amortized_cost",
            ]
        ]
        print(table_text(shown.head(args.top), money_columns=("cost", "amortized_cost"), max_width=48))
        if len(frame) > args.top:
            rest = frame.iloc[args.top :]
            print(f"... and {len(rest)} more rows costing {money(rest['cost'].sum())} (--top to show more)")
        print(f"total {money(frame['cost'].sum())}, amortized {money(frame['amortized_cost'].sum())}")


def _month_payload(source: Source, month: str, notes: list[str], **tables: object) -> dict:
    """The JSON of a line-item command for one month: currency, month, whether it is in
    progress and the notes about the data, then the command's own ``tables``."""
    return {
        "currency": CURRENCY,
        "month": month,
        "in_progress": _in_progress(source, month),
        "notes": notes,
        **tables,
    }


# ---------------------------------------------------------------------------- breakdown
def cmd_breakdown(args: argparse.Namespace) -> None:
    from costmodel.lineitems import breakdown
    from costmodel.lineitems.tables import untagged_note

    source, athena = required_source(args)
    month = _month(args)
    frame = breakdown(source, month, args.by, athena)
    notes = notes_of(source, month) + untagged_note(source, args.by, frame, athena)
    print_notes(notes, args.format)
    if args.format == "json":
        write_json(
            _month_payload(
                source, month, notes, by=args.by, rows=records(frame[["key", "cost", "amortized_cost"]])
            )
        )
    elif args.format == "csv":
        write_csv(frame)
    else:
        print(f"{month} by {args.by} ({source.origin}):")
        print(
            table_text(
                frame.rename(columns={"line_items": "line_items_count"}),
                money_columns=("cost", "amortized_cost"),
            )
        )
        print(f"total {money(frame['cost'].sum())}")


# ---------------------------------------------------------------------------- nodes
def cmd_nodes(args: argparse.Namespace) -> None:
    from costmodel.lineitems.nodes import node_curve

    source, athena = required_source(args)
    curve = node_curve(source, _month(args), _arch(args), athena=athena)
    notes = notes_of(source, curve.month)
    print_notes(notes, args.format)
    summary = {
        "month": curve.month,
        "in_progress": _in_progress(source, curve.month),
        "notes": notes,
        "instance_type": curve.instance_type,
        "node_hour_price": curve.node_hour_price,
        "actual_node_hours": curve.actual_node_hours,
        "model_node_hours": curve.model_node_hours,
        "fixed_node_hours": curve.fixed_node_hours,
        "volume_variance": json_number(curve.volume_variance),
        "autoscaling_variance": json_number(curve.autoscaling_variance),
        "autoscaling_share_pct": None
        if curve.autoscaling_share_pct is None
        else json_number(curve.autoscaling_share_pct),
    }
    if args.format == "json":
        hours = curve.hours.assign(hour=curve.hours["hour"].dt.strftime("%Y-%m-%dT%H:%M"))
        write_json({"currency": CURRENCY, **summary, "hours": records(hours)})
    elif args.format == "csv":
        write_csv(curve.hours)
    else:
        share = "n/a" if curve.autoscaling_share_pct is None else f"{curve.autoscaling_share_pct:.1f}%"
        print(
            f"{curve.month}: {curve.instance_type} node-hours billed {curve.actual_node_hours:,.0f}, "
            f"the model's load curve {curve.model_node_hours:,.0f}, "
            f"node_count x hours {curve.fixed_node_hours:,.0f}\n"
            f"volume variance {money(curve.volume_variance)} at ${curve.node_hour_price:.2f}/h: "
            f"{money(curve.autoscaling_variance)} from the load curve (autoscaling share {share}), "
            f"{money(curve.volume_variance - curve.autoscaling_variance)} beyond it"
        )
        by_hour = curve.hours.groupby(curve.hours["hour"].dt.hour)[["billed_nodes", "model_nodes"]].mean()
        print("\nAverage nodes by hour of day (billed vs model):")
        print(table_text(by_hour.reset_index().rename(columns={"hour": "hour_of_day"})))


__all__ = [
    "bill_from_args",
    "line_item_source",
    "notes_of",
    "print_notes",
]
