"""One formatting scheme for every table a person reads: notebooks, CLI tables, the report.

A column's kind comes from its unit, never from words found inside its name: a name that
ends in ``_usd``, ``_pct``, ``_months`` or ``_count`` says it, and the columns the library
itself returns are listed in :data:`COLUMN_KINDS`. Money reads ``$1,234.56`` (``-$281.23``),
percentages ``40.5%``, counts ``3``, other numbers with thousands separators; an unknown
value reads ``unknown``, never ``nan``. Text is left-aligned, numbers right-aligned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from costmodel.output import is_unknown, money, rate

USD, PCT, SHARE, MONTHS, COUNT, NUMBER, RATE = "usd", "pct", "share", "months", "count", "number", "rate"
UNIT_COST = "unit_cost"  # a fraction of a cent per unit: six decimals, $0.001015

MONTH_COLUMN = re.compile(r"\d{4}-\d{2}")
# A share is a fraction [0..1] shown as a percentage; a pct is already in percent.
SUFFIX_KINDS = {"_usd": USD, "_pct": PCT, "_share": SHARE, "_months": MONTHS, "_count": COUNT}

# Columns of the tables costmodel returns, by their unit (USD per month unless stated).
COLUMN_KINDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "documented",
            "allocated",
            "modelled",
            "actual",
            "actual_amortized",
            "calendar_variance",
            "volume_variance",
            "rate_variance",
            "bill_adjustment",
            "difference",
            "monthly_cost",
            "base_monthly_cost",
            "scenario_monthly_cost",
            "upfront",
            "recurring_monthly",
            "effective_monthly",
            "on_demand_monthly",
            "monthly_saving",
            "documented_on_demand",
            "documented_reserved",
            "list_on_demand",
            "list_reserved",
            "difference_on_demand",
            "difference_reserved",
            "amount",
            "previous",
            "current",
            "change",
            "fixed_cost",
            "total_cost",
            "commitment_saving",
            "eks_cost",
            "rds_cost",
            "elasticache_cost",
            "msk_cost",
            "p5",
            "p25",
            "p50",
            "p75",
            "p95",
            "mean",
            "low",
            "high",
            "base",
            "low_cost",
            "high_cost",
            "base_cost",
            "range",
            "ri_fee",
            "upfront_cost",
            "monthly_on_demand",
            "monthly_with_commitment",
            "estimated_monthly_savings",
            "budget",
            "forecast",
            "expected",
            "known_changes",
            "before",
            "after",
            "actual_to_date",
            "bill",
            "unblended",
            "amortized",
            "cost",
            "amortized_cost",
            "on_demand_equivalent",
            "savings_realized",
            "bill_per_million_requests",
        ],
        USD,
    ),
    **dict.fromkeys(
        ["savings_pct", "documented_savings_pct", "list_savings_pct", "coverage_pct", "utilization_pct"], PCT
    ),
    "break_even_months": MONTHS,
    **dict.fromkeys(["break_even_utilization", "interval"], SHARE),
    **dict.fromkeys(
        [
            "count",
            "nodes",
            "cache_nodes",
            "cache_shards",
            "cache_replicas_per_shard",
            "msk_brokers",
            "eks_peak_nodes",
            "rds_read_replicas",
            "scenarios",
            "usage_hours",
            "reserved_hours",
            "covered_hours",
            "lookback_hours",
            "lookback_days",
            "requests",
            "term_years",  # 1 or 3: "3", never "3.0"
        ],
        COUNT,
    ),
    "unit_price": RATE,
    "bill_per_1k_requests": UNIT_COST,
}


def kind_of(column: str, series: pd.Series | None = None) -> str:
    """The kind of a column: by its unit suffix, else by :data:`COLUMN_KINDS`, else number
    (numeric columns) or text."""
    for suffix, kind in SUFFIX_KINDS.items():
        if column.endswith(suffix):
            return kind
    if MONTH_COLUMN.fullmatch(column) and (series is None or pd.api.types.is_numeric_dtype(series)):
        return USD  # a cost table's month columns (YYYY-MM) hold each month's money
    if column in COLUMN_KINDS:
        return COLUMN_KINDS[column]
    if series is not None and not pd.api.types.is_numeric_dtype(series):
        return "text"
    if series is not None and pd.api.types.is_bool_dtype(series):
        return "text"
    return NUMBER


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


FORMATTERS: dict[str, Callable[[float], str]] = {
    USD: money,
    PCT: lambda v: f"{v:.1f}%",
    SHARE: lambda v: f"{100 * v:.1f}%",
    MONTHS: lambda v: f"{v:,.1f}",
    COUNT: lambda v: f"{v:,.0f}",
    NUMBER: _number,
    RATE: rate,
    UNIT_COST: lambda v: f"{'-' if v < 0 else ''}${abs(v):,.6f}",
}


def format_value(value: object, kind: str) -> str:
    """``value`` as text for its kind; unknown (None, NaN) as ``unknown``."""
    if isinstance(value, (bool, np.bool_)):  # numpy's bool is not a bool subclass
        return "yes" if value else "no"
    if kind == "text":
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    if is_unknown(value):
        return "unknown"
    try:
        return FORMATTERS[kind](float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def formatters(frame: pd.DataFrame) -> dict[str, Callable[[object], str]]:
    """One formatter per column of ``frame``."""
    return {
        column: (lambda kind: lambda v: format_value(v, kind))(kind_of(column, frame[column]))
        for column in frame.columns
    }


def is_numeric_kind(column: str, series: pd.Series) -> bool:
    return kind_of(column, series) != "text"
