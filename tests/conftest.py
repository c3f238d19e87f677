import os

# before numpy loads (as the console script does): small fits, BLAS threads only contend
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import socket
from pathlib import Path

import boto3
import pytest
import requests

DATA = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden tables from the current code (review the diff!)",
    )


# Test files whose tests share a module-scoped fixture too slow to build on both workers
# (the notebooks' executions, three reports): each runs whole on one worker.
ONE_WORKER_FILES = ("tests/test_notebooks.py", "tests/test_finance_exports.py")


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``--dist loadgroup`` that groups: pytest-xdist 3.8 marks an ``xdist_group`` test by
    renaming ``item._nodeid``, which pytest 9 no longer reads, so its groups were spread over
    the workers (each built the shared fixture). Here a file of :data:`ONE_WORKER_FILES` is one
    unit of work and every other test its own, through xdist's scheduler hook."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneWorkerFiles(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path in ONE_WORKER_FILES else nodeid

    return OneWorkerFiles(config, log)


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


FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server():
    """moto's server on 127.0.0.1 (Cost Explorer and STS); no network beyond loopback."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def moto_ce(moto_server):
    requests.post(f"{moto_server}/moto-api/reset", timeout=5)
    client = boto3.client("ce", region_name="us-east-1", endpoint_url=moto_server, **FAKE_CREDENTIALS)
    return moto_server, client
