"""The one boundary every user input crosses: files, YAML, JSON and numbers.

Whatever a user gives costmodel (an architecture file, ``--set`` values, saved Cost
Explorer responses, a console CSV, a price catalog, an overrides file, a cache entry) is
read through these functions, so that the same promises hold everywhere:

* a file that is missing, a directory, unreadable, or not UTF-8 text is one
  :class:`~costmodel.errors.InputError` naming the file;
* YAML and JSON with a repeated key are refused (the last value would otherwise win
  silently); YAML tags (``!!python/...``, ``!!float``) and aliases (``*name``, whose nesting
  expands a few lines into billions of values) are refused, since an architecture is plain
  data;
* every number is finite (no ``NaN``, ``inf``, ``1e400``: Python's ``float`` and
  ``Decimal`` both accept them) and, where a domain is given, within it.

Each error names the file and the key, line or row, and what was expected.
"""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from costmodel.errors import InputError

if TYPE_CHECKING:
    import pandas as pd


# ---------------------------------------------------------------------------- files
def read_text(path: str | Path, what: str) -> str:
    """Text of a user file, or an :class:`InputError` saying what is wrong with ``what`` file.

    A leading byte-order mark (Excel and the AWS console write one) is dropped; a gzip file
    (``.gz``, or any file that starts with gzip's magic bytes) is decompressed first.
    """
    import gzip
    import zlib

    path = Path(path)
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error) as exc:
                raise InputError(f"{what} file {path} is not a readable gzip file ({exc})") from None
        return data.decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{what} file {path} is a directory, expected a file") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} file {path} is not UTF-8 text (byte {exc.start}: {exc.reason}); "
            "save it as UTF-8 (CSV UTF-8 in Excel)"
        ) from None
    except OSError as exc:
        raise InputError(f"{what} file {path} cannot be read: {exc.strerror or exc}") from None


# ---------------------------------------------------------------------------- numbers
# No amount, price or usage quantity on an AWS bill comes near this; ``1e400`` is a finite
# Decimal but no number anyone was billed, and summing it would swamp every real figure.
PLAUSIBLE_MAXIMUM = Decimal("1e15")


def finite_decimal(raw: Any, where: str, *, minimum: Decimal | int | None = None) -> Decimal:
    """``raw`` (a string or number as read) as a finite :class:`Decimal`.

    Raises :class:`InputError` naming ``where`` for text that is not a number, for NaN
    and infinities, for magnitudes beyond :data:`PLAUSIBLE_MAXIMUM`, and for values below
    ``minimum``.
    """
    if isinstance(raw, bool) or raw is None:
        raise InputError(f"{where} {raw!r} is not a number")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InputError(f"{where} {raw!r} is not a number") from None
    if not value.is_finite():
        raise InputError(f"{where} {raw!r} is not a finite number")
    if abs(value) > PLAUSIBLE_MAXIMUM:
        raise InputError(f"{where} {raw!r} is beyond any plausible value (at most {PLAUSIBLE_MAXIMUM:,f})")
    if minimum is not None and value < minimum:
        raise InputError(f"{where} {raw} is negative; it must be >= {minimum}")
    return value


def finite_float(raw: Any, where: str, *, minimum: float | None = None) -> float:
    """``raw`` as a finite float (through :func:`finite_decimal`, so strings are exact)."""
    value = float(finite_decimal(raw, where, minimum=None if minimum is None else Decimal(str(minimum))))
    if not math.isfinite(value):  # a finite Decimal beyond float range, e.g. 1e400
        raise InputError(f"{where} {raw!r} is too large")
    return value


def check_finite_tree(value: Any, where: str) -> None:
    """Refuse a non-finite float anywhere in parsed YAML / JSON (``where`` names the file)."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise InputError(f"{where}: {path or 'value'} = {item} is not a finite number")
        if isinstance(item, dict):
            stack += [(v, f"{path}.{k}" if path else str(k)) for k, v in item.items()]
        elif isinstance(item, list):
            stack += [(v, f"{path}[{i}]") for i, v in enumerate(item)]


def parse_day(value: Any, where: str) -> pd.Timestamp:
    """``value`` as a day YYYY-MM-DD, strictly (pandas alone reads 'june' or '1' as a date)."""
    import datetime as dt

    import pandas as pd

    text = str(value).strip() if value is not None else ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return pd.Timestamp(dt.date.fromisoformat(text))
        except ValueError:  # 2026-02-30
            pass
    raise InputError(f"{where} must be a day YYYY-MM-DD, e.g. 2026-06-01, got {value!r}")


def finite_option(text: str) -> float:
    """An argparse ``type``: a finite number (``float`` alone accepts nan and inf)."""
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def parse_month(value: Any, where: str) -> str:
    """``value`` as a calendar month ``YYYY-MM`` (1 <= MM <= 12), or an InputError naming ``where``."""
    text = str(value).strip() if value is not None else ""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputError(f"{where} must be a month YYYY-MM, e.g. 2026-10, got {value!r}")
    return text


# ---------------------------------------------------------------------------- YAML
class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses repeated mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in seen:
            raise InputError(
                f"line {key_node.start_mark.line + 1}: key {key!r} repeated "
                f"(first on line {seen[key]}); give each key once"
            )
        seen[key] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 (PyYAML) reads ``1e6`` as text, since its floats need a dot; YAML 1.2 and JSON read
# a number, and so does everyone who writes it. add_implicit_resolver copies the class's
# table first, so SafeLoader itself is unchanged.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_yaml(text: str, origin: str) -> Any:
    """Parse YAML as plain data: no tags, no aliases, no repeated keys, finite numbers only.

    Parameters
    ----------
    text : str
    origin : str
        Names the file (or ``--set`` value) in error messages.
    """
    try:
        # events first, before anything is built: a tag or an alias stops the read here
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark is not None else "?"
            if isinstance(event, yaml.AliasEvent):
                raise InputError(
                    f"{origin}, line {line}: YAML alias *{event.anchor} is not allowed; "
                    "write the values out (aliases can expand a few lines into billions of values)"
                )
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise InputError(f"{origin}, line {line}: YAML tag {tag!r} is not allowed; give plain values")
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except InputError as exc:
        raise InputError(f"{origin}, {exc}" if str(exc).startswith("line") else str(exc)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{origin}: not valid YAML ({' '.join(str(exc).split())})") from None
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. a timestamp out of range
        bad_line = _unreadable_value_line(text)
        where = f", line {bad_line}" if bad_line else ""
        raise InputError(f"{origin}{where}: a value cannot be read ({exc})") from None
    check_finite_tree(data, origin)
    return data


def _unreadable_value_line(text: str) -> int | None:
    """The line of the first plain scalar YAML reads as a timestamp but cannot build (a
    date such as 2026-13-01), so the message can point at it; None when none is."""
    resolver = yaml.resolver.Resolver()
    constructor = yaml.SafeLoader("")
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if not isinstance(event, yaml.ScalarEvent) or not event.implicit[0]:
            continue
        if resolver.resolve(yaml.ScalarNode, event.value, (True, False)) != "tag:yaml.org,2002:timestamp":
            continue
        try:
            constructor.construct_yaml_timestamp(yaml.ScalarNode("tag:yaml.org,2002:timestamp", event.value))
        except (ValueError, OverflowError):
            return event.start_mark.line + 1 if event.start_mark is not None else None
    return None


# ---------------------------------------------------------------------------- JSON
def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return value


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):  # the slow search only when there is something to name
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"key {key!r} repeated in one object")
            seen.add(key)
    return out


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building a large tree without cycles (a
    parsed JSON document, the columns read from it). Each collection walks every young
    object, and a million-object document triggers thousands of them, about half the
    parse time; the objects made here hold no cycles, so nothing waits longer to be freed."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_json(text: str, origin: str) -> Any:
    """Parse JSON strictly: no ``NaN`` / ``Infinity``, no out-of-range numbers, no repeated keys."""
    import json

    try:
        with collection_paused():
            return json.loads(
                text,
                object_pairs_hook=_unique_pairs,
                parse_constant=_reject_constant,
                parse_float=_finite_json_float,
            )
    except json.JSONDecodeError as exc:
        raise InputError(f"{origin}: not valid JSON ({exc})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{origin}: not valid JSON ({exc})") from None
