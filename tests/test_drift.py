"""drift on files (no AWS): implicit defaults, whole sections, reads the account denied,
storage that shrank. Expected money is hand arithmetic on the price snapshot's rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from costmodel.cli import main

PRODUCTION = Path(__file__).parent.parent / "data" / "architectures" / "production.yaml"
MSK_ONLY = {
    "region": "us-east-1",
    "msk": {"broker_type": "kafka.m5.large", "broker_count": 3, "storage_gb": 1000},
}
EMPTY_ACCOUNT = {  # what discover writes for an account running none of the services
    "region": "us-east-1",
    "network": {"load_balancers": 0, "nat_gateways": 0, "hosted_zones": 0, "health_checks": 0},
    "security": {"waf_web_acls": 0, "waf_rules": 0, "secrets": 0},
}


def _production(**rds: object) -> dict:
    raw = yaml.safe_load(PRODUCTION.read_text())
    raw["rds"] |= rds
    return raw


def _drift(write_yaml, documented: dict, running: dict, capsys, *extra: str) -> tuple[int, dict]:
    doc = write_yaml(yaml.safe_dump(documented), "documented.yaml")
    run = write_yaml(yaml.safe_dump(running), "running.yaml")
    code = main(["drift", str(doc), str(run), "--format", "json", *extra])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    return code, json.loads(captured.out)


def test_replicas_of_the_primary_class_are_compared_with_an_explicit_class(write_yaml, capsys):
    """Documented: primary db.r5.4xlarge, 2 replicas of the primary's class (implicit).
    Running: 3 replicas of db.r5.xlarge (discover writes the class when it is not the primary's)."""
    code, payload = _drift(
        write_yaml,
        _production(instance_class="db.r5.4xlarge"),
        _production(instance_class="db.r5.4xlarge", read_replicas=3, replica_instance_class="db.r5.xlarge"),
        capsys,
    )
    costs = {d["path"]: d["monthly_cost_difference"] for d in payload["differences"]}
    # a third replica at the documented class: db.r5.4xlarge Single-AZ $2.00/h x 730 = $1,460.00,
    # 1,000 GB gp3 x $0.115 = $115.00, (16,000 - 12,000) IOPS x $0.02 = $80.00: $1,655.00;
    # then 3 replicas from db.r5.4xlarge to db.r5.xlarge: 3 x ($0.50 - $2.00) x 730 = -$3,285.00
    assert code == 1
    assert costs == {"rds.read_replicas": 1655.0, "rds.replica_instance_class": -3285.0}
    assert payload["total_monthly_difference"] == pytest.approx(1655.0 - 3285.0)
    assert "rds.replica_instance_class" not in payload["undocumented"]


def test_an_explicit_documented_replica_class_against_replicas_of_a_resized_primary(write_yaml, capsys):
    """Documented: replicas db.r5.2xlarge set explicitly; running: primary and replicas
    db.r5.4xlarge (discover leaves the replica class out when it is the primary's)."""
    code, payload = _drift(
        write_yaml,
        _production(replica_instance_class="db.r5.2xlarge"),
        _production(instance_class="db.r5.4xlarge"),
        capsys,
    )
    costs = {d["path"]: d["monthly_cost_difference"] for d in payload["differences"]}
    # primary Multi-AZ $2.00 -> $4.00/h: +$1,460.00; 2 replicas Single-AZ $1.00 -> $2.00/h: +$1,460.00
    assert code == 1
    assert costs == {"rds.instance_class": 1460.0, "rds.replica_instance_class": 1460.0}
    assert payload["total_monthly_difference"] == pytest.approx(2920.0)


def test_an_empty_account_prices_the_sections_that_do_not_run(write_yaml, capsys):
    code, payload = _drift(write_yaml, MSK_ONLY, EMPTY_ACCOUNT, capsys)
    # MSK not running: 3 kafka.m5.large x $0.21/h x 730 h = $459.90, 3 x 1,000 GB x $0.10 = $300.00
    assert code == 1
    assert payload["differences"] == [
        {"path": "msk", "documented": "present", "running": "absent", "monthly_cost_difference": -759.9}
    ]
    assert payload["total_monthly_difference"] == -759.9
    assert "total_is_lower_bound" not in payload and "unknown_lines" not in payload
    code, payload = _drift(write_yaml, EMPTY_ACCOUNT, MSK_ONLY, capsys)
    assert payload["total_monthly_difference"] == 759.9  # running, not documented: added


def test_an_empty_account_in_text_has_no_lower_bound(write_yaml, capsys):
    doc = write_yaml(yaml.safe_dump(MSK_ONLY), "documented.yaml")
    run = write_yaml(yaml.safe_dump(EMPTY_ACCOUNT), "running.yaml")
    assert main(["drift", str(doc), str(run)]) == 1
    out = capsys.readouterr().out
    assert "msk: documented present, running absent: -$759.90/month" in out
    assert "1 difference(s), -$759.90/month" in out and "at least" not in out


def test_a_section_the_account_denied_is_unknown_not_absent(write_yaml, capsys):
    running = dict(EMPTY_ACCOUNT, msk=MSK_ONLY["msk"], not_read=["rds", "security.secrets"])
    documented = _production()
    documented["security"] = {"secrets": 20}
    doc = write_yaml(yaml.safe_dump(documented), "documented.yaml")
    run = write_yaml(yaml.safe_dump(running), "running.yaml")
    assert main(["drift", str(doc), str(run), "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    unknown = [d for d in payload["differences"] if d["monthly_cost_difference"] is None]
    assert unknown == [
        {"path": "rds", "documented": "present", "running": "unknown (access denied)", "monthly_cost_difference": None},
        {
            "path": "security.secrets",
            "documented": 20,
            "running": "unknown (access denied)",
            "monthly_cost_difference": None,
        },
    ]  # fmt: skip
    assert payload["total_is_partial"] is True and payload["total_is_lower_bound"] is False
    assert payload["unknown_lines"] == 2
    assert main(["drift", str(doc), str(run)]) == 1
    out = capsys.readouterr().out
    assert "rds: documented present, running unknown (access denied): cost unknown" in out
    assert "2 of unknown cost (not read: access denied), so no total" in out and "at least" not in out


def test_not_read_names_a_section_or_key(write_yaml, capsys):
    run = write_yaml(yaml.safe_dump(dict(EMPTY_ACCOUNT, not_read=["rds.colour"])), "running.yaml")
    assert main(["drift", str(PRODUCTION), str(run)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not_read: 'rds.colour'" in err[0]


def test_running_storage_smaller_than_documented_is_a_difference(write_yaml, capsys):
    """AWS cannot shrink RDS storage, so a what-if refuses it; the running file says what runs."""
    code, payload = _drift(write_yaml, _production(), _production(storage_gb=900), capsys)
    # 100 GB less gp3 on each instance: the Multi-AZ primary 100 x $0.23 = -$23.00, 2 replicas
    # 2 x 100 x $0.115 = -$23.00 (the IOPS baseline stays 12,000 at >= 400 GB); the free backup
    # allowance falls from 3 x 1,000 to 3 x 900 = 2,700 GB under the 2,750 GB of backups:
    # 50 GB x $0.095 = +$4.75. In all -$41.25.
    assert code == 1
    assert payload["differences"] == [
        {"path": "rds.storage_gb", "documented": 1000, "running": 900, "monthly_cost_difference": -41.25}
    ]
