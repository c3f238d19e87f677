"""Writing files so that nothing is lost: atomic replacement, checks before paid work.

Every file costmodel writes (reports, fetched actuals, refreshed prices, cache entries)
goes through :func:`atomic_write_text`: the content is written to a temporary file in the
target's directory, flushed and synced, then renamed over the target. A failed write (disk
full, quota, a killed process) leaves the previous file as it was, never a truncated one.

* A replaced file keeps its mode (a bill someone made 0600 stays 0600); a new file gets
  0666 less the umask, or 0600 when it is *private* (bills and cache entries).
* Only regular files are replaced: a device (``/dev/full``), a FIFO or a socket at the
  target is refused, naming it, and a symbolic link is written through (the link stays,
  the file it points to is replaced).
* Every failure is a :class:`~costmodel.errors.WriteError` naming the file and the reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from costmodel.errors import InputError, WriteError

# Files replaced in this process, in order; the command line says which after a Ctrl-C.
WRITTEN: list[Path] = []
# Output folders created in this process, parents first: removed again when the command
# stops before writing into them (see remove_empty_created_folders).
CREATED_FOLDERS: list[Path] = []
PRIVATE_MODE = 0o600  # bills and cache entries: readable by their owner only
PRIVATE_DIR_MODE = 0o700


def _not_regular(target: Path) -> str | None:
    """What ``target`` is when it exists and is not a regular file (after symlinks), else None."""
    try:
        info = target.stat()
    except (FileNotFoundError, NotADirectoryError):  # not there (yet): the folder is checked apart
        return None
    except OSError as exc:
        raise WriteError(target, exc.strerror or str(exc), exc.errno) from None
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISSOCK: "a socket",
    }
    for test, kind in kinds.items():
        if test(info.st_mode):
            return kind
    return None if stat.S_ISREG(info.st_mode) else "not a regular file"


def check_writable(path: str | Path, what: str) -> Path:
    """Fail early, before any slow or paid work, when ``path`` cannot be written.

    The parent folder must exist and accept a new file (probed by creating and removing a
    temporary file there), and ``path`` must be a regular file or not exist yet.
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    kind = _not_regular(target)
    if kind == "a folder":
        raise InputError(f"{what} {target} is a folder; give a file name")
    if kind is not None:
        raise InputError(f"{what} {target} is {kind}; costmodel replaces only regular files")
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
    missing = [f for f in (folder, *folder.parents) if not f.exists()][::-1]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        CREATED_FOLDERS.extend(missing)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".costmodel-probe-"):
            pass
    except OSError as exc:
        raise InputError(f"{what} {folder} cannot be written: {exc.strerror or exc}") from None
    return folder


def remove_empty_created_folders() -> None:
    """Remove the output folders this process created that are still empty (the command
    stopped before writing into them), innermost first; a folder with anything in it stays."""
    while CREATED_FOLDERS:
        folder = CREATED_FOLDERS.pop()
        with contextlib.suppress(OSError):  # not empty, or gone: left as it is
            folder.rmdir()


def _new_file_mode() -> int:
    """0666 less the process umask: the mode ``open()`` would give a new file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _mode_for(target: Path, private: bool) -> int:
    """The mode the written file gets: the replaced file's (at most 0600 when private), else
    that of a new file."""
    try:
        current = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return PRIVATE_MODE if private else _new_file_mode()
    return current & PRIVATE_MODE if private else current


def atomic_write_bytes(path: str | Path, data: bytes, *, private: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename).

    The file keeps the mode of the file it replaces; a new one gets 0666 less the umask,
    or 0600 with ``private`` (which also caps a replaced file at 0600). A target that is not a
    regular file is refused; a symbolic link is written through. Raises :class:`WriteError`
    naming ``path``.
    """
    target = Path(path)
    kind = _not_regular(target)  # through links: /dev/stdout is a link to a pipe or terminal
    if kind is not None:
        raise WriteError(path, f"it is {kind}; costmodel replaces only regular files", errno.EINVAL)
    if target.is_symlink():
        target = target.resolve()
    mode = _mode_for(target, private)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(path, exc.strerror or str(exc), exc.errno) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise WriteError(path, exc.strerror or str(exc), exc.errno) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    WRITTEN.append(Path(path))
    return Path(path)


def atomic_write_text(path: str | Path, text: str, *, private: bool = False) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"), private=private)


def private_dir(path: str | Path, what: str = "cache folder") -> Path:
    """A folder only its owner can read (0700), created if missing; for cached bills.

    A symbolic link is refused (the chmod would land on whatever it points to), and so is
    anything that is not a folder; the mode is set through the opened folder itself, so a
    link swapped in after the check is not followed either.
    """
    folder = Path(path)
    linked = InputError(
        f"{what} {folder} is a symbolic link; costmodel keeps bills only in a real folder "
        "(set COSTMODEL_CACHE_DIR to one, or remove the link)"
    )
    if folder.is_symlink():
        raise linked
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise linked from None
        if exc.errno in (errno.ENOTDIR, errno.EEXIST):
            raise InputError(f"{what} {folder} is not a folder") from None
        raise InputError(f"{what} {folder} cannot be used: {exc.strerror or exc}") from None
    try:
        os.fchmod(descriptor, PRIVATE_DIR_MODE)
    except OSError as exc:
        raise InputError(f"{what} {folder} cannot be made private (0700): {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    return folder


def cache_root() -> Path:
    """Where costmodel caches fetched bills and metrics: ``$COSTMODEL_CACHE_DIR``, else
    ``~/.cache/costmodel``."""
    return Path(os.environ.get("COSTMODEL_CACHE_DIR") or Path.home() / ".cache" / "costmodel")


def private_cache_dir(name: str, chosen: str | Path | None = None) -> Path:
    """The private folder ``name`` of the cache root (``ce``, ``cloudwatch``), or ``chosen``.

    The root is made private (0700) and refused as a symbolic link as its subfolder is: a
    subfolder made private inside a root anyone can list, or inside a link to elsewhere,
    would not keep the bills private.
    """
    if chosen is not None:
        return private_dir(chosen)
    return private_dir(private_dir(cache_root(), "cache root folder") / name)
