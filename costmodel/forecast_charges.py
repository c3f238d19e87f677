"""Charges billed once a month (a support plan, a reservation's monthly fee, an upfront
fee) in the months ahead of a forecast: which come again (:func:`billed_again`) and at
what amount (:func:`once_a_month`: a steady share of the month before, or last month's
amount). Used by the calendar candidate of :mod:`costmodel.forecast_methods` and the
month-end forecast of :mod:`costmodel.forecast_bounds`."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.constants import NOTHING_BILLED_USD
from costmodel.forecast_fees import fee_by_the_hour
from costmodel.output import money

SHARE_MONTHS = 3  # months a once-a-month charge's share of last month's cost must hold to be a share
SHARE_TOLERANCE = 0.1  # how far from its median share a month may be and still count as steady
CADENCE_BILLINGS = 3  # billings, each the same months apart, that make a charge billed every k months
# CUR line item types of an upfront purchase (a reservation's or Savings Plan's): billed once,
# on the day it was bought, be it the 1st
UPFRONT_TYPES = ("Fee", "SavingsPlanUpfrontFee")


def billed_again(lumps: pd.DataFrame, month: str, first_month: str) -> pd.Series:
    """Which of ``month``'s once-a-month charges (rows of ``lumps``, see
    :func:`costmodel.actuals.series.lumps_by_month`) come again the month after: one billed
    on the 1st (a support plan, a reservation's or Savings Plan's monthly fee) or in the
    month before too; not one billed once mid-month (a reservation's upfront fee, bought
    that day). With line items (a ``line_item_type`` column) an upfront fee
    (:data:`UPFRONT_TYPES`) billed on the 1st is billed once too, unless billed the month
    before. With no month before in the data (``first_month``: the data's first), which
    recur cannot be told: every one is taken to. A commitment bought on a day of its
    recurring fee's usage type (a ``purchase``: a Cost Explorer file's upfront fee) never
    recurs, be it bought on the 1st."""
    previous = str(pd.Period(month, "M") - 1)
    key = lumps["service"] + "|" + lumps["usage_type"]
    on_the_first = lumps["first_day"] == 1
    if "line_item_type" in lumps:
        key = key + "|" + lumps["line_item_type"]
        on_the_first &= ~lumps["line_item_type"].isin(UPFRONT_TYPES)
    before = set(key.loc[lumps["month"] == previous])
    bought = lumps["purchase"].astype(bool) if "purchase" in lumps else pd.Series(False, index=lumps.index)
    return (lumps["month"] == month) & (on_the_first | key.isin(before) | (previous < first_month)) & ~bought


def cadence(billed_months: list[str]) -> int:
    """Months between a charge's billings when they are regular (a quarterly subscription
    billed in January, April, July and October: 3), from :data:`CADENCE_BILLINGS` billings
    or more all the same months apart; 1 otherwise (monthly, irregular, or too few to tell)."""
    months = sorted({pd.Period(m, "M") for m in billed_months})
    if len(months) < CADENCE_BILLINGS:
        return 1
    gaps = {(later - earlier).n for earlier, later in itertools.pairwise(months)}
    return gaps.pop() if len(gaps) == 1 else 1


def due_on_cadence(amounts: pd.Series, last: str, ahead: int) -> np.ndarray:
    """A charge billed every :func:`cadence` months > 1 in each of the ``ahead`` months after
    ``last`` [USD]: its last amount in the months its cadence falls on, 0 in the others (and
    in all, once it has missed a month it was due: it stopped). ``amounts``: by month billed."""
    every = cadence([str(m) for m in amounts.index])
    since = (pd.Period(last, "M") - pd.Period(str(amounts.index.max()), "M")).n
    months_ahead = since + np.arange(1, ahead + 1)
    due = (months_ahead % every == 0) & (since < every)
    return np.where(due, float(amounts.loc[amounts.index.max()]), 0.0)


def billed_once_monthly(rows: pd.DataFrame, months: list[str]) -> tuple[pd.Series, list[str]]:
    """From monthly data, each of ``months``' reservation fees billed once [USD by month], and
    a note on each. A monthly file does not say the day a fee was billed, so
    :func:`billed_again`'s rule is read by amount: what a fee's usage type billed the month
    before too (or, for a month with one after it, the month after too; by amount and per
    day alike, so that neither a 31-day month's fee by the hour nor February's fee by the
    month is a rise) recurs, the rise above it was
    billed that month only (a reservation's upfront fee, bought that month, under the usage
    type of its recurring fee). A fee's usage type is a reservation's (``HeavyUsage``); a
    charge Cost Explorer's RECORD_TYPE calls an upfront fee is billed once whole. A usage
    type the month before did not bill (the data's first month; a new reservation, whose
    upfront fee the file cannot tell from its first recurring one) is taken to recur, but for
    a Savings Plan with an upfront part (``ComputeSP:1yrPartialUpfront``: its name says it
    had one, billed the day it was bought): there the rise over the month after, or in the
    last month, with none after, the whole month (the file cannot split it: its first
    days of recurring fee are left out with it, said in the note)."""
    sp_upfront = rows["usage_type"].str.contains(record_types.SAVINGS_PLAN_UPFRONT_USAGE, regex=True)
    fees = rows.loc[
        record_types.commitment_fee_usage(rows["usage_type"])
        | rows["record_type"].isin(record_types.UPFRONT_FEES)
    ]
    once = pd.Series(0.0, index=months)
    notes = []
    days = pd.Series([pd.Period(m, "M").days_in_month for m in months], index=months, dtype=float)
    for (service, usage_type, record_type), group in fees.groupby(["service", "usage_type", "record_type"]):
        amounts = group.groupby("month")["unblended_cost"].sum().reindex(months, fill_value=0.0)
        if record_type in record_types.UPFRONT_FEES:
            billed = amounts
        else:
            rate = amounts / days
            # billed again: the month before's (and the month after's, when there is one), both
            # its amount and its rate per day (a fee by the hour or by the month is no rise)
            again = pd.concat([rate.shift(1), rate.shift(-1)], axis=1).max(axis=1)
            again_amount = pd.concat([amounts.shift(1), amounts.shift(-1)], axis=1).max(axis=1)
            rise = np.minimum((rate - again) * days, amounts - again_amount)
            # a usage type not billed the month before is a new fee, whose day (the 1st: it
            # recurs) the file does not say: taken to recur, as billed_again takes what it cannot tell
            billed = rise.clip(lower=0.0).where(amounts.shift(1) > 0, 0.0)
            if sp_upfront.loc[group.index].any():
                billed = _savings_plan_bought(amounts, rise, billed)
        for month, amount in billed.loc[billed > NOTHING_BILLED_USD].items():
            once[month] += amount
            # a Savings Plan bought in the last month, left out whole
            whole = (
                bool(sp_upfront.loc[group.index].any()) and month == months[-1] and amount == amounts[month]
            )
            notes.append(_once_note(f"{service} {usage_type or record_type}", month, amount, whole))
    return once, notes


def _once_note(charge: str, month: str, amount: float, whole: bool) -> str:
    """The note on a fee taken as billed once in ``month`` (``whole``: all of its last month's)."""
    billed = (
        "in its first month, the last of the data" if whole else f"more in {month} than the months beside it"
    )
    return (
        f"{charge} billed {money(amount)} {billed}: taken as a reservation's or Savings Plan's fee billed "
        "once (an upfront fee), not a monthly rate (a monthly file does not say the day it was billed; daily "
        "data would)" + (": the plan's recurring fee in it, if any, is left out with it" if whole else "")
    )


def _savings_plan_bought(amounts: pd.Series, rise: pd.Series, billed: pd.Series) -> pd.Series:
    """``billed`` (the once-billed part of a fee's ``amounts`` by month) for a Savings Plan
    with an upfront part: in a month the usage type was new (billed nothing the month before,
    in the data), the rise over the month after, or the whole month when it is the last."""
    new = amounts.shift(1) == 0
    last = amounts.shift(-1).isna()
    return billed.where(~new, rise.clip(lower=0.0).where(~last, amounts))


def once_a_month(
    lumps: pd.DataFrame, recurring: pd.Series, ahead_recurring: np.ndarray, first_month: str = ""
) -> np.ndarray:
    """The once-a-month charges of each month ahead [USD]. ``lumps``: each group's charge by
    month (month, service, usage_type, amount) up to the last complete month; ``recurring``:
    each month's recurring cost [USD] by month up to it; ``ahead_recurring``: the months
    ahead's. A group whose charge has been a steady share of the previous month's recurring
    cost (at least :data:`SHARE_MONTHS` of its last six months within :data:`SHARE_TOLERANCE`
    of their median, and two thirds of them: a support plan, a percentage of last month's
    usage) is that median share of the month before each month ahead; one billed every k > 1
    months (:func:`cadence`: a quarterly subscription), its last amount in the months its
    cadence falls on; any other, its last
    month's amount when :func:`billed_again` (a subscription; 0 when it was not
    billed then, or billed once: an upfront fee); a reservation's fee, by the hour
    (:func:`costmodel.forecast_fees.fee_by_the_hour`: 0 once it ended). ``first_month``: the
    data's first month."""
    total = np.zeros(len(ahead_recurring))
    if lumps.empty:
        return total
    # the last complete month: the recurring cost's, or the charges' when no recurring month is known
    last = recurring.index[-1] if len(recurring) else str(lumps["month"].max())
    previous_recurring = np.concatenate([[float(recurring.get(last, 0.0))], ahead_recurring[:-1]])
    again = billed_again(lumps, last, first_month or str(lumps["month"].min()))
    for _, group in lumps.groupby(["service", "usage_type"]):
        amounts = group.groupby("month")["amount"].sum()
        share = _steady_share(amounts, recurring)
        if share is not None:
            total += share * previous_recurring
        elif cadence([str(m) for m in amounts.index]) > 1:
            total += due_on_cadence(amounts, last, len(ahead_recurring))
        else:
            billed = again.loc[group.index]
            by_the_hour = fee_by_the_hour(group, billed, last, len(ahead_recurring))
            total += float(group.loc[billed, "amount"].sum()) if by_the_hour is None else by_the_hour
    return total


def _steady_share(amounts: pd.Series, recurring: pd.Series) -> float | None:
    """The median share of a once-a-month charge in the previous month's recurring cost,
    when steady (see :func:`once_a_month`); None otherwise."""
    shares, billed = [], []
    for month, amount in amounts.iloc[-6:].items():
        previous = str(pd.Period(str(month), "M") - 1)
        if recurring.get(previous, 0.0) > 0:
            shares.append(float(amount) / float(recurring[previous]))
            billed.append(float(amount))
    if len(shares) < SHARE_MONTHS:
        return None
    median = float(np.median(shares))
    if median <= 0:
        return None
    close = np.abs(np.array(shares) / median - 1) <= SHARE_TOLERANCE
    steady = close.sum() >= max(SHARE_MONTHS, math.ceil(2 * len(shares) / 3))
    # and steadier than the amounts: a flat fee on a growing bill is a drifting share, not a share
    return median if steady and _spread(shares) < _spread(billed) else None


def _spread(values: list[float]) -> float:
    """The median absolute deviation of ``values`` over their median (0 for a median of 0)."""
    median = float(np.median(values))
    return float(np.median(np.abs(np.array(values) - median))) / abs(median) if median else 0.0


__all__ = [
    "CADENCE_BILLINGS",
    "SHARE_MONTHS",
    "SHARE_TOLERANCE",
    "UPFRONT_TYPES",
    "billed_again",
    "billed_once_monthly",
    "cadence",
    "due_on_cadence",
    "once_a_month",
]
