"""discover's readers on hand-made responses (no AWS, no moto): what one value of the
schema is given when the account runs several."""

from __future__ import annotations

from costmodel.account.discovery import read_rds


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


class EmptyAccount:
    """Every read of an account that runs nothing: empty lists, one caller identity."""

    def client(self, service: str, **_: object) -> EmptyAccount:
        return self

    def can_paginate(self, operation: str) -> bool:
        return False

    def get_caller_identity(self) -> dict:
        return {"Account": "123456789012"}

    def __getattr__(self, operation: str):
        return lambda **_: {}


def test_an_empty_account_is_a_file_of_zero_counts_and_drift_prices_what_does_not_run(tmp_path, capsys):
    import yaml

    from costmodel.account import discover, to_yaml
    from costmodel.cli import main

    found = discover(aws_session=EmptyAccount(), region="us-east-1")
    raw = yaml.safe_load(to_yaml(found))
    assert set(raw) == {"name", "region", "source", "network", "security"}  # no service runs
    assert raw["network"] == {"load_balancers": 0, "nat_gateways": 0, "hosted_zones": 0, "health_checks": 0}
    assert found.not_read == [] and "not_read" not in raw
    running = tmp_path / "running.yaml"
    running.write_text(to_yaml(found))
    documented = tmp_path / "documented.yaml"
    documented.write_text("region: us-east-1\nmsk: {broker_type: kafka.m5.large, broker_count: 3}\n")
    assert main(["drift", str(documented), str(running)]) == 1
    # MSK documented, not running: 3 x $0.21 x 730 h = $459.90 + 3 x 1,000 GB x $0.10 = $300.00
    assert "msk: documented present, running absent: -$759.90/month" in capsys.readouterr().out
