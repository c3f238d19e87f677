from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden tables from the current code (review the diff!)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def catalog():
    from costmodel import load_snapshot

    return load_snapshot()


@pytest.fixture(scope="session")
def production():
    from costmodel import load_architecture

    return load_architecture()


@pytest.fixture
def write_yaml(tmp_path: Path):
    def write(text: str, name: str = "arch.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
