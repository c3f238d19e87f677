"""`costmodel anomalies` run as a daily job on bills generated apart from the project
(tester 31, issue 23): a planned change beside an unplanned spike of the same service, an
emptied planned-events file, a planned step that stayed."""

import pandas as pd
import pytest

from costmodel.anomalies import Planned, detect, read_planned
from costmodel.errors import InputError
from tests.test_anomalies import daily_actuals

CACHE = "Amazon ElastiCache"


def _planned_step_beside_a_spike():
    # ElastiCache: NodeUsage $30 a day, two more nodes from 12 March (day 70): $50 a day,
    # declared planned; its backups $2 a day, $202 on 13 March (day 71, unplanned). 80 days,
    # through 21 March.
    nodes = [30.0] * 70 + [50.0] * 10
    backups = [2.0] * 80
    backups[71] = 202.0
    actuals = daily_actuals(
        {(CACHE, "NodeUsage:cache.r6g.xlarge"): nodes, (CACHE, "USE1-BackupUsage"): backups}
    )
    return detect(actuals, planned=[Planned("2026-03-12", CACHE, "NodeUsage:cache.r6g.xlarge")])


def test_a_planned_events_percent_leaves_out_an_unplanned_spike_of_its_service():
    # The planned event, 12-21 March: 10 x $20 = $200 over the service's expected spend on
    # those days, 10 x ($30 + $2) = $320: 62.5 %. Before, the backups' $200 spike was taken
    # for expected spend ("its other series at what they billed"): $200 / $520 = 38.5 %.
    # The unplanned spike, 13 March: $200 over that day's expected $30 + $2 = $32: 625 %
    # (before: $252 billed - $200 = $52 expected, 384.6 %).
    events = _planned_step_beside_a_spike().events.set_index("planned")
    planned, spike = events.loc[True], events.loc[False]
    assert (planned["start"], planned["end"]) == (pd.Timestamp("2026-03-12"), pd.Timestamp("2026-03-21"))
    assert planned["total_impact"] == pytest.approx(200.0)
    assert planned["expected"] == pytest.approx(320.0)
    assert planned["impact_pct"] == pytest.approx(62.5)
    assert (spike["start"], spike["end"]) == (pd.Timestamp("2026-03-13"), pd.Timestamp("2026-03-13"))
    assert spike["total_impact"] == pytest.approx(200.0)
    assert spike["expected"] == pytest.approx(32.0)
    assert spike["impact_pct"] == pytest.approx(625.0)


@pytest.mark.parametrize("text", ["[]\n", "# no planned changes this week\n", ""])
def test_an_emptied_planned_events_file_plans_nothing(tmp_path, text):
    # A daily job keeps its planned-events file; when the team clears it (`[]`, or only a
    # comment) there is nothing planned. It was refused ("expected a list of planned
    # changes", exit 2, though `[]` is one), so the job stopped alarming at all.
    path = tmp_path / "planned.yaml"
    path.write_text(text)
    assert read_planned(path) == []


def test_a_planned_events_file_that_is_not_a_list_is_still_refused(tmp_path):
    path = tmp_path / "planned.yaml"
    path.write_text("start: 2026-06-16\nservice: Amazon ElastiCache\n")
    with pytest.raises(InputError, match="expected a list of planned changes"):
        read_planned(path)


def test_a_planned_change_still_open_is_not_also_a_step_that_stayed():
    # The planned nodes, 10 days old at the end of the data: one open planned event
    # ('recent': too recent to tell), 10 x $20 = $200. It was also listed among the step
    # changes ($30 -> $50 from 12 March): the same change said to be both, as a new
    # unplanned service was before (test_anomaly_events); an unplanned change is left out
    # of the steps until its event closes, and so is a planned one now.
    detection = _planned_step_beside_a_spike()
    planned = detection.events.loc[detection.events["planned"]]
    assert planned[["status", "kind"]].values.tolist() == [["open", "recent"]]
    assert detection.steps.empty


def test_steps_of_one_usage_type_in_two_accounts_are_both_listed():
    # RDS Multi-AZUsage:db.r5.2xl in two linked accounts (line items give the account):
    # 111111111111 $100 a day, $150 from 10 February (day 40); 222222222222 $80 a day, $120
    # from 12 March (day 70); 100 days, through 10 April: both levels stayed (4 weeks and
    # more). Two step changes, each with its account. Before, the steps were grouped by
    # service and usage type and the first kept: 222222222222's $80 -> $120 was not listed
    # anywhere (nor alarmed: a level that stays is no event).
    from costmodel.actuals.controls import Actuals

    rds = ("Amazon Relational Database Service", "Multi-AZUsage:db.r5.2xl")
    first = daily_actuals({rds: [100.0] * 40 + [150.0] * 60})
    second = daily_actuals({rds: [80.0] * 70 + [120.0] * 30})
    rows = pd.concat(
        [first.rows.assign(account="111111111111"), second.rows.assign(account="222222222222")],
        ignore_index=True,
    )
    controls = first.controls.assign(
        control_total=first.controls["control_total"] + second.controls["control_total"]
    )
    controls["groups_total"] = controls["control_total"]
    detection = detect(Actuals(rows=rows, controls=controls, origin="test"))
    steps = detection.steps[["date", "account", "before", "after"]].values.tolist()
    assert steps == [
        [pd.Timestamp("2026-02-10"), "111111111111", 100.0, 150.0],
        [pd.Timestamp("2026-03-12"), "222222222222", 80.0, 120.0],
    ]
    assert detection.events.empty


def test_two_steps_of_one_series_are_both_listed():
    # MSK brokers: $100 a day, $150 from 31 January (day 30: three more brokers), $200 from
    # 7 March (day 65: three more); 100 days, through 10 April. Both levels stayed: two step
    # changes. Before, a series kept only its first step day: the second, +$50 a day, was
    # listed nowhere (a level that stays is no event either).
    msk = ("Amazon Managed Streaming for Apache Kafka", "USE1-Kafka.m5.large")
    detection = detect(daily_actuals({msk: [100.0] * 30 + [150.0] * 35 + [200.0] * 35}))
    steps = detection.steps[["date", "before", "after"]].values.tolist()
    assert steps == [[pd.Timestamp("2026-01-31"), 100.0, 150.0], [pd.Timestamp("2026-03-07"), 150.0, 200.0]]
    assert detection.events.empty


def _daily_file(tmp_path, per_day: dict[str, float]):
    """A DAILY GetCostAndUsage response (grouped by SERVICE) of S3 billing ``per_day[day]``."""
    import json

    results = [
        {
            "TimePeriod": {"Start": day, "End": str((pd.Timestamp(day) + pd.Timedelta(days=1)).date())},
            "Total": {},
            "Groups": [
                {
                    "Keys": ["Amazon Simple Storage Service"],
                    "Metrics": {"UnblendedCost": {"Amount": f"{amount:.10f}", "Unit": "USD"}},
                }
            ],
            "Estimated": False,
        }
        for day, amount in per_day.items()
    ]
    path = tmp_path / "ce-daily.json"
    path.write_text(
        json.dumps({"GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}], "ResultsByTime": results})
    )
    return path


def test_a_daily_job_is_told_which_events_the_day_before_reported_already(tmp_path):
    import json

    from tests.test_trust import run

    # S3 at $10 a day from 1 January 2026 for 60 days, $40 on 19 and 20 February (+$30 each).
    # The job of 20 February (data through the 19th) reports the event first: new. The job of
    # the 21st sees it still open, 19-20 February, +$60: the job of the 20th reported it, so not
    # new (a daily job alerts once per event). The job of the 23rd: closed, reported before too.
    days = [str(d.date()) for d in pd.date_range("2026-01-01", periods=60)]
    path = _daily_file(tmp_path, {d: 40.0 if d in ("2026-02-19", "2026-02-20") else 10.0 for d in days})

    def events(as_of: str) -> list[dict]:
        code, out, err = run("anomalies", "--actuals", path, "--as-of", as_of, "--format", "json")
        assert code == 0, err
        return json.loads(out)["events"]

    (first,) = events("2026-02-20")
    assert (first["start"], first["end"], first["status"], first["new"]) == (
        "2026-02-19",
        "2026-02-19",
        "open",
        True,
    )
    (again,) = events("2026-02-21")
    assert (again["end"], again["total_impact"], again["status"], again["new"]) == (
        "2026-02-20",
        60.0,
        "open",
        False,
    )
    (closed,) = events("2026-02-23")
    assert (closed["status"], closed["new"]) == ("closed", False)
    # the table marks it; without --as-of there is no day before to tell: null
    code, out, _ = run("anomalies", "--actuals", path, "--as-of", "2026-02-21")
    assert code == 0 and " open   reported " in out
    code, out, _ = run("anomalies", "--actuals", path, "--format", "json")
    assert [e["new"] for e in json.loads(out)["events"]] == [None]
    # --fail-on-alert in a daily job fails the day the event is new (the 20th), not the 21st,
    # when the same event is still open but was reported; without --as-of any unplanned event
    assert run("anomalies", "--actuals", path, "--as-of", "2026-02-20", "--fail-on-alert")[0] == 1
    assert run("anomalies", "--actuals", path, "--as-of", "2026-02-21", "--fail-on-alert")[0] == 0
    assert run("anomalies", "--actuals", path, "--fail-on-alert")[0] == 1
