"""Golden table of the whole production estimate (line items rounded to cents).

Regenerate on purpose with ``make golden`` (``pytest tests/test_golden.py --update-golden``)
and review the diff: every changed cent should be explained by a price or model change.
"""

from pathlib import Path

import pandas as pd

from costmodel.estimate import LINE_ITEM_COLUMNS, estimate

GOLDEN = Path(__file__).parent / "golden" / "production_estimate.csv"


def render(items: pd.DataFrame) -> str:
    table = items.loc[:, LINE_ITEM_COLUMNS].copy()
    table["quantity"] = table["quantity"].round(4)
    table["monthly_cost"] = table["monthly_cost"].map(lambda v: f"{v:.2f}")
    return table.to_csv(index=False, lineterminator="\n")


def test_production_estimate_matches_golden(production, catalog, update_golden):
    text = render(estimate(production, catalog))
    if update_golden:
        GOLDEN.write_text(text)
    expected = GOLDEN.read_text()
    assert text == expected, "estimate changed: review, then run `make golden` to accept it"


def test_golden_total_is_the_hand_checked_sum():
    golden = pd.read_csv(GOLDEN)
    # EKS 73 + 365 (extended support) + 744.60 + 24; RDS 1,460 + 230 + 160 + 2 x (730 + 115 + 80) + backup 0 (free);
    # ElastiCache 900.09; MSK 459.90 + 300; S3 25.31 + 62.80 + 39; EBS 24 + 15; NAT 143.55;
    # transfer 166.99; ALB 45.625; CloudFront 475; Route 53 41 + 1 (health checks); CloudWatch
    # 204.50; WAF 45; Secrets 13; ECR 15; S3 retrieval 0.50; public IPv4 21.90; X-Ray 25; KMS 17.14
    hand = (
        73
        + 365
        + 744.60
        + 24
        + 1460
        + 230
        + 160
        + 2 * (730 + 115 + 80)
        + 900.09
        + 459.90
        + 300
        + 25.31
        + 62.80
        + 39
        + 24
        + 15
        + 143.55
        + 166.99
        + 45.625
        + 475
        + 41
        + 1
        + 15
        + 0.50
        + 21.90
        + 25
        + 17.14
        + 204.50
        + 45
        + 13
    )
    assert abs(golden["monthly_cost"].sum() - hand) < 0.01


# Every line of the golden table, computed by hand from the architecture file and the AWS
# list price of its row (quantity x price; 730 h a month). A line the code adds, drops or
# prices differently fails here, whatever `make golden` wrote.
HAND = {
    ("eks-cluster", "USE1-AmazonEKS-Hours:perCluster"): 730 * 0.10,  # 73.00: 1 cluster
    # EKS 1.28 ended extended support on 2025-11-26; in 2026-11 (the snapshot's month) AWS has
    # upgraded the cluster to 1.31, itself in extended support: + $0.50 x 730 h = $365.00
    ("eks-cluster", "USE1-AmazonEKS-Hours:extendedSupport"): 730 * 0.50,
    ("eks-node-group", "BoxUsage:c5.2xlarge"): 3 * 730 * 0.34,  # 744.60
    ("eks-node-group", "EBS:VolumeUsage.gp3"): 3 * 100 * 0.08,  # 24.00: 100 GB root volume per node
    ("rds-primary", "Multi-AZUsage:db.r5.2xl"): 730 * 2.00,  # 1,460.00
    ("rds-primary", "USE1-RDS:Multi-AZ-GP3-Storage"): 1000 * 0.23,  # 230.00
    ("rds-primary", "USE1-RDS:Multi-AZ-GP3-PIOPS"): (16000 - 12000) * 0.04,  # 160.00 above the 12k baseline
    ("rds-replica-1", "InstanceUsage:db.r5.2xl"): 730 * 1.00,  # 730.00
    ("rds-replica-1", "USE1-RDS:GP3-Storage"): 1000 * 0.115,  # 115.00
    ("rds-replica-1", "USE1-RDS:GP3-PIOPS"): 4000 * 0.02,  # 80.00
    ("rds-replica-2", "InstanceUsage:db.r5.2xl"): 730 * 1.00,
    ("rds-replica-2", "USE1-RDS:GP3-Storage"): 1000 * 0.115,
    ("rds-replica-2", "USE1-RDS:GP3-PIOPS"): 4000 * 0.02,
    # free up to all database storage in the region: 2,750 GB < 3 x 1,000 GB -> $0.00
    ("rds-primary", "RDS:ChargedBackupUsage"): max(0, 2750 - 3 * 1000) * 0.095,
    ("redis", "NodeUsage:cache.r6g.xlarge"): 3 * 730 * 0.411,  # 900.09
    ("msk-cluster", "USE1-Kafka.m5.large"): 3 * 730 * 0.21,  # 459.90
    ("msk-cluster", "USE1-Kafka.Storage.GP2"): 3 * 1000 * 0.10,  # 300.00
    ("company-backups", "TimedStorage-SIA-ByteHrs"): 2000 * 0.0125,  # 25.00
    ("company-backups", "Requests-SIA-Tier1"): 30 * 0.01,  # 0.30: 30,000 PUTs
    ("company-backups", "Requests-SIA-Tier2"): 10 * 0.001,  # 0.01: 10,000 GETs
    ("company-logs", "TimedStorage-INT-FA-ByteHrs"): 1200 * 0.023,  # 27.60: 40% of 3,000 GB
    ("company-logs", "TimedStorage-INT-IA-ByteHrs"): 1800 * 0.0125,  # 22.50: the other 60%
    ("company-logs", "Monitoring-Automation-INT"): 1000 * 0.0025,  # 2.50: 1M objects
    ("company-logs", "Requests-Tier1"): 2000 * 0.005,  # 10.00
    ("company-logs", "Requests-Tier2"): 500 * 0.0004,  # 0.20
    ("company-archives", "TimedStorage-GlacierByteHrs"): 10000 * 0.0036,  # 36.00
    ("company-archives", "Requests-GLACIER-Tier1"): 100 * 0.03,  # 3.00
    ("kubernetes-pv", "EBS:VolumeUsage.gp3"): 3 * 100 * 0.08,  # 24.00
    ("ebs-snapshots", "EBS:SnapshotUsage"): 300 * 0.05,  # 15.00
    ("nat-gateways", "NatGateway-Hours"): 3 * 730 * 0.045,  # 98.55
    ("nat-gateways", "NatGateway-Bytes"): 1000 * 0.045,  # 45.00
    ("data-transfer", "DataTransfer-Out-Bytes"): 1411 * 0.09,  # 126.99 (first 10 TB tier)
    ("data-transfer", "DataTransfer-Regional-Bytes"): 2 * 2000 * 0.01,  # 40.00: both sides
    ("alb", "LoadBalancerUsage"): 730 * 0.0225,  # 16.425
    ("alb", "LCUUsage"): 5 * 730 * 0.008,  # 29.20
    ("cloudfront", "US-DataTransfer-Out-Bytes"): 5000 * 0.085,  # 425.00
    ("cloudfront", "US-Requests-Tier2-HTTPS"): 50 * 100 * 0.01,  # 50.00: 50M requests
    ("route53", "HostedZone"): 2 * 0.50,  # 1.00
    ("route53", "DNS-Queries"): 100 * 0.40,  # 40.00
    ("cloudwatch", "CW:MetricMonitorUsage"): 150 * 0.30,  # 45.00
    ("cloudwatch", "USE1-DataProcessing-Bytes"): 250 * 0.50,  # 125.00
    ("cloudwatch", "USE1-TimedStorage-ByteHrs"): 1000 * 0.03,  # 30.00
    ("cloudwatch", "USE1-DataScanned-Bytes"): 100 * 0.005,  # 0.50
    ("cloudwatch", "CW:AlarmMonitorUsage"): 40 * 0.10,  # 4.00
    ("waf", "USE1-WebACLV2"): 1 * 5.00,  # 5.00
    ("waf", "USE1-RuleV2"): 10 * 1.00,  # 10.00
    ("waf", "USE1-RequestV2-Tier1"): 50 * 0.60,  # 30.00
    ("secrets", "USE1-AWSSecretsManager-Secrets"): 20 * 0.40,  # 8.00
    ("secrets", "USE1-AWSSecretsManagerAPIRequest"): 100 * 0.05,  # 5.00: 1M calls
    ("ecr", "USE1-TimedStorage-ByteHrs"): 150 * 0.10,  # 15.00
    ("company-backups", "Retrieval-SIA"): 50 * 0.01,  # 0.50: Standard-IA retrieval fee
    ("route53", "Health-Check-AWS"): 2 * 0.50,  # 1.00
    ("public-ipv4", "USE1-PublicIPv4:InUseAddress"): 6 * 730 * 0.005,  # 21.90
    # tiers: the free tier is a line of its own at $0
    ("xray", "USE1-XRay-TracesStored", 0): 0.1 * 0.0,  # first 100,000 traces free
    ("xray", "USE1-XRay-TracesStored", 1): (5 - 0.1) * 5.00,  # 24.50
    ("xray", "USE1-XRay-TracesAccessed", 0): 1 * 0.0,  # first 1M free
    ("xray", "USE1-XRay-TracesAccessed", 1): (2 - 1) * 0.50,  # 0.50
    ("kms", "us-east-1-KMS-Keys"): 10 * 1.00,  # 10.00
    ("kms", "us-east-1-KMS-Requests", 0): 2 * 0.0,  # first 20,000 requests free
    ("kms", "us-east-1-KMS-Requests", 1): (240 - 2) * 0.03,  # 7.14
}


def test_golden_lines_match_the_hand_calculation_line_by_line():
    golden = pd.read_csv(GOLDEN)
    keys = list(zip(golden["resource"], golden["usage_type"], strict=True))
    # a tiered price gives one line per tier: number them (0, 1, ...) in golden order
    tiered = {k for k in keys if keys.count(k) > 1}
    seen: dict = {}
    for i, key in enumerate(keys):
        if key in tiered:
            keys[i] = (*key, seen.get(key, 0))
            seen[key] = seen.get(key, 0) + 1
    assert len(keys) == len(set(keys)) == len(HAND)
    for key, cost in zip(keys, golden["monthly_cost"], strict=True):
        assert key in HAND, f"golden line {key} has no hand calculation"
        assert abs(cost - HAND[key]) <= 0.005 + 1e-9, (key, cost, HAND[key])
