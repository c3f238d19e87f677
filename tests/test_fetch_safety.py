"""The fetch cache and output: keyed by account, private, never final when empty, nothing lost.

Cost Explorer runs on moto's server on 127.0.0.1 (fixtures of tests/test_fetch.py); no test
needs credentials or reaches the network.
"""

import importlib
import json
import os
import stat

import boto3
import pytest
import requests
from botocore.stub import Stubber

from costmodel.actuals import fetch
from costmodel.actuals.fetching import save_fetched
from costmodel.cli import main
from costmodel.errors import CostModelError
from tests.test_fetch import FAKE, group, page, seed, total_page

OCT = ("2026-10-01", "2026-11-01")


def october(amount: str) -> list[dict]:
    """The three responses of one month: usage, credits/tax (one tax group), total."""
    usage = page(*OCT, [group("Amazon ElastiCache", "NodeUsage:cache.r6g.xlarge", amount, "2232", "Hrs")])
    tax = page(*OCT, [group("Tax", "", "1.00", "0", "N/A")])
    total = f"{float(amount) + 1:.3f}"
    return [usage, tax, total_page(*OCT, total)]


def test_a_second_account_is_never_served_the_first_accounts_bill(moto_ce, tmp_path):
    url, client = moto_ce
    seed(url, october("917.352"))
    first = fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    requests.post(f"{url}/moto-api/reset", timeout=5)  # moto answers a repeated request alike
    seed(url, october("10.000"))
    other = fetch(*OCT, client=client, cache_dir=tmp_path, account="222222222222")
    assert other["api_calls"] == 3 and other["cache_hits"] == 0
    amounts = [
        g["Metrics"]["UnblendedCost"]["Amount"]
        for r in (first, other)
        for g in r["requests"][0]["pages"][0]["ResultsByTime"][0]["Groups"]
    ]
    assert amounts == ["917.352", "10.000"]
    again = fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    assert again["api_calls"] == 0 and again["cache_hits"] == 3


def test_cache_folder_is_0700_and_entries_are_0600(moto_ce, tmp_path):
    url, client = moto_ce
    seed(url, october("917.352"))
    cache = tmp_path / "ce"
    fetch(*OCT, client=client, cache_dir=cache, account="111111111111")
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700
    entries = list(cache.glob("*.json"))
    assert len(entries) == 3
    assert {stat.S_IMODE(os.stat(e).st_mode) for e in entries} == {0o600}


def test_a_corrupt_cache_entry_is_fetched_again_with_a_warning(moto_ce, tmp_path, capsys):
    url, client = moto_ce
    seed(url, october("917.352"))
    fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    entry = sorted(tmp_path.glob("*.json"))[0]
    entry.write_text('{"ResultsByTime": [trunc')
    seed(url, october("917.352"))
    again = fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    assert again["api_calls"] == 1 and again["cache_hits"] == 2
    assert f"cache entry {entry} is unreadable" in capsys.readouterr().err
    json.loads(entry.read_text())  # replaced by a good entry


def test_an_empty_month_is_not_cached_as_final(moto_ce, tmp_path):
    url, client = moto_ce
    seed(
        url,
        [
            page(*OCT, []),
            page(*OCT, []),
            {
                "ResultsByTime": [
                    {
                        "TimePeriod": {"Start": OCT[0], "End": OCT[1]},
                        "Total": {},
                        "Groups": [],
                        "Estimated": False,
                    }
                ]
            },
        ],
    )
    fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    assert list(tmp_path.glob("*.json")) == []


def test_unwritable_out_is_refused_before_any_paid_call(tmp_path, monkeypatch, capsys):
    # fetch() is replaced by a recorder: the command must not reach it.
    called = []
    module = importlib.import_module("costmodel.actuals.fetching")  # the package exports a fetch()
    monkeypatch.setattr(module, "fetch", lambda *a, **k: called.append(1))
    for out, expected in [
        (tmp_path / "missing" / "ce.json", "does not exist"),
        (tmp_path, "is a folder"),
        (tmp_path / "file.txt" / "ce.json", "is not a folder"),
    ]:
        (tmp_path / "file.txt").write_text("x")
        code = main(["fetch-actuals", "--start", OCT[0], "--end", OCT[1], "--out", str(out)])
        err = capsys.readouterr().err
        assert code == 2 and expected in err and err.count("\n") == 1, err
    assert called == []


def test_a_failed_write_keeps_the_fetched_data_in_the_cache_and_says_where(tmp_path):
    payload = {"requests": [], "api_calls": 3, "cache_hits": 0}
    with pytest.raises(CostModelError, match="the fetched data is kept in") as info:
        save_fetched(payload, tmp_path / "gone" / "ce.json", cache_dir=tmp_path / "cache")
    kept = str(info.value).rsplit(" ", 1)[-1]
    with open(kept) as handle:
        assert json.load(handle) == payload
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600


def test_unknown_profile_is_one_line(tmp_path, capsys):
    out = tmp_path / "ce.json"
    code = main(
        [
            "fetch-actuals",
            "--start",
            OCT[0],
            "--end",
            OCT[1],
            "--profile",
            "no-such-profile",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "no-such-profile" in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_credentials_are_one_line(tmp_path, monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # STS is pointed at an unused loopback port so that nothing leaves the machine.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    code = main(["fetch-actuals", "--start", OCT[0], "--end", OCT[1], "--out", str(tmp_path / "ce.json")])
    err = capsys.readouterr().err
    assert code == 2 and "no AWS credentials" in err and err.count("\n") == 1


def test_stubbed_client_needs_an_account_for_the_cache(tmp_path):
    client = boto3.client("ce", region_name="us-east-1", **FAKE)
    with Stubber(client), pytest.raises(ValueError, match="needs account="):
        fetch(*OCT, client=client, cache_dir=tmp_path)


def test_cache_entries_store_their_request_beside_the_pages(moto_ce, tmp_path):
    url, client = moto_ce
    seed(url, october("917.352"))
    fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    entries = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert {e["request"]["GroupBy"][0]["Key"] if "GroupBy" in e["request"] else "" for e in entries} == {
        "SERVICE",
        "RECORD_TYPE",
        "",
    }
    assert {e["account"] for e in entries} == {"111111111111"}
    assert all(e["request"]["TimePeriod"] == {"Start": OCT[0], "End": OCT[1]} for e in entries)


def test_a_swapped_cache_entry_is_refused_and_fetched_again(moto_ce, tmp_path, capsys):
    url, client = moto_ce
    seed(url, october("917.352"))
    first = fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    usage, total = (
        tmp_path / f"{fetch_module().cache_key(first['requests'][i]['request'], '111111111111', url)}.json"
        for i in (0, 2)
    )
    usage_text, total_text = usage.read_text(), total.read_text()
    usage.write_text(total_text)  # each entry now holds the other request's pages
    total.write_text(usage_text)
    seed(url, october("917.352"))
    again = fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    assert again["api_calls"] == 2 and again["cache_hits"] == 1
    err = capsys.readouterr().err
    assert f"cache entry {usage} is refused: it answers another request; fetching again" in err
    # what was served for each request is that request's answer, as fetched the first time
    assert again["requests"] == first["requests"]


def test_a_cache_entry_with_pages_missing_is_refused(moto_ce, tmp_path, capsys):
    url, client = moto_ce
    seed(url, october("917.352"))
    first = fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    entry = (
        tmp_path / f"{fetch_module().cache_key(first['requests'][0]['request'], '111111111111', url)}.json"
    )
    saved = json.loads(entry.read_text())
    saved["pages"][-1]["NextPageToken"] = "more"
    entry.write_text(json.dumps(saved))
    seed(url, october("917.352"))
    again = fetch(*OCT, client=client, cache_dir=tmp_path, account="111111111111")
    assert again["api_calls"] == 1
    assert "still carries a NextPageToken" in capsys.readouterr().err


def test_a_symlinked_cache_folder_is_refused_before_any_call(moto_ce, tmp_path):
    _, client = moto_ce
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o755)
    (tmp_path / "cache").symlink_to(target)
    with pytest.raises(CostModelError, match="is a symbolic link"):
        fetch(*OCT, client=client, cache_dir=tmp_path / "cache", account="111111111111")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o755


def fetch_module():
    return importlib.import_module("costmodel.actuals.fetching")
