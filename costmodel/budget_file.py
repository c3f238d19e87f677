"""A budget file, beside :mod:`costmodel.budget` (whose docstring shows one): its budgets
(the whole bill's and each scoped one's amount), period, cost type, what it includes and its
thresholds, read and checked, each mistake refused in one line naming the key."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from costmodel.constants import TAG_PREFIX
from costmodel.errors import InputError
from costmodel.inputs import finite_decimal, load_yaml, read_text

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
INCLUDE = ("credits", "refunds", "tax", "support", "upfront", "recurring", "discounts")
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
    period, cost type, what is included, and the thresholds (:meth:`thresholds_of` says
    which apply to each budget)."""

    budgets: tuple[tuple[str, str, float], ...]
    alert_pct: tuple[float, ...]
    origin: str
    period: str = "monthly"
    fiscal_year_start: int = 1
    cost_type: str = "unblended"
    include: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(INCLUDE, True))
    thresholds: tuple[Threshold, ...] = ()
    # a scoped budget's own thresholds, by (scope, name): given as {amount_usd: X, thresholds: [...]}
    own_thresholds: dict[tuple[str, str], tuple[Threshold, ...]] = field(default_factory=dict)

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

    def thresholds_of(self, scope: str, name: str) -> tuple[Threshold, ...]:
        """The thresholds of one budget, as AWS Budgets gives each budget its own
        notifications: a scoped budget's own list when it gives one (``[]``: none); else the
        file's, less its ``usd`` ones for a scoped budget (an amount in dollars is written
        for the whole bill's budget: $800 of a $1,000 bill is no alert for a $50 service)."""
        if (scope, name) in self.own_thresholds:
            return self.own_thresholds[(scope, name)]
        if scope == "total":
            return self.all_thresholds
        return tuple(t for t in self.all_thresholds if t.usd is None)

    @property
    def whole_bill_only(self) -> tuple[Threshold, ...]:
        """The file's ``usd`` thresholds when a scoped budget goes without them (it has no
        thresholds of its own): said, since they once applied to every budget."""
        scoped = [(scope, name) for scope, name, _ in self.budgets if scope != "total"]
        if all(key in self.own_thresholds for key in scoped):
            return ()
        return tuple(t for t in self.thresholds if t.usd is not None)


def _amount(value: object, where: str) -> float:
    return float(finite_decimal(value, where, minimum=0))


ScopedAmount = tuple[str, float, tuple[Threshold, ...] | None]  # name, amount, its own thresholds


def _named_amounts(raw: object, key: str, origin: str) -> list[ScopedAmount]:
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
    return [(str(name), *_scoped_amount(value, f"{origin}: {key}.{name}")) for name, value in raw.items()]


ACCOUNT_ID_DIGITS = 12  # an AWS account id, leading zeros included
SCOPED_KEYS = ("amount_usd", "thresholds")


def _scoped_amount(value: object, where: str) -> tuple[float, tuple[Threshold, ...] | None]:
    """A scoped budget's amount [USD per period] and its own thresholds (None: the file's):
    a number, or ``{amount_usd: X, thresholds: [...]}``."""
    if not isinstance(value, dict):
        return _amount(value, where), None
    unknown = [k for k in value if k not in SCOPED_KEYS]
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(SCOPED_KEYS)}")
    if "amount_usd" not in value:
        raise InputError(f"{where}: amount_usd is required, e.g. {{amount_usd: 500, thresholds: [...]}}")
    own = _thresholds(value["thresholds"], where) if "thresholds" in value else None  # [] or null: none
    return _amount(value["amount_usd"], f"{where}: amount_usd"), own


def _tag_amounts(raw: object, origin: str) -> list[tuple[str, str, float, tuple[Threshold, ...] | None]]:
    if raw is None:
        return []
    if not isinstance(raw, dict) or not raw or not all(isinstance(v, dict) and v for v in raw.values()):
        raise InputError(
            f"{origin}: by_tag must map tag keys to {{VALUE: USD}}, e.g. by_tag: {{team: {{web: 1000}}}}"
        )
    return [
        (f"tag:{key}", str(value), *_scoped_amount(amount, f"{origin}: by_tag.{key}.{value}"))
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
    scoped = [
        (scope, *named)
        for name, scope in (
            ("by_service", "service"),
            ("by_usage_type", "usage_type"),
            ("by_category", "category"),
            ("by_account", "account"),
            ("by_region", "region"),
        )
        for named in _named_amounts(raw.get(name), name, origin)
    ] + _tag_amounts(raw.get("by_tag"), origin)
    budgets = [("total", "total", _amount(raw[key], f"{origin}: {key}"))]
    budgets += [(scope, name, amount) for scope, name, amount, _ in scoped]
    alerts = raw.get("alert_pct") or []
    if not isinstance(alerts, list):
        raise InputError(f"{origin}: alert_pct must be a list of percentages, e.g. [80, 100]")
    pcts = tuple(float(finite_decimal(a, f"{origin}: alert_pct", minimum=0)) for a in alerts)
    if any(not 0 < t <= 1000 for t in pcts):
        raise InputError(f"{origin}: alert_pct values must be within 0..1000 %, got {list(pcts)}")
    cost_type = _choice(raw, "cost_type", tuple(COST_TYPES), "unblended", origin)
    include = _include(raw.get("include"), origin)
    if cost_type == "net_amortized" and not include["discounts"]:
        raise InputError(
            f"{origin}: cost_type net_amortized is the cost after discounts (Cost Explorer's "
            "NetAmortizedCost): include (discounts: false) cannot leave them out of it; use cost_type "
            "amortized or unblended"
        )
    return BudgetFile(
        budgets=tuple(budgets),
        alert_pct=tuple(sorted(pcts)),
        origin=origin,
        period=period,
        fiscal_year_start=_fiscal_start(raw.get("fiscal_year_start", 1), origin),
        cost_type=cost_type,
        include=include,
        thresholds=_thresholds(raw.get("thresholds"), origin),
        own_thresholds={(scope, name): own for scope, name, _, own in scoped if own is not None},
    )


def period_months(month: str, period: str, fiscal_year_start: int = 1) -> list[str]:
    """The months of the ``period`` (monthly, quarterly, annual) that holds ``month``, with
    quarters and years starting at month ``fiscal_year_start``."""
    this = pd.Period(month, "M")
    length = PERIOD_MONTHS[period]
    into = (this.month - fiscal_year_start) % 12 % length
    first = this - into
    return [(first + i).strftime("%Y-%m") for i in range(length)]


__all__ = ["COST_TYPES", "METRICS", "BudgetFile", "Threshold", "period_months", "read_budget"]
