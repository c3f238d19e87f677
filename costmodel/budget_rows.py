"""Which rows a budget counts, beside :mod:`costmodel.budget`: what ``include`` leaves out
(credits, refunds, tax, support, discounts and, as AWS Budgets' IncludeUpfront /
IncludeRecurring, a reservation's upfront and recurring fees) and a scope's rows (a service's,
usage type's, ..., a region's as AWS Budgets' Region filter)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from costmodel import record_types
from costmodel.actuals.controls import MAY_NET_CREDITS, other_group_keys
from costmodel.actuals.series import LINE_ITEM_TYPE
from costmodel.constants import TAG_PREFIX, UNTAGGED
from costmodel.errors import InputError

if TYPE_CHECKING:
    from costmodel.budget_file import BudgetFile


def _reservation_fees(rows: pd.DataFrame, budget: BudgetFile, origin: str) -> pd.Series:
    """Each row's reservation fee ('upfront', 'recurring' or ''): line items say it
    (:func:`costmodel.lineitems.dimensions.daily_by_dimension`); Cost Explorer rows by their
    RECORD_TYPE, or the file is refused when it was not grouped by it (fetch-actuals groups
    usage by SERVICE and USAGE_TYPE: an RI's fee is a usage type there, its upfront and
    recurring parts alike)."""
    if "reservation_fee" in rows:
        return rows["reservation_fee"]
    left_out = ", ".join(f"{k}: false" for k in ("upfront", "recurring") if not budget.include[k])
    untold = rows.loc[(rows["record_type"] == "") | (rows["record_type"] == "Fee")]
    if not untold.empty:
        first = untold.iloc[0]
        raise InputError(
            f"{budget.origin}: include ({left_out}) needs each charge's RECORD_TYPE, which {origin} "
            f"does not give ({first['month']}, {first['service']} {first['usage_type']}"
            f"{': Fee, a support plan or an RI' if first['record_type'] == 'Fee' else ''}): it cannot tell "
            "a reservation's upfront or recurring fee from usage; give line items (--cur, --focus) or a "
            "Cost Explorer file grouped by RECORD_TYPE"
        )
    fees = pd.Series("", index=rows.index)
    fees[rows["record_type"].isin(record_types.UPFRONT_FEES)] = "upfront"
    fees[rows["record_type"].isin(record_types.RECURRING_FEES)] = "recurring"
    return fees


def included(rows: pd.DataFrame, budget: BudgetFile, origin: str) -> pd.Series:
    include = budget.include
    keep = pd.Series(True, index=rows.index)
    if not (include["upfront"] and include["recurring"]):
        fees = _reservation_fees(rows, budget, origin)
        keep &= ~fees.isin([k for k in ("upfront", "recurring") if not include[k]])
    if not (include["credits"] and include["refunds"]):
        _refuse_credits_netted_in(rows, budget, origin)
    if not include["credits"]:
        keep &= rows["record_type"] != record_types.CREDIT
    if not include["refunds"]:
        keep &= rows["record_type"] != record_types.REFUND
    if not include["tax"]:
        keep &= (rows["record_type"] != record_types.TAX) & (rows["service"] != record_types.TAX_SERVICE)
    if not include["support"]:
        keep &= ~rows["service"].str.startswith("AWS Support")
    if not include["discounts"]:
        keep &= ~_discounts(rows, budget, origin)
    return keep


def _discounts(rows: pd.DataFrame, budget: BudgetFile, origin: str) -> pd.Series:
    """Which rows are discounts (AWS Budgets' IncludeDiscount): line items by their line item
    type (CUR ``EdpDiscount``, ``PrivateRateDiscount``, ``BundledDiscount``, ``SppDiscount``,
    ``DistributorDiscount``, ``Discount``: every type ending in Discount, never
    ``DiscountedUsage``, a reservation's usage); Cost Explorer rows by their RECORD_TYPE, or the
    file is refused when it was not grouped by it (fetch-actuals groups usage by SERVICE and
    USAGE_TYPE: a discount is netted into the usage it discounts)."""
    if LINE_ITEM_TYPE in rows:
        return rows[LINE_ITEM_TYPE].fillna("").astype(str).map(record_types.is_discount)
    untold = rows.loc[rows["record_type"] == ""]
    if not untold.empty:
        first = untold.iloc[0]
        raise InputError(
            f"{budget.origin}: include (discounts: false) needs each charge's RECORD_TYPE, which {origin} "
            f"does not give ({first['month']}, {first['service']} {first['usage_type']}): a discount "
            "would be netted into the usage it discounts; give a Cost Explorer file grouped by "
            "RECORD_TYPE, or line items (--cur)"
        )
    return rows["record_type"].map(record_types.is_discount)


def _refuse_credits_netted_in(rows: pd.DataFrame, budget: BudgetFile, origin: str) -> None:
    """Refuse to leave credits or refunds out of Cost Explorer rows that may hold them netted in
    (a response grouped by SERVICE alone: a credit is in its service's amount)."""
    netted = rows.loc[rows[MAY_NET_CREDITS].astype(bool)] if MAY_NET_CREDITS in rows else rows.iloc[:0]
    if netted.empty:
        return
    left_out = ", ".join(f"{k}: false" for k in ("credits", "refunds") if not budget.include[k])
    first = netted.iloc[0]
    raise InputError(
        f"{budget.origin}: include ({left_out}) needs credits and refunds apart from usage, which "
        f"{origin} does not give ({first['month']}, {first['service']}: a credit would be netted in its "
        "amount); give a Cost Explorer file grouped by RECORD_TYPE or filtered without them "
        "(costmodel fetch-actuals), or line items (--cur, --focus)"
    )


def region_rows(rows: pd.DataFrame, name: str, budget_file: str) -> pd.DataFrame:
    """A region's rows (the line items' region code: ``product_region_code``, legacy CUR
    ``product/regionCode``, FOCUS ``RegionId``); a region none of them has is refused,
    naming the closest one the line items have."""
    import difflib

    if name in set(rows["region"]):
        return rows.loc[rows["region"] == name]
    regions = sorted(set(rows["region"]) - {""})
    closest = difflib.get_close_matches(name, regions, n=1, cutoff=0.5)
    hint = f"closest: {closest[0]}; " if closest else ""
    raise InputError(
        f"{budget_file}: by_region {name!r} is not a region of the line items; {hint}regions: "
        + (", ".join(regions) or "none (the export names no region)")
    )


__all__ = ["credits_beside_usage_type", "included", "region_rows", "scoped_rows"]


def refuse_categories_without_usage_types(rows: pd.DataFrame, budget_file: str, origin: str) -> None:
    """Refuse budgets by category on rows none of whose usage is told by usage type (a Cost
    Explorer file grouped by SERVICE and LINKED_ACCOUNT, or SERVICE alone): a category is a set
    of usage types, so every one would read $0 spent, "ok", whatever was billed."""
    charged = rows.loc[
        (rows["unblended_cost"] > 0)
        & (rows["service"] != record_types.TAX_SERVICE)
        & ~rows["record_type"].isin([record_types.TAX, record_types.CREDIT, record_types.REFUND])
    ]
    if charged.empty or charged["usage_type"].astype(bool).any():
        return
    grouped = other_group_keys(rows)
    raise InputError(
        f"{budget_file}: budgets by category need each charge's usage type, which {origin} does not give "
        f"(grouped by SERVICE{''.join(', ' + g for g in grouped)}, not USAGE_TYPE): every category would "
        "read $0; fetch it grouped by SERVICE and USAGE_TYPE (costmodel fetch-actuals does), or give "
        "line items (--cur, --focus)"
    )


def scoped_rows(rows: pd.DataFrame, scope: str, name: str, budget_file: str) -> pd.DataFrame:
    """The rows a budget counts: every row, a service's, usage type's, model category's,
    account's or tag value's."""
    from costmodel.usage_types import split_region, strip_region_prefix

    if scope == "total":
        return rows
    if scope == "service":
        if name not in set(rows["service"]):
            services = ", ".join(sorted(set(rows["service"]) - {""}))
            raise InputError(
                f"{budget_file}: by_service {name!r} is not a service on the bill; services: {services}"
            )
        return rows.loc[rows["service"] == name]
    if scope == "usage_type":
        code, base_name = split_region(name)
        if code:  # that region's only; us-east-1's older usage types carry no prefix
            picked = (rows["usage_type"] == name) | ((code == "USE1") & (rows["usage_type"] == base_name))
        else:  # no prefix: every region's
            picked = rows["usage_type"].map(strip_region_prefix) == name
        if not picked.any() and not rows["usage_type"].astype(bool).any():
            raise InputError(
                f"{budget_file}: by_usage_type {name!r}: the file gives no usage types (grouped without "
                "USAGE_TYPE); fetch it grouped by SERVICE and USAGE_TYPE (costmodel fetch-actuals does), or "
                "give line items (--cur, --focus)"
            )
        if not picked.any():
            raise InputError(f"{budget_file}: by_usage_type {name!r} is not a usage type on the bill")
        return rows.loc[picked]
    if scope == "account":
        if name not in set(rows["account"]):
            accounts = ", ".join(sorted(set(rows["account"]) - {""}))
            raise InputError(
                f"{budget_file}: by_account {name!r} is not an account of the line items; "
                f"accounts: {accounts}"
            )
        return rows.loc[rows["account"] == name]
    if scope == "region":
        return region_rows(rows, name, budget_file)
    if scope.startswith(TAG_PREFIX):
        values = rows[scope].replace("", UNTAGGED)
        if name not in set(values):
            raise InputError(
                f"{budget_file}: by_tag {scope[len(TAG_PREFIX) :]}: {name!r} is not a value of that tag in "
                f"the line items; values: {', '.join(sorted(set(values)))}"
            )
        return rows.loc[values == name]
    from costmodel import categories

    known = (set(categories.ALL) | set(rows["category"])) - {""}  # "" marks rows in no category
    if name not in known:
        raise InputError(
            f"{budget_file}: by_category {name!r} is not a model category; known: {', '.join(sorted(known))}"
        )
    return rows.loc[rows["category"] == name]


def credits_beside_usage_type(
    counted: pd.DataFrame, scoped: pd.DataFrame, months: list[str]
) -> dict[str, float]:
    """The credits and refunds [USD] of ``months`` that a usage type budget cannot count, by
    service: those of the services its usage type is billed under. Cost Explorer bills them by
    service, without a usage type (fetch-actuals groups them by RECORD_TYPE and SERVICE; line
    items are read the same way), so no usage type filter can tell which usage they credit;
    a service budget counts them."""
    one_off = counted.loc[
        counted["record_type"].isin(record_types.ONE_OFF)
        & counted["service"].isin(set(scoped["service"]))
        & counted["month"].isin(months)
    ]
    by_service = one_off.groupby("service", sort=True)["unblended_cost"].sum()
    return {str(service): float(amount) for service, amount in by_service.items()}
