"""Where billing export line items come from: files (a file, a folder or a glob) read in place
by DuckDB, or an Athena table. Either gives the SQL of its raw relation, its columns and
its :class:`~costmodel.lineitems.schema.Schema`."""

from __future__ import annotations

import glob as globbing
from dataclasses import dataclass
from pathlib import Path

from costmodel.errors import InputError
from costmodel.lineitems.schema import Schema, detect

SUFFIXES = {".parquet": "parquet", ".csv": "csv", ".gz": "csv"}  # .csv.gz: CSV, gzipped


@dataclass(frozen=True)
class Source:
    """A billing export: the SQL that reads it, its columns and types, its schema."""

    relation: str  # FROM-clause SQL of the raw line items
    columns: tuple[str, ...]
    types: dict[str, str]
    schema: Schema
    origin: str  # the name a message gives it
    engine: str = "duckdb"  # or "athena"

    @property
    def present(self) -> set[str]:
        return set(self.columns)


def resolve(path: str | Path) -> list[Path]:
    """The export files of ``path``: the file itself, a folder's Parquet / CSV / CSV.gz files
    (recursively, as AWS delivers them), or the files a glob matches."""
    text = str(path)
    if any(c in text for c in "*?["):
        files = sorted(Path(p) for p in globbing.glob(text, recursive=True) if Path(p).is_file())
        if not files:
            raise InputError(f"{text}: no file matches")
    elif Path(text).is_dir():
        files = sorted(
            p for p in Path(text).rglob("*") if p.is_file() and _format(p) and not p.name.startswith(".")
        )
        if not files:
            raise InputError(f"{text}: the folder has no .parquet, .csv or .csv.gz file")
    elif Path(text).is_file():
        files = [Path(text)]
    else:
        raise InputError(f"billing export not found: {text}")
    formats = {_format(f) for f in files}
    if None in formats:
        odd = next(f for f in files if _format(f) is None)
        raise InputError(f"{odd}: not a billing export file (expected .parquet, .csv or .csv.gz)")
    if len(formats) > 1:
        raise InputError(f"{text}: mixes Parquet and CSV files; give one format")
    return files


def _format(path: Path) -> str | None:
    if path.suffix == ".gz":
        return "csv" if path.name.endswith(".csv.gz") else None
    return SUFFIXES.get(path.suffix)


def _relation(files: list[Path]) -> str:
    names = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    if _format(files[0]) == "parquet":
        return f"read_parquet([{names}], union_by_name = true, filename = true)"
    # every column as text, cast where used: a CSV's auto-detected types can differ by file
    return f"read_csv([{names}], header = true, union_by_name = true, filename = true, all_varchar = true)"


def open_files(path: str | Path, expected: str | None = None) -> Source:
    """The line items of the export at ``path`` (see :func:`resolve`), in place.

    ``expected`` is ``cur`` or ``focus`` (the option the user gave); an export of the other
    kind, an unknown schema, or a required column missing is one line naming the file.
    """
    import duckdb

    files = resolve(path)
    relation = _relation(files)
    try:
        described = duckdb.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as exc:
        raise InputError(
            f"{files[0]}: not a readable billing export ({' '.join(str(exc).split())[:200]})"
        ) from None
    columns = tuple(str(row[0]) for row in described if row[0] != "filename")
    types = {str(row[0]): str(row[1]) for row in described}
    origin = str(files[0]) if len(files) == 1 else f"{path} ({len(files)} files)"
    return Source(relation, columns, types, detect(list(columns), origin, expected), origin)


__all__ = ["Source", "open_files", "resolve"]
