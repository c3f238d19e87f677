"""Bills written by an independent tester (session 34), apart from costmodel and benchmarks/bills.py.

Four account profiles, 24 months of daily cost per (SERVICE, USAGE_TYPE), saved as the Cost
Explorer GetCostAndUsage responses `costmodel fetch-actuals` saves (DAILY or MONTHLY,
grouped by SERVICE and USAGE_TYPE, UnblendedCost + UsageQuantity), with the truth beside:

* ``growth``: a $30k -> $200k a month serverless bill whose growth rate changes twice, a
  strong weekday pattern, Business support on the 1st (10/7/5/3 % tiers of last month's
  usage), an OpenSearch RI fee on the 1st, an Athena job on the month's last 2 days, a
  service that starts (Bedrock, ramping), a planned DynamoDB step;
* ``tiny``: a flat $50 a month bill (Route 53 zones on the 1st, KMS, S3, a noisy Lambda);
* ``decline``: a $550k -> $350k a month bill falling 2 % a month, Enterprise support, an RDS
  RI fee on the 1st (billed twice one month: an anomaly), an EMR job on the last 3 days, a
  Redshift cluster shut down (a service that stops), a planned EC2 drop of 15 %;
* ``drop``: a flat $9k a month containers bill with an unplanned 40 % level drop (moved to
  Graviton), a quarterly Marketplace charge on the 1st, a Glue job on the month's last day,
  WAF that starts, a planned ElastiCache step.

Every bill has injected anomalies (1-3 day spikes, a +$60/day 14-day leak; scaled down for
the tiny bill) whose (service, usage type, day) are the truth the detectors are scored on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

START = date(2024, 11, 1)
END = date(2026, 11, 1)  # exclusive: 24 whole months
DAYS = [START + timedelta(days=i) for i in range((END - START).days)]
N = len(DAYS)
MONTH_INDEX = np.array([(d.year - START.year) * 12 + d.month - START.month for d in DAYS])
WEEKDAY = np.array([d.weekday() for d in DAYS])
Key = tuple[str, str]


@dataclass
class Bill:
    name: str
    seed: int
    series: dict[Key, np.ndarray] = field(default_factory=dict)
    units: dict[Key, tuple[str, float]] = field(default_factory=dict)  # unit, $ per unit
    anomalies: list[tuple[Key, int, int]] = field(default_factory=list)  # key, first, last day index
    planned: list[tuple[Key, int]] = field(default_factory=list)
    unplanned_steps: list[tuple[Key, int]] = field(default_factory=list)
    recurring: set[tuple[Key, int]] = field(default_factory=set)  # (key, day) of jobs and fees


def day_of(d: date) -> int:
    return (d - START).days


def month_first_days() -> list[int]:
    return [i for i, d in enumerate(DAYS) if d.day == 1]


def month_last_days(k: int) -> list[int]:
    """Indices of each month's last k days."""
    out = []
    for i, d in enumerate(DAYS):
        nxt = d + timedelta(days=k)
        if nxt.month != d.month or nxt.year != d.year:
            out.append(i)
    return out


def trend(segments: list[tuple[int, float]]) -> np.ndarray:
    """Multiplier per day from (first month, monthly growth rate) segments, compounding daily."""
    rate = np.zeros(N)
    for first_month, monthly in segments:
        rate[first_month <= MONTH_INDEX] = (1 + monthly) ** (1 / 30.44) - 1
    return np.cumprod(1 + rate)


def usage(rng, level, segments, weekly, sigma) -> np.ndarray:
    week = np.array(weekly)[WEEKDAY]
    return level * trend(segments) * week * rng.lognormal(-(sigma**2) / 2, sigma, N)


def fee_on_first(amounts_by_month) -> np.ndarray:
    out = np.zeros(N)
    for i in month_first_days():
        out[i] = amounts_by_month(MONTH_INDEX[i])
    return out


def tiered(usd: float, tiers: list[tuple[float, float]], minimum: float) -> float:
    """AWS support: a percentage per slice of last month's usage (the tiers' upper bounds)."""
    fee, lower = 0.0, 0.0
    for upper, pct in tiers:
        fee += max(0.0, min(usd, upper) - lower) * pct
        lower = upper
    return max(fee, minimum)


def add_support(bill: Bill, service: str, tiers, minimum) -> None:
    usage_by_month = np.bincount(MONTH_INDEX, weights=sum(bill.series.values()), minlength=24)
    previous = np.concatenate([[usage_by_month[0]], usage_by_month[:-1]])
    key = (service, "Dollar")
    bill.series[key] = fee_on_first(lambda m: tiered(previous[m], tiers, minimum))
    bill.units[key] = ("USD", 1.0)
    bill.recurring |= {(key, i) for i in month_first_days()}


def put(bill: Bill, service, usage_type, values, unit="Hrs", price=1.0) -> Key:
    key = (service, usage_type)
    bill.series[key] = values
    bill.units[key] = (unit, price)
    return key


def spike(bill: Bill, rng, key: Key, window: tuple[int, int], days: int, times: float) -> None:
    """Multiply `days` days in a row of the line, starting at a random day in the window."""
    start = int(rng.integers(*window))
    start = avoid_month_edges(start)
    bill.series[key][start : start + days] *= times
    bill.anomalies.append((key, start, start + days - 1))


def leak(bill: Bill, rng, key: Key, window: tuple[int, int], usd_per_day: float, days: int = 14) -> None:
    start = avoid_month_edges(int(rng.integers(*window)))
    bill.series[key][start : start + days] += usd_per_day
    bill.anomalies.append((key, start, start + days - 1))


def avoid_month_edges(i: int) -> int:
    """Anomalies start between the 5th and the 20th: a month edge carries jobs and fees."""
    while not 5 <= DAYS[i].day <= 20:
        i += 1
    return i


def step(bill: Bill, key: Key, on: date, factor: float, planned: bool) -> None:
    i = day_of(on)
    bill.series[key][i:] *= factor
    (bill.planned if planned else bill.unplanned_steps).append((key, i))


def job(bill: Bill, rng, key: Key, last_days: int, usd_per_day: float) -> None:
    days = month_last_days(last_days)
    bill.series[key][days] += usd_per_day * rng.lognormal(0, 0.1, len(days))
    bill.recurring |= {(key, i) for i in days}


WEEKDAYS_BUSY = (1.15, 1.15, 1.15, 1.15, 1.1, 0.7, 0.7)
FLAT_WEEK = (1.0,) * 7
BUSINESS = [(10_000, 0.10), (80_000, 0.07), (250_000, 0.05), (float("inf"), 0.03)]
ENTERPRISE = [(150_000, 0.10), (500_000, 0.07), (1_000_000, 0.05), (float("inf"), 0.03)]


def growth(seed: int) -> Bill:
    rng, b = np.random.default_rng(seed * 10 + 1), Bill("growth", seed)
    segs = [(0, 0.05), (9, 0.09), (17, 0.02)]
    lam = put(
        b,
        "AWS Lambda",
        "USE1-Lambda-GB-Second",
        usage(rng, 500, segs, WEEKDAYS_BUSY, 0.06),
        "Lambda-GB-Second",
        1.67e-5,
    )
    put(b, "AWS Lambda", "USE1-Request", usage(rng, 250, segs, WEEKDAYS_BUSY, 0.06), "Requests", 2e-7)
    put(
        b,
        "Amazon DynamoDB",
        "USE1-ReadRequestUnits",
        usage(rng, 200, segs, WEEKDAYS_BUSY, 0.07),
        "ReadRequestUnits",
        2.5e-7,
    )
    ddb_storage = put(
        b,
        "Amazon DynamoDB",
        "USE1-TimedStorage-ByteHrs",
        usage(rng, 60, [(0, 0.06)], FLAT_WEEK, 0.01),
        "GB-Mo",
        0.25,
    )
    wcu = put(
        b,
        "Amazon DynamoDB",
        "USE1-WriteCapacityUnit-Hrs",
        usage(rng, 120, [(0, 0.0)], FLAT_WEEK, 0.0),
        "WriteCapacityUnit-Hrs",
        0.00065,
    )
    cdn = put(
        b,
        "Amazon CloudFront",
        "US-DataTransfer-Out-Bytes",
        usage(rng, 150, segs, WEEKDAYS_BUSY, 0.08),
        "GB",
        0.085,
    )
    put(
        b,
        "Amazon Simple Storage Service",
        "USE1-TimedStorage-ByteHrs",
        usage(rng, 40, [(0, 0.04)], FLAT_WEEK, 0.01),
        "GB-Mo",
        0.023,
    )
    api = put(
        b,
        "Amazon API Gateway",
        "USE1-ApiGatewayRequest",
        usage(rng, 80, segs, WEEKDAYS_BUSY, 0.07),
        "Requests",
        3.5e-6,
    )
    athena = put(
        b, "Amazon Athena", "USE1-DataScannedInTB", usage(rng, 5, segs, FLAT_WEEK, 0.3), "Terabytes", 5.0
    )
    job(b, rng, athena, 2, 900)
    ri = put(
        b,
        "Amazon OpenSearch Service",
        "HeavyUsage:r6g.large.search",
        fee_on_first(lambda m: 1200.0),
        "Hrs",
        1.0,
    )
    b.recurring |= {(ri, i) for i in month_first_days()}
    bedrock = np.where(
        MONTH_INDEX >= 15, 100 * trend([(15, 0.15)]) / trend([(15, 0.15)])[MONTH_INDEX >= 15][0], 0.0
    )
    put(b, "Amazon Bedrock", "USE1-Claude-input-tokens", bedrock * rng.lognormal(0, 0.1, N), "Tokens", 3e-6)
    step(b, wcu, date(2026, 3, 10), 1.6, planned=True)
    spike(b, rng, lam, (day_of(date(2025, 5, 1)), day_of(date(2025, 8, 1))), 1, 3.5)
    spike(b, rng, cdn, (day_of(date(2025, 11, 1)), day_of(date(2026, 2, 1))), 2, 2.5)
    leak(b, rng, ddb_storage, (day_of(date(2026, 5, 1)), day_of(date(2026, 7, 1))), 60)
    spike(b, rng, api, (day_of(date(2026, 7, 1)), day_of(date(2026, 9, 1))), 1, 4.0)
    add_support(b, "AWS Support (Business)", BUSINESS, 100.0)
    return b


def tiny(seed: int) -> Bill:
    rng, b = np.random.default_rng(seed * 10 + 2), Bill("tiny", seed)
    zones = put(b, "Amazon Route 53", "HostedZone", fee_on_first(lambda m: 1.5), "HostedZone", 0.5)
    b.recurring |= {(zones, i) for i in month_first_days()}
    put(b, "Amazon Route 53", "DNS-Queries", usage(rng, 0.12, [(0, 0.0)], FLAT_WEEK, 0.3), "Queries", 4e-7)
    put(
        b,
        "Amazon Simple Storage Service",
        "TimedStorage-ByteHrs",
        usage(rng, 0.25, [(0, 0.005)], FLAT_WEEK, 0.02),
        "GB-Mo",
        0.023,
    )
    lam = put(
        b,
        "AWS Lambda",
        "Lambda-GB-Second",
        usage(rng, 0.15, [(0, 0.0)], WEEKDAYS_BUSY, 0.5),
        "Lambda-GB-Second",
        1.67e-5,
    )
    cw = put(
        b,
        "AmazonCloudWatch",
        "CW:MetricMonitorUsage",
        usage(rng, 0.30, [(0, 0.0)], FLAT_WEEK, 0.01),
        "Metrics",
        0.3 / 30,
    )
    put(b, "AWS Key Management Service", "KMS-Keys", np.full(N, 12 / 365), "Keys", 1 / 30)
    ec2 = put(
        b, "Amazon Elastic Compute Cloud - Compute", "BoxUsage:t4g.small", np.full(N, 0.4032), "Hrs", 0.0168
    )
    step(b, ec2, date(2025, 9, 17), 2.0, planned=False)
    spike(b, rng, lam, (day_of(date(2025, 4, 1)), day_of(date(2025, 7, 1))), 1, 50.0)
    leak(b, rng, cw, (day_of(date(2026, 3, 1)), day_of(date(2026, 6, 1))), 3.0)
    return b


def decline(seed: int) -> Bill:
    rng, b = np.random.default_rng(seed * 10 + 3), Bill("decline", seed)
    mild = (1.02, 1.02, 1.02, 1.02, 1.0, 0.96, 0.96)
    ec2 = put(
        b,
        "Amazon Elastic Compute Cloud - Compute",
        "BoxUsage:m6i.4xlarge",
        usage(rng, 9000, [(0, -0.02)], mild, 0.02),
        "Hrs",
        0.768,
    )
    put(
        b,
        "Amazon Elastic Compute Cloud - Compute",
        "EBS:VolumeUsage.gp3",
        usage(rng, 1500, [(0, -0.01)], FLAT_WEEK, 0.005),
        "GB-Mo",
        0.08,
    )
    nat = put(b, "EC2 - Other", "NatGateway-Bytes", usage(rng, 300, [(0, -0.01)], mild, 0.08), "GB", 0.045)
    dto = put(
        b, "EC2 - Other", "DataTransfer-Out-Bytes", usage(rng, 1200, [(0, -0.01)], mild, 0.06), "GB", 0.09
    )
    put(
        b,
        "Amazon Relational Database Service",
        "InstanceUsage:db.r6g.4xlarge",
        np.full(N, 2000.0),
        "Hrs",
        1.0,
    )
    rdsfee = fee_on_first(lambda m: 12_000.0)
    ri = put(b, "Amazon Relational Database Service", "HeavyUsage:db.r6g.4xlarge", rdsfee, "Hrs", 1.0)
    b.recurring |= {(ri, i) for i in month_first_days()}
    redshift = usage(rng, 1560, [(0, 0.0)], FLAT_WEEK, 0.0)
    redshift[day_of(date(2025, 12, 1)) :] = 0.0
    put(b, "Amazon Redshift", "Node:ra3.4xlarge", redshift, "Hrs", 3.26)
    emr = put(
        b,
        "Amazon Elastic MapReduce",
        "USE1-BoxUsage:m5.xlarge",
        usage(rng, 20, [(0, 0.0)], FLAT_WEEK, 0.2),
        "Hrs",
        0.048,
    )
    job(b, rng, emr, 3, 8000)
    put(
        b,
        "Amazon Simple Storage Service",
        "TimedStorage-ByteHrs",
        usage(rng, 2500, [(0, 0.01)], FLAT_WEEK, 0.005),
        "GB-Mo",
        0.021,
    )
    step(b, ec2, date(2026, 2, 16), 0.85, planned=True)
    duplicate = day_of(date(2026, 4, 1))
    b.series[ri][duplicate] *= 2  # the RI fee billed twice in April 2026
    b.anomalies.append((ri, duplicate, duplicate))
    b.recurring.discard((ri, duplicate))
    spike(b, rng, dto, (day_of(date(2025, 3, 1)), day_of(date(2025, 6, 1))), 1, 3.0)
    spike(b, rng, ec2, (day_of(date(2025, 8, 1)), day_of(date(2025, 11, 1))), 3, 1.5)
    leak(b, rng, nat, (day_of(date(2026, 6, 1)), day_of(date(2026, 8, 1))), 60)
    add_support(b, "AWS Support (Enterprise)", ENTERPRISE, 15_000.0)
    return b


def drop(seed: int) -> Bill:
    rng, b = np.random.default_rng(seed * 10 + 4), Bill("drop", seed)
    mild = (1.05, 1.05, 1.05, 1.05, 1.0, 0.9, 0.9)
    cpu = put(
        b,
        "Amazon Elastic Container Service",
        "USE1-Fargate-vCPU-Hours:perCPU",
        usage(rng, 110, [(0, 0.0)], mild, 0.04),
        "hours",
        0.04048,
    )
    mem = put(
        b,
        "Amazon Elastic Container Service",
        "USE1-Fargate-GB-Hours",
        usage(rng, 25, [(0, 0.0)], mild, 0.04),
        "hours",
        0.004445,
    )
    elb = put(
        b,
        "Amazon Elastic Load Balancing",
        "USE1-LCUUsage",
        usage(rng, 30, [(0, 0.0)], mild, 0.1),
        "LCU-Hrs",
        0.008,
    )
    io = put(
        b,
        "Amazon Relational Database Service",
        "Aurora:StorageIOUsage",
        usage(rng, 35, [(0, 0.0)], mild, 0.1),
        "IOs",
        2e-7,
    )
    put(b, "Amazon Relational Database Service", "InstanceUsage:db.r6g.large", np.full(N, 62.0), "Hrs", 2.58)
    cache = put(b, "Amazon ElastiCache", "NodeUsage:cache.r6g.large", np.full(N, 10.0), "Hrs", 0.41)
    nat = put(b, "EC2 - Other", "NatGateway-Bytes", usage(rng, 15, [(0, 0.0)], mild, 0.1), "GB", 0.045)
    glue = put(
        b, "AWS Glue", "USE1-ETL-DPU-Hour", usage(rng, 1, [(0, 0.0)], FLAT_WEEK, 0.3), "DPU-Hour", 0.44
    )
    job(b, rng, glue, 1, 400)
    waf = np.where(np.array([d >= date(2025, 8, 1) for d in DAYS]), 4.0, 0.0) * rng.lognormal(0, 0.05, N)
    put(b, "AWS WAF", "USE1-WebACL", waf, "WebACL", 5 / 30)
    quarterly = fee_on_first(lambda m: 900.0 if (START.month + m - 1) % 3 == 0 else 0.0)
    mp = put(b, "Acme Observability (AWS Marketplace)", "Quarterly-Subscription", quarterly, "Units", 900.0)
    b.recurring |= {(mp, i) for i in month_first_days() if quarterly[i] > 0}
    step(b, cpu, date(2026, 1, 12), 0.6, planned=False)
    step(b, mem, date(2026, 1, 12), 0.6, planned=False)
    step(b, cache, date(2026, 5, 5), 2.0, planned=True)
    spike(b, rng, elb, (day_of(date(2025, 4, 1)), day_of(date(2025, 7, 1))), 1, 5.0)
    leak(b, rng, io, (day_of(date(2025, 10, 1)), day_of(date(2025, 12, 1))), 60)
    spike(b, rng, nat, (day_of(date(2026, 7, 1)), day_of(date(2026, 9, 1))), 2, 6.0)
    return b


PROFILES = {"growth": growth, "tiny": tiny, "decline": decline, "drop": drop}


def monthly_totals(bill: Bill) -> np.ndarray:
    return np.bincount(MONTH_INDEX, weights=sum(bill.series.values()), minlength=24)


def month_label(m: int) -> str:
    y, mo = divmod(START.month - 1 + m, 12)
    return f"{START.year + y}-{mo + 1:02d}"


def periods(granularity: str) -> list[tuple[str, list[int]]]:
    """(start, day indices) of each result period; its end is the next one's start."""
    if granularity == "DAILY":
        return [(d.isoformat(), [i]) for i, d in enumerate(DAYS)]
    return [(f"{month_label(m)}-01", list(np.flatnonzero(m == MONTH_INDEX))) for m in range(24)]


def money(x: float) -> dict:
    return {"Amount": f"{x:.10f}", "Unit": "USD"}


def result(bill: Bill, start: str, end: str, idx: list[int]) -> tuple[dict, float]:
    groups, total = [], 0.0
    for key, values in bill.series.items():
        cost = float(values[idx].sum())
        if cost == 0.0:
            continue
        unit, price = bill.units[key]
        total += cost
        metrics = {
            "UnblendedCost": money(cost),
            "UsageQuantity": {"Amount": f"{cost / price:.10f}", "Unit": unit},
        }
        groups.append({"Keys": list(key), "Metrics": metrics})
    period = {"TimePeriod": {"Start": start, "End": end}, "Total": {}, "Groups": groups, "Estimated": False}
    return period, total


def cost_explorer_file(bill: Bill, granularity: str) -> dict:
    """What `fetch-actuals` saves: the grouped request's pages and the ungrouped total's."""
    spans = periods(granularity)
    ends = [s for s, _ in spans[1:]] + [END.isoformat()]
    grouped, totals = [], []
    for (start, idx), end in zip(spans, ends, strict=True):
        period, total = result(bill, start, end, idx)
        grouped.append(period)
        tp = {"Start": start, "End": end}
        totals.append(
            {"TimePeriod": tp, "Total": {"UnblendedCost": money(total)}, "Groups": [], "Estimated": False}
        )
    base = {"TimePeriod": {"Start": START.isoformat(), "End": END.isoformat()}, "Granularity": granularity}
    group_by = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    req1 = {**base, "Metrics": ["UnblendedCost", "UsageQuantity"], "GroupBy": group_by}
    req2 = {**base, "Metrics": ["UnblendedCost"]}
    return {
        "_source": f"SYNTHETIC: tests' independent generator, bill {bill.name} seed {bill.seed}",
        "requests": [
            {"request": req1, "pages": [{"GroupDefinitions": group_by, "ResultsByTime": grouped}]},
            {"request": req2, "pages": [{"ResultsByTime": totals}]},
        ],
    }


def planned_yaml(bill: Bill) -> str:
    lines = [
        f"- {{start: {DAYS[i].isoformat()}, service: '{k[0]}', usage_type: '{k[1]}', note: planned}}"
        for k, i in bill.planned
    ]
    return "\n".join(lines) + "\n" if lines else "[]\n"


def write(bill: Bill, folder) -> dict[str, str]:
    paths = {}
    for gran in ("DAILY", "MONTHLY"):
        path = folder / f"{bill.name}-{bill.seed}-{gran.lower()}.json"
        path.write_text(json.dumps(cost_explorer_file(bill, gran)))
        paths[gran] = str(path)
    planned = folder / f"{bill.name}-{bill.seed}-planned.yaml"
    planned.write_text(planned_yaml(bill))
    paths["planned"] = str(planned)
    return paths
