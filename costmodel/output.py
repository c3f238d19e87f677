"""Presenting numbers: currency formatting and the three output formats of every command."""

from __future__ import annotations

import json
import math
import sys
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pandas as pd

# pandas is imported where it is used: the command line takes FORMATS before loading pandas
FORMATS = ("table", "csv", "json")


def cents(value: float) -> Decimal:
    """Round to cents, half up, after dropping float noise (16.425 -> 16.43, as by hand)."""
    return Decimal(repr(round(float(value), 6))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_unknown(value: object) -> bool:
    """None or NaN: a value that is not known (shown as ``unknown``, written as null)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float) -> str:
    """``1234.5`` -> ``$1,234.50`` (rounded to cents only here, for display); NaN -> ``unknown``."""
    if is_unknown(value):
        return "unknown"
    amount = cents(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def signed_money(value: float) -> str:
    """``+$1,234.56`` / ``-$281.23``: a difference, its sign always shown."""
    text = money(value)
    return text if text.startswith("-") or text == "unknown" else "+" + text


def signed_percent(percent: float) -> str:
    """``+17.2%`` / ``-3.1%`` from a percentage; a change that rounds to nothing reads ``0.0%``,
    never ``-0.0%``; NaN -> ``n/a``."""
    if is_unknown(percent):
        return "n/a"
    shown = round(float(percent), 1)
    return "0.0%" if shown == 0 else f"{shown:+.1f}%"


def change_text(now: float, before: float) -> str:
    """``+$1,234.56 (+17.2%)``: the later figure minus the earlier, and as a share of it."""
    pct = f" ({signed_percent((now - before) / before * 100)})" if before else ""
    return signed_money(now - before) + pct


def rate(value: float) -> str:
    """A unit price with the digits it was published with, and at least cents:
    ``2`` -> ``$2.00``, ``0.411`` -> ``$0.411``, ``0.0004`` -> ``$0.0004``; NaN -> ``unknown``."""
    if is_unknown(value):
        return "unknown"
    # 10 decimals hold every published AWS price (e.g. $0.0000166667 per Lambda GB-s);
    # the round drops float noise from derived prices (0.34 x 0.9 = 0.30600000000000005)
    digits = f"{abs(round(float(value), 10)):,.10f}".rstrip("0")
    whole, _, fraction = digits.partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}${whole}.{fraction.ljust(2, '0')}"


def table_text(frame: pd.DataFrame, money_columns: tuple[str, ...] = (), max_width: int = 60) -> str:
    """A plain-text table in the one formatting scheme (:mod:`costmodel.formatting`): money
    ``$1,234.56``, percentages ``40.5%``, unknown as ``unknown``; text left-aligned and cut at
    ``max_width`` characters, numbers right-aligned; no index. ``money_columns`` forces
    columns to money whatever their name."""
    from costmodel.formatting import USD, format_value, kind_of

    cells: dict[str, list[str]] = {}
    right: dict[str, bool] = {}
    for column in frame.columns:
        kind = USD if column in money_columns else kind_of(str(column), frame[column])
        texts = [format_value(v, kind) for v in frame[column]]
        if kind == "text":
            texts = [t if len(t) <= max_width else t[: max_width - 1] + "…" for t in texts]
        cells[str(column)] = texts
        right[str(column)] = kind != "text"
    widths = {c: max([len(c), *map(len, v)]) for c, v in cells.items()}

    def cell(column: str, text: str) -> str:
        return text.rjust(widths[column]) if right[column] else text.ljust(widths[column])

    lines = [" ".join(cell(c, c) for c in cells)]
    lines += [" ".join(cell(c, cells[c][i]) for c in cells) for i in range(len(frame))]
    return "\n".join(line.rstrip() for line in lines)


def spreadsheet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a spreadsheet should receive it: floats rounded to 6 decimals, so that
    float noise (468.65999999999997) never reaches it, and no ``-0.0`` (a rounded -0.0000001);
    prices keep up to 6 decimals; a list of names is one ``;``-joined text, never a Python
    list's repr."""
    import pandas as pd

    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].round(6) + 0.0  # -0.0 + 0.0 is 0.0
        elif shown[column].dtype == object:
            shown[column] = [
                ";".join(map(str, sorted(v) if isinstance(v, set) else v))
                if isinstance(v, (list, tuple, set))
                else v
                for v in shown[column]
            ]
    return shown


def write_csv(frame: pd.DataFrame, out: TextIO | None = None) -> None:
    """CSV to ``out`` (stdout by default), :func:`spreadsheet_ready`."""
    spreadsheet_ready(frame).to_csv(out if out is not None else sys.stdout, index=False)


def write_json(payload: Any, out: TextIO | None = None) -> None:
    """JSON to ``out`` (stdout by default), nothing else."""
    out = out if out is not None else sys.stdout
    # allow_nan=False: NaN/Infinity are not JSON; an unknown value must arrive as null
    # one write of the whole text: json.dump writes each of its (millions of) pieces on its own
    out.write(json.dumps(payload, indent=2, default=_json_default, allow_nan=False))
    out.write("\n")


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def json_number(value: float, decimals: int = 6) -> float | None:
    """A number for JSON: rounded to drop float noise; unknown (NaN) as None, i.e. null."""
    return None if is_unknown(value) else round(float(value), decimals)


def records(frame: pd.DataFrame, columns: list[str] | None = None, decimals: int = 6) -> list[dict]:
    """Rows of ``frame`` as dicts for JSON: floats rounded to ``decimals`` to drop float
    noise, and an unknown value (NaN) as None, i.e. JSON null, never zero."""
    import pandas as pd

    out = frame.loc[:, columns if columns is not None else list(frame.columns)]
    # column by column through plain lists (``to_dict`` boxes every cell on its own)
    values = []
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_float_dtype(series):
            values.append([None if math.isnan(v) else v for v in series.round(decimals).tolist()])
        else:
            values.append([None if is_unknown(v) else v for v in series.tolist()])
    names = list(out.columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def known_total(costs: pd.Series | list[float]) -> tuple[float, int]:
    """(sum of the known costs [USD], number of lines whose cost is unknown)."""
    import pandas as pd

    values = pd.Series(costs, dtype=float)
    return float(values.sum()), int(values.isna().sum())


def total_text(costs: pd.Series | list[float]) -> str:
    """A total as a reader must see it: ``$1,234.56``, or ``at least $1,234.56 (2 lines
    unknown)`` when lines of unknown cost are left out (never a plain total then)."""
    total, unknown = known_total(costs)
    if not unknown:
        return money(total)
    return f"at least {money(total)} ({unknown} line{'s' if unknown > 1 else ''} unknown)"


def total_fields(costs: pd.Series | list[float]) -> dict:
    """The JSON fields beside a total (DESIGN.md, "Totals with unknown lines"):
    ``total_is_lower_bound`` and ``unknown_lines``."""
    _, unknown = known_total(costs)
    return {"total_is_lower_bound": unknown > 0, "unknown_lines": unknown}
