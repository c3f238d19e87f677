"""discover and drift: the production architecture created in moto's server on 127.0.0.1,
read back read-only, and priced against the documented file."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import requests
import yaml

from costmodel.architecture import SCHEMA, load_architecture
from costmodel.cli import main
from tests.conftest import FAKE_CREDENTIALS
from tests.moto_account import create_production

PRODUCTION = Path(__file__).parent.parent / "data" / "architectures" / "production.yaml"


@pytest.fixture(scope="module")
def production_in_moto(moto_server):
    """moto reset and the production architecture created in it, once for the module (a
    test that adds to it removes what it added)."""
    requests.post(f"{moto_server}/moto-api/reset", timeout=5)
    session = boto3.Session(region_name="us-east-1", **FAKE_CREDENTIALS)
    create_production(
        lambda service, region: session.client(service, region_name=region, endpoint_url=moto_server)
    )
    return moto_server, session


@pytest.fixture
def moto_account(production_in_moto, monkeypatch):
    """Every boto3 client of the command pointed at moto's server."""
    url, _ = production_in_moto
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_CREDENTIALS["aws_secret_access_key"])
    return production_in_moto


def _discover(tmp_path: Path, capsys, name: str = "running.yaml") -> Path:
    out = tmp_path / name
    code = main(["discover", "--region", "us-east-1", "--out", str(out), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return out


def test_discover_reproduces_production_yaml(moto_account, tmp_path, capsys):
    out = _discover(tmp_path, capsys)
    documented, running = load_architecture(PRODUCTION), load_architecture(out)
    compared = []
    for section, keys in running.given.items():
        for key in keys & documented.given.get(section, set()):
            assert running.sections[section][key] == documented.sections[section][key], f"{section}.{key}"
            compared.append(f"{section}.{key}")
    # every configuration key production.yaml states that an API can read was read back
    expected = {
        "eks.clusters", "eks.kubernetes_version", "eks.instance_type", "eks.node_count", "eks.min_nodes",
        "eks.max_nodes", "eks.root_volume_gb", "rds.engine", "rds.instance_class", "rds.multi_az",
        "rds.read_replicas", "rds.replica_multi_az", "rds.storage_gb", "rds.iops", "rds.throughput_mibps",
        "rds.backup_retention_days", "elasticache.engine", "elasticache.node_type", "elasticache.node_count",
        "elasticache.shards", "msk.broker_type", "msk.broker_count", "msk.availability_zones", "msk.storage_gb",
        "msk.provisioned_throughput_mibps", "network.load_balancers", "network.nat_gateways",
        "network.hosted_zones", "network.health_checks", "security.waf_web_acls", "security.waf_rules",
        "security.secrets",
    }  # fmt: skip
    assert expected <= set(compared), sorted(expected - set(compared))
    text = out.read_text()
    assert "# rds:DescribeDBInstances prod-postgres Iops" in text  # each value names its source
    assert "CloudFront: 1 distribution(s)" in text  # counted, listed as not modelled
    assert not any(SCHEMA[s][k].usage and s != "network" for s in running.given for k in running.given[s])
    # no drift: exit 0, and what production.yaml leaves to the default is listed apart
    code = main(["drift", str(PRODUCTION), str(out), "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["differences"] == [] and payload["total_monthly_difference"] == 0
    assert payload["undocumented"] == {"elasticache.automatic_failover": False}
    assert payload["not_compared"] == ["s3", "ebs", "observability", "load"]


def test_drift_prices_a_third_replica_and_exits_1(moto_account, tmp_path, capsys):
    url, session = moto_account
    rds = session.client("rds", endpoint_url=url)
    rds.create_db_instance_read_replica(
        DBInstanceIdentifier="prod-postgres-replica-3",
        SourceDBInstanceIdentifier="prod-postgres",
        DBInstanceClass="db.r5.2xlarge",
        MultiAZ=False,
    )
    try:
        running = _discover(tmp_path, capsys)
    finally:
        rds.delete_db_instance(DBInstanceIdentifier="prod-postgres-replica-3", SkipFinalSnapshot=True)
    code = main(["drift", str(PRODUCTION), str(running), "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1
    # a Single-AZ db.r5.2xlarge PostgreSQL replica: $1.00/h x 730 h = $730.00, 1,000 GB gp3 x
    # $0.115 = $115.00, (16,000 - 12,000 baseline) IOPS x $0.02 = $80.00 (price snapshot rows)
    assert payload["differences"] == [
        {"path": "rds.read_replicas", "documented": 2, "running": 3, "monthly_cost_difference": 925.0}
    ]
    assert payload["total_monthly_difference"] == 925.0
    assert main(["drift", str(PRODUCTION), str(running)]) == 1
    assert "rds.read_replicas: documented 2, running 3: +$925.00/month" in capsys.readouterr().out


def test_drift_applies_a_change_after_the_one_it_needs(write_yaml, capsys):
    """node_count 12 is invalid under the documented max_nodes 10: priced after max_nodes."""
    raw = yaml.safe_load(PRODUCTION.read_text())
    raw["eks"] |= {"node_count": 12, "max_nodes": 12}
    running = write_yaml(yaml.safe_dump(raw), "running.yaml")
    code = main(["drift", str(PRODUCTION), str(running), "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    costs = {d["path"]: d["monthly_cost_difference"] for d in payload["differences"]}
    # 9 more c5.2xlarge: 9 x $0.34/h x 730 h = $2,233.80, their 100 GB gp3 root volumes
    # 9 x 100 GB x $0.08 = $72.00; a larger maximum costs nothing by itself
    assert code == 1 and costs == {"eks.node_count": 2305.8, "eks.max_nodes": 0.0}
    assert payload["total_monthly_difference"] == pytest.approx(2305.8)


def test_drift_section_only_one_file_has_is_priced_as_removed(write_yaml, capsys):
    raw = yaml.safe_load(PRODUCTION.read_text())
    del raw["msk"]
    running = write_yaml(yaml.safe_dump(raw), "running.yaml")
    assert main(["drift", str(PRODUCTION), str(running), "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    # 3 kafka.m5.large x $0.21/h x 730 h = $459.90 and 3 x 1,000 GB x $0.10 = $300.00 no longer run
    assert payload["differences"] == [
        {"path": "msk", "documented": "present", "running": "absent", "monthly_cost_difference": -759.9}
    ]
    assert "total_is_lower_bound" not in payload


def test_drift_bad_input_exits_2(write_yaml, capsys):
    broken = write_yaml("region: us-east-1\neks: {instance_type: c5.2xlarge}\n", "broken.yaml")
    assert main(["drift", str(PRODUCTION), str(broken)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "node_count" in err[0]


def test_a_denied_service_is_listed_and_the_rest_read(moto_account, monkeypatch):
    from botocore.exceptions import ClientError

    from costmodel.account import discover, to_yaml

    _, session = moto_account
    real_client = session.client

    def client(service, **kwargs):
        made = real_client(service, **kwargs)
        if service == "wafv2":

            def denied(**_):
                raise ClientError(
                    {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListWebACLs"
                )

            made.list_web_acls = denied
        return made

    monkeypatch.setattr(session, "client", client)
    found = discover(aws_session=session, region="us-east-1")
    assert found.not_read == ["wafv2:ListWebACLs (AccessDeniedException)"]
    assert found.sections["security"].values == {"secrets": 20}
    assert found.sections["rds"].values["read_replicas"] == 2
    # the file says which values are unknown, so that drift does not take them for absent
    assert found.unread == ["security.waf_web_acls", "security.waf_rules"]
    assert yaml.safe_load(to_yaml(found))["not_read"] == ["security.waf_web_acls", "security.waf_rules"]


def test_no_credentials_and_unknown_profile_are_one_line(tmp_path, monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # never a real endpoint
    assert main(["discover"]) == 2
    assert capsys.readouterr().err.strip() == (
        "costmodel: error: no AWS credentials found: pass --profile or configure the AWS CLI"
    )
    assert main(["discover", "--profile", "nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown AWS profile 'nope'" in err[0]


def test_every_read_denied_is_exit_2(moto_account, monkeypatch, capsys):
    from botocore.exceptions import ClientError

    from costmodel.account import aws

    def denied(aws_client, operation, key, what, **kwargs):
        raise aws.explain(ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, operation), what)

    monkeypatch.setattr(aws, "read_all", denied)
    assert main(["discover"]) == 2
    # moto's server thread may log requests to stderr too: the command's own lines are ours
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("costmodel")]
    assert len(err) == 1 and "access denied to every read" in err[0] and "eks:ListClusters" in err[0]
