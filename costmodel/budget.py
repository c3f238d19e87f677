"""Budgets, as AWS Budgets users know them: a period's spend against its budget, with
thresholds on actual and forecasted spend.

A budget file (YAML)::

    amount_usd: 30000           # the period's budget for the whole bill (monthly_usd: a monthly one)
    period: quarterly           # monthly (default), quarterly or annual
    fiscal_year_start: 4        # the month quarters and years start from (default 1, January)
    cost_type: amortized        # unblended (default), amortized or net_amortized (after discounts)
    include: {credits: false, tax: true, upfront: true, recurring: true}  # AWS's default: all true
    thresholds:                 # alerts: on actual or forecasted spend, in % of the budget or USD
      - {on: actual, pct: 80}
      - {on: forecast, usd: 29000}
    by_service:                 # Cost Explorer SERVICE names, as on the bill [USD per period]
      Amazon Relational Database Service: 13500
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
short a history) or ``ok``; and each threshold, crossed or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import monthly_bill, require_daily
from costmodel.architecture import Architecture
from costmodel.budget_forecast import (
    Month,
    bill_later_months,
    granularity_of,
    rest_of_month,
    scope_later_months,
    unknown_reason,
)
from costmodel.budget_rows import included, refuse_categories_without_usage_types, region_rows
from costmodel.constants import CURRENCY, TAG_PREFIX, UNTAGGED
from costmodel.errors import InputError
from costmodel.inputs import finite_decimal, load_yaml, read_text
from costmodel.pricing.catalog import PriceCatalog

PERIODS = ("monthly", "quarterly", "annual")
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
COST_TYPES = {
    "unblended": "unblended_cost",
    "amortized": "amortized_cost",
    "net_amortized": "net_amortized_cost",
}
METRICS = {
    "unblended_cost": "UnblendedCost",
    "amortized_cost": "AmortizedCost",
    "net_amortized_cost": "NetAmortizedCost",
}
INCLUDE = ("credits", "refunds", "tax", "support", "upfront", "recurring")
FILTERS = ("by_service", "by_usage_type", "by_category", "by_tag", "by_account", "by_region")
LINE_ITEM_SCOPES = ("account", "region")  # and tags: only line items carry them
KEYS = (
    "monthly_usd",
    "amount_usd",
    "period",
    "fiscal_year_start",
    "cost_type",
    "include",
    "thresholds",
    "alert_pct",
    *FILTERS,
)
STATUSES = ("ok", "unknown", "at risk", "over")  # from best to worst


@dataclass(frozen=True)
class Threshold:
    """An alert threshold: on ``actual`` or ``forecast`` spend, at ``pct`` of the budget [%]
    or at ``usd`` [USD]; crossed by spend greater than it (AWS's ``GREATER_THAN``)."""

    on: str
    pct: float | None = None
    usd: float | None = None
    from_alert_pct: bool = False  # the older alert_pct form: labelled as before ("80%")

    def amount(self, budget: float) -> float:
        """The spend that crosses it [USD]."""
        return self.usd if self.usd is not None else budget * (self.pct or 0.0) / 100

    @property
    def label(self) -> str:
        if self.from_alert_pct:
            return f"{self.pct:g}%"
        return f"{self.on} > " + (f"${self.usd:,.2f}" if self.usd is not None else f"{self.pct:g}%")


@dataclass(frozen=True)
class BudgetFile:
    """A parsed budget file: (scope, name, amount [USD per period]) budgets, where scope is
    ``total``, ``service``, ``usage_type``, ``category``, ``account``, ``region`` or ``tag:KEY``; the
    period, cost type, what is included, and the thresholds."""

    budgets: tuple[tuple[str, str, float], ...]
    alert_pct: tuple[float, ...]
    origin: str
    period: str = "monthly"
    fiscal_year_start: int = 1
    cost_type: str = "unblended"
    include: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(INCLUDE, True))
    thresholds: tuple[Threshold, ...] = ()

    @property
    def needs_line_items(self) -> bool:
        """Whether a budget filters by tag, account or region (only line items carry them)."""
        return any(scope in LINE_ITEM_SCOPES or scope.startswith(TAG_PREFIX) for scope, _, _ in self.budgets)

    @property
    def tag_keys(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                scope[len(TAG_PREFIX) :] for scope, _, _ in self.budgets if scope.startswith(TAG_PREFIX)
            )
        )

    @property
    def all_thresholds(self) -> tuple[Threshold, ...]:
        """``thresholds`` and ``alert_pct`` (thresholds on actual spend) together."""
        return (*self.thresholds, *(Threshold("actual", pct=p, from_alert_pct=True) for p in self.alert_pct))


def _amount(value: object, where: str) -> float:
    return float(finite_decimal(value, where, minimum=0))


def _named_amounts(raw: object, key: str, origin: str) -> list[tuple[str, float]]:
    if raw is None:
        return []
    if not isinstance(raw, dict) or not raw:
        raise InputError(f"{origin}: {key} must map names to amounts in USD, e.g. {key}: {{NAME: 1000}}")
    for name in raw:
        if key == "by_account" and isinstance(name, int) and len(str(name)) != ACCOUNT_ID_DIGITS:
            # YAML reads 012345670123 unquoted as an octal number, 1402433619: another account
            raise InputError(
                f"{origin}: by_account {name} is not a {ACCOUNT_ID_DIGITS}-digit account id (YAML reads an "
                "unquoted id with a leading 0 as a number); quote account ids: '012345670123': 1000"
            )
    return [(str(name), _amount(value, f"{origin}: {key}.{name}")) for name, value in raw.items()]


ACCOUNT_ID_DIGITS = 12  # an AWS account id, leading zeros included


def _tag_amounts(raw: object, origin: str) -> list[tuple[str, str, float]]:
    if raw is None:
        return []
    if not isinstance(raw, dict) or not raw or not all(isinstance(v, dict) and v for v in raw.values()):
        raise InputError(
            f"{origin}: by_tag must map tag keys to {{VALUE: USD}}, e.g. by_tag: {{team: {{web: 1000}}}}"
        )
    return [
        (f"tag:{key}", str(value), _amount(amount, f"{origin}: by_tag.{key}.{value}"))
        for key, values in raw.items()
        for value, amount in values.items()
    ]


def _choice(raw: dict, key: str, choices: tuple[str, ...], default: str, origin: str) -> str:
    value = raw.get(key, default)
    if value not in choices:
        raise InputError(f"{origin}: {key} must be one of {', '.join(choices)}, got {value!r}")
    return str(value)


def _fiscal_start(raw: object, origin: str) -> int:
    text = str(raw).strip()
    if isinstance(raw, bool) or not text.isdigit() or not 1 <= int(text) <= 12:
        raise InputError(
            f"{origin}: fiscal_year_start must be a month number 1..12 (e.g. 4 for April), got {raw!r}"
        )
    return int(text)


def _include(raw: object, origin: str) -> dict[str, bool]:
    out = dict.fromkeys(INCLUDE, True)
    if raw is None:
        return out
    if not isinstance(raw, dict):
        raise InputError(f"{origin}: include must map {', '.join(INCLUDE)} to true or false")
    for key, value in raw.items():
        if key not in INCLUDE:
            raise InputError(f"{origin}: include has unknown key {key!r}; valid keys: {', '.join(INCLUDE)}")
        if not isinstance(value, bool):
            raise InputError(f"{origin}: include.{key} must be true or false, got {value!r}")
        out[key] = value
    return out


def _thresholds(raw: object, origin: str) -> tuple[Threshold, ...]:
    if raw is None:
        return ()
    example = "e.g. thresholds: [{on: actual, pct: 80}, {on: forecast, usd: 9500}]"
    if not isinstance(raw, list):
        raise InputError(f"{origin}: thresholds must be a list, {example}")
    out = []
    for i, item in enumerate(raw, start=1):
        where = f"{origin}: thresholds item {i}"
        if isinstance(item, dict) and True in item and "on" not in item:
            item = {("on" if k is True else k): v for k, v in item.items()}  # YAML 1.1 reads on: as true
        if not isinstance(item, dict) or set(item) - {"on", "pct", "usd"}:
            raise InputError(f"{where}: expected on (actual or forecast) and pct or usd, {example}")
        if item.get("on") not in ("actual", "forecast"):
            raise InputError(f"{where}: on must be actual or forecast, got {item.get('on')!r}")
        if ("pct" in item) == ("usd" in item):
            raise InputError(f"{where}: give pct (of the budget) or usd, one of them")
        if "pct" in item:
            pct = _amount(item["pct"], f"{where}: pct")
            if not 0 < pct <= 1000:
                raise InputError(f"{where}: pct must be within 0..1000 %, got {pct:g}")
            out.append(Threshold(str(item["on"]), pct=pct))
        else:
            out.append(Threshold(str(item["on"]), usd=_amount(item["usd"], f"{where}: usd")))
    return tuple(out)


def read_budget(path: str | Path) -> BudgetFile:
    """Read and validate a budget file (see the module docstring)."""
    path = Path(path)
    origin = path.name
    raw = load_yaml(read_text(path, "budget"), origin)
    if not isinstance(raw, dict):
        raise InputError(
            f"{origin}: expected a mapping with monthly_usd or amount_usd (and optional filters)"
        )
    unknown = [k for k in raw if k not in KEYS]
    if unknown:
        raise InputError(f"{origin}: unknown key {unknown[0]!r}; valid keys: {', '.join(KEYS)}")
    period = _choice(raw, "period", PERIODS, "monthly", origin)
    if "monthly_usd" in raw and "amount_usd" in raw:
        raise InputError(
            f"{origin}: both monthly_usd ({raw['monthly_usd']}) and amount_usd ({raw['amount_usd']}); "
            "give one: monthly_usd, the month's budget for the whole bill, or amount_usd, the period's"
        )
    if "monthly_usd" not in raw and "amount_usd" not in raw:
        raise InputError(
            f"{origin}: monthly_usd is required (the month's budget for the whole bill), or amount_usd "
            "(the period's), one of them"
        )
    if "monthly_usd" in raw and period != "monthly":
        raise InputError(f"{origin}: monthly_usd with period {period}: give amount_usd, the {period} budget")
    key = "monthly_usd" if "monthly_usd" in raw else "amount_usd"
    budgets: list[tuple[str, str, float]] = [("total", "total", _amount(raw[key], f"{origin}: {key}"))]
    for name, scope in (
        ("by_service", "service"),
        ("by_usage_type", "usage_type"),
        ("by_category", "category"),
        ("by_account", "account"),
        ("by_region", "region"),
    ):
        budgets += [(scope, n, a) for n, a in _named_amounts(raw.get(name), name, origin)]
    budgets += _tag_amounts(raw.get("by_tag"), origin)
    alerts = raw.get("alert_pct") or []
    if not isinstance(alerts, list):
        raise InputError(f"{origin}: alert_pct must be a list of percentages, e.g. [80, 100]")
    pcts = tuple(float(finite_decimal(a, f"{origin}: alert_pct", minimum=0)) for a in alerts)
    if any(not 0 < t <= 1000 for t in pcts):
        raise InputError(f"{origin}: alert_pct values must be within 0..1000 %, got {list(pcts)}")
    cost_type = _choice(raw, "cost_type", tuple(COST_TYPES), "unblended", origin)
    return BudgetFile(
        budgets=tuple(budgets),
        alert_pct=tuple(sorted(pcts)),
        origin=origin,
        period=period,
        fiscal_year_start=_fiscal_start(raw.get("fiscal_year_start", 1), origin),
        cost_type=cost_type,
        include=_include(raw.get("include"), origin),
        thresholds=_thresholds(raw.get("thresholds"), origin),
    )


def period_months(month: str, period: str, fiscal_year_start: int = 1) -> list[str]:
    """The months of the ``period`` (monthly, quarterly, annual) that holds ``month``, with
    quarters and years starting at month ``fiscal_year_start``."""
    this = pd.Period(month, "M")
    length = PERIOD_MONTHS[period]
    into = (this.month - fiscal_year_start) % 12 % length
    first = this - into
    return [(first + i).strftime("%Y-%m") for i in range(length)]


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


def _scoped_rows(rows: pd.DataFrame, scope: str, name: str, budget_file: str) -> pd.DataFrame:
    """The rows a budget counts: every row, a service's, usage type's, model category's,
    account's or tag value's."""
    from costmodel.usage_types import split_region, strip_region_prefix

    if scope == "total":
        return rows
    if scope == "service":
        if name not in set(rows["service"]):
            services = ", ".join(sorted(set(rows["service"]) - {""}))
            raise InputError(
                f"{budget_file}: by_service {name!r} is not a service on the bill; services: {services}"
            )
        return rows.loc[rows["service"] == name]
    if scope == "usage_type":
        code, base_name = split_region(name)
        if code:  # that region's only; us-east-1's older usage types carry no prefix
            picked = (rows["usage_type"] == name) | ((code == "USE1") & (rows["usage_type"] == base_name))
        else:  # no prefix: every region's
            picked = rows["usage_type"].map(strip_region_prefix) == name
        if not picked.any():
            raise InputError(f"{budget_file}: by_usage_type {name!r} is not a usage type on the bill")
        return rows.loc[picked]
    if scope == "account":
        if name not in set(rows["account"]):
            accounts = ", ".join(sorted(set(rows["account"]) - {""}))
            raise InputError(
                f"{budget_file}: by_account {name!r} is not an account of the line items; "
                f"accounts: {accounts}"
            )
        return rows.loc[rows["account"] == name]
    if scope == "region":
        return region_rows(rows, name, budget_file)
    if scope.startswith(TAG_PREFIX):
        values = rows[scope].replace("", UNTAGGED)
        if name not in set(values):
            raise InputError(
                f"{budget_file}: by_tag {scope[len(TAG_PREFIX) :]}: {name!r} is not a value of that tag in "
                f"the line items; values: {', '.join(sorted(set(values)))}"
            )
        return rows.loc[values == name]
    from costmodel import categories

    known = (set(categories.ALL) | set(rows["category"])) - {""}  # "" marks rows in no category
    if name not in known:
        raise InputError(
            f"{budget_file}: by_category {name!r} is not a model category; known: {', '.join(sorted(known))}"
        )
    return rows.loc[rows["category"] == name]


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
        raise InputError(
            f"{budget.origin}: budgets by tag, account or region need line items (--cur, --focus or "
            f"--athena); {actuals.origin} is Cost Explorer data, which has none of them"
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
        scoped = _scoped_rows(rows, scope, name, budget.origin)
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
        table.append(_row(budget, scope, name, amount, actual, expected, months, at.in_progress, why))
    return month, pd.DataFrame(table)


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
    """Refuse a service budget whose every row ``include`` leaves out (``Tax`` with ``tax:
    false``): it is on the bill, and its budget would count nothing."""
    if scope == "service" and name in set(every_row["service"]) and name not in set(counted["service"]):
        left_out = ", ".join(f"{k}: false" for k, v in budget.include.items() if not v)
        raise InputError(
            f"{budget.origin}: by_service {name!r} is on the bill, but include ({left_out}) leaves all "
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
    crossed = []
    for threshold in budget.all_thresholds:
        value = actual if threshold.on == "actual" else expected
        level = threshold.amount(amount)
        # AWS Budgets' notifications compare with GREATER_THAN: spend at the threshold is not over it
        hit = None if math.isnan(value) else _above(value, level)
        crossed.append(
            {"on": threshold.on, "pct": threshold.pct, "usd": threshold.usd, "amount": level, "crossed": hit}
        )
    labels = [t.label for t, c in zip(budget.all_thresholds, crossed, strict=True) if c["crossed"]]
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
    """``value`` as a share of ``budget`` [%]; NaN (unknown) for a budget of 0 or no value."""
    return 100 * value / budget if budget and not math.isnan(value) else float("nan")


def _above(value: float, level: float) -> bool:
    """True when ``value`` [USD] is above ``level`` [USD] in cents, as the bill and the table
    show them: a float sum of line items is off by a fraction of a cent either way (31 x $0.10
    sums to 3.1000000000000014; DuckDB's parallel sum changes with the run), and that must not
    decide whether $3.10 is over a $3.10 budget."""
    return round(value, 2) > round(level, 2)


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


__all__ = [
    "CURRENCY",
    "STATUSES",
    "BudgetFile",
    "Threshold",
    "any_alarm",
    "evaluate",
    "period_months",
    "read_budget",
    "worst_status",
]
