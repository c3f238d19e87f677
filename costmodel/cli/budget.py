"""``costmodel budget``: each budget of a budget file against the bill, as a table, CSV or the
JSON of the contract (DESIGN.md). It exits 1 when a budget is at risk, over or unknown, or a
threshold is crossed, so a scheduled job can act.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

from costmodel.cli.finance import _actuals, _architecture, _days_after_the_data, _warn_data_ends_before_as_of
from costmodel.constants import CURRENCY
from costmodel.data_files import SAMPLE_BUDGET, sample
from costmodel.errors import InputError
from costmodel.output import records, table_text, write_csv, write_json

if TYPE_CHECKING:
    from costmodel.budget import BudgetFile


def _refuse_what_line_items_cannot_give(args: argparse.Namespace, budget: BudgetFile) -> None:
    """Refuse a budget setting the line items given cannot honour (rather than ignore it):
    a FOCUS export, given by --focus or found behind --athena (its columns tell)."""
    focus = getattr(args, "line_item_schema", None) == "focus"
    if focus and not budget.include["refunds"]:
        # FOCUS's ChargeCategory has no refund: leaving refunds out would leave out nothing
        raise InputError(
            f"{budget.origin}: include.refunds false cannot be applied to a FOCUS export: its "
            "ChargeCategory has no refund (a refund is a Credit or Adjustment charge there); "
            "leave refunds in, or give --cur or --actuals"
        )
    if focus and not budget.include["discounts"]:
        # FOCUS's ChargeCategory has no discount either: a negotiated discount is in the cost
        # columns (BilledCost below ListCost) or a Credit charge, so none could be left out
        raise InputError(
            f"{budget.origin}: include.discounts false cannot be applied to a FOCUS export: its "
            "ChargeCategory has no discount (a discount is in the cost columns or a Credit charge); "
            "leave discounts in, or give --cur, or a Cost Explorer file grouped by RECORD_TYPE"
        )


def cmd_budget(args: argparse.Namespace) -> int:
    from costmodel.budget import any_alarm, budget_notes, evaluate, read_budget, worst_status
    from costmodel.inputs import parse_month

    budget = read_budget(sample(SAMPLE_BUDGET, args.budget))
    actuals = _actuals(
        args,
        by_dimension=True,  # line items by account: an account joining the bill is a series of its own
        tag_keys=budget.tag_keys,
        require_tags=True,
        net_amortized=budget.cost_type == "net_amortized",
        reservation_fees=not (budget.include["upfront"] and budget.include["recurring"]),
    )
    _refuse_what_line_items_cannot_give(args, budget)
    needs_arch = any(scope == "category" for scope, _, _ in budget.budgets)
    month = parse_month(args.month, "--month") if args.month else None
    if month is None:  # a --month given is read whatever --as-of says
        last_month = _days_after_the_data(args, actuals)[0].strftime("%Y-%m")
        _warn_data_ends_before_as_of(
            args,
            actuals,
            f"the budget is read at {last_month}, the data's last month; fetch the days after it",
        )
    month, table = evaluate(budget, actuals, month, _architecture(args) if needs_arch else None)
    in_progress = bool(table["in_progress"].iloc[0])
    if args.format == "json":
        write_json(
            {
                "currency": CURRENCY,
                "month": month,
                "period": budget.period,
                "period_months": table["period"].iloc[0],
                "fiscal_year_start": budget.fiscal_year_start,
                "cost_type": budget.cost_type,
                "include": budget.include,
                "in_progress": in_progress,
                "budgets": [
                    {**row, "thresholds": [{k: _plain(v) for k, v in t.items()} for t in row["thresholds"]]}
                    for row in records(table.drop(columns="credits_note"))
                ],
                "alert_pct": list(budget.alert_pct),
            }
        )
    elif args.format == "csv":
        write_csv(table.drop(columns=["thresholds", "credits_note"]))
    else:
        span = table["period"].iloc[0]
        what = f"{budget.period} {span}, " if budget.period != "monthly" else ""
        print(
            f"Budgets for {month} ({budget.origin}, actuals {actuals.origin}; {what}{budget.cost_type} cost):"
        )
        left_out = [k for k, v in budget.include.items() if not v]
        if left_out:
            print(f"left out: {', '.join(left_out)}")
        if in_progress:
            print(f"{month} is in progress: the actual is month to date, not the month's bill")
        hidden = ["in_progress", "thresholds", "period", "unknown_reason", "credits_left_out", "credits_note"]
        print(table_text(table.drop(columns=hidden)))
        print("\n" + VERDICTS[worst_status(table)])
        for note in budget_notes(budget, table):  # the report says the same under its table
            print(note)
        crossed = table.loc[table["alerts"] != ""]
        for row in crossed.itertuples():
            print(f"threshold crossed: {row.name}: {row.alerts}")
    return 1 if any_alarm(table) else 0


def _plain(value: object) -> object:
    return None if isinstance(value, float) and math.isnan(value) else value


VERDICTS = {
    "ok": "no budget over or at risk",
    # why is each budget's own (the month in progress in monthly data, too short a history, a
    # scope begun late): said under it, one line each, never guessed for the file as a whole
    "unknown": "a budget cannot be checked: its forecast is unknown (why, for each: below)",
    "at risk": "a budget is at risk (forecast above budget)",
    "over": "a budget is over",
}


__all__ = ["VERDICTS", "cmd_budget"]
