"""Where the shipped data lives (checkout and installed wheel alike).

User files are read through :mod:`costmodel.inputs` (``read_text`` is re-exported here).
"""

from importlib.resources import files
from pathlib import Path

from costmodel.inputs import read_text

__all__ = ["data_path", "read_text"]


def data_path(*parts: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("prices", "sources.csv")``.

    The repository keeps it in top-level ``data/``; the wheel installs that folder as
    the package ``costmodel.data`` (see ``[tool.setuptools.package-dir]``).
    """
    return Path(str(files("costmodel.data").joinpath(*parts)))
