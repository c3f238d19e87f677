"""The three billing export schemas, each as SQL expressions for one set of canonical columns.

Every query in :mod:`costmodel.lineitems.queries` is written once, against the canonical
relation ``li``; a schema says how its own columns make those:

==================  ============================  ==========================  ===================
canonical           CUR 2.0 (Parquet)             legacy CUR (CSV, CSV.gz)    FOCUS 1.0-1.2
==================  ============================  ==========================  ===================
``usage_start``     line_item_usage_start_date    lineItem/UsageStartDate     ChargePeriodStart
``billing_start``   bill_billing_period_start...  bill/BillingPeriodStart...  BillingPeriodStart
``account_id``      line_item_usage_account_id    lineItem/UsageAccountId     SubAccountId
``region``          product_region_code           product/regionCode          RegionId
``product_code``    line_item_product_code        lineItem/ProductCode        x_ServiceCode
``product_name``    product['product_name']       product/ProductName         ServiceName
``usage_type``      line_item_usage_type          lineItem/UsageType          x_UsageType
``line_item_type``  line_item_line_item_type      lineItem/LineItemType       ChargeCategory
``unblended_cost``  line_item_unblended_cost      lineItem/UnblendedCost      BilledCost
``amortized_cost``  AWS's amortized-cost rule     the same rule               EffectiveCost
``usage_amount``    line_item_usage_amount        lineItem/UsageAmount        ConsumedQuantity
``currency``        line_item_currency_code       lineItem/CurrencyCode       BillingCurrency
==================  ============================  ==========================  ===================

FOCUS without AWS's ``x_`` columns has no usage types: it reconciles per service. The region
falls back to older spellings (legacy CUR's ``product/region``, its Athena name
``product_region``, FOCUS 1.0-preview's ``Region``); an export with none reads '' (the
usage type's prefix then tells the region, where it has one).

Every export variant reads to the same canonical columns: Parquet with typed columns or CSV
read as text (``NULL``, ``null`` and empty are missing values); times naive (UTC, as AWS
writes them), ``Z``-suffixed, with an offset or as TIMESTAMP WITH TIME ZONE, all converted
to UTC, never dropped (so a month never depends on the machine's ``TZ``); a CUR 2.0 map
column (``product``, ``resource_tags``) as a MAP or as JSON text; legacy CUR Parquet's
flattened names (``product_product_name``, ``resource_tags_user_env``). A text value that is
not a number or a time where one is needed is kept as ``unreadable`` (column and value), so
the export is refused naming it rather than read as missing.

The amortized (effective) cost follows AWS's CUR query library: reserved usage at its
effective cost, an RI fee at its unused part, Savings Plans covered usage at its effective
cost and the plan's fee at its unused commitment, upfront fees and negations at 0. A column
the rule needs that the export lacks makes the amortized cost of those rows unknown (NULL),
never 0. The net amortized cost (Cost Explorer's NetAmortizedCost: after discounts) is the
same rule read from the net columns (``line_item_net_unblended_cost``,
``reservation_net_effective_cost``, ...), with discount line items at 0 (the net columns
already hold them) and a plan's fee at its unused commitment times the fee's net share of
its gross (there is no net commitment column). AWS writes the net columns only for an
account with a discount in the billing period; without them it is unknown, never the gross.
FOCUS has no gross amortized column: its ``EffectiveCost`` is after discounts by the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from costmodel.errors import InputError

CANONICAL = (
    "usage_start",
    "usage_end",
    "account_id",
    "region",  # the region code (us-east-1); '' for global services or an export without it
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
    "provider",  # FOCUS ProviderName ('' for a CUR: AWS)
    "line_item_id",  # identity_line_item_id ('' when the export has none)
    "time_interval",  # identity_time_interval ('' when the export has none)
    "billing_start",  # the billing period (the invoice's month) a line item is on; NULL when
    "billing_end",  # the export has no billing period columns
)
TIMES = ("usage_start", "usage_end", "billing_start", "billing_end")
ONE_TIME_COLUMN = "ChargeFrequency"  # FOCUS: how often a charge is billed
ONE_TIME_PURCHASE = "Purchase (One-Time)"  # FOCUS's line item type of a commitment's upfront fee
NUMBERS = ("unblended_cost", "usage_amount")


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
    # the same rule names (and ``cost``, ``sp_upfront``, ``sp_net_upfront``) -> the net columns
    net_amortized: dict[str, str] = field(default_factory=dict)
    # canonical name -> further source columns, the first present used (FOCUS 1.3 renames)
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # canonical name -> (map column, key) it is read from when the flat column is absent
    map_columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    tag_map: str = ""  # the map (or JSON) column of resource tags
    tag_prefixes: tuple[str, ...] = ()  # flattened tag columns: prefix + key

    def expressions(self, present: set[str], types: dict[str, str]) -> dict[str, str]:
        """Canonical name -> SQL expression over the source columns ``present`` (typed as
        ``types`` says), plus ``unreadable``: the first text value that is not the number or
        time its column must hold, as ``column=value`` (NULL when every one reads)."""
        out = {}
        unreadable = []
        for name in CANONICAL:
            if name == "amortized_cost":
                out[name], bad = self._amortized(present, types)
                unreadable += bad
                continue
            source = self.source_column(name, present)
            if source is None:
                out[name] = _typed(name, None, "")
                continue
            out[name] = _typed(name, q(source), types.get(source, "VARCHAR"))
            if name in (*TIMES, *NUMBERS):
                unreadable += _unreadable(source, out[name], types.get(source, "VARCHAR"))
        if self.product_name_in_map(present):
            column, key = self.map_columns["product_name"]
            out["product_name"] = _map_value(column, [key], types.get(column, ""))
        if not self.amortized and ONE_TIME_COLUMN in present:
            # FOCUS: a commitment's upfront fee (a One-Time Purchase) is billed on the usage type
            # of its Recurring fee; it is a charge of its own, as CUR's SavingsPlanUpfrontFee is
            # beside SavingsPlanRecurringFee (else the forecast took it for a day of the fee)
            kind, frequency = out["line_item_type"], f"COALESCE(CAST({q(ONE_TIME_COLUMN)} AS VARCHAR), '')"
            out["line_item_type"] = (
                f"CASE WHEN {kind} = 'Purchase' AND {frequency} = 'One-Time' "
                f"THEN '{ONE_TIME_PURCHASE}' ELSE {kind} END"
            )
        out["unreadable"] = f"COALESCE({', '.join(unreadable)})" if unreadable else "CAST(NULL AS VARCHAR)"
        return out

    def product_name_in_map(self, present: set[str]) -> bool:
        """Whether the product name is read from a map column (CUR 2.0's ``product``), not a
        column of its own."""
        product = self.map_columns.get("product_name")
        return bool(product and product[0] in present and self.source_column("product_name", present) is None)

    def source_column(self, name: str, present: set[str]) -> str | None:
        """The source column of canonical ``name`` (its first alternative present), or None."""
        for column in (self.columns.get(name, ""), *self.alternatives.get(name, ())):
            if column and column in present:
                return column
        return None

    def net_amortized_cost(self, present: set[str], types: dict[str, str]) -> tuple[str, list[str]]:
        """SQL of the net amortized cost (see the module docstring) and the net columns the
        rule reads that the export lacks (the rows that need one are NULL)."""
        if not self.amortized:  # FOCUS: EffectiveCost is after discounts (the spec's definition)
            return self._amortized(present, types)[0], []
        sql = self._amortized(present, types, net=True)[0]
        wanted = {c for k, c in self.net_amortized.items() if k not in ("sp_commitment", "sp_used")}
        return sql, sorted(wanted - present)

    def reservation_fee(self, present: set[str]) -> tuple[str, list[str]]:
        """SQL of what AWS Budgets' IncludeUpfront / IncludeRecurring leave out: 'upfront' (an
        RI's upfront fee: a ``Fee`` with a reservation ARN; ``SavingsPlanUpfrontFee``),
        'recurring' (``RIFee``, ``SavingsPlanRecurringFee``), '' (any other charge), NULL when
        the export cannot tell; and the columns it would need that the export lacks. FOCUS:
        a ``Purchase`` of a commitment discount, ``One-Time`` or ``Recurring`` by its
        ``ChargeFrequency``."""
        kind = q(self.columns["line_item_type"])
        if not self.amortized:  # FOCUS
            needed = ["CommitmentDiscountId", "ChargeFrequency"]
            missing = [c for c in needed if c not in present]
            if missing:
                return f"CASE WHEN {kind} = 'Purchase' THEN NULL ELSE '' END", missing
            commitment, frequency = (f"COALESCE(CAST({q(c)} AS VARCHAR), '')" for c in needed)
            return (
                f"CASE WHEN {kind} <> 'Purchase' OR {commitment} = '' THEN '' "
                f"WHEN {frequency} = 'One-Time' THEN 'upfront' "
                f"WHEN {frequency} = 'Recurring' THEN 'recurring' END"
            ), []
        arn_column = self.amortized["reservation_arn"]
        ri_upfront = (
            f"CASE WHEN COALESCE(CAST({q(arn_column)} AS VARCHAR), '') <> '' THEN 'upfront' ELSE '' END"
            if arn_column in present
            else "NULL"
        )
        sql = (
            f"CASE {kind} WHEN 'RIFee' THEN 'recurring' WHEN 'SavingsPlanRecurringFee' THEN 'recurring' "
            f"WHEN 'SavingsPlanUpfrontFee' THEN 'upfront' WHEN 'Fee' THEN {ri_upfront} ELSE '' END"
        )
        return sql, [] if arn_column in present else [arn_column]

    def _amortized(
        self, present: set[str], types: dict[str, str], net: bool = False
    ) -> tuple[str, list[str]]:
        def number(column: str) -> str:
            if column not in present:
                return "CAST(NULL AS DOUBLE)"
            return _typed("unblended_cost", q(column), types.get(column, "VARCHAR"))

        def unreadable(*columns: str) -> list[str]:
            return [
                check
                for c in columns
                if c in present
                for check in _unreadable(c, number(c), types.get(c, "VARCHAR"))
            ]

        if not self.amortized:  # FOCUS: EffectiveCost is the amortized cost
            source = self.columns["amortized_cost"]
            return number(source), unreadable(source)
        names = self.net_amortized if net else self.amortized
        col = {k: number(v) for k, v in names.items() if k != "reservation_arn"}
        arn = q(self.amortized["reservation_arn"]) if self.amortized["reservation_arn"] in present else "''"
        kind, gross = q(self.columns["line_item_type"]), number(self.columns["unblended_cost"])
        cost = col["cost"] if net else gross
        sp_fee = f"{col['sp_commitment']} - {col['sp_used']}"
        discounts = ""
        if net:  # no net commitment column: the unused commitment at the fee's net share of its gross
            sp_fee = (
                f"CASE WHEN {sp_fee} = 0 THEN 0 WHEN {gross} <> 0 THEN ({sp_fee}) * {cost} / {gross} "
                f"ELSE ({sp_fee}) * {col['sp_net_upfront']} / NULLIF({col['sp_upfront']}, 0) END"
            )
            # a discount's own line item (manual discount compatibility): its net is in the others'
            discounts = f"WHEN {kind} LIKE '%Discount' THEN 0 "
        sql = (  # Usage first: most line items are, and each WHEN is a comparison of every row left
            f"CASE {kind} WHEN 'Usage' THEN {cost} "
            f"WHEN 'SavingsPlanCoveredUsage' THEN {col['sp_effective']} "
            f"WHEN 'SavingsPlanRecurringFee' THEN {sp_fee} "
            "WHEN 'SavingsPlanNegation' THEN 0 WHEN 'SavingsPlanUpfrontFee' THEN 0 "
            f"WHEN 'DiscountedUsage' THEN {col['ri_effective']} "
            f"WHEN 'RIFee' THEN {col['ri_unused_upfront']} + {col['ri_unused_recurring']} "
            f"WHEN 'Fee' THEN CASE WHEN COALESCE(CAST({arn} AS VARCHAR), '') <> '' THEN 0 ELSE {cost} END "
            f"ELSE {cost} END"
        )
        if discounts:
            sql = f"CASE {discounts}ELSE {sql} END"
        used = [v for k, v in names.items() if k != "reservation_arn"]
        return sql, unreadable(*used)


def _is_text(sql_type: str) -> bool:
    upper = sql_type.upper()
    return upper == "" or "CHAR" in upper or upper in ("STRING", "TEXT", "JSON")


def _typed(name: str, expression: str | None, sql_type: str) -> str:
    """The canonical column's type: timestamps (UTC), doubles, text ('' for a missing value)."""
    upper = sql_type.upper()
    if name in TIMES:
        if not expression:
            return "CAST(NULL AS TIMESTAMP)"
        if "WITH TIME ZONE" in upper or upper == "TIMESTAMPTZ":
            return f"CAST({expression} AT TIME ZONE 'UTC' AS TIMESTAMP)"
        if _is_text(sql_type):  # naive text is UTC (the session's zone); an offset converts
            return f"CAST(TRY_CAST(TRIM({expression}) AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP)"
        return f"CAST({expression} AS TIMESTAMP)"
    if name in NUMBERS:
        if not expression:
            return "CAST(NULL AS DOUBLE)"
        if _is_text(sql_type):
            return f"TRY_CAST(TRIM({expression}) AS DOUBLE)"
        return f"CAST({expression} AS DOUBLE)"
    return f"COALESCE(CAST({expression} AS VARCHAR), '')" if expression else "''"


def _unreadable(column: str, typed: str, sql_type: str) -> list[str]:
    """``column=value`` where the text of ``column`` is there but ``typed`` could not read it."""
    if not _is_text(sql_type):
        return []
    raw = q(column)
    literal = column.replace("'", "''")
    return [
        f"CASE WHEN {raw} IS NOT NULL AND upper(TRIM({raw})) NOT IN ('', 'NULL') AND {typed} IS NULL "
        f"THEN '{literal}=' || {raw} END"
    ]


def _map_value(column: str, keys: list[str], sql_type: str) -> str:
    """The first of ``keys`` found in map column ``column`` (a MAP, or JSON text), else ''."""
    if "MAP" in sql_type.upper():
        found = [f"NULLIF({q(column)}['{k}'], '')" for k in keys]
    else:  # JSON text (CUR 2.0 CSV): a value that is not JSON has no keys
        text = q(column)
        found = [
            f"NULLIF(CASE WHEN json_valid({text}) THEN json_extract_string({text}, '$.\"{k}\"') END, '')"
            for k in keys
        ]
    return f"COALESCE({', '.join(found)}, '')"


_RESERVATION_COLUMNS = (
    "sp_effective",
    "sp_commitment",
    "sp_used",
    "ri_effective",
    "ri_unused_upfront",
    "ri_unused_recurring",
    "reservation_arn",
)
# the rule's names for the net columns: the line item's cost, the same reservation and plan
# columns (the plan's commitment has no net column: it is scaled) and the plan's upfront fee
_NET_COLUMNS = ("cost", *_RESERVATION_COLUMNS[:-1], "sp_upfront", "sp_net_upfront")

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
        "region": "product_region_code",
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
        "line_item_id": "identity_line_item_id",
        "time_interval": "identity_time_interval",
        "billing_start": "bill_billing_period_start_date",
        "billing_end": "bill_billing_period_end_date",
    },
    alternatives={"region": ("product_region",)},  # legacy CUR in Parquet (Athena's naming)
    map_columns={"product_name": ("product", "product_name")},
    tag_map="resource_tags",
    tag_prefixes=("resource_tags_user_",),  # legacy CUR in Parquet (its Athena naming)
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
    net_amortized=dict(
        zip(
            _NET_COLUMNS,
            (
                "line_item_net_unblended_cost",
                "savings_plan_net_savings_plan_effective_cost",
                "savings_plan_total_commitment_to_date",
                "savings_plan_used_commitment",
                "reservation_net_effective_cost",
                "reservation_net_unused_amortized_upfront_fee_for_billing_period",
                "reservation_net_unused_recurring_fee",
                "savings_plan_amortized_upfront_commitment_for_billing_period",
                "savings_plan_net_amortized_upfront_commitment_for_billing_period",
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
        "region": "product/regionCode",
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
        "line_item_id": "identity/LineItemId",
        "time_interval": "identity/TimeInterval",
        "billing_start": "bill/BillingPeriodStartDate",
        "billing_end": "bill/BillingPeriodEndDate",
    },
    alternatives={"region": ("product/region",)},  # older exports: the code, before regionCode
    tag_prefixes=("resourceTags/user:",),
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
    net_amortized=dict(
        zip(
            _NET_COLUMNS,
            (
                "lineItem/NetUnblendedCost",
                "savingsPlan/NetSavingsPlanEffectiveCost",
                "savingsPlan/TotalCommitmentToDate",
                "savingsPlan/UsedCommitment",
                "reservation/NetEffectiveCost",
                "reservation/NetUnusedAmortizedUpfrontFeeForBillingPeriod",
                "reservation/NetUnusedRecurringFee",
                "savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod",
                "savingsPlan/NetAmortizedUpfrontCommitmentForBillingPeriod",
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
        "region": "RegionId",
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
        "provider": "ProviderName",
        "billing_start": "BillingPeriodStart",
        "billing_end": "BillingPeriodEnd",
    },
    alternatives={"provider": ("ServiceProviderName",), "region": ("Region",)},  # 1.0-preview
    tag_map="Tags",
)

SCHEMAS = (CUR2, LEGACY, FOCUS)


def _known_columns(schema: Schema) -> set[str]:
    """Every column name ``schema`` reads, as its definition spells it."""
    names = {*schema.marker, *schema.required, *schema.columns.values(), *schema.amortized.values()}
    names |= set(schema.net_amortized.values())
    names |= {c for columns in schema.alternatives.values() for c in columns}
    names |= {column for column, _ in schema.map_columns.values()} | {schema.tag_map}
    return names - {""}


def schema_spelling(columns: list[str]) -> dict[str, str]:
    """Column -> its name as its schema spells it, for an export whose header differs from
    AWS's or the FinOps Foundation's in case only (a warehouse's upper-case unload:
    ``LINE_ITEM_USAGE_TYPE``); {} when a schema's own spelling is there. SQL finds either
    spelling (DuckDB's names ignore case); this is for telling the schema and its columns.
    Flattened tag columns keep their key as written, but the Athena naming is lower case by
    AWS's definition, so there the whole name is."""
    present = set(columns)
    if any(all(m in present for m in s.marker) for s in SCHEMAS):
        return {}
    lower = {c.lower() for c in columns}
    schema = next((s for s in SCHEMAS if all(m.lower() in lower for m in s.marker)), None)
    if schema is None:
        return {}
    names = {n.lower(): n for n in _known_columns(schema)}
    out = {c: names[c.lower()] for c in columns if c.lower() in names}
    for prefix in schema.tag_prefixes:
        for c in columns:
            if c.lower().startswith(prefix.lower()):
                key = c[len(prefix) :]
                out[c] = prefix + (key.lower() if prefix.endswith("_") else key)
    return {c: n for c, n in out.items() if c != n}


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


def _reads_as(kind: str, sql_type: str) -> bool:
    """Whether a column of ``sql_type`` can hold a ``time`` or a ``number`` (text always can:
    it is read and checked value by value)."""
    upper = sql_type.upper()
    if _is_text(sql_type) or upper == "NULL":  # NULL: a column of missing values only
        return True
    if kind == "time":
        return upper.startswith(("TIMESTAMP", "DATE"))
    return upper.startswith(("DECIMAL", "NUMERIC")) or upper in (
        "DOUBLE", "FLOAT", "REAL", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
        "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
    )  # fmt: skip


def refuse_unreadable_types(schema: Schema, present: set[str], types: dict[str, str], origin: str) -> None:
    """One line naming the column whose type cannot hold what it must (a time stored as an
    epoch number, whose unit is not known; money stored as a timestamp), before any query
    would fail on it in the database's words."""
    wanted = {schema.source_column(n, present): "time" for n in TIMES}
    wanted |= {schema.source_column(n, present): "number" for n in NUMBERS}
    wanted |= dict.fromkeys((*schema.amortized.values(), schema.columns.get("amortized_cost", "")), "number")
    wanted |= dict.fromkeys(schema.net_amortized.values(), "number")
    wanted.pop(schema.amortized.get("reservation_arn", ""), None)
    for column, kind in wanted.items():
        if column and column in present and not _reads_as(kind, types.get(column, "")):
            example = (
                "TIMESTAMP, or ISO 8601 text such as 2026-10-01T00:00:00Z" if kind == "time" else "a number"
            )
            raise InputError(
                f"{origin}: column {column} is {types[column]}, where {kind}s are expected ({example}); "
                "re-export it with that column's type as AWS defines it"
            )


__all__ = [
    "CANONICAL",
    "CUR2",
    "FOCUS",
    "LEGACY",
    "SCHEMAS",
    "Schema",
    "detect",
    "q",
    "refuse_unreadable_types",
    "schema_spelling",
]
