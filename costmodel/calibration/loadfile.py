"""Calibrate (observations -> fits -> load section -> headroom) and the load file it writes.

The load file is YAML: ``load`` holds the fitted values that are keys of an architecture's
``load`` section (paste them in, or give the file to ``backtest-capacity --load``), ``fits``
every fitted relation with the contract's fields (``parameter``, ``value``, ``low``,
``high``, ``r2``, ``metric``, ``source``) plus ``unit`` and ``hours``, and ``calibrated``
the window and where the metrics came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from costmodel.architecture import SCHEMA, Architecture
from costmodel.calibration.backtesting import calibrated
from costmodel.calibration.capacity_headroom import Headroom, headroom
from costmodel.calibration.fit import Fit, load_section
from costmodel.calibration.fit import calibrate as fit_all
from costmodel.calibration.observed import observations
from costmodel.display import Result
from costmodel.errors import InputError
from costmodel.files import atomic_write_text
from costmodel.inputs import load_yaml, parse_day, read_text

FIT_FIELDS = ("parameter", "value", "low", "high", "r2", "metric", "source", "unit", "hours")


@dataclass(frozen=True, repr=False)
class Calibration(Result):
    """Fits of one window, the load section they give, and each service's headroom."""

    start: str
    end: str
    source: str
    fits: list[Fit]
    load: dict[str, float]
    headroom: list[Headroom]


def window_label(start: str, end: str) -> str:
    """The days of a window [start, end) as a reader counts them: both ends included."""
    last_day = (pd.Timestamp(end) - pd.Timedelta(days=1)).date()
    return f"{start} to {last_day} (--end {end} is exclusive)"


def calibrate(payload: dict, arch: Architecture, start: str, end: str, origin: str = "") -> Calibration:
    """Fit the load relations to the metrics in [start, end) for ``arch``'s services."""
    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    if last <= first:
        raise InputError(f"--end {end} must be after --start {start} (the end is exclusive)")
    frame, columns = observations(payload, start, end)
    source = (
        f"CloudWatch, account {payload.get('account', '?')} {payload.get('region', '?')}, "
        f"hourly, {window_label(str(first.date()), str(last.date()))}"
        + (f" ({origin})" if origin else "")
        + (" SYNTHETIC" if payload.get("synthetic") else "")
    )
    fits = fit_all(frame, arch, source, columns)
    load = load_section(fits)
    as_of = (frame.index.max()).strftime("%Y-%m")
    return Calibration(
        str(first.date()), str(last.date()), source, fits, load, headroom(calibrated(arch, load), fits, as_of)
    )


def fit_record(fit: Fit) -> dict[str, Any]:
    """A fit as the contract's record (numbers rounded to 6 significant digits)."""
    record = {k: getattr(fit, k) for k in FIT_FIELDS}
    for key in ("value", "low", "high", "r2"):
        if record[key] is not None:
            record[key] = float(f"{float(record[key]):.6g}")
    return record


def write_load_file(result: Calibration, out: str | Path) -> Path:
    """Write the load file (YAML)."""
    payload = {
        "calibrated": {"start": result.start, "end": result.end, "source": result.source},
        "load": result.load,
        "fits": [fit_record(f) for f in result.fits],
        "headroom": [asdict(h) for h in result.headroom],
    }
    header = "# Written by `costmodel calibrate`: the load section fitted to CloudWatch metrics.\n"
    return atomic_write_text(out, header + yaml.safe_dump(payload, sort_keys=False, width=120))


def read_load_file(path: str | Path) -> tuple[dict[str, float], list[dict]]:
    """(load section values, fit records) of a load file; keys checked against the schema."""
    raw = load_yaml(read_text(path, "load file"), Path(path).name)
    if not isinstance(raw, dict) or not isinstance(raw.get("load"), dict):
        raise InputError(f"{path}: a load file needs a 'load' mapping (written by costmodel calibrate)")
    unknown = [k for k in raw["load"] if k not in SCHEMA["load"]]
    if unknown:
        raise InputError(f"{path}: load.{unknown[0]} is not a load key; valid: {', '.join(SCHEMA['load'])}")
    for key, value in raw["load"].items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not pd.notna(value):
            raise InputError(f"{path}: load.{key} = {value!r} must be a number")
    fits = raw.get("fits") or []
    if not isinstance(fits, list):
        raise InputError(f"{path}: 'fits' must be a list")
    return dict(raw["load"]), fits


__all__ = ["Calibration", "calibrate", "fit_record", "read_load_file", "window_label", "write_load_file"]
