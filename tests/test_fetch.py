"""Fetching from Cost Explorer: moto's server on 127.0.0.1, a throttling endpoint, Stubber errors.

No test reaches any address but loopback, and none needs real credentials.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest
import requests
from botocore.stub import Stubber

from costmodel.actuals import fetch, read_actuals
from costmodel.actuals.fetching import ce_client, month_periods, request_bodies
from costmodel.errors import CostModelError
from tests.conftest import FAKE_CREDENTIALS

FAKE = FAKE_CREDENTIALS


def page(month_start: str, month_end: str, groups: list, token: str | None = None) -> dict:
    body = {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": month_start, "End": month_end},
                "Total": {},
                "Groups": groups,
                "Estimated": False,
            }
        ],
        "DimensionValueAttributes": [],
    }
    if token:
        body["NextPageToken"] = token
    return body


def total_page(month_start: str, month_end: str, amount: str, estimated: bool = False) -> dict:
    """The ungrouped, unfiltered response: Cost Explorer's own total of the month."""
    return {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": month_start, "End": month_end},
                "Total": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}},
                "Groups": [],
                "Estimated": estimated,
            }
        ],
        "DimensionValueAttributes": [],
    }


ACCOUNT = "123456789012"  # moto's default account


def group(service: str, usage_type: str, amount: str, quantity: str, unit: str) -> dict:
    return {
        "Keys": [service, usage_type],
        "Metrics": {
            "UnblendedCost": {"Amount": amount, "Unit": "USD"},
            "AmortizedCost": {"Amount": amount, "Unit": "USD"},
            "NetAmortizedCost": {"Amount": amount, "Unit": "USD"},
            "UsageQuantity": {"Amount": quantity, "Unit": unit},
        },
    }


def seed(url: str, results: list[dict]) -> None:
    response = requests.post(
        f"{url}/moto-api/static/ce/cost-and-usage-results", json={"results": results}, timeout=5
    )
    assert response.status_code == 201


def test_multi_page_response_and_cache(moto_ce, tmp_path):
    url, client = moto_ce
    usage_1 = page(
        "2026-10-01",
        "2026-11-01",
        [group("Amazon ElastiCache", "NodeUsage:cache.r6g.xlarge", "917.352", "2232", "Hrs")],
        token="next-page",
    )
    usage_2 = page(
        "2026-10-01",
        "2026-11-01",
        [group("Amazon Managed Streaming for Apache Kafka", "USE1-Kafka.m5.large", "468.72", "2232", "Hrs")],
    )
    credits = page("2026-10-01", "2026-11-01", [])
    # consumed in call order: page 1, page 2, the credits request, the ungrouped total
    seed(url, [usage_1, usage_2, credits, total_page("2026-10-01", "2026-11-01", "1386.072")])
    first = fetch("2026-10-01", "2026-11-01", client=client, cache_dir=tmp_path, account=ACCOUNT)
    assert first["api_calls"] == 4 and first["cache_hits"] == 0
    rows = read_actuals(first, origin="fetched").rows
    # 917.352 + 468.72: both pages were read, nothing else (the total is a control, not a row)
    assert rows["unblended_cost"].sum() == pytest.approx(1386.072)
    assert sorted(rows["service"]) == ["Amazon ElastiCache", "Amazon Managed Streaming for Apache Kafka"]
    control = read_actuals(first, "fetched").controls.iloc[0]
    assert control["control_total"] == 1386.072 and "ungrouped total" in control["control_source"]
    again = fetch("2026-10-01", "2026-11-01", client=client, cache_dir=tmp_path, account=ACCOUNT)
    # usage and total cached; the credits request had no data at all, so it is not final
    assert again["api_calls"] == 1 and again["cache_hits"] == 2
    assert read_actuals(again).rows["unblended_cost"].sum() == pytest.approx(1386.072)


def test_estimated_months_are_not_cached(moto_ce, tmp_path):
    url, client = moto_ce
    current = page(
        "2026-11-01",
        "2026-12-01",
        [group("Amazon ElastiCache", "NodeUsage:cache.r6g.xlarge", "100", "240", "Hrs")],
    )
    current["ResultsByTime"][0]["Estimated"] = True
    credits = page("2026-11-01", "2026-12-01", [group("Tax", "", "8.0", "0", "N/A")])
    seed(url, [current, credits, total_page("2026-11-01", "2026-12-01", "108.0", estimated=True)])
    fetch("2026-11-01", "2026-12-01", client=client, cache_dir=tmp_path, account=ACCOUNT)
    assert len(list(tmp_path.glob("*.json"))) == 1  # only the final credits request


class Throttling(BaseHTTPRequestHandler):
    """Answers LimitExceededException twice, then a valid GetCostAndUsage response."""

    calls = 0

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls += 1
        if type(self).calls <= 2:
            body, status = {"__type": "LimitExceededException", "message": "You made too many calls"}, 400
        else:
            body, status = page("2026-10-01", "2026-11-01", []), 200
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_throttled_then_successful_call_is_retried():
    server = HTTPServer(("127.0.0.1", 0), Throttling)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        from botocore.config import Config

        client = boto3.client(
            "ce",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{server.server_port}",
            config=Config(retries={"mode": "standard", "max_attempts": 5}),
            **FAKE,
        )
        pages = fetch("2026-10-01", "2026-11-01", client=client, use_cache=False)
        assert Throttling.calls == 5  # two throttled attempts, then the three requests succeed
        assert pages["api_calls"] == 3
    finally:
        server.shutdown()


def test_ce_client_uses_standard_retries(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    assert ce_client().meta.config.retries["mode"] == "standard"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("DataUnavailableException", "no data for this period yet"),
        ("BillExpirationException", "older than Cost Explorer keeps"),
        ("AccessDeniedException", "must allow ce:GetCostAndUsage"),
        ("ExpiredTokenException", "credentials expired"),
    ],
)
def test_errors_are_explained(code, message, tmp_path):
    client = boto3.client("ce", region_name="us-east-1", **FAKE)
    stub = Stubber(client)
    stub.add_client_error(
        "get_cost_and_usage", service_error_code=code, service_message="x", http_status_code=400
    )
    with stub, pytest.raises(CostModelError, match=message):
        fetch("2026-10-01", "2026-11-01", client=client, cache_dir=tmp_path, account=ACCOUNT)


def test_month_periods_and_requests():
    assert month_periods("2026-06-15", "2026-08-01") == [
        ("2026-06-15", "2026-07-01"),
        ("2026-07-01", "2026-08-01"),
    ]
    with pytest.raises(CostModelError, match="must be after"):
        month_periods("2026-08-01", "2026-06-01")
    usage, special, control = request_bodies("2026-06-01", "2026-07-01")
    assert "GroupBy" not in control and "Filter" not in control  # Cost Explorer's own total
    assert usage["GroupBy"] == [
        {"Type": "DIMENSION", "Key": "SERVICE"},
        {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
    ]
    assert set(usage["Metrics"]) == {"UnblendedCost", "AmortizedCost", "NetAmortizedCost", "UsageQuantity"}
    assert special["Filter"]["Dimensions"]["Values"] == ["Credit", "Refund", "Tax"]


def test_fetch_actuals_command_end_to_end(moto_ce, tmp_path, monkeypatch, capsys):
    """The real command, its boto3 client pointed at moto on 127.0.0.1 by botocore's endpoint variable."""
    from costmodel.cli import main

    url, _ = moto_ce
    monkeypatch.setenv("AWS_ENDPOINT_URL_COST_EXPLORER", url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", url)  # the cache is keyed by the caller's account
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("COSTMODEL_CACHE_DIR", str(tmp_path / "cache"))
    usage = page(
        "2026-09-01",
        "2026-10-01",
        [group("Amazon ElastiCache", "NodeUsage:cache.r6g.xlarge", "887.76", "2160", "Hrs")],
    )
    october = page(
        "2026-10-01",
        "2026-11-01",
        [group("Amazon ElastiCache", "NodeUsage:cache.r6g.xlarge", "917.352", "2232", "Hrs")],
    )
    seed(
        url,
        [
            usage,
            page("2026-09-01", "2026-10-01", []),
            total_page("2026-09-01", "2026-10-01", "887.76"),
            october,
            page("2026-10-01", "2026-11-01", []),
            total_page("2026-10-01", "2026-11-01", "917.352"),
        ],
    )
    out = tmp_path / "ce.json"
    fetch_two_months = [
        "fetch-actuals",
        "--start",
        "2026-09-01",
        "--end",
        "2026-11-01",
        "--out",
        str(out),
        "--format",
        "json",
    ]
    code = main(fetch_two_months)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["api_calls"] == 6 and summary["cache_hits"] == 0  # 2 months x (usage, credits/tax, total)
    assert "fetching" in captured.err  # the progress bar goes to stderr, JSON alone to stdout
    code = main(["reconcile", "--actuals", str(out), "--month", "2026-09", "--format", "json"])
    month = json.loads(capsys.readouterr().out)["months"][0]
    assert code == 0 and month["totals"]["actual"] == pytest.approx(887.76)
    assert "ungrouped total" in month["conservation"]["bill_total_source"]
    code = main(fetch_two_months)
    # the re-run costs nothing but the empty credits requests (no data is never final)
    assert json.loads(capsys.readouterr().out)["api_calls"] == 2


def test_daily_granularity_is_requested_saved_and_read_as_days(moto_ce, tmp_path):
    url, client = moto_ce

    def day(start, end, amount):
        result = page(
            start, end, [group("Amazon ElastiCache", "NodeUsage:cache.r6g.xlarge", amount, "72", "Hrs")]
        )
        return result

    usage = day("2026-10-01", "2026-10-02", "29.592")
    usage["ResultsByTime"] += day("2026-10-02", "2026-10-03", "29.592")["ResultsByTime"]
    total = total_page("2026-10-01", "2026-10-02", "29.592")
    total["ResultsByTime"] += total_page("2026-10-02", "2026-10-03", "29.592")["ResultsByTime"]
    seed(url, [usage, page("2026-10-01", "2026-10-02", []), total])
    fetched = fetch("2026-10-01", "2026-10-03", client=client, granularity="DAILY", use_cache=False)
    assert {entry["request"]["Granularity"] for entry in fetched["requests"]} == {"DAILY"}
    actuals = read_actuals(fetched, "fetched")
    # two days of 3 x cache.r6g.xlarge x 24 h x $0.411 = $29.592 each; October so far $59.184
    assert set(actuals.rows["granularity"]) == {"DAILY"} and len(actuals.rows) == 2
    assert actuals.controls.iloc[0]["control_total"] == pytest.approx(59.184)
