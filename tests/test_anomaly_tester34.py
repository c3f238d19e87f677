"""`costmodel anomalies` as an AWS Cost Anomaly Detection user runs it, on bills written from
the API's shape (tester 34): a day Cost Explorer returned without data amid a bill that runs
day by day, work that moved from one usage type to another, a line that fell before an event,
a new weekly job in a daily job."""

import datetime as dt

import pandas as pd
import pytest

from costmodel.actuals.reader import read_actuals
from costmodel.anomalies import already_reported, detect
from costmodel.errors import InputError
from tests.test_anomalies import daily_actuals

RDS = "Amazon Relational Database Service"
S3 = "Amazon Simple Storage Service"


def _day(date: dt.date, groups: list) -> dict:
    """One day of a Cost Explorer DAILY response, grouped by SERVICE and USAGE_TYPE."""
    return {
        "TimePeriod": {"Start": date.isoformat(), "End": (date + dt.timedelta(days=1)).isoformat()},
        "Total": {},
        "Groups": [
            {
                "Keys": [service, usage_type],
                "Metrics": {"UnblendedCost": {"Amount": f"{amount:.2f}", "Unit": "USD"}},
            }
            for service, usage_type, amount in groups
        ],
        "Estimated": False,
    }


def _response(empty_days: set[int]) -> dict:
    """An `aws ce get-cost-and-usage --granularity DAILY --group-by SERVICE USAGE_TYPE`
    response over 1 January - 1 March 2026 (59 days): a database $300 a day (a replica more,
    $450 a day, from 12 February, day 42 counted from 0) and storage $80 a day; the days in
    ``empty_days`` come back as Cost Explorer returns a day it holds no data for: no groups."""
    results = []
    for index in range(59):
        date = dt.date(2026, 1, 1) + dt.timedelta(days=index)
        database = 450.0 if index >= 42 else 300.0
        groups = (
            []
            if index in empty_days
            else [(RDS, "InstanceUsage:db.r5.2xl", database), (S3, "TimedStorage-ByteHrs", 80.0)]
        )
        results.append(_day(date, groups))
    definitions = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    return {"GroupDefinitions": definitions, "ResultsByTime": results, "DimensionValueAttributes": []}


def test_a_day_cost_explorer_returned_without_data_amid_daily_billing_is_a_gap_not_a_day_at_0():
    # 14 February (day 44) comes back with no groups while the database and the storage,
    # billed on every day before it and after it, run all day: Cost Explorer holds no data
    # for it (a day the file lost), not a day the account billed $0. A day absent from the
    # response is refused as a gap ("daily data has a gap ... fetch the whole range"); this
    # one was read as $0 for every series, silently: the database's step of 12 February
    # ($300 -> $450, 18 days to the data's end) was cut by the $0 day, and with the $0 in
    # its same-weekday medians a later day at its new level was alarmed (in the generated
    # bill of tester 34, 25 and 28 October: $150 each, 450 / 300 = 1.5x).
    with pytest.raises(InputError, match=r"gap.*2026-02-14"):
        detect(read_actuals(_response({44}), origin="ce.json"))


def test_a_bill_without_cost_for_weeks_is_still_read_as_days_at_0():
    # The service off for a month and back (README: "a month without cost between months
    # with cost ... with daily data its days too"): 10-31 January (days 9-30, 22 days) with
    # no groups is the bill's own pattern, not a lost day: it is read, not refused.
    detection = detect(read_actuals(_response(set(range(9, 31))), origin="ce.json"))
    assert detection.scored_days > 0


def test_a_day_without_cost_where_nothing_billed_every_day_is_a_day_at_0():
    # A bill of weekday work only (Lambda $12 on Monday-Friday, nothing at weekends) and
    # Wednesday 4 February (day 34) a holiday: no group billed on each of the 7 days
    # before it, so the day is the bill's own, read at $0, not refused.
    from costmodel.actuals.series import daily_bill

    results = []
    for index in range(59):
        date = dt.date(2026, 1, 1) + dt.timedelta(days=index)
        works = date.weekday() < 5 and index != 34
        results.append(_day(date, [("AWS Lambda", "Lambda-GB-Second", 12.0)] if works else []))
    definitions = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    response = {"GroupDefinitions": definitions, "ResultsByTime": results, "DimensionValueAttributes": []}
    day = daily_bill(read_actuals(response, origin="ce.json")).set_index("date").loc["2026-02-04"]
    assert day["recurring"] == 0.0 and day["lumps"] == 0.0


CACHE = "Amazon ElastiCache"
R6G, R7G = "NodeUsage:cache.r6g.large", "NodeUsage:cache.r7g.large"


def _moved_nodes(new_price: float):
    # ElastiCache nodes r6g at $150 a day for 70 days (1 January - 11 March), then moved to
    # r7g from 12 March (day 70) at `new_price` a day, the r6g line at $0: 90 days.
    return daily_actuals(
        {(CACHE, R6G): [150.0] * 70 + [0.0] * 20, (CACHE, R7G): [0.0] * 70 + [new_price] * 20}
    )


def test_nodes_moved_to_another_type_at_the_same_price_are_no_anomaly():
    # The service billed $150 every day, before and after the move: actual = expected, a
    # total impact of $0 (AWS: TotalImpact = TotalActualSpend - TotalExpectedSpend). It was
    # an open event of the r7g line alone: "$4,052 total impact, 154.9 %" on tester 34's
    # generated bill (27 days x $150 billed, said $6,667 actual), an alarm for nothing.
    detection = detect(_moved_nodes(150.0))
    assert detection.events.empty
    # said, not silently left out: 20 x $150 billed, 20 x $150 expected
    assert detection.moved == (
        f"{CACHE} 2026-03-12..2026-03-31: {R7G} rose as {R6G} fell (the work moved): the service "
        "billed $3,000.00 against $3,000.00 expected, no anomaly",
    )


def test_a_moved_line_counts_at_what_the_service_billed():
    # r6g $150 -> r7g $250 a day: the service billed 20 x $250 = $5,000 on 12-31 March.
    # The event's actual is that, its impact actual - expected, and the r6g line that fell
    # to $0 is a root cause below $0 (the contributions add up to the impact).
    events = detect(_moved_nodes(250.0)).events
    assert len(events) == 1
    event = events.iloc[0]
    assert (event["start"], event["end"]) == (pd.Timestamp("2026-03-12"), pd.Timestamp("2026-03-31"))
    assert event["actual"] == pytest.approx(5000.0)
    assert event["total_impact"] == pytest.approx(event["actual"] - event["expected"])
    causes = {cause["usage_type"]: cause["contribution"] for cause in event["root_causes"]}
    assert causes[R6G] < 0 < causes[R7G]
    assert sum(causes.values()) == pytest.approx(event["total_impact"])


def test_nodes_moved_to_a_type_a_dollar_dearer_are_under_the_days_minimum():
    # r7g at $151 a day: the service billed 20 x $151 = $3,020 against 20 x $150 = $3,000,
    # $20 over 20 days, $1 a day: under the $2 a day (MIN_USD) every flagged day needs. It
    # was an event (and, in a daily job, an alarm) of $1.57 on tester 34's bill, whose lines
    # vary by about $1 a day.
    detection = detect(_moved_nodes(151.0))
    assert detection.events.empty
    assert "billed $3,020.00 against $3,000.00 expected" in detection.moved[0]


STATES = ("AWS Step Functions", "USE1-StateTransition")


def _weekly_job_events_as_of(day: int) -> pd.DataFrame:
    """Events a daily job lists the morning after ``day`` (counted from 1 January) of a bill
    with a new weekly job: nothing for 70 days, then $150 every Thursday from 12 March
    (day 70), nothing on the other days."""
    values = [150.0 if i >= 70 and (i - 70) % 7 == 0 else 0.0 for i in range(day + 1)]
    return detect(daily_actuals({STATES: values})).events


def test_a_new_weekly_job_is_alarmed_on_its_first_run_not_on_its_next_ones():
    # First run, 12 March: $150 over its usual nothing, alarmed (a new charge). Second run,
    # 19 March: 12 March already billed $150 and 19 March is at that level: the job, not an
    # anomaly. Third run, 26 March: its same-weekday median of the four weeks before is
    # median(0, 0, 150, 150) = $75, and $150 = 2x that: it was alarmed again ($75), a third
    # alert for one change in a daily job, each run a new event. 12 March, 19 March (the
    # week after it at $150) are the new level: a step from 12 March.
    first = _weekly_job_events_as_of(70)
    assert list(zip(first["start"], first["end"], strict=True)) == [(pd.Timestamp("2026-03-12"),) * 2]
    for run in (77, 84):
        events = _weekly_job_events_as_of(run)
        assert (events["end"] < pd.Timestamp("2026-01-01") + pd.Timedelta(days=run)).all(), run


def test_a_line_that_fell_before_an_event_is_not_netted_into_it():
    # EC2: BoxUsage:m5.xlarge $600 a day, $200 from 5 March (day 63: a Savings Plan's
    # negation nets $400 of it); USW2-BoxUsage:m5.xlarge $300 a day, $750 on 12 March (day
    # 70). The spike is $750 - $300 = $450 over its expected day. m5's fall a week before
    # is no work moved by the spike: it is not netted into it (it was: $450 - $400 = $50).
    ec2 = "Amazon Elastic Compute Cloud - Compute"
    detection = detect(
        daily_actuals(
            {
                (ec2, "BoxUsage:m5.xlarge"): [600.0] * 63 + [200.0] * 17,
                (ec2, "USW2-BoxUsage:m5.xlarge"): [750.0 if i == 70 else 300.0 for i in range(80)],
            }
        )
    )
    (event,) = detection.events.to_dict("records")
    assert event["start"] == pd.Timestamp("2026-03-12")
    assert event["total_impact"] == pytest.approx(450.0)
    # the service billed $200 + $750 = $950 that day (it said $1,350: m5 at its four-week
    # median, $600, which has not learned the fall yet), expected $950 - $450 = $500: 90 %
    # (it said 50 %: $450 / $900)
    assert (event["actual"], event["expected"]) == (pytest.approx(950.0), pytest.approx(500.0))
    assert event["impact_pct"] == pytest.approx(90.0)


def test_a_spike_of_another_usage_type_inside_an_open_event_is_new_for_a_daily_job():
    # EC2: BoxUsage:m5.xlarge $200 a day with a +$40 leak from 5 March (day 63) on,
    # USW2-BoxUsage:m5.xlarge $300 a day and $750 on 16 March (day 75). Yesterday's run
    # (data through 15 March) listed the leak; today's lists one EC2 event from 5 March whose
    # largest root cause is the $450 spike in us-west-2, which yesterday's did not name. It was
    # "reported" (the same service on overlapping days): the spike was never alerted
    # (tester 34's bill: $447.51 on 15 September inside the open leak, exit 0 every day).
    ec2 = "Amazon Elastic Compute Cloud - Compute"
    leak = [200.0 + (40.0 if i >= 63 else 0.0) for i in range(76)]
    spike = [750.0 if i == 75 else 300.0 for i in range(76)]
    series = {(ec2, "BoxUsage:m5.xlarge"): leak, (ec2, "USW2-BoxUsage:m5.xlarge"): spike}
    today = detect(daily_actuals(series)).events
    yesterday = detect(daily_actuals({key: values[:-1] for key, values in series.items()})).events
    assert len(yesterday) == 1 and len(today) == 1
    assert not already_reported(today, yesterday).iloc[0]
    # the leak alone, a day later, is the event yesterday's run reported
    calm = {key: [*values[:-1], values[-2]] for key, values in series.items()}
    assert already_reported(detect(daily_actuals(calm)).events, yesterday).iloc[0]
