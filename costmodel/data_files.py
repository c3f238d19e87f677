"""Where the shipped data lives (checkout and installed wheel alike).

User files are read through :mod:`costmodel.inputs` (``read_text`` is re-exported here).
"""

from importlib.resources import files
from pathlib import Path

from costmodel.inputs import read_text

__all__ = [
    "SAMPLE_BUDGET",
    "SAMPLE_CUR",
    "SAMPLE_DAILY",
    "SAMPLE_MONTHLY",
    "data_path",
    "read_text",
    "sample",
]

# The bundled SYNTHETIC samples (data/README.md): what commands read when given no file.
SAMPLE_MONTHLY = ("actuals", "ce-2026-06..2026-10.json")
SAMPLE_DAILY = ("actuals", "ce-daily-2026-06..2026-10.json.gz")
SAMPLE_BUDGET = ("budgets", "sample-budget.yaml")
SAMPLE_CUR = ("actuals", "cur2-2026-06..2026-10.parquet")  # the same bill as CUR 2.0 line items


def data_path(*parts: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("prices", "sources.csv")``.

    The repository keeps it in top-level ``data/``; the wheel installs that folder as
    the package ``costmodel.data`` (see ``[tool.setuptools.package-dir]``).
    """
    return Path(str(files("costmodel.data").joinpath(*parts)))


def sample(parts: tuple[str, ...], given: str | Path | None = None) -> Path:
    """``given`` when the user named a file, else the bundled sample at ``parts``."""
    return Path(given) if given is not None else data_path(*parts)
