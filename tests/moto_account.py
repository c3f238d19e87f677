"""The production architecture of the infrastructure document, created in moto (test helper).

Values are production.yaml's configuration keys, typed in from the file (not read from it),
so that `discover` reproducing them is a check of discover, not of a copy.
"""

from __future__ import annotations

from typing import Any

ROLE = "arn:aws:iam::123456789012:role/eks"


def create_production(client: Any, region: str = "us-east-1") -> None:
    """EKS 1.28 with 3..10 c5.2xlarge (3 desired, 100 GB disks); RDS postgres db.r5.2xlarge
    Multi-AZ, 1,000 GB gp3 at 16,000 IOPS / 500 MiB/s, 35-day backups, 2 Single-AZ replicas;
    Redis 1 shard x 3 cache.r6g.xlarge; MSK 3 x kafka.m5.large, 1,000 GB each; 1 ALB,
    3 NAT gateways, a CloudFront distribution, 2 hosted zones, 2 health checks, 1 web ACL of
    10 rules, 20 secrets."""
    ec2 = client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("abc")
    ]
    eks = client("eks", region)
    eks.create_cluster(
        name="prod-eks", version="1.28", roleArn=ROLE, resourcesVpcConfig={"subnetIds": subnets}
    )
    eks.create_nodegroup(
        clusterName="prod-eks",
        nodegroupName="prod-nodes",
        nodeRole=ROLE,
        subnets=subnets,
        instanceTypes=["c5.2xlarge"],
        scalingConfig={"minSize": 3, "maxSize": 10, "desiredSize": 3},
        diskSize=100,
    )
    rds = client("rds", region)
    rds.create_db_instance(
        DBInstanceIdentifier="prod-postgres",
        DBInstanceClass="db.r5.2xlarge",
        Engine="postgres",
        MultiAZ=True,
        AllocatedStorage=1000,
        StorageType="gp3",
        Iops=16000,
        StorageThroughput=500,
        BackupRetentionPeriod=35,
        MasterUsername="app",
        MasterUserPassword="not-a-secret-1",
    )
    for i in (1, 2):
        rds.create_db_instance_read_replica(
            DBInstanceIdentifier=f"prod-postgres-replica-{i}",
            SourceDBInstanceIdentifier="prod-postgres",
            DBInstanceClass="db.r5.2xlarge",
            MultiAZ=False,
        )
    client("elasticache", region).create_replication_group(
        ReplicationGroupId="prod-redis",
        ReplicationGroupDescription="prod",
        Engine="redis",
        CacheNodeType="cache.r6g.xlarge",
        NumNodeGroups=1,
        ReplicasPerNodeGroup=2,
        SnapshotRetentionLimit=1,
    )
    client("kafka", region).create_cluster_v2(
        ClusterName="prod-msk",
        Provisioned={
            "KafkaVersion": "3.5.1",
            "NumberOfBrokerNodes": 3,
            "BrokerNodeGroupInfo": {
                "InstanceType": "kafka.m5.large",
                "ClientSubnets": subnets,
                "StorageInfo": {"EbsStorageInfo": {"VolumeSize": 1000}},
            },
        },
    )
    client("elbv2", region).create_load_balancer(Name="prod-alb", Subnets=subnets[:2], Type="application")
    for subnet in subnets:
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
    route53 = client("route53", "us-east-1")
    for zone in ("example.com", "internal.example.com"):
        route53.create_hosted_zone(Name=zone, CallerReference=zone)
        route53.create_health_check(
            CallerReference=f"hc-{zone}",
            HealthCheckConfig={
                "Type": "HTTPS",
                "FullyQualifiedDomainName": zone,
                "Port": 443,
                "ResourcePath": "/",
            },
        )
    client("cloudfront", "us-east-1").create_distribution(
        DistributionConfig={
            "CallerReference": "prod",
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "alb",
                        "DomainName": "prod-alb.example.com",
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "https-only",
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {"TargetOriginId": "alb", "ViewerProtocolPolicy": "redirect-to-https"},
            "Comment": "",
            "Enabled": True,
        }
    )
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "m"}
    rules = [
        {
            "Name": f"rate-{i}",
            "Priority": i,
            "Statement": {"RateBasedStatement": {"Limit": 1000 + i, "AggregateKeyType": "IP"}},
            "Action": {"Block": {}},
            "VisibilityConfig": visibility,
        }
        for i in range(10)
    ]
    client("wafv2", region).create_web_acl(
        Name="prod", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility, Rules=rules
    )
    secrets = client("secretsmanager", region)
    for i in range(20):
        secrets.create_secret(Name=f"prod/secret-{i}", SecretString="x")
