"""calibrate and backtest-capacity: the synthetic CloudWatch sample's known parameters
recovered within the stated intervals, node-hours held to the CUR sample's bill, CloudWatch
read from moto's server on 127.0.0.1 (put_metric_data, then get_metric_data)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import boto3
import pytest
import requests

from costmodel.calibration import calibrate, cloudwatch
from costmodel.cli import main
from tests.conftest import FAKE_CREDENTIALS

from samples.cloudwatch import TRUTH

DATA = Path(__file__).parent.parent / "data"
METRICS = str(DATA / "cloudwatch" / "cw-2026-08..2026-10.json.gz")
CUR = str(DATA / "actuals" / "cur2-2026-06..2026-10.parquet")
WINDOW = ("2026-08-01", "2026-10-01")

# The sample's parameters (samples.cloudwatch.TRUTH) at the window, by hand:
EXPECTED = {
    "requests_per_s_trough": 2000 * 3,  # 3 nodes' worth at 2,000 requests/s a node
    "requests_per_s_peak": 2000 * (3 + 3.5 * 1.04**3),  # a September weekday: 13,874.05
    "weekend_factor": 0.5,
    "load_growth_pct_per_month": 4.0,
    "requests_per_pod": 0.5 / 0.0025,  # pod_cpu / vCPU per request/s = 200
    "node_base_vcpu": 0.25,
    "node_memory_gib_per_krps": 3.0,
    "rds_cpu_pct_per_krps": 2.5,
    "rds_cpu_base_pct": 10.0,
    "rds_storage_growth_gb_per_day": 0.5,
    "rds_free_storage_gb": 1000 - (600 + 0.5 * (60 + 23 / 24)),  # 2026-09-30 23:00: 369.52
    "hot_dataset_gb": 12 + 0.02 * (60 + 23 / 24),  # 13.2192
    "hot_dataset_growth_gb_per_day": 0.02,
    "cache_cpu_pct_per_krps": 1.2,
    "cache_cpu_base_pct": 4.0,
    "kafka_bytes_per_request": 150.0,
}


def backtest_argv(load: Path, month: str) -> list[str]:
    return ["backtest-capacity", "--load", str(load), "--metrics", METRICS, "--cur", CUR, "--month", month]


@pytest.fixture(scope="module")
def sample_fit():
    from costmodel.architecture import load_architecture

    return calibrate(cloudwatch.read(METRICS), load_architecture(), *WINDOW)


def test_expected_values_follow_the_generator():
    """The hand-derived expectations restate TRUTH; a change there must change them."""
    assert TRUTH["requests_per_node"] * TRUTH["trough_nodes"] == EXPECTED["requests_per_s_trough"]
    assert TRUTH["requests_per_pod"] == EXPECTED["requests_per_pod"]
    assert TRUTH["monthly_growth"] == 1 + EXPECTED["load_growth_pct_per_month"] / 100


@pytest.mark.parametrize("parameter", sorted(EXPECTED))
def test_calibrate_recovers_each_known_parameter_within_its_interval(sample_fit, parameter):
    fit = {f.parameter: f for f in sample_fit.fits}[parameter]
    assert fit.low <= EXPECTED[parameter] <= fit.high, (fit.low, fit.value, fit.high)
    assert fit.hours == 1464  # August and September, every hour


def test_intervals_are_narrow_enough_to_mean_something(sample_fit):
    by = {f.parameter: f for f in sample_fit.fits}
    assert (by["requests_per_pod"].high - by["requests_per_pod"].low) / 200 < 0.03
    assert by["requests_per_pod"].r2 > 0.95
    assert sample_fit.load["requests_per_pod"] == pytest.approx(200, rel=0.01)


def test_calibrate_writes_the_contract_fields(tmp_path, capsys):
    out = tmp_path / "load.yaml"
    code = main(
        [
            "calibrate",
            "--metrics",
            METRICS,
            "--start",
            WINDOW[0],
            "--end",
            WINDOW[1],
            "--out",
            str(out),
            "--format",
            "json",
        ]
    )
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    fields = {"parameter", "value", "low", "high", "r2", "metric", "source"}
    assert all(fields <= set(f) for f in payload["fits"])
    assert set(payload["load"]) == {
        "requests_per_s_trough", "requests_per_s_peak", "requests_per_pod", "hot_dataset_gb",
        "kafka_ingress_mibps", "kafka_peak_ingress_mibps",
    }  # fmt: skip
    assert "SYNTHETIC" in payload["fits"][0]["source"]
    eks = [h for h in payload["headroom"] if h["service"] == "eks"]
    # the peak needs 13,876 / 2,000 = 6.94 nodes: node 8 at +0.9%; 10 nodes' 20,000 at +44%
    assert [h["load_growth_pct"] for h in eks] == [pytest.approx(0.9, abs=0.15), pytest.approx(44.1, abs=0.5)]


def test_backtest_node_hours_within_5_percent_of_the_bill_beside_baselines(tmp_path, capsys):
    load = tmp_path / "load.yaml"
    assert (
        main(
            ["calibrate", "--metrics", METRICS, "--start", WINDOW[0], "--end", WINDOW[1], "--out", str(load)]
        )
        == 0
    )
    capsys.readouterr()
    assert main([*backtest_argv(load, "2026-10"), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    eks = {s["service"]: s for s in payload["services"]}["eks"]
    assert eks["billed_hours"] == 3586  # the CUR sample's October c5.2xlarge hours (issue 25)
    assert abs(eks["error_pct"]) < 5
    baselines = {b["basis"].split(",")[0]: b for b in payload["baselines"]}
    uncalibrated = baselines["the architecture's load section"]
    # today's load curve: 6,000 requests/s peak never needs a 4th node: 3 x 744 = 2,232 h
    assert uncalibrated["predicted_hours"] == 2232
    assert uncalibrated["error_pct"] == pytest.approx((2232 - 3586) / 3586 * 100)
    flat = baselines["2026-09's mean node count held flat"]
    assert eks["hourly_mae"] < flat["hourly_mae"] < uncalibrated["hourly_mae"]
    assert len(payload["hours"]) == 744


def test_backtest_refuses_a_month_the_metrics_lack(tmp_path, capsys):
    load = tmp_path / "load.yaml"
    load.write_text("load: {requests_per_pod: 200}\n")
    assert main(backtest_argv(load, "2026-07")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "744 of 744 hours of 2026-07" in err[0]


def test_bad_load_and_metrics_files_are_one_line(tmp_path, capsys):
    load = tmp_path / "load.yaml"
    load.write_text("load: {requests_per_pods: 200}\n")
    assert main(backtest_argv(load, "2026-10")) == 2
    assert "load.requests_per_pods is not a load key" in capsys.readouterr().err
    metrics = tmp_path / "m.json"
    metrics.write_text("{}")
    assert main(["calibrate", "--metrics", str(metrics), "--start", "2026-08-01", "--end", "2026-09-01"]) == 2
    assert "not a costmodel CloudWatch metrics file" in capsys.readouterr().err


def _put(cw, payload: dict, start: str, days: int) -> None:
    """The sample's series for ``days`` days from ``start``, put into CloudWatch."""
    first = dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
    last = first + dt.timedelta(days=days)
    for s in payload["series"]:
        if s["metric"] not in {"RequestCount", "cluster_node_count", "node_cpu_utilization"}:
            continue
        data = [
            {
                "MetricName": s["metric"],
                "Dimensions": [{"Name": k, "Value": v} for k, v in s["dimensions"].items()],
                "Timestamp": stamp,
                "Value": value,
            }
            for stamp, value in zip(
                (dt.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in s["timestamps"]),
                s["values"],
                strict=True,
            )
            if first <= stamp < last
        ]
        for i in range(0, len(data), 500):
            cw.put_metric_data(Namespace=s["namespace"], MetricData=data[i : i + 500])


def test_calibrate_reads_cloudwatch_from_moto_and_caches_per_account(
    moto_server, tmp_path, monkeypatch, capsys
):
    requests.post(f"{moto_server}/moto-api/reset", timeout=5)
    cw = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=moto_server, **FAKE_CREDENTIALS)
    _put(cw, cloudwatch.read(METRICS), "2026-09-01", 15)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("COSTMODEL_CACHE_DIR", str(tmp_path / "cache"))
    saved = tmp_path / "cw.json"
    argv = ["calibrate", "--start", "2026-09-01", "--end", "2026-09-16", "--format", "json"]
    assert main([*argv, "--save-metrics", str(saved)]) == 0
    fits = {f["parameter"]: f for f in json.loads(capsys.readouterr().out)["fits"]}
    assert fits["requests_per_pod"]["low"] <= 200 <= fits["requests_per_pod"]["high"]
    assert "account 123456789012" in fits["requests_per_pod"]["source"]  # moto's account
    series = {s["metric"]: s for s in cloudwatch.read(saved)["series"]}
    assert len(series["RequestCount"]["values"]) == 15 * 24
    cached = list((tmp_path / "cache" / "cloudwatch").glob("*.json"))
    assert len(cached) == 1 and oct(cached[0].stat().st_mode & 0o777) == "0o600"
    calls = []
    monkeypatch.setattr(cloudwatch, "get_metric_data", lambda *a: calls.append(a))
    assert main(argv) == 0 and calls == []  # the second run is served by the cache
    capsys.readouterr()


def test_cloudwatch_access_denied_is_one_line(monkeypatch, capsys):
    from botocore.exceptions import ClientError

    from costmodel.account import aws

    def denied(aws_client, operation, key, what, **kwargs):
        raise aws.explain(ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, operation), what)

    monkeypatch.setattr(
        aws, "session", lambda profile: boto3.Session(region_name="us-east-1", **FAKE_CREDENTIALS)
    )
    monkeypatch.setattr(aws, "call", lambda *a, **k: {"Account": "123456789012"})
    monkeypatch.setattr(aws, "read_all", denied)
    assert main(["calibrate", "--start", "2026-08-01", "--end", "2026-09-01", "--no-cache"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["costmodel: error: cloudwatch:ListMetrics AWS/ApplicationELB RequestCount: AccessDenied"]


def test_a_corrupt_cache_entry_is_fetched_again(tmp_path, capsys):
    from costmodel.calibration.cloudwatch import _cached

    entry = tmp_path / "entry.json"
    entry.write_text("{not json")
    assert _cached(entry) is None
    assert "fetching again" in capsys.readouterr().err
    entry.write_text(json.dumps([{"MetricDataResults": []}]))
    assert _cached(entry) == [{"MetricDataResults": []}]
