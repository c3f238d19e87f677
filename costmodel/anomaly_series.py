"""The series anomalies are scored on, beside :mod:`costmodel.anomalies`: each service, usage
type, account and region (and ``tag:KEY`` value) as its unblended cost per day, credits,
refunds and tax left out; the region from the line items where they name it, else from the
usage type's prefix; and which charges are billed once a month."""

from __future__ import annotations

from functools import cache

import pandas as pd

from costmodel import record_types
from costmodel import service_names as names
from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import lump_keys, require_daily
from costmodel.anomaly_rules import EDGE_DAYS
from costmodel.constants import TAG_PREFIX

SERIES = ["service", "usage_type", "account", "region"]


@cache
def _region_codes() -> dict[str, str]:
    from costmodel.architecture import regions

    table = regions()
    return dict(zip(table["billing_code"], table["region"], strict=True))


def region_of(usage_type: str) -> str:
    """The region a usage type's prefix names (``USW2-...`` -> ``us-west-2``); '' when it
    names none (us-east-1's older usage types and global services carry no prefix)."""
    from costmodel.usage_types import split_region

    code, _ = split_region(usage_type)
    if code and code[0].islower():  # KMS: the region's own name
        return code
    return _region_codes().get(code, "")


# Services billed per region: an older usage type of theirs without a region prefix is
# us-east-1's (``BoxUsage:m5.xlarge``; us-east-2's is ``USE2-BoxUsage:m5.xlarge``). Others
# (CloudFront, Route 53, support, Savings Plans, a service the model does not know) may be
# global: their unprefixed usage types name no region.
REGIONAL_SERVICES = frozenset(
    {
        names.CE_EKS,
        names.CE_EC2,
        names.CE_EC2_OTHER,
        names.CE_EC2_WHOLE,
        names.CE_RDS,
        names.CE_ELASTICACHE,
        names.CE_MSK,
        names.CE_S3,
        names.CE_CLOUDWATCH,
        names.CE_ELB,
        names.CE_SECRETS,
        names.CE_VPC,
        names.CE_KMS,
        names.CE_ECR,
        names.CE_XRAY,
        names.CE_DATA_TRANSFER,
    }
)
UNPREFIXED_REGION = "us-east-1"  # the region of a regional service's usage type without prefix


def region_without_a_column(service: str, usage_type: str) -> str:
    """The region of a usage type where the file names none (a Cost Explorer file not
    grouped by REGION): its prefix's (:func:`region_of`), else us-east-1 for a regional
    service's (:data:`REGIONAL_SERVICES`), else ''."""
    from costmodel.usage_types import split_region

    if split_region(usage_type)[0] or service not in REGIONAL_SERVICES:
        return region_of(usage_type)
    return UNPREFIXED_REGION


def tag_columns(frame: pd.DataFrame) -> list[str]:
    """The ``tag:KEY`` columns of a table (line items read with tags), in order."""
    return [c for c in frame.columns if str(c).startswith(TAG_PREFIX)]


# a series' columns named by a Cost Explorer group key (GroupBy LINKED_ACCOUNT, REGION)
CE_KEYS = {"account": "LINKED_ACCOUNT", "region": "REGION"}


def _group_key(other_keys: pd.Series, key: str) -> pd.Series:
    """Each row's value of Cost Explorer group key ``key`` ('' where it has none)."""
    prefix = key + "="
    return other_keys.fillna("").map(
        lambda keys: next((k[len(prefix) :] for k in keys.split(";") if k.startswith(prefix)), "")
    )


def usage_rows(actuals: Actuals) -> pd.DataFrame:
    rows = require_daily(actuals, "anomaly detection")
    usage = rows.loc[
        ~rows["record_type"].isin(record_types.NOT_USAGE) & (rows["service"] != record_types.TAX_SERVICE)
    ]
    if "account" not in usage and "other_keys" in usage:
        # a Cost Explorer file grouped by LINKED_ACCOUNT or REGION names them in its keys: a
        # root cause says which account, as AWS Cost Anomaly Detection does
        # (a file not grouped by REGION names none: left to the usage type, as without keys)
        keys = usage["other_keys"].fillna("")
        grouped = {c: k for c, k in CE_KEYS.items() if keys.str.contains(k + "=", regex=False).any()}
        usage = usage.assign(**{c: _group_key(keys, k) for c, k in grouped.items()})
    usage = usage.assign(account=usage.get("account", ""))
    regions = {u: region_of(u) for u in usage["usage_type"].unique()}
    from_prefix = usage["usage_type"].map(regions)
    if "region" not in usage:  # Cost Explorer: the usage type's prefix is all that names it
        lines = list(zip(usage["service"], usage["usage_type"], strict=True))
        named = {line: region_without_a_column(*line) for line in set(lines)}
        return usage.assign(region=[named[line] for line in lines])
    # line items name the region (product_region_code, RegionId); where they do not (global
    # services, transfer lines), the usage type's prefix may
    named = usage["region"].fillna("").astype(str)
    return usage.assign(region=named.where(named != "", from_prefix))


def daily_by_usage_type(actuals: Actuals) -> pd.DataFrame:
    """Days x series (service, usage type, account, region, and each ``tag:KEY`` value the
    rows carry): the unblended cost [USD per day] (a day without a row costs 0),
    once-a-month charges included."""
    rows = usage_rows(actuals)
    keys = [*SERIES, *tag_columns(rows)]
    rows = rows.assign(**{c: rows[c].fillna("").astype(str) for c in keys[len(SERIES) :]})
    table = rows.pivot_table(index="period_start", columns=keys, values="unblended_cost", aggfunc="sum")
    days = pd.date_range(rows["period_start"].min(), rows["period_start"].max(), freq="D")
    return table.reindex(days).fillna(0.0)


def monthly_charge_series(actuals: Actuals) -> set[tuple[str, str]]:
    """(service, usage type) of charges billed on one day a month (a support plan): billed
    in two months or more, or on a month's first days (a fee starts on the 1st). A usage
    type billed on one day of the whole data, later in its month, is a one-off (a GPU
    instance run for a day, a new service's first day in a daily job): scored as a day
    against its usual nothing, never as a charge with no past months to compare with."""
    rows = require_daily(actuals, "anomaly detection")
    billed = rows.loc[rows["unblended_cost"] != 0]
    # one pass over the rows (a line-item file has millions), not one filter per charge
    seen = billed.groupby(["service", "usage_type"])["period_start"].agg(
        months=lambda days: days.dt.to_period("M").nunique(), last_day=lambda days: days.dt.day.max()
    )
    return {
        (service, usage_type)
        for service, usage_type, _ in lump_keys(rows)
        if (service, usage_type) in seen.index
        and (
            seen.at[(service, usage_type), "months"] > 1
            or seen.at[(service, usage_type), "last_day"] <= EDGE_DAYS
        )
    }


__all__ = ["SERIES", "daily_by_usage_type", "monthly_charge_series", "region_of", "tag_columns", "usage_rows"]
