"""costmodel's DuckDB connection: one per process, its session time zone UTC."""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_CONNECTION: list[Any] = []
_LOCK = threading.Lock()


def connection() -> Any:
    """costmodel's own DuckDB connection, its session time zone UTC: DuckDB casts between
    TIMESTAMP WITH TIME ZONE and plain timestamps (and reads naive text as a time) in the
    session's zone, which is otherwise the machine's ``TZ``; a bill's months and days are UTC.
    No progress bar: a long query would draw one on stderr."""
    import duckdb

    with _LOCK:
        if not _CONNECTION:
            con = duckdb.connect()
            con.execute("SET TimeZone = 'UTC'")
            with contextlib.suppress(duckdb.Error):  # in Jupyter DuckDB refuses without ipywidgets
                con.execute("SET enable_progress_bar = false")  # stderr carries one-line errors only
            _CONNECTION.append(con)
        return _CONNECTION[0]


def execute(sql: str) -> pd.DataFrame:
    """``sql`` on :func:`connection` (one query at a time: a connection is not shared by threads)."""
    con = connection()
    with _LOCK:
        return con.execute(sql).df()


__all__ = ["connection", "execute"]
