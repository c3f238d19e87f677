"""The whole export read once: the bill's groups, the export's own totals, and the checks.

:func:`scan` runs the ``bill`` query (:mod:`costmodel.lineitems.queries`) once over the
export: the groups reconcile consumes (by month or by day), each month's total summed apart
from the groups (the conservation control), the end of each month's data (a month in
progress), and two signals that the export needs a closer look: line items whose money, time
or text does not read whole, and line item ids seen twice in one hour. Only an export with one
of those signals is read again, by the exact ``checks`` query, which refuses it naming what is
wrong, or finds the duplicate deliveries to read once (the bill is then read again, each line
item once). A clean export is read once.

Product names from CUR 2.0's ``product`` map are not read line by line (a map of some twenty
attributes on every row costs more than the rest of the bill): :func:`product_names` reads
them once per product code, from that code's line items of one hour.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from costmodel.errors import InputError
from costmodel.inputs import PLAUSIBLE_MAXIMUM
from costmodel.lineitems.engine import Athena, run
from costmodel.lineitems.queries import bill_parameters, product_names_parameters
from costmodel.lineitems.schema import TIMES
from costmodel.lineitems.source import Findings, Source

GROUP_KEYS = ["product_code", "product_name", "usage_type", "line_item_type", "usage_unit"]


@dataclass(frozen=True)
class Scan:
    """One pass over an export.

    ``source`` is checked (its :class:`Findings` set; duplicates read once and other
    providers left out where found); ``groups`` one row per month (``period == "month"``) or
    day and bill key, with ``line_items``, ``unblended_cost``, ``amortized_cost`` [USD],
    ``usage_amount`` and ``last_start``; ``totals`` each month's line items and
    ``unblended_cost`` [USD] summed apart from the groups. ``names_read`` is false when the
    groups' ``product_name`` is empty, to be looked up by :func:`product_names`.
    """

    source: Source
    groups: pd.DataFrame
    totals: pd.DataFrame
    names_read: bool


def scan(source: Source, period: str = "month", athena: Athena | None = None) -> Scan:
    """``source`` read once by ``period`` (``month`` or ``day``), checked as :func:`prepare`
    says; read again only where it must be (see the module's docstring)."""
    names_read = not source.schema.product_name_in_map(source.present)
    extra = None if names_read else {"product_name": "''"}
    frame = run(source, "bill", athena, extra, **bill_parameters(source, period))
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    months, groups = frame.loc[frame["level"] != 0], frame.loc[frame["level"] == 0]
    if source.findings is None:
        flagged = months["suspect"].sum() > 0
        repeated = len(frame) > 0 and frame["repeats"].iloc[0] > 0
        if flagged or repeated:
            checked = exact_checks(source, athena)
            if checked.deduplicate and not source.deduplicate:  # duplicates: the bill anew, each once
                return scan(checked, period, athena)
            source = checked
        else:
            source = _checked(source, months, athena)
    aws = months["other_provider"].fillna("") == ""
    totals = months.loc[aws, ["month", "line_items", "unblended_cost"]].reset_index(drop=True)
    kept = groups.loc[groups["other_provider"].fillna("") == ""].reset_index(drop=True)
    columns = ["month", *(["period"] if period == "day" else []), *GROUP_KEYS]
    columns += ["line_items", "unblended_cost", "amortized_cost", "usage_amount", "last_start"]
    return Scan(source, kept[columns], totals, names_read)


def prepare(source: Source, athena: Athena | None = None) -> Source:
    """``source`` checked whole, once, with what was found (:class:`Findings`): refused when
    its money cannot be read whole (see :func:`check_money`), a value is no number or time,
    or a line item is read twice with different content; duplicate deliveries of a line item
    read once; a FOCUS file's other providers left out and named; months whose data ends
    before their last day flagged in progress."""
    if source.findings is not None:
        return source
    return scan(source, "month", athena).source


def _checked(source: Source, months: pd.DataFrame, athena: Athena | None = None) -> Source:
    """The findings of a scan that raised no signal: other providers and months in progress."""
    others = months.loc[months["other_provider"].fillna("") != ""]
    aws = months.loc[months["other_provider"].fillna("") == ""]
    if aws.empty:
        _refuse_without_aws(source, others)
    return _with_findings(source, aws, others, 0, athena)


def _with_findings(
    source: Source, aws: pd.DataFrame, others: pd.DataFrame, duplicates: int, athena: Athena | None = None
) -> Source:
    """``source`` with its findings: ``others`` says whether other providers have rows (their
    line items, cost and currency are read by the ``other_providers`` query)."""
    by_provider = run(source, "other_providers", athena) if not others.empty else others
    findings = Findings(
        duplicates=duplicates,
        other_providers=tuple(
            (str(r.other_provider), int(r.line_items), float(r.cost), str(r.currency))
            for r in by_provider.itertuples()
        ),
        in_progress=_in_progress(aws),
        partial_start=_partial_start(aws),
        billed_late=_billed_late(aws),
    )
    return replace(source, deduplicate=duplicates > 0, aws_only=not others.empty, findings=findings)


def _refuse_without_aws(source: Source, others: pd.DataFrame) -> None:
    if others.empty:
        raise InputError(f"{source.origin}: no line items")
    providers = ", ".join(sorted(set(others["other_provider"])))
    raise InputError(
        f"{source.origin}: no AWS line items (ProviderName: {providers}); costmodel reads AWS bills"
    )


def exact_checks(source: Source, athena: Athena | None = None) -> Source:
    """The exact checks (the ``checks`` query, another pass): refuse, naming the column and
    the first line item, what :func:`scan` flagged; count the duplicate deliveries of line
    items (the same id, interval and content) and refuse a line item read twice with
    different content. The source checked (read once per line item where needed)."""
    profile = run(source, "checks", athena)
    _refuse_unreadable(source, profile)
    _refuse_after_period(source, profile)
    aws, others = profile.loc[profile["other_provider"] == ""], profile.loc[profile["other_provider"] != ""]
    if aws.empty:
        _refuse_without_aws(source, others)
    check_money(source, aws)
    duplicates = 0
    if aws["identified"].sum() > aws["line_item_keys"].sum():
        deduplicated = replace(source, deduplicate=True, aws_only=not others.empty)
        again = run(deduplicated, "checks", athena)
        again = again.loc[again["other_provider"] == ""]
        duplicates = int(aws["line_items"].sum() - again["line_items"].sum())
        if again["identified"].sum() > again["line_item_keys"].sum():
            first = run(deduplicated, "conflicts", athena).iloc[0]
            raise InputError(
                f"{source.origin}: line item {first['line_item_id']} "
                f"({first['time_interval'] or 'its interval'}) is there {int(first['copies'])} times "
                "with different amounts: two versions of the bill? give one delivery"
            )
        aws = again
    return _with_findings(source, aws, others, duplicates, athena)


def _refuse_unreadable(source: Source, profile: pd.DataFrame) -> None:
    """One line naming the column and its first value that is not the number or time it
    must be, or the count of line items without a start time."""
    bad = profile.loc[profile["unreadable"] > 0]
    if len(bad):
        column, _, value = str(bad["first_unreadable"].min()).partition("=")
        what = (
            "a time (ISO 8601 in UTC, e.g. 2026-10-01T00:00:00Z)"
            if column in {source.schema.columns.get(name) for name in TIMES}
            else "a number"
        )
        raise InputError(
            f"{source.origin}: column {column} has {value[:60]!r} "
            f"({int(bad['unreadable'].sum())} line item(s)) where {what} is expected; "
            "fix or re-export those rows"
        )
    missing = int(profile["start_missing"].sum())
    if missing:
        raise InputError(
            f"{source.origin}: {missing} line item(s) without {source.schema.columns['usage_start']}; "
            "a line item without its time cannot be put in a month"
        )


def _in_progress(aws: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """(month, where its data ends) for each month whose line items stop before its last
    hour (usage of an hour or a day; monthly lines such as fees end with the month anyway).
    Judged by the hour: data through 05:00 of the last day is not the month's bill."""
    out = []
    for month, rows in aws.groupby("month"):
        next_month = (pd.Period(str(month), "M") + 1).start_time
        ends = [pd.to_datetime(rows[c]).max() for c in ("daily_end", "data_end")]
        end = ends[0] if pd.notna(ends[0]) else ends[1]
        if pd.isna(end):  # no end times: the day after the last start (its granularity unknown)
            end = pd.to_datetime(rows["last_start"]).max().floor("D") + pd.Timedelta(days=1)
        end = pd.Timestamp(end)
        if end < next_month:
            out.append((str(month), end.isoformat()))
    return tuple(out)


def _partial_start(aws: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """(month, where its usage data starts) for each month whose line items of an hour or a
    day start after its first hour although its billing period starts with the month: the
    export holds part of the month (or nothing ran before then; either way it is a part)."""
    out = []
    for month, rows in aws.groupby("month"):
        first = pd.Timestamp(str(month) + "-01")
        start, period = (pd.to_datetime(rows[c]).min() for c in ("daily_start", "period_start"))
        if pd.notna(start) and pd.notna(period) and period <= first < start:
            out.append((str(month), pd.Timestamp(start).isoformat()))
    return tuple(out)


def _billed_late(aws: pd.DataFrame) -> tuple[tuple[str, int, float], ...]:
    """(month, line items, cost [USD]) counted in their billing period's month although their
    usage started before it (see :data:`~costmodel.lineitems.queries.PLACED`)."""
    late = aws.groupby("month")[["billed_late", "billed_late_cost"]].sum()
    late = late.loc[late["billed_late"] > 0]
    return tuple((str(m), int(r.billed_late), float(r.billed_late_cost)) for m, r in late.iterrows())


def _refuse_after_period(source: Source, profile: pd.DataFrame) -> None:
    """One line naming the first line item dated after its own billing period's end: it is
    on no invoice the export holds (a clock or pipeline error), so it has no month."""
    count = int(profile["after_period"].fillna(0).sum())
    if not count:
        return
    first = str(profile["first_after_period"].dropna().min())
    row, start, period_start, period_end = first.split("|")
    columns = source.schema.columns
    raise InputError(
        f"{source.origin}: line item {row} starts {start} ({columns['usage_start']}), after its billing "
        f"period {period_start} .. {period_end} ({columns['billing_start']}); {count} line item(s) so: "
        "a charge after its billing period is on no invoice here; fix or re-export those rows"
    )


def check_money(source: Source, checks: pd.DataFrame) -> None:
    """Refuse an export whose money cannot be read whole: more than one currency or not USD,
    a line item without a cost, or an amount that is not a finite number (NaN, inf, 1e400),
    one line naming the column, the count and the first such line item."""
    found = sorted({c or "(none)" for c in checks["currency"]})
    if found != ["USD"]:
        column = source.schema.columns["currency"]
        raise InputError(
            f"{source.origin}: column {column} has {', '.join(found)}; costmodel reconciles USD only"
            + (" and one currency per export" if len(found) > 1 else "")
        )
    columns = source.schema.columns
    totals = checks[["cost_missing", "cost_not_finite", "usage_not_finite", "amortized_not_finite"]].sum()
    first = checks["first_bad"].dropna()
    problems = [
        (totals["cost_missing"], f"no {columns['unblended_cost']}"),
        (
            totals["cost_not_finite"] - totals["cost_missing"],
            f"a {columns['unblended_cost']} that is no plausible amount (NaN, infinite or beyond "
            f"+-{float(PLAUSIBLE_MAXIMUM):,.0f})",
        ),
        (totals["usage_not_finite"], f"a {columns['usage_amount']} that is no plausible number"),
        (totals["amortized_not_finite"], "an amortized (effective) cost that is no plausible amount"),
    ]
    for count, what in problems:
        if pd.notna(count) and count > 0:
            month, _, usage_type = str(first.min() if len(first) else "").partition("|")
            raise InputError(
                f"{source.origin}: {int(count)} line item(s) with {what}, the first in {month} "
                f"({columns['usage_type']} {usage_type or '(empty)'}); "
                "a bill with them would lose or make up money"
            )


def product_names(
    source: Source, groups: pd.DataFrame, codes: set[str], athena: Athena | None = None
) -> dict[str, str]:
    """Product code -> product name for ``codes``, read from each code's line items of one
    hour (the last hour it has in ``groups``, whose ``last_start`` says it) rather than from
    every line item: a product code has one product name (AWS's catalogue)."""
    wanted = groups.loc[groups["product_code"].isin(codes)]
    if wanted.empty:
        return {}
    last = pd.to_datetime(wanted["last_start"]).groupby(wanted["product_code"]).max().dropna()
    hours = sorted({f"{t:%Y-%m-%d %H:%M:%S.%f}" for t in last})
    parameters = product_names_parameters(sorted(last.index), hours)
    found = run(source, "product_names", athena, None, **parameters)
    names = zip(found["product_code"], found["product_name"], strict=True)
    return {str(code): str(name) if pd.notna(name) else "" for code, name in names}


__all__ = ["Scan", "check_money", "exact_checks", "prepare", "product_names", "scan"]
