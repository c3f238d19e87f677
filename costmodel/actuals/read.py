"""Read saved Cost Explorer data offline into one tidy table.

Accepted inputs (JSON or CSV, detected from the content):

* one ``GetCostAndUsage`` response (a dict with ``ResultsByTime``), as boto3 returns it;
* a list of such responses (the pages of one paginated request);
* the file ``costmodel fetch-actuals`` writes: ``{"requests": [{"request": {...},
  "pages": [...]}, ...]}`` (several requests, e.g. usage and credits/tax);
* the Cost Explorer console "Download CSV" export (wide: one column per service).

Amounts are parsed from their strings with ``Decimal`` (never ``float()`` on the raw
text) and must be in USD. Group keys are named by ``GroupDefinitions`` when present.

Bad input is an :class:`~costmodel.errors.InputError` naming the file, the page, the
period and the group; an ``Estimated`` (not yet final) period is kept and flagged in the
``estimated`` column, never silently mixed with final data.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.data_files import data_path
from costmodel.errors import InputError
from costmodel.inputs import PLAUSIBLE_MAXIMUM, collection_paused, finite_decimal, load_json, read_text

METRIC_COLUMNS = {
    "UnblendedCost": "unblended_cost",
    "AmortizedCost": "amortized_cost",
    "NetAmortizedCost": "net_amortized_cost",
    "NetUnblendedCost": "net_unblended_cost",
    "BlendedCost": "blended_cost",
    "UsageQuantity": "usage_quantity",
}
COST_METRICS = [m for m in METRIC_COLUMNS if m != "UsageQuantity"]
TIDY_COLUMNS = [
    "period_start",
    "period_end",
    "month",
    "granularity",
    "service",
    "usage_type",
    "record_type",
    *METRIC_COLUMNS.values(),
    "usage_unit",
    "estimated",
    "source",
]
KEY_TO_COLUMN = {"SERVICE": "service", "USAGE_TYPE": "usage_type", "RECORD_TYPE": "record_type"}


# The metric every reconciliation is made of: a group without it would be money lost.
REQUIRED_METRIC = "UnblendedCost"
# How far two totals of the same money may differ [USD]: Cost Explorer amounts carry
# about ten decimals, so sums of groups and the ungrouped total agree well within a cent.
CONSERVATION_TOLERANCE_USD = 0.005


def _amount_decimal(metric: Any, where: str, name: str) -> Decimal:
    if not isinstance(metric, dict) or "Amount" not in metric:
        raise InputError(f"{where}: metric {name} has no 'Amount'")
    value = finite_decimal(metric["Amount"], f"{where}: metric {name} Amount")
    unit = metric.get("Unit", "")
    if name in COST_METRICS and unit != "USD":
        raise InputError(f"{where}: metric {name} is in {unit!r}; costmodel reconciles USD only")
    return value


_PLAUSIBLE_MAXIMUM = float(PLAUSIBLE_MAXIMUM)


def _amount(metric: Any, where: str, name: str) -> float:
    # Fast path for the usual text amount (a response has millions of them); anything it
    # does not accept goes through the strict reader, which names what is wrong.
    if isinstance(metric, dict) and isinstance(metric.get("Amount"), str):
        try:
            value = float(metric["Amount"])
        except ValueError:
            value = math.nan
        if (math.isfinite(value) and abs(value) < _PLAUSIBLE_MAXIMUM) and (
            name not in COST_METRICS or metric.get("Unit", "") == "USD"
        ):
            return value
    return float(_amount_decimal(metric, where, name))


def _metrics(metrics: Any, where: str, required: list[str]) -> dict[str, Any]:
    """The metrics of a group (or Total), each checked, with every ``required`` one present."""
    if not isinstance(metrics, dict):
        raise InputError(f"{where}: 'Metrics' must be a mapping of metric name to Amount/Unit")
    missing = [m for m in required if m not in metrics]
    if missing:
        raise InputError(
            f"{where}: metric {missing[0]} is missing; every group must carry "
            f"{', '.join(required)} (a group without it would drop its cost)"
        )
    return metrics


def _granularity(start: pd.Timestamp, end: pd.Timestamp) -> str:
    days = (end - start).days
    if days == 1:
        return "DAILY"
    if days < 1:
        return "HOURLY"
    return "MONTHLY"


def _group_dimensions(page: dict, keys: list[str]) -> list[str]:
    definitions = page.get("GroupDefinitions")
    if definitions:
        return [
            d.get("Key", "") if d.get("Type") == "DIMENSION" else f"{d.get('Type')}:{d.get('Key')}"
            for d in definitions
        ]
    # Saved samples may lack GroupDefinitions: tag keys read "key$value"; otherwise the
    # contract's grouping (SERVICE, USAGE_TYPE) is assumed.
    if any("$" in k for k in keys):
        return [f"TAG:{k.split('$', 1)[0]}" if "$" in k else f"KEY{i}" for i, k in enumerate(keys)]
    return ["SERVICE", "USAGE_TYPE"][: len(keys)] if len(keys) <= 2 else [f"KEY{i}" for i in range(len(keys))]


# A Cost Explorer period bound: a day, or (HOURLY) a time, in UTC ("Z") or with an offset.
_BOUND = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(Z|[+-]\d{2}:?\d{2})?)?")


def period_bound(text: Any, where: str) -> pd.Timestamp:
    """A period's start or end as a UTC time without zone: ``2026-10-01`` or
    ``2026-10-01T05:00:00Z``; an offset (``-05:00``) is converted to UTC, never dropped.
    Anything else (``october``, ``2026-13-01``, ``01/10/2026``) is an :class:`InputError`."""
    match = _BOUND.fullmatch(text.strip()) if isinstance(text, str) else None
    try:
        if match is None:
            raise ValueError
        value = pd.Timestamp(text.strip())
    except ValueError:
        raise InputError(
            f"{where} {text!r} is not a date YYYY-MM-DD (or a UTC time YYYY-MM-DDTHH:MM:SSZ)"
        ) from None
    return value.tz_convert("UTC").tz_localize(None) if value.tzinfo is not None else value


def _period(result: Any, where: str, i: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    period = result.get("TimePeriod") if isinstance(result, dict) else None
    if not isinstance(period, dict) or "Start" not in period or "End" not in period:
        raise InputError(f"{where}: ResultsByTime[{i}] has no valid TimePeriod Start/End")
    start = period_bound(period["Start"], f"{where}: ResultsByTime[{i}] TimePeriod Start")
    end = period_bound(period["End"], f"{where}: ResultsByTime[{i}] TimePeriod End")
    if end <= start:
        raise InputError(f"{where}: ResultsByTime[{i}] TimePeriod End must be after Start")
    return start, end


def check_periods(periods: pd.DataFrame, origin: str) -> None:
    """Each period within one calendar month, and no two periods overlapping.

    ``periods`` has ``period_start``, ``period_end`` and ``source`` (where each was read). The
    same period may come from several pages or requests (one request's groups spread over
    pages; usage and credits asked apart); two *different* periods sharing a day would count
    that day's money twice, and a period across a month boundary would put one month's money
    in another: both are refused, naming them, since no exact split of their money exists.
    """
    distinct = periods.drop_duplicates(["period_start", "period_end"]).sort_values(
        ["period_start", "period_end"], kind="stable"
    )
    starts = distinct["period_start"].tolist()
    ends = distinct["period_end"].tolist()
    sources = distinct["source"].tolist()
    for start, end, source in zip(starts, ends, sources, strict=True):
        if end > start.to_period("M").to_timestamp() + pd.DateOffset(months=1):
            raise InputError(
                f"{source}: period {_span(start, end)} runs across a month boundary; its money "
                "cannot be split between the months exactly: fetch it again with periods that end "
                "on a month's first day (costmodel fetch-actuals does)"
            )
    for i in range(1, len(starts)):
        if starts[i] < ends[i - 1]:
            raise InputError(
                f"{origin}: periods {_span(starts[i - 1], ends[i - 1])} ({sources[i - 1]}) and "
                f"{_span(starts[i], ends[i])} ({sources[i]}) overlap: the days in both would be "
                "counted twice; keep one response per period"
            )


def _span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    def text(t: pd.Timestamp) -> str:
        return str(t.date()) if t == t.normalize() else t.strftime("%Y-%m-%dT%H:%M:%SZ")

    return f"{text(start)}..{text(end)}"


def _results(page: Any, where: str) -> list:
    if not isinstance(page, dict) or "ResultsByTime" not in page:
        raise InputError(f"{where}: not a GetCostAndUsage response (no 'ResultsByTime')")
    results = page["ResultsByTime"]
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise InputError(f"{where}: 'ResultsByTime' must be a list of results")
    return results


def _plain_columns(groups: list, dims: list[str], required: list[str]) -> dict[str, Any] | None:
    """The columns of a period's groups when every group has the plain shape boto3 returns
    (text keys, the same metrics in each, text amounts, USD costs, plausible values), read
    a column at a time; ``None`` for anything else, which the strict reader then names.

    A response can hold millions of groups: this path keeps the per-group Python work to
    a few list comprehensions and converts amounts in bulk (``float()`` rules, as the
    strict reader; the exact text is kept for the Decimal control sums).
    """
    try:
        keys = [g["Keys"] for g in groups]
        metrics = [g["Metrics"] for g in groups]
        names = metrics[0].keys()
        if not set(required) <= names or any(m.keys() != names for m in metrics):
            return None
        if any(type(k) is not list or len(k) != len(dims) for k in keys):
            return None
        if not all(type(x) is str for k in keys for x in k):
            return None
        columns: dict[str, Any] = {}
        for name in names:
            if name not in METRIC_COLUMNS:
                continue
            values = [m[name] for m in metrics]
            texts = [v["Amount"] for v in values]
            if not all(type(t) is str for t in texts):
                return None
            if name in COST_METRICS and any(v.get("Unit") != "USD" for v in values):
                return None
            amounts = np.array(texts, dtype=np.float64)
            if not (np.abs(amounts) < _PLAUSIBLE_MAXIMUM).all():  # NaN fails this too
                return None
            columns[METRIC_COLUMNS[name]] = amounts
            if name == REQUIRED_METRIC:
                columns["_exact"] = texts
        if "UsageQuantity" in names:
            columns["usage_unit"] = [str(m["UsageQuantity"].get("Unit", "")) for m in metrics]
        else:
            columns["usage_unit"] = [""] * len(groups)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    other = []
    for d, dim in enumerate(dims):
        if dim in KEY_TO_COLUMN:
            columns[KEY_TO_COLUMN[dim]] = [k[d] for k in keys]
        else:
            other.append([f"{dim}={k[d]}" for k in keys])
    if other:
        columns["other_keys"] = [";".join(parts) for parts in zip(*other, strict=True)]
    return columns


def _strict_rows(
    groups: list, page: dict, page_dims: list[str] | None, period: str, required: list[str]
) -> list[dict]:
    """Rows of a period's groups, each group checked on its own so that an error names it."""
    rows = []
    for g, group in enumerate(groups):
        keys = group.get("Keys") if isinstance(group, dict) else None
        if not isinstance(keys, list) or "Metrics" not in group:
            raise InputError(f"{period}, group {g + 1}: a group lacks 'Keys' or 'Metrics'")
        if not all(isinstance(k, str) for k in keys):
            raise InputError(f"{period}, group {keys}: every key must be text")
        dims = page_dims if page_dims is not None else _group_dimensions(page, keys)
        if len(dims) != len(keys):
            raise InputError(
                f"{period}, group {keys}: {len(keys)} key(s) but the response groups by "
                f"{len(dims)} ({', '.join(dims)})"
            )
        row: dict[str, Any] = {"service": "", "usage_type": ""}
        other = []
        for dim, key in zip(dims, keys, strict=True):
            if dim in KEY_TO_COLUMN:
                row[KEY_TO_COLUMN[dim]] = key
            else:
                other.append(f"{dim}={key}")
        if other:
            row["other_keys"] = ";".join(other)
        where_group = f"{period}, group {keys}"
        metrics = _metrics(group["Metrics"], where_group, required)
        for metric, value in metrics.items():
            if metric in METRIC_COLUMNS:
                row[METRIC_COLUMNS[metric]] = _amount(value, where_group, metric)
        row["usage_unit"] = _unit(metrics)
        row["_exact"] = metrics[REQUIRED_METRIC]["Amount"]
        rows.append(row)
    return rows


def _total_row(result: dict, period: str, required: list[str]) -> dict:
    """The row of a period without groups: its Total."""
    metrics = _metrics(result["Total"], f"{period}, Total", required)
    return (
        {"service": "(total)", "usage_type": ""}
        | {
            METRIC_COLUMNS[m]: _amount(v, f"{period}, Total", m)
            for m, v in metrics.items()
            if m in METRIC_COLUMNS
        }
        | {"usage_unit": _unit(metrics), "_exact": metrics[REQUIRED_METRIC]["Amount"]}
    )


def read_page(
    page: dict, where: str, record_type: str = "", required: list[str] | None = None
) -> tuple[pd.DataFrame, dict[str, Decimal]]:
    """Tidy rows of one GetCostAndUsage response page, and the exact (Decimal) sum of their
    UnblendedCost per month, from the amounts' own text.

    Every group must carry the ``required`` metrics (default: UnblendedCost) with a finite
    USD amount, and as many ``Keys`` as the page has ``GroupDefinitions``: anything else
    is an :class:`InputError`, never a group left out.
    """
    required = required if required is not None else [REQUIRED_METRIC]
    frames: list[pd.DataFrame] = []
    sums: dict[str, Decimal] = {}
    results = _results(page, where)
    # with GroupDefinitions the dimensions are the page's, whatever the keys
    page_dims = _group_dimensions(page, []) if page.get("GroupDefinitions") else None
    for i, result in enumerate(results):
        start, end = _period(result, where, i)
        period = f"{where}, period {start.date()}"
        groups = result.get("Groups") or []
        if not isinstance(groups, list):
            raise InputError(f"{period}: 'Groups' must be a list")
        if not groups:
            if not result.get("Total"):
                continue
            row = _total_row(result, period, required)
            exact = [row.pop("_exact")]
            frame = pd.DataFrame([row])
        else:
            dims = page_dims
            if dims is None and not any("$" in k for g in groups for k in _keys_or_empty(g)):
                dims = _group_dimensions(page, _keys_or_empty(groups[0]))  # the same for every group
            plain = _plain_columns(groups, dims, required) if dims is not None else None
            if plain is not None:
                exact = plain.pop("_exact")
                frame = pd.DataFrame(plain)
            else:
                rows = _strict_rows(groups, page, page_dims, period, required)
                exact = [row.pop("_exact") for row in rows]
                frame = pd.DataFrame(rows)
        month = start.strftime("%Y-%m")
        sums[month] = sums.get(month, Decimal(0)) + sum(map(Decimal, map(str, exact)), Decimal(0))
        frame["period_start"] = start
        frame["period_end"] = end
        frame["month"] = month
        frame["granularity"] = _granularity(start, end)
        frame["estimated"] = bool(result.get("Estimated", False))
        # a key column (RECORD_TYPE grouped on) says more than the request's filter
        frame["record_type"] = (
            frame["record_type"].fillna(record_type) if "record_type" in frame else record_type
        )
        for column in ("service", "usage_type"):
            if column not in frame:
                frame[column] = ""
        frame["source"] = where
        frames.append(frame)
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), sums


def _keys_or_empty(group: Any) -> list:
    keys = group.get("Keys") if isinstance(group, dict) else None
    return keys if isinstance(keys, list) and all(isinstance(k, str) for k in keys) else []


def _unit(metrics: dict) -> str:
    quantity = metrics.get("UsageQuantity")
    return str(quantity.get("Unit", "")) if isinstance(quantity, dict) else ""


def _ungrouped_totals(pages: list, where: str) -> list[tuple[pd.Timestamp, pd.Timestamp, Decimal]]:
    """(start, end, UnblendedCost) of each period of an ungrouped request's pages."""
    out = []
    for p, page in enumerate(pages):
        for i, result in enumerate(_results(page, f"{where}, page {p + 1}")):
            start, end = _period(result, where, i)
            total = result.get("Total") or {}
            metrics = _metrics(total, f"{where}, period {start.date()}, Total", [REQUIRED_METRIC])
            amount = _amount_decimal(metrics[REQUIRED_METRIC], f"{where}, period {start.date()}", "Total")
            out.append((start, end, amount))
    return out


def _check_complete(pages: list, where: str) -> None:
    """The last page of a request must not carry a ``NextPageToken``: the pages after it
    were never fetched, and their groups would be missing without a word."""
    last = pages[-1] if pages else None
    if isinstance(last, dict) and last.get("NextPageToken"):
        raise InputError(
            f"{where}, page {len(pages)}: the last page saved still carries a NextPageToken, so the "
            "pages after it were never fetched and the file is incomplete; fetch it again "
            "(costmodel fetch-actuals follows every page)"
        )


def _requests_of(payload: Any, origin: str) -> list[tuple[dict, list[dict]]]:
    """(request, pages) pairs of any accepted JSON shape."""
    if isinstance(payload, dict) and "requests" in payload:
        if not isinstance(payload["requests"], list):
            raise InputError(f"{origin}: 'requests' must be a list")
        out = []
        for i, entry in enumerate(payload["requests"]):
            if not isinstance(entry, dict) or not isinstance(entry.get("pages"), list):
                raise InputError(f"{origin}: requests[{i}] needs a 'pages' list")
            request = entry.get("request", {})
            if not isinstance(request, dict):
                raise InputError(f"{origin}: requests[{i}].request must be a mapping")
            out.append((request, entry["pages"]))
        return out
    if isinstance(payload, dict) and "boto3_shape" in payload:
        return [({}, [payload["boto3_shape"]])]
    if isinstance(payload, dict):
        return [({}, [payload])]
    if isinstance(payload, list):
        return [({}, payload)]
    raise InputError(
        f"{origin}: expected a GetCostAndUsage response, a list of pages, or a costmodel fetch-actuals file"
    )


def _record_type_of(request: dict) -> str:
    """The RECORD_TYPE a request was filtered to, when it names exactly one."""
    flt = request.get("Filter", {}) if isinstance(request, dict) else {}
    dims = flt.get("Dimensions", {}) if isinstance(flt, dict) else {}
    values = dims.get("Values", []) if isinstance(dims, dict) else []
    if dims.get("Key") == "RECORD_TYPE" and isinstance(values, list) and len(values) == 1:
        return str(values[0])
    return ""


def _is_control_request(request: dict, pages: list) -> bool:
    """An unfiltered request without GroupBy: Cost Explorer's own total of the period, which
    ``fetch-actuals`` saves beside the grouped requests to check them against."""
    if request:
        return not request.get("GroupBy") and not request.get("Filter")
    return False


@dataclass(frozen=True)
class Actuals:
    """Actuals as read: the tidy rows and, per month, the totals they must conserve.

    Attributes
    ----------
    rows : DataFrame
        One row per period and group (see :func:`read`).
    controls : DataFrame
        One row per month: ``month``, ``groups`` (rows read), ``groups_total`` [USD, the
        Decimal sum of the group amounts as written in the file], ``control_total`` [USD,
        an independent total of the same money] and ``control_source`` (what that total
        is: Cost Explorer's ungrouped total, the console's ``Total costs($)`` column, or,
        when the file carries none, the groups' own sum, said so).
    origin : str
        The file name.
    """

    rows: pd.DataFrame
    controls: pd.DataFrame
    origin: str = "<memory>"

    def control(self, month: str) -> pd.Series:
        """The control row of ``month``."""
        found = self.controls.loc[self.controls["month"] == month]
        if found.empty:
            raise InputError(f"{self.origin}: no data for {month}")
        return found.iloc[0]


def _controls(
    rows: pd.DataFrame,
    group_sums: dict[str, Decimal],
    independent: dict[str, Decimal],
    source: str,
    origin: str,
) -> pd.DataFrame:
    """Per-month control table; groups that disagree with the independent total are refused."""
    counts = rows.groupby("month").size() if len(rows) else pd.Series(dtype=int)
    out = []
    for month in sorted(set(group_sums) | set(independent)):
        groups_total = group_sums.get(month, Decimal(0))
        if month in independent:
            control = independent[month]
            if abs(control - groups_total) > Decimal(str(CONSERVATION_TOLERANCE_USD)):
                raise InputError(
                    f"{origin}, {month}: the groups add up to {groups_total:.2f} USD but {source} "
                    f"says {control:.2f} USD: a page or group is missing, repeated or altered"
                )
            what = source
        else:
            control, what = groups_total, "sum of the groups as read (the file has no independent total)"
        out.append(
            {
                "month": month,
                "groups": int(counts.get(month, 0)),
                "groups_total": float(groups_total),
                "control_total": float(control),
                "control_source": what,
            }
        )
    return pd.DataFrame(out, columns=["month", "groups", "groups_total", "control_total", "control_source"])


def _group_sums(rows: list[dict], amounts: list[Decimal]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for row, amount in zip(rows, amounts, strict=True):
        sums[row["month"]] = sums.get(row["month"], Decimal(0)) + amount
    return sums


def read_cost_and_usage_with_controls(payload: Any, origin: str = "<memory>") -> Actuals:
    """Rows and per-month controls of parsed GetCostAndUsage JSON (any shape of the module
    docstring). Ungrouped, unfiltered requests (``fetch-actuals`` saves one per month) are
    the independent totals the grouped rows are checked against, not rows themselves."""
    frames: list[pd.DataFrame] = []
    group_sums: dict[str, Decimal] = {}
    independent: dict[str, Decimal] = {}
    requests = _requests_of(payload, origin)
    grouped = [(r, pg) for r, pg in requests if not _is_control_request(r, pg)]
    control_periods: list[tuple[pd.Timestamp, pd.Timestamp, str]] = []
    for r, (request, pages) in enumerate(requests):
        where_request = f"{origin}, request {r + 1}"
        _check_complete(pages, where_request if len(requests) > 1 else origin)
        if _is_control_request(request, pages) and grouped:
            for start, end, amount in _ungrouped_totals(pages, where_request):
                month = start.strftime("%Y-%m")
                independent[month] = independent.get(month, Decimal(0)) + amount
                control_periods.append((start, end, where_request))
            continue
        required = _required_metrics(request)
        for p, page in enumerate(pages):
            where = f"{where_request}, page {p + 1}" if len(pages) > 1 or r else origin
            page_frame, page_sums = read_page(page, where, _record_type_of(request), required)
            if len(page_frame):
                frames.append(page_frame)
            for month, amount in page_sums.items():
                group_sums[month] = group_sums.get(month, Decimal(0)) + amount
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for column in TIDY_COLUMNS:
        if column not in frame.columns:
            frame[column] = np.nan if column in METRIC_COLUMNS.values() else ""
    if "other_keys" in frame.columns:
        frame["other_keys"] = frame["other_keys"].fillna("")
    frame = frame[TIDY_COLUMNS + [c for c in frame.columns if c not in TIDY_COLUMNS]]
    _check_consistency(frame, origin)
    check_periods(frame[["period_start", "period_end", "source"]], origin)
    if control_periods:
        check_periods(pd.DataFrame(control_periods, columns=["period_start", "period_end", "source"]), origin)
    controls = _controls(frame, group_sums, independent, "Cost Explorer's ungrouped total", origin)
    return Actuals(rows=frame, controls=controls, origin=origin)


def _required_metrics(request: dict) -> list[str]:
    """Cost metrics every group must carry: those the request asked for, and UnblendedCost."""
    asked = request.get("Metrics") if isinstance(request, dict) else None
    asked = [m for m in asked if m in COST_METRICS] if isinstance(asked, list) else []
    return [REQUIRED_METRIC, *[m for m in asked if m != REQUIRED_METRIC]]


def read_cost_and_usage(payload: Any, origin: str = "<memory>") -> pd.DataFrame:
    """Tidy rows of parsed GetCostAndUsage JSON (any shape of the module docstring)."""
    return read_cost_and_usage_with_controls(payload, origin).rows


def _check_consistency(frame: pd.DataFrame, origin: str) -> None:
    if frame.empty:
        raise InputError(f"{origin}: no cost data (empty ResultsByTime)")
    kinds = set(frame["granularity"])
    if len(kinds - {"MONTHLY"}) and len(kinds) > 1:
        raise InputError(f"{origin}: mixed granularity {sorted(kinds)}; fetch one granularity per file")
    keys = ["period_start", "service", "usage_type", "record_type"]
    if "other_keys" in frame.columns:
        keys.append("other_keys")
    dup = frame.duplicated(subset=keys, keep=False)
    if dup.any():
        first = frame.loc[dup].iloc[0]
        raise InputError(
            f"{origin}: duplicate period {first['period_start'].date()} for "
            f"{first['service']!r} {first['usage_type']!r} (the same page saved twice?)"
        )


def console_labels() -> dict[str, str]:
    """Console display label -> Cost Explorer SERVICE value."""
    table = pd.read_csv(data_path("reconcile", "console-service-labels.csv"), keep_default_na=False)
    return dict(zip(table["console_label"], table["service"], strict=True))


def _console_cell(cell: str, where: str) -> Decimal:
    return finite_decimal(cell, f"{where}:")


def _console_header(reader: list[list[str]], origin: str) -> list[str]:
    """The service labels of a console export's header (between the first and last cells)."""
    if not reader or not reader[0] or not reader[0][-1].startswith("Total costs"):
        raise InputError(f"{origin}: not a Cost Explorer console export (no 'Total costs($)' column)")
    services = [h.removesuffix("($)") for h in reader[0][1:-1]]
    repeated = [s for s in services if services.count(s) > 1]
    if repeated:
        raise InputError(f"{origin}, line 1: column {repeated[0]!r} appears twice")
    return services


# Console dates other than ISO: 2026/10/01 (year first, one reading) and 01/10/2026 or
# 01.10.2026 (year last: day first or month first, as the browser's locale had it).
_YEAR_FIRST = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_YEAR_LAST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def _day_first(cells: list[tuple[int, str]], origin: str) -> bool | None:
    """Whether the file's year-last dates are day first, from the file itself: a first
    number above 12 says day first, a second one above 12 month first. None when the file
    has no year-last date; refused when it says both, or neither while a date reads two ways."""
    first = [(n, t) for n, t in cells if (m := _YEAR_LAST.fullmatch(t)) and int(m.group(1)) > 12]
    second = [(n, t) for n, t in cells if (m := _YEAR_LAST.fullmatch(t)) and int(m.group(2)) > 12]
    if first and second:
        raise InputError(
            f"{origin}: line {first[0][0]} ({first[0][1]!r}) has the day first and line "
            f"{second[0][0]} ({second[0][1]!r}) the month first; give one date format (YYYY-MM-DD)"
        )
    if first or second:
        return bool(first)
    for n, text in cells:
        if (m := _YEAR_LAST.fullmatch(text)) and m.group(1) != m.group(2):
            a, b, year = (int(g) for g in m.groups())
            raise InputError(
                f"{origin}, line {n}: period {text!r} reads as {year}-{a:02d}-{b:02d} (month first) or "
                f"{year}-{b:02d}-{a:02d} (day first), and no date in the file says which (a day above "
                "12); export the CSV with ISO dates (YYYY-MM-DD) or write them so"
            )
    return None


def _console_dates(cells: list[tuple[int, str]], origin: str) -> dict[int, pd.Timestamp]:
    """The period (a UTC day) of each line ``n`` from its first cell: ISO (an offset is
    converted to UTC, and must then still be a day's start), year first, or year last when
    the file itself says which of day and month comes first (see :func:`_day_first`)."""
    cells = [(n, text.strip()) for n, text in cells]
    day_first = _day_first(cells, origin)
    out: dict[int, pd.Timestamp] = {}
    for n, text in cells:
        where = f"{origin}, line {n}: period"
        try:
            if m := _YEAR_LAST.fullmatch(text):
                a, b, year = (int(g) for g in m.groups())
                day, month = (a, b) if day_first else (b, a)
                start = pd.Timestamp(year=year, month=month, day=day)
            elif m := _YEAR_FIRST.fullmatch(text):
                start = pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=int(m.group(3)))
            else:
                start = period_bound(text, where)
        except InputError:
            raise
        except ValueError:  # 31/02/2026
            raise InputError(f"{where} {text!r} is not a date") from None
        if start != start.normalize():
            raise InputError(
                f"{where} {text!r} is {start} in UTC, not the start of a day; a console period is a "
                "UTC day or month: export it again without a time"
            )
        out[n] = start
    return out


def _console_period(
    line: list[str], n: int, start: pd.Timestamp, services: list[str], labels: dict[str, str], origin: str
) -> tuple[list[dict], list[Decimal], Decimal]:
    """One period row (dated ``start``): its tidy rows, their exact amounts and its stated total."""
    rows, amounts = [], []
    for service, cell in zip(services, line[1:-1], strict=True):
        if cell.strip() == "":
            continue
        amount = _console_cell(cell, f"{origin}, line {n}, {service}")
        amounts.append(amount)
        rows.append(
            {
                "period_start": start,
                "service": labels.get(service, service),
                "usage_type": "",
                "record_type": record_types.TAX if service == record_types.TAX_SERVICE else "",
                "unblended_cost": float(amount),
                "source": f"{origin}, line {n}",
                "_label": service,
            }
        )
    if line[-1].strip() == "":
        raise InputError(f"{origin}, line {n}: 'Total costs($)' is empty")
    stated = _console_cell(line[-1], f"{origin}, line {n}, Total costs($)")
    if abs(stated - sum(amounts, Decimal(0))) > Decimal("0.01"):
        raise InputError(
            f"{origin}, line {n}: services add up to {sum(amounts, Decimal(0))} but "
            f"'Total costs($)' says {stated}"
        )
    return rows, amounts, stated


def _check_service_totals(
    stated: dict[str, Decimal], rows: list[dict], amounts: list[Decimal], origin: str
) -> None:
    """Each column's periods must add up to its 'Service total' (a missing row shows here)."""
    sums = dict.fromkeys(stated, Decimal(0))
    for row, amount in zip(rows, amounts, strict=True):
        sums[row["_label"]] += amount
    for service, total in stated.items():
        if abs(total - sums[service]) > Decimal("0.01"):
            raise InputError(
                f"{origin}: the periods of {service!r} add up to {sums[service]} but its "
                f"'Service total' says {total} (a period row missing or repeated?)"
            )


def _console_granularity(periods: list[pd.Timestamp], origin: str) -> str:
    """MONTHLY when every period starts a month (a single one too: the export does not say,
    and a lone row dated the 1st is a month far more often than a day); DAILY when they
    are days; anything else is refused rather than guessed."""
    distinct = sorted(periods)
    gaps = [(b - a).days for a, b in pairwise(distinct)]
    if all(p.day == 1 for p in distinct) and all(g >= 28 for g in gaps):
        return "MONTHLY"
    if not gaps or min(gaps) == 1:
        return "DAILY"
    raise InputError(
        f"{origin}: the periods ({', '.join(str(p.date()) for p in distinct[:4])}, ...) are neither all "
        "months nor days; export one granularity (Daily or Monthly) per file"
    )


def _console_frame(rows: list[dict], periods: list[pd.Timestamp], origin: str = "<memory>") -> pd.DataFrame:
    """Tidy columns for console rows; the granularity is read from the periods."""
    frame = pd.DataFrame(
        rows, columns=["period_start", "service", "usage_type", "record_type", "unblended_cost", "source"]
    )
    monthly = _console_granularity(periods, origin) == "MONTHLY"
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = frame["period_start"] + (
        pd.DateOffset(months=1) if monthly else pd.Timedelta(days=1)
    )
    frame["granularity"] = "MONTHLY" if monthly else "DAILY"
    frame["month"] = frame["period_start"].dt.strftime("%Y-%m")
    frame["estimated"] = False
    for column in TIDY_COLUMNS:
        if column not in frame.columns:
            frame[column] = np.nan if column in METRIC_COLUMNS.values() else ""
    return frame[TIDY_COLUMNS]


def read_console_csv_with_controls(text: str, origin: str = "<memory>") -> Actuals:
    """Rows and controls of a Cost Explorer console "Download CSV" export (grouped by service).

    The export is wide: a header of ``<label>($)`` columns ending with ``Total costs($)``, a
    ``Service total`` row, then one row per period. Labels are console names (``EC2-Instances``),
    mapped to API SERVICE values where known and kept as they are otherwise. The export
    carries one cost metric (the console's, unblended by default) and no usage quantities.

    Each period's cells must add up to its ``Total costs($)``, each column to its ``Service
    total``, and no period may appear twice: the ``Total costs($)`` column is then the
    independent total that reconciliation conserves.
    """
    try:
        reader = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(f"{origin}: not a readable CSV file ({exc})") from None
    services, labels = _console_header(reader, origin), console_labels()
    rows: list[dict] = []
    amounts: list[Decimal] = []
    seen: dict[pd.Timestamp, int] = {}
    independent: dict[str, Decimal] = {}
    service_totals: dict[str, Decimal] | None = None
    periods: list[tuple[int, list[str]]] = []
    for n, line in enumerate(reader[1:], start=2):
        if not line or all(c.strip() == "" for c in line):
            continue
        if len(line) != len(reader[0]):
            raise InputError(f"{origin}, line {n}: {len(line)} cells, header has {len(reader[0])}")
        if line[0] == "Service total":
            if service_totals is not None:
                raise InputError(f"{origin}, line {n}: a second 'Service total' row")
            where = f"{origin}, line {n}"
            service_totals = {
                svc: _console_cell(cell or "0", f"{where}, {svc}")
                for svc, cell in zip(services, line[1:-1], strict=True)
            }
            continue
        periods.append((n, line))
    dates = _console_dates([(n, line[0]) for n, line in periods], origin)
    for n, line in periods:
        start = dates[n]
        period_rows, period_amounts, stated = _console_period(line, n, start, services, labels, origin)
        if start in seen:
            raise InputError(
                f"{origin}, line {n}: period {start.date()} already given on line {seen[start]} "
                "(the same rows pasted twice?)"
            )
        seen[start] = n
        rows += period_rows
        amounts += period_amounts
        month = start.strftime("%Y-%m")
        independent[month] = independent.get(month, Decimal(0)) + stated
    if not seen:
        raise InputError(f"{origin}: no period rows")
    if service_totals is not None:
        _check_service_totals(service_totals, rows, amounts, origin)
    frame = _console_frame(rows, list(seen), origin)
    group_sums = _group_sums(frame.to_dict("records"), amounts)
    controls = _controls(frame, group_sums, independent, "the console's 'Total costs($)' column", origin)
    return Actuals(rows=frame, controls=controls, origin=origin)


def read_console_csv(text: str, origin: str = "<memory>") -> pd.DataFrame:
    """Tidy rows of a Cost Explorer console export (see :func:`read_console_csv_with_controls`)."""
    return read_console_csv_with_controls(text, origin).rows


def read_actuals(path: str | Path) -> Actuals:
    """Read a saved Cost Explorer file (JSON response(s) or console CSV): rows and controls.

    The controls are what reconciliation conserves money against: an independent total per
    month where the file has one (``fetch-actuals`` saves Cost Explorer's ungrouped total; the
    console export has its ``Total costs($)`` column), else the groups' own sum, said so.
    """
    path = Path(path)
    text = read_text(path, "actuals")
    stripped = text.lstrip()
    if not stripped:
        raise InputError(f"{path.name}: the actuals file is empty")
    if stripped.startswith(("{", "[")):
        with collection_paused():  # a million groups are millions of new objects, none cyclic
            return read_cost_and_usage_with_controls(load_json(text, path.name), origin=path.name)
    return read_console_csv_with_controls(text, origin=path.name)


def read(path: str | Path) -> pd.DataFrame:
    """Read a saved Cost Explorer file (JSON response(s) or console CSV) into tidy rows.

    Returns
    -------
    DataFrame
        One row per period and group: ``period_start``, ``period_end``, ``month``,
        ``granularity``, ``service``, ``usage_type``, ``record_type`` (where known),
        ``unblended_cost``, ``amortized_cost``, ``net_amortized_cost``,
        ``net_unblended_cost``, ``blended_cost`` [USD; NaN when the metric was not
        requested], ``usage_quantity`` and ``usage_unit``, ``estimated`` (bool), ``source``.
        :func:`read_actuals` also returns the per-month totals to conserve.
    """
    return read_actuals(path).rows
