"""Every line-item query, defined once (DuckDB SQL over the canonical relation ``li``).

:func:`render` puts a query on a source: the canonical columns of its schema as a CTE over
its raw relation, then the query. For Athena the same text is transpiled by sqlglot from
DuckDB's dialect to Trino's (Athena engine 3), with one rewrite sqlglot does not make: a map
subscript ``m['k']`` is NULL in DuckDB when the key is missing and an error in Trino, so it
becomes ``element_at(m, 'k')``. Aggregation is in the query: only aggregated rows travel.
"""

from __future__ import annotations

from typing import Any

from costmodel.constants import TAG_PREFIX, UNTAGGED
from costmodel.errors import InputError
from costmodel.inputs import PLAUSIBLE_MAXIMUM, parse_month
from costmodel.lineitems.schema import q
from costmodel.lineitems.source import Source
from costmodel.lineitems.tag_columns import tag_expression

# When a line item is counted: its usage start, as Cost Explorer's grouping does, unless that
# lies before the line item's billing period (late-arriving usage of last month, a refund or a
# FOCUS ChargeClass "Correction" of a past month): AWS invoices those in the billing period that
# carries them (FOCUS: a billing period's BilledCost is its invoice), so they are counted there,
# on its first hour, never in a month whose bill the export does not hold
PLACED = "CASE WHEN usage_start < billing_start THEN billing_start ELSE usage_start END"
# a line item billed before its own usage (a start after its billing period's end) has no month
PERIOD_END = "COALESCE(billing_end, billing_start + INTERVAL 1 MONTH)"
AFTER_PERIOD = f"(usage_start >= {PERIOD_END})"
BEFORE_PERIOD = "(usage_start < billing_start)"
MONTH = f"strftime({PLACED}, '%Y-%m')"


def known_sum(column: str) -> str:
    """SQL of a sum that is unknown (NULL) when any of its rows' is: never a partial sum."""
    return f"CASE WHEN COUNT(*) = COUNT({column}) THEN SUM({column}) END"


AMORTIZED = known_sum("amortized_cost")
# no amount on a bill comes near this [USD or usage units]; NaN and infinities fall outside it
PLAUSIBLE = f"{float(PLAUSIBLE_MAXIMUM):.0e}".replace("+", "")
# line item types whose usage is instance hours running (on demand, reserved, Savings Plans)
RUNNING = "('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')"
# FOCUS ProviderName values that are AWS (a CUR's rows have none: AWS)
AWS_PROVIDERS = "('', 'aws', 'amazon', 'amazon web services', 'amazon web services, inc.')"
# one line item: its id and interval in its partition (an export without ids has no key). AWS
# makes ids unique within a partition only, not across the files of one delivery
LINE_ITEM_KEY = (
    "CASE WHEN line_item_id <> '' "
    "THEN hash(line_item_id, time_interval, usage_start, usage_end, source_file) END"
)
# a line item whose money, time and text read whole (the rest are named by the "checks" query)
READABLE = (
    f"currency = 'USD' AND unreadable IS NULL AND usage_start IS NOT NULL "
    f"AND NOT COALESCE({AFTER_PERIOD}, FALSE) "
    f"AND unblended_cost BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE} "
    f"AND (usage_amount IS NULL OR usage_amount BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE}) "
    f"AND (amortized_cost IS NULL OR amortized_cost BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE})"
)
OTHER_PROVIDER = f"CASE WHEN lower(provider) IN {AWS_PROVIDERS} THEN '' ELSE provider END"
# hours of a line item id are marked in 63-hour blocks (one BIGINT of bits each, the sign bit unused)
HOUR_BLOCK = 63

# per month: the line items counted in their billing period before their usage (late usage,
# refunds and corrections of earlier months) and their cost, and where the usage data starts
PERIOD_FACTS = (
    f"SUM(CASE WHEN {BEFORE_PERIOD} THEN 1 ELSE 0 END) AS billed_late, "
    f"SUM(CASE WHEN {BEFORE_PERIOD} THEN unblended_cost ELSE 0 END) AS billed_late_cost, "
    "MIN(CASE WHEN date_diff('second', usage_start, usage_end) <= 86400 "
    f"AND usage_start >= date_trunc('month', {PLACED}) THEN usage_start END) AS daily_start, "
    "MIN(billing_start) AS period_start"
)

QUERIES = {
    # The bill in one pass over the export (what reconcile consumes). Grouping sets: one row per
    # month (or day) and bill key (level 0), and the export's own total per month grouped by
    # nothing else (level > 0): the conservation control, a grouping set the database computes,
    # not a sum of the rows costmodel keeps. With them: line items whose money or time does not
    # read whole (``suspect``: the "checks" query then names them), the end of the data (a month
    # in progress), and ``repeats``: line item ids seen twice in one hour (a duplicate
    # delivery, told exactly by "checks").
    "bill": f"""
        SELECT g.*, r.repeats FROM (
          SELECT GROUPING({{grouped}}) AS level, month, other_provider, {{period}}
                 product_code, product_name, usage_type, line_item_type, usage_unit,
                 COUNT(*) AS line_items, SUM(unblended_cost) AS unblended_cost,
                 {AMORTIZED} AS amortized_cost, SUM(usage_amount) AS usage_amount,
                 SUM(CASE WHEN {READABLE} THEN 0 ELSE 1 END) AS suspect,
                 MAX(usage_end) AS data_end, MAX(usage_start) AS last_start,
                 MAX(CASE WHEN date_diff('second', usage_start, usage_end) <= 86400 THEN usage_end END)
                     AS daily_end, {PERIOD_FACTS}
          FROM (SELECT *, date_trunc('month', {PLACED}) AS month, {{period_of}}
                       {{other_provider}} AS other_provider FROM li)
          GROUP BY GROUPING SETS ((month, other_provider, {{period}}{{grouped}}), (month, other_provider))
        ) AS g CROSS JOIN ({{repeats}}) AS r""",
    # product names once per product code (not read from the product map on every line item):
    # the rows of the codes asked for, in the hours given; a line without its name (a tax
    # line can be) does not hide the name the code's other lines give
    "product_names": """
        SELECT product_code, MIN(NULLIF(product_name, '')) AS product_name FROM li
        WHERE product_code IN ({codes}) AND usage_start IN ({hours}) GROUP BY 1""",
    # the whole export in one pass, per currency, month and provider other than AWS: line items
    # whose cost is missing or whose amounts are not finite numbers within PLAUSIBLE (a bound,
    # not isfinite(): NaN fails it in DuckDB and in Trino), text that is no number or time, the
    # end of the data (a month in progress), and line item keys (duplicates)
    "checks": f"""
        SELECT currency, {MONTH} AS month,
               CASE WHEN lower(provider) IN {AWS_PROVIDERS} THEN '' ELSE provider END AS other_provider,
               COUNT(*) AS line_items, SUM(unblended_cost) AS cost,
               SUM(CASE WHEN usage_start IS NULL THEN 1 ELSE 0 END) AS start_missing,
               SUM(CASE WHEN unblended_cost IS NULL THEN 1 ELSE 0 END) AS cost_missing,
               SUM(CASE WHEN NOT (unblended_cost BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE}) THEN 1 ELSE 0 END)
                   AS cost_not_finite,
               SUM(CASE WHEN NOT (usage_amount BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE}) THEN 1 ELSE 0 END)
                   AS usage_not_finite,
               SUM(CASE WHEN NOT (amortized_cost BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE}) THEN 1 ELSE 0 END)
                   AS amortized_not_finite,
               MIN(CASE WHEN unblended_cost IS NULL
                          OR NOT (unblended_cost BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE})
                          OR NOT (usage_amount BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE})
                          OR NOT (amortized_cost BETWEEN -{PLAUSIBLE} AND {PLAUSIBLE})
                        THEN {MONTH} || '|' || usage_type END) AS first_bad,
               COUNT(unreadable) AS unreadable, MIN(unreadable) AS first_unreadable,
               MAX(usage_end) AS data_end, MAX(usage_start) AS last_start,
               MAX(CASE WHEN usage_end <= usage_start + INTERVAL 1 DAY THEN usage_end END) AS daily_end,
               COUNT({LINE_ITEM_KEY}) AS identified, COUNT(DISTINCT {LINE_ITEM_KEY}) AS line_item_keys,
               {PERIOD_FACTS},
               SUM(CASE WHEN {AFTER_PERIOD} THEN 1 ELSE 0 END) AS after_period,
               MIN(CASE WHEN {AFTER_PERIOD} THEN COALESCE(NULLIF(line_item_id, ''), usage_type) || '|'
                   || strftime(usage_start, '%Y-%m-%d %H:%M') || '|' || strftime(billing_start, '%Y-%m-%d')
                   || '|' || strftime({PERIOD_END}, '%Y-%m-%d') END) AS first_after_period
        FROM li GROUP BY 1, 2, 3""",
    # a FOCUS file's rows of other providers, by provider and currency (their money is not
    # this AWS bill's, and need not be in USD): read only where the bill found such rows
    "other_providers": f"""
        SELECT {OTHER_PROVIDER} AS other_provider, currency, COUNT(*) AS line_items,
               SUM(unblended_cost) AS cost
        FROM li WHERE lower(provider) NOT IN {AWS_PROVIDERS} GROUP BY 1, 2 ORDER BY 1, 2""",
    # the first line item id and interval read twice with different content
    "conflicts": """
        SELECT line_item_id, time_interval, COUNT(*) AS copies FROM li WHERE line_item_id <> ''
        GROUP BY 1, 2, usage_start, usage_end, source_file HAVING COUNT(*) > 1 ORDER BY 1, 2 LIMIT 1""",
    # text in a JSON column that is not JSON (a tag read from it would be missing)
    "json_check": """
        SELECT COUNT(*) AS bad, MIN(value) AS first
        FROM (SELECT CAST({column} AS VARCHAR) AS value FROM {relation})
        WHERE value IS NOT NULL AND TRIM(value) NOT IN ('', 'NULL', 'null') AND NOT json_valid(value)""",
    "resources": f"""
        SELECT resource_id, product_code, product_name, usage_type, usage_unit,
               SUM(usage_amount) AS usage_quantity, SUM(unblended_cost) AS cost,
               {AMORTIZED} AS amortized_cost, COUNT(*) AS line_items
        FROM li WHERE {{month_filter}} GROUP BY 1, 2, 3, 4, 5""",
    "hourly": f"""
        SELECT date_trunc('hour', usage_start) AS hour, SUM(usage_amount) AS instance_hours,
               COUNT(DISTINCT resource_id) AS instances
        FROM li WHERE {{month_filter}} AND line_item_type IN {RUNNING}
              AND (usage_type = '{{box}}' OR usage_type LIKE '%-{{box}}')
        GROUP BY 1 ORDER BY 1""",
    "breakdown": f"""
        SELECT {{key}} AS key, SUM(unblended_cost) AS cost, {AMORTIZED} AS amortized_cost,
               COUNT(*) AS line_items
        FROM li WHERE {{month_filter}} GROUP BY 1 ORDER BY 2 DESC""",
    "month_total": """
        SELECT SUM(unblended_cost) AS cost, COUNT(*) AS line_items FROM li WHERE {month_filter}""",
    # the keys of a tag map column (a MAP, or JSON text: {keys}), as the export spells them
    "tag_keys": """
        SELECT DISTINCT key FROM (SELECT unnest({keys}) AS key FROM {relation}) WHERE key IS NOT NULL""",
}

BREAKDOWN_KEYS = {
    "account": "account_id",
    "service": "CASE WHEN product_code <> '' THEN product_code ELSE product_name END",
    # tax, credits and fees carry no usage type: named by their line item type, never an empty key
    "usage_type": (
        "CASE WHEN COALESCE(usage_type, '') <> '' THEN usage_type "
        "ELSE '(no usage type: ' || COALESCE(line_item_type, 'unknown') || ')' END"
    ),
}


def month_filter(month: str) -> str:
    """The month as a range of the times line items are counted at (:data:`PLACED`)."""
    start = pd_period(month)
    return (
        f"{PLACED} >= TIMESTAMP '{start.start_time:%Y-%m-%d %H:%M:%S}' "
        f"AND {PLACED} < TIMESTAMP '{(start + 1).start_time:%Y-%m-%d %H:%M:%S}'"
    )


def breakdown_key(by: str, source: Source, map_keys: set[str] | None = None) -> tuple[str, dict[str, str]]:
    """(SQL of a breakdown key over ``li``, extra canonical columns it needs): ``account``,
    ``service``, ``usage_type`` or ``tag:KEY`` (untagged cost under ``(untagged)``; the keys
    of the export's tag map, ``map_keys``, choose its one spelling)."""
    if by.startswith(TAG_PREFIX):
        tag = tag_expression(
            source.schema, by[len(TAG_PREFIX) :], source.present, source.types, map_keys, source.aliases
        )
        return f"CASE WHEN tag_value = '' THEN '{UNTAGGED}' ELSE tag_value END", {"tag_value": tag}
    if by not in BREAKDOWN_KEYS:
        raise InputError(f"--by {by!r}: expected tag:KEY, account, service or usage_type")
    return BREAKDOWN_KEYS[by], {}


GROUPED = "product_code, product_name, usage_type, line_item_type, usage_unit"


def bill_parameters(source: Source, period: str) -> dict[str, str]:
    """The ``bill`` query's parameters: groups by ``month`` or ``day``, and the count of line
    item ids seen twice in one hour (0 for a source already read once per line item)."""
    if period not in ("month", "day"):
        raise ValueError(f"period must be month or day, not {period!r}")
    by_day = period == "day"
    # an export without a provider column is all AWS (a test of every line item's '' costs
    # a tenth of the bill: DuckDB does not fold it away)
    has_provider = source.schema.source_column("provider", source.present) is not None
    return {
        "other_provider": OTHER_PROVIDER if has_provider else "''",
        "grouped": ("period, " if by_day else "") + GROUPED,
        "period": "period, " if by_day else "",
        "period_of": f"date_trunc('day', {PLACED}) AS period," if by_day else "",
        "repeats": repeated_ids(source),
    }


def repeated_ids(source: Source) -> str:
    """SQL of one row, ``repeats``: how many line item ids have two line items starting in one
    hour (AWS line item ids repeat hour after hour, never within the hour). Every duplicate
    delivery is among them; so may be rare legitimate line items, which the exact "checks"
    query then tells apart. Reads the ids and start times apart from the bill's groups (their
    own small table, 63 hours of each id in the bits of one number). Not read for a source
    already checked (its findings say what the exact checks found). Read in AWS's folder
    layout too, although AWS never repeats an id within a partition: a file rewritten by a
    pipeline can, and a line item counted twice is the worst error a bill can have."""
    if source.deduplicate or source.findings is not None:
        return "SELECT 0 AS repeats"
    expressions = source.schema.expressions(source.present, source.types)
    line_item_id, start = expressions["line_item_id"], expressions["usage_start"]
    aws = f" AND lower({expressions['provider']}) IN {AWS_PROVIDERS}" if source.aws_only else ""
    hour = f"CAST(epoch({start}) AS BIGINT) // 3600"  # hours since 1970
    bit = f"((hour % {HOUR_BLOCK}) + {HOUR_BLOCK}) % {HOUR_BLOCK}"  # in 0..62 for any hour
    # ids grouped by their hash (a number is quicker to group than 50 characters): two ids of
    # one hash in one hour are sent to the exact check like a repeat, never missed
    return f"""
        SELECT COUNT(*) AS repeats FROM (
          SELECT bit_count(bit_or(CAST(1 AS BIGINT) << CAST(bit AS INTEGER))) AS hours, COUNT(bit) AS items
          FROM (SELECT id_hash, {bit} AS bit, hour - {bit} AS block
                FROM (SELECT hash({line_item_id}) AS id_hash, {hour} AS hour
                      FROM {source.relation} WHERE {line_item_id} <> ''{aws}) AS ids) AS hours
          GROUP BY id_hash, block
        ) AS blocks WHERE hours < items"""


def product_names_parameters(codes: list[str], hours: list[str]) -> dict[str, str]:
    """``product_names``'s product codes and hours (``YYYY-MM-DD HH:MM:SS[.ffffff]``) as SQL literals."""
    return {
        "codes": ", ".join("'" + c.replace("'", "''") + "'" for c in codes),
        "hours": ", ".join(f"TIMESTAMP '{h}'" for h in hours),
    }


def partition_filter(source: Source, month: str | None) -> str | None:
    """SQL naming ``month``'s partition of an Athena table (``BILLING_PERIOD=2026-10`` of a
    Data Export, ``year=2026/month=10`` of a legacy CUR's crawler), or None: Athena charges per
    byte scanned, and a month's query would otherwise read the organisation's whole history.
    Exact because a line item counted in a month (:data:`PLACED`) is on that month's bill."""
    if source.engine != "athena" or month is None:
        return None
    columns = {c.lower(): c for c in source.present}
    period = pd_period(month)
    if "billing_period" in columns:
        return f"{q(columns['billing_period'])} = '{period:%Y-%m}'"
    if "year" in columns and "month" in columns:
        year, number = q(columns["year"]), q(columns["month"])
        if "CHAR" in source.types.get(columns["month"], "VARCHAR").upper():
            # the crawler's month is text, 9 in S3's month=9 (not 09)
            return f"{year} = '{period.year}' AND {number} IN ('{period.month}', '{period.month:02d}')"
        return f"{year} = {period.year} AND {number} = {period.month}"
    return None


def pd_period(month: str) -> Any:
    """``month`` as a pandas Period (pandas imported late: a command's start-up time)."""
    import pandas as pd

    return pd.Period(parse_month(month, "--month"), "M")


def canonical_cte(source: Source, extra: dict[str, str] | None = None, month: str | None = None) -> str:
    """``WITH li AS (...)``: the source's columns as the canonical ones (and ``extra``
    columns a query needs, e.g. the value of one tag); with ``month``, an Athena table's
    partitions of other months are not read (:func:`partition_filter`)."""
    expressions = source.schema.expressions(source.present, source.types) | (extra or {})
    # the file a line item is in (ids are unique per partition); Athena's table is one partition here
    expressions["source_file"] = "filename" if source.engine == "duckdb" else "''"
    select = ",\n       ".join(f"{sql} AS {name}" for name, sql in expressions.items())
    # a line item delivered twice (the same id, interval and content) is read once
    distinct = "DISTINCT " if source.deduplicate else ""
    # a FOCUS file's rows of other providers are not this AWS bill's (they are reported apart)
    conditions = [f"lower({expressions['provider']}) IN {AWS_PROVIDERS}"] if source.aws_only else []
    conditions += [c for c in [partition_filter(source, month)] if c]
    where = "\n WHERE " + " AND ".join(conditions) if conditions else ""
    return f"WITH li AS (\n SELECT {distinct}{select}\n FROM {source.relation}{where}\n)"


def render(
    name: str,
    source: Source,
    extra: dict[str, str] | None = None,
    month: str | None = None,
    **parameters: str,
) -> str:
    """The SQL of query ``name`` on ``source``, in the source engine's dialect (``month``: the
    one month it reads, see :func:`canonical_cte`)."""
    sql = canonical_cte(source, extra, month) + "\n" + QUERIES[name].format(**parameters)
    return to_athena(sql) if source.engine == "athena" else sql


def to_athena(sql: str) -> str:
    """DuckDB SQL as Athena (Trino) SQL: sqlglot's transpilation, map subscripts as element_at."""
    import sqlglot
    from sqlglot import exp

    def element_at(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
            key = node.expressions[0]
            if isinstance(key, exp.Literal) and key.is_string:
                return exp.Anonymous(this="element_at", expressions=[node.this, key])
        if isinstance(node, exp.Anonymous) and str(node.this).upper() == "HASH":
            # Trino has no hash(): xxhash64 of the values joined as text
            texts = [exp.cast(e, "VARCHAR") for e in node.expressions]
            joined = exp.Anonymous(this="concat_ws", expressions=[exp.Literal.string("|"), *texts])
            return exp.Anonymous(
                this="xxhash64", expressions=[exp.Anonymous(this="to_utf8", expressions=[joined])]
            )
        if isinstance(node, exp.Anonymous) and str(node.this).upper() == "BIT_COUNT":
            # Trino's bit_count takes the width: every count here is of a BIGINT
            return exp.Anonymous(this="bit_count", expressions=[*node.expressions, exp.Literal.number(64)])
        if isinstance(node, exp.Anonymous) and str(node.this).upper() == "JSON_VALID":
            parsed = exp.Anonymous(this="json_parse", expressions=list(node.expressions))
            return exp.Not(
                this=exp.Is(this=exp.Anonymous(this="TRY", expressions=[parsed]), expression=exp.Null())
            )
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(element_at)
    return tree.sql(dialect="trino")


__all__ = [
    "QUERIES",
    "bill_parameters",
    "breakdown_key",
    "canonical_cte",
    "month_filter",
    "partition_filter",
    "product_names_parameters",
    "render",
    "to_athena",
]
