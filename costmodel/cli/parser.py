"""The command line's wiring: every command, its options and the function that runs it."""

from __future__ import annotations

import argparse
from typing import NoReturn

from costmodel.cli import account, bill, finance, lineitems, model
from costmodel.cli import prices as price_commands
from costmodel.cli.common import add_common
from costmodel.output import FORMATS

DESCRIPTION = """The costmodel command: the cost of one AWS microservice, priced, reconciled and reported.

Every command takes --format table|csv|json; JSON goes to stdout and nothing else does.
Exit status: 0 done, 1 a check you asked for failed, 2 bad input (one line on stderr)."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("costmodel")
    except PackageNotFoundError:
        return "(not installed)"


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints the usage block and then the error; the contract is one line on
    stderr, which points at --help instead."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="costmodel", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"costmodel {_version()}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_model_parsers(sub)
    _add_bill_parsers(sub)
    finance.add_parsers(sub)
    lineitems.add_parsers(sub)
    account.add_parsers(sub)
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
    add_common(p)
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
    p.set_defaults(func=model.cmd_estimate)

    p = sub.add_parser("commitments", help="on-demand vs every reserved / savings-plan option")
    add_common(p)
    p.set_defaults(func=model.cmd_commitments)

    p = sub.add_parser("whatif", help="price the architecture with changes, diffed against the base")
    add_common(p)
    p.add_argument(
        "--allow-unknown",
        action="store_true",
        help="list lines whose price is unknown instead of stopping (the totals are then lower bounds)",
    )
    p.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="a change, e.g. eks.node_count=5 (repeatable)"
    )
    p.set_defaults(func=model.cmd_whatif)


def _add_bill_parsers(sub: argparse._SubParsersAction) -> None:
    """reconcile, report, fetch-actuals: the bill fetched and held against the model."""
    p = sub.add_parser("reconcile", help="documented vs modelled vs actual (or the documented audit)")
    add_common(p)
    lineitems.add_bill_options(p, "saved Cost Explorer responses (JSON, .gz too) or console CSV export")
    p.add_argument("--month", help="only this month, YYYY-MM")
    p.set_defaults(func=bill.cmd_reconcile)

    p = sub.add_parser("report", help="the monthly cost report: one self-contained HTML file or a workbook")
    add_common(
        p,
        formats=(*FORMATS, "html", "xlsx"),
        what="xlsx: the report as an Excel workbook (one sheet per table); html or table: the HTML "
        "report; json, csv: the HTML report, its path printed in that format (default: table)",
    )
    p.add_argument("--month", required=True, help="YYYY-MM")
    lineitems.add_bill_options(p, "saved Cost Explorer data (default: the bundled synthetic sample)")
    p.add_argument("--out", default="reports", help="output folder (default: reports/)")
    p.add_argument("--budget", help="budget YAML for the month (default with the bundled sample: its budget)")
    p.add_argument("--daily", help="daily Cost Explorer data for the anomalies (when --actuals is monthly)")
    p.add_argument("--tag", default="team", help="with line items: the cost allocation tag (default: team)")
    p.set_defaults(func=bill.cmd_report)

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
    p.set_defaults(func=bill.cmd_fetch_actuals)


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
    p.set_defaults(func=price_commands.cmd_prices_show)
    p = psub.add_parser("refresh", help="rebuild the snapshot from the AWS Pricing API (read-only)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--region", action="append", help="region to fetch (repeatable)")
    p.add_argument("--profile", help="AWS named profile")
    p.add_argument("--out", required=True, help="catalog CSV to write")
    p.set_defaults(func=price_commands.cmd_prices_refresh)
    return prices, psub
