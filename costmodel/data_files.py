"""Where the shipped data lives (checkout and installed wheel alike), and reading user files."""

from importlib.resources import files
from pathlib import Path

from costmodel.errors import InputError


def data_path(*parts: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("prices", "sources.csv")``.

    The repository keeps it in top-level ``data/``; the wheel installs that folder as
    the package ``costmodel.data`` (see ``[tool.setuptools.package-dir]``).
    """
    return Path(str(files("costmodel.data").joinpath(*parts)))


def read_text(path: str | Path, what: str) -> str:
    """Text of a user file, or an :class:`InputError` saying which ``what`` file is missing.

    A leading byte-order mark (Excel and the AWS console write one) is dropped.
    """
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{what} file {path} is a directory") from None
