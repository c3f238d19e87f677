"""The three billing export schemas, each as SQL expressions for one set of canonical columns.

Every query in :mod:`costmodel.lineitems.queries` is written once, against the canonical
relation ``li``; a schema says how its own columns make those:

==================  ============================  ==========================  ===================
canonical           CUR 2.0 (Parquet)             legacy CUR (CSV, CSV.gz)    FOCUS 1.0-1.2
==================  ============================  ==========================  ===================
``usage_start``     line_item_usage_start_date    lineItem/UsageStartDate     ChargePeriodStart
``account_id``      line_item_usage_account_id    lineItem/UsageAccountId     SubAccountId
``product_code``    line_item_product_code        lineItem/ProductCode        x_ServiceCode
``product_name``    product['product_name']       product/ProductName         ServiceName
``usage_type``      line_item_usage_type          lineItem/UsageType          x_UsageType
``line_item_type``  line_item_line_item_type      lineItem/LineItemType       ChargeCategory
``unblended_cost``  line_item_unblended_cost      lineItem/UnblendedCost      BilledCost
``amortized_cost``  AWS's amortized-cost rule     the same rule               EffectiveCost
``usage_amount``    line_item_usage_amount        lineItem/UsageAmount        ConsumedQuantity
``currency``        line_item_currency_code       lineItem/CurrencyCode       BillingCurrency
==================  ============================  ==========================  ===================

FOCUS without AWS's ``x_`` columns has no usage types: it reconciles per service.

The amortized (effective) cost follows AWS's CUR query library: reserved usage at its
effective cost, an RI fee at its unused part, Savings Plans covered usage at its effective
cost and the plan's fee at its unused commitment, upfront fees and negations at 0. A column
the rule needs that the export lacks makes the amortized cost of those rows unknown (NULL),
never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from costmodel.errors import InputError

CANONICAL = (
    "usage_start",
    "usage_end",
    "account_id",
    "product_code",
    "product_name",
    "usage_type",
    "operation",
    "resource_id",
    "line_item_type",
    "unblended_cost",
    "amortized_cost",
    "usage_amount",
    "usage_unit",
    "currency",
)


def q(name: str) -> str:
    """A quoted SQL identifier (legacy CUR columns have slashes and colons)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Schema:
    """One export schema: how to tell it, which columns it must have, its canonical columns."""

    name: str
    marker: tuple[str, ...]  # columns whose presence identifies the schema
    required: tuple[str, ...]  # columns reconciliation cannot do without
    columns: dict[str, str]  # canonical name -> source column (or "" when the schema has none)
    amortized: dict[str, str] = field(default_factory=dict)  # rule name -> source column

    def expressions(self, present: set[str], types: dict[str, str]) -> dict[str, str]:
        """Canonical name -> SQL expression over the source columns ``present``."""
        out = {}
        for name in CANONICAL:
            if name == "amortized_cost":
                out[name] = self._amortized(present)
                continue
            source = self.columns.get(name, "")
            out[name] = _typed(name, q(source) if source and source in present else None)
        if self.name == "cur2" and "product" in present and "MAP" in types.get("product", "").upper():
            out["product_name"] = "COALESCE(product['product_name'], '')"
        return out

    def _amortized(self, present: set[str]) -> str:
        if not self.amortized:  # FOCUS: EffectiveCost is the amortized cost
            source = self.columns["amortized_cost"]
            return f"CAST({q(source)} AS DOUBLE)" if source in present else "CAST(NULL AS DOUBLE)"
        col = {
            k: (f"CAST({q(v)} AS DOUBLE)" if v in present else "CAST(NULL AS DOUBLE)")
            for k, v in self.amortized.items()
        }
        arn = q(self.amortized["reservation_arn"]) if self.amortized["reservation_arn"] in present else "''"
        kind, cost = q(self.columns["line_item_type"]), f"CAST({q(self.columns['unblended_cost'])} AS DOUBLE)"
        return (
            f"CASE {kind} "
            f"WHEN 'SavingsPlanCoveredUsage' THEN {col['sp_effective']} "
            f"WHEN 'SavingsPlanRecurringFee' THEN {col['sp_commitment']} - {col['sp_used']} "
            "WHEN 'SavingsPlanNegation' THEN 0 WHEN 'SavingsPlanUpfrontFee' THEN 0 "
            f"WHEN 'DiscountedUsage' THEN {col['ri_effective']} "
            f"WHEN 'RIFee' THEN {col['ri_unused_upfront']} + {col['ri_unused_recurring']} "
            f"WHEN 'Fee' THEN CASE WHEN COALESCE(CAST({arn} AS VARCHAR), '') <> '' THEN 0 ELSE {cost} END "
            f"ELSE {cost} END"
        )


def _typed(name: str, expression: str | None) -> str:
    """The canonical column's type: timestamps, doubles, text ('' for a missing value)."""
    if name in ("usage_start", "usage_end"):
        return f"CAST({expression} AS TIMESTAMP)" if expression else "CAST(NULL AS TIMESTAMP)"
    if name in ("unblended_cost", "usage_amount"):
        return f"CAST({expression} AS DOUBLE)" if expression else "CAST(NULL AS DOUBLE)"
    return f"COALESCE(CAST({expression} AS VARCHAR), '')" if expression else "''"


_RESERVATION_COLUMNS = (
    "sp_effective",
    "sp_commitment",
    "sp_used",
    "ri_effective",
    "ri_unused_upfront",
    "ri_unused_recurring",
    "reservation_arn",
)

CUR2 = Schema(
    name="cur2",
    marker=("line_item_usage_type", "line_item_unblended_cost"),
    required=(
        "line_item_usage_start_date",
        "line_item_product_code",
        "line_item_usage_type",
        "line_item_line_item_type",
        "line_item_unblended_cost",
        "line_item_currency_code",
    ),
    columns={
        "usage_start": "line_item_usage_start_date",
        "usage_end": "line_item_usage_end_date",
        "account_id": "line_item_usage_account_id",
        "product_code": "line_item_product_code",
        "product_name": "product_product_name",
        "usage_type": "line_item_usage_type",
        "operation": "line_item_operation",
        "resource_id": "line_item_resource_id",
        "line_item_type": "line_item_line_item_type",
        "unblended_cost": "line_item_unblended_cost",
        "usage_amount": "line_item_usage_amount",
        "usage_unit": "pricing_unit",
        "currency": "line_item_currency_code",
    },
    amortized=dict(
        zip(
            _RESERVATION_COLUMNS,
            (
                "savings_plan_savings_plan_effective_cost",
                "savings_plan_total_commitment_to_date",
                "savings_plan_used_commitment",
                "reservation_effective_cost",
                "reservation_unused_amortized_upfront_fee_for_billing_period",
                "reservation_unused_recurring_fee",
                "reservation_reservation_a_r_n",
            ),
            strict=True,
        )
    ),
)

LEGACY = Schema(
    name="legacy",
    marker=("lineItem/UsageType", "lineItem/UnblendedCost"),
    required=(
        "lineItem/UsageStartDate",
        "lineItem/ProductCode",
        "lineItem/UsageType",
        "lineItem/LineItemType",
        "lineItem/UnblendedCost",
        "lineItem/CurrencyCode",
    ),
    columns={
        "usage_start": "lineItem/UsageStartDate",
        "usage_end": "lineItem/UsageEndDate",
        "account_id": "lineItem/UsageAccountId",
        "product_code": "lineItem/ProductCode",
        "product_name": "product/ProductName",
        "usage_type": "lineItem/UsageType",
        "operation": "lineItem/Operation",
        "resource_id": "lineItem/ResourceId",
        "line_item_type": "lineItem/LineItemType",
        "unblended_cost": "lineItem/UnblendedCost",
        "usage_amount": "lineItem/UsageAmount",
        "usage_unit": "pricing/unit",
        "currency": "lineItem/CurrencyCode",
    },
    amortized=dict(
        zip(
            _RESERVATION_COLUMNS,
            (
                "savingsPlan/SavingsPlanEffectiveCost",
                "savingsPlan/TotalCommitmentToDate",
                "savingsPlan/UsedCommitment",
                "reservation/EffectiveCost",
                "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
                "reservation/UnusedRecurringFee",
                "reservation/ReservationARN",
            ),
            strict=True,
        )
    ),
)

FOCUS = Schema(
    name="focus",
    marker=("BilledCost", "ChargePeriodStart"),
    required=("ChargePeriodStart", "ChargeCategory", "BilledCost", "BillingCurrency"),
    columns={
        "usage_start": "ChargePeriodStart",
        "usage_end": "ChargePeriodEnd",
        "account_id": "SubAccountId",
        "product_code": "x_ServiceCode",
        "product_name": "ServiceName",
        "usage_type": "x_UsageType",
        "operation": "x_Operation",
        "resource_id": "ResourceId",
        "line_item_type": "ChargeCategory",
        "unblended_cost": "BilledCost",
        "amortized_cost": "EffectiveCost",
        "usage_amount": "ConsumedQuantity",
        "usage_unit": "ConsumedUnit",
        "currency": "BillingCurrency",
    },
)

SCHEMAS = (CUR2, LEGACY, FOCUS)


def detect(columns: list[str], origin: str, expected: str | None = None) -> Schema:
    """The schema of a source with ``columns``; ``expected`` (cur / focus) refuses the other.

    Raises :class:`InputError` naming the source and the first required column missing.
    """
    present = set(columns)
    for schema in SCHEMAS:
        if all(m in present for m in schema.marker):
            if expected == "focus" and schema is not FOCUS:
                raise InputError(
                    f"{origin}: --focus expects a FOCUS export, this is a {schema.name} CUR export"
                )
            if expected == "cur" and schema is FOCUS:
                raise InputError(f"{origin}: --cur expects a CUR export, this is FOCUS (use --focus)")
            missing = [c for c in schema.required if c not in present]
            if missing:
                raise InputError(
                    f"{origin}: the {schema.name} export has no column {missing[0]!r}; it is required"
                )
            return schema
    shown = ", ".join(columns[:6]) + (", ..." if len(columns) > 6 else "")
    raise InputError(
        f"{origin}: unknown billing export schema (columns {shown}); expected CUR 2.0 "
        "(line_item_usage_type, line_item_unblended_cost), legacy CUR (lineItem/UsageType) or FOCUS "
        "(ChargePeriodStart, BilledCost)"
    )


TAG_KEY = re.compile(r"[A-Za-z0-9_.:/=+@ -]{1,128}")


def tag_expression(schema: Schema, key: str, present: set[str], types: dict[str, str]) -> str:
    """SQL for the value of tag ``key`` (``tag:team``: CUR 2.0 ``resource_tags['user_team']``,
    legacy ``resourceTags/user:team``, FOCUS ``Tags`` key ``team`` or ``user:team``), '' when untagged."""
    if not TAG_KEY.fullmatch(key):
        raise InputError(f"tag key {key!r}: use letters, digits, spaces and _ . : / = + @ - (at most 128)")
    literal = key.replace("'", "''")
    if schema is CUR2:
        if "resource_tags" not in present:
            return "''"
        normalized = "user_" + re.sub(r"[^A-Za-z0-9]", "_", literal)
        return f"COALESCE(resource_tags['{normalized}'], '')"
    if schema is LEGACY:
        column = f"resourceTags/user:{key}"
        return f"COALESCE(CAST({q(column)} AS VARCHAR), '')" if column in present else "''"
    if "Tags" not in present:
        return "''"
    if "MAP" in types.get("Tags", "").upper():
        return f"COALESCE(Tags['{literal}'], Tags['user:{literal}'], '')"
    return (
        f"COALESCE(json_extract_string(Tags, '$.\"{literal}\"'), "
        f"json_extract_string(Tags, '$.\"user:{literal}\"'), '')"
    )


__all__ = ["CANONICAL", "CUR2", "FOCUS", "LEGACY", "SCHEMAS", "Schema", "detect", "q", "tag_expression"]
