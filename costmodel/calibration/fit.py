"""Load -> capacity relations fitted to observed hours, each with a 95% interval and R².

* The load curve: requests/s = trough + amplitude x growth^month x daytime(hour) x
  (weekend factor on Saturdays and Sundays), the daytime a half-sine over a window of whole
  UTC hours found from the data (the weekday hour-of-day profile; it may wrap past
  midnight), then non-linear least squares; the growth only when the window spans two
  months or more. The window is reported as two fits (``daytime_start_utc``,
  ``daytime_hours``) with no interval: a grid choice, not an estimate.
  It gives the load section's ``requests_per_s_trough`` and ``requests_per_s_peak`` (a
  weekday's peak in the window's last month).
* EKS: node CPU utilization against requests per node (OLS): the slope is the CPU a
  request/s costs; a pod sized by its CPU request serves ``pod_cpu / slope`` requests/s
  (``requests_per_pod``), the relation :func:`costmodel.scaling.eks_nodes` packs pods by.
* RDS: primary CPU against requests (% per 1,000 requests/s); storage growth (GB/day).
* ElastiCache: memory -> the hot dataset (GB) and its growth; engine CPU per 1,000 requests/s.
* MSK: bytes produced per request; average and peak ingress (MiB/s).

Linear fits use heteroskedasticity and autocorrelation consistent (HAC, 24-hour lags)
standard errors: hourly residuals of a real service are correlated, and plain OLS
intervals would be too narrow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel.architecture import Architecture, instance_types
from costmodel.calibration.observed import MIB
from costmodel.display import Result
from costmodel.errors import InputError

Z95 = 1.959964  # two-sided 95% normal quantile
HAC_LAGS = 24  # [hours]
MIN_HOURS = 48


@dataclass(frozen=True, repr=False)
class Fit(Result):
    """One fitted relation (the calibrate contract's fields, plus unit and hours used)."""

    parameter: str
    value: float
    low: float | None  # None: no interval (a choice on a grid, not an estimate)
    high: float | None
    r2: float | None
    metric: str
    source: str
    unit: str
    hours: int
    load_key: bool = False  # a key of the architecture's load section


@dataclass(frozen=True)
class Line:
    """y = intercept + slope x, with 95% intervals [low, high] of each and R²."""

    slope: float
    slope_ci: tuple[float, float]
    intercept: float
    intercept_ci: tuple[float, float]
    r2: float
    n: int


def line(x: pd.Series, y: pd.Series, what: str) -> Line:
    """OLS of ``y`` on ``x`` over the hours both have, HAC standard errors."""
    import statsmodels.api as sm

    both = pd.concat([x.rename("x"), y.rename("y")], axis=1).dropna()
    if len(both) < MIN_HOURS:
        raise InputError(f"{what}: {len(both)} hours with data, at least {MIN_HOURS} needed for a fit")
    if float(both["x"].std()) == 0:
        raise InputError(f"{what}: the load did not vary in the window, nothing to fit a slope to")
    model = sm.OLS(both["y"].to_numpy(), sm.add_constant(both["x"].to_numpy()))
    result = model.fit(cov_type="HAC", cov_kwds={"maxlags": HAC_LAGS})
    ci = result.conf_int(alpha=0.05)
    return Line(
        float(result.params[1]),
        (float(ci[1][0]), float(ci[1][1])),
        float(result.params[0]),
        (float(ci[0][0]), float(ci[0][1])),
        float(result.rsquared),
        len(both),
    )


def daytime(hours: pd.DatetimeIndex | np.ndarray, start: int, length: int) -> np.ndarray:
    """The daytime shape: a half-sine over ``length`` hours from ``start`` (hour of day,
    UTC; the window may wrap past midnight), 0 outside [fraction of the peak]."""
    hour = hours.hour.to_numpy() if isinstance(hours, pd.DatetimeIndex) else np.asarray(hours)
    phase = ((hour - start) % 24) / length
    return np.where(phase < 1, np.sin(phase * np.pi), 0.0)


SHORTEST_DAY, LONGEST_DAY = 4, 22  # [hours] daytime windows tried


def daytime_window(observed: pd.Series) -> tuple[int, int, float]:
    """(start hour UTC, length [h], R²) of the half-sine that best fits the weekday
    hour-of-day profile of ``observed`` (least squares over every whole-hour window)."""
    hours = pd.DatetimeIndex(observed.index)
    weekday = observed[hours.day_of_week < 5]
    profile = weekday.groupby(pd.DatetimeIndex(weekday.index).hour).mean().reindex(range(24))
    if profile.isna().any():
        raise InputError("the load curve needs weekday RequestCount at every hour of the day")
    y = profile.to_numpy()
    total = float(np.sum((y - y.mean()) ** 2))
    if total == 0:
        raise InputError("the load curve could not be fitted (the window has no daily cycle to fit)")
    best: tuple[float, int, int] | None = None
    for length in range(SHORTEST_DAY, LONGEST_DAY + 1):
        for start in range(24):
            x = daytime(np.arange(24), start, length)
            slope, intercept = np.polyfit(x, y, 1)
            if slope <= 0:
                continue
            sse = float(np.sum((y - intercept - slope * x) ** 2))
            if best is None or sse < best[0]:
                best = (sse, start, length)
    if best is None:
        raise InputError("the load curve could not be fitted (no daytime rise in the hourly profile)")
    return best[1], best[2], 1 - best[0] / total


def _month_index(hours: pd.DatetimeIndex) -> np.ndarray:
    first = hours[0].to_period("M")
    return np.array([(h.to_period("M") - first).n for h in hours], dtype=float)


def load_curve(requests: pd.Series, source: str) -> list[Fit]:
    """Trough, weekday peak (last month), weekend factor and monthly growth of the load."""
    from scipy.optimize import curve_fit

    observed = requests.dropna()
    if len(observed) < 14 * 24:
        raise InputError(
            f"the load curve needs two weeks of hourly RequestCount, the window has {len(observed)} hours"
        )
    hours = pd.DatetimeIndex(observed.index)
    start_hour, day_length, window_r2 = daytime_window(observed)
    shape, month = daytime(hours, start_hour, day_length), _month_index(hours)
    weekend = hours.day_of_week.to_numpy() >= 5
    last = float(month.max())

    one_month = last == 0  # growth month to month cannot be seen within one month

    def curve(
        _: np.ndarray, trough: float, amplitude: float, weekend_factor: float, growth: float = 1.0
    ) -> np.ndarray:
        return trough + amplitude * growth**month * shape * np.where(weekend, weekend_factor, 1.0)

    y = observed.to_numpy()
    start = [float(np.percentile(y, 5)), float(np.percentile(y, 95) - np.percentile(y, 5)), 0.7]
    params, cov = curve_fit(
        curve, np.zeros_like(y), y, p0=start + ([] if one_month else [1.0]), maxfev=10_000
    )
    if not np.all(np.isfinite(cov)):
        raise InputError("the load curve could not be fitted (the window has no daily cycle to fit)")
    if one_month:
        params, cov = np.append(params, 1.0), np.pad(cov, ((0, 1), (0, 1)))
    r2 = 1 - float(np.sum((y - curve(y, *params)) ** 2) / np.sum((y - y.mean()) ** 2))
    se = np.sqrt(np.diag(cov))
    trough, amplitude, weekend_factor, growth = params
    peak = trough + amplitude * growth**last
    gradient = np.array([1.0, growth**last, 0.0, amplitude * last * growth ** max(last - 1, 0)])
    peak_se = float(np.sqrt(gradient @ cov @ gradient))
    metric = "AWS/ApplicationELB RequestCount (Sum per hour / 3600)"
    n = len(y)

    def fit(parameter: str, value: float, half: float, unit: str, load_key: bool = False) -> Fit:
        return Fit(parameter, value, value - half, value + half, r2, metric, source, unit, n, load_key)

    window_source = f"{source}; the weekday hour-of-day profile, best of every whole-hour window"
    fits = [
        fit("requests_per_s_trough", trough, Z95 * se[0], "requests/s", True),
        fit("requests_per_s_peak", peak, Z95 * peak_se, "requests/s", True),
        fit("weekend_factor", weekend_factor, Z95 * se[2], "fraction of the weekday amplitude"),
        Fit("daytime_start_utc", start_hour, None, None, window_r2, metric, window_source, "hour (UTC)", n),
        Fit("daytime_hours", day_length, None, None, window_r2, metric, window_source, "h", n),
    ]
    if not one_month:
        fits.append(
            fit(
                "load_growth_pct_per_month",
                (growth - 1) * 100,
                Z95 * se[3] * 100,
                "% per month (daytime amplitude)",
            )
        )
    return fits


def eks_fits(frame: pd.DataFrame, arch: Architecture, source: str, origin: dict) -> list[Fit]:
    """``requests_per_pod`` from node CPU per request/s per node; base CPU; memory per request."""
    eks, load = arch.sections["eks"], arch.sections["load"]
    shape = instance_types().set_index("instance_type").loc[eks["instance_type"]]
    vcpu, memory = float(shape["vcpu"]), float(shape["memory_gib"])
    per_node = frame["requests_per_s"] / frame["nodes"]
    cpu = line(per_node, frame["node_cpu_pct"], "node_cpu_utilization against requests per node")
    metric = f"{origin['node_cpu_pct']} against {origin['requests_per_s']} per {origin['nodes']}"
    to_vcpu = vcpu / 100  # [% of the node] -> [vCPU]
    low, high = (cpu.slope_ci[0] * to_vcpu, cpu.slope_ci[1] * to_vcpu)
    if low <= 0:
        raise InputError(
            "node CPU does not rise with requests per node in the window (slope interval reaches 0): "
            "requests_per_pod cannot be fitted"
        )
    fits = [
        Fit(
            "requests_per_pod",
            load["pod_cpu"] / (cpu.slope * to_vcpu),
            load["pod_cpu"] / high,
            load["pod_cpu"] / low,
            cpu.r2,
            metric + f" (pod_cpu {load['pod_cpu']} vCPU / vCPU per request/s)",
            source,
            "requests/s",
            cpu.n,
            True,
        ),
        Fit(
            "node_base_vcpu",
            cpu.intercept * to_vcpu,
            cpu.intercept_ci[0] * to_vcpu,
            cpu.intercept_ci[1] * to_vcpu,
            cpu.r2,
            metric + " (intercept)",
            source,
            "vCPU per node (DaemonSets, kubelet)",
            cpu.n,
        ),
    ]
    if "node_memory_pct" in frame:
        mem = line(per_node, frame["node_memory_pct"], "node_memory_utilization against requests per node")
        scale = memory / 100 * 1000  # [% per request/s] -> [GiB per 1,000 requests/s]
        fits.append(
            Fit(
                "node_memory_gib_per_krps",
                mem.slope * scale,
                mem.slope_ci[0] * scale,
                mem.slope_ci[1] * scale,
                mem.r2,
                f"{origin['node_memory_pct']} against requests per node",
                source,
                "GiB per 1,000 requests/s on a node",
                mem.n,
            )
        )
    return fits


def _per_krps(frame: pd.DataFrame, column: str, prefix: str, origin: dict, source: str) -> list[Fit]:
    """``{prefix}_pct_per_krps`` (slope) and ``{prefix}_base_pct`` (intercept) of a CPU metric."""
    fitted = line(frame["requests_per_s"] / 1000, frame[column], f"{origin[column]} against requests")
    metric = f"{origin[column]} against {origin['requests_per_s']}"
    return [
        Fit(
            f"{prefix}_pct_per_krps",
            fitted.slope,
            *fitted.slope_ci,
            fitted.r2,
            metric,
            source,
            "% per 1,000 requests/s",
            fitted.n,
        ),
        Fit(
            f"{prefix}_base_pct",
            fitted.intercept,
            *fitted.intercept_ci,
            fitted.r2,
            metric + " (intercept)",
            source,
            "%",
            fitted.n,
        ),
    ]


def _trend(series: pd.Series, what: str) -> Line:
    """Linear trend of ``series`` in days, the intercept at the window's last hour."""
    days = (series.index - series.index.max()) / pd.Timedelta(days=1)
    return line(pd.Series(days, index=series.index), series, what)


def rds_fits(frame: pd.DataFrame, source: str, origin: dict) -> list[Fit]:
    """Primary CPU per 1,000 requests/s; storage growth and free storage."""
    fits: list[Fit] = []
    if "rds_cpu_pct" in frame:
        fits += _per_krps(frame, "rds_cpu_pct", "rds_cpu", origin, source)
    if "rds_free_storage_gb" in frame:
        trend = _trend(frame["rds_free_storage_gb"], "RDS FreeStorageSpace over time")
        fits += (
            Fit(
                "rds_storage_growth_gb_per_day",
                -trend.slope,
                -trend.slope_ci[1],
                -trend.slope_ci[0],
                trend.r2,
                origin["rds_free_storage_gb"] + " over time (falling free space)",
                source,
                "GB/day",
                trend.n,
            ),
            Fit(
                "rds_free_storage_gb",
                trend.intercept,
                *trend.intercept_ci,
                trend.r2,
                origin["rds_free_storage_gb"] + " (at the window's end)",
                source,
                "GB",
                trend.n,
            ),
        )
    return fits


def cache_fits(frame: pd.DataFrame, arch: Architecture, source: str, origin: dict) -> list[Fit]:
    """The hot dataset and its growth from memory; engine CPU per 1,000 requests/s."""
    fits: list[Fit] = []
    cache = arch.sections.get("elasticache")
    if "cache_memory_pct" in frame and cache:
        from costmodel.scaling.elasticache import usable_memory_gb

        # the model's shards(): dataset x (1 + 0.2 overhead) over usable memory; the metric is
        # a share of the node's memory, so dataset = share x memory / 1.2
        memory = usable_memory_gb(cache["node_type"], reserved=0.0)
        scale = memory / 100 / 1.2
        trend = _trend(frame["cache_memory_pct"], "ElastiCache DatabaseMemoryUsagePercentage over time")
        metric = origin["cache_memory_pct"] + f" x {memory:g} GiB / 1.2"
        fits += [
            Fit(
                "hot_dataset_gb",
                trend.intercept * scale,
                trend.intercept_ci[0] * scale,
                trend.intercept_ci[1] * scale,
                trend.r2,
                metric + " (at the window's end)",
                source,
                "GB",
                trend.n,
                True,
            ),
            Fit(
                "hot_dataset_growth_gb_per_day",
                trend.slope * scale,
                trend.slope_ci[0] * scale,
                trend.slope_ci[1] * scale,
                trend.r2,
                metric + " over time",
                source,
                "GB/day",
                trend.n,
            ),
        ]
    if "cache_cpu_pct" in frame:
        fits += _per_krps(frame, "cache_cpu_pct", "cache_cpu", origin, source)
    return fits


def kafka_fits(frame: pd.DataFrame, source: str, origin: dict) -> list[Fit]:
    """Bytes produced per request; average ingress of the window's last 7 days."""
    fits: list[Fit] = []
    if "kafka_bytes_in_per_s" in frame:
        fitted = line(
            frame["requests_per_s"], frame["kafka_bytes_in_per_s"], "MSK BytesInPerSec against requests"
        )
        metric = f"{origin['kafka_bytes_in_per_s']} against {origin['requests_per_s']}"
        fits.append(
            Fit(
                "kafka_bytes_per_request",
                fitted.slope,
                *fitted.slope_ci,
                fitted.r2,
                metric,
                source,
                "bytes",
                fitted.n,
            )
        )
        last_week = frame["kafka_bytes_in_per_s"].dropna().iloc[-7 * 24 :] / MIB
        se = float(
            last_week.std(ddof=1) / np.sqrt(len(last_week) / HAC_LAGS)
        )  # a day's hours are not independent
        fits.append(
            Fit(
                "kafka_ingress_mibps",
                float(last_week.mean()),
                float(last_week.mean()) - Z95 * se,
                float(last_week.mean()) + Z95 * se,
                None,
                origin["kafka_bytes_in_per_s"] + " (mean of the last 7 days)",
                source,
                "MiB/s",
                len(last_week),
                True,
            )
        )
    return fits


def peak_ingress(fits: list[Fit]) -> Fit | None:
    """Peak producer throughput: bytes per request x the peak load [MiB/s] (interval from both)."""
    by = {f.parameter: f for f in fits}
    if "kafka_bytes_per_request" not in by or "requests_per_s_peak" not in by:
        return None
    b, p = by["kafka_bytes_per_request"], by["requests_per_s_peak"]
    bounds = (b.low, p.low, b.high, p.high)  # both are fitted: never None
    b_low, p_low, b_high, p_high = (float(v if v is not None else "nan") for v in bounds)
    return Fit(
        "kafka_peak_ingress_mibps",
        b.value * p.value / MIB,
        b_low * p_low / MIB,
        b_high * p_high / MIB,
        None,
        "kafka_bytes_per_request x requests_per_s_peak",
        b.source,
        "MiB/s",
        min(b.hours, p.hours),
        True,
    )


def calibrate(frame: pd.DataFrame, arch: Architecture, source: str, origin: dict) -> list[Fit]:
    """Every relation the observed columns allow (the load curve always)."""
    fits = load_curve(frame["requests_per_s"], source)
    if "eks" in arch.sections and {"nodes", "node_cpu_pct"} <= set(frame):
        fits += eks_fits(frame, arch, source, origin)
    fits += rds_fits(frame, source, origin) + cache_fits(frame, arch, source, origin)
    fits += kafka_fits(frame, source, origin)
    peak = peak_ingress(fits)
    return fits + ([peak] if peak else [])


def load_section(fits: list[Fit]) -> dict[str, float]:
    """The fitted values that are keys of the architecture's ``load`` section."""
    return {f.parameter: round(float(f.value), 4) for f in fits if f.load_key}


__all__ = ["Fit", "Line", "calibrate", "line", "load_curve", "load_section"]
