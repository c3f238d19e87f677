"""Golden table of the whole production estimate (line items rounded to cents).

Regenerate on purpose with ``make golden`` (``pytest tests/test_golden.py --update-golden``)
and review the diff: every changed cent should be explained by a price or model change.
"""

from pathlib import Path

import pandas as pd
import pytest

from costmodel.estimation import LINE_ITEM_COLUMNS, estimate

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
    # transfer 166.99 - 9 (free 100 GB); ALB 45.625; CloudFront 475 - 97.04 (free 1 TB and 10M
    # requests); Route 53 1 + 1 - 1 (health checks, free) + 0 (alias queries); CloudWatch 204.50 - 6.675
    # (free tier); WAF 45; Secrets 13; ECR 15; S3 retrieval 0.50; public IPv4 21.90; X-Ray 25
    # (26 - 1 free); KMS 17.14 (17.20 - 0.06 free)
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
        - 9
        + 45.625
        + 475
        - 97.04
        + 1
        + 1
        - 1
        + 15
        + 0.50
        + 21.90
        + 25
        + 17.14
        + 204.50
        - 6.675
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
    ("data-transfer", "DataTransfer-Out-Bytes", 0): 1411 * 0.09,  # 126.99 (first 10 TB tier)
    # always free: the first 100 GB out to the internet a month (AWS-DTO-FREE) at $0.09
    ("data-transfer", "DataTransfer-Out-Bytes", 1): -100 * 0.09,  # -9.00
    ("data-transfer", "DataTransfer-Regional-Bytes"): 2 * 2000 * 0.01,  # 40.00: both sides
    ("alb", "LoadBalancerUsage"): 730 * 0.0225,  # 16.425
    ("alb", "LCUUsage"): 5 * 730 * 0.008,  # 29.20
    ("cloudfront", "US-DataTransfer-Out-Bytes", 0): 5000 * 0.085,  # 425.00
    # always free: CloudFront's first 1 TB (1,024 GB) out a month (AWS-CF-FREE) at $0.085
    ("cloudfront", "US-DataTransfer-Out-Bytes", 1): -1024 * 0.085,  # -87.04
    ("cloudfront", "US-Requests-Tier2-HTTPS", 0): 50 * 100 * 0.01,  # 50.00: 50M requests
    # always free: the first 10M HTTP/HTTPS requests = 1,000 x 10K at $0.01 (AWS-CF-FREE)
    ("cloudfront", "US-Requests-Tier2-HTTPS", 1): -1000 * 0.01,  # -10.00
    ("route53", "HostedZone"): 2 * 0.50,  # 1.00
    # every query is to an alias record of CloudFront or the ALB: no charge (AWS-R53-ALIAS,
    # Route 53 Developer Guide "Choosing between alias and non-alias records"); was 100 x $0.40
    ("route53", "Alias-Queries"): 100 * 0.0,
    # CloudWatch's always-free tier (AWS-CW-FREE): 10 metrics, 10 alarms, 5 GB of logs
    # ingested, stored and scanned, each at its first price
    ("cloudwatch", "CW:MetricMonitorUsage", 0): 150 * 0.30,  # 45.00
    ("cloudwatch", "CW:MetricMonitorUsage", 1): -10 * 0.30,  # -3.00
    ("cloudwatch", "USE1-DataProcessing-Bytes", 0): 250 * 0.50,  # 125.00
    ("cloudwatch", "USE1-DataProcessing-Bytes", 1): -5 * 0.50,  # -2.50
    ("cloudwatch", "USE1-TimedStorage-ByteHrs", 0): 1000 * 0.03,  # 30.00
    ("cloudwatch", "USE1-TimedStorage-ByteHrs", 1): -5 * 0.03,  # -0.15
    ("cloudwatch", "USE1-DataScanned-Bytes", 0): 100 * 0.005,  # 0.50
    ("cloudwatch", "USE1-DataScanned-Bytes", 1): -5 * 0.005,  # -0.025
    ("cloudwatch", "CW:AlarmMonitorUsage", 0): 40 * 0.10,  # 4.00
    ("cloudwatch", "CW:AlarmMonitorUsage", 1): -10 * 0.10,  # -1.00
    ("waf", "USE1-WebACLV2"): 1 * 5.00,  # 5.00
    ("waf", "USE1-RuleV2"): 10 * 1.00,  # 10.00
    ("waf", "USE1-RequestV2-Tier1"): 50 * 0.60,  # 30.00
    ("secrets", "USE1-AWSSecretsManager-Secrets"): 20 * 0.40,  # 8.00
    ("secrets", "USE1-AWSSecretsManagerAPIRequest"): 100 * 0.05,  # 5.00: 1M calls
    ("ecr", "USE1-TimedStorage-ByteHrs"): 150 * 0.10,  # 15.00
    ("company-backups", "Retrieval-SIA"): 50 * 0.01,  # 0.50: Standard-IA retrieval fee
    ("route53", "Health-Check-AWS", 0): 2 * 0.50,  # 1.00
    # the first 50 health checks of AWS endpoints are free (AWS-R53-HC-FREE): both of them
    ("route53", "Health-Check-AWS", 1): -2 * 0.50,  # -1.00
    ("public-ipv4", "USE1-PublicIPv4:InUseAddress"): 6 * 730 * 0.005,  # 21.90
    # the free tiers of X-Ray (100,000 recorded, 1M retrieved: AWS-XRAY) and KMS (20,000
    # requests: AWS-KMS) follow the same rule: the list price, then the allowance's line
    ("xray", "USE1-XRay-TracesStored", 0): 5 * 5.00,  # 25.00
    ("xray", "USE1-XRay-TracesStored", 1): -0.1 * 5.00,  # -0.50
    ("xray", "USE1-XRay-TracesAccessed", 0): 2 * 0.50,  # 1.00
    ("xray", "USE1-XRay-TracesAccessed", 1): -1 * 0.50,  # -0.50
    ("kms", "us-east-1-KMS-Keys"): 10 * 1.00,  # 10.00
    ("kms", "us-east-1-KMS-Requests", 0): 240 * 0.03,  # 7.20
    ("kms", "us-east-1-KMS-Requests", 1): -2 * 0.03,  # -0.06
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


# ----------------------------------------------------------------- issue 22's golden cases
def cli_json(*argv: str) -> dict:
    import io
    import json
    from contextlib import redirect_stdout

    from costmodel.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*argv, "--format", "json"]) == 0
    return json.loads(out.getvalue())


# Hour-based lines of the production estimate, per hour [USD/h]: EKS control plane 0.10 +
# extended support 0.50 (AWSBLOG-EKS, IC); 3 c5.2xlarge x 0.34 (KARP); RDS Multi-AZ primary
# 2.00 + 2 replicas x 1.00 (EIO-RDS); 3 cache.r6g.xlarge x 0.411 (EIO-CACHE); 3
# kafka.m5.large x 0.21 (ATK-MSK); 3 NAT gateways x 0.045, ALB 0.0225 + 5 LCU x 0.008 (IC);
# 6 public IPv4 x 0.005 (AWS-IPV4)
HOURLY = (
    0.10
    + 0.50
    + 3 * 0.34
    + 2.00
    + 2 * 1.00
    + 3 * 0.411
    + 3 * 0.21
    + 3 * 0.045
    + 0.0225
    + 5 * 0.008
    + 6 * 0.005
)


def test_the_744_hour_month_is_the_730_hour_estimate_plus_14_hours_of_hourly_lines():
    golden = pd.read_csv(GOLDEN)
    payload = cli_json("estimate", "--month", "2026-12")
    assert payload["hours_per_month"] == 744  # December: 31 days x 24 h
    # $7.7105/h x 14 h = $107.95 more than the 730-hour month; everything else is per month
    assert round(HOURLY * 14, 3) == 107.947
    assert payload["total_monthly_cost"] == pytest.approx(
        golden["monthly_cost"].sum() + HOURLY * 14, abs=0.01
    )
    # by hand: 7,947.91 (list, 730 h) - 113.72 (free tiers, Route 53's 2 health checks among them)
    # - 40 (alias queries) + 107.95 = 7,902.14
    assert round(payload["total_monthly_cost"], 2) == 7902.14
    assert payload["total_is_lower_bound"] is False and payload["unknown_lines"] == 0


def test_free_tiers_are_lines_of_their_own_and_can_be_left_out():
    with_tiers = cli_json("estimate")
    before = cli_json("estimate", "--no-free-tiers")
    allowances = [i for i in with_tiers["line_items"] if i["purchase_option"] == "free_tier"]
    # CloudFront 1,024 GB x 0.085 + 1,000 x 10K x 0.01 = 97.04 (AWS-CF-FREE); data transfer
    # 100 GB x 0.09 = 9.00 (AWS-DTO-FREE); CloudWatch 10 x 0.30 + 10 x 0.10 + 5 x (0.50 +
    # 0.03 + 0.005) = 6.675 (AWS-CW-FREE); X-Ray 0.1 x 5 + 1 x 0.5 = 1.00; KMS 2 x 0.03 = 0.06;
    # Route 53's 2 health checks of AWS endpoints x 0.50 = 1.00 (AWS-R53-HC-FREE)
    assert sum(i["monthly_cost"] for i in allowances) == pytest.approx(
        -(97.04 + 9.00 + 6.675 + 1.00 + 0.06 + 1.00)
    )
    assert all("(free tier)" in i["price_source"] for i in allowances)
    assert not any(i["purchase_option"] == "free_tier" for i in before["line_items"])
    # list prices before free tiers, 730 h: the earlier $7,947.91, plus the $1.06 of KMS and
    # X-Ray free tiers it carried as $0 price tiers, less the $40 of alias queries
    assert round(before["total_monthly_cost"], 2) == 7908.97
    assert before["free_tiers_applied"] is False and with_tiers["free_tiers_applied"] is True
    from costmodel.errors import InputError
    from costmodel.estimation import estimate

    with pytest.raises(InputError, match="free_tiers must be True or False, got 'no'"):
        estimate(free_tiers="no")  # a string would pass for True


def test_route53_alias_queries_cost_nothing_and_standard_queries_do(production, catalog):
    from costmodel.estimation import estimate

    items = estimate(production, catalog)
    alias = items.loc[items["usage_type"] == "Alias-Queries"]
    assert alias["quantity"].tolist() == [100] and alias["monthly_cost"].tolist() == [0.0]
    # the same 100M queries to non-alias records: 100 x $0.40 per million (IC) = $40.00
    standard = estimate(
        production.with_changes(
            {"network.dns_queries_millions": 100, "network.dns_alias_queries_millions": 0}
        ),
        catalog,
    )
    assert standard["monthly_cost"].sum() - items["monthly_cost"].sum() == pytest.approx(40.0)


def test_the_standby_total_is_a_lower_bound():
    payload = cli_json("estimate", "data/architectures/dr-standby-us-west-2.yaml", "--allow-unknown")
    # EKS control plane 730 x $0.10 (AWSBLOG-EKS) + db.r5.large 730 x $0.25 (EIO-RDS) + 0 nodes
    # = $255.50; gp3 storage (1,000 GB) and backup beyond the allowance (2,750 - 1,000 GB) in
    # us-west-2 have no price in the snapshot: 2 lines unknown
    assert payload["total_monthly_cost"] == pytest.approx(73.0 + 182.5)
    assert payload["total_is_lower_bound"] is True and payload["unknown_lines"] == 2


def test_the_standby_table_says_at_least(capsys):
    from costmodel.cli import main

    assert main(["estimate", "data/architectures/dr-standby-us-west-2.yaml", "--allow-unknown"]) == 0
    out = capsys.readouterr().out
    assert "at least $255.50 (2 lines unknown)" in out
    assert "Total (on-demand list prices, always-free tiers applied): $255.50" not in out
