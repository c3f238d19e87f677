"""requirements.lock is what a fresh machine installs (issue 18): it must agree with pyproject.toml
and with the environment the tests run in. Offline: nothing here resolves or downloads."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def declared() -> dict[str, list[Requirement]]:
    """pyproject's requirements by group: the runtime ones under '' and each extra under its name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"": project["dependencies"], **project.get("optional-dependencies", {})}
    return {group: [Requirement(text) for text in texts] for group, texts in groups.items()}


def locked() -> list[tuple[str, str, Marker | None, str]]:
    """(name, version, marker, what the resolver said pulled it in) for every pin in the lock."""
    pins: list[tuple[str, str, Marker | None, str]] = []
    lines = LOCK.read_text().splitlines()
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if not match:
            continue
        via = []
        for following in lines[number + 1 :]:
            if PIN.match(following):
                break
            if following.strip().startswith("#"):
                via.append(following.strip().lstrip("#").strip().removeprefix("via").strip())
        name, version, marker = match.groups()
        pins.append((canonicalize_name(name), version, Marker(marker) if marker else None, " ".join(via)))
    return pins


def applies(marker: Marker | None) -> bool:
    return marker is None or marker.evaluate()


def test_the_lock_pins_every_package_with_hashes():
    text = LOCK.read_text()
    pins = locked()
    assert len(pins) > 50  # pandas, boto3, jupyterlab and their dependencies
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])  # one entry per package
    unhashed = [entry.split()[0] for entry in entries if "==" in entry and "--hash=sha256:" not in entry]
    assert unhashed == []
    assert not re.search(r"^[A-Za-z0-9][^\n=]*(>=|<=|~=|>|<)", text, re.MULTILINE), "a range, not a pin"


def test_every_dependency_pyproject_declares_is_locked_at_a_version_it_allows():
    pins = {(name, version) for name, version, marker, _ in locked() if applies(marker)}
    versions = dict(pins)
    for group, requirements in declared().items():
        for requirement in requirements:
            name = canonicalize_name(requirement.name)
            assert name in versions, (
                f"{requirement} ({group or 'runtime'}) is not in requirements.lock: make lock"
            )
            assert requirement.specifier.contains(versions[name], prereleases=True), (
                f"requirements.lock pins {name}=={versions[name]}, outside pyproject's {requirement}: make lock"
            )


def test_every_package_the_lock_takes_from_pyproject_is_still_declared():
    names = {canonicalize_name(r.name) for requirements in declared().values() for r in requirements}
    from_pyproject = {name for name, _, _, via in locked() if "costmodel (pyproject.toml)" in via}
    assert from_pyproject, "the lock no longer says which pins come from pyproject.toml"
    assert from_pyproject - names == set(), "dropped from pyproject.toml but still locked: make lock"


def test_the_lock_was_resolved_with_every_extra():
    header = " ".join(LOCK.read_text().splitlines()[:3])
    for extra in declared():
        if extra:
            assert f"--extra {extra}" in header, f"requirements.lock was compiled without the {extra!r} extra"
    assert "-c constraints.txt" in header and "--generate-hashes" in header


@pytest.mark.parametrize("name", ["pandas", "numpy", "boto3", "botocore", "moto", "duckdb", "statsmodels"])
def test_the_environment_under_test_is_the_locked_one(name):
    """A stale .venv (built before the lock changed) would test other versions than CI installs."""
    version = {n: v for n, v, marker, _ in locked() if applies(marker)}[name]
    assert metadata.version(name) == version, f"{name} {metadata.version(name)} installed, {version} locked"
