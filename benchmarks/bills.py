"""Generated bills with known truth, for judging forecasts and anomaly detection.

Written apart from ``costmodel.samples`` (the project's own simulator): nothing here prices
an architecture or reuses the simulator's shapes, so a method tuned to the sample cannot
pass by recognising its habits. Each seed draws a 24-month daily bill of a service that:

* grows, with **trend changes** (the node count's slope changes two or three times);
* has a **weekly pattern** (traffic-driven lines dip on weekends);
* pays **first-of-month charges** (a support plan at 10 % of last month's usage with a
  $100 floor; an RI fee from some month on);
* runs a **month-end batch job** (ETL on the month's last two days);
* has a **planned step** (a read replica from a declared day) and an **unplanned step**
  (a cache node nobody declared, which stays);
* carries **injected anomalies**: spikes of one to three days, a +$60/day leak over 14 days
  and, in some seeds, a monthly charge billed twice its usual amount.

:func:`bill` returns the days and their truth; :func:`ce_payload` writes them in the
GetCostAndUsage response shape (daily or monthly) that ``costmodel`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

START = "2024-11-01"
MONTHS = 24

EC2 = "Amazon Elastic Compute Cloud - Compute"
RDS = "Amazon Relational Database Service"
CACHE = "Amazon ElastiCache"
OTHER = "EC2 - Other"
S3 = "Amazon Simple Storage Service"
GLUE = "AWS Glue"
SUPPORT = "AWS Support (Business)"
LAMBDA = "AWS Lambda"
WATCH = "AmazonCloudWatch"

# series a spike may hit (lumps and the batch job are scored their own way)
SPIKEABLE = [
    (OTHER, "DataTransfer-Out-Bytes"),
    (OTHER, "NatGateway-Bytes"),
    (LAMBDA, "Lambda-GB-Second"),
    (WATCH, "USE1-DataProcessing-Bytes"),
    (S3, "Requests-Tier1"),
    (EC2, "BoxUsage:m6i.2xlarge"),
]
LEAKABLE = [(OTHER, "NatGateway-Bytes"), (EC2, "BoxUsage:m6i.2xlarge"), (OTHER, "DataTransfer-Out-Bytes")]


@dataclass
class Bill:
    """A generated bill: ``days`` (date, service, usage_type, cost [USD], quantity, unit),
    the anomalous series-days (``anomalies``: date, service, usage_type, kind), the planned
    changes (``planned``: start, service, usage_type, note), what happened (``events``)."""

    seed: int
    days: pd.DataFrame
    anomalies: pd.DataFrame
    planned: pd.DataFrame
    recurring: pd.DataFrame  # series-days of the month-end job and the first-of-month charges
    events: list[str] = field(default_factory=list)

    def monthly_totals(self) -> pd.Series:
        """The bill of each month [USD]."""
        return self.days.groupby(self.days["date"].dt.strftime("%Y-%m"))["cost"].sum()


def _node_count(days: pd.DatetimeIndex, rng: np.random.Generator, quiet_from: int) -> np.ndarray:
    """Nodes running each day: a piecewise-linear trend with 2-3 slope changes [nodes]; from
    day ``quiet_from`` on, the slope in force that day."""
    n = len(days)
    knots = np.sort(rng.choice(np.arange(90, n - 60), size=rng.integers(2, 4), replace=False))
    slopes = rng.uniform(-0.25, 0.7, size=len(knots) + 1) / 30.4  # nodes per day
    slope = np.empty(n)
    edges = [0, *knots, n]
    for i in range(len(edges) - 1):
        slope[edges[i] : edges[i + 1]] = slopes[i]
    if quiet_from < n:
        slope[quiet_from:] = slope[quiet_from - 1]
    return np.maximum(10 + np.cumsum(slope), 4)


def _weekly(days: pd.DatetimeIndex, weekend: float) -> np.ndarray:
    return np.where(days.day_of_week >= 5, weekend, 1.0)


def bill(seed: int, quiet_from: str | None = None) -> Bill:
    """One generated bill (see the module docstring). With ``quiet_from`` (YYYY-MM-DD), the
    same bill with nothing new from that day on: the slope in force goes on, no slope change,
    step, RI fee, spike, leak or duplicate charge starts, and every noise is its mean (the
    benchmark's *oracle*: what a forecaster knowing the bill's whole state could forecast)."""
    rng = np.random.default_rng(seed)
    end = (pd.Period(START[:7], "M") + MONTHS).start_time
    days = pd.date_range(START, end - pd.Timedelta(days=1), freq="D")
    n = len(days)
    quiet = int(np.searchsorted(days, pd.Timestamp(quiet_from))) if quiet_from else n
    calm = np.arange(n) >= quiet  # the days nothing new happens on
    nodes = _node_count(days, rng, quiet)
    traffic = nodes / nodes[0] * _weekly(days, 0.62)  # usage follows the fleet, dips on weekends
    series: dict[tuple[str, str], tuple[np.ndarray, str, float]] = {}  # (cost, unit, unit price)

    def noisy(values: np.ndarray, sd: float) -> np.ndarray:
        return values * np.where(calm, 1.0, np.maximum(rng.normal(1.0, sd, n), 0.2))

    # compute: fleet hours, weekends a little lower (autoscaling)
    series[(EC2, "BoxUsage:m6i.2xlarge")] = (
        noisy(nodes * 24 * _weekly(days, 0.9), 0.02) * 0.384,
        "Hrs",
        0.384,
    )
    series[(OTHER, "DataTransfer-Out-Bytes")] = (noisy(traffic * 900, 0.08) * 0.09, "GB", 0.09)
    series[(OTHER, "NatGateway-Bytes")] = (noisy(traffic * 1400, 0.06) * 0.045, "GB", 0.045)
    series[(LAMBDA, "Lambda-GB-Second")] = (
        noisy(traffic * 2.2e6, 0.07) * 0.0000166667,
        "Lambda-GB-Second",
        1.66667e-5,
    )
    series[(S3, "Requests-Tier1")] = (noisy(traffic * 4.0e6, 0.1) * 0.000005, "Requests", 5e-6)
    series[(WATCH, "USE1-DataProcessing-Bytes")] = (noisy(traffic * 40, 0.05) * 0.5, "GB", 0.5)
    storage = 20000 * np.exp(np.log(rng.uniform(1.01, 1.035)) * np.arange(n) / 30.4)  # GB, compounding
    series[(S3, "TimedStorage-ByteHrs")] = (storage / 30.4 * 0.023, "GB-Mo", 0.023)

    # planned step: a read replica from a declared day (RDS instance hours)
    planned_day = int(rng.integers(200, n - 150))
    replicas = np.where((np.arange(n) >= planned_day) & (planned_day < quiet), 2.0, 1.0)
    series[(RDS, "InstanceUsage:db.r6g.2xl")] = (replicas * 24 * 0.82, "Hrs", 0.82)
    # unplanned step: a third cache node someone added, never declared; it stays
    unplanned_day = int(rng.integers(150, n - 100))
    cache_nodes = np.where((np.arange(n) >= unplanned_day) & (unplanned_day < quiet), 3.0, 2.0)
    series[(CACHE, "NodeUsage:cache.r6g.xlarge")] = (cache_nodes * 24 * 0.411, "Hrs", 0.411)

    # month-end batch job: the last two days of every month, a trickle otherwise
    last_two = (days + pd.Timedelta(days=2)).month != days.month
    glue = np.where(last_two, rng.uniform(230, 290, n), rng.uniform(3, 6, n))
    glue = np.where(calm, np.where(last_two, 260.0, 4.5), glue)
    series[(GLUE, "USE1-ETL-DPU-Hour")] = (glue, "DPU-Hour", 0.44)

    cost = pd.DataFrame({key: values for key, (values, _, _) in series.items()}, index=days)

    # first-of-month charges: an RI fee from some month on, support on last month's usage
    first = days.day == 1
    ri_from = days[first][int(rng.integers(3, 12))]
    if quiet < n and ri_from >= days[quiet]:
        ri_from = pd.Timestamp.max  # the fee starts after the quiet day: never
    cost[(EC2, "HeavyUsage:m6i.2xlarge")] = np.where(first & (days >= ri_from), 4 * 0.242 * 730, 0.0)

    anomalies: list[tuple[pd.Timestamp, str, str, str]] = []
    # spikes: 1-3 days, 1.5x to 4x the day's amount and at least $40 more
    spike_days: set[int] = set()
    for _ in range(2):
        key = SPIKEABLE[int(rng.integers(len(SPIKEABLE)))]
        start = int(rng.integers(60, n - 3))
        while any(abs(start - d) < 10 for d in spike_days) or last_two[start] or first[start]:
            start = int(rng.integers(60, n - 3))
        length = int(rng.integers(1, 4))
        for d in range(start, min(start + length, n)):
            extra = max(cost[key].iloc[d] * rng.uniform(0.5, 3.0), 40.0)
            spike_days.add(d)  # kept when calm: the later draws avoid it as in the bill itself
            if not calm[d]:
                cost.iloc[d, cost.columns.get_loc(key)] += extra
                anomalies.append((days[d], *key, "spike"))
    # a leak: +$60 a day for 14 days (a forgotten instance, a log loop)
    key = LEAKABLE[int(rng.integers(len(LEAKABLE)))]
    start = int(rng.integers(70, n - 20))
    while any(abs(start - d) < 20 for d in spike_days):
        start = int(rng.integers(70, n - 20))
    for d in np.flatnonzero(~calm[start : start + 14]) + start:
        cost.iloc[d, cost.columns.get_loc(key)] += 60.0
        anomalies.append((days[d], *key, "leak"))

    # support: 10 % of last month's usage (floor $100), billed on the 1st
    usage = cost.sum(axis=1)
    by_month = usage.groupby(days.to_period("M")).sum()
    support = np.zeros(n)
    for i in np.flatnonzero(first):
        previous = days[i].to_period("M") - 1
        support[i] = max(100.0, 0.10 * by_month.get(previous, by_month.iloc[0]))
    # in half the seeds a monthly charge is billed twice (a duplicate support invoice)
    if seed % 2 == 0:
        month_index = int(rng.integers(6, MONTHS - 1))
        i = np.flatnonzero(first)[month_index]
        if not calm[i]:
            support[i] *= 2
            anomalies.append((days[i], SUPPORT, "Dollar", "monthly charge"))
    cost[(SUPPORT, "Dollar")] = support

    long = cost.stack(level=[0, 1], future_stack=True).rename("cost").reset_index()
    long.columns = ["date", "service", "usage_type", "cost"]
    long = long.loc[long["cost"] != 0].reset_index(drop=True)
    units = {k: (u, p) for k, (_, u, p) in series.items()}
    units |= {(EC2, "HeavyUsage:m6i.2xlarge"): ("Hrs", 0.242), (SUPPORT, "Dollar"): ("Dollar", 1.0)}
    pairs = list(zip(long["service"], long["usage_type"], strict=True))
    long["unit"] = [units[p][0] for p in pairs]
    long["quantity"] = long["cost"] / [units[p][1] for p in pairs]
    long["cost"] = long["cost"].round(6)

    recurring = [(d, GLUE, "USE1-ETL-DPU-Hour") for d in days[last_two]]
    recurring += [(d, SUPPORT, "Dollar") for d in days[first]]
    recurring += [(d, EC2, "HeavyUsage:m6i.2xlarge") for d in days[first & (days >= ri_from)]]
    planned = pd.DataFrame(
        [
            {
                "start": str(days[planned_day].date()),
                "service": RDS,
                "usage_type": "InstanceUsage:db.r6g.2xl",
                "note": "second read replica",
            }
        ]
    )
    truth = pd.DataFrame(anomalies, columns=["date", "service", "usage_type", "kind"])
    return Bill(
        seed=seed,
        days=long,
        anomalies=truth.drop_duplicates(subset=["date", "service", "usage_type"]),
        planned=planned,
        recurring=pd.DataFrame(recurring, columns=["date", "service", "usage_type"]),
        events=[
            f"planned step {days[planned_day].date()}",
            f"unplanned step {days[unplanned_day].date()}",
            f"RI fee from {ri_from.date()}",
        ],
    )


def _amount(value: float) -> dict:
    return {"Amount": f"{value:.10f}", "Unit": "USD"}


def ce_payload(generated: Bill, granularity: str = "DAILY", until: str | None = None) -> dict:
    """The bill as one GetCostAndUsage response grouped by SERVICE and USAGE_TYPE (days or
    months), with each period's ungrouped total beside it (the independent control);
    ``until`` (YYYY-MM-DD) keeps the days before it."""
    days = generated.days
    if until is not None:
        days = days.loc[days["date"] < pd.Timestamp(until)]
    if granularity == "DAILY":
        start = days["date"]
        end = start + pd.Timedelta(days=1)
    else:
        start = days["date"].dt.to_period("M").dt.start_time
        end = (days["date"].dt.to_period("M") + 1).dt.start_time
    frame = days.assign(start=start.dt.strftime("%Y-%m-%d"), end=end.dt.strftime("%Y-%m-%d"))
    if until is not None and granularity != "DAILY":  # a month cut short ends on the cut day
        frame.loc[frame["end"] > until, "end"] = until
    grouped = frame.groupby(["start", "end", "service", "usage_type", "unit"], as_index=False)[
        ["cost", "quantity"]
    ].sum()
    results, totals = [], []
    for (start_day, end_day), period in grouped.groupby(["start", "end"], sort=True):
        estimated = bool(until is not None and end_day == until and granularity != "DAILY")
        groups = [
            {
                "Keys": [s, u],
                "Metrics": {
                    "UnblendedCost": _amount(c),
                    "UsageQuantity": {"Amount": f"{q:.6f}", "Unit": unit},
                },
            }
            for s, u, unit, c, q in zip(
                period["service"],
                period["usage_type"],
                period["unit"],
                period["cost"],
                period["quantity"],
                strict=True,
            )
        ]
        time_period = {"Start": start_day, "End": end_day}
        results.append({"TimePeriod": time_period, "Total": {}, "Groups": groups, "Estimated": estimated})
        totals.append(
            {
                "TimePeriod": time_period,
                "Total": {"UnblendedCost": _amount(float(period["cost"].sum()))},
                "Groups": [],
                "Estimated": estimated,
            }
        )
    grouped_request = {
        "Granularity": granularity,
        "Metrics": ["UnblendedCost", "UsageQuantity"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
    }
    control_request = {"Granularity": granularity, "Metrics": ["UnblendedCost"]}
    return {
        "requests": [
            {
                "request": grouped_request,
                "pages": [{"ResultsByTime": results, "GroupDefinitions": grouped_request["GroupBy"]}],
            },
            {"request": control_request, "pages": [{"ResultsByTime": totals}]},
        ]
    }


__all__ = ["Bill", "bill", "ce_payload"]
