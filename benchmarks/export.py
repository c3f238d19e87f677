"""A realistic CUR 2.0 export of any size, written in chunks (never held in memory).

Made for the line-item benchmark, which must not measure one small sample repeated (that
compresses to almost nothing and has a few hundred distinct values). Every line item here is
one resource's usage in one hour, as AWS writes them:

- about a thousand usage types (eight regions, EC2 / RDS / ElastiCache instance types, EBS,
  S3, data transfer, Lambda, DynamoDB, ... and two AWS Marketplace products whose codes the
  project does not know), each with its product attributes in the ``product`` map (8 to 25
  keys, as AWS fills it) and its price;
- resources that come and go: each slot of the fleet holds a resource for 1 to 60 days, then
  a new one (new id), so a 10M-line export has tens of thousands of resource ids;
- 20 usage accounts, tags (team, environment, service, owner; some resources untagged),
  on-demand, reserved (``DiscountedUsage``), Savings Plans covered and negated hours, and each
  month's fees, RI and Savings Plans charges, credits and tax;
- the CUR 2.0 columns (about 70 of them), ids and amounts that do not repeat, written by DuckDB
  as AWS delivers them: one folder per billing period (``BILLING_PERIOD=2026-08/``), Parquet
  files of at most about 256 MB, Snappy compressed.

Deterministic: line item ``i`` is a function of ``i`` (pseudo-random numbers are hashes of it).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

MONTHS = ("2026-08", "2026-09", "2026-10")  # the billing periods written
ACCOUNTS = 20
PAYER = "210987654321"

REGIONS = [  # (region, usage type prefix, location)
    ("us-east-1", "", "US East (N. Virginia)"),
    ("us-east-2", "USE2-", "US East (Ohio)"),
    ("us-west-2", "USW2-", "US West (Oregon)"),
    ("eu-west-1", "EU-", "EU (Ireland)"),
    ("eu-central-1", "EUC1-", "EU (Frankfurt)"),
    ("ap-northeast-1", "APN1-", "Asia Pacific (Tokyo)"),
    ("ap-southeast-2", "APS2-", "Asia Pacific (Sydney)"),
    ("sa-east-1", "SAE1-", "South America (Sao Paulo)"),
]
PRODUCTS = {  # product code -> (product name, service code)
    "AmazonEC2": "Amazon Elastic Compute Cloud",
    "AmazonRDS": "Amazon Relational Database Service",
    "AmazonElastiCache": "Amazon ElastiCache",
    "AmazonS3": "Amazon Simple Storage Service",
    "AWSDataTransfer": "AWS Data Transfer",
    "AWSLambda": "AWS Lambda",
    "AmazonDynamoDB": "Amazon DynamoDB",
    "AmazonCloudWatch": "AmazonCloudWatch",
    "AmazonMSK": "Amazon Managed Streaming for Apache Kafka",
    "AmazonEKS": "Amazon Elastic Container Service for Kubernetes",
    "AWSELB": "Elastic Load Balancing",
    "AmazonVPC": "Amazon Virtual Private Cloud",
    "awskms": "AWS Key Management Service",
    "AWSQueueService": "Amazon Simple Queue Service",
    "AmazonSNS": "Amazon Simple Notification Service",
    "AmazonECR": "Amazon EC2 Container Registry (ECR)",
    "AWSSecretsManager": "AWS Secrets Manager",
    "AmazonEFS": "Amazon Elastic File System",
    "AWSGlue": "AWS Glue",
    "AmazonAthena": "Amazon Athena",
    "AmazonKinesis": "Amazon Kinesis",
    "AWSConfig": "AWS Config",
    "AmazonGuardDuty": "Amazon GuardDuty",
    "AWSBackup": "AWS Backup",
    # AWS Marketplace products: codes no table knows; their name is only in the export
    "8ba2mfx2r7bq3evk1d5ue7ifp": "Datadog Pro (Pay-As-You-Go)",
    "c3hh8i8ffmlmr0b5ib9b3pe8u": "Confluent Cloud (Annual Commits)",
}
# instance types: (type, vCPU, memory GiB, on-demand USD per hour in us-east-1)
EC2_TYPES = [
    (f"{family}.{size}", vcpu, vcpu * memory_per_vcpu, round(price * vcpu, 4))
    for family, memory_per_vcpu, price in [
        ("m5", 4, 0.048),
        ("m6i", 4, 0.048),
        ("m6g", 4, 0.0385),
        ("m7g", 4, 0.0408),
        ("c5", 2, 0.0425),
        ("c6i", 2, 0.0425),
        ("c6g", 2, 0.034),
        ("c7g", 2, 0.0363),
        ("r5", 8, 0.063),
        ("r6i", 8, 0.063),
        ("r6g", 8, 0.0504),
        ("t3", 4, 0.0208),
    ]
    for size, vcpu in [("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16)]
]
RDS_TYPES = [(t, v, m, round(p * 2.1, 4)) for t, v, m, p in EC2_TYPES if t[:2] in ("m5", "m6", "r5", "r6")]
CACHE_TYPES = [(t, v, m, round(p * 1.4, 4)) for t, v, m, p in EC2_TYPES if t[:2] in ("r6", "m6")]
TEAMS = ["payments", "search", "checkout", "platform", "data", "ml", "web", "mobile", "ads", "identity"]
REGION_PRICE = [1.0, 1.0, 1.0, 1.11, 1.16, 1.26, 1.22, 1.55]


STORAGE = {"productFamily": "Storage"}
TRANSFER = {"productFamily": "Data Transfer", "transferType": "AWS Outbound"}
NAT = {"productFamily": "NAT Gateway"}
# (usage type, operation, unit, price in us-east-1 [USD per unit], amount scale, product code, attributes)
OTHER_USAGE: list[tuple[str, str, str, float, float, str, dict[str, str]]] = [
    ("EBS:VolumeUsage.gp3", "CreateVolume-Gp3", "GB-Mo", 0.08, 0.7, "AmazonEC2", STORAGE),
    ("EBS:VolumeUsage.gp2", "CreateVolume-Gp2", "GB-Mo", 0.10, 0.4, "AmazonEC2", STORAGE),
    ("EBS:SnapshotUsage", "CreateSnapshot", "GB-Mo", 0.05, 2.0, "AmazonEC2", STORAGE),
    ("EBS:VolumeP-IOPS.gp3", "CreateVolume-Gp3", "IOPS-Mo", 0.005, 3.0, "AmazonEC2", STORAGE),
    ("NatGateway-Hours", "NatGateway", "Hrs", 0.045, 0, "AmazonEC2", NAT),
    ("NatGateway-Bytes", "NatGateway", "GB", 0.045, 4.0, "AmazonEC2", NAT),
    ("ElasticIP:IdleAddress", "AssociateAddressVPC", "Hrs", 0.005, 0, "AmazonEC2", {}),
    ("DataTransfer-Regional-Bytes", "InterZone-In", "GB", 0.01, 6.0, "AWSDataTransfer", TRANSFER),
    ("DataTransfer-Out-Bytes", "", "GB", 0.09, 3.0, "AWSDataTransfer", TRANSFER),
    ("DataTransfer-In-Bytes", "", "GB", 0.0, 8.0, "AWSDataTransfer", TRANSFER),
    ("TimedStorage-ByteHrs", "PutObject", "GB-Mo", 0.023, 40.0, "AmazonS3", STORAGE),
    ("TimedStorage-INT-FA-ByteHrs", "PutObject", "GB-Mo", 0.023, 30.0, "AmazonS3", STORAGE),
    ("Requests-Tier1", "PutObject", "Requests", 0.000005, 2000.0, "AmazonS3", {}),
    ("Requests-Tier2", "GetObject", "Requests", 0.0000004, 9000.0, "AmazonS3", {}),
    ("Lambda-GB-Second", "Invoke", "Lambda-GB-Second", 0.0000166667, 5000.0, "AWSLambda", {}),
    ("Request", "Invoke", "Requests", 0.0000002, 20000.0, "AWSLambda", {}),
    (
        "ReadCapacityUnit-Hrs",
        "CommittedThroughput",
        "ReadCapacityUnit-Hrs",
        0.00013,
        50.0,
        "AmazonDynamoDB",
        {},
    ),
    (
        "WriteCapacityUnit-Hrs",
        "CommittedThroughput",
        "WriteCapacityUnit-Hrs",
        0.00065,
        20.0,
        "AmazonDynamoDB",
        {},
    ),
    (
        "TimedStorage-ByteHrs",
        "PayPerRequestThroughput",
        "GB-Mo",
        0.25,
        5.0,
        "AmazonDynamoDB",
        STORAGE,
    ),
    ("CW:MetricMonitorUsage", "MetricStorage", "Metrics", 0.30, 0.05, "AmazonCloudWatch", {}),
    ("DataProcessing-Bytes", "PutLogEvents", "GB", 0.50, 0.5, "AmazonCloudWatch", {}),
    ("CW:Requests", "GetMetricData", "Requests", 0.00001, 3000.0, "AmazonCloudWatch", {}),
    ("Kafka.m5.large", "RunBroker", "Hrs", 0.21, 0, "AmazonMSK", {}),
    ("Kafka.Storage.GP2", "RunVolume", "GB-Mo", 0.10, 1.5, "AmazonMSK", STORAGE),
    ("AmazonEKS-Hours:perCluster", "CreateOperation", "Hrs", 0.10, 0, "AmazonEKS", {}),
    ("LoadBalancerUsage", "LoadBalancing:Application", "Hrs", 0.0225, 0, "AWSELB", {}),
    ("LCUUsage", "LoadBalancing:Application", "LCU-Hrs", 0.008, 3.0, "AWSELB", {}),
    ("VpcEndpoint-Hours", "VpcEndpoint", "Hrs", 0.01, 0, "AmazonVPC", {}),
    ("VpcEndpoint-Bytes", "VpcEndpoint", "GB", 0.01, 2.0, "AmazonVPC", {}),
    ("KMS-Requests", "GenerateDataKey", "Requests", 0.000003, 800.0, "awskms", {}),
    ("KMS-Keys", "CreateKey", "Keys", 1.0, 0.0014, "awskms", {}),
    ("Requests-RBP", "ReceiveMessage", "Requests", 0.0000004, 6000.0, "AWSQueueService", {}),
    ("Requests-Tier1", "Publish", "Requests", 0.0000005, 1500.0, "AmazonSNS", {}),
    ("TimedStorage-ByteHrs", "", "GB-Mo", 0.10, 3.0, "AmazonECR", STORAGE),
    ("AWSSecretsManager-Secrets", "StoreSecret", "Secrets", 0.40, 0.0014, "AWSSecretsManager", {}),
    ("TimedStorage-ByteHrs", "", "GB-Mo", 0.30, 2.0, "AmazonEFS", STORAGE),
    ("Crawler-DPU-Hour", "CrawlerRun", "DPU-Hour", 0.44, 0.2, "AWSGlue", {}),
    ("DataScannedInTB", "RunQuery", "Terabytes", 5.0, 0.001, "AmazonAthena", {}),
    ("Storage-ShardHour", "shardHourStorage", "ShardHour", 0.015, 0, "AmazonKinesis", {}),
    ("ConfigurationItemRecorded", "", "ConfigurationItemRecorded", 0.003, 10.0, "AWSConfig", {}),
    ("PaidEventsAnalyzed", "", "Events", 0.000004, 5000.0, "AmazonGuardDuty", {}),
    ("WarmStorage-ByteHrs-EBS", "", "GB-Mo", 0.05, 3.0, "AWSBackup", STORAGE),
    ("MP:Hosts", "Unused", "Hosts", 0.03, 0, "8ba2mfx2r7bq3evk1d5ue7ifp", {"productFamily": "SaaS"}),
    ("MP:Ingest", "Unused", "GB", 0.10, 1.0, "c3hh8i8ffmlmr0b5ib9b3pe8u", {"productFamily": "SaaS"}),
]


def _catalogue() -> list[tuple[str, str, str, str, float, float, dict[str, str]]]:
    """What the fleet runs, in any region: (product code, usage type, operation, unit, price in
    us-east-1 [USD per unit], how much a line item uses (0: one unit, an hour; else the scale
    of a random amount), product attributes)."""
    out = []
    for name, vcpu, memory, price in EC2_TYPES:
        family = name.split(".")[0]
        graviton = family.endswith("g")
        attrs = {
            "instanceType": name,
            "instanceFamily": "Memory optimized" if family[0] == "r" else "General purpose",
            "vcpu": str(vcpu),
            "memory": f"{memory} GiB",
            "physicalProcessor": "AWS Graviton2 Processor" if graviton else "Intel Xeon Platinum 8175",
            "clockSpeed": "2.5 GHz",
            "processorArchitecture": "64-bit",
            "processorFeatures": "AWS Graviton" if graviton else "Intel AVX; Intel AVX2; Intel AVX512",
            "currentGeneration": "Yes",
            "ecu": "NA" if graviton else str(vcpu * 4),
            "networkPerformance": "Up to 10 Gigabit",
            "storage": "EBS only",
            "tenancy": "Shared",
            "operatingSystem": "Linux",
            "preInstalledSw": "NA",
            "licenseModel": "No License required",
            "capacitystatus": "Used",
            "normalizationSizeFactor": str(vcpu * 2),
            "marketoption": "OnDemand",
            "productFamily": "Compute Instance",
        }
        out.append(("AmazonEC2", f"BoxUsage:{name}", "RunInstances", "Hrs", price, 0.0, attrs))
        out.append(("AmazonEC2", f"SpotUsage:{name}", "RunInstances:SV001", "Hrs", price * 0.35, 0.0, attrs))
    for name, vcpu, memory, price in RDS_TYPES:
        for engine, operation in [
            ("PostgreSQL", "CreateDBInstance:0014"),
            ("MySQL", "CreateDBInstance:0002"),
        ]:
            attrs = {
                "instanceType": "db." + name,
                "vcpu": str(vcpu),
                "memory": f"{memory} GiB",
                "databaseEngine": engine,
                "deploymentOption": "Single-AZ",
                "licenseModel": "No license required",
                "productFamily": "Database Instance",
            }
            out.append(("AmazonRDS", f"InstanceUsage:db.{name}", operation, "Hrs", price, 0.0, attrs))
    for name, vcpu, memory, price in CACHE_TYPES:
        attrs = {
            "instanceType": "cache." + name,
            "vcpu": str(vcpu),
            "memory": f"{memory} GiB",
            "cacheEngine": "Redis",
            "productFamily": "Cache Instance",
        }
        out.append(
            (
                "AmazonElastiCache",
                f"NodeUsage:cache.{name}",
                "CreateCacheCluster:0002",
                "Hrs",
                price,
                0.0,
                attrs,
            )
        )
    return out + [
        (code, usage, op, unit, price, amount, attrs)
        for usage, op, unit, price, amount, code, attrs in OTHER_USAGE
    ]


def _usage_kinds() -> list[dict]:
    """Every usage kind of the fleet: the catalogue in each region, its price and usage type
    as that region has them, and the product attributes AWS puts in the ``product`` map."""
    kinds = []
    for (region, prefix, location), factor in zip(REGIONS, REGION_PRICE, strict=True):
        for code, usage, operation, unit, price, amount, attrs in _catalogue():
            kinds.append(
                {
                    "kind": len(kinds),
                    "product_code": code,
                    "usage_type": prefix + usage,
                    "operation": operation,
                    "unit": unit,
                    "rate": round(price * factor, 10),
                    "amount": amount,
                    "region": region,
                    "instance": usage.split(":")[0]
                    in ("BoxUsage", "InstanceUsage", "NodeUsage", "SpotUsage"),
                    # what CUR 2.0 has no flat column for is in the map (product_instance_type,
                    # product_region_code, product_location, product_product_family are flat)
                    "attributes": {"product_name": PRODUCTS[code], "servicename": PRODUCTS[code], **attrs},
                    "location": location,
                }
            )
    return kinds


def kinds_table() -> pd.DataFrame:
    """The usage kinds as a table: the ``product`` map as key and value lists (less what
    CUR 2.0 has flat columns for: instance type and family, product family)."""
    frame = pd.DataFrame(_usage_kinds())
    flat = ("instanceType", "instanceFamily", "productFamily")
    for key in flat:
        frame[key] = [a.get(key, "") for a in frame["attributes"]]
    frame["product_keys"] = [[k for k in a if k not in flat] for a in frame["attributes"]]
    frame["product_values"] = [[v for k, v in a.items() if k not in flat] for a in frame["attributes"]]
    return frame.drop(columns=["attributes"])


def _hours(month: str) -> int:
    return pd.Period(month, "M").days_in_month * 24


def _u(expression: str, salt: str) -> str:
    """A pseudo-random number in [0, 1) drawn from ``expression`` (a line item, slot or resource)."""
    return f"((hash({expression}, '{salt}') % 1000003) / 1000003.0)"


def _pick(values: list[str], expression: str) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    return f"[{listed}][CAST(1 + hash({expression}, 'pick') % {len(values)} AS BIGINT)]"


def _hourly_lines(first_hour: int, month_start: str, slots: int, lo: int, hi: int) -> str:
    """The fleet's line items ``lo`` to ``hi`` (exclusive): line item ``i`` is slot
    ``i % slots`` in hour ``i // slots`` (hours counted from the first month's start)."""
    u = _u
    life = "(24 * (1 + hash(slot, 'life') % 60))"  # hours a slot keeps one resource: 1 to 60 days
    return f"""
      SELECT i, slot, account, resource, k.*, k.usage_type AS usage, k.rate AS price,
             TIMESTAMP '{month_start}' + to_hours(CAST(hour - {first_hour} AS BIGINT)) AS start,
             INTERVAL 1 HOUR AS duration,
             CASE WHEN NOT k.instance THEN 'Usage'
                  WHEN purchase < 3 THEN 'DiscountedUsage'
                  WHEN purchase < 6 THEN 'SavingsPlanCoveredUsage'
                  WHEN purchase = 6 THEN 'SavingsPlanNegation'
                  ELSE 'Usage' END AS line_type,
             CASE WHEN k.amount = 0 THEN 1.0
                  ELSE round(k.amount * (0.05 + 3 * pow({u("i", "amount")}, 2)), 6) END AS used
      FROM (
        SELECT i, hour, slot, slot * 100000 + (hour + hash(slot, 'offset') % {life}) // {life} AS resource,
               -- common kinds (small instances, STORAGE) more often than rare ones
               CAST(floor(pow({u("slot", "kind")}, 1.7) * (SELECT COUNT(*) FROM kinds)) AS BIGINT) AS kind,
               hash(slot, 'account') % {ACCOUNTS} AS account, hash(slot, 'purchase') % 20 AS purchase
        FROM (SELECT i, i // {slots} AS hour, i % {slots} AS slot FROM range({lo}, {hi}) AS r(i))
      ) JOIN kinds k USING (kind)"""


def _monthly_lines(month_start: str, hours: int) -> str:
    """The month's line items that are no hour of a resource, per account and product: tax,
    some credits, EC2's support fee, and three accounts' RI and Savings Plans fees."""
    return f"""
      SELECT -1 AS i, -1 AS slot, account, -1 AS resource, k.*,
             CASE t.line_type WHEN 'RIFee' THEN 'HeavyUsage:m5.xlarge'
                  WHEN 'SavingsPlanRecurringFee' THEN 'ComputeSP:1yrNoUpfront'
                  WHEN 'Fee' THEN 'EC2-Support' ELSE '' END AS usage,
             CASE WHEN t.line_type = 'Credit' THEN -25.0 - hash(account, k.product_code) % 500
                  ELSE 1 + (hash(account, k.product_code, t.line_type) % 900000) / 100.0 END AS price,
             TIMESTAMP '{month_start}' AS start, INTERVAL 1 MONTH AS duration, t.line_type,
             CASE WHEN t.line_type IN ('RIFee', 'SavingsPlanRecurringFee') THEN {hours}.0 ELSE 1.0 END AS used
      FROM range({ACCOUNTS}) AS a(account),
           (SELECT * FROM kinds WHERE kind IN (SELECT MIN(kind) FROM kinds GROUP BY product_code)) AS k,
           (VALUES ('Tax'), ('Credit'), ('Fee'), ('RIFee'), ('SavingsPlanRecurringFee')) AS t(line_type)
      WHERE t.line_type = 'Tax'
         OR (t.line_type = 'Credit' AND hash(account, k.product_code) % 9 = 0)
         OR (t.line_type = 'Fee' AND k.product_code = 'AmazonEC2')
         OR (t.line_type IN ('RIFee', 'SavingsPlanRecurringFee')
             AND k.product_code = 'AmazonEC2' AND account < 3)"""


def _columns(lines: str, month_start: str) -> str:
    """CUR 2.0 columns of ``lines`` (line items as :func:`_hourly_lines` gives them)."""
    cost = (
        "CASE line_type WHEN 'DiscountedUsage' THEN 0.0 "
        "WHEN 'SavingsPlanNegation' THEN -round(price * used, 10) "
        "WHEN 'RIFee' THEN round(price * used / 1000, 10) ELSE round(price * used, 10) END"
    )
    account = "lpad(CAST(account AS VARCHAR), 12, '7')"
    arn = f"'arn:aws:' || lower(product_code) || ':' || region || ':' || {account}"
    return f"""
    SELECT
      -- a resource's usage keeps its id from hour to hour (the id and the interval are unique), 52
      -- characters as AWS writes them
      substr(md5(resource || usage || line_type || account || product_code)
             || md5(product_code || account || line_type || usage || resource), 1, 52)
        AS identity_line_item_id,
      strftime(start, '%Y-%m-%dT%H:%M:%SZ') || '/' || strftime(start + duration, '%Y-%m-%dT%H:%M:%SZ')
        AS identity_time_interval,
      'Anniversary' AS bill_bill_type,
      'AWS' AS bill_billing_entity,
      TIMESTAMP '{month_start}' AS bill_billing_period_start_date,
      TIMESTAMP '{month_start}' + INTERVAL 1 MONTH AS bill_billing_period_end_date,
      'EUINIE{month_start[:7].replace("-", "")}' AS bill_invoice_id,
      'Amazon Web Services, Inc.' AS bill_invoicing_entity,
      '{PAYER}' AS bill_payer_account_id,
      'Example Corp' AS bill_payer_account_name,
      line_type AS line_item_line_item_type,
      start AS line_item_usage_start_date,
      start + duration AS line_item_usage_end_date,
      product_code AS line_item_product_code,
      usage AS line_item_usage_type,
      operation AS line_item_operation,
      CASE WHEN resource >= 0 THEN region || chr(97 + CAST(hash(resource, 'az') % 3 AS INTEGER)) END
        AS line_item_availability_zone,
      CASE WHEN resource < 0 THEN ''
           WHEN instance THEN 'i-0' || substr(md5(CAST(resource AS VARCHAR)), 1, 16)
           WHEN unit = 'GB-Mo' THEN {arn} || ':volume/vol-' || substr(md5(CAST(resource AS VARCHAR)), 1, 17)
           ELSE {arn} || ':' || lower(operation) || '/' || resource END AS line_item_resource_id,
      used AS line_item_usage_amount,
      CASE WHEN instance THEN used * (hash(kind) % 8 + 1) END AS line_item_normalized_usage_amount,
      CASE WHEN instance THEN CAST(hash(kind) % 8 + 1 AS DOUBLE) END AS line_item_normalization_factor,
      'USD' AS line_item_currency_code,
      {cost} AS line_item_unblended_cost,
      CASE line_type WHEN 'DiscountedUsage' THEN 0.0 ELSE price END AS line_item_unblended_rate,
      {cost} AS line_item_blended_cost,
      price AS line_item_blended_rate,
      '$' || price || ' per ' || unit || ' for ' || usage AS line_item_line_item_description,
      CASE WHEN line_type = 'Tax' THEN 'VAT' ELSE '' END AS line_item_tax_type,
      'Amazon Web Services, Inc.' AS line_item_legal_entity,
      {account} AS line_item_usage_account_id,
      'account-' || account AS line_item_usage_account_name,
      round(price * used, 10) AS pricing_public_on_demand_cost,
      price AS pricing_public_on_demand_rate,
      CASE WHEN line_type = 'DiscountedUsage' THEN 'Reserved' ELSE 'OnDemand' END AS pricing_term,
      CASE WHEN line_type = 'DiscountedUsage' THEN 'No Upfront' ELSE '' END AS pricing_purchase_option,
      upper(substr(md5(usage || operation), 1, 16)) || '.JRTCKXETXF.6YS6EN2CT7' AS pricing_rate_code,
      CAST(hash(kind, line_type) % 100000000000 AS VARCHAR) AS pricing_rate_id,
      unit AS pricing_unit,
      'USD' AS pricing_currency,
      product,
      product_code AS product_servicecode,
      region AS product_region_code,
      instanceType AS product_instance_type,
      instanceFamily AS product_instance_family,
      productFamily AS product_product_family,
      usage AS product_usagetype,
      upper(substr(md5(usage || operation), 1, 16)) AS product_sku,
      location AS product_location,
      'AWS Region' AS product_location_type,
      CASE WHEN line_type IN ('DiscountedUsage', 'RIFee')
           THEN 'arn:aws:ec2:' || region || ':{PAYER}:reserved-instances/ri-' || (account % 3) END
        AS reservation_reservation_a_r_n,
      CASE WHEN line_type = 'DiscountedUsage' THEN round(price * 0.62, 10) END AS reservation_effective_cost,
      CASE WHEN line_type = 'DiscountedUsage' THEN round(price * 0.62, 10) END
        AS reservation_recurring_fee_for_usage,
      CASE WHEN line_type = 'DiscountedUsage' THEN 0.0 END AS reservation_amortized_upfront_cost_for_usage,
      CASE WHEN line_type = 'RIFee' THEN 0.0 END
        AS reservation_unused_amortized_upfront_fee_for_billing_period,
      CASE WHEN line_type = 'RIFee' THEN round(price * used / 20000, 10) END
        AS reservation_unused_recurring_fee,
      CASE WHEN line_type IN ('DiscountedUsage', 'RIFee') THEN used END AS reservation_total_reserved_units,
      CASE WHEN line_type IN ('SavingsPlanCoveredUsage', 'SavingsPlanNegation', 'SavingsPlanRecurringFee')
           THEN 'arn:aws:savingsplans::{PAYER}:savingsplan/sp-' || (account % 5) END
        AS savings_plan_savings_plan_a_r_n,
      CASE WHEN line_type = 'SavingsPlanCoveredUsage' THEN round(price * used * 0.72, 10) END
        AS savings_plan_savings_plan_effective_cost,
      CASE WHEN line_type = 'SavingsPlanCoveredUsage' THEN round(price * 0.72, 10) END
        AS savings_plan_savings_plan_rate,
      CASE WHEN line_type = 'SavingsPlanRecurringFee' THEN round(price * used, 10) END
        AS savings_plan_total_commitment_to_date,
      CASE WHEN line_type = 'SavingsPlanRecurringFee' THEN round(price * used * 0.96, 10) END
        AS savings_plan_used_commitment,
      CASE WHEN resource < 0 OR hash(resource, 'tagged') % 7 = 0 THEN MAP {{}}::MAP(VARCHAR, VARCHAR)
           WHEN hash(resource, 'tagged') % 3 = 0
           THEN MAP {{'user_team': {_pick(TEAMS, "resource")}, 'user_environment': 'production'}}
           ELSE MAP {{'user_team': {_pick(TEAMS, "resource")},
                      'user_environment': {_pick(["production", "staging", "development"], "slot")},
                      'user_service': 'svc-' || (hash(resource, 'service') % 300),
                      'user_owner': 'owner-' || (hash(slot, 'owner') % 80)}} END AS resource_tags,
      MAP {{}}::MAP(VARCHAR, VARCHAR) AS cost_category,
      MAP {{}}::MAP(VARCHAR, DOUBLE) AS discount
    FROM ({lines})"""


CHUNK = 4_000_000  # line items per file (about 200 MB)


def monthly_line_items(con: object) -> int:
    """Line items per month that are no hour of a resource (fees, tax, credits)."""
    (count,) = con.execute(f"SELECT COUNT(*) FROM ({_monthly_lines(f'{MONTHS[0]}-01', 1)})").fetchone()  # type: ignore[attr-defined]
    return int(count)


def write_export(folder: str | Path, rows: int, memory_limit: str = "1GB") -> list[Path]:
    """Write a CUR 2.0 export of exactly ``rows`` line items under ``folder`` (one
    ``BILLING_PERIOD=YYYY-MM`` folder per month of :data:`MONTHS`, files of at most
    :data:`CHUNK` line items); the files written."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET TimeZone = 'UTC'")
    con.register("kinds_frame", kinds_table())
    # the product map built once per kind (building a MAP per line item is slow)
    con.execute(
        "CREATE TABLE kinds AS SELECT * EXCLUDE (product_keys, product_values), "
        "MAP(product_keys, product_values) AS product FROM kinds_frame"
    )
    hours = [_hours(m) for m in MONTHS]
    hourly = rows - monthly_line_items(con) * len(MONTHS)
    if hourly < sum(hours):
        raise ValueError(f"{rows:,} line items are too few for {len(MONTHS)} months of hourly line items")
    slots = -(-hourly // sum(hours))  # the fleet's size: one line item per slot and hour
    written = []
    first = 0
    for month, month_hours in zip(MONTHS, hours, strict=True):
        start = f"{month}-01"
        target = Path(folder) / f"BILLING_PERIOD={month}"
        target.mkdir(parents=True, exist_ok=True)
        lo, hi = first * slots, min((first + month_hours) * slots, hourly)
        for number, chunk in enumerate(range(lo, hi, CHUNK)):
            lines = _hourly_lines(first, start, slots, chunk, min(chunk + CHUNK, hi))
            if number == 0:
                lines += f"\n      UNION ALL BY NAME {_monthly_lines(start, month_hours)}"
            path = target / f"cur2-{number:05d}.snappy.parquet"
            con.execute(f"COPY ({_columns(lines, start)}) TO '{path}' (FORMAT PARQUET, COMPRESSION SNAPPY)")
            written.append(path)
        first += month_hours
    return written


def export_size(files: list[Path]) -> int:
    """Bytes on disk [B]."""
    return sum(f.stat().st_size for f in files)


__all__ = ["MONTHS", "kinds_table", "write_export"]

if __name__ == "__main__":  # python benchmarks/export.py FOLDER ROWS: write one to look at
    import sys

    out = write_export(sys.argv[1], int(sys.argv[2]))
    print(f"{len(out)} files, {export_size(out) / 1e6:,.0f} MB")
