"""Anomalies (issue 12): the planted days of the daily sample are found, nothing else is
flagged, steps are told apart, and bad input is one line."""

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from costmodel.actuals import read_actuals
from costmodel.anomalies import detect
from costmodel.estimation import estimate
from costmodel.usage_types import strip_region_prefix
from tests.test_trust import refused, run

DAILY = "data/actuals/ce-daily-2026-06..2026-10.json.gz"
MONTHLY = "data/actuals/ce-2026-06..2026-10.json"
PLANTED = pd.read_csv("data/samples/planted-anomalies.csv")


def found_keys(frame):
    return set(
        zip(
            frame["date"].dt.strftime("%Y-%m-%d"),
            frame["service"],
            frame["usage_type"].map(strip_region_prefix),
            strict=True,
        )
    )


def test_every_planted_anomaly_is_found_and_nothing_else():
    detection = detect(read_actuals(DAILY))
    truth = set(zip(PLANTED["date"], PLANTED["service"], PLANTED["usage_type"], strict=True))
    found = found_keys(detection.anomalies)
    # the false alarm rate on the sample, stated in README.md: 0 of 6,628 series-days: 6,625
    # daily series-days (each series' days from 29 June) and the support plan's months from
    # August on, each scored against its two or more previous months (3)
    assert found == truth
    assert detection.scored_days == 6625 + 3 and detection.first_scored == "2026-06-29"


def test_a_level_that_stays_is_a_step_change_not_an_alarm():
    steps = detect(read_actuals(DAILY)).steps.set_index("usage_type")
    # the third read replica from 15 September: 2 -> 3 x db.r5.2xlarge x 24 h x $1.00
    assert steps.loc["InstanceUsage:db.r5.2xl", "date"] == pd.Timestamp("2026-09-15")
    assert (
        steps.loc["InstanceUsage:db.r5.2xl", "before"],
        steps.loc["InstanceUsage:db.r5.2xl", "after"],
    ) == (48.0, 72.0)
    # the RI fee from 1 August: 3 x $0.214 x 24 h = $15.408 a day
    assert steps.loc["HeavyUsage:c5.2xlarge", "after"] == pytest.approx(15.408)


def test_anomalies_json_has_the_contract_shape_and_explains_against_the_model():
    code, out, _ = run("anomalies", "--format", "json", "--month", "2026-08")
    payload = json.loads(out)
    (nat,) = payload["anomalies"]
    assert code == 0 and payload["currency"] == "USD"
    assert set(nat) == {"date", "service", "usage_type", "actual", "expected", "score", "explanation"}
    assert nat["date"] == "2026-08-19" and nat["explanation"].startswith(
        "NAT data processed (NatGateway-Bytes) 3."
    )


def test_a_month_without_scored_days_is_refused_not_reported_clean(production, catalog):
    # "0 anomalies" for a month nobody looked at would be a wrong answer with exit 0
    err = refused("anomalies", "--month", "2031-01")
    assert "no anomalies can be told for 2031-01: the days scored are 2026-06-29 to 2026-10-31" in err
    # the report says the daily data does not cover its month, instead of showing none
    from costmodel.report.build import anomaly_section

    section = anomaly_section(read_actuals(DAILY), "2026-05", estimate(production, catalog))
    assert section["available"] is False and section["uncovered"].endswith(".json.gz")


def test_month_filters_the_step_changes_too():
    payload = json.loads(run("anomalies", "--format", "json", "--month", "2026-09")[1])
    # of the four steps in the sample only the third replica's (and its storage and IOPS) is in September
    assert {s["date"] for s in payload["step_changes"]} == {"2026-09-15"}


def test_monthly_data_where_daily_is_needed_is_one_line():
    assert "needs daily actuals, this file is MONTHLY" in refused("anomalies", "--actuals", MONTHLY)


def daily_payload():
    return json.loads(gzip.decompress(Path(DAILY).read_bytes()))


def test_daily_data_with_a_gap_is_one_line(tmp_path):
    payload = daily_payload()
    for request in payload["requests"]:
        for page in request["pages"]:
            page["ResultsByTime"] = [
                r for r in page["ResultsByTime"] if r["TimePeriod"]["Start"] != "2026-08-04"
            ]
    path = tmp_path / "gap.json"
    path.write_text(json.dumps(payload))
    err = refused("anomalies", "--actuals", path)
    assert "daily data has a gap: 1 day(s) missing, first 2026-08-04" in err


def test_a_repeated_day_is_one_line(tmp_path):
    payload = daily_payload()
    page = payload["requests"][0]["pages"][0]
    page["ResultsByTime"].append(page["ResultsByTime"][3])
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(payload))
    assert "duplicate period 2026-06-04" in refused("anomalies", "--actuals", path)


@pytest.mark.parametrize("value", ["-1", "nan"])
def test_a_bad_min_usd_is_refused(value, capsys):
    from costmodel.cli import main

    if value == "nan":
        with pytest.raises(SystemExit):
            main(["anomalies", "--min-usd", value])
        assert "not a finite number" in capsys.readouterr().err
    else:
        assert "--min-usd must be >= 0" in refused("anomalies", "--min-usd", value)
