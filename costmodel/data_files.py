"""Where the shipped data lives, in a source checkout and in an installed wheel alike."""

from importlib.resources import files
from pathlib import Path


def data_path(*parts: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("prices", "sources.csv")``.

    The repository keeps it in top-level ``data/``; the wheel installs that folder as
    the package ``costmodel.data`` (see ``[tool.setuptools.package-dir]``).
    """
    return Path(str(files("costmodel.data").joinpath(*parts)))
