"""Forecasts of the bill: the next months from the monthly history plus known changes, and
the month in progress from its daily actuals.

Methods, stated in every result:

* **Months ahead** (:data:`MONTHLY_METHOD`): an ordinary least squares line through the
  daily average cost of each complete month (so a 28- and a 31-day month compare), without
  credits and refunds (one-off money), times the days of the month forecast, with the OLS
  prediction interval (statsmodels ``get_prediction``, Student's t, so 3 to 13 months of
  history give honest, wide bands). Known changes (what-ifs from a month on) add the
  modelled monthly difference, scaled to the month's days.
* **The month in progress** (:data:`DAILY_METHOD`): an additive exponential smoothing model
  with a weekly season (statsmodels ``ETSModel``, seasonal period 7) on the recurring daily
  cost of the last weeks; the remaining days are simulated (2,000 paths) and summed; lump
  charges billed once a month (a support plan) are added as last month's amount if they
  have not been billed yet.

:func:`backtest` holds out the last months, forecasts them from the rest and reports the
mean absolute percentage error.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from costmodel.actuals.controls import Actuals
from costmodel.actuals.series import daily_bill, lumps_by_month, monthly_bill
from costmodel.architecture import Architecture
from costmodel.constants import CURRENCY, HOURS_PER_MONTH
from costmodel.errors import InputError
from costmodel.inputs import parse_month
from costmodel.output import money
from costmodel.pricing.catalog import PriceCatalog

INTERVAL = 0.8  # the share of outcomes a prediction interval covers [fraction]
MIN_MONTHS = 3  # complete months a trend needs
MAX_MONTHS_AHEAD = 12
MONTHLY_METHOD = (
    "OLS linear trend of each complete month's daily average cost (credits and refunds left out; "
    "a month in progress at its month-end forecast) x days in the month, OLS prediction interval "
    "(statsmodels)"
)
DAILY_METHOD = (
    "additive ETS with a weekly season (statsmodels ETSModel, period 7) on the recurring daily "
    "cost, remaining days simulated and summed; once-a-month charges added if not yet billed"
)
SIMULATIONS = 2000


@dataclass(frozen=True)
class Change:
    """A known change: the what-if ``changes`` take effect from ``month`` (YYYY-MM) on."""

    month: str
    changes: dict


@dataclass(frozen=True)
class CurrentMonth:
    """The month in progress: billed to date and forecast to its end [USD]."""

    month: str
    actual_to_date: float
    days_elapsed: int
    days_in_month: int
    expected: float
    low: float
    high: float


@dataclass(frozen=True)
class Forecast:
    """History and forecast of the monthly bill (the ``forecast --format json`` contract)."""

    history: pd.DataFrame  # month, actual [USD] (so far when in progress), complete, in_progress
    forecast: pd.DataFrame  # month, expected, low, high, known_changes [USD], in_progress
    interval: float
    method: str
    backtest_mape_pct: float | None
    current: CurrentMonth | None = None
    currency: str = CURRENCY
    notes: list[str] = field(default_factory=list)


def parse_change(text: str) -> Change:
    """``YYYY-MM:KEY=VALUE[,KEY=VALUE]`` (the ``--change`` option) as a :class:`Change`."""
    from costmodel.whatif import parse_changes

    month, sep, rest = text.partition(":")
    if not sep or not rest:
        raise InputError(f"--change {text!r}: expected YYYY-MM:KEY=VALUE, e.g. 2027-01:rds.read_replicas=3")
    return Change(parse_month(month, f"--change {text!r}"), parse_changes(rest.split(","), "--change"))


def _complete_history(bill: pd.DataFrame, origin: str) -> pd.DataFrame:
    complete = bill.loc[bill["complete"]]
    if len(complete) < MIN_MONTHS:
        raise InputError(
            f"{origin}: a forecast needs at least {MIN_MONTHS} complete months of history, "
            f"the file has {len(complete)} ({', '.join(complete['month']) or 'none'})"
        )
    return complete


def trend(history: pd.DataFrame, months: list[str], interval: float = INTERVAL) -> pd.DataFrame:
    """OLS trend of the daily average cost, forecast for ``months`` [USD per month].

    ``history`` has ``month``, ``actual`` and ``one_off`` [USD] and ``days_in_month``.
    Returns ``month``, ``expected``, ``low``, ``high``.
    """
    import statsmodels.api as sm

    first = pd.Period(history["month"].iloc[0], "M")
    x = np.array([(pd.Period(m, "M") - first).n for m in history["month"]], dtype=float)
    y = ((history["actual"] - history["one_off"]) / history["days_in_month"]).to_numpy()
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    ahead = np.array([(pd.Period(m, "M") - first).n for m in months], dtype=float)
    frame = fit.get_prediction(sm.add_constant(ahead, has_constant="add")).summary_frame(alpha=1 - interval)
    days = np.array([pd.Period(m, "M").days_in_month for m in months])
    return pd.DataFrame(
        {
            "month": months,
            "expected": frame["mean"].to_numpy() * days,
            "low": frame["obs_ci_lower"].to_numpy() * days,
            "high": frame["obs_ci_upper"].to_numpy() * days,
        }
    )


def known_change_effects(
    arch: Architecture, changes: list[Change], months: list[str], catalog: PriceCatalog | None = None
) -> np.ndarray:
    """Modelled monthly difference of the changes in effect each month [USD]: every change
    from its month on, all together (the what-if of their union), scaled to the month's hours."""
    from costmodel.whatif import compare

    out = np.zeros(len(months))
    for i, month in enumerate(months):
        in_effect: dict = {}
        for change in sorted(changes, key=lambda c: c.month):
            if change.month <= month:
                in_effect |= change.changes
        if in_effect:
            hours = pd.Period(month, "M").days_in_month * 24
            out[i] = compare(arch, in_effect, catalog).difference * hours / HOURS_PER_MONTH
    return out


def month_end(actuals: Actuals, interval: float = INTERVAL, seed: int = 0) -> CurrentMonth:
    """Month-end forecast of the last, incomplete month of daily ``actuals``."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    daily = daily_bill(actuals)
    last = daily["date"].iloc[-1]
    month = last.strftime("%Y-%m")
    days_in_month = pd.Period(month, "M").days_in_month
    remaining = days_in_month - last.day
    this_month = daily.loc[daily["date"].dt.strftime("%Y-%m") == month]
    to_date = float(this_month[["recurring", "lumps", "one_off"]].to_numpy().sum())
    recent = daily["recurring"].iloc[-56:].to_numpy()  # eight weeks: a level and its season
    if len(recent) < 21:
        raise InputError(f"{actuals.origin}: a month-end forecast needs at least 3 weeks of daily data")
    totals = np.zeros(1)  # every day in (a month not final yet): nothing left to simulate
    if remaining:
        with warnings.catch_warnings():  # a quiet (constant) series does not converge: said by its interval
            warnings.simplefilter("ignore")
            model = ETSModel(recent, error="add", trend=None, seasonal="add", seasonal_periods=7)
            fit = model.fit(disp=False)
            rng = np.random.default_rng(seed)
            paths = fit.simulate(remaining, anchor="end", repetitions=SIMULATIONS, rng=rng)
        totals = np.asarray(paths).reshape(remaining, -1).sum(axis=0)
    lumps = lumps_by_month(actuals)
    key = lumps["service"] + "|" + lumps["usage_type"]
    billed = set(key.loc[lumps["month"] == month])
    previous = (lumps["month"] == (pd.Period(month, "M") - 1).strftime("%Y-%m")) & ~key.isin(billed)
    due = float(lumps.loc[previous, "amount"].sum())  # last month's once-a-month charges still to come
    low, high = np.quantile(totals, [(1 - interval) / 2, (1 + interval) / 2])
    return CurrentMonth(
        month=month,
        actual_to_date=to_date,
        days_elapsed=int(last.day),
        days_in_month=days_in_month,
        expected=to_date + float(totals.mean()) + due,
        low=to_date + float(low) + due,
        high=to_date + float(high) + due,
    )


def backtest(history: pd.DataFrame, hold_out: int = 2) -> float | None:
    """Mean absolute percentage error [%] of the trend on the last ``hold_out`` complete
    months, forecast from the months before them (None when too few months remain)."""
    hold_out = min(hold_out, len(history) - MIN_MONTHS)
    if hold_out < 1:
        return None
    fitted, held = history.iloc[:-hold_out], history.iloc[-hold_out:]
    predicted = trend(fitted, held["month"].tolist())["expected"].to_numpy()
    return float(np.mean(np.abs(predicted - held["actual"].to_numpy()) / held["actual"].to_numpy()) * 100)


def forecast(
    actuals: Actuals,
    months: int = 3,
    changes: list[Change] | None = None,
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    interval: float = INTERVAL,
) -> Forecast:
    """Forecast ``months`` months after the last month of ``actuals`` (and the month in
    progress, when the file's last month is incomplete and daily)."""
    if not 1 <= months <= MAX_MONTHS_AHEAD:
        raise InputError(f"--months must be within 1..{MAX_MONTHS_AHEAD}, got {months}")
    if not 0 < interval < 1:
        raise InputError(f"the interval must be a fraction within 0..1, got {interval}")
    bill = monthly_bill(actuals)
    months_so_far = _trailing_in_progress(bill)
    current, notes = None, []
    last = pd.Period(bill["month"].iloc[-1], "M")
    if months_so_far:
        if set(actuals.rows["granularity"]) == {"DAILY"}:
            current = month_end(actuals, interval)
        else:
            # monthly data of a month in progress: its amount is so far (how far, the file does
            # not say), so that month is forecast from the trend like the ones after it
            last = pd.Period(months_so_far[0], "M") - 1
            so_far = bill.set_index("month")["actual"]
            notes += [
                f"{m} is in progress (Cost Explorer marks it Estimated): {money(so_far[m])} so far, "
                "not a complete month; its row is the trend's forecast of the whole month"
                for m in months_so_far
            ]
    complete = bill.loc[bill["complete"]]
    if len(complete) < MIN_MONTHS and current is not None:
        notes.append(
            f"months ahead need {MIN_MONTHS} complete months of history; the file has {len(complete)}"
        )
        table = pd.DataFrame(columns=["month", "expected", "low", "high", "known_changes"])
        mape = None
    else:
        history = _complete_history(bill, actuals.origin)
        mape = backtest(history)
        if current is not None:  # the month in progress enters the trend at its month-end forecast
            nowcast = {"month": current.month, "actual": current.expected, "one_off": 0.0}
            nowcast["days_in_month"] = current.days_in_month
            history = pd.concat([history, pd.DataFrame([nowcast])], ignore_index=True)
        table = _months_ahead(history, last, months, changes, arch, catalog, interval)
        if len(history) < 6:
            notes.append(f"{len(history)} months of history: the interval is wide on purpose")
    if current is not None:
        row = {"month": current.month, "expected": current.expected, "low": current.low, "high": current.high}
        table = pd.concat([pd.DataFrame([row | {"known_changes": 0.0}]), table], ignore_index=True)
    table["in_progress"] = table["month"].isin(set(bill.loc[bill["in_progress"], "month"]))
    return Forecast(
        history=bill[["month", "actual", "complete", "in_progress"]],
        forecast=table.astype(
            dict.fromkeys(("expected", "low", "high", "known_changes"), float) | {"in_progress": bool}
        ),
        interval=interval,
        method=MONTHLY_METHOD + (f"; month in progress: {DAILY_METHOD}" if current else ""),
        backtest_mape_pct=mape,
        current=current,
        notes=notes,
    )


def _trailing_in_progress(bill: pd.DataFrame) -> list[str]:
    """The months at the end of ``bill`` after its last complete one that are in progress
    (one usually; two when last month is not final yet and this one has begun)."""
    out: list[str] = []
    for month, complete, in_progress in zip(
        reversed(bill["month"].tolist()),
        reversed(bill["complete"].tolist()),
        reversed(bill["in_progress"].tolist()),
        strict=True,
    ):
        if complete or not in_progress:
            break
        out.insert(0, month)
    return out


def _months_ahead(
    history: pd.DataFrame,
    last: pd.Period,
    months: int,
    changes: list[Change] | None,
    arch: Architecture | None,
    catalog: PriceCatalog | None,
    interval: float,
) -> pd.DataFrame:
    """The trend for the ``months`` after ``last``, with the known changes added [USD]."""
    ahead = [(last + i).strftime("%Y-%m") for i in range(1, months + 1)]
    table = trend(history, ahead, interval)
    effects = np.zeros(len(ahead))
    if changes:
        if arch is None:
            raise InputError("known changes need the architecture they change")
        effects = known_change_effects(arch, changes, ahead, catalog)
    table[["expected", "low", "high"]] = table[["expected", "low", "high"]].to_numpy() + effects[:, None]
    table["known_changes"] = effects
    return table


__all__ = ["INTERVAL", "Change", "CurrentMonth", "Forecast", "backtest", "forecast", "month_end", "trend"]
