"""The sample bill by day (SYNTHETIC): the simulated months split into days.

Every group of every month is split into its days so that the days add up, to the last of
the ten decimals Cost Explorer writes, to the monthly group: the daily and the monthly
sample are the same bill. How each group is spread over its days:

* node instances follow the simulator's hourly node count (the daily load curve, weekend
  dip included); reserved hours cost $0 unblended and the RI fee's amortized part follows
  the hours the reservations were not used;
* something added mid-month (the third read replica) is billed from its first day;
* usage-driven lines (GB transferred, requests, queries, LCU-hours) follow a weekly
  pattern (weekends at :data:`WEEKEND_FACTOR` of a weekday) with 5% noise;
* the monthly support charge falls on the month's first day; a credit is used up with its
  service's daily usage; tax follows the day's usage;
* everything else (instance, cluster and gateway hours, storage) accrues evenly.

:data:`PLANTED` anomalies multiply one series on one or two days; the month's total stays
that of the monthly file, so the other days of that series are a little lower. They are the
ground truth the anomaly detector is measured against (``data/samples/planted-anomalies.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel import service_names as sn
from costmodel.actuals.fetching import CONTROL_METRICS, request_bodies
from costmodel.usage_types import strip_region_prefix

from samples.bill import SimulatedMonth, saved_payload

WEEKEND_FACTOR = 0.65  # usage on a Saturday or Sunday against a weekday [fraction]
USAGE_DRIVEN_UNITS = ("GB", "Requests", "Queries", "LCU-Hrs")
MONTHLY_CHARGE_UNITS = ("Dollar",)  # billed once a month, on its first day
TEN_PLACES = Decimal("1e-10")


@dataclass(frozen=True)
class Anomaly:
    """A planted anomaly: ``factor`` times the usual amount on ``days`` days from ``start``."""

    start: str  # YYYY-MM-DD
    days: int
    service: str
    usage_type: str  # without the region prefix
    factor: float
    cause: str


PLANTED = (
    Anomaly(
        "2026-07-12", 1, sn.CE_EC2_OTHER, "DataTransfer-Out-Bytes", 4.0, "a Sunday data export to a partner"
    ),
    Anomaly("2026-08-19", 1, sn.CE_EC2_OTHER, "NatGateway-Bytes", 3.1, "nodes pulling images through NAT"),
    Anomaly("2026-09-08", 2, sn.CE_CLOUDWATCH, "DataProcessing-Bytes", 5.0, "debug logging left on"),
    Anomaly("2026-10-21", 1, sn.CE_S3, "Requests-Tier1", 25.0, "a PUT retry loop"),
)


def planted_table(planted: tuple[Anomaly, ...] = PLANTED) -> pd.DataFrame:
    """One row per planted anomalous day: date, service, usage type, factor, cause."""
    rows = [
        {
            "date": str((pd.Timestamp(a.start) + pd.Timedelta(days=d)).date()),
            "service": a.service,
            "usage_type": a.usage_type,
            "factor": a.factor,
            "cause": a.cause,
        }
        for a in planted
        for d in range(a.days)
    ]
    return pd.DataFrame(rows, columns=["date", "service", "usage_type", "factor", "cause"])


def split_exactly(total: Decimal, weights: np.ndarray) -> list[Decimal]:
    """``total`` in parts proportional to ``weights``, each with ten decimals, that add up
    to ``total`` exactly (the last weighted part takes the rounding)."""
    weights = np.asarray(weights, dtype=float)
    if weights.sum() <= 0:
        weights = np.eye(len(weights))[0]
    shares = weights / weights.sum()
    parts = [(total * Decimal(repr(float(s)))).quantize(TEN_PLACES, ROUND_HALF_EVEN) for s in shares]
    last = int(np.flatnonzero(weights)[-1])
    parts[last] = total - sum(parts[:last], Decimal(0)) - sum(parts[last + 1 :], Decimal(0))
    return parts


def _days(month: str) -> pd.DatetimeIndex:
    start = pd.Timestamp(f"{month}-01")
    return pd.date_range(start, start + pd.DateOffset(months=1), freq="D", inclusive="left")


def _per_day(hourly: np.ndarray, days: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(hourly, dtype=float).reshape(len(days), 24).sum(axis=1)


def _weekly(days: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    weekday = np.where(days.day_of_week >= 5, WEEKEND_FACTOR, 1.0)
    return weekday * np.clip(1 + rng.normal(0, 0.05, len(days)), 0.5, None)


def _planted_factors(service: str, usage: str, days: pd.DatetimeIndex, planted: tuple) -> np.ndarray:
    factor = np.ones(len(days))
    for a in planted:
        if a.service == service and a.usage_type == strip_region_prefix(usage):
            hit = (days >= pd.Timestamp(a.start)) & (days < pd.Timestamp(a.start) + pd.Timedelta(days=a.days))
            factor[hit] *= a.factor
    return factor


def _group_weights(
    group: dict, sim: SimulatedMonth, days: pd.DatetimeIndex, rng: np.random.Generator, planted: tuple
) -> dict[str, np.ndarray]:
    """Daily weights of one usage group, per metric (``cost``, ``amortized``, ``quantity``)."""
    service, usage = group["Keys"]
    unit = group["Metrics"]["UsageQuantity"]["Unit"]
    flat = np.ones(len(days))
    if usage.split(":")[0].endswith("BoxUsage") and sim.nodes.any():
        on_demand = _per_day(sim.nodes - sim.covered, days)
        unblended = Decimal(group["Metrics"]["UnblendedCost"]["Amount"])
        amortized = Decimal(group["Metrics"]["AmortizedCost"]["Amount"])
        rate_od = float(unblended) / max(on_demand.sum(), 1e-9)
        rate_ri = float(amortized - unblended) / max(sim.covered.sum(), 1e-9)
        covered = _per_day(sim.covered, days)
        return {
            "cost": on_demand,
            "amortized": on_demand * rate_od + covered * rate_ri,
            "quantity": on_demand + covered,
        }
    if usage.split(":")[0].endswith("HeavyUsage") and sim.covered.any():
        reserved = float(group["Metrics"]["UsageQuantity"]["Amount"]) / len(sim.nodes)  # RIs held
        return {"cost": flat, "amortized": _per_day(reserved - sim.covered, days), "quantity": flat}
    if (service, usage) in sim.additions:
        added, since = sim.additions[(service, usage)]
        total = float(group["Metrics"]["UsageQuantity"]["Amount"])
        hours = pd.date_range(days[0], periods=24 * len(days), freq="h")
        after = (hours >= since).astype(float)
        hourly = (total - added) / len(hours) + added * after / max(after.sum(), 1)
        weight = _per_day(hourly, days)
        return dict.fromkeys(("cost", "amortized", "quantity"), weight)
    if unit in MONTHLY_CHARGE_UNITS:
        return dict.fromkeys(("cost", "amortized", "quantity"), np.eye(len(days))[0])
    if unit in USAGE_DRIVEN_UNITS:
        weight = _weekly(days, rng) * _planted_factors(service, usage, days, planted)
        return dict.fromkeys(("cost", "amortized", "quantity"), weight)
    return dict.fromkeys(("cost", "amortized", "quantity"), flat)


METRIC_WEIGHT = {"UnblendedCost": "cost", "AmortizedCost": "amortized", "NetAmortizedCost": "amortized"}


def _split_group(group: dict, weights: dict[str, np.ndarray]) -> list[dict]:
    """The group's daily groups: every metric split with its weights."""
    parts = {
        metric: split_exactly(Decimal(value["Amount"]), weights[METRIC_WEIGHT.get(metric, "quantity")])
        for metric, value in group["Metrics"].items()
    }
    return [
        {
            "Keys": list(group["Keys"]),
            "Metrics": {
                metric: {"Amount": str(parts[metric][d]), "Unit": value["Unit"]}
                for metric, value in group["Metrics"].items()
            },
        }
        for d in range(len(next(iter(parts.values()))))
    ]


def _daily_usage(sim: SimulatedMonth, rng: np.random.Generator, planted: tuple) -> list[list[dict]]:
    """Per day of the month, its usage groups (those with any amount that day)."""
    days = _days(sim.month)
    per_day: list[list[dict]] = [[] for _ in days]
    for group in sim.groups:
        for d, daily in enumerate(_split_group(group, _group_weights(group, sim, days, rng, planted))):
            if any(Decimal(m["Amount"]) != 0 for m in daily["Metrics"].values()):
                per_day[d].append(daily)
    return per_day


def _unblended(groups: list[dict], service: str | None = None) -> float:
    """UnblendedCost of ``groups`` (of one service's, if given) [USD]."""
    return sum(
        float(g["Metrics"]["UnblendedCost"]["Amount"])
        for g in groups
        if service is None or g["Keys"][0] == service
    )


def _daily_special(sim: SimulatedMonth, usage: list[list[dict]]) -> list[list[dict]]:
    """Per day, its tax (following the day's usage) and credits (following their service)."""
    per_day: list[list[dict]] = [[] for _ in usage]
    for group in sim.special:
        record, service = group["Keys"]
        weights = np.array(
            [_unblended(day, service if record == record_types.CREDIT else None) for day in usage]
        )
        split = _split_group(group, dict.fromkeys(("cost", "amortized", "quantity"), weights))
        for d, daily in enumerate(split):
            if Decimal(daily["Metrics"]["UnblendedCost"]["Amount"]) != 0:
                per_day[d].append(daily)
    return per_day


def _day_total(groups: list[dict]) -> dict:
    """Cost Explorer's ungrouped total of a day: the exact sum of its groups' amounts."""
    return {
        m: {
            "Amount": str(sum((Decimal(g["Metrics"][m]["Amount"]) for g in groups), Decimal(0))),
            "Unit": "USD",
        }
        for m in CONTROL_METRICS
    }


def _result(day: pd.Timestamp, groups: list[dict]) -> dict:
    period = {"Start": str(day.date()), "End": str((day + pd.Timedelta(days=1)).date())}
    return {"TimePeriod": period, "Total": {}, "Groups": groups, "Estimated": False}


def daily_payload(
    simulated: list[SimulatedMonth], origin: str, seed: int, planted: tuple[Anomaly, ...] = PLANTED
) -> dict:
    """The fetch-actuals file of the simulated months at DAILY granularity (one usage page per
    month), with each day's ungrouped total for conservation."""
    rng = np.random.default_rng(seed + 1)  # its own draws: the monthly sample stays as it is
    usage_pages, special_results, control_results = [], [], []
    for sim in simulated:
        usage = _daily_usage(sim, rng, planted)
        special = _daily_special(sim, usage)
        days = _days(sim.month)
        usage_pages.append([_result(day, groups) for day, groups in zip(days, usage, strict=True)])
        special_results += [_result(day, groups) for day, groups in zip(days, special, strict=True)]
        for day, u, s in zip(days, usage, special, strict=True):
            total = {
                m: {
                    "Amount": str(sum((Decimal(g["Metrics"][m]["Amount"]) for g in [*u, *s]), Decimal(0))),
                    "Unit": "USD",
                }
                for m in CONTROL_METRICS
            }
            control_results.append(_result(day, []) | {"Total": total})
    start = f"{simulated[0].month}-01"
    end = str((pd.Timestamp(f"{simulated[-1].month}-01") + pd.DateOffset(months=1)).date())
    return saved_payload(
        f"SYNTHETIC: generated by costmodel.samples (seed {seed}) from {origin}, daily; "
        "the same bill as the monthly sample, with planted anomalies; not a real bill",
        request_bodies(start, end, "DAILY"),
        usage_pages,
        special_results,
        control_results,
    )


__all__ = ["PLANTED", "Anomaly", "daily_payload", "planted_table", "split_exactly"]
