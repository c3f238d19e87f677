"""Parse GetCostAndUsage responses (as boto3 returns them, or as saved) into :class:`Actuals`.

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

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.actuals.controls import (
    COST_METRICS,
    KEY_TO_COLUMN,
    MAY_NET_CREDITS,
    METRIC_COLUMNS,
    REQUIRED_METRIC,
    TIDY_COLUMNS,
    Actuals,
    controls_table,
)
from costmodel.actuals.periods import check_periods, granularity, period_bound
from costmodel.errors import InputError
from costmodel.inputs import PLAUSIBLE_MAXIMUM, finite_decimal


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


def _period(result: Any, where: str, i: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    period = result.get("TimePeriod") if isinstance(result, dict) else None
    if not isinstance(period, dict) or "Start" not in period or "End" not in period:
        raise InputError(f"{where}: ResultsByTime[{i}] has no valid TimePeriod Start/End")
    start = period_bound(period["Start"], f"{where}: ResultsByTime[{i}] TimePeriod Start")
    end = period_bound(period["End"], f"{where}: ResultsByTime[{i}] TimePeriod End")
    if end <= start:
        raise InputError(f"{where}: ResultsByTime[{i}] TimePeriod End must be after Start")
    return start, end


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
) -> tuple[pd.DataFrame, dict[str, Decimal], list[tuple[pd.Timestamp, pd.Timestamp]]]:
    """Tidy rows of one GetCostAndUsage response page, the periods it lists without cost
    (no groups, no total: covered at $0), and the exact (Decimal) sum of their
    UnblendedCost per month, from the amounts' own text.

    Every group must carry the ``required`` metrics (default: UnblendedCost) with a finite
    USD amount, and as many ``Keys`` as the page has ``GroupDefinitions``: anything else
    is an :class:`InputError`, never a group left out.
    """
    required = required if required is not None else [REQUIRED_METRIC]
    blocks = _Blocks()
    sums: dict[str, Decimal] = {}
    empty: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    results = _results(page, where)
    # with GroupDefinitions the dimensions are the page's, whatever the keys
    page_dims = _group_dimensions(page, []) if page.get("GroupDefinitions") else None
    for i, result in enumerate(results):
        start, end = _period(result, where, i)
        period = f"{where}, period {start.date()}"
        groups = result.get("Groups") or []
        if not isinstance(groups, list):
            raise InputError(f"{period}: 'Groups' must be a list")
        month = start.strftime("%Y-%m")
        if not groups:
            if not result.get("Total"):
                # a period without cost: Cost Explorer lists it with no groups; its month is
                # in the file, at $0 (not missing, which a budget's period must refuse)
                sums[month] = sums.get(month, Decimal(0))
                empty.append((start, end))
                continue
            columns = _as_columns([_total_row(result, period, required)])
        else:
            dims = page_dims
            if dims is None and not any("$" in k for g in groups for k in _keys_or_empty(g)):
                dims = _group_dimensions(page, _keys_or_empty(groups[0]))  # the same for every group
            plain = _plain_columns(groups, dims, required) if dims is not None else None
            columns = (
                plain
                if plain is not None
                else _as_columns(_strict_rows(groups, page, page_dims, period, required))
            )
        exact = columns.pop("_exact")
        sums[month] = sums.get(month, Decimal(0)) + sum(map(Decimal, map(str, exact)), Decimal(0))
        blocks.add(
            columns,
            len(exact),
            (start, end, month, granularity(start, end), bool(result.get("Estimated", False))),
        )
    return blocks.frame(where, record_type), sums, empty


def _as_columns(rows: list[dict]) -> dict[str, list]:
    """Rows as columns; a key some rows lack is NaN in them (as a DataFrame of the rows)."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    return {name: [row.get(name, np.nan) for row in rows] for name in names}


class _Blocks:
    """A page's periods, each a block of columns, made one frame at the end: a frame per
    period cost most of the reading time (a daily file has hundreds of periods)."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {}
        self.sizes: list[int] = []
        self.periods: list[tuple[pd.Timestamp, pd.Timestamp, str, str, bool]] = []

    def add(self, columns: dict[str, Any], size: int, period: tuple) -> None:
        done = sum(self.sizes)
        for name in columns.keys() - self.columns.keys():
            self.columns[name] = [np.full(done, np.nan)] if done else []
        for name, chunks in self.columns.items():
            chunks.append(columns[name] if name in columns else np.full(size, np.nan))
        self.sizes.append(size)
        self.periods.append(period)

    def frame(self, where: str, record_type: str) -> pd.DataFrame:
        if not self.sizes:
            return pd.DataFrame()
        frame = pd.DataFrame({name: _joined(chunks) for name, chunks in self.columns.items()})
        starts, ends, months, granularities, estimated = zip(*self.periods, strict=True)

        def each_row(values: tuple, dtype: Any = None) -> np.ndarray:
            return np.repeat(np.array(values, dtype=dtype), self.sizes)

        frame["period_start"] = each_row(tuple(s.to_datetime64() for s in starts))
        frame["period_end"] = each_row(tuple(e.to_datetime64() for e in ends))
        frame["month"] = each_row(months, object)
        frame["granularity"] = each_row(granularities, object)
        frame["estimated"] = each_row(estimated, bool)
        # a key column (RECORD_TYPE grouped on) says more than the request's filter
        frame["record_type"] = (
            frame["record_type"].fillna(record_type) if "record_type" in frame else record_type
        )
        for column in ("service", "usage_type"):
            if column not in frame:
                frame[column] = ""
        frame["source"] = where
        return frame


def _joined(chunks: list) -> Any:
    if all(isinstance(c, np.ndarray) and c.dtype.kind == "f" for c in chunks):
        return np.concatenate(chunks)
    return [value for chunk in chunks for value in chunk]


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
            # the control total is money like every group: in USD, or refused
            amount = _amount_decimal(
                metrics[REQUIRED_METRIC], f"{where}, period {start.date()}, Total", REQUIRED_METRIC
            )
            out.append((start, end, amount))
    return out


def _check_complete(pages: list, where: str) -> None:
    """The last page of a request must not carry a ``NextPageToken``: the pages after it
    were never fetched, and their groups would be missing without a word."""
    last = pages[-1] if pages else None
    if isinstance(last, dict) and last.get("NextPageToken"):
        final = [
            n
            for n, page in enumerate(pages[:-1], start=1)
            if isinstance(page, dict) and not page.get("NextPageToken")
        ]
        if final:  # every page is there, in another order (page10.json sorted before page2.json)
            raise InputError(
                f"{where}: page {final[0]} has no NextPageToken (the last page of a request) but page "
                f"{len(pages)} after it has one: the pages are out of the order they were fetched in "
                "(page10 sorted before page2?), or the pages after the last were never fetched; save "
                "every page in the order fetched (costmodel fetch-actuals does)"
            )
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


def _excludes_one_offs(request: dict) -> bool:
    """Whether a request's filter leaves credits and refunds out (``fetch-actuals``' usage
    request: ``Not`` RECORD_TYPE ``Credit``, ``Refund``, ...), so that its rows hold none."""
    flt = request.get("Filter") if isinstance(request, dict) else None
    negated = flt.get("Not") if isinstance(flt, dict) else None
    dims = negated.get("Dimensions") if isinstance(negated, dict) else None
    if not isinstance(dims, dict) or dims.get("Key") != "RECORD_TYPE":
        return False
    values = dims.get("Values")
    return isinstance(values, list) and set(record_types.ONE_OFF) <= set(values)


def _is_control_request(request: dict, pages: list) -> bool:
    """An unfiltered request without GroupBy: Cost Explorer's own total of the period, which
    ``fetch-actuals`` saves beside the grouped requests to check them against."""
    if request:
        return not request.get("GroupBy") and not request.get("Filter")
    return False


def read_response(payload: Any, origin: str = "<memory>") -> Actuals:
    """Rows and per-month controls of parsed GetCostAndUsage JSON (any shape of the module
    docstring). Ungrouped, unfiltered requests (``fetch-actuals`` saves one per month) are
    the independent totals the grouped rows are checked against, not rows themselves."""
    frames: list[pd.DataFrame] = []
    group_sums: dict[str, Decimal] = {}
    independent: dict[str, Decimal] = {}
    requests = _requests_of(payload, origin)
    grouped = [(r, pg) for r, pg in requests if not _is_control_request(r, pg)]
    control_periods: list[tuple[pd.Timestamp, pd.Timestamp, str]] = []
    empty: list[tuple[pd.Timestamp, pd.Timestamp]] = []
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
            page_frame, page_sums, page_empty = read_page(page, where, _record_type_of(request), required)
            empty += page_empty
            if len(page_frame):
                untold = (page_frame["record_type"] == "") & (not _excludes_one_offs(request))
                frames.append(page_frame.assign(**{MAY_NET_CREDITS: untold}))
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
    controls = controls_table(frame, group_sums, independent, "Cost Explorer's ungrouped total", origin)
    return Actuals(rows=frame, controls=controls, origin=origin, empty_periods=tuple(sorted(set(empty))))


def _required_metrics(request: dict) -> list[str]:
    """Cost metrics every group must carry: those the request asked for, and UnblendedCost."""
    asked = request.get("Metrics") if isinstance(request, dict) else None
    asked = [m for m in asked if m in COST_METRICS] if isinstance(asked, list) else []
    return [REQUIRED_METRIC, *[m for m in asked if m != REQUIRED_METRIC]]


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
