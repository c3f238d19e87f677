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
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from costmodel.data_files import data_path, read_text
from costmodel.errors import InputError

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


def _amount(metric: Any, where: str, name: str) -> float:
    if not isinstance(metric, dict) or "Amount" not in metric:
        raise InputError(f"{where}: metric {name} has no 'Amount'")
    raw = metric["Amount"]
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise InputError(f"{where}: metric {name} Amount {raw!r} is not a number") from None
    unit = metric.get("Unit", "")
    if name in COST_METRICS and unit != "USD":
        raise InputError(f"{where}: metric {name} is in {unit!r}; costmodel reconciles USD only")
    return float(value)


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


def rows_of_page(page: dict, where: str, record_type: str = "") -> list[dict]:
    """Tidy rows of one GetCostAndUsage response page."""
    if not isinstance(page, dict) or "ResultsByTime" not in page:
        raise InputError(f"{where}: not a GetCostAndUsage response (no 'ResultsByTime')")
    rows = []
    for i, result in enumerate(page["ResultsByTime"]):
        try:
            start = pd.Timestamp(result["TimePeriod"]["Start"])
            end = pd.Timestamp(result["TimePeriod"]["End"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{where}: ResultsByTime[{i}] has no valid TimePeriod Start/End") from None
        period = f"{where}, period {start.date()}"
        base = {
            "period_start": start,
            "period_end": end,
            "month": start.strftime("%Y-%m"),
            "granularity": _granularity(start, end),
            "estimated": bool(result.get("Estimated", False)),
            "record_type": record_type,
            "source": where,
        }
        groups = result.get("Groups") or []
        if not groups:
            total = result.get("Total") or {}
            if total:
                rows.append(
                    base
                    | {"service": "(total)", "usage_type": ""}
                    | {
                        METRIC_COLUMNS[m]: _amount(v, period, m)
                        for m, v in total.items()
                        if m in METRIC_COLUMNS
                    }
                    | {"usage_unit": total.get("UsageQuantity", {}).get("Unit", "")}
                )
            continue
        for group in groups:
            keys = group.get("Keys")
            if not isinstance(keys, list) or "Metrics" not in group:
                raise InputError(f"{period}: a group lacks 'Keys' or 'Metrics'")
            dims = _group_dimensions(page, keys)
            row = base | {"service": "", "usage_type": ""}
            for dim, key in zip(dims, keys, strict=True):
                column = KEY_TO_COLUMN.get(dim)
                if column:
                    row[column] = key
                else:
                    row.setdefault("other_keys", []).append(f"{dim}={key}")
            where_group = f"{period}, group {keys}"
            for metric, value in group["Metrics"].items():
                if metric in METRIC_COLUMNS:
                    row[METRIC_COLUMNS[metric]] = _amount(value, where_group, metric)
            row["usage_unit"] = group["Metrics"].get("UsageQuantity", {}).get("Unit", "")
            rows.append(row)
    return rows


def _requests_of(payload: Any, origin: str) -> list[tuple[dict, list[dict]]]:
    """(request, pages) pairs of any accepted JSON shape."""
    if isinstance(payload, dict) and "requests" in payload:
        out = []
        for i, entry in enumerate(payload["requests"]):
            if not isinstance(entry, dict) or not isinstance(entry.get("pages"), list):
                raise InputError(f"{origin}: requests[{i}] needs a 'pages' list")
            out.append((entry.get("request", {}), entry["pages"]))
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
    dims = flt.get("Dimensions", {})
    if dims.get("Key") == "RECORD_TYPE" and len(dims.get("Values", [])) == 1:
        return dims["Values"][0]
    return ""


def read_cost_and_usage(payload: Any, origin: str = "<memory>") -> pd.DataFrame:
    """Tidy rows of parsed GetCostAndUsage JSON (any shape of the module docstring)."""
    rows = []
    for r, (request, pages) in enumerate(_requests_of(payload, origin)):
        for p, page in enumerate(pages):
            where = f"{origin}, request {r + 1}, page {p + 1}" if len(pages) > 1 or r else origin
            rows += rows_of_page(page, where, _record_type_of(request))
    frame = pd.DataFrame(rows)
    for column in TIDY_COLUMNS:
        if column not in frame.columns:
            frame[column] = np.nan if column in METRIC_COLUMNS.values() else ""
    if "other_keys" in frame.columns:
        frame["other_keys"] = frame["other_keys"].map(lambda v: ";".join(v) if isinstance(v, list) else "")
    _check_consistency(frame, origin)
    return frame


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
    table = pd.read_csv(data_path("actuals", "console-service-labels.csv"), keep_default_na=False)
    return dict(zip(table["console_label"], table["service"], strict=True))


def read_console_csv(text: str, origin: str = "<memory>") -> pd.DataFrame:
    """Tidy rows of a Cost Explorer console "Download CSV" export (grouped by service).

    The export is wide: a header of ``<label>($)`` columns ending with ``Total costs($)``, a
    ``Service total`` row, then one row per period. Labels are console names (``EC2-Instances``),
    mapped to API SERVICE values where known and kept as they are otherwise. The export
    carries one cost metric (the console's, unblended by default) and no usage quantities.
    """
    reader = list(csv.reader(io.StringIO(text)))
    if not reader or not reader[0] or not reader[0][-1].startswith("Total costs"):
        raise InputError(f"{origin}: not a Cost Explorer console export (no 'Total costs($)' column)")
    header, labels = reader[0], console_labels()
    services = [h.removesuffix("($)") for h in header[1:-1]]
    rows, dates = [], []
    for n, line in enumerate(reader[1:], start=2):
        if not line or line[0] in ("Service total", ""):
            continue
        if len(line) != len(header):
            raise InputError(f"{origin}, line {n}: {len(line)} cells, header has {len(header)}")
        try:
            start = pd.Timestamp(line[0])
        except ValueError:
            raise InputError(f"{origin}, line {n}: period {line[0]!r} is not a date") from None
        dates.append(start)
        total = Decimal(0)
        for service, cell in zip(services, line[1:-1], strict=True):
            if cell == "":
                continue
            try:
                amount = Decimal(cell)
            except InvalidOperation:
                raise InputError(f"{origin}, line {n}, {service}: {cell!r} is not a number") from None
            total += amount
            rows.append(
                {
                    "period_start": start,
                    "service": labels.get(service, service),
                    "usage_type": "",
                    "record_type": "Tax" if service == "Tax" else "",
                    "unblended_cost": float(amount),
                    "source": f"{origin}, line {n}",
                }
            )
        stated = Decimal(line[-1] or "0")
        if abs(stated - total) > Decimal("0.01"):
            raise InputError(
                f"{origin}, line {n}: services add up to {total} but 'Total costs($)' says {stated}"
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        raise InputError(f"{origin}: no period rows")
    distinct = sorted(set(dates))
    step = (distinct[1] - distinct[0]).days if len(distinct) > 1 else 1
    monthly = len(distinct) > 1 and step >= 28
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
    """
    path = Path(path)
    text = read_text(path, "actuals")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path.name}: not valid JSON ({exc})") from None
        return read_cost_and_usage(payload, origin=path.name)
    return read_console_csv(text, origin=path.name)
