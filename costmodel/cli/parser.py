"""The command line's wiring: every command, its options and the function that runs it.

Nothing here loads pandas (nor do the modules it imports): ``costmodel --help``, ``costmodel
COMMAND --help`` and ``--version`` answer at once. A command's module loads when it runs
(:class:`Command`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import NoReturn

from costmodel.forecast_names import CANDIDATE_NAMES
from costmodel.inputs import finite_option
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


@dataclass(frozen=True)
class Command:
    """A command's function named, not imported: its module (pandas, the model) loads after
    parsing, in :func:`costmodel.cli.main`."""

    module: str  # in costmodel.cli: model, bill, prices, finance, budget, anomalies, lineitems or account
    function: str

    def load(self) -> Callable[[argparse.Namespace], int | None]:
        return getattr(import_module(f"costmodel.cli.{self.module}"), self.function)


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
    _add_finance_parsers(sub)
    _add_line_item_parsers(sub)
    _add_account_parsers(sub)
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
    p.set_defaults(func=Command("model", "cmd_estimate"))

    p = sub.add_parser("commitments", help="on-demand vs every reserved / savings-plan option")
    add_common(p)
    p.set_defaults(func=Command("model", "cmd_commitments"))

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
    p.set_defaults(func=Command("model", "cmd_whatif"))


def _add_bill_parsers(sub: argparse._SubParsersAction) -> None:
    """reconcile, report, fetch-actuals: the bill fetched and held against the model."""
    p = sub.add_parser("reconcile", help="documented vs modelled vs actual (or the documented audit)")
    add_common(p)
    add_bill_options(p, "saved Cost Explorer responses (JSON, .gz too) or console CSV export")
    p.add_argument("--month", help="only this month, YYYY-MM")
    p.set_defaults(func=Command("bill", "cmd_reconcile"))

    p = sub.add_parser("report", help="the monthly cost report: one self-contained HTML file or a workbook")
    add_common(
        p,
        formats=(*FORMATS, "html", "xlsx"),
        what="xlsx: the report as an Excel workbook (one sheet per table); html or table: the HTML "
        "report; json, csv: the HTML report, its path printed in that format (default: table)",
    )
    p.add_argument("--month", required=True, help="YYYY-MM")
    add_bill_options(p, "saved Cost Explorer data (default: the bundled synthetic sample)")
    p.add_argument("--out", default="reports", help="output folder (default: reports/)")
    p.add_argument("--budget", help="budget YAML for the month (default with the bundled sample: its budget)")
    p.add_argument("--daily", help="daily Cost Explorer data for the anomalies (when --actuals is monthly)")
    p.add_argument(
        "--tag",
        default="team",
        help="with line items: the cost allocation tag of the tag breakdown and the anomalies' root causes "
        "(default: team)",
    )
    p.set_defaults(func=Command("bill", "cmd_report"))

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
    p.set_defaults(func=Command("bill", "cmd_fetch_actuals"))


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
    p.set_defaults(func=Command("prices", "cmd_prices_show"))
    p = psub.add_parser("refresh", help="rebuild the snapshot from the AWS Pricing API (read-only)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--region", action="append", help="region to fetch (repeatable)")
    p.add_argument("--profile", help="AWS named profile")
    p.add_argument("--out", required=True, help="catalog CSV to write")
    p.set_defaults(func=Command("prices", "cmd_prices_refresh"))
    return prices, psub


def _add_finance_parsers(sub: argparse._SubParsersAction) -> None:
    """forecast, budget, anomalies: the bill's history, ahead and against a plan."""
    p = sub.add_parser("forecast", help="the next months' bill, and the month in progress, with intervals")
    _add_finance_options(p, "monthly or daily history")
    p.add_argument("arch_file", nargs="?", help="architecture YAML the --change what-ifs apply to")
    p.add_argument("--months", type=int, default=3, help="months to forecast, 1..12 (default: 3)")
    p.add_argument(
        "--change",
        action="append",
        metavar="YYYY-MM-DD:KEY=VALUE",
        help="a known change from a day on (YYYY-MM: its first day), e.g. 2026-10-15:rds.read_replicas=3; "
        "prorated by day and sized against what the bill shows (repeatable)",
    )
    p.add_argument("--interval", type=finite_option, default=0.8, help="prediction interval (default: 0.8)")
    p.add_argument("--as-of", help="forecast as the data stood at the start of this day, YYYY-MM-DD")
    p.add_argument(
        "--method",
        choices=CANDIDATE_NAMES,
        help="use this candidate instead of the one the backtest chooses",
    )
    p.set_defaults(func=Command("finance", "cmd_forecast"))

    p = sub.add_parser(
        "budget", help="the period's bill against a budget file (exit 1 if at risk, over, unknown or alerted)"
    )
    _add_finance_options(p, "monthly or daily")
    p.add_argument("arch_file", nargs="?", help="architecture YAML (for budgets by model category)")
    p.add_argument("--budget", help="budget YAML (default: the bundled sample budget)")
    p.add_argument("--month", help="the month, YYYY-MM (default: the last month in the data)")
    p.add_argument("--as-of", help="the budget as the data stood at the start of this day, YYYY-MM-DD")
    p.set_defaults(func=Command("budget", "cmd_budget"))

    p = sub.add_parser("anomalies", help="cost anomalies as events with root causes (daily data)")
    _add_finance_options(p, "daily")
    p.add_argument("arch_file", nargs="?", help="architecture YAML that names the usage types (and --change)")
    p.add_argument("--month", help="only this month's anomalies, YYYY-MM")
    p.add_argument(
        "--as-of", help="detect as a daily job would have on this day (data before it), YYYY-MM-DD"
    )
    p.add_argument("--planned", help="YAML list of planned changes: {start, service, usage_type, note}")
    p.add_argument(
        "--tag",
        action="append",
        metavar="KEY",
        help="with line items (--cur, --focus, --athena): split each series by this cost allocation "
        "tag's value, so root causes name it, e.g. --tag team (repeatable)",
    )
    p.add_argument(
        "--change", action="append", metavar="YYYY-MM-DD:KEY=VALUE", help="a planned what-if (repeatable)"
    )
    p.add_argument(
        "--min-usd",
        type=finite_option,
        default=2.0,
        help="smallest excess over the expected day to report [USD] (default: 2)",
    )
    p.add_argument(
        "--min-impact-usd",
        type=finite_option,
        default=0.0,
        help="alert on events of at least this total impact [USD]",
    )
    p.add_argument(
        "--min-impact-pct",
        type=finite_option,
        default=0.0,
        help="alert on events of at least this impact [%%]",
    )
    p.add_argument(
        "--fail-on-alert",
        action="store_true",
        help="exit 1 when an unplanned event passes the thresholds, with --as-of only a new one "
        "(for a daily job; default: exit 0)",
    )
    p.set_defaults(func=Command("anomalies", "cmd_anomalies"))


def _add_line_item_parsers(sub: argparse._SubParsersAction) -> None:
    """resources, breakdown and nodes."""
    for name, function, text in (
        (
            "resources",
            "cmd_resources",
            "cost, usage and amortized cost per resource, joined to the architecture",
        ),
        (
            "breakdown",
            "cmd_breakdown",
            "the month by tag, account, service or usage type ((untagged) its own row)",
        ),
        ("nodes", "cmd_nodes", "the node group's billed hourly nodes against the model's load curve"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
        p.add_argument("arch_file", nargs="?", help="architecture YAML (default: bundled production)")
        p.add_argument("--month", required=True, help="the month, YYYY-MM")
        add_line_item_options(p)
        if name == "breakdown":
            p.add_argument("--by", required=True, help="tag:KEY, account, service or usage_type")
        if name == "resources":
            p.add_argument("--top", type=int, default=40, help="rows shown in the table (default: 40)")
        p.set_defaults(func=Command("lineitems", function))


def _add_account_parsers(sub: argparse._SubParsersAction) -> None:
    """discover, drift, calibrate, backtest-capacity."""

    def aws_options(p: argparse.ArgumentParser, *, profile: bool = True) -> None:
        if profile:
            p.add_argument("--profile", help="AWS named profile (read-only calls)")
        p.add_argument("--region", default="us-east-1", help="AWS region (default: us-east-1)")

    def metric_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--metrics", help="saved CloudWatch metrics (offline; default: call CloudWatch)")
        p.add_argument(
            "--save-metrics", help="also save the fetched metrics to this file (.json or .json.gz)"
        )
        p.add_argument("--no-cache", action="store_true", help="ignore and do not write the local cache")

    p = sub.add_parser("discover", help="what runs in the account, as an architecture file (read-only)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    aws_options(p)
    p.add_argument("--out", help="architecture YAML to write (default: print it)")
    p.set_defaults(func=Command("account", "cmd_discover"))

    p = sub.add_parser(
        "drift", help="documented vs running architecture, each difference priced; exit 1 on drift"
    )
    add_common(p, arch=False)
    p.add_argument("documented", help="the documented architecture YAML")
    p.add_argument("discovered", help="the running architecture YAML (costmodel discover --out)")
    p.add_argument("--prices", help="price catalog CSV (default: the shipped snapshot)")
    p.add_argument("--overrides", help="YAML of custom prices / discounts to apply")
    p.set_defaults(func=Command("account", "cmd_drift"))

    def arch_options(p: argparse.ArgumentParser) -> None:
        add_common(p, arch=False)
        p.add_argument("arch_file", nargs="?", help="architecture YAML (default: bundled production)")

    p = sub.add_parser("calibrate", help="fit the load section to CloudWatch metrics, with intervals")
    arch_options(p)
    p.add_argument("--start", required=True, help="first day, YYYY-MM-DD (inclusive)")
    p.add_argument("--end", required=True, help="end day, YYYY-MM-DD (exclusive)")
    p.add_argument("--out", help="load file (YAML) to write")
    aws_options(p)
    metric_options(p)
    p.set_defaults(func=Command("account", "cmd_calibrate"))

    p = sub.add_parser("backtest-capacity", help="the calibrated model's hours against the billed ones")
    arch_options(p)
    p.add_argument("--load", required=True, help="load file written by costmodel calibrate")
    p.add_argument("--month", required=True, help="the month, YYYY-MM")
    add_line_item_options(p)  # its --profile serves CloudWatch too
    aws_options(p, profile=False)
    metric_options(p)
    p.set_defaults(func=Command("account", "cmd_backtest_capacity"))


# ---------------------------------------------------------------------------- options several commands share
def add_common(
    parser: argparse.ArgumentParser, *, arch: bool = True, formats: tuple[str, ...] = FORMATS, what: str = ""
) -> None:
    parser.add_argument(
        "--format", choices=formats, default="table", help=what or "output format (default: table)"
    )
    if arch:
        parser.add_argument("arch_file", nargs="?", help="architecture YAML (default: bundled production)")
        parser.add_argument("--prices", help="price catalog CSV (default: the shipped snapshot)")
        parser.add_argument("--overrides", help="YAML of custom prices / discounts to apply")


def add_bill_options(parser: argparse.ArgumentParser, actuals_help: str) -> None:
    """--actuals, --cur, --focus and --athena (with its options): one bill, from one of them."""
    parser.add_argument("--actuals", help=actuals_help)
    add_line_item_options(parser)


def add_line_item_options(parser: argparse.ArgumentParser) -> None:
    """--cur, --focus and --athena (with its output, workgroup, profile and region)."""
    parser.add_argument(
        "--cur", help="CUR 2.0 Parquet or legacy CUR CSV / CSV.gz: a file, a folder or a glob"
    )
    parser.add_argument("--focus", help="FOCUS 1.0-1.2 export (CSV or Parquet): a file, a folder or a glob")
    parser.add_argument(
        "--athena", metavar="DATABASE.TABLE", help="an organisation's CUR 2.0 table on Athena"
    )
    parser.add_argument(
        "--athena-output", metavar="S3_URL", help="s3://bucket/prefix/ for Athena's query results"
    )
    parser.add_argument("--workgroup", help="Athena workgroup")
    parser.add_argument("--profile", help="AWS named profile (for --athena)")
    parser.add_argument("--athena-region", help="Athena's region (default: the profile's)")
    parser.add_argument(
        "--assembly",
        action="append",
        metavar="FOLDER",
        help="where a billing period was delivered twice (two legacy CUR assemblies, two CUR 2.0 "
        "versions), the folder to read (repeatable)",
    )


def _add_finance_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument(
        "--actuals",
        help=f"saved Cost Explorer data: {what} (default: the bundled synthetic daily sample)",
    )
    add_line_item_options(parser)
