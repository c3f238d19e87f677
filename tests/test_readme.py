"""Every fenced example in README.md runs as written on a fresh clone (issue 18).

Command lines (```sh blocks) run in order in a scratch folder that holds the repository's
``data/`` and ``tests/`` (so relative paths resolve as in a clone), with their expected exit
status (0, or what the line's comment says: "exit 1"). Lines marked "needs AWS" run against
local emulators on 127.0.0.1: moto's server for Cost Explorer, STS and Athena, and a small
Pricing API stand-in (moto has no Pricing API). Python blocks run in one namespace, in order,
as a reader would paste them into a notebook. Nothing here reaches beyond loopback.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import threading
from contextlib import redirect_stderr, redirect_stdout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import yaml

from costmodel.cli import main

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
PRICING_ITEM = (
    ROOT / "tests" / "data" / "aws" / "ec2_getproducts_m5.large_us-east-1_2021-02-05.json"
).read_text()


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def command_lines() -> list[tuple[list[str], str]]:
    """(argv after `costmodel`, the line's comment) for every costmodel line of the sh blocks."""
    lines = []
    for body in blocks("sh"):
        for line in body.splitlines():
            if not line.startswith("costmodel "):
                continue
            code, _, comment = line.partition("  #")
            argv = shlex.split(code)[1:]
            lines.append((argv, comment.strip()))
    return lines


def expected_exit(comment: str) -> int:
    match = re.search(r"\bexit (\d)\b", comment)
    return int(match.group(1)) if match else 0


class PricingStandIn(BaseHTTPRequestHandler):
    """GetProducts (JSON protocol) answered with one real Price List item per query, and the
    Savings Plans API's DescribeSavingsPlansOfferingRates (REST-JSON) with no rates."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("X-Amz-Target") == "AWSPriceListService.GetProducts":
            status, body = 200, {"FormatVersion": "aws_v1", "PriceList": [PRICING_ITEM]}
        elif self.path == "/DescribeSavingsPlansOfferingRates":
            status, body = 200, {"searchResults": []}
        else:
            status, body = 400, {"__type": "UnknownOperationException"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def pricing_stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PricingStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def month_by_month(sample: Path) -> list[dict]:
    """The bundled Cost Explorer sample as fetch-actuals asks for it: per month, the usage,
    the credits/refunds/tax and the ungrouped total requests, one page each."""
    saved = json.loads(sample.read_text())["requests"]
    periods = sorted({r["TimePeriod"]["Start"] for p in saved[0]["pages"] for r in p["ResultsByTime"]})
    responses = []
    for start in periods:
        for request in saved:
            results = [
                r for p in request["pages"] for r in p["ResultsByTime"] if r["TimePeriod"]["Start"] == start
            ]
            responses.append({"ResultsByTime": results, "DimensionValueAttributes": []})
    return responses


@pytest.fixture
def aws_emulated(moto_server, pricing_stand_in, tmp_path, monkeypatch):
    """Everything the "needs AWS" lines call, on 127.0.0.1, with a `production` profile."""
    requests.post(f"{moto_server}/moto-api/reset", timeout=5)
    config = tmp_path / "aws-config"
    config.write_text(
        "[default]\nregion = us-east-1\n"
        "[profile production]\nregion = us-east-1\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for service in ("COST_EXPLORER", "STS", "ATHENA"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", moto_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)  # discover's EKS, RDS, ... (an empty account)
    monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", pricing_stand_in)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAVINGSPLANS", pricing_stand_in)
    monkeypatch.setenv("COSTMODEL_CACHE_DIR", str(tmp_path / "cache"))
    return moto_server


def seed_cost_explorer(url: str, responses: list[dict]) -> None:
    answer = requests.post(
        f"{url}/moto-api/static/ce/cost-and-usage-results", json={"results": responses}, timeout=5
    )
    assert answer.status_code == 201


@pytest.fixture
def clone(tmp_path, monkeypatch):
    """A scratch working folder that looks like the repository root to relative paths."""
    work = tmp_path / "work"
    work.mkdir()
    for name in ("data", "tests", "notebooks"):
        (work / name).symlink_to(ROOT / name)
    monkeypatch.chdir(work)
    return work


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_the_readme_shows_command_lines_to_run():
    lines = command_lines()
    assert len(lines) >= 20  # the README shows every command
    for argv, _ in lines:
        assert not any(a.startswith("[") for a in argv), f"placeholder syntax is not runnable: {argv}"


def written_by(argv: list[str]) -> str | None:
    """The file or folder a command line writes (its ``--out``), as later lines name it."""
    return argv[argv.index("--out") + 1].rstrip("/") if "--out" in argv[:-1] else None


def command_groups() -> list[list[int]]:
    """The README's command lines (indexes into :func:`command_lines`), each with the earlier
    lines that write what it reads, in order: a test each, so that the workers share them
    (one test of every line was the suite's longest by far)."""
    lines = command_lines()
    writer: dict[str, int] = {}
    group_of: dict[int, list[int]] = {}
    for i, (argv, _) in enumerate(lines):
        needs = {
            writer[a.rstrip("/")]
            for a in argv
            if a.rstrip("/") in writer and a.rstrip("/") != written_by(argv)
        }
        group = sorted({j for n in needs for j in group_of[n]} | {i})
        for j in group:
            group_of[j] = group
        if (out := written_by(argv)) is not None:
            writer[out] = i
    groups = {tuple(g) for g in group_of.values()}
    # a line that later lines read from runs in their group, not on its own as well
    return [list(g) for g in sorted(groups) if not any(set(g) < set(h) for h in groups)]


def test_command_groups_keep_each_line_once_and_its_writer_before_it():
    groups = command_groups()
    assert sorted(i for g in groups for i in g) == list(range(len(command_lines())))
    lines = command_lines()
    for group in groups:
        written = {written_by(lines[i][0]) for i in group} - {None}
        for i in group[1:]:
            # every line after the first in a group reads a file an earlier line of it writes
            assert any(a.rstrip("/") in written for a in lines[i][0]), lines[i][0]
    # the README's pairs: `prices refresh --out prices.csv` then `estimate --prices prices.csv`
    assert any(len(g) > 1 for g in groups)


@pytest.mark.parametrize(
    "group", command_groups(), ids=lambda g: "+".join(f"{i}-{command_lines()[i][0][0]}" for i in g)
)
def test_every_command_line_in_the_readme_runs_as_written(group, clone, aws_emulated):
    daily = ROOT / "data" / "actuals" / "ce-daily-2026-06..2026-10.json.gz"
    monthly = ROOT / "data" / "actuals" / "ce-2026-06..2026-10.json"
    failures = []
    lines = command_lines()
    for argv, comment in (lines[i] for i in group):
        if argv[0] == "fetch-actuals":
            import gzip

            sample = monthly
            if "DAILY" in argv:
                sample = clone / "daily-sample.json"
                sample.write_text(gzip.decompress(daily.read_bytes()).decode())
            seed_cost_explorer(aws_emulated, month_by_month(sample))
        if "--athena" in argv:
            continue  # run in its own test below, with the query results queued in moto
        code, _, err = run(argv)
        if code != expected_exit(comment) or "Traceback" in err:
            failures.append(f"costmodel {shlex.join(argv)} -> exit {code}: {err.strip()[-300:]}")
        out = written_by(argv)
        if out is not None and code == 0:
            written = clone / out
            assert written.is_dir() or written.stat().st_size > 0, (
                f"{shlex.join(argv)} wrote nothing to {out}"
            )
    assert failures == []
    if any(lines[i][0][0] == "fetch-actuals" and "DAILY" not in lines[i][0] for i in group):
        # what the fetch wrote is the bill the sample holds, to the cent
        fetched = json.loads(run(["reconcile", "--actuals", "ce.json", "--format", "json"])[1])
        bundled = json.loads(run(["reconcile", "--actuals", str(monthly), "--format", "json"])[1])
        assert [m["totals"]["actual"] for m in fetched["months"]] == [
            m["totals"]["actual"] for m in bundled["months"]
        ]


def test_the_readme_overrides_example_is_the_bundled_file():
    (example,) = [b for b in blocks("yaml") if "discounts:" in b]
    bundled = ROOT / "data" / "overrides" / "enterprise-discount.yaml"
    assert yaml.safe_load(example) == yaml.safe_load(bundled.read_text())


def test_every_python_example_in_the_readme_runs(clone):
    from matplotlib.figure import Figure

    namespace: dict = {}
    for body in blocks("python"):
        exec(compile(body, "README.md", "exec"), namespace)
    figures = [v for v in namespace.values() if isinstance(v, Figure)]
    assert namespace["items"]["monthly_cost"].sum() > 0
    assert all(isinstance(f, Figure) for f in figures)


def test_the_readme_athena_line_runs_against_moto(clone, aws_emulated):
    """The README's Athena line as written; moto answers each query with what DuckDB computes
    from the bundled CUR sample (as Athena would over the same table)."""
    import duckdb

    from costmodel import lineitems
    from tests.test_lineitems import CUR, athena_result, bill_queries

    (argv,) = [argv for argv, _ in command_lines() if "--athena" in argv]
    local = lineitems.open_files(CUR)
    described = duckdb.execute(f"DESCRIBE SELECT * FROM read_parquet('{CUR}')").fetchall()
    schema = {
        "rows": [{"Data": [{"VarCharValue": r[0]} for r in described]}],
        "column_info": [{"Name": r[0], "Type": r[1].lower()} for r in described],
    }
    # what Athena would answer: each query the bill runs, run on DuckDB over the same sample
    answers = [athena_result(result) for _, result in bill_queries(local)]
    queued = requests.post(
        f"{aws_emulated}/moto-api/static/athena/query-results",
        json={"results": [schema, *answers], "region": "us-east-1"},
        timeout=5,
    )
    assert queued.status_code == 201
    code, out, err = run([*argv, "--format", "json"])
    assert code == 0, err
    from_athena = [m["totals"]["actual"] for m in json.loads(out)["months"]]
    code, out, _ = run(["reconcile", "--cur", str(CUR), "--format", "json"])
    assert from_athena == [m["totals"]["actual"] for m in json.loads(out)["months"]]
