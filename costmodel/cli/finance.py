"""The commands that follow "what did we spend": ``forecast`` here, ``budget``
(:mod:`.budget`) and ``anomalies`` (:mod:`.anomalies`), and the bill all three read.

Each reads saved Cost Explorer data (the bundled SYNTHETIC samples when no file is given) or
line items (``--cur``, ``--focus``, ``--athena``), prints a table, CSV or the JSON of the
contract (DESIGN.md), and fails with one line on bad input.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import pandas as pd

from costmodel.data_files import SAMPLE_DAILY, sample
from costmodel.errors import InputError
from costmodel.output import json_number, money, records, table_text, write_csv, write_json

if TYPE_CHECKING:
    from costmodel.actuals.controls import Actuals
    from costmodel.forecast import CurrentMonth, Forecast
    from costmodel.known_changes import SizedChange


def _actuals(
    args: argparse.Namespace,
    by_dimension: bool = False,
    tag_keys: tuple[str, ...] = (),
    require_tags: bool = False,
    net_amortized: bool = False,
    reservation_fees: bool = False,
):  # -> Actuals
    """The bill the options name, as it stood before ``--as-of``: Cost Explorer data (the bundled
    daily sample by default) or line items by day (with accounts and the tags ``tag_keys`` when
    ``by_dimension``; a tag on no line item refused when ``require_tags``; with their net amortized
    cost when ``net_amortized``, each charge's reservation fee when ``reservation_fees``)."""
    from costmodel.actuals import read_actuals
    from costmodel.actuals.series import cut
    from costmodel.cli.lineitems import line_item_source, notes_of
    from costmodel.inputs import parse_day

    given = [o for o in ("actuals", "cur", "focus", "athena") if getattr(args, o, None)]
    if len(given) > 1:
        raise InputError(f"give one bill: {' and '.join('--' + g for g in given)} were both given")
    found = line_item_source(args, required=False) if given and given[0] != "actuals" else None
    actuals: Actuals
    if found is not None:
        from costmodel.lineitems import bill
        from costmodel.lineitems.dimensions import daily_by_dimension

        source, athena = found
        args.line_item_schema = source.schema.name  # a FOCUS table behind --athena is FOCUS too
        actuals = (
            daily_by_dimension(source, athena, tag_keys, require_tags, net_amortized, reservation_fees)
            if by_dimension or net_amortized or reservation_fees
            else bill(source, athena, "DAILY")
        )
        # said on stderr once the command has answered (so JSON and CSV stay as they are, and a
        # refusal stays one line)
        args.line_item_notes = notes_of(actuals)
    else:
        actuals = read_actuals(sample(SAMPLE_DAILY, args.actuals))
    if getattr(args, "as_of", None):
        actuals = cut(actuals, str(parse_day(args.as_of, "--as-of").date()))
    return actuals


def _architecture(args: argparse.Namespace):  # -> Architecture
    from costmodel.architecture import load_architecture

    return load_architecture(args.arch_file)


def _days_after_the_data(args: argparse.Namespace, actuals: Actuals) -> tuple[pd.Timestamp, int]:
    """(the data's last day, the days between it and ``--as-of`` the data lacks) [days; 0
    without --as-of or when the data reaches the day before it]."""
    from costmodel.inputs import parse_day

    last = actuals.rows["period_end"].max() - pd.Timedelta(days=1)
    if not getattr(args, "as_of", None):
        return last, 0
    return last, max((parse_day(args.as_of, "--as-of") - last).days - 1, 0)


def _warn_data_ends_before_as_of(args: argparse.Namespace, actuals: Actuals, consequence: str) -> None:
    """Warn when ``--as-of`` is days after the data's last day: what the command reads is
    at the data's end, ``consequence`` says how (a daily job on a file not fetched again
    would otherwise check a past month and say nothing)."""
    last, missing = _days_after_the_data(args, actuals)
    if missing > 0:
        print(
            f"warning: {actuals.origin}: the data ends {last.date()}, {missing} day"
            f"{'' if missing == 1 else 's'} before --as-of {args.as_of}: {consequence}",
            file=sys.stderr,
        )


# ---------------------------------------------------------------------------- forecast
def _listed(values: list, missing: str = "-") -> str:
    return " / ".join(missing if v is None else f"{v:g}" for v in values)


def _mase_column(result: Forecast) -> list[str]:
    """Each candidate's backtest MASE per month ahead: n/a where the history was flat to the cent."""
    from costmodel.forecast_methods import flat_history_note

    missing = "n/a" if flat_history_note(result.backtest) else "-"
    return [_listed(mase, missing) for mase in result.candidates["mase"]]


def _forecast_actuals(args: argparse.Namespace) -> Actuals:
    """The bill to forecast from; a warning when ``--as-of`` is days after its end."""
    actuals = _actuals(args, by_dimension=True)  # line items: each account its own series
    following = (_days_after_the_data(args, actuals)[0] + pd.Timedelta(days=1)).strftime("%Y-%m")
    _warn_data_ends_before_as_of(
        args,
        actuals,
        f"the forecast starts at {following}, after the data, not at --as-of; fetch the days after it",
    )
    return actuals


def _change_json(sized: SizedChange) -> dict:
    """One known change as ``forecast --format json`` lists it."""
    return {
        "start": sized.start,
        "key": sized.key,
        "file_value": sized.file_value,
        "billed_value": json_number(sized.billed_value) if sized.billed_value is not None else None,
        "new_value": sized.new_value,
        "monthly_difference": json_number(sized.monthly_difference),
        "usage_type": sized.usage_type,
        "billed_period": sized.billed_from,
        "note": sized.note,
    }


def cmd_forecast(args: argparse.Namespace) -> None:
    from costmodel import forecast_methods as methods
    from costmodel.forecast import forecast, parse_change

    changes = [parse_change(text) for text in args.change or []]
    arch = _architecture(args) if changes else None
    result = forecast(
        _forecast_actuals(args),
        months=args.months,
        changes=changes,
        arch=arch,
        interval=args.interval,
        method=args.method,
    )
    table = result.forecast
    if args.format == "json":
        current = result.current
        write_json(
            {
                "currency": result.currency,
                "cost_basis": result.cost_basis,
                "history": records(result.history),
                "forecast": records(table),
                "interval": result.interval,
                "interval_basis": result.interval_basis,
                "method": result.method,
                "method_reason": result.method_reason,
                "method_description": result.method_description,
                "candidates": records(result.candidates),
                "mase_note": methods.flat_history_note(result.backtest) or None,  # why a MASE is null
                "backtest_mape_pct": json_number(result.backtest_mape_pct)
                if result.backtest_mape_pct is not None
                else None,
                "changes": [_change_json(s) for s in result.changes],
                "current_month": None
                if current is None
                else {k: getattr(current, k) for k in current.__dataclass_fields__},
                "notes": result.notes,
            }
        )
        return
    if args.format == "csv":
        write_csv(table)
        return
    print("History (actual bill per month):")
    print(table_text(result.history))
    if result.current is not None:
        print(_current_text(result.current))
    print(f"\nForecast, {result.interval:.0%} prediction interval:")
    print(table_text(table))
    if result.method:
        print(f"\nmethod: {result.method}: {result.method_description}\nwhy: {result.method_reason}")
        print(f"interval: {result.interval_basis}")
    print(f"cost: {result.cost_basis}")
    if len(result.candidates):
        print("\nBacktest from rolling origins (per month ahead: 1 / 2 / 3 ...):")
        shown = pd.DataFrame(
            {
                "method": result.candidates["method"],
                "MASE": _mase_column(result),
                "MAPE %": result.candidates["mape_pct"].map(_listed),
                f"{result.interval:.0%} interval covers %": result.candidates["coverage_pct"].map(_listed),
                "forecasts": result.candidates["forecasts"],
            }
        )
        print(table_text(shown))
    for note in result.notes:
        print(f"note: {note}")


def _current_text(c: CurrentMonth) -> str:
    """The month in progress in two lines: so far, the month-end forecast and its interval,
    how much of it the learned extra of the month's last days is, and where the interval
    comes from."""
    edge = (
        f", {money(c.month_edge)} of it the extra of the month's last days (learned from past months)"
        if c.month_edge
        else ""
    )
    return (
        f"\n{c.month} so far: {money(c.actual_to_date)} in {c.days_elapsed} of {c.days_in_month} days; "
        f"month-end forecast {money(c.expected)} ({money(c.low)} .. {money(c.high)}){edge}\n"
        f"its interval: {c.interval_basis}"
    )


__all__ = ["cmd_forecast"]
