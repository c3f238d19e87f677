"""costmodel's DuckDB connection: one per process, its session time zone UTC."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_CONNECTION: list[Any] = []
_LOCK = threading.Lock()


def connection() -> Any:
    """costmodel's own DuckDB connection, its session time zone UTC: DuckDB casts between
    TIMESTAMP WITH TIME ZONE and plain timestamps (and reads naive text as a time) in the
    session's zone, which is otherwise the machine's ``TZ``; a bill's months and days are UTC."""
    import duckdb

    with _LOCK:
        if not _CONNECTION:
            con = duckdb.connect()
            con.execute("SET TimeZone = 'UTC'")
            _CONNECTION.append(con)
        return _CONNECTION[0]


def execute(sql: str) -> pd.DataFrame:
    """``sql`` on :func:`connection` (one query at a time: a connection is not shared by threads)."""
    con = connection()
    with _LOCK:
        return con.execute(sql).df()


__all__ = ["connection", "execute"]
