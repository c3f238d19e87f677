"""A reservation's recurring fee (``RIFee``, usage type ``HeavyUsage``) in the months ahead: by
the hour, not at last month's amount. Its usage quantity is the reservation's hours in the
month (744 in October for one reservation, 360 for one that ended on the 16th), so its rate
is cost / hours, and the months ahead bill that rate x their own hours (720 in November, 672
in February) for the reservations still running at the end of the month.

How many run at its end the quantity tells when it is a whole number of the month's hours.
When it is not, a reservation began or ended inside the month; the files read here do not
all say its end (Cost Explorer has no reservation end), so fewer reservations than the month
before held at its end (:func:`reservations_at_month_end`) is taken as one ended (expired,
not renewed: its fee is not billed again), else as one bought in the month (billed in full
from then on). Used by :func:`costmodel.forecast_charges.once_a_month`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from costmodel import record_types
from costmodel.output import money

WHOLE = 1e-6  # how far from a whole number of reservations a month's hours may be and be whole


def _month_hours(month: str) -> int:
    return pd.Period(month, "M").days_in_month * 24


def is_reservation_fee(usage_type: str) -> bool:
    """Whether a lump charge's usage type is a reservation's fee (``HeavyUsage:db.r5.large``)."""
    return record_types.RESERVATION_FEE_USAGE in usage_type


def reservations_at_month_end(hours: float, month: str, hours_before: float | None) -> int:
    """The reservations a fee billed ``hours`` in ``month`` for still run at its end:
    ``hours`` / the month's hours when whole; else rounded down when fewer than the month
    before held at its end (``hours_before``: the fee's hours then, None when not billed or
    unknown: one ended in the month), up otherwise (one bought in the month)."""
    count = hours / _month_hours(month)
    if abs(count - round(count)) <= WHOLE:
        return round(count)
    if hours_before is None:
        return math.ceil(count)
    before = hours_before / _month_hours(str(pd.Period(month, "M") - 1))
    return math.floor(count) if count < math.ceil(before - WHOLE) else math.ceil(count)


def fee_by_the_hour(group: pd.DataFrame, billed: pd.Series, last: str, ahead: int) -> np.ndarray | None:
    """A reservation fee's amount in each of the ``ahead`` months after ``last`` [USD]: its
    rate per hour (last month's cost / hours) x the reservations running at the end of
    ``last`` x each month's hours. ``group``: the fee's lumps rows (``month``, ``amount``,
    ``quantity``); ``billed``: which of them recur (billed in ``last`` and again). None when
    the charge is no reservation fee or its hours are unknown (last month's amount stands)."""
    if "quantity" not in group or not bool(billed.any()):
        return None
    if not is_reservation_fee(str(group["usage_type"].iloc[0])):
        return None
    hours = float(group.loc[billed, "quantity"].sum(min_count=1))
    if not hours > 0 or not _quantity_is_hours(group):
        return None
    rate = float(group.loc[billed, "amount"].sum()) / hours
    running = reservations_at_month_end(hours, last, _hours_in(group, str(pd.Period(last, "M") - 1)))
    months = [str(pd.Period(last, "M") + k) for k in range(1, ahead + 1)]
    return np.array([rate * running * _month_hours(m) for m in months])


def _quantity_is_hours(group: pd.DataFrame) -> bool:
    """Whether a fee's usage quantity reads as its reservations' hours: a whole number (one or
    more) of a month's hours in some month it billed (a file whose quantities are something
    else, a count of charges, is not read by the hour)."""
    for month, hours in group.groupby("month")["quantity"].sum(min_count=1).dropna().items():
        count = float(hours) / _month_hours(str(month))
        if count >= 1 and abs(count - round(count)) <= WHOLE:
            return True
    return False


def _hours_in(group: pd.DataFrame, month: str) -> float | None:
    hours = group.loc[group["month"] == month, "quantity"].sum(min_count=1)
    return float(hours) if hours > 0 else None


def ended_reservation_notes(lumps: pd.DataFrame, last: str) -> list[str]:
    """A note on each reservation fee billed in ``last`` (the last complete month) for fewer
    hours than the reservations it held the month before: taken as a reservation that ended
    (:func:`reservations_at_month_end`), its fee not forecast again."""
    notes: list[str] = []
    if "quantity" not in lumps:
        return notes
    fees = lumps.loc[lumps["usage_type"].map(is_reservation_fee)]
    for (service, usage_type), group in fees.groupby(["service", "usage_type"]):
        hours = _hours_in(group, last)
        before = _hours_in(group, str(pd.Period(last, "M") - 1))
        if hours is None or before is None or not _quantity_is_hours(group):
            continue
        running = reservations_at_month_end(hours, last, before)
        held = round(hours / _month_hours(last), 6)
        if running < held:
            amount = float(group.loc[group["month"] == last, "amount"].sum())
            notes.append(
                f"{service} {usage_type}: its reservation fee ({money(amount)}) billed {hours:g} of {last}'s "
                f"{_month_hours(last)} hours, fewer than the month before: taken as a reservation that ended "
                f"in {last} (expired, not renewed; the file does not say its end), its fee not forecast again"
            )
    return notes


__all__ = ["ended_reservation_notes", "fee_by_the_hour", "is_reservation_fee", "reservations_at_month_end"]
