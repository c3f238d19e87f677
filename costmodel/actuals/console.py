"""Parse the Cost Explorer console's "Download CSV" export into :class:`Actuals`."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from itertools import pairwise

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.actuals.controls import (
    MAY_NET_CREDITS,
    METRIC_COLUMNS,
    TIDY_COLUMNS,
    Actuals,
    controls_table,
    group_sums,
)
from costmodel.actuals.periods import period_bound
from costmodel.data_files import data_path
from costmodel.errors import InputError
from costmodel.inputs import finite_decimal


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
    grouping = reader[0][0].strip().lstrip("\ufeff")
    if grouping not in ("Service", ""):
        # its columns are accounts, usage types or regions: read as services they would be wrong
        raise InputError(
            f"{origin}, line 1: a console export grouped by {grouping!r}; costmodel reads one grouped "
            "by Service (Cost Explorer: Group by Service, then Download CSV)"
        )
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
    # the export's services hold whatever credits the console's charge types let in
    frame[MAY_NET_CREDITS] = frame["record_type"] == ""
    return frame[[*TIDY_COLUMNS, MAY_NET_CREDITS]]


def read_console(text: str, origin: str = "<memory>") -> Actuals:
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
    grand_total: tuple[int, Decimal] | None = None
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
            grand_total = (n, _console_cell(line[-1] or "0", f"{where}, Total costs($)"))
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
    if grand_total is not None and abs(grand_total[1] - sum(independent.values())) > Decimal("0.01"):
        # the Total costs($) column is the control total: it must agree with itself too
        raise InputError(
            f"{origin}, line {grand_total[0]}: the periods' 'Total costs($)' add up to "
            f"{sum(independent.values())} but the 'Service total' row says {grand_total[1]} "
            "(a period row missing or repeated?)"
        )
    frame = _console_frame(rows, list(seen), origin)
    sums = group_sums(frame.to_dict("records"), amounts)
    controls = controls_table(frame, sums, independent, "the console's 'Total costs($)' column", origin)
    return Actuals(rows=frame, controls=controls, origin=origin)
