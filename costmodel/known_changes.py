"""Known changes on top of a forecast: what-ifs from a day on, sized against the bill.

``--change 2026-10-15:rds.read_replicas=3`` says: from 15 October there are three read
replicas. What that adds to a month is not "the architecture file's 2 -> 3": the file may
be behind what runs, and the bill may show the change already. So each key is **sized
against the bill**:

1. the what-if of the architecture file (:func:`costmodel.estimate.estimate` of the file
   and of the file with the change) says which usage type the key moves, by how much per
   unit of the key, and what that costs [USD per 730-h month];
2. the bill says how much of that usage type runs **today** (the last 7 days of daily data,
   else the last complete month), so how many units run: ``billed``;
3. the change adds ``(new - billed)`` units' cost. When the bill disagrees with the file,
   the note says so with both numbers; a change the bill already shows adds nothing (and
   says so); a usage type the bill does not have at all is priced from the file, said
   unchecked.

Keys that are not numbers (an instance type) are checked the same way on the usage type
they replace: the difference is scaled by how much of it the bill shows against the file.

The difference is **prorated by day**: a month gets the hours from the change's first day
(or the day after the data ends, when the change is dated earlier but not yet on the
bill) to the month's end, over the 730 hours of the model's month.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from numbers import Real

import pandas as pd

from costmodel.actuals.controls import Actuals
from costmodel.architecture import Architecture
from costmodel.constants import HOURS_PER_MONTH
from costmodel.errors import InputError
from costmodel.inputs import parse_day, parse_month
from costmodel.output import money
from costmodel.pricing.catalog import PriceCatalog

RECENT_DAYS = 7  # days of daily data "what runs today" is the mean of
AGREE = 0.02  # the bill agrees with the file within 2 % of a unit (or of the quantity) [fraction]


@dataclass(frozen=True)
class Change:
    """A known change: the what-if ``changes`` in effect from day ``start`` (YYYY-MM-DD) on."""

    start: str
    changes: dict

    @property
    def month(self) -> str:
        """The month the change starts in, YYYY-MM."""
        return self.start[:7]


def parse_change(text: str) -> Change:
    """``YYYY-MM-DD:KEY=VALUE[,KEY=VALUE]`` (a month ``YYYY-MM`` starts on its first day)."""
    from costmodel.whatif import parse_changes

    when, sep, rest = text.partition(":")
    if not sep or not rest:
        raise InputError(
            f"--change {text!r}: expected YYYY-MM-DD:KEY=VALUE (or YYYY-MM: from its first day), "
            "e.g. 2026-10-15:rds.read_replicas=3"
        )
    where = f"--change {text!r}"
    start = parse_month(when, where) + "-01" if len(when.strip()) == 7 else str(parse_day(when, where).date())
    return Change(start, parse_changes(rest.split(","), "--change"))


@dataclass(frozen=True)
class SizedChange:
    """One key of a change, sized against the bill: ``monthly_difference`` [USD per 730-h
    month] from ``start``; ``file_value``, ``billed_value`` (None when unchecked) and
    ``new_value`` of the key; ``note`` says how it was sized."""

    start: str
    key: str
    file_value: object
    billed_value: float | None
    new_value: object
    monthly_difference: float
    usage_type: str
    note: str
    billed_from: str = ""
    # the share of the difference billed by the month (GB-Mo, IOPS-Mo: a whole month is one
    # unit, whatever its hours), the rest by the hour (Hrs) or by use [fraction]
    per_month_share: float = 0.0
    # the (service, region, usage type without prefix) lines the key moves
    lines: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Billed:
    """What runs today by (service, region, usage type without region prefix): quantity per
    730-h month in the bill's units, the unit, and the quantity per calendar month (what a
    GB-Mo line is: a whole month of 1,000 GB is 1,000 GB-Mo, whatever its hours); and where
    that was read (``period``). The region is the usage type's prefix (none: us-east-1), so
    nodes in us-west-2 are never counted as the us-east-1 architecture's."""

    quantity: dict[tuple[str, str, str], tuple[float, str, float]] = field(default_factory=dict)
    period: str = ""
    data_end: pd.Timestamp | None = None  # the last day of data (inclusive)
    # usage types billed by more than one of the accounts the data names (or regions): the
    # file names no account, so none of them is its count (left out of ``quantity``)
    shared: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)


def billed_today(actuals: Actuals, since: str = "") -> Billed:
    """Quantities the bill shows today: the mean of the last :data:`RECENT_DAYS` days of
    daily data (those from ``since``, a change's day, when fewer: what runs since the change),
    else the last complete month, per 730-h month (usage rows only)."""
    from costmodel import record_types
    from costmodel.actuals.series import account_part, monthly_bill
    from costmodel.reconcile.mapping import line_key

    rows = actuals.rows.loc[~actuals.rows["record_type"].isin(record_types.NOT_USAGE)]
    data_end = actuals.rows["period_end"].max() - pd.Timedelta(days=1)
    if set(rows["granularity"]) == {"DAILY"}:
        first = data_end - pd.Timedelta(days=RECENT_DAYS - 1)
        if since and first < pd.Timestamp(since) <= data_end:
            first = pd.Timestamp(since)
        recent = rows.loc[rows["period_start"] >= first]
        hours = ((data_end - first).days + 1) * 24
        period = f"{first.date()}..{data_end.date()}"
    else:
        bill = monthly_bill(actuals)
        complete = bill.loc[bill["complete"], "month"]
        if complete.empty:
            return Billed(period="", data_end=data_end)
        month = complete.iloc[-1]
        recent = rows.loc[rows["month"] == month]
        hours = pd.Period(month, "M").days_in_month * 24
        period = month
    keys = recent["usage_type"].map(line_key)
    # each row's quantity over its own month's hours: a GB-Mo line's monthly quantity
    month_hours = recent["period_start"].dt.days_in_month * 24
    recent = recent.assign(
        region=keys.str[0],
        base=keys.str[1],
        month_share=recent["usage_quantity"] * month_hours,
        payer=account_part(recent).str.lstrip("|"),
    )
    payers = recent.loc[recent["payer"] != ""].groupby(["service", "region", "base"])["payer"].unique()
    shared = {key: tuple(sorted(names)) for key, names in payers.items() if len(names) > 1}
    grouped = recent.groupby(["service", "region", "base"])
    quantity = {
        key: (
            float(frame["usage_quantity"].sum()) * HOURS_PER_MONTH / hours,
            str(frame["usage_unit"].iloc[0]),
            float(frame["month_share"].sum()) / hours,
        )
        for key, frame in grouped
        if frame["usage_quantity"].notna().all() and key not in shared
    }
    return Billed(quantity=quantity, period=period, data_end=data_end, shared=shared)


def _lines(arch: Architecture, catalog: PriceCatalog | None) -> pd.DataFrame:
    from costmodel.estimation import estimate
    from costmodel.reconcile.mapping import line_key

    items = estimate(arch, catalog)
    # keyed as the bill's rows are (the region from the usage type's prefix)
    keys = items["usage_type"].map(line_key)
    items = items.assign(region=keys.str[0], base=keys.str[1])
    columns = ["service", "region", "base", "unit"]
    return items.groupby(columns, as_index=False)[["quantity", "monthly_cost"]].sum()


def _moved(arch: Architecture, changes: dict, catalog: PriceCatalog | None) -> pd.DataFrame:
    """The file's lines before and after ``changes``: quantity and cost moved [per 730 h]."""
    before = _lines(arch, catalog)
    after = _lines(arch.with_changes(changes), catalog)
    keys = ["service", "region", "base", "unit"]
    table = before.merge(after, on=keys, how="outer", suffixes=("_before", "_after"))
    table = table.fillna(0.0)
    table["cost_moved"] = table["monthly_cost_after"] - table["monthly_cost_before"]
    table["quantity_moved"] = table["quantity_after"] - table["quantity_before"]
    return table.loc[table["cost_moved"].abs() > 1e-9].sort_values("cost_moved", key=abs, ascending=False)


def _per_month_share(moved: pd.DataFrame) -> float:
    """The share of the cost ``moved`` in units billed by the month (``*-Mo``) [fraction]."""
    total = float(moved["cost_moved"].sum())
    if abs(total) < 1e-9:
        return 0.0
    return float(moved.loc[moved["unit"].str.endswith("-Mo"), "cost_moved"].sum()) / total


def _billed_in_model_units(billed: Billed, line: pd.Series) -> float | None:
    from costmodel.reconcile.mapping import quantity_factor

    model_unit = str(line["unit"])
    found = billed.quantity.get((str(line["service"]), str(line["region"]), str(line["base"])))
    if found is None:
        return None
    per_730_hours, unit, per_month = found
    # the model's GB-Mo are a calendar month's, its hours and requests a 730-h month's
    quantity = per_month if model_unit.endswith("-Mo") else per_730_hours
    factor = quantity_factor(unit, model_unit)
    return None if math.isnan(factor) else quantity * factor


def _number(value: object) -> float | None:
    """A key's value as a number (None for text, an instance type; and for true/false)."""
    return float(value) if isinstance(value, Real) and not isinstance(value, bool) else None


def size_change(
    arch: Architecture,
    start: str,
    key: str,
    new_value: object,
    billed: Billed,
    catalog: PriceCatalog | None = None,
    per_instance: bool = True,
) -> SizedChange:
    """One key of a change, sized against ``billed`` (see the module docstring);
    ``per_instance``: a size per instance at the count the bill runs (:func:`_at_billed_count`)."""
    from costmodel.architecture.editing import check_key

    try:
        check_key(arch, key)
    except InputError as error:
        raise InputError(f"--change {start}:{key}={new_value}: {error}") from None
    file_value = arch.get(key)
    old, new = _number(file_value), _number(new_value)
    numeric = old is not None and new is not None
    probe = file_value + 1 if numeric and new_value == file_value else new_value
    moved = _moved(arch, {key: probe}, catalog) if probe != file_value else pd.DataFrame()
    where = f"{key} = {new_value} from {start}"
    if moved.empty:
        return SizedChange(start, key, file_value, None, new_value, 0.0, "", f"{where}: no priced line moves")
    # a kind (an instance type) is checked on the usage type it replaces: what runs today
    replaced = moved.loc[moved["cost_moved"] < 0] if not numeric else moved.iloc[:0]
    ref = replaced.iloc[0] if len(replaced) else moved.iloc[0]
    service, base = str(ref["service"]), str(ref["base"])
    on_bill = _billed_in_model_units(billed, ref)
    file_cost = float(moved["cost_moved"].sum()) if new_value != file_value else 0.0
    sized = SizedChange(
        start,
        key,
        file_value,
        None,
        new_value,
        file_cost,
        base,
        "",
        billed.period,
        _per_month_share(moved),
        _lines_of(moved),
    )
    if on_bill is None and len(replaced) and _on_bill(billed, moved.loc[moved["cost_moved"] > 0]):
        return _size_kind(sized, where, 0.0, float(ref["quantity_before"]))  # the bill runs the new kind
    if on_bill is None and _shared_and_run(billed, service, base, start):
        # the bill since its day runs it (re-levelled as a known step): priced again from the
        # file it was counted twice (a 4th node of one account beside 2 of another, from 25 October)
        why = _unchecked(where, service, base, billed, key, file_value, file_cost).split(", so ")[0]
        note = (
            f"{why}; the change is dated inside the data, so what the bill shows since its day is the change"
        )
        return replace(sized, monthly_difference=0.0, note=note)
    if on_bill is None:
        return replace(sized, note=_unchecked(where, service, base, billed, key, file_value, file_cost))
    if old is not None and new is not None:
        step = float(probe) - old  # type: ignore[arg-type]
        ref = _at_billed_count(arch, start, key, ref, billed, catalog) if old and per_instance else ref
        return _size_count(
            sized, where, old, new, on_bill, ref, float(moved["cost_moved"].sum()) / step, step
        )
    # the key may move part of its usage type (the primary's class, not the replicas' billed
    # under the same InstanceUsage): the bill then cannot say which part differs from the file
    shared = float(ref["quantity_after"]) > 1e-9
    return _size_kind(sized, where, on_bill, float(ref["quantity_before"]), shared)


def _at_billed_count(
    arch: Architecture, start: str, key: str, ref: pd.Series, billed: Billed, catalog: PriceCatalog | None
) -> pd.Series:
    """``ref`` (the line a size per instance moves: GB per node, per database instance) at the
    count of instances the bill runs, when another key of the section counts them (a probe of
    it moves the line) and the bill, sized on that key's own usage type, runs another count:
    300 GB-Mo of storage beside three instances billed are three volumes of 100 GB, not the
    file's two of 150. ``ref`` as it is otherwise (no such key, or the bill agrees)."""
    from costmodel.architecture import SCHEMA

    section, name = key.split(".", 1)
    line = (str(ref["service"]), str(ref["region"]), str(ref["base"]))
    counts = [k for k, spec in SCHEMA.get(section, {}).items() if spec.kind == "int" and k != name]
    for count_key in (f"{section}.{k}" for k in counts):
        count = _number(arch.get(count_key))
        if count is None:
            continue
        try:
            moved = _moved(arch, {count_key: int(count) + 1}, catalog)
        except InputError:  # a bound that must stay where it is (min_nodes above node_count)
            continue
        here = moved["service"].eq(line[0]) & moved["region"].eq(line[1]) & moved["base"].eq(line[2])
        if not here.any() or here.all():  # it counts not this line, or nothing the bill could size it on
            continue
        sized = size_change(arch, start, count_key, count, billed, catalog, per_instance=False)
        if sized.billed_value is None or abs(sized.billed_value - count) <= AGREE * max(1.0, count):
            return ref
        extra = (sized.billed_value - count) * float(moved.loc[here, "quantity_moved"].iloc[0])
        before = float(ref["quantity_before"])
        scale = (before + extra) / before if before else 1.0
        shown = f"{sized.billed_value:,.2f}".rstrip("0").rstrip(".")
        at_count = {
            "quantity_before": before + extra,
            "quantity_moved": float(ref["quantity_moved"]) * scale,
            "count_scale": scale,
            "count_note": f"{count_key} {shown}",
        }
        return pd.concat([ref.drop(["quantity_before", "quantity_moved"]), pd.Series(at_count)])
    return ref


def _lines_of(moved: pd.DataFrame) -> tuple[tuple[str, str, str], ...]:
    """The (service, region, usage type) of each line of ``moved``."""
    columns = (moved[c].astype(str) for c in ["service", "region", "base"])
    return tuple(zip(*columns, strict=True))


def _on_bill(billed: Billed, lines: pd.DataFrame) -> bool:
    """Whether the bill shows any of the usage types of ``lines`` (the file's lines)."""
    return any(_billed_in_model_units(billed, line) is not None for _, line in lines.iterrows())


def _shared_and_run(billed: Billed, service: str, base: str, start: str) -> bool:
    """Whether ``service`` ``base`` is billed by several accounts (:attr:`Billed.shared`) and
    the change starting ``start`` is dated inside the data billed."""
    shared = any((s, b) == (service, base) for s, _, b in billed.shared)
    return shared and billed.data_end is not None and pd.Timestamp(start) <= billed.data_end


def _unchecked(
    where: str, service: str, base: str, billed: Billed, key: str, file_value: object, file_cost: float
) -> str:
    """The note of a change the bill cannot check: the usage type is not on it, or the bill
    gives no quantity of any usage type (grouped by service or account only, or without
    UsageQuantity)."""
    payers = [names for (s, _, b), names in billed.shared.items() if (s, b) == (service, base)]
    if payers:
        why = (
            f"{service} {base} is billed by {len(payers[0])} accounts ({', '.join(payers[0])}, "
            f"{billed.period}) and the file names none of them"
        )
    elif any(usage_type for _, _, usage_type in billed.quantity):
        why = f"{service} {base} is not on the bill ({billed.period or 'no complete month'})"
    else:  # grouped by service or account only, without UsageQuantity, or FOCUS without x_UsageType
        why = (
            f"the bill gives no usage quantities to check {service} {base} against (it needs Cost Explorer "
            "grouped by USAGE_TYPE with the UsageQuantity metric, or line items with usage types)"
        )
    return (
        f"{where}: {why}, so the file's {key} = {file_value} is unchecked; priced from the file: "
        f"{money(file_cost)} a month"
    )


def _size_count(
    sized: SizedChange,
    where: str,
    old: float,
    new: float,
    on_bill: float,
    ref: pd.Series,
    cost_per_unit: float,
    step: float,
) -> SizedChange:
    """A count (or any number: GB, IOPS) sized from what the bill shows: the units running
    are the file's plus the billed quantity's difference from the file's, per unit."""
    billed_value = old + (on_bill - float(ref["quantity_before"])) / (float(ref["quantity_moved"]) / step)
    # a size per instance moves as many instances as the bill runs (see _at_billed_count)
    difference = (new - billed_value) * cost_per_unit * float(ref.get("count_scale", 1.0))
    shown = f"{billed_value:,.2f}".rstrip("0").rstrip(".")
    per = "a month" if str(ref["unit"]).endswith("-Mo") else "per 730 h"
    counted = f" at the bill's {ref['count_note']}" if "count_note" in ref else ""
    quantity = f"{sized.usage_type} {on_bill:,.1f} {ref['unit']} {per}{counted}"
    seen = f"the bill shows {shown} ({quantity}, {sized.billed_from})"
    if abs(billed_value - new) <= AGREE * max(1.0, abs(new)):
        note, difference = f"{where}: already on the bill: {seen}; nothing added", 0.0
    elif abs(billed_value - old) <= AGREE * max(1.0, abs(old)):
        note = f"{where}: {seen}, as the file says; {money(difference)} a month"
    else:
        note = (
            f"{where}: the file says {sized.file_value} but {seen}: sized from {shown} to {sized.new_value}, "
            f"{money(difference)} a month (the file's {sized.file_value} -> {sized.new_value}: "
            f"{money(sized.monthly_difference)})"
        )
    return replace(sized, billed_value=billed_value, monthly_difference=difference, note=note)


def _size_kind(
    sized: SizedChange, where: str, on_bill: float, in_file: float, shared: bool = False
) -> SizedChange:
    """A kind (an instance type) sized by how much of the usage type it replaces the bill
    shows against the file. When the key moves only part of that usage type (``shared``),
    a bill that differs from the file cannot say whether the part moved differs: priced
    from the file, said so."""
    ratio = on_bill / in_file if in_file else math.nan
    if not math.isfinite(ratio) or ratio <= AGREE:
        note = f"{where}: the bill shows no {sized.usage_type} ({sized.billed_from}): replaced, nothing added"
        return replace(sized, billed_value=0.0, monthly_difference=0.0, note=note)
    if shared and abs(ratio - 1) > AGREE:
        note = (
            f"{where}: the bill shows {ratio:.2f} x the file's {sized.usage_type} ({sized.billed_from}), "
            f"which {sized.key} moves only part of (other instances bill the same usage type): the bill "
            f"cannot say which part differs, so priced from the file: "
            f"{money(sized.monthly_difference)} a month"
        )
        return replace(sized, billed_value=ratio, note=note)
    difference = sized.monthly_difference * ratio
    note = (
        f"{where}: {money(difference)} a month"
        if abs(ratio - 1) <= AGREE
        else f"{where}: the bill shows {ratio:.2f} x the file's {sized.usage_type} ({sized.billed_from}): "
        f"the difference scaled to {money(difference)} a month "
        f"(the file alone: {money(sized.monthly_difference)})"
    )
    return replace(sized, billed_value=ratio, monthly_difference=difference, note=note)


def size_changes(
    arch: Architecture,
    changes: list[Change],
    billed: Billed,
    catalog: PriceCatalog | None = None,
    billed_since: Callable[[str], Billed] | None = None,
) -> list[SizedChange]:
    """Every key of every change, in the order they start (on one day, numbers before kinds:
    a count is sized against the bill, an instance type then moves the new count). A key
    changed twice, or a key moving a usage type an earlier change moved (four nodes, then
    c5.4xlarge), is priced on the file with the earlier changes: the architecture moved on
    by then, and the bill shows neither. One key given two values from one day is refused."""
    _check_each_key_once_a_day(changes)
    sized: list[SizedChange] = []
    current = arch
    moved_so_far: dict[tuple[str, str, str], SizedChange] = {}
    keys = [(c.start, key, value) for c in changes for key, value in c.changes.items()]
    for start, key, value in sorted(keys, key=lambda item: (item[0], _number(item[2]) is None)):
        moves = _usage_types_moved(current, key, value, catalog)
        earlier = [s for s in sized if s.key == key] or [
            moved_so_far[m] for m in sorted(moves) if m in moved_so_far
        ]
        if earlier:
            sized.append(_after(current, start, key, value, earlier[-1], catalog))
        else:
            on_bill = billed_since(start) if billed_since else billed  # what runs since its day
            sized.append(size_change(arch, start, key, value, on_bill, catalog))
        moved_so_far.update(dict.fromkeys(moves, sized[-1]))
        current = current.with_changes({key: value})
    return sized


def _check_each_key_once_a_day(changes: list[Change]) -> None:
    """One key with two values from one day is a contradiction, not a sequence."""
    seen: dict[tuple[str, str], object] = {}
    for change in changes:
        for key, value in change.changes.items():
            if (change.start, key) in seen and seen[(change.start, key)] != value:
                raise InputError(
                    f"--change {key} from {change.start} given twice ({seen[(change.start, key)]} and "
                    f"{value}): give one value a day"
                )
            seen[(change.start, key)] = value


def _usage_types_moved(
    arch: Architecture, key: str, value: object, catalog: PriceCatalog | None
) -> set[tuple[str, str, str]]:
    """The (service, region, usage type) lines ``key = value`` moves in ``arch`` (none when unchanged)."""
    from costmodel.architecture.editing import check_key

    try:
        check_key(arch, key)
    except InputError:
        return set()  # size_change names it
    if arch.get(key) == value:
        return set()
    return set(_lines_of(_moved(arch, {key: value}, catalog)))


def _after(
    current: Architecture,
    start: str,
    key: str,
    value: object,
    earlier: SizedChange,
    catalog: PriceCatalog | None,
) -> SizedChange:
    """``key = value`` priced on the file with the earlier changes (``current``), after
    ``earlier``: the same key's, or another moving the same usage type."""
    moved = _moved(current, {key: value}, catalog) if current.get(key) != value else None
    difference = float(moved["cost_moved"].sum()) if moved is not None else 0.0
    share = _per_month_share(moved) if moved is not None else 0.0
    after = f"the change{'' if earlier.key == key else f' of {earlier.key} = {earlier.new_value}'}"
    note = f"{key} = {value} from {start}: after {after} from {earlier.start}, {money(difference)} a month"
    lines = _lines_of(moved) if moved is not None else ()
    return SizedChange(
        start, key, current.get(key), None, value, difference, "", note, per_month_share=share, lines=lines
    )


def effects(sized: list[SizedChange], months: list[str], from_day: pd.Timestamp | None = None) -> pd.Series:
    """Each month's added cost [USD]: every sized change over its hours in the month, from
    its start (or ``from_day``, the first day not yet billed, when later) to the month's end:
    what is billed by the hour (or by use) over the model's 730 h, what is billed by the month
    (``per_month_share``: GB-Mo, IOPS-Mo) over the month's own hours (a whole month is one
    month's charge, as AWS prorates it)."""
    out = pd.Series(0.0, index=months)
    for item in sized:
        start = pd.Timestamp(item.start)
        if from_day is not None and from_day > start:
            start = from_day
        for month in months:
            period = pd.Period(month, "M")
            first = max(start, period.start_time)
            end = period.end_time.normalize() + pd.Timedelta(days=1)
            hours = max((end - first).days, 0) * 24
            share = item.per_month_share
            fraction = (1 - share) * hours / HOURS_PER_MONTH + share * hours / (period.days_in_month * 24)
            out[month] += item.monthly_difference * fraction
    return out


__all__ = [
    "Billed",
    "Change",
    "SizedChange",
    "billed_today",
    "effects",
    "parse_change",
    "size_change",
    "size_changes",
]
