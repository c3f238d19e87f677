"""Reading saved Cost Explorer data: real samples, the console CSV, and bad input."""

import copy
import json

import pytest

from costmodel.actuals import read_actuals
from costmodel.errors import InputError
from tests.conftest import DATA

AWS = DATA / "aws"


def read(source, origin=None):
    """The rows of :func:`read_actuals` (the controls are tested where they matter)."""
    return read_actuals(source, origin).rows


read_cost_and_usage = read


def test_real_daily_response_grouped_by_service_is_flagged_estimated():
    rows = read(AWS / "ce_get_cost_and_usage.by_service.real_2i2c_2025-09_all.json")
    assert set(rows["granularity"]) == {"DAILY"}
    assert rows["estimated"].all()  # the sample says "Estimated": true (month not final)
    first = rows.loc[(rows["period_start"] == "2025-09-01") & (rows["service"] == "EC2 - Other")].iloc[0]
    assert first["unblended_cost"] == 10.9546080266  # "Amount": "10.9546080266" in the file
    assert rows["amortized_cost"].isna().all()  # not requested: NaN, never 0
    assert rows["month"].unique().tolist() == ["2025-09"]


def test_real_total_only_and_multi_metric_responses():
    total = read(AWS / "ce_get_cost_and_usage.total_only.real_2i2c_2024-07-27.json")
    assert total["unblended_cost"].tolist() == [23.3110299724]
    ec2 = read(AWS / "ce_get_cost_and_usage.filtered_ec2_region.real_2019-11.json").iloc[0]
    assert (ec2["unblended_cost"], ec2["amortized_cost"], ec2["blended_cost"]) == (
        4281.3560350913,
        4281.3560350913,
        4281.3549726822,
    )
    assert ec2["granularity"] == "MONTHLY"


def test_tag_keys_are_not_taken_for_services():
    rows = read(AWS / "ce_get_cost_and_usage.by_tag.real_2i2c_2024-08-30.json")
    assert (rows["service"] == "").all()
    assert "TAG:2i2c:hub-name=2i2c:hub-name$prod" in set(rows["other_keys"])


def test_console_csv_export():
    rows = read(AWS / "ce_console_costs_download.real_2022-03.period-row-only.csv")
    # the 2022-03-01 row: EC2-Instances 3.4704, Tax 53.33, total 90.6091201938
    by_service = rows.set_index("service")["unblended_cost"]
    assert by_service["Amazon Elastic Compute Cloud - Compute"] == 3.4704
    assert by_service["Tax"] == 53.33
    assert rows["unblended_cost"].sum() == pytest.approx(90.6091201938, abs=1e-9)
    assert rows.loc[rows["service"] == "Tax", "record_type"].tolist() == ["Tax"]


def test_console_csv_whose_service_total_covers_missing_rows_is_refused():
    # The published excerpt: one period row (EC2-Instances 3.4704) under a 'Service total'
    # of 1771.6043260751 for the whole export: the other rows are missing.
    with pytest.raises(
        InputError, match=r"'EC2-Instances' add up to 3.4704 but its 'Service total' says 1771"
    ):
        read(AWS / "ce_console_costs_download.real_2022-03.csv")


def test_console_csv_total_mismatch_is_an_error(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('"Service","S3($)","Total costs($)"\n"2022-03-01","1.5","2.5"\n')
    with pytest.raises(
        InputError, match=r"export.csv, line 2: services add up to 1.5 but 'Total costs\(\$\)' says 2.5"
    ):
        read(path)


def test_sample_actuals_two_requests_and_pages():
    rows = read(DATA.parent.parent / "data" / "actuals" / "ce-2026-06..2026-10.json")
    assert sorted(rows["month"].unique()) == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert {"Tax", "Credit"} <= set(rows["record_type"])
    assert not rows["estimated"].any()


def base_response():
    return {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"},
                "Total": {},
                "Estimated": False,
                "Groups": [
                    {
                        "Keys": ["Amazon ElastiCache", "NodeUsage:cache.r6g.xlarge"],
                        "Metrics": {
                            "UnblendedCost": {"Amount": "917.352", "Unit": "USD"},
                            "UsageQuantity": {"Amount": "2232", "Unit": "Hrs"},
                        },
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda r: r["ResultsByTime"][0]["Groups"][0]["Metrics"]["UnblendedCost"].update(Unit="EUR"),
            r"period 2026-10-01, group \['Amazon ElastiCache', 'NodeUsage:cache.r6g.xlarge'\]: metric UnblendedCost is in 'EUR'",
        ),
        (
            lambda r: r["ResultsByTime"][0]["Groups"][0]["Metrics"]["UnblendedCost"].pop("Amount"),
            "has no 'Amount'",
        ),
        (
            lambda r: r["ResultsByTime"][0]["Groups"][0]["Metrics"]["UnblendedCost"].update(Amount="12,5"),
            "Amount '12,5' is not a number",
        ),
        (lambda r: r["ResultsByTime"][0].pop("TimePeriod"), "has no valid TimePeriod"),
        (lambda r: r["ResultsByTime"][0]["Groups"][0].pop("Keys"), "lacks 'Keys' or 'Metrics'"),
        (lambda r: r.pop("ResultsByTime"), "no 'ResultsByTime'"),
    ],
)
def test_bad_responses_name_what_is_wrong(mutate, message):
    response = base_response()
    mutate(response)
    with pytest.raises(InputError, match=message):
        read_cost_and_usage(response, origin="ce.json")


def test_mixed_granularity_is_refused():
    response = base_response()
    daily = copy.deepcopy(response["ResultsByTime"][0])
    daily["TimePeriod"] = {"Start": "2026-11-01", "End": "2026-11-02"}
    response["ResultsByTime"].append(daily)
    with pytest.raises(InputError, match=r"mixed granularity \['DAILY', 'MONTHLY'\]"):
        read_cost_and_usage(response, origin="ce.json")


def test_duplicate_period_is_refused():
    page = base_response()
    with pytest.raises(InputError, match="duplicate period 2026-10-01 for 'Amazon ElastiCache'"):
        read_cost_and_usage([page, copy.deepcopy(page)], origin="ce.json")


def test_not_json_and_missing_file(tmp_path):
    bad = tmp_path / "ce.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="ce.json: not valid JSON"):
        read(bad)
    with pytest.raises(InputError, match="actuals file not found"):
        read(tmp_path / "none.json")


def test_estimated_partial_month_is_flagged_not_dropped():
    response = base_response()
    response["ResultsByTime"][0]["Estimated"] = True
    rows = read_cost_and_usage(json.loads(json.dumps(response)))
    assert rows["estimated"].tolist() == [True]


def test_console_export_granularity_comes_from_its_periods(tmp_path):
    from costmodel.actuals import read_actuals

    head = '"Service","EC2-Instances($)","Total costs($)"\n"Service total","30","30"\n'

    def export(*days):
        path = tmp_path / f"{len(days)}.csv"
        path.write_text(head + "".join(f'"{d}","{30 / len(days)}","{30 / len(days)}"\n' for d in days))
        return read_actuals(path).rows

    # one row dated the 1st is a month (744 h in October), not a day of 24 h
    assert export("2026-10-01")["granularity"].tolist() == ["MONTHLY"]
    assert set(export("2026-10-01", "2026-10-02", "2026-10-03")["granularity"]) == {"DAILY"}
    with pytest.raises(InputError, match="neither all months nor days"):
        export("2026-10-01", "2026-10-15", "2026-11-01")


def test_a_console_export_grouped_by_account_is_refused_naming_its_grouping(tmp_path):
    # tester31: grouped by Linked account, its total row is "Linked account total" and its
    # columns accounts; it was refused as "period 'Linked account total' is not a date"
    path = tmp_path / "export.csv"
    path.write_text(
        '"Linked account","111111111111($)","Total costs($)"\n'
        '"Linked account total","2000","2000"\n"2026-09-01","1000","1000"\n"2026-10-01","1000","1000"\n'
    )
    with pytest.raises(InputError, match=r"export.csv, line 1: a console export grouped by 'Linked account'"):
        read(path)
