"""Hand-checked service models: every expected value is worked out in a comment."""

import pytest

from costmodel.architecture import architecture_from_dict, load_architecture
from costmodel.errors import InputError
from costmodel.estimation import estimate


def cost(items, category=None, **match):
    rows = items if category is None else items.loc[items["category"] == category]
    for column, value in match.items():
        rows = rows.loc[rows[column] == value]
    return round(float(rows["monthly_cost"].sum()), 2)


@pytest.fixture(scope="module")
def items(production, catalog):
    return estimate(production, catalog)


def test_eks_nodes(items):
    # 3 x c5.2xlarge at $0.34/h x 730 h = $744.60
    assert cost(items, "EKS nodes") == 744.60


def test_eks_control_plane_and_root_volumes(items):
    # EKS 1.28 in 2026-11 (the snapshot's month): past its extended support (2025-11-26), so
    # AWS has upgraded it to 1.31, in extended support until 2026-11-26: ($0.10 + $0.50) x 730
    assert cost(items, "EKS control plane") == 438.00
    assert cost(items, "EKS node EBS") == 24.00  # 3 nodes x 100 GB x $0.08/GB-month


@pytest.mark.parametrize(
    ("version", "month", "expected"),
    [
        ("1.28", "2024-06", 73.00),  # standard support until 2024-11-26: $0.10 x 730
        ("1.28", "2025-01", 438.00),  # extended support until 2025-11-26: $0.60 x 730
        ("1.28", "2026-11", 438.00),  # auto-upgraded to 1.31 (extended until 2026-11-26), then 1.32
        # standard support ends 2024-11-26: 5 of 30 days extended, $73.00 + 730 x 5/30 x $0.50 = $133.83
        ("1.28", "2024-11", 133.83),
        # 1.31 ends extended support 2026-11-26 and is upgraded to 1.32, itself extended: all month
        ("1.31", "2026-11", 438.00),
        ("1.33", "2026-11", 438.00),  # standard support ended 2026-07-29
        ("1.35", "2026-11", 73.00),  # standard support until 2027-03-27
    ],
)
def test_eks_support_tier_follows_the_kubernetes_version_calendar(catalog, version, month, expected):
    arch = load_architecture().with_changes({"eks.kubernetes_version": version})
    assert cost(estimate(arch, catalog, month=month), "EKS control plane") == expected
    forced = arch.with_changes({"eks.support": "standard"})  # support: may still force a tier
    assert cost(estimate(forced, catalog, month=month), "EKS control plane") == 73.00


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("2024-11", 73.00),  # upgraded to 1.29 on 2024-11-26 instead of entering extended support
        ("2026-11", 73.00),  # kept in standard support by AWS's upgrades: $0.10 x 730
    ],
)
def test_an_eks_cluster_with_the_standard_upgrade_policy_is_never_billed_extended_support(
    catalog, month, expected
):
    arch = load_architecture().with_changes({"eks.upgrade_policy": "standard"})
    assert cost(estimate(arch, catalog, month=month), "EKS control plane") == expected
    # the default, extended (the API and eksctl default), bills 1.28 in 2026-11 at $0.60 x 730
    assert cost(estimate(load_architecture(), catalog, month=month), "EKS control plane") > expected


def test_a_version_past_its_support_is_warned_about():
    from costmodel.estimation import warnings

    (note,) = warnings(load_architecture(), "2026-11")
    assert "EKS 1.28 left extended support on 2025-11-26" in note and "1.31" in note
    # with the priced items it says what it means for the bill, in one line:
    # the extended-support surcharge $0.50/h over standard x 730 h = $365.00
    (note,) = warnings(load_architecture(), "2026-11", estimate(load_architecture(), month="2026-11"))
    assert note.endswith("+$365.00 a month on the control plane, in this estimate") and "\n" not in note


def test_eks_extended_support(catalog):
    arch = architecture_from_dict(
        {
            "region": "us-east-1",
            "eks": {"instance_type": "c5.large", "node_count": 1, "support": "extended"},
        }
    )
    # $0.10 + $0.50 per cluster-hour = $0.60 (infracost's extended support price) x 730 h
    assert cost(estimate(arch, catalog), "EKS control plane") == 438.00


def test_rds_primary_multi_az(items):
    # db.r5.2xlarge Multi-AZ: 2 x $1.00/h x 730 h = $1,460
    assert cost(items, "RDS primary") == 1460.00
    # gp3 Multi-AZ: 1,000 GB x $0.23 = $230; 16,000 - 12,000 baseline = 4,000 IOPS x $0.04 = $160
    assert cost(items, "RDS storage", resource="rds-primary") == 230.00
    assert cost(items, "RDS IOPS", resource="rds-primary") == 160.00


def test_rds_read_replicas_are_instances_with_their_own_storage(items):
    # each: $1.00/h x 730 = $730 + 1,000 GB x $0.115 = $115 + 4,000 IOPS x $0.02 = $80
    for name in ("rds-replica-1", "rds-replica-2"):
        assert cost(items, resource=name) == 730 + 115 + 80
    assert cost(items, "RDS read replicas") == 1460.00


def test_rds_backup_is_free_up_to_all_database_storage_in_the_region(items, catalog):
    # AWS RDS pricing, "Backup Storage": free up to 100% of the total database storage in
    # the region. Production: 2,750 GB of backups vs 1,000 GB x (primary + 2 replicas) =
    # 3,000 GB free -> $0.00.
    assert cost(items, "RDS backup") == 0.0
    # Without replicas only the primary's 1,000 GB is free: (2,750 - 1,000) x $0.095 = $166.25
    alone = estimate(load_architecture().with_changes({"rds.read_replicas": 0}), catalog)
    assert cost(alone, "RDS backup") == pytest.approx(166.25)


def _rds(**changes):
    spec = {"instance_class": "db.r5.large", "multi_az": False, "storage_gb": 300} | changes
    return architecture_from_dict({"region": "us-east-1", "rds": spec})


def test_rds_gp3_provisioned_above_the_400_gb_baseline(catalog):
    # 400 GB: baseline 12,000 IOPS / 500 MiB/s; 14,000 IOPS -> 2,000 x $0.02 = $40;
    # 575 MiB/s -> 75 MiB/s x $0.080 (derived rate) = $6.00
    items = estimate(_rds(storage_gb=400, iops=14000, throughput_mibps=575), catalog)
    assert cost(items, "RDS IOPS") == 40.00
    assert cost(items, "RDS throughput") == 6.00
    assert items.loc[items["unit"] == "MiBps-Mo", "price_source"].str.contains("derived").all()


def test_rds_gp3_below_400_gb_provisions_nothing():
    # below 400 GB AWS gives the fixed 3,000 IOPS / 125 MiB/s and allows nothing more
    with pytest.raises(InputError, match="rds.iops = 5,000 with rds.storage_gb = 300"):
        _rds(iops=5000)


def test_rds_at_baseline_has_no_iops_line(catalog):
    items = estimate(_rds(iops=3000), catalog)
    assert "RDS IOPS" not in set(items["category"])
    # 300 GB x $0.115 = $34.50; db.r5.large $0.25 x 730 = $182.50
    assert cost(items, "RDS storage") == 34.50
    assert cost(items, "RDS primary") == 182.50


def test_elasticache_nodes(items):
    # 3 x cache.r6g.xlarge at $0.411/h x 730 h = $900.09
    assert cost(items, "ElastiCache nodes") == 900.09


def test_msk_brokers_and_storage(items):
    # 3 x kafka.m5.large at $0.21/h x 730 h = $459.90; 3 x 1,000 GB x $0.10 = $300
    assert cost(items, "MSK brokers") == 459.90
    assert cost(items, "MSK storage") == 300.00


def test_msk_provisioned_throughput_needs_a_large_broker(catalog):
    from costmodel.errors import InputError

    arch = architecture_from_dict(
        {
            "region": "us-east-1",
            "msk": {
                "broker_type": "kafka.m5.large",
                "broker_count": 3,
                "provisioned_throughput_mibps": 250,
            },
        }
    )
    with pytest.raises(InputError, match="kafka.m5.4xlarge or larger"):
        estimate(arch, catalog)


def test_s3_buckets(items):
    # company-backups: 2,000 GB x $0.0125 = $25; 30K PUT x $0.01/1K = $0.30; 10K GET x $0.001/1K = $0.01;
    # 50 GB retrieved from Standard-IA x $0.01 = $0.50
    assert cost(items, resource="company-backups") == 25.81
    # company-logs: 1,200 GB x $0.023 + 1,800 GB x $0.0125 = $27.60 + $22.50; monitoring
    # 1,000K objects x $0.0025 = $2.50; 2,000K PUT x $0.005 = $10; 500K GET x $0.0004 = $0.20
    assert cost(items, resource="company-logs") == 62.80
    # company-archives: 10,000 GB x $0.0036 = $36; 100K transitions at the Glacier PUT rate $0.03/1K = $3
    assert cost(items, resource="company-archives") == 39.00


def test_ebs_and_snapshots(items):
    # 3 x 100 GB gp3 x $0.08 = $24 (baseline IOPS/throughput); 300 GB snapshots x $0.05 = $15
    assert cost(items, "EBS volumes") == 24.00
    assert cost(items, "EBS snapshots") == 15.00


def test_ebs_gp3_above_baseline(catalog):
    arch = architecture_from_dict(
        {
            "region": "us-east-1",
            "ebs": {
                "volumes": [
                    {
                        "name": "db",
                        "count": 2,
                        "size_gb": 500,
                        "iops": 16000,
                        "throughput_mibps": 250,
                    }
                ]
            },
        }
    )
    items = estimate(arch, catalog)
    # 2 x 500 GB x $0.08 = $80; 2 x 13,000 IOPS x $0.005 = $130; 2 x 125 MiB/s x $0.04 = $10
    assert cost(items) == 80 + 130 + 10


def test_network(items):
    # 3 NAT gateways x $0.045 x 730 = $98.55; 1,000 GB x $0.045 = $45
    assert cost(items, "NAT gateway") == 143.55
    # 1,411 GB out x $0.09 = $126.99, less the always-free first 100 GB (AWS-DTO-FREE):
    # 126.99 - 9.00 = $117.99; 2,000 GB across AZs billed both ways: 4,000 GB x $0.01 = $40
    assert cost(items, "Data transfer out") == 117.99
    assert cost(items, "Inter-AZ transfer") == 40.00
    # ALB: $0.0225 x 730 = $16.425; 5 LCU x 730 h x $0.008 = $29.20
    assert cost(items, "ALB") == 45.62
    # CloudFront: 5,000 GB x $0.085 = $425; 50M HTTPS = 5,000 x 10K x $0.01 = $50; less the
    # always-free 1,024 GB x $0.085 = $87.04 and 10M requests = $10 (AWS-CF-FREE): $377.96
    assert cost(items, "CloudFront") == 377.96
    # Route 53: 2 zones x $0.50 + 2 health checks x $0.50, less the first 50 health checks of AWS
    # endpoints, free (AWS-R53-HC-FREE): $1; the 100M queries are to alias
    # records of CloudFront and the ALB: no charge (AWS-R53-ALIAS)
    assert cost(items, "Route 53") == 1.00


def test_public_ipv4_addresses_cost_half_a_cent_an_hour_each(items):
    # AWS charges every public IPv4 address $0.005/h since 2024-02-01:
    # 3 NAT Elastic IPs + the ALB in 3 AZs = 6 x 730 h x $0.005 = $21.90
    assert cost(items, "Public IPv4") == 21.90


def test_kms_keys_and_requests_beyond_the_free_20000(items):
    # 10 keys x $1 = $10; 2,400K requests = 240 (10K) x $0.03 = $7.20, less the first 2
    # (20,000) free: -$0.06; $17.14
    assert cost(items, "KMS") == pytest.approx(17.14)


def test_ecr_storage_and_xray_traces_beyond_the_free_tier(items):
    # ECR: 150 GB x $0.10 = $15.00
    assert cost(items, "ECR") == 15.00
    # X-Ray: 5M recorded x $5.00 = $25.00 less 0.1M free ($0.50); 2M retrieved x $0.50 = $1.00
    # less 1M free ($0.50): $25.00
    assert cost(items, "X-Ray") == pytest.approx(25.00)


def test_lifecycle_transitions_into_intelligent_tiering_cost_a_cent_per_thousand(catalog):
    arch = load_architecture().with_changes({})
    raw = dict(arch.raw)
    raw["s3"] = {
        "buckets": [
            {"name": "logs", "storage_class": "intelligent_tiering", "monthly_transitions": 100000},
            {"name": "ia", "storage_class": "standard_ia", "monthly_transitions": 100000},
        ]
    }
    from costmodel.architecture import architecture_from_dict

    items = estimate(architecture_from_dict(raw, "t.yaml"), catalog)
    transitions = items.loc[items["component"] == "Lifecycle transitions into this class"].set_index(
        "resource"
    )
    # into Intelligent-Tiering: 100 x 1K x $0.01 = $1.00 (not the $0.005 PUT rate: $0.50)
    assert transitions.loc["logs", "monthly_cost"] == pytest.approx(1.00)
    # into Standard-IA at its PUT rate: 100 x 1K x $0.01 = $1.00
    assert transitions.loc["ia", "monthly_cost"] == pytest.approx(1.00)


def test_one_unit_of_a_bucket_request_or_retrieval_is_billed(catalog):
    raw = dict(load_architecture().raw)
    raw["s3"] = {
        "buckets": [
            {
                "name": "ia",
                "storage_class": "standard_ia",
                "monthly_put_requests": 1000,
                "monthly_retrieval_gb": 1,
            },
            {
                "name": "cold",
                "storage_class": "glacier_flexible",
                "monthly_retrieval_gb": 1,
                "monthly_retrieval_requests": 1000,
            },
        ]
    }
    items = estimate(architecture_from_dict(raw, "t.yaml"), catalog).set_index(["resource", "component"])
    # a quantity of exactly 1 is billed like any other: 1 x 1K PUT x $0.01, 1 GB retrieved x $0.01;
    # from Glacier Flexible Retrieval, 1 GB at the Standard retrieval tier x $0.01 and
    # 1 x 1K retrieval requests x $0.03 (the snapshot's Glacier prices)
    assert items.loc[("ia", "PUT/COPY/POST/LIST requests"), "monthly_cost"] == pytest.approx(0.01)
    assert items.loc[("ia", "Data retrievals"), "monthly_cost"] == pytest.approx(0.01)
    assert items.loc[("cold", "Standard retrievals"), "monthly_cost"] == pytest.approx(0.01)
    assert items.loc[("cold", "Standard retrieval requests"), "monthly_cost"] == pytest.approx(0.03)


def test_inter_region_transfer(catalog):
    arch = load_architecture().with_changes({"network.inter_region_gb": 100})
    items = estimate(arch, catalog)
    line = items.loc[items["category"] == "Inter-region transfer"].squeeze()
    # 100 GB from us-east-1 to the standby in us-west-2 x $0.02 = $2.00
    assert (line["usage_type"], line["quantity"]) == ("USE1-USW2-AWS-Out-Bytes", 100)
    assert line["monthly_cost"] == pytest.approx(2.00)


def test_cloudwatch_waf_secrets(items):
    # 150 metrics x $0.30 + 250 GB x $0.50 + 1,000 GB x $0.03 + 100 GB x $0.005 + 40 alarms x $0.10,
    # less the always-free tier (AWS-CW-FREE): 10 x 0.30 + 5 x 0.50 + 5 x 0.03 + 5 x 0.005 + 10 x 0.10
    # = 6.675; cost() rounds the sum to cents: 204.50 - 6.675 = 197.825 -> 197.82 (float sum)
    assert cost(items, "CloudWatch") == pytest.approx(45 + 125 + 30 + 0.5 + 4 - 6.675, abs=0.005)
    # 1 ACL x $5 + 10 rules x $1 + 50M requests x $0.60/M = $45
    assert cost(items, "WAF") == 45.00
    # 20 secrets x $0.40 + 1,000K calls = 100 x 10K x $0.05 = $13
    assert cost(items, "Secrets Manager") == 13.00


def test_line_items_carry_contract_columns_and_cost_explorer_names(items):
    assert {
        "Amazon Elastic Compute Cloud - Compute",
        "EC2 - Other",
        "Amazon Relational Database Service",
        "Amazon ElastiCache",
        "Amazon Managed Streaming for Apache Kafka",
        "Amazon Elastic Container Service for Kubernetes",
    } <= set(items["service"])
    # the hand sum of the golden table (tests/test_golden.py): nothing priced twice or left out
    assert items["monthly_cost"].sum() == pytest.approx(7794.19)
    assert items["price_source"].str.match(r".+ \d{4}-\d{2}-\d{2} \((\w+|free tier)\)").all()


def test_us_west_2_uses_prefixed_usage_types_and_names_missing_prices(catalog):
    from costmodel.errors import PriceNotFoundError

    arch = architecture_from_dict(
        {
            "region": "us-west-2",
            "rds": {"instance_class": "db.r5.2xlarge", "multi_az": False, "storage_gb": 100},
        }
    )
    # the instance is in the snapshot (USW2-InstanceUsage:db.r5.2xl, $1.00) but us-west-2
    # gp3 storage is not: the error names the prefixed usage type that was looked up
    with pytest.raises(PriceNotFoundError, match="usage_type='USW2-RDS:GP3-Storage'"):
        estimate(arch, catalog)
    arch = architecture_from_dict(
        {"region": "us-west-2", "elasticache": {"node_type": "cache.r6g.xlarge", "node_count": 1}}
    )
    # $0.411/h x 730 h = $300.03 (EIO-CACHE gives the same price in us-west-2)
    items = estimate(arch, catalog)
    assert items["usage_type"].tolist() == ["USW2-NodeUsage:cache.r6g.xlarge"]
    assert cost(items) == 300.03


def test_elasticache_is_shards_of_one_primary_and_its_replicas(catalog):
    from costmodel.errors import InputError

    arch = load_architecture()
    # the document's cluster: 1 shard x (1 primary + 2 replicas) = 3 nodes x 730 h x $0.411
    items = estimate(arch, catalog)
    nodes = items.loc[items["category"] == "ElastiCache nodes"].iloc[0]
    assert "1 shard x (1 primary + 2 replicas)" in nodes["component"]
    assert nodes["monthly_cost"] == pytest.approx(900.09)
    two = arch.with_changes({"elasticache.shards": 2, "elasticache.node_count": 6})
    assert cost(estimate(two, catalog), "ElastiCache nodes") == pytest.approx(6 * 730 * 0.411)
    with pytest.raises(InputError, match="node_count = 4 is not a multiple of elasticache.shards = 3"):
        arch.with_changes({"elasticache.shards": 3, "elasticache.node_count": 4})
    with pytest.raises(InputError, match="automatic_failover needs a replica in each shard"):
        arch.with_changes({"elasticache.node_count": 1, "elasticache.automatic_failover": True})
    with pytest.raises(InputError, match="replicas_per_shard = 6 must be at most 5 replicas"):
        arch.with_changes({"elasticache.node_count": 7})


def test_cloudfront_us_transfer_tiers_above_50_tb(catalog):
    arch = load_architecture().with_changes({"network.cloudfront_egress_gb": 200_000})
    items = estimate(arch, catalog)
    transfer = items.loc[items["usage_type"] == "US-DataTransfer-Out-Bytes", "monthly_cost"].sum()
    # AWS CloudFront pricing, United States: 10,240 GB x $0.085 + 40,960 x $0.080
    # + 102,400 x $0.060 + 46,400 x $0.040 = 870.40 + 3,276.80 + 6,144.00 + 1,856.00,
    # less the always-free first 1,024 GB at the first tier's $0.085 (-$87.04)
    assert transfer == pytest.approx(12147.20 - 87.04)
    labels = items.loc[items["usage_type"] == "US-DataTransfer-Out-Bytes", "component"].tolist()
    assert "Data transfer out (United States) (51,200-153,600 GB)" in labels  # no 1.536e+05


def test_route_53_hosted_zones_beyond_25_cost_ten_cents(catalog):
    arch = load_architecture().with_changes({"network.hosted_zones": 30})
    zones = estimate(arch, catalog)
    # 25 x $0.50 + 5 x $0.10 = $13.00
    assert zones.loc[zones["usage_type"] == "HostedZone", "monthly_cost"].sum() == pytest.approx(13.00)


def test_a_quantity_beyond_the_top_tier_names_the_top_of_the_highest_tier(catalog):
    import pandas as pd

    from costmodel.errors import PriceNotFoundError

    arch = load_architecture().with_changes({})
    raw = arch.raw | {"region": "us-west-2", "network": {"internet_egress_gb": 20_000}}
    for section in ("eks", "rds", "elasticache", "msk", "s3", "ebs", "observability", "security", "load"):
        raw.pop(section, None)
    from costmodel.architecture import architecture_from_dict

    west = architecture_from_dict(raw, "west.yaml")
    with pytest.raises(PriceNotFoundError, match=r"exceeds the highest tier known .*\(up to 10240\)"):
        estimate(west, catalog)
    two_tiers = catalog.rows.loc[catalog.rows["usage_type"] == "US-DataTransfer-Out-Bytes"].head(2)
    short = catalog.with_rows(
        pd.concat([catalog.rows.loc[catalog.rows["usage_type"] != "US-DataTransfer-Out-Bytes"], two_tiers])
    )
    big = load_architecture().with_changes({"network.cloudfront_egress_gb": 60_000})
    with pytest.raises(PriceNotFoundError, match=r"\(up to 51200\)"):  # not the first tier's 10,240
        estimate(big, short)


def test_glacier_and_deep_archive_standard_retrievals(catalog):
    from costmodel.architecture import architecture_from_dict

    raw = {
        "region": "us-east-1",
        "s3": {
            "buckets": [
                {
                    "name": "fr",
                    "storage_class": "glacier_flexible",
                    "monthly_retrieval_gb": 1000,
                    "monthly_retrieval_requests": 10000,
                },
                {
                    "name": "da",
                    "storage_class": "glacier_deep_archive",
                    "monthly_retrieval_gb": 1000,
                    "monthly_retrieval_requests": 10000,
                },
            ]
        },
    }
    items = estimate(architecture_from_dict(raw, "archive.yaml"), catalog)
    # Glacier Flexible Retrieval: 1,000 GB x $0.01 + 10 x 1K requests x $0.03 = $10.30 (+ storage 0)
    assert cost(items, resource="fr") == pytest.approx(10.30)
    # Deep Archive: 1,000 GB x $0.02 + 10 x 1K requests x $0.10 = $21.00
    assert cost(items, resource="da") == pytest.approx(21.00)


def test_rds_gp3_baseline_changes_exactly_at_400_gb():
    # AWS RDS User Guide, "gp3 storage": below 400 GB 3,000 IOPS / 125 MiB/s included, from
    # 400 GB 12,000 / 500 (a boundary at 401 or at > 400 would bill a 400 GB volume's IOPS)
    from costmodel.services.rds import gp3_baseline

    assert gp3_baseline(399.99) == (3000, 125)
    assert gp3_baseline(400) == (12000, 500)
    assert gp3_baseline(400.01) == (12000, 500)


def test_rds_one_iops_and_one_mib_s_above_the_baseline_are_billed(production, catalog):
    # 1,000 GB volumes: baseline 12,000 IOPS / 500 MiB/s; 12,001 and 501 leave 1 of each to pay
    # on the Multi-AZ primary ($0.04 per IOPS-month, $0.16 per MiBps-month) and on each of the
    # 2 Single-AZ replicas ($0.02, $0.08)
    from costmodel.estimation import estimate

    items = estimate(production.with_changes({"rds.iops": 12001, "rds.throughput_mibps": 501}), catalog)
    iops = items.loc[items["component"].str.startswith("Provisioned IOPS above")]
    tput = items.loc[items["component"].str.startswith("Throughput above")]
    assert iops["quantity"].tolist() == [1, 1, 1] and tput["quantity"].tolist() == [1, 1, 1]
    assert iops["monthly_cost"].sum() == pytest.approx(0.04 + 2 * 0.02)
    assert tput["monthly_cost"].sum() == pytest.approx(0.16 + 2 * 0.08)
    assert tput["component"].iloc[0] == "Throughput above the 500 MiB/s baseline (gp3, Multi-AZ)"


def test_rds_multi_az_replicas_are_billed_as_multi_az_instances(production, catalog):
    # replica_multi_az: each db.r5.2xlarge replica at the Multi-AZ $2.00/h: 2 x 730 x 2.00 = $2,920
    # (Single-AZ: $1,460), its storage at the Multi-AZ $0.23/GB-month
    from costmodel.estimation import estimate

    items = estimate(production.with_changes({"rds.replica_multi_az": True}), catalog)
    replicas = items.loc[items["resource"].str.startswith("rds-replica-")]
    hours = replicas.loc[replicas["unit"] == "Hrs"]
    assert hours["usage_type"].tolist() == ["Multi-AZUsage:db.r5.2xl"] * 2
    assert hours["monthly_cost"].sum() == pytest.approx(2920.0)
    storage = replicas.loc[replicas["unit"] == "GB-Mo"]
    assert storage["usage_type"].tolist() == ["USE1-RDS:Multi-AZ-GP3-Storage"] * 2
