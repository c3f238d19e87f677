"""Budgets, as AWS Budgets users know them: a period's spend against its budget, with
thresholds on actual and forecasted spend.

A budget file (YAML)::

    amount_usd: 30000           # the period's budget for the whole bill (monthly_usd: a monthly one)
    period: quarterly           # monthly (default), quarterly or annual
    fiscal_year_start: 4        # the month quarters and years start from (default 1, January)
    cost_type: amortized        # unblended (default), amortized or net_amortized (after discounts)
    include: {credits: false, tax: true, upfront: true, recurring: true}  # AWS's default: all true
    thresholds:                 # alerts: on actual or forecasted spend, in % of the budget or USD;
                                # a scoped budget without its own takes the pct ones only
      - {on: actual, pct: 80}
      - {on: forecast, usd: 29000}
    by_service:                 # Cost Explorer SERVICE names, as on the bill [USD per period]
      Amazon Relational Database Service: 13500
      AWS Lambda: {amount_usd: 600, thresholds: [{on: actual, usd: 450}]}  # its own thresholds
    by_usage_type:              # usage types: no region prefix, every region's; USW2-..., that one's
      NatGateway-Bytes: 300
    by_category:                # model categories (costmodel.categories)
      EKS nodes: 3000
    by_tag:                     # KEY: {VALUE: USD}; needs line items (--cur/--focus/--athena)
      team: {web: 9000}
    by_account:                 # linked accounts; needs line items
      "111122223333": 20000
    by_region:                  # region codes, as AWS Budgets' Region filter; needs line items
      us-west-2: 5000
    alert_pct: [80, 100]        # older form of thresholds on actual spend [%]

For each budget, over the period that holds ``month`` (the file's last month by default):
``actual``, what was spent in the period up to and including the month (month to date when
the month is in progress); ``forecast``, the period's end: the actual, plus the rest of the
month in progress (its daily month-end forecast, :func:`costmodel.forecast_month_end.month_end`, which
never takes a once-a-month charge or a credit for a daily rate), plus the months of the
period still to come (for the whole bill, unblended with everything included, as of the
file's last month: the months :func:`costmodel.forecast.forecast` gives, so that the budget
and ``costmodel forecast`` agree; for any other scope, the same forecast of that scope's own
rows up to the month); ``status``:
``over`` (actual above budget), ``at risk`` (forecast above), ``unknown`` (no forecast can
be made: a month in progress in monthly data, whose days so far the file does not say; too
short a history) or ``ok``; and each threshold, crossed or not
(:meth:`costmodel.budget_file.BudgetFile.thresholds_of` says which apply to each budget).
The file is read by :mod:`costmodel.budget_file`; the rows a budget counts are picked by
:mod:`costmodel.budget_rows`; its forecast comes from :mod:`costmodel.budget_forecast`.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd

from costmodel.actuals.controls import Actuals, other_group_keys
from costmodel.actuals.series import monthly_bill, require_daily
from costmodel.architecture import Architecture
from costmodel.budget_file import COST_TYPES, METRICS, BudgetFile, Threshold, period_months, read_budget
from costmodel.budget_forecast import (
    Month,
    bill_later_months,
    granularity_of,
    rest_of_month,
    scope_later_months,
    unknown_reason,
)
from costmodel.budget_rows import (
    credits_beside_usage_type,
    included,
    refuse_categories_without_usage_types,
    scoped_rows,
)
from costmodel.constants import CURRENCY, TAG_PREFIX
from costmodel.errors import InputError
from costmodel.output import cents
from costmodel.pricing.catalog import PriceCatalog

STATUSES = ("ok", "unknown", "at risk", "over")  # from best to worst


def _cost_rows(budget: BudgetFile, actuals: Actuals) -> pd.DataFrame:
    """The rows the budgets count, with ``unblended_cost`` holding the budget's cost type."""
    rows = actuals.rows.loc[included(actuals.rows, budget, actuals.origin)]
    column = COST_TYPES[budget.cost_type]
    if column != "unblended_cost":
        missing = rows[column].isna()
        if missing.any():
            first = rows.loc[missing].iloc[0]
            raise InputError(
                f"{budget.origin}: cost_type {budget.cost_type} needs {METRICS[column]}, which "
                f"{actuals.origin} lacks ({first['month']}, {first['service']} {first['usage_type']}); "
                "fetch it with costmodel fetch-actuals (it saves every cost metric), or use unblended"
            )
        rows = rows.assign(unblended_cost=rows[column])
    return rows


def _with_categories(
    actuals: Actuals, arch: Architecture, catalog: PriceCatalog | None, items: pd.DataFrame | None
) -> Actuals:
    from costmodel.estimation import estimate
    from costmodel.reconcile.mapping import map_rows

    mapped = map_rows(actuals.rows, items if items is not None else estimate(arch, catalog))
    return Actuals(
        rows=mapped, controls=actuals.controls, origin=actuals.origin, empty_periods=actuals.empty_periods
    )


def evaluate(
    budget: BudgetFile,
    actuals: Actuals,
    month: str | None = None,
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    items: pd.DataFrame | None = None,
) -> tuple[str, pd.DataFrame]:
    """(month, one row per budget): ``name``, ``scope``, ``period`` (its first and last
    month), ``budget``, ``actual``, ``forecast`` [USD; NaN when unknown], ``used_pct``,
    ``forecast_pct`` [%; NaN for a budget of 0], ``status``, ``alerts`` (thresholds crossed,
    as text), ``thresholds`` (each: on, pct, usd, amount, crossed: True, False or None when
    unknown), ``in_progress`` (the month is month to date) and ``unknown_reason`` (why the
    forecast is unknown; None when known), for ``month`` (default: the
    file's last month). Budgets by tag, account or region need ``actuals`` from line items
    (:func:`costmodel.lineitems.dimensions.daily_by_dimension`). ``items`` is the
    architecture's estimate when the caller has built it (the categories come from it)."""
    if set(actuals.rows["granularity"]) == {"DAILY"}:
        # a day the file lacks (a page not saved) would be read as a day without spend: the
        # period's actual short by it, the month still "complete" (its first to last day)
        require_daily(actuals, "a budget")
    bill = monthly_bill(actuals).set_index("month")
    month = month or bill.index[-1]
    cut_short = _data_end_inside_a_day(actuals, month)
    if month not in bill.index:
        raise InputError(f"{actuals.origin} has no data for --month {month}; it has {', '.join(bill.index)}")
    if budget.needs_line_items and "account" not in actuals.rows:
        grouped = other_group_keys(actuals.rows)
        what = (
            f"is Cost Explorer data grouped by {' and '.join(grouped)}, which budgets do not read by "
            "account or region yet"
            if grouped
            else "is Cost Explorer data, which has none of them"
        )
        raise InputError(
            f"{budget.origin}: budgets by tag, account or region need line items (--cur, --focus or "
            f"--athena); {actuals.origin} {what}"
        )
    if any(scope == "category" for scope, _, _ in budget.budgets):
        if arch is None:
            raise InputError("budgets by category need the architecture the categories come from")
        refuse_categories_without_usage_types(actuals.rows, budget.origin, actuals.origin)
        actuals = _with_categories(actuals, arch, catalog, items)
    info = bill.loc[month]
    at = Month(
        month=month,
        in_progress=bool(info["in_progress"]),
        days_left=int(info["days_in_month"] - info["days"]),
        daily=granularity_of(actuals, month) == "DAILY",
        cut_short=cut_short,
    )
    months = period_months(month, budget.period, budget.fiscal_year_start)
    so_far = [m for m in months if m <= month]
    _require_the_period_so_far(bill, so_far, months, budget, actuals.origin)
    later = [m for m in months if m > month]
    plain = budget.cost_type == "unblended" and all(budget.include.values())
    rows = _cost_rows(budget, actuals)
    starts = actuals.rows.loc[actuals.rows["month"] <= month, "period_start"]
    days = pd.date_range(starts.min(), starts.max(), freq="D") if at.daily else pd.DatetimeIndex([])
    history = [m for m in bill.index if m <= month]
    table = []
    for scope, name, amount in budget.budgets:
        _refuse_a_scope_left_out(budget, scope, name, actuals.rows, rows)
        scoped = scoped_rows(rows, scope, name, budget.origin)
        by_month = scoped.groupby("month")["unblended_cost"].sum()
        if scope == "total" and plain:  # the file's own control totals: money conserved
            by_month = bill["actual"]
        actual = float(sum(by_month.get(m, 0.0) for m in so_far))
        rest = rest_of_month(scoped, at, days, actuals.origin)
        month_total = float(by_month.get(month, 0.0)) + rest
        expected = actual - float(by_month.get(month, 0.0)) + month_total
        if scope == "total" and plain and month == bill.index[-1]:
            expected += bill_later_months(actuals, later, month_total)
        else:
            expected += scope_later_months(scoped, history, at, days, later, month_total, actuals.origin)
        why = unknown_reason(scoped, at, days, rest, history, later) if math.isnan(expected) else None
        row = _row(budget, scope, name, amount, actual, expected, months, at.in_progress, why)
        credits = credits_beside_usage_type(rows, scoped, so_far) if scope == "usage_type" else None
        table.append(row | _credits_left_out(credits, so_far))
    return month, pd.DataFrame(table)


def _credits_left_out(credits: dict[str, float] | None, so_far: list[str]) -> dict:
    """A usage type budget's ``credits_left_out`` [USD] (None for other scopes: they count
    them) and ``credits_note``, what the text says of them ('' when there are none)."""
    from costmodel.output import money

    if credits is None:
        return {"credits_left_out": None, "credits_note": ""}
    total = sum(credits.values())
    if not credits or round(total, 2) == 0:
        return {"credits_left_out": total, "credits_note": ""}
    span = so_far[0] if len(so_far) == 1 else f"{so_far[0]}..{so_far[-1]}"
    services = "; ".join(
        f"{service} had {money(amount)} of them in {span}" for service, amount in credits.items()
    )
    return {
        "credits_left_out": total,
        "credits_note": "counts no credit or refund (AWS bills them by service, without a usage type: Cost "
        f"Explorer, CUR and FOCUS alike): {services}; a by_service budget counts them",
    }


def _data_end_inside_a_day(actuals: Actuals, month: str) -> pd.Timestamp | None:
    """Where line items of ``month`` stop inside a day (hourly data through 06:00), else None."""
    findings = getattr(actuals, "findings", None)
    end = findings.data_end(month) if findings is not None else None
    if end is None or pd.Timestamp(end) == pd.Timestamp(end).normalize():
        return None
    return pd.Timestamp(end)


def _refuse_a_scope_left_out(
    budget: BudgetFile, scope: str, name: str, every_row: pd.DataFrame, counted: pd.DataFrame
) -> None:
    """Refuse a scoped budget whose every row ``include`` leaves out (``Tax`` with ``tax:
    false``, whether a service, a category or a usage type): it is on the bill, and its
    budget would count nothing, a $0 that never alerts."""
    if scope == "total" or all(budget.include.values()):
        return
    try:
        whole = scoped_rows(every_row, scope, name, budget.origin)
    except InputError:
        return  # not on the bill at all: scoped_rows says so on the rows counted
    try:
        kept = scoped_rows(counted, scope, name, budget.origin)
    except InputError:
        kept = counted.iloc[0:0]
    if whole.empty or not kept.empty:
        return
    left_out = ", ".join(f"{k}: false" for k, v in budget.include.items() if not v)
    label = (
        f"by_tag {scope[len(TAG_PREFIX) :]}: {name!r}"
        if scope.startswith(TAG_PREFIX)
        else f"by_{scope} {name!r}"
    )
    raise InputError(
        f"{budget.origin}: {label} is on the bill, but include ({left_out}) leaves all "
        "of it out: its budget would count nothing; include it, or drop that budget"
    )


def _require_the_period_so_far(
    bill: pd.DataFrame, so_far: list[str], months: list[str], budget: BudgetFile, origin: str
) -> None:
    """Refuse a period whose months so far the file lacks or holds in part (before the file's
    first month, a month missing in between, a first month that starts late): its actual
    would leave their spend out and could call a budget ok that is not. (Cost Explorer
    returns a month without cost as a period with no groups, never leaves it out.)"""
    absent = [m for m in so_far if m not in bill.index]
    partial = [
        m
        for m in so_far
        if m in bill.index
        and 0 < bill.loc[m, "days"] < bill.loc[m, "days_in_month"]
        and not bill.loc[m, "in_progress"]
    ]
    if not absent and not partial:
        return
    period = months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}"
    what = (
        f"no data for {', '.join(absent)}"
        if absent
        else f"only {int(bill.loc[partial[0], 'days'])} of {partial[0]}'s "
        f"{int(bill.loc[partial[0], 'days_in_month'])} days"
    )
    first = (absent or partial)[0]
    raise InputError(
        f"{origin} has {what}, which {budget.origin}'s {budget.period} period {period} holds "
        f"(the file runs {bill.index[0]}..{bill.index[-1]}): the period's actual would leave that "
        f"spend out; fetch the data from {first}-01, or choose a --month whose period the file covers"
    )


def _row(
    budget: BudgetFile,
    scope: str,
    name: str,
    amount: float,
    actual: float,
    expected: float,
    months: list[str],
    in_progress: bool,
    why_unknown: str | None = None,
) -> dict:
    thresholds = budget.thresholds_of(scope, name)
    crossed = []
    for threshold in thresholds:
        value = actual if threshold.on == "actual" else expected
        level = threshold.amount(amount)
        # AWS Budgets' notifications compare with GREATER_THAN: spend at the threshold is not over it
        hit = None if math.isnan(value) else _above(value, level)
        crossed.append(
            {"on": threshold.on, "pct": threshold.pct, "usd": threshold.usd, "amount": level, "crossed": hit}
        )
    labels = [t.label for t, c in zip(thresholds, crossed, strict=True) if c["crossed"]]
    return {
        "name": name if scope != "total" else "total bill",
        "scope": scope,
        "period": f"{months[0]}..{months[-1]}" if len(months) > 1 else months[0],
        "budget": amount,
        "actual": actual,
        "forecast": expected,
        "used_pct": _pct(actual, amount),
        "forecast_pct": _pct(expected, amount),
        "status": _status(actual, expected, amount),
        "alerts": ", ".join(labels),
        "thresholds": crossed,
        "in_progress": in_progress,
        "unknown_reason": why_unknown,  # why the forecast is unknown (None when it is known)
    }


def _pct(value: float, budget: float) -> float:
    """``value`` as a share of ``budget`` [%], both in cents as :func:`_above` compares them
    (so $0.0217 of a $0.02 budget is 100%, beside status ok, not 108.5%); NaN (unknown) for
    a budget of 0 or no value; never -0.0 (an actual of -$0.004 is $0.00, 0.0%)."""
    if math.isnan(value) or math.isnan(budget) or not _in_cents(budget):
        return float("nan")
    return float(100 * float(_in_cents(value)) / float(_in_cents(budget))) + 0.0


def _above(value: float, level: float) -> bool:
    """True when ``value`` [USD] is above ``level`` [USD] in cents, as the bill and the table
    show them: a float sum of line items is off by a fraction of a cent either way (31 x $0.10
    sums to 3.1000000000000014; DuckDB's parallel sum changes with the run), and that must not
    decide whether $3.10 is over a $3.10 budget."""
    # in cents as money() shows them, half up ($800.005 is $800.01: over an $800.00 alert;
    # round() on the float 800.00499... said $800.00 beside a printed $800.01)
    return not (math.isnan(value) or math.isnan(level)) and _in_cents(value) > _in_cents(level)


def _in_cents(value: float) -> Decimal | float:
    """``value`` in cents as :func:`costmodel.output.cents` shows it; an infinite or vast value
    (beyond Decimal's 28 digits in cents) as it is, never an error."""
    return cents(value) if math.isfinite(value) and abs(value) < 1e20 else value


def _status(actual: float, forecast: float, budget: float) -> str:
    if _above(actual, budget):
        return "over"
    if math.isnan(forecast):
        return "unknown"
    return "at risk" if _above(forecast, budget) else "ok"


def worst_status(table: pd.DataFrame) -> str:
    """The worst status of the budgets (:data:`STATUSES`, best to worst)."""
    return STATUSES[max(STATUSES.index(status) for status in table["status"])]


def any_alarm(table: pd.DataFrame) -> bool:
    """True when a budget is at risk, over or cannot be told ok (``unknown``), or a
    threshold is crossed: the ``budget`` command then exits 1, never 0 on a period it could
    not check."""
    return worst_status(table) != "ok" or bool((table["alerts"] != "").any())


def budget_notes(budget: BudgetFile, table: pd.DataFrame) -> list[str]:
    """What is said under the budgets' table (the ``budget`` command and the report alike):
    each budget's reason its forecast is unknown (the verdict is the worst status's, and an
    "over" elsewhere would hide it), the file's thresholds in dollars that are the whole
    bill's only, and each usage type budget's credits it cannot count."""
    notes = [f"forecast unknown: {row.name}: {row.unknown_reason}" for row in _with(table, "unknown_reason")]
    if budget.whole_bill_only:
        labels = ", ".join(t.label for t in budget.whole_bill_only)
        notes.append(
            f"note: the file's thresholds in dollars ({labels}) are the whole bill's; a scoped budget "
            "takes the file's pct ones, or its own given as {amount_usd: X, thresholds: [...]}"
        )
    notes += [f"note: by_usage_type {row.name} {row.credits_note}" for row in _with(table, "credits_note")]
    return notes


def _with(table: pd.DataFrame, column: str) -> list:
    """The rows of ``table`` whose ``column`` says something (not null, not '')."""
    said = table[column].notna() & (table[column].astype(str) != "")
    return list(table.loc[said].itertuples())


__all__ = [
    "CURRENCY",
    "STATUSES",
    "BudgetFile",
    "Threshold",
    "any_alarm",
    "budget_notes",
    "evaluate",
    "period_months",
    "read_budget",
    "worst_status",
]
