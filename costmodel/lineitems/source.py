"""Where billing export line items come from: files (a file, a folder or a glob) read in place
by DuckDB, or an Athena table. Either gives the SQL of its raw relation, its columns and
its :class:`~costmodel.lineitems.schema.Schema`.

A file name is used as it is, never expanded again (a file literally named ``cur-*.parquet``
is that one file); only a path that names no file is taken as a glob. A legacy CUR export
compressed as ``.csv.zip`` is unpacked into a private temporary folder first (DuckDB reads
CSV, CSV.gz and Parquet, not ZIP). A billing period delivered twice (two assemblies of a
legacy CUR, two versions of a CUR 2.0 export) is read in the version named, or the one a
legacy CUR manifest names current, or refused. A header that differs from the schema's names
in case only is read under the schema's names.
"""

from __future__ import annotations

import glob as globbing
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from costmodel.errors import InputError
from costmodel.lineitems.schema import Schema, detect, refuse_unreadable_types, schema_spelling

# missing values as exports write them (the FinOps Foundation's FOCUS sample writes NULL)
NULL_SPELLINGS = ("", "NULL", "null", "Null")


def _amount(cost: float, currency: str) -> str:
    """``$5.00`` in USD, ``89.63 EUR`` in any other currency (never a dollar sign on it)."""
    return f"${cost:,.2f}" if currency == "USD" else f"{cost:,.2f} {currency or '(no currency)'}"


@dataclass(frozen=True)
class Findings:
    """What reading the whole export found: said in every output of every command.

    ``duplicates`` line items dropped (the same ``identity_line_item_id`` and interval twice);
    ``other_providers`` (provider, line items, cost, its currency) of a FOCUS file's non-AWS
    rows, left out of the AWS bill (one entry per provider and currency: an Azure bill can be
    in EUR); ``in_progress`` month -> the end of its data (the end of its
    last hour, ISO 8601 in UTC, e.g. ``2026-10-15T06:00:00``).
    """

    duplicates: int = 0
    other_providers: tuple[tuple[str, int, float, str], ...] = ()
    in_progress: tuple[tuple[str, str], ...] = ()
    # month -> where its usage data starts, when after the month's first hour (a part month)
    partial_start: tuple[tuple[str, str], ...] = ()
    # (month, line items, cost [USD]) counted in their billing period, before their usage month
    billed_late: tuple[tuple[str, int, float], ...] = ()

    def data_end(self, month: str) -> datetime | None:
        """Where ``month``'s data ends (UTC, exclusive), None when the month is complete."""
        return next((datetime.fromisoformat(end) for m, end in self.in_progress if m == month), None)

    def data_start(self, month: str) -> datetime | None:
        """Where ``month``'s usage data starts (UTC), None when at the month's first hour."""
        return next((datetime.fromisoformat(start) for m, start in self.partial_start if m == month), None)

    def through(self, month: str) -> str:
        """How far ``month``'s data runs: its last day when that day is whole (``2026-10-14``),
        else its last hour's end (``2026-10-31 05:00``); "" when the month is complete."""
        end = self.data_end(month)
        if end is None:
            return ""
        if end.time() == time(0):
            return f"{end - timedelta(days=1):%Y-%m-%d}"
        return f"{end:%Y-%m-%d %H:%M}"

    def notes(self, month: str | None = None) -> list[str]:
        """One sentence per finding (for ``month`` only, when given, for months in progress)."""
        out = []
        for m, _ in self.in_progress:
            if month is None or m == month:
                out.append(
                    f"{m} is in progress: the export's data runs through {self.through(m)} (UTC), not to "
                    "the month's last hour; its figures are month-to-date, not the month's bill"
                )
        for m, start in self.partial_start:
            if month is None or m == month:
                starts = start.replace("T", " ")[:16]
                out.append(
                    f"{m} is a part month: the export's usage data starts {starts} (UTC), "
                    "after the month's first hour; it is compared over the hours the data covers"
                )
        for m, count, cost in self.billed_late:
            if month is None or m == month:
                out.append(
                    f"{m}: {count:,} line item(s), {_amount(cost, 'USD')}, dated before their billing period "
                    f"(late usage, refunds, corrections of earlier months) are counted in {m}, the month "
                    "they are billed (AWS's invoice, FOCUS's billing period), on its first day"
                )
        if self.duplicates:
            out.append(
                f"{self.duplicates:,} duplicate line item(s) dropped (the same identity_line_item_id and "
                "time interval delivered more than once): each is counted once"
            )
        if self.other_providers:
            listed = ", ".join(
                f"{p} {_amount(c, currency)} ({n:,} line items)" for p, n, c, currency in self.other_providers
            )
            out.append(f"left out as not AWS (ProviderName): {listed}; the bill here is the AWS rows only")
        return out

    def month_in_progress(self, month: str) -> bool:
        return any(m == month for m, _ in self.in_progress)


@dataclass(frozen=True)
class Source:
    """A billing export: the SQL that reads it, its columns and types, its schema."""

    relation: str  # FROM-clause SQL of the raw line items
    columns: tuple[str, ...]
    types: dict[str, str]
    schema: Schema
    origin: str  # the name a message gives it
    engine: str = "duckdb"  # or "athena"
    deduplicate: bool = False  # read each (line item id, interval, content) once
    aws_only: bool = False  # leave out a FOCUS file's rows of other providers
    findings: Findings | None = None  # set once the whole export was checked (tables.prepare)
    keep: Any = field(default=None, compare=False, repr=False)  # unpacked ZIPs' folder, kept alive
    # a CSV column's name in the file -> its name in SQL, where DuckDB renamed it (its names
    # ignore case: ``Team`` beside ``team`` becomes ``team_1``)
    aliases: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def present(self) -> set[str]:
        return set(self.columns)


def resolve(path: str | Path, assemblies: tuple[str, ...] = ()) -> list[Path]:
    """The export files of ``path``: the file itself, a folder's Parquet / CSV / CSV.gz /
    CSV.zip files (recursively, as AWS delivers them), or, for a path that is no file, the
    files it matches as a glob. A billing period delivered in two folders is refused (see
    :func:`one_delivery_per_period`)."""
    text = str(path)
    if Path(text).is_file():
        files = [Path(text)]
    elif Path(text).is_dir():
        files = sorted(p for p in Path(text).rglob("*") if p.is_file() and _format(p) and _line_items(p))
        if not files:
            raise InputError(f"{text}: the folder has no .parquet, .csv, .csv.gz or .csv.zip file")
    elif any(c in text for c in "*?["):
        files = sorted(
            Path(p) for p in globbing.glob(text, recursive=True) if Path(p).is_file() and _line_items(Path(p))
        )
        if not files:
            raise InputError(f"{text}: no file matches")
    else:
        raise InputError(f"billing export not found: {text}")
    formats = {_format(f) for f in files}
    if None in formats:
        odd = next(f for f in files if _format(f) is None)
        raise InputError(f"{odd}: not a billing export file (expected .parquet, .csv, .csv.gz or .csv.zip)")
    if len(formats) > 1:
        raise InputError(f"{text}: mixes Parquet and CSV files; give one format")
    return one_delivery_per_period(files, assemblies)


# what AWS writes beside a report's line items: the Athena integration's refresh status table
# (one column, ``status``: READY or UPDATING), read as line items it would be a row without a time
NOT_LINE_ITEMS = ("cost_and_usage_data_status",)


def _line_items(path: Path) -> bool:
    """Whether a file found in a folder (or by a glob) can hold line items: not hidden, not
    in a folder AWS keeps for something else (:data:`NOT_LINE_ITEMS`)."""
    return not path.name.startswith(".") and not set(path.parts[:-1]) & set(NOT_LINE_ITEMS)


def _format(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz", ".csv.zip")):
        return "csv"
    return "parquet" if name.endswith(".parquet") else None


# the folder of one billing period as AWS names it: legacy CUR 20261001-20261101, CUR 2.0
# BILLING_PERIOD=2026-10, legacy CUR for Athena year=2026/month=10
_PERIOD = re.compile(r"^(\d{8}-\d{8}|BILLING_PERIOD=\d{4}-\d{2}|month=\d{1,2})$")


def _period_and_version(file: Path) -> tuple[str, str] | None:
    """(billing period folder, the folders between it and the file) of a delivered file."""
    parts = file.resolve().parts[:-1]
    for i in range(len(parts) - 1, -1, -1):
        if _PERIOD.match(parts[i]):
            return str(Path(*parts[: i + 1])), "/".join(parts[i + 1 :])
    return None


def manifest_assembly(period: str) -> str | None:
    """The assembly a legacy CUR period folder's manifest (``<report>-Manifest.json``, beside
    the assembly folders) names as the period's current report, None when there is none."""
    import json

    for manifest in sorted(Path(period).glob("*-Manifest.json")):
        try:
            assembly = json.loads(manifest.read_text()).get("assemblyId")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(assembly, str) and assembly:
            return assembly
    return None


def one_delivery_per_period(files: list[Path], assemblies: tuple[str, ...] = ()) -> list[Path]:
    """``files`` less those of a billing period's other deliveries.

    Legacy CUR writes each update of a period in a new assembly folder
    (``20261001-20261101/<assembly id>/``); a CUR 2.0 export that creates new versions writes
    each in its own folder under ``BILLING_PERIOD=2026-10/``. Two of them read together count
    the month twice: ``assemblies`` names the one to read (a folder name); else the one the
    legacy period folder's manifest names as current (its ``assemblyId``: AWS keeps the
    earlier assemblies beside it); else a period with files in two such folders is refused,
    naming both.
    """
    by_period: dict[str, dict[str, list[Path]]] = {}
    unplaced = []
    for f in files:
        found = _period_and_version(f)
        if found is None:
            unplaced.append(f)
            continue
        by_period.setdefault(found[0], {}).setdefault(found[1], []).append(f)
    folders = {part for versions in by_period.values() for v in versions for part in v.split("/") if part}
    unknown = [a for a in assemblies if a not in folders]
    if unknown:
        known = ", ".join(sorted(folders)[:10]) or "none: no file is in a billing period folder"
        raise InputError(
            f"--assembly {unknown[0]}: no delivery folder of that name holds the export's files "
            f"(a folder name under the billing period folder, e.g. 20261001-20261101/NAME; found: {known})"
        )
    kept = list(unplaced)
    for period, versions in sorted(by_period.items()):
        if len(versions) > 1 and assemblies:
            chosen = {v: fs for v, fs in versions.items() if set(v.split("/")) & set(assemblies)}
            versions = chosen or versions
        if len(versions) > 1 and (current := manifest_assembly(period)):  # AWS's current report
            versions = {v: fs for v, fs in versions.items() if v.split("/")[0] == current} or versions
        if len(versions) > 1:
            a, b = sorted(versions)[:2]
            raise InputError(
                f"{period}: the billing period is delivered twice, in {a or '(the period folder)'!r} and "
                f"{b or '(the period folder)'!r} (assemblies or versions of one month); reading both "
                "would count the month twice: give one folder, or --assembly NAME to choose"
            )
        kept += next(iter(versions.values()))
    return sorted(kept)


def glob_escaped(path: Path | str) -> str:
    """``path`` as DuckDB must be given it to read that file only: DuckDB expands ``*``, ``?``
    and ``[`` in every file name, so each is put in a class of its own (``[*]``)."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in str(path))


def _unzipped(files: list[Path]) -> tuple[list[Path], Any, dict[str, str]]:
    """ZIP-compressed CSVs unpacked into a private temporary folder (kept alive by the
    returned handle), and each unpacked file's ZIP; other files as they are."""
    if not any(f.name.lower().endswith(".zip") for f in files):
        return files, None, {}
    folder = tempfile.TemporaryDirectory(prefix="costmodel-unzipped-")
    zips = {}
    out = []
    for i, f in enumerate(files):
        if not f.name.lower().endswith(".zip"):
            out.append(f)
            continue
        try:
            with zipfile.ZipFile(f) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if not members or not all(m.filename.lower().endswith(".csv") for m in members):
                    names = ", ".join(m.filename for m in members[:3]) or "nothing"
                    raise InputError(f"{f}: a CUR .csv.zip holds CSV files; this one holds {names}")
                for j, member in enumerate(members):
                    target = Path(folder.name) / f"{i:05d}-{j:03d}.csv"
                    with archive.open(member) as src, target.open("wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
                    out.append(target)
                    zips[str(target)] = str(f)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
            raise InputError(f"{f}: not a readable ZIP file ({exc})") from None
    return out, folder, zips


def _relation(files: list[Path]) -> str:
    names = ", ".join("'" + glob_escaped(f).replace("'", "''") + "'" for f in files)
    if _format(files[0]) == "parquet":
        return f"read_parquet([{names}], union_by_name = true, filename = true, hive_partitioning = false)"
    nulls = ", ".join(f"'{n}'" for n in NULL_SPELLINGS)
    # every column as text, cast where used: a CSV's auto-detected types can differ by file
    return (
        f"read_csv([{names}], header = true, union_by_name = true, filename = true, all_varchar = true, "
        f"nullstr = [{nulls}], hive_partitioning = false)"
    )


def _case_aliases(file: Path) -> dict[str, str]:
    """A CSV's header names that differ from another only in case -> the name DuckDB gives
    them (``team`` after ``Team`` is ``team_1``, a third ``TEAM`` ``TEAM_2``)."""
    import csv
    import gzip

    opener = gzip.open if file.name.lower().endswith(".gz") else open
    try:
        with opener(file, "rt", encoding="utf-8-sig", newline="") as text:
            header = next(csv.reader(text), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    seen: dict[str, int] = {}
    aliases = {}
    for name in header:
        count = seen.get(name.lower(), 0)
        if count:
            aliases[name] = f"{name}_{count}"
        seen[name.lower()] = count + 1
    return aliases


def _refuse_mixed_schemas(files: list[Path], readable: list[Path], columns: tuple[str, ...]) -> None:
    """Refuse files of two export schemas read as one (a CUR 2.0 file beside a FOCUS file),
    naming a file of each: their union would be neither."""
    from costmodel.lineitems.duck import connection
    from costmodel.lineitems.schema import SCHEMAS

    present = set(columns)
    kinds = [s for s in SCHEMAS if all(m in present for m in s.marker)]
    if len(kinds) < 2:
        return
    found: dict[str, Path] = {}
    for given, read in zip(files, readable, strict=False):
        names = {
            str(r[0]) for r in connection().execute(f"DESCRIBE SELECT * FROM {_relation([read])}").fetchall()
        }
        kind = next((s.name for s in kinds if all(m in names for m in s.marker)), None)
        if kind and kind not in found:
            found[kind] = given
        if len(found) > 1:
            break
    shown = " and ".join(f"{f} ({k})" for k, f in found.items()) or ", ".join(s.name for s in kinds)
    raise InputError(f"the export mixes schemas: {shown}; give the files of one export")


def open_files(path: str | Path, expected: str | None = None, assemblies: tuple[str, ...] = ()) -> Source:
    """The line items of the export at ``path`` (see :func:`resolve`), in place.

    ``expected`` is ``cur`` or ``focus`` (the option the user gave); an export of the other
    kind, an unknown schema, or a required column missing is one line naming the file.
    ``assemblies`` names the delivery folder to read where a billing period has two.
    """
    import duckdb

    from costmodel.lineitems.duck import connection

    files = resolve(path, assemblies)
    empty = next((f for f in files if f.stat().st_size == 0), None)
    if empty is not None:
        raise InputError(f"{empty}: the file is empty (0 bytes); an export has a header row and line items")
    readable, keep, zips = _unzipped(files)
    relation = _relation(readable)
    try:
        described = connection().execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error:
        kind = "Parquet" if _format(files[0]) == "parquet" else "CSV (with a header row)"
        raise InputError(
            f"{files[0]}: not a readable {kind} file; give the export's files as AWS delivers them"
        ) from None
    # a header in another case (a warehouse's unload) read under the schema's own names
    spelled = schema_spelling([str(row[0]) for row in described])
    columns = tuple(spelled.get(str(row[0]), str(row[0])) for row in described if row[0] != "filename")
    types = {spelled.get(str(row[0]), str(row[0])): str(row[1]) for row in described}
    origin = str(files[0]) if len(files) == 1 else f"{path} ({len(files)} files)"
    if all(re.fullmatch(r"column\d+", c) for c in columns):  # DuckDB's names when there is no header
        raise InputError(f"{files[0]}: no header row (the first line names the columns in an export)")
    _refuse_mixed_schemas(files, readable, columns)
    aliases = _case_aliases(readable[0]) if _format(files[0]) == "csv" else {}
    schema = detect(list(columns), origin, expected)
    refuse_unreadable_types(schema, set(columns), types, origin)
    source = Source(relation, columns, types, schema, origin, keep=keep, aliases=aliases)
    from costmodel.lineitems.deliveries import refuse_repeated_deliveries

    refuse_repeated_deliveries(source, files, readable, zips)
    return source


__all__ = ["Findings", "Source", "glob_escaped", "one_delivery_per_period", "open_files", "resolve"]
