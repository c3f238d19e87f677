"""The daily bill of an export by account, region and tag: what budgets filtered by account
or tag and anomaly root causes by account and region stand on (Cost Explorer files have
none of them; a usage type's prefix is all they say of the region).

One query: per day, bill key (product, usage type, line item type), account, region and the
values of the tags asked for, the unblended and amortized cost (and, when asked, the net
amortized cost: :meth:`costmodel.lineitems.schema.Schema.net_amortized_cost`). Its rows are Cost Explorer
rows (:data:`costmodel.actuals.controls.TIDY_COLUMNS`) plus ``account``, ``region`` ('' where
the export names none), ``line_item_type`` (the export's own: a discount billed once a month
on a usage type billed daily is a charge of its own) and one ``tag:KEY`` column per tag (''
untagged), and they add up, month by month, to the export's own total, or the export is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from costmodel.actuals.controls import TIDY_COLUMNS
from costmodel.actuals.series import LINE_ITEM_TYPE
from costmodel.constants import TAG_PREFIX
from costmodel.errors import InputError
from costmodel.lineitems.engine import Athena
from costmodel.lineitems.queries import AMORTIZED, PLACED, canonical_cte, known_sum, to_athena
from costmodel.lineitems.source import Source
from costmodel.lineitems.tag_columns import tag_expression

if TYPE_CHECKING:
    from costmodel.lineitems.tables import LineItemBill

UNKNOWN_FEE = "?"  # a charge the export cannot tell a reservation's fee or not

# the day a line item is counted on: the bill's (a late one on its billing period's first day)
QUERY = f"""
SELECT date_trunc('day', {PLACED}) AS day, product_code, product_name, usage_type, line_item_type,
       usage_unit, account_id, region, reservation_fee{{tags}}, SUM(unblended_cost) AS unblended_cost,
       {{amortized}} AS amortized_cost, {{net}} AS net_amortized_cost, SUM(usage_amount) AS usage_amount,
       COUNT(*) AS line_items
FROM li GROUP BY {{keys}}"""


def tag_column(key: str) -> str:
    """The column a tag's values are in: ``tag:KEY``."""
    return f"{TAG_PREFIX}{key}"


def _sql(
    source: Source, tag_keys: tuple[str, ...], map_keys: set[str] | None = None, net_amortized: bool = False
) -> str:
    # the keys the tag map holds pick each tag's spelling: FOCUS's ``user:team`` for --tag team
    extra = {
        f"tag_{i}": tag_expression(source.schema, key, source.present, source.types, map_keys)
        for i, key in enumerate(tag_keys)
    }
    extra["reservation_fee"] = source.schema.reservation_fee(source.present)[0]
    net = "CAST(NULL AS DOUBLE)"
    if net_amortized:
        extra["net_amortized_cost"] = source.schema.net_amortized_cost(source.present, source.types)[0]
        net = known_sum("net_amortized_cost")
    tags = "".join(f", tag_{i}" for i in range(len(tag_keys)))
    keys = ", ".join(str(i) for i in range(1, 10 + len(tag_keys)))
    sql = canonical_cte(source, extra) + QUERY.format(tags=tags, amortized=AMORTIZED, net=net, keys=keys)
    return to_athena(sql) if source.engine == "athena" else sql


def daily_by_dimension(
    source: Source,
    athena: Athena | None = None,
    tag_keys: tuple[str, ...] = (),
    require_tags: bool = False,
    net_amortized: bool = False,
    reservation_fees: bool = False,
) -> LineItemBill:
    """The export's daily rows with ``account``, ``region`` and each tag of ``tag_keys`` (see the module
    docstring), with the export's own monthly totals as controls; with ``require_tags``, a
    tag on no line item is refused, naming the tag keys the export has (a mistyped key would
    otherwise read as all cost untagged); with ``net_amortized``, ``net_amortized_cost`` too,
    or a refusal naming the net columns the export lacks (never the gross in their place);
    ``reservation_fee`` ('upfront', 'recurring' or '': see
    :meth:`costmodel.lineitems.schema.Schema.reservation_fee`), with ``reservation_fees`` a
    refusal where the export cannot tell, naming what it lacks."""
    from costmodel.lineitems.duck import execute
    from costmodel.lineitems.tables import RECORD_TYPES, LineItemBill, bill, prepare
    from costmodel.lineitems.tables import tag_keys as map_keys_of

    source = prepare(source, athena)
    daily = bill(source, athena, "DAILY")  # refuses what cannot be read whole; its controls are the totals
    sql = _sql(source, tag_keys, map_keys_of(source, athena) if tag_keys else None, net_amortized)
    frame = athena.query(sql) if source.engine == "athena" and athena is not None else execute(sql)
    frame["day"] = pd.to_datetime(frame["day"])
    rows = pd.DataFrame(
        {
            "period_start": frame["day"],
            "period_end": frame["day"] + pd.Timedelta(days=1),
            "month": frame["day"].dt.strftime("%Y-%m"),
            "granularity": "DAILY",
            "service": _services(
                frame, source.schema.source_column("usage_type", source.present) is not None
            ),
            "usage_type": frame["usage_type"].fillna(""),
            "record_type": frame["line_item_type"].map(RECORD_TYPES).fillna(""),
            "unblended_cost": frame["unblended_cost"].astype(float),
            "amortized_cost": frame["amortized_cost"].astype(float),
            "net_amortized_cost": frame["net_amortized_cost"].astype(float),
            "usage_quantity": frame["usage_amount"].astype(float),
            "usage_unit": frame["usage_unit"].fillna(""),
            "account": frame["account_id"].fillna("").astype(str),
            "region": frame["region"].fillna("").astype(str),
            "reservation_fee": frame["reservation_fee"].fillna(UNKNOWN_FEE).astype(str),
            # a charge's type (a BundledDiscount billed once a month on a usage type billed daily)
            LINE_ITEM_TYPE: frame["line_item_type"].fillna("").astype(str),
        }
    )
    for i, key in enumerate(tag_keys):
        rows[tag_column(key)] = frame[f"tag_{i}"].fillna("").astype(str)
    rows.loc[rows["record_type"] != "", "usage_type"] = (
        ""  # CE groups credits, refunds and tax by service only
    )
    in_progress = set(daily.rows.loc[daily.rows["estimated"], "month"])
    rows["estimated"] = rows["month"].isin(in_progress)
    rows["source"] = source.origin
    for column in TIDY_COLUMNS:
        if column not in rows:
            rows[column] = np.nan
    _check_totals(rows, daily.controls, source.origin)
    if net_amortized:
        _refuse_unknown_net(rows, frame["line_item_type"], source)
    if reservation_fees:
        _refuse_unknown_fees(rows, frame["line_item_type"], source)
    if require_tags:
        _refuse_absent_tags(rows, tag_keys, source, athena)
    extra = ["account", "region", "reservation_fee", LINE_ITEM_TYPE, *(tag_column(k) for k in tag_keys)]
    kept = rows[[*TIDY_COLUMNS, *extra]]
    return LineItemBill(rows=kept, controls=daily.controls, origin=source.origin, findings=daily.findings)


def _refuse_absent_tags(
    rows: pd.DataFrame, tag_keys: tuple[str, ...], source: Source, athena: Athena | None
) -> None:
    from costmodel.lineitems.tables import tag_keys as map_keys
    from costmodel.lineitems.tag_columns import absent_tag_note, tag_key_names

    for key in tag_keys:
        if (rows[tag_column(key)] == "").all():
            names = tag_key_names(source.schema, source.present, map_keys(source, athena))
            raise InputError(f"{source.origin}: {absent_tag_note(key, names)}")


def _refuse_unknown_net(rows: pd.DataFrame, line_item_types: pd.Series, source: Source) -> None:
    """One line when a row's net amortized cost is unknown: the net columns its line item
    type needs are not in the export (AWS writes them only for an account with a discount
    in the billing period) or are empty."""
    unknown = rows["net_amortized_cost"].isna()
    if not unknown.any():
        return
    first = rows.loc[unknown].iloc[0]
    where = f"{unknown.sum()} daily rows, the first {first['month']} {line_item_types[unknown].iloc[0]}"
    missing = source.schema.net_amortized_cost(source.present, source.types)[1]
    why = (
        f"it has no {', '.join(missing)} (AWS writes the net columns only for an account with a "
        "discount in the billing period)"
        if missing
        else "their net columns are empty"
    )
    raise InputError(
        f"{source.origin}: the net amortized cost of {where}, is unknown: {why}; use cost_type "
        "amortized, or an export with the net columns (never the gross cost in their place)"
    )


def _refuse_unknown_fees(rows: pd.DataFrame, line_item_types: pd.Series, source: Source) -> None:
    """One line when a charge may be a reservation's fee but the export cannot tell which."""
    unknown = rows["reservation_fee"] == UNKNOWN_FEE
    if not unknown.any():
        return
    first = rows.loc[unknown].iloc[0]
    missing = source.schema.reservation_fee(source.present)[1]
    raise InputError(
        f"{source.origin}: whether a {line_item_types[unknown].iloc[0]} charge ({first['month']}, "
        f"{first['service']}) is a reservation's upfront or recurring fee cannot be told: the export "
        f"has no {', '.join(missing)}; leave include.upfront and include.recurring true, or give an "
        "export that has them"
    )


def _services(frame: pd.DataFrame, usage_types: bool) -> pd.Series:
    """Cost Explorer's SERVICE of each row, worked out once per distinct bill key; named as
    :func:`costmodel.lineitems.tables.bill` names it (EC2 whole in an export without usage
    types, ``usage_types`` false: never "EC2 - Other" for its instance hours)."""
    from costmodel.lineitems.tables import ce_service

    keys = ["product_code", "product_name", "usage_type", "line_item_type"]
    distinct = frame[keys].fillna("").drop_duplicates()
    distinct["service"] = [
        ce_service(code, name, usage_type, line_item_type, usage_types)
        for code, name, usage_type, line_item_type in distinct[keys].itertuples(index=False)
    ]
    return frame[keys].fillna("").merge(distinct, on=keys, how="left")["service"].set_axis(frame.index)


def _check_totals(rows: pd.DataFrame, controls: pd.DataFrame, origin: str) -> None:
    sums = rows.groupby("month")["unblended_cost"].sum()
    for month, total in zip(controls["month"], controls["control_total"], strict=True):
        if abs(float(sums.get(month, 0.0)) - float(total)) > 0.005:
            raise InputError(
                f"{origin}, {month}: the rows by account and tag add up to {sums.get(month, 0.0):,.2f}, "
                f"the export's total is {total:,.2f}: some line items were lost"
            )


__all__ = ["daily_by_dimension", "tag_column"]
