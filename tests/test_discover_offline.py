"""discover's readers on hand-made responses (no AWS, no moto): what one value of the
schema is given when the account runs several."""

from __future__ import annotations

from costmodel.account.discover import read_rds


class FakeRds:
    """describe_db_instances in one page, as botocore returns it (no paginator used)."""

    def __init__(self, instances: list[dict]):
        self.instances = instances

    def can_paginate(self, operation: str) -> bool:
        return False

    def describe_db_instances(self, **_: object) -> dict:
        return {"DBInstances": self.instances}


def _instances(*replica_classes: str) -> list[dict]:
    primary = {
        "DBInstanceIdentifier": "db",
        "DBInstanceClass": "db.r5.2xlarge",
        "Engine": "postgres",
        "MultiAZ": True,
        "AllocatedStorage": 1000,
        "StorageType": "gp3",
        "Iops": 12000,
        "StorageThroughput": 500,
        "BackupRetentionPeriod": 7,
    }
    replicas = [
        {
            "DBInstanceIdentifier": f"db-replica-{i}",
            "DBInstanceClass": cls,
            "Engine": "postgres",
            "ReadReplicaSourceDBInstanceIdentifier": "db",
            "MultiAZ": False,
        }
        for i, cls in enumerate(replica_classes)
    ]
    return [primary, *replicas]


def test_mixed_replica_classes_take_the_most_common_then_the_largest_never_the_last_name():
    def replica_class(*classes: str) -> str:
        found = read_rds(lambda service, region: FakeRds(_instances(*classes)), "us-east-1")["rds"]
        return found.values["replica_instance_class"]

    # by name db.r5.xlarge sorts last, but db.r5.4xlarge (128 GiB) is larger than it (32 GiB)
    assert replica_class("db.r5.4xlarge", "db.r5.xlarge") == "db.r5.4xlarge"
    assert replica_class("db.r5.xlarge", "db.r5.xlarge", "db.r5.4xlarge") == "db.r5.xlarge"
    found = read_rds(lambda s, r: FakeRds(_instances("db.r5.4xlarge", "db.r5.xlarge")), "us-east-1")["rds"]
    assert any("all are modelled as db.r5.4xlarge" in note for note in found.notes)
