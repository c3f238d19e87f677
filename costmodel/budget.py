"""Budgets: a month's bill against a monthly budget, per service and per model category.

A budget file (YAML)::

    monthly_usd: 10000          # the whole bill: usage, tax, support, credits
    by_service:                 # Cost Explorer SERVICE names, as on the bill
      Amazon Relational Database Service: 4500
    by_category:                # model categories (costmodel.categories)
      EKS nodes: 1000
    alert_pct: [80, 100]        # thresholds to report crossing [% of the budget]

For each budget: the ``actual`` spent in the month so far, the ``forecast`` for the whole
month (the actual itself when the month is complete; the daily month-end forecast of
:mod:`costmodel.forecast` for the whole bill; for a service or category, its spend so far
plus its mean daily cost of the last 7 days for each remaining day), ``used_pct`` (actual
over budget; unknown for a budget of 0) and ``status``: ``over`` (actual above budget),
``at risk`` (forecast above budget), ``unknown`` (no month-end forecast can be made) or
``ok``.

A month in progress (Cost Explorer's ``Estimated``, or days missing at the end) is month
to date, never a complete month: its forecast runs to the month's end. Monthly data does not
say how far into such a month it is, so there the forecast is unknown and the status
``unknown`` unless the actual is already over; daily data gives a forecast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import monthly_bill
from costmodel.architecture import Architecture
from costmodel.constants import CURRENCY
from costmodel.errors import InputError
from costmodel.inputs import finite_decimal, load_yaml, read_text
from costmodel.pricing.catalog import PriceCatalog

KEYS = ("monthly_usd", "by_service", "by_category", "alert_pct")
RUN_RATE_DAYS = 7  # recent days a service's or category's month-end run rate is the mean of
STATUSES = ("ok", "unknown", "at risk", "over")  # from best to worst


@dataclass(frozen=True)
class BudgetFile:
    """A parsed budget file: (scope, name, amount [USD]) budgets and alert thresholds [%]."""

    budgets: tuple[tuple[str, str, float], ...]
    alert_pct: tuple[float, ...]
    origin: str


def _amount(value: object, where: str) -> float:
    return float(finite_decimal(value, where, minimum=0))


def _named_amounts(raw: object, key: str, origin: str) -> list[tuple[str, float]]:
    if raw is None:
        return []
    if not isinstance(raw, dict) or not raw:
        raise InputError(
            f"{origin}: {key} must map names to monthly amounts in USD, e.g. {key}: {{NAME: 1000}}"
        )
    return [(str(name), _amount(value, f"{origin}: {key}.{name}")) for name, value in raw.items()]


def read_budget(path: str | Path) -> BudgetFile:
    """Read and validate a budget file (see the module docstring)."""
    path = Path(path)
    raw = load_yaml(read_text(path, "budget"), path.name)
    if not isinstance(raw, dict):
        raise InputError(
            f"{path.name}: expected a mapping with monthly_usd (and by_service, by_category, alert_pct)"
        )
    unknown = [k for k in raw if k not in KEYS]
    if unknown:
        raise InputError(f"{path.name}: unknown key {unknown[0]!r}; valid keys: {', '.join(KEYS)}")
    if "monthly_usd" not in raw:
        raise InputError(f"{path.name}: monthly_usd is required (the month's budget for the whole bill)")
    budgets = [("total", "total", _amount(raw["monthly_usd"], f"{path.name}: monthly_usd"))]
    budgets += [("service", n, a) for n, a in _named_amounts(raw.get("by_service"), "by_service", path.name)]
    budgets += [
        ("category", n, a) for n, a in _named_amounts(raw.get("by_category"), "by_category", path.name)
    ]
    alerts = raw.get("alert_pct") or []
    if not isinstance(alerts, list):
        raise InputError(f"{path.name}: alert_pct must be a list of percentages, e.g. [80, 100]")
    thresholds = tuple(float(finite_decimal(a, f"{path.name}: alert_pct", minimum=0)) for a in alerts)
    if any(not 0 < t <= 1000 for t in thresholds):
        raise InputError(f"{path.name}: alert_pct values must be within 0..1000 %, got {list(thresholds)}")
    return BudgetFile(tuple(budgets), tuple(sorted(thresholds)), path.name)


def _scoped_rows(actuals: Actuals, scope: str, name: str, budget_file: str) -> pd.DataFrame:
    """The rows a budget counts: every row, a service's, or a model category's."""
    rows = actuals.rows
    if scope == "total":
        return rows
    if scope == "service":
        if name not in set(rows["service"]):
            services = ", ".join(sorted(set(rows["service"]) - {""}))
            raise InputError(
                f"{budget_file}: by_service {name!r} is not a service on the bill; services: {services}"
            )
        return rows.loc[rows["service"] == name]
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
    return Actuals(rows=mapped, controls=actuals.controls, origin=actuals.origin)


def _forecast_scope(rows: pd.DataFrame, month: str, to_date: float, days_left: int) -> float:
    """Spend so far plus the mean daily cost of the last days for each day left [USD]."""
    if days_left <= 0:
        return to_date
    daily = rows.loc[rows["month"] == month].groupby("period_start")["unblended_cost"].sum()
    rate = float(daily.tail(RUN_RATE_DAYS).mean()) if len(daily) else 0.0
    return to_date + rate * days_left


def evaluate(
    budget: BudgetFile,
    actuals: Actuals,
    month: str | None = None,
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    items: pd.DataFrame | None = None,
) -> tuple[str, pd.DataFrame]:
    """(month, one row per budget): ``name``, ``budget``, ``actual``, ``forecast``
    [USD; NaN when unknown], ``used_pct``, ``forecast_pct`` [%; NaN for a budget of 0],
    ``status``, ``alerts`` (thresholds the actual has crossed) and ``in_progress`` (the
    actual is month to date) for ``month`` (default: the file's last month). ``items`` is the
    architecture's estimate when the caller has built it (the categories come from it)."""
    bill = monthly_bill(actuals).set_index("month")
    month = month or bill.index[-1]
    if month not in bill.index:
        raise InputError(f"{actuals.origin} has no data for --month {month}; it has {', '.join(bill.index)}")
    info = bill.loc[month]
    in_progress = bool(info["in_progress"])
    days_left = int(info["days_in_month"] - info["days"])
    # a monthly period of a month in progress covers every day, but its money is so far
    rest_unknown = in_progress and days_left <= 0 and _granularity_of(actuals, month) != "DAILY"
    if any(scope == "category" for scope, _, _ in budget.budgets):
        if arch is None:
            raise InputError("budgets by category need the architecture the categories come from")
        actuals = _with_categories(actuals, arch, catalog, items)
    total_forecast = (
        float("nan") if rest_unknown else _total_forecast(actuals, month, float(info["actual"]), days_left)
    )
    rows = []
    for scope, name, amount in budget.budgets:
        if scope == "total":
            actual, expected = float(info["actual"]), total_forecast
        else:
            scoped = _scoped_rows(actuals, scope, name, budget.origin)
            actual = float(scoped.loc[scoped["month"] == month, "unblended_cost"].sum())
            expected = float("nan") if rest_unknown else _forecast_scope(scoped, month, actual, days_left)
        used = _pct(actual, amount)
        rows.append(
            {
                "name": name if scope != "total" else "total bill",
                "scope": scope,
                "budget": amount,
                "actual": actual,
                "forecast": expected,
                "used_pct": used,
                "forecast_pct": _pct(expected, amount),
                "status": _status(actual, expected, amount),
                "alerts": ", ".join(
                    f"{t:g}%" for t in budget.alert_pct if used >= t or (amount == 0 and actual > 0)
                ),
                "in_progress": in_progress,
            }
        )
    return month, pd.DataFrame(rows)


def _pct(value: float, budget: float) -> float:
    """``value`` as a share of ``budget`` [%]; NaN (unknown) for a budget of 0 or no value."""
    return 100 * value / budget if budget and not math.isnan(value) else float("nan")


def _status(actual: float, forecast: float, budget: float) -> str:
    if actual > budget:
        return "over"
    if math.isnan(forecast):
        return "unknown"
    return "at risk" if forecast > budget else "ok"


def _granularity_of(actuals: Actuals, month: str) -> str:
    kinds = set(actuals.rows.loc[actuals.rows["month"] == month, "granularity"])
    return kinds.pop() if len(kinds) == 1 else "MONTHLY"


def _total_forecast(actuals: Actuals, month: str, actual: float, days_left: int) -> float:
    """The whole bill's month-end forecast: the actual when complete; the daily forecast
    when daily data is given; else the month's run rate (monthly data of a month in progress)."""
    if days_left <= 0:
        return actual
    if set(actuals.rows["granularity"]) == {"DAILY"} and month == actuals.rows["month"].max():
        from costmodel.forecast import month_end

        return month_end(actuals).expected
    days = pd.Period(month, "M").days_in_month - days_left
    return actual / max(days, 1) * (days + days_left)


def worst_status(table: pd.DataFrame) -> str:
    """The worst status of the budgets (:data:`STATUSES`, best to worst)."""
    return STATUSES[max(STATUSES.index(status) for status in table["status"])]


def any_alarm(table: pd.DataFrame) -> bool:
    """True when a budget is at risk, over or cannot be told ok (``unknown``): the
    ``budget`` command then exits 1, never 0 on a month it could not check."""
    return worst_status(table) != "ok"


__all__ = ["CURRENCY", "STATUSES", "BudgetFile", "any_alarm", "evaluate", "read_budget", "worst_status"]
