"""Anomaly root causes by cost allocation tag (issue 23): ``anomalies --cur ... --tag KEY``
splits each series by the tag's value, so an event names the tag value it came from."""

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from tests.exports import Item, write
from tests.test_trust import refused, run

CUR = "data/actuals/cur2-2026-06..2026-10.parquet"


def test_the_samples_debug_logging_is_rooted_in_its_team():
    # the sample's planted CloudWatch debug logging of 8-9 September (planted-anomalies.csv)
    # is billed to one resource, tagged team=platform. From the Parquet's line items
    # (USE1-DataProcessing-Bytes by day): 8 Sep $16.595999 against the median of the four
    # Tuesdays before (3.269584, 4.273477, 4.525121, 5.013227) = $4.399299; 9 Sep $15.641626
    # against the four Wednesdays' (3.101060, 4.906969, 4.615926, 4.626750) = $4.621338:
    # impact 12.196700 + 11.020288 = $23.216988, all of it team=platform
    code, out, _ = run("anomalies", "--cur", CUR, "--tag", "team", "--format", "json", "--month", "2026-09")
    (event,) = json.loads(out)["events"]
    assert code == 0 and (event["start"], event["end"]) == ("2026-09-08", "2026-09-09")
    assert event["total_impact"] == pytest.approx(23.216988, abs=1e-6)
    (cause,) = event["root_causes"]
    assert cause["tags"] == {"team": "platform"} and cause["usage_type"] == "USE1-DataProcessing-Bytes"
    assert event["tag_causes"] == [
        {"tag": "team", "value": "platform", "contribution": pytest.approx(23.216988)}
    ]
    code, text, _ = run("anomalies", "--cur", CUR, "--tag", "team", "--month", "2026-09")
    assert "$23.22 USE1-DataProcessing-Bytes (team=platform, " in text  # the largest root cause
    assert "[team=platform] 3.8x its 4-week same-weekday median ($16.60 billed, $4.40 expected)" in text


def _two_teams(
    path, spike_day: int, spike_usd: str, schema: str = "cur2", fmt: str = "parquet", tags: str = "map"
):
    """45 days from 1 January 2026 of one S3 usage type billed to two buckets, team web and
    team data, $10.00 a day each; on ``spike_day`` (0-based) the web bucket costs ``spike_usd``
    (an export of ``schema`` and ``fmt``, tags as :func:`tests.exports.write` takes them)."""
    items = []
    for day in range(45):
        for team in ("web", "data"):
            cost = spike_usd if team == "web" and day == spike_day else "10.00"
            items.append(
                Item(
                    f"li-{day}-{team}",
                    datetime(2026, 1, 1) + timedelta(days=day),
                    24,
                    "AmazonS3",
                    "Amazon Simple Storage Service",
                    "Requests-Tier1",
                    "PutObject",
                    f"bucket-{team}",
                    "Usage",
                    Decimal(cost),
                    Decimal(1000),
                    "Requests",
                    team,
                )
            )
    return write(items, path / "bill", schema, fmt, tags=tags)


def test_a_spike_of_one_team_is_that_teams(tmp_path):
    # 4 February (day 34, a Wednesday): the web bucket $70.00 against its four previous
    # Wednesdays' $10.00: +$60.00; the data bucket stays at $10. The percent is of the
    # service's expected day, $10 + $10 (as AWS's TotalImpactPercentage): 300 %, the same
    # as without --tag (it was 600 %, of the web bucket's $10 alone: a split changed it)
    bill = _two_teams(tmp_path, 34, "70.00")
    code, out, _ = run("anomalies", "--cur", bill, "--tag", "team", "--format", "json")
    (event,) = json.loads(out)["events"]
    assert code == 0 and event["start"] == event["end"] == "2026-02-04"
    assert (event["total_impact"], event["impact_pct"]) == (60.0, 300.0)
    (cause,) = event["root_causes"]
    assert cause["tags"] == {"team": "web"} and cause["contribution"] == 60.0
    assert event["tag_causes"] == [{"tag": "team", "value": "web", "contribution": 60.0}]
    # without --tag the two buckets are one series: $80 against $20, the same $60 (300 %),
    # and nothing names a team
    (plain,) = json.loads(run("anomalies", "--cur", bill, "--format", "json")[1])["events"]
    assert (plain["total_impact"], plain["impact_pct"]) == (60.0, 300.0)
    assert "tags" not in plain["root_causes"][0] and "tag_causes" not in plain


def test_a_tag_no_line_item_has_or_a_file_without_tags_is_refused(tmp_path):
    bill = _two_teams(tmp_path, 34, "70.00")
    # the export has 'team' (CUR 2.0's user_team): the other case is named, not only "no line
    # item has it" (the map's keys now choose the spelling, as breakdown's do)
    assert "tag key 'Team' is not in the export; 'team' is" in refused(
        "anomalies", "--cur", bill, "--tag", "Team"
    )
    assert "tag key 'cost-center' is on no line item" in refused(
        "anomalies", "--cur", bill, "--tag", "cost-center"
    )
    assert "tags are in line items only" in refused("anomalies", "--tag", "team")


def test_the_reports_anomalies_from_line_items_name_the_reports_tag():
    from costmodel.architecture import load_architecture
    from costmodel.estimation import estimate
    from costmodel.lineitems import open_files
    from costmodel.report.build import anomaly_daily, anomaly_section

    items = estimate(load_architecture())
    daily = anomaly_daily((open_files(CUR, expected="cur"), None), "team")
    (event,) = anomaly_section(daily, "2026-09", items)["events"]
    # the same $23.216988 as above, its largest root cause named with its team
    assert event["cause"] == "$23.22 USE1-DataProcessing-Bytes (team=platform, 111122223333, us-east-1)"
    # a tag no line item carries is left out of the causes, not shown as (untagged) everywhere
    daily = anomaly_daily((open_files(CUR, expected="cur"), None), "cost-center")
    (event,) = anomaly_section(daily, "2026-09", items)["events"]
    assert event["cause"] == "$23.22 USE1-DataProcessing-Bytes (111122223333, us-east-1)"
