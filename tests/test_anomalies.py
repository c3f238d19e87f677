"""Anomalies (issue 12): the planted days of the daily sample are found, nothing else is
flagged, steps are told apart, and bad input is one line."""

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from costmodel.actuals import read_actuals
from costmodel.actuals.series import cut
from costmodel.anomalies import detect
from costmodel.errors import InputError
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


def test_a_day_listed_without_cost_amid_a_running_bill_is_refused_as_a_gap(tmp_path):
    # Cost Explorer lists a day it holds no data for with no groups (and no Total when
    # grouped). On the sample, whose nodes, database and volumes bill every day, such a day
    # is data lost, not a day that cost nothing: it was read as $0 for every series (tester
    # 34: a step cut in two, a later day at the step's level alarmed). It is refused, naming
    # the day, as a day absent from the file is; a day without cost where nothing billed
    # day by day around it is read at $0 (tests/test_anomaly_tester34.py).
    payload = daily_payload()
    billed = 0.0
    for request in payload["requests"]:
        for page in request["pages"]:
            for result in page["ResultsByTime"]:
                if result["TimePeriod"]["Start"] != "2026-08-04":
                    continue
                if result.get("Groups"):
                    billed += sum(float(g["Metrics"]["UnblendedCost"]["Amount"]) for g in result["Groups"])
                    result["Groups"], result["Total"] = [], {}
                else:  # the ungrouped control total of that day: $0
                    for metric in result["Total"].values():
                        metric["Amount"] = "0"
    path = tmp_path / "zero-day.json"
    path.write_text(json.dumps(payload))
    assert billed > 0
    assert "gap: 1 day(s) without any cost, first 2026-08-04" in refused("anomalies", "--actuals", path)


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


# ---------------------------------------------------------------- issue 23: as AWS Cost Anomaly Detection
def daily_actuals(series: dict, start: str = "2026-01-01"):
    """Actuals of daily series {(service, usage type): [USD per day]} (tiny, hand-checkable)."""
    from costmodel.actuals.controls import TIDY_COLUMNS, Actuals

    rows = []
    for (service, usage_type), values in series.items():
        days = pd.date_range(start, periods=len(values), freq="D")
        for day, value in zip(days, values, strict=True):
            rows.append(
                {
                    "period_start": day,
                    "period_end": day + pd.Timedelta(days=1),
                    "month": day.strftime("%Y-%m"),
                    "granularity": "DAILY",
                    "service": service,
                    "usage_type": usage_type,
                    "record_type": "",
                    "unblended_cost": float(value),
                    "usage_unit": "",
                    "estimated": False,
                    "source": "test",
                }
            )
    frame = pd.DataFrame(rows)
    for column in TIDY_COLUMNS:
        if column not in frame:
            frame[column] = float("nan")
    controls = frame.groupby("month", as_index=False)["unblended_cost"].sum()
    controls = controls.rename(columns={"unblended_cost": "control_total"}).assign(
        groups=1, control_source="test"
    )
    controls["groups_total"] = controls["control_total"]
    return Actuals(rows=frame[TIDY_COLUMNS], controls=controls, origin="test")


EC2 = ("Amazon Elastic Compute Cloud - Compute", "USE1-BoxUsage:m6i.xlarge")


def test_a_sustained_leak_no_day_shows_is_one_closed_event():
    # $150 a day; +$60 a day (1.4x: under the day rule's 1.5x) for the 14 days from 15 February
    values = [150.0] * 90
    for day in range(45, 59):
        values[day] += 60
    detection = detect(daily_actuals({EC2: values}))
    (event,) = detection.events.to_dict("records")
    assert (event["start"], event["end"]) == (pd.Timestamp("2026-02-15"), pd.Timestamp("2026-02-28"))
    # 14 x $60 = $840 over 14 x $150 = $2,100 expected: 40 %
    assert event["total_impact"] == pytest.approx(840.0) and event["impact_pct"] == pytest.approx(40.0)
    assert event["status"] == "closed" and event["kind"] == "leak" and not event["planned"]
    (cause,) = event["root_causes"]
    assert cause["usage_type"] == EC2[1] and cause["region"] == "us-east-1" and cause["contribution"] == 840.0


def test_a_leak_still_running_is_an_open_event_in_a_daily_job():
    values = [150.0] * 90
    for day in range(45, 59):
        values[day] += 60
    # the job of 22 February sees the 7 days of the leak so far
    detection = detect(cut(daily_actuals({EC2: values}), "2026-02-22"))
    (event,) = detection.events.to_dict("records")
    assert event["status"] == "open" and event["total_impact"] == pytest.approx(7 * 60.0)


def test_a_month_end_job_is_learned_not_alarmed():
    # $10 a day, and a batch job of $200 on each month's last two days
    days = pd.date_range("2026-01-01", "2026-04-30")
    values = np.where((days + pd.Timedelta(days=2)).month != days.month, 210.0, 10.0)
    detection = detect(daily_actuals({("AWS Glue", "USE1-ETL-DPU-Hour"): values}))
    assert detection.anomalies.empty and detection.events.empty
    # the day rule alone (before issue 23) alarmed on every month-end it scored
    from costmodel.anomaly_rules import day_rule, robust_scale, same_weekday

    expected = same_weekday(values, [-1, -2, -3, -4])
    expected[:28] = np.nan
    assert day_rule(values, expected, robust_scale(values, expected), 2.0).sum() >= 4


def test_a_job_on_the_last_working_day_is_learned_wherever_it_falls():
    # $10 a day, and $200 on each month's last weekday (the 31st, 30th or 29th)
    days = pd.date_range("2026-01-01", "2026-06-30")
    last_weekday = {m: max(d for d in days if d.month == m and d.day_of_week < 5) for m in range(1, 7)}
    values = [210.0 if d == last_weekday[d.month] else 10.0 for d in days]
    detection = detect(daily_actuals({("AWS Glue", "USE1-ETL-DPU-Hour"): values}))
    assert detection.anomalies.empty


def test_a_planned_step_is_never_alarmed():
    from costmodel.anomalies import Planned

    rds = ("Amazon Relational Database Service", "InstanceUsage:db.r6g.2xl")
    values = [40.0] * 45 + [60.0] * 3  # a replica from 15 February, three days ago: too recent to tell
    unplanned = detect(daily_actuals({rds: values}))
    assert len(unplanned.events) == 1 and not unplanned.events["planned"].iloc[0]
    planned = detect(daily_actuals({rds: values}), planned=[Planned("2026-02-15", rds[0])])
    assert planned.anomalies.empty and planned.events["planned"].tolist() == [True]


def test_a_monthly_charge_is_scored_against_its_own_months():
    support = ("AWS Support (Business)", "Dollar")
    days = pd.date_range("2026-01-01", "2026-05-31")
    amounts = {1: 100.0, 2: 100.0, 3: 100.0, 4: 200.0, 5: 100.0}  # April billed twice
    values = [amounts[d.month] if d.day == 1 else 0.0 for d in days]
    detection = detect(daily_actuals({support: values, EC2: [150.0] * len(days)}))
    (event,) = detection.events.to_dict("records")
    # April's $200 against the median of January..March, $100: +$100, 100 %
    assert event["start"] == pd.Timestamp("2026-04-01") and event["kind"] == "monthly charge"
    assert event["total_impact"] == 100.0 and event["impact_pct"] == 100.0


def test_thresholds_on_total_impact_keep_the_events_worth_an_alert():
    from costmodel.anomalies import alarms

    values = [150.0] * 90
    for day in range(45, 59):
        values[day] += 60
    values[70] = 450.0  # a one-day spike: +$300, 200 %
    detection = detect(daily_actuals({EC2: values}))
    assert len(alarms(detection)) == 2
    assert alarms(detection, min_impact_usd=500)["total_impact"].tolist() == [840.0]
    assert alarms(detection, min_impact_pct=100)["total_impact"].tolist() == [300.0]
    assert alarms(detection, min_impact_usd=500, min_impact_pct=100).empty  # both must hold


def test_a_daily_job_can_fail_on_an_alert_and_only_when_asked():
    # the September sample has one alarm (CloudWatch logs, 8-9 September, $23.22): exit 0 by
    # default, 1 with --fail-on-alert (a check the user asked for, DESIGN's exit 1), 0 when
    # no event passes the threshold
    assert run("anomalies", "--month", "2026-09")[0] == 0
    assert run("anomalies", "--month", "2026-09", "--fail-on-alert")[0] == 1
    assert run("anomalies", "--month", "2026-09", "--fail-on-alert", "--format", "json")[0] == 1
    assert run("anomalies", "--month", "2026-09", "--fail-on-alert", "--min-impact-usd", "1e9")[0] == 0


def test_regions_come_from_the_usage_type_prefix():
    from costmodel.anomalies import region_of

    assert region_of("USW2-BoxUsage:c5.large") == "us-west-2"
    assert region_of("us-east-1-KMS-Requests") == "us-east-1"
    assert region_of("BoxUsage:c5.large") == ""  # no prefix: not said


def test_anomalies_json_has_events_as_the_contract_says():
    code, out, _ = run("anomalies", "--format", "json", "--month", "2026-09")
    payload = json.loads(out)
    (event,) = payload["events"]
    assert code == 0
    assert set(event) >= {"start", "end", "total_impact", "impact_pct", "root_causes", "status", "planned"}
    # debug logging left on: 8 and 9 September, $16.60 + $15.64 billed for $4.40 + $4.62 expected
    assert (event["start"], event["end"], event["status"], event["planned"]) == (
        "2026-09-08",
        "2026-09-09",
        "closed",
        False,
    )
    assert event["total_impact"] == pytest.approx(16.595999 + 15.641626 - 4.399299 - 4.621338, abs=1e-5)
    (cause,) = event["root_causes"]
    assert set(cause) == {"service", "usage_type", "account", "region", "contribution"}
    assert cause["region"] == "us-east-1" and cause["usage_type"] == "USE1-DataProcessing-Bytes"


def test_a_planned_file_and_the_change_calendar_mark_events_planned(tmp_path):
    planned = tmp_path / "planned.yaml"
    planned.write_text('- {start: 2026-09-08, service: "AmazonCloudWatch", note: debug logging on purpose}\n')
    payload = json.loads(run("anomalies", "--format", "json", "--month", "2026-09", "--planned", planned)[1])
    assert [e["planned"] for e in payload["events"]] == [True] and payload["anomalies"] == []
    # the --change calendar: the third replica from 15 September is a planned step
    payload = json.loads(
        run(
            "anomalies",
            "--format",
            "json",
            "--month",
            "2026-09",
            "--change",
            "2026-09-15:rds.read_replicas=3",
        )[1]
    )
    replica = [s for s in payload["step_changes"] if s["usage_type"] == "InstanceUsage:db.r5.2xl"]
    assert [s["planned"] for s in replica] == [True]
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {start: 2026-09-08}\n")
    assert "start (YYYY-MM-DD) and service (as on the bill) are required" in refused(
        "anomalies", "--planned", bad
    )


def test_as_of_detects_as_the_data_stood():
    payload = json.loads(run("anomalies", "--format", "json", "--as-of", "2026-09-10")[1])
    assert payload["last_scored"] == "2026-09-09"
    # the debug logging of the 8th and 9th runs to the last day seen: open
    assert payload["events"][-1]["status"] == "open" and payload["events"][-1]["start"] == "2026-09-08"


def test_line_items_name_the_account_in_root_causes():
    cur = "data/actuals/cur2-2026-06..2026-10.parquet"
    code, out, _ = run("anomalies", "--cur", cur, "--format", "json", "--month", "2026-08")
    (event,) = json.loads(out)["events"]
    (cause,) = event["root_causes"]
    # the NAT gateway's image pulls of 19 August, billed to the sample's first account
    assert code == 0 and event["start"] == "2026-08-19" and cause["usage_type"].endswith("NatGateway-Bytes")
    assert cause["account"] == "111122223333"


def test_a_planned_change_naming_what_the_bill_lacks_is_refused_with_the_closest_name(tmp_path):
    # "AWS Glu" covers nothing: the change it declares would be alarmed, exit 0 (tester, defect 8)
    typo = tmp_path / "planned.yaml"
    typo.write_text('- {start: 2026-09-08, service: "AmazonCloudWach", note: debug logging}\n')
    err = refused("anomalies", "--planned", typo)
    assert "planned.yaml, item 1: service 'AmazonCloudWach' is not a service on the bill" in err
    assert "did you mean 'AmazonCloudWatch'?" in err
    from costmodel.anomalies import Planned, check_planned

    glue = ("AWS Glue", "USE1-ETL-DPU-Hour")
    actuals = daily_actuals({glue: [10.0] * 40})  # 1 January to 9 February
    wrong_usage = [Planned("2026-01-31", "AWS Glue", "ETL-DPU-Hr", where="p.yaml, item 2")]
    with pytest.raises(
        InputError, match="p.yaml, item 2: usage_type 'ETL-DPU-Hr' .* did you mean 'ETL-DPU-Hour'"
    ):
        check_planned(wrong_usage, actuals)
    # a service planned after the data's last day may not be billed yet: a warning, not a refusal
    future = [Planned("2026-03-01", "AWS Lambda", where="p.yaml, item 3")]
    (warning,) = check_planned(future, actuals)
    assert "'AWS Lambda' is not a service on the bill yet (it starts after 2026-02-09)" in warning
    # the --change calendar's changes come from the architecture (no file row): not checked here
    assert check_planned([Planned("2026-01-05", "AWS Lambda")], actuals) == []


NAT = ("EC2 - Other", "USE1-NatGateway-Bytes")


def test_a_20_day_leak_that_came_back_is_a_closed_leak_not_a_step():
    # NAT $400 a day, +$100 a day for the 20 days from 4 May, then $400 again (tester, defect 5). The spread of the last four weeks' residuals grew with the
    # leak itself (half its days were leak days after two weeks), ended it half-way and read
    # its second half as "a new level that stayed": 0 events and a step $399 -> $501.
    values = [400.0] * 150
    for day in range(123, 143):  # 4 May (day 123 from 1 January) to 23 May
        values[day] += 100
    detection = detect(daily_actuals({NAT: values}))
    (event,) = detection.events.to_dict("records")
    assert (event["start"], event["end"]) == (pd.Timestamp("2026-05-04"), pd.Timestamp("2026-05-23"))
    # 20 x $100 over 20 x $400 expected: $2,000, 25 %
    assert event["total_impact"] == pytest.approx(2000.0) and event["impact_pct"] == pytest.approx(25.0)
    assert event["kind"] == "leak" and event["status"] == "closed"
    assert detection.steps.empty


def test_a_small_leak_on_a_flat_line_is_found_and_one_within_the_noise_is_not():
    from costmodel.anomalies import alarms

    # flat $2,000 a day, +$50 (2.5 %) for the 20 days from 20 April (tester, defect 6): the
    # spread was floored at 5 % of the day ($100), so a flat line's +$50 was half a deviation
    values = [2000.0] * 150
    for day in range(109, 129):
        values[day] += 50
    detection = detect(daily_actuals({EC2: values}))
    (event,) = detection.events.to_dict("records")
    # 20 x $50 = $1,000 over 20 x $2,000 = $40,000 expected: 2.5 %
    assert event["total_impact"] == pytest.approx(1000.0) and event["impact_pct"] == pytest.approx(2.5)
    assert (event["start"], event["end"], event["kind"]) == (
        pd.Timestamp("2026-04-20"),
        pd.Timestamp("2026-05-09"),
        "leak",
    )
    # the alert thresholds still apply to it: $1,000 < $1,500, 2.5 % < 5 %
    assert alarms(detection, min_impact_usd=1500).empty and alarms(detection, min_impact_pct=5).empty
    # days of $2,000 +-$40: the residuals' spread is 1.4826 x $40 = $59; +$50 +-$40 is at most
    # 1.5 deviations a day, under the CUSUM's 2-deviation allowance: within the noise, no event
    noisy = [v + (40 if day % 2 else -40) for day, v in enumerate(values)]
    assert detect(daily_actuals({EC2: noisy})).events.empty


def test_a_month_end_job_that_began_in_july_is_learned_once_it_recurs():
    # $10 a day, and an $800 job on the last day of every month from July (tester, defect 7):
    # the median over the whole year's other months (six without it) was $0, so it was
    # alarmed every month, July to November
    days = pd.date_range("2026-01-01", "2026-11-30")
    month_end = (days + pd.Timedelta(days=1)).month != days.month
    values = np.where(month_end & (days.month >= 7), 800.0, 10.0)
    glue = ("AWS Glue", "USE1-ETL-DPU-Hour")
    detection = detect(daily_actuals({glue: values}))
    (event,) = detection.events.to_dict("records")
    # only its first run is new: $800 against $10 expected, +$790 (7,900 %)
    assert event["start"] == pd.Timestamp("2026-07-31") and event["total_impact"] == 790.0
    assert event["impact_pct"] == pytest.approx(7900.0)
    # a daily job knows only the months before: on 30 September it has seen July's and August's
    job = detect(cut(daily_actuals({glue: values}), "2026-10-01"))
    assert pd.Timestamp("2026-09-30") not in set(job.events["start"])


def test_a_step_is_told_once_the_four_week_median_holds_it():
    # an undeclared replica, $40 -> $60 a day from 15 February (day 45); a daily job with
    # the step's first 22 days (to 8 March). Its last day expects the median of $60, $60, $60
    # and $40 = $60: the shift's run ended on 7 March, the day after it is still at $60, so it
    # is a step (not a leak still running): no event. A 20-day leak and a step look the same
    # until then; the leak test above needs its 7 days after to be back
    rds = ("Amazon Relational Database Service", "InstanceUsage:db.r6g.2xl")
    values = [40.0] * 45 + [60.0] * 22
    detection = detect(daily_actuals({rds: values}))
    assert detection.events.empty
    assert detection.steps[["date", "before", "after"]].values.tolist() == [
        [pd.Timestamp("2026-02-15"), 40.0, 60.0]
    ]
