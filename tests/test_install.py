"""A non-editable install (`pip install .`) must still find the shipped data."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_non_editable_install_finds_snapshot_and_architecture(tmp_path):
    target = tmp_path / "site"
    source = tmp_path / "src"  # build from a copy: setuptools writes build/ into the source tree
    for part in ("costmodel", "data"):
        shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md", "costmodel_entry.py"):  # the console script's launcher
        shutil.copy(ROOT / part, source / part)
    # --no-build-isolation and --no-deps keep it offline: setuptools/wheel come from the dev extras
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert (target / "costmodel" / "data" / "prices" / "aws-price-snapshot-2026-11.csv").exists()
    assert (target / "costmodel_entry.py").exists()  # what the installed `costmodel` command imports
    assert (target / "costmodel" / "py.typed").exists()  # PEP 561: type checkers read our annotations
    # every package and every shipped data file of the checkout is in the installed copy
    for init in (ROOT / "costmodel").rglob("__init__.py"):
        assert (target / init.relative_to(ROOT)).exists(), f"package {init.parent.name} not installed"
    for shipped in (ROOT / "data").rglob("*"):
        if shipped.is_file() and shipped.suffix != ".py" and "__pycache__" not in shipped.parts:
            installed = target / "costmodel" / "data" / shipped.relative_to(ROOT / "data")
            assert installed.exists(), f"data file {shipped.relative_to(ROOT)} not installed"
    env = os.environ | {"PYTHONPATH": str(target)}
    code = (
        "import costmodel, json; items = costmodel.estimate(costmodel.load_architecture()); "
        "print(costmodel.__file__); print(repr(float(items.monthly_cost.sum())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    where, total = result.stdout.split()
    assert where.startswith(str(target))  # the installed copy, not the checkout
    # the hand-checked production total (see test_golden.py)
    assert abs(float(total) - 7794.19) < 1e-6  # the golden hand sum (tests/test_golden.py)
