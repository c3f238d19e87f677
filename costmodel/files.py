"""Writing files so that nothing is lost: atomic replacement, checks before paid work.

Every file costmodel writes (reports, fetched actuals, refreshed prices, cache entries)
goes through :func:`atomic_write_text`: the content is written to a temporary file in the
target's directory, flushed and synced, then renamed over the target. A failed write (disk
full, quota, a killed process) leaves the previous file as it was, never a truncated one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from costmodel.errors import InputError


def check_writable(path: str | Path, what: str) -> Path:
    """Fail early, before any slow or paid work, when ``path`` cannot be written.

    The parent folder must exist and accept a new file (probed by creating and removing a
    temporary file there), and ``path`` must not be a folder.
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"{what} {target} is a folder; give a file name")
    if not parent.exists():
        raise InputError(f"{what} {target}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise InputError(f"{what} {target}: {parent} is not a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".costmodel-probe-"):
            pass
    except OSError as exc:
        raise InputError(f"{what} {target} cannot be written: {exc.strerror or exc}") from None
    return target


def check_writable_dir(path: str | Path, what: str) -> Path:
    """Like :func:`check_writable` for an output folder (created if missing)."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{what} {folder} is a file; give a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".costmodel-probe-"):
            pass
    except OSError as exc:
        raise InputError(f"{what} {folder} cannot be written: {exc.strerror or exc}") from None
    return folder


def atomic_write_bytes(path: str | Path, data: bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename) with ``mode``."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | Path, text: str, mode: int = 0o644) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def private_dir(path: str | Path) -> Path:
    """A folder only its owner can read (0700), created if missing; for cached bills."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder
