"""The bill as time series: one row per month or per day, from actuals as read.

What forecasts, budgets and anomaly detection stand on. Money keeps its sources: a month's
``actual`` is the file's independent control total (what reconciliation conserves), and
the parts the trend of a bill should not follow are split out: credits and refunds (one-off
money) and *lump* charges, groups billed on a single day of a month (a support plan, a
monthly subscription), which would look like a spike on that day.
"""

from __future__ import annotations

import itertools

import pandas as pd

from costmodel import record_types
from costmodel.actuals.controls import EXPORT_TOTAL, Actuals
from costmodel.errors import InputError

ONE_OFF_RECORD_TYPES = record_types.ONE_OFF
KEY = ["service", "usage_type", "record_type"]
# With line items: the CUR line item type (or FOCUS charge), one more part of a charge's key
LINE_ITEM_TYPE = "line_item_type"
SAVINGS_PLAN_NEGATION = "SavingsPlanNegation"  # CUR: the on-demand cost a Savings Plan covered
NEGATION_SUFFIX = " (Savings Plan negation)"  # its series' name beside its usage type's


def _days_in(month: str) -> int:
    return pd.Period(month, "M").days_in_month


def covered_days(actuals: Actuals) -> pd.Series:
    """Days of each month the file covers [days], from the periods of its rows and those it
    lists without cost."""
    periods = _periods(actuals)
    first = periods.groupby("month")["period_start"].min()
    last = periods.groupby("month")["period_end"].max()
    return ((last - first).dt.days).clip(upper=[_days_in(m) for m in first.index]).rename("days")


def _periods(actuals: Actuals) -> pd.DataFrame:
    """``month``, ``period_start``, ``period_end`` of every period the file covers: its
    rows' and the ones it lists without cost."""
    empty = pd.DataFrame(list(actuals.empty_periods), columns=["period_start", "period_end"])
    empty["month"] = empty["period_start"].dt.strftime("%Y-%m") if len(empty) else ""
    covered = actuals.rows[["month", "period_start", "period_end"]]
    return pd.concat([covered, empty], ignore_index=True) if len(empty) else covered


def monthly_bill(actuals: Actuals) -> pd.DataFrame:
    """One row per month: ``actual`` (the independent total [USD]), ``one_off`` (credits and
    refunds [USD]), ``days`` (days covered), ``days_in_month``, ``estimated``, ``complete``
    and ``in_progress``.

    A month is ``complete`` when its periods cover every day and none is ``estimated`` (Cost
    Explorer's ``Estimated``: the month is not final, often not over; a line-item export
    without the month's last day is flagged so too). ``in_progress`` marks the months whose
    ``actual`` is so far, not the month's: estimated ones, and the file's last month when its
    days stop short. (A first month that starts late is neither complete nor in progress.)
    """
    rows = actuals.rows
    one_off = (
        rows.loc[rows["record_type"].isin(ONE_OFF_RECORD_TYPES)].groupby("month")["unblended_cost"].sum()
    )
    estimated = rows.groupby("month")["estimated"].any() if len(rows) else pd.Series(dtype=bool)
    frame = actuals.controls[["month", "control_total"]].rename(columns={"control_total": "actual"})
    frame["one_off"] = frame["month"].map(one_off).fillna(0.0)
    frame["days"] = frame["month"].map(covered_days(actuals)).fillna(0).astype(int)
    frame["days_in_month"] = frame["month"].map(_days_in)
    frame["estimated"] = frame["month"].map(estimated).fillna(False).astype(bool)
    all_days = frame["days"] >= frame["days_in_month"]
    frame["complete"] = all_days & ~frame["estimated"]
    frame = frame.sort_values("month", ignore_index=True)
    is_last = frame["month"] == frame["month"].max()
    frame["in_progress"] = frame["estimated"] | (~all_days & is_last)
    return frame


def in_progress_months(actuals: Actuals) -> list[str]:
    """The months whose figures are so far, not final (see :func:`monthly_bill`)."""
    bill = monthly_bill(actuals)
    return bill.loc[bill["in_progress"], "month"].tolist()


def require_daily(actuals: Actuals, what: str) -> pd.DataFrame:
    """The rows of a DAILY file, or one line saying why not: monthly data, a repeated day
    (refused by the reader already) or a gap between the first and the last day."""
    rows = actuals.rows
    if set(rows["granularity"]) != {"DAILY"}:
        raise InputError(
            f"{actuals.origin}: {what} needs daily actuals, this file is "
            f"{'/'.join(sorted(set(rows['granularity'])))}; fetch them with "
            "'costmodel fetch-actuals --granularity DAILY' or export Daily from the console"
        )
    days = pd.DatetimeIndex(sorted(_periods(actuals)["period_start"].unique()))
    expected = pd.date_range(days[0], days[-1], freq="D")
    missing = expected.difference(days)
    if len(missing):
        # the advice depends on where the days came from: Cost Explorer can be asked again,
        # an export holds what AWS wrote (a correction dated in an earlier period leaves a gap)
        export = (actuals.controls["control_source"] == EXPORT_TOTAL).any()
        advice = (
            "the export has no line item on those days (a correction charged to an earlier "
            "period, or files of some days missing); give the export of every day in between"
            if export
            else "fetch the whole range"
        )
        raise InputError(
            f"{actuals.origin}: daily data has a gap: {len(missing)} day(s) missing, first "
            f"{missing[0].date()} (between {days[0].date()} and {days[-1].date()}); {advice}"
        )
    _refuse_days_without_data(rows, expected, actuals.origin)
    return rows


def refuse_gaps_within_months(actuals: Actuals) -> None:
    """Refuse a Cost Explorer file whose periods leave days out inside a month (a day of
    a daily file not saved, a page of one day lost): read as it is, the month's actual
    would leave that day's spend out and call it volume. Cost Explorer lists every period
    of the range asked for (one without cost has no groups), so a missing one is data
    that was not saved. A line-item export is left to its own checks (an export holds what
    AWS wrote); a month's data starting late or stopping early is a part month, not a gap."""
    if (actuals.controls["control_source"] == EXPORT_TOTAL).any():
        return
    periods = _periods(actuals)[["month", "period_start", "period_end"]].drop_duplicates()
    for month, spans in periods.sort_values("period_start").groupby("month", sort=True):
        covered_until = spans["period_start"].iloc[0]
        for start, end in zip(spans["period_start"], spans["period_end"], strict=True):
            if start > covered_until:
                days = (start - covered_until).days
                raise InputError(
                    f"{actuals.origin}: {month} has a gap: {days} day(s) missing, first "
                    f"{covered_until.date()} (between {spans['period_start'].iloc[0].date()} and "
                    f"{(spans['period_end'].max() - pd.Timedelta(days=1)).date()}): its spend would "
                    "be left out of the month; fetch the whole range"
                )
            covered_until = max(covered_until, end)
    _refuse_cut_months(periods, actuals.origin)
    # a day listed without any cost between days that billed all day is no $0 day either
    daily = actuals.rows.loc[actuals.rows["granularity"] == "DAILY"]
    if len(daily):
        days = pd.date_range(daily["period_start"].min(), daily["period_start"].max(), freq="D")
        _refuse_days_without_data(daily, days, actuals.origin)


def _refuse_cut_months(periods: pd.DataFrame, origin: str) -> None:
    """Refuse a month whose data stops before its end while a later month has data (or starts
    late after an earlier one): the days between were not saved, and read as it is the month
    would show as in progress, month to date. A whole month missing between two is left as
    months the file does not hold."""
    spans = periods.sort_values("period_start")
    covered_until = spans["period_end"].iloc[0]
    for start, end in zip(spans["period_start"], spans["period_end"], strict=True):
        cut = start > covered_until and (covered_until.day != 1 or start.day != 1)
        if cut:
            last_missing = start - pd.Timedelta(days=1)
            short = covered_until if covered_until.day != 1 else start
            raise InputError(
                f"{origin}: no data from {covered_until.date()} to {last_missing.date()} "
                f"({(start - covered_until).days} day(s)) while the file has data before and after: "
                f"{short:%Y-%m} is cut short, not in progress, and its spend on those days would "
                "be left out; fetch the whole range"
            )
        covered_until = max(covered_until, end)


def _refuse_days_without_data(rows: pd.DataFrame, days: pd.DatetimeIndex, origin: str) -> None:
    """Refuse a few days listed without cost while something billed all day around them.

    Cost Explorer returns a day it holds no data for as a day without groups, not as a
    missing day: read as it is, every series billed $0 on it. A charge billed on each of
    the week before and on the day after (an instance, a volume, stored bytes) does not
    stop for a day and come back; a run of days without cost longer than a week (a service
    off for a month and back) is the bill's own pattern and is read."""
    billed = rows.loc[rows["unblended_cost"] != 0]
    unbilled = days.difference(pd.DatetimeIndex(billed["period_start"].unique()))
    if unbilled.empty:
        return
    days_of = billed.groupby(KEY)["period_start"].agg(lambda starts: set(starts))
    for run in _runs_of_days(unbilled):
        if len(run) > DAYS_WITHOUT_DATA_AT_MOST:
            continue
        around = [
            *pd.date_range(end=run[0] - pd.Timedelta(days=1), periods=7),
            run[-1] + pd.Timedelta(days=1),
        ]
        steady = [key for key, billed_days in days_of.items() if billed_days.issuperset(around)]
        if steady:
            raise InputError(
                f"{origin}: daily data has a gap: {len(run)} day(s) without any cost, first "
                f"{run[0].date()}, while {' '.join(steady[0][:2])} billed on each of the 7 days "
                "before and the day after (Cost Explorer returns a day it holds no data for "
                "without groups); fetch the whole range again"
            )


# The longest run of days without cost read as a gap in the data (above: the bill's pattern)
DAYS_WITHOUT_DATA_AT_MOST = 7


def _runs_of_days(days: pd.DatetimeIndex) -> list[pd.DatetimeIndex]:
    """``days`` (sorted) split into runs of consecutive days."""
    breaks = [i for i in range(1, len(days)) if days[i] - days[i - 1] > pd.Timedelta(days=1)]
    bounds = [0, *breaks, len(days)]
    return [days[a:b] for a, b in itertools.pairwise(bounds)]


def lump_keys(rows: pd.DataFrame) -> set[tuple]:
    """Groups billed on one day of a month, every month they appear (a support plan)."""
    return _one_day_groups(rows, KEY)


def _one_day_groups(rows: pd.DataFrame, key: list[str]) -> set[tuple]:
    """The ``key`` groups billed on one day of a month, every month they appear."""
    # days with money: a $0 row (Cost Explorer lists some) bills nothing
    usage = rows.loc[~rows["record_type"].isin(ONE_OFF_RECORD_TYPES) & (rows["unblended_cost"] != 0)]
    days_billed = usage.groupby([*key, "month"])["period_start"].nunique()
    per_group = days_billed.groupby(level=list(range(len(key)))).max()
    return set(per_group.loc[per_group <= 1].index)


def _charge_key(rows: pd.DataFrame) -> list[str]:
    """The columns that tell one charge from another: :data:`KEY`, and with line items their type."""
    return [*KEY, LINE_ITEM_TYPE] if LINE_ITEM_TYPE in rows else KEY


def _is_lump(rows: pd.DataFrame) -> pd.Series:
    """Which rows are a lump charge's (:func:`lump_keys`). With line items a charge is also
    of one line item type: a discount billed once a month on a usage type billed every day
    (a BundledDiscount beside the usage it discounts) is a lump, never part of a daily rate."""
    key = _charge_key(rows)
    lumps = _one_day_groups(rows, key)
    return pd.Series(pd.MultiIndex.from_frame(rows[key]).isin(list(lumps)), index=rows.index)


PURCHASE_MULTIPLE = 10  # a commitment's day this many times its usual day is a purchase on it
PURCHASE_DAYS = 3  # days a commitment's usage type must have billed to have a usual day


def purchase_excess(rows: pd.DataFrame) -> pd.Series:
    """Of each row [USD], the part that is a commitment bought that day, billed once: where a
    commitment's usage type (a reservation's ``HeavyUsage``, a Savings Plan's
    ``ComputeSP:1yrPartialUpfront``) bills every day, as a Cost Explorer file grouped by usage
    type does its recurring fee and its upfront fee alike, a day :data:`PURCHASE_MULTIPLE`
    times its usual one (the median of its days billed, :data:`PURCHASE_DAYS` or more) is the
    upfront fee: its excess over the usual day; 0 elsewhere (a lump or one-off row, which is
    never a day of a rate; line items' own upfront fee type, a lump)."""
    excess = pd.Series(0.0, index=rows.index)
    commitment = record_types.commitment_fee_usage(rows["usage_type"])
    daily = rows.loc[commitment & ~_is_lump(rows) & ~rows["record_type"].isin(ONE_OFF_RECORD_TYPES)]
    for _, group in daily.loc[daily["unblended_cost"] > 0].groupby(_charge_key(rows)):
        if group["period_start"].nunique() < PURCHASE_DAYS:
            continue
        usual = float(group.groupby("period_start")["unblended_cost"].sum().median())
        bought = group.loc[group["unblended_cost"] > PURCHASE_MULTIPLE * usual, "unblended_cost"]
        excess.loc[bought.index] = bought - usual
    return excess


def daily_bill(actuals: Actuals) -> pd.DataFrame:
    """One row per day: ``recurring`` (the bill without one-off money and lump charges [USD])
    and ``lumps`` and ``one_off`` [USD]."""
    rows = require_daily(actuals, "a daily series")
    is_lump = _is_lump(rows)
    is_one_off = rows["record_type"].isin(ONE_OFF_RECORD_TYPES)
    bought = purchase_excess(rows)  # a commitment's upfront fee billed on a day of its recurring one
    day = rows["period_start"]
    frame = pd.DataFrame(
        {
            "recurring": (rows["unblended_cost"].where(~is_lump & ~is_one_off, 0.0) - bought)
            .groupby(day)
            .sum(),
            "lumps": (rows["unblended_cost"].where(is_lump & ~is_one_off, 0.0) + bought).groupby(day).sum(),
            "one_off": rows["unblended_cost"].where(is_one_off, 0.0).groupby(day).sum(),
        }
    )
    # a day listed without cost is a day at $0 (require_daily has checked every day is there)
    starts = _periods(actuals)["period_start"]
    frame = frame.reindex(pd.date_range(starts.min(), starts.max(), freq="D"), fill_value=0.0)
    frame.index.name = "date"
    return frame.reset_index()


def daily_by_usage_type(actuals: Actuals) -> pd.DataFrame:
    """The recurring cost of each usage type, day by day [USD per day]: index the days of
    :func:`daily_bill`, one column per ``service|usage_type`` (``service|usage_type|account
    ...`` where the data names accounts: :func:`_account_part`; what ``recurring`` adds up:
    no one-off money, no lump charge); a day a usage type did not bill is $0."""
    rows = require_daily(actuals, "a daily series")
    kept = rows.loc[~_is_lump(rows) & ~rows["record_type"].isin(ONE_OFF_RECORD_TYPES)]
    kept = kept.assign(unblended_cost=kept["unblended_cost"] - purchase_excess(rows).loc[kept.index])
    key = kept["service"] + "|" + kept["usage_type"] + _account_part(kept)
    if LINE_ITEM_TYPE in kept:
        # a Savings Plan's negation is the on-demand cost the plan took off its usage type: a
        # series of its own, so a plan bought in the last weeks is a negation begun (carried at
        # its level since), not a step inside a usage type billed all along (its covered usage
        # billed on demand before, at the same cost, stays in the usage type's series)
        negated = kept[LINE_ITEM_TYPE] == SAVINGS_PLAN_NEGATION
        key = key.where(~negated, key + NEGATION_SUFFIX)
    per_day = kept.groupby([kept["period_start"], key.rename("key")])["unblended_cost"].sum()
    wide = per_day.unstack(fill_value=0.0)
    starts = _periods(actuals)["period_start"]
    wide = wide.reindex(pd.date_range(starts.min(), starts.max(), freq="D"), fill_value=0.0)
    wide.index.name, wide.columns.name = "date", None
    return wide


# Cost Explorer's names of the group keys a series may be split by, as a note says them
GROUP_KEY_NAMES = {"LINKED_ACCOUNT": "account", "REGION": "region"}


def _account_part(rows: pd.DataFrame) -> pd.Series:
    """``|account 111122223333`` (a third part of the series' key) for rows billed to an
    account the data names: line items read with their accounts, or a Cost Explorer file
    grouped by LINKED_ACCOUNT (or REGION: the other keys it is grouped by); '' where it names
    none. An account that joins the bill is a series of its own, begun the day it joined,
    even where it bills a service or usage type another account billed all along."""
    if "account" in rows:
        account = rows["account"].fillna("").astype(str)
        return ("|account " + account).where(account != "", "")
    if "other_keys" not in rows:
        return pd.Series("", index=rows.index)

    def named(keys: str) -> str:
        parts = [k.split("=", 1) for k in keys.split(";") if "=" in k]
        return ", ".join(f"{GROUP_KEY_NAMES.get(name, name)} {value}" for name, value in parts)

    keys = rows["other_keys"].fillna("").astype(str)
    # a few distinct keys over many rows (50 accounts x 10 services x 396 days: 198,000 rows)
    detail = keys.map({key: named(key) for key in keys.unique()})
    return ("|" + detail).where(detail != "", "")


def account_part(rows: pd.DataFrame) -> pd.Series:
    """:func:`_account_part`, for the readers of a bill's quantities by account."""
    return _account_part(rows)


def service_series(rows: pd.DataFrame) -> pd.Series:
    """Each row's service as a series: ``service``, or ``service|account 111122223333`` where
    the data names accounts (regions: :func:`_account_part`). An account that stops billing a
    service another account goes on billing has stopped as a service would."""
    return rows["service"] + _account_part(rows)


def service_series_of(key: str) -> str:
    """The :func:`service_series` a key of :func:`daily_by_usage_type` belongs to (a Savings
    Plan negation's series with its usage type's)."""
    service, _, account = series_parts(key)
    account = account.removesuffix(NEGATION_SUFFIX)
    return f"{service}|{account}" if account else service


def service_series_name(series: str) -> str:
    """A :func:`service_series` as a note says it: ``service (account 111122223333)``."""
    service, _, account = series.partition("|")
    return f"{service} ({account})" if account else service


def series_parts(key: str) -> tuple[str, str, str]:
    """(service, usage type, account part) of a key of :func:`daily_by_usage_type`; the
    account part '' where the data names no account (a Savings Plan negation's suffix stays
    on the last part)."""
    service, _, rest = key.partition("|")
    usage_type, _, account = rest.partition("|")
    return service, usage_type, account


def lumps_by_month(actuals: Actuals) -> pd.DataFrame:
    """Lump charges per month and group: ``month``, ``service``, ``usage_type``, ``amount``
    [USD] and ``first_day`` (the day of the month it was first billed on: a monthly fee is
    billed on the 1st, a reservation's upfront fee on the day it was bought); with line items
    ``line_item_type`` too (an upfront ``Fee`` apart from its reservation's ``RIFee``), and
    ``quantity``: its usage quantity (a reservation fee's: the reservation's hours in the
    month), NaN where the data has none; ``purchase``: a commitment bought on a day of its
    recurring fee (:func:`purchase_excess`), billed once whatever its day."""
    rows = require_daily(actuals, "lump charges")
    # a $0 row (Cost Explorer lists some groups every day) bills nothing: a month of them only
    # has not billed its charge yet
    picked = rows.loc[_is_lump(rows) & (rows["unblended_cost"] != 0)]
    # and a commitment bought on a day of its recurring fee (purchase_excess): billed once, that day
    excess = purchase_excess(rows)
    bought = rows.loc[excess > 0].assign(
        unblended_cost=excess.loc[excess > 0], usage_quantity=float("nan"), purchase=True
    )
    picked = picked.assign(purchase=False)
    picked = pd.concat([picked, bought]) if len(bought) else picked
    quantity = picked["usage_quantity"] if "usage_quantity" in picked else float("nan")
    return (
        picked.assign(first_day=picked["period_start"].dt.day, quantity=quantity)
        .groupby(["month", *_charge_key(rows)], as_index=False)
        .agg(
            amount=("unblended_cost", "sum"),
            first_day=("first_day", "min"),
            quantity=("quantity", lambda q: q.sum(min_count=1)),
            purchase=("purchase", "any"),
        )
    )


def cut(actuals: Actuals, before: str) -> Actuals:
    """The actuals as they stood at the start of day ``before`` (YYYY-MM-DD): later rows
    dropped; the months kept keep their control totals, the month cut gets its groups' sum."""
    day = pd.Timestamp(before)
    straddling = actuals.rows.loc[(actuals.rows["period_start"] < day) & (actuals.rows["period_end"] > day)]
    if len(straddling):  # a month's money cannot be cut at a day: it would count as days so far
        first = straddling.iloc[0]
        raise InputError(
            f"{actuals.origin}: the period {first['period_start'].date()}..{first['period_end'].date()} "
            f"runs past {before}, so the data as it stood on that day is unknown; cut at a month's "
            "first day, or give daily data"
        )
    rows = actuals.rows.loc[actuals.rows["period_start"] < day].copy()
    if rows.empty:
        raise InputError(f"{actuals.origin}: no data before {before}")
    rows["period_end"] = rows["period_end"].clip(upper=day)
    month = day.strftime("%Y-%m")
    controls = actuals.controls.loc[actuals.controls["month"] < month].copy()
    so_far = rows.loc[rows["month"] == month]
    # the month in progress: what the rows so far add up to; a month the data does not reach
    # (a --as-of days after the data's end) is none: no month of $0 in progress after the data
    if day.day > 1 and not so_far.empty:
        controls.loc[len(controls)] = {
            "month": month,
            "groups": len(so_far),
            "groups_total": float(so_far["unblended_cost"].sum()),
            "control_total": float(so_far["unblended_cost"].sum()),
            "control_source": f"the groups' sum up to {before}",
        }
    return Actuals(
        rows=rows,
        controls=controls.reset_index(drop=True),
        origin=f"{actuals.origin} up to {before}",
        empty_periods=tuple(p for p in actuals.empty_periods if p[0] < day),
    )


__all__ = [
    "account_part",
    "covered_days",
    "cut",
    "daily_bill",
    "daily_by_usage_type",
    "in_progress_months",
    "lumps_by_month",
    "monthly_bill",
    "require_daily",
    "series_parts",
    "service_series",
    "service_series_name",
    "service_series_of",
]
