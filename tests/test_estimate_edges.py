"""Edges of estimate and whatif an independent tester found: nothing to price, unknown
prices, architecture values AWS does not allow. Expected money is hand arithmetic on the
price snapshot's rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from costmodel.cli import main

PRODUCTION = Path(__file__).parent.parent / "data" / "architectures" / "production.yaml"


def test_an_architecture_with_nothing_to_price_is_an_empty_table(write_yaml, capsys):
    arch = write_yaml("region: us-east-1\nnetwork: {load_balancers: 0}\n")
    assert main(["estimate", str(arch), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["line_items"] == [] and payload["total_monthly_cost"] == 0
    assert main(["estimate", str(arch)]) == 0
    assert (
        "Total (on-demand list prices, always-free tiers applied): $0.00 per month" in capsys.readouterr().out
    )


RDS_SMALL = (
    "region: us-east-1\nrds:\n  instance_class: db.r5.large\n  multi_az: false\n"
    "  storage_gb: {storage}\n  iops: {iops}\n  throughput_mibps: {throughput}\n"
)


@pytest.mark.parametrize(
    ("iops", "throughput", "key"),
    [(6000, 125, "rds.iops = 6,000"), (3000, 250, "rds.throughput_mibps = 250")],
)
def test_rds_gp3_below_400_gib_cannot_provision_iops_or_throughput(write_yaml, capsys, iops, throughput, key):
    arch = write_yaml(RDS_SMALL.format(storage=300, iops=iops, throughput=throughput))
    assert main(["estimate", str(arch)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and key in err[0] and "below 400 GiB" in err[0], err


def test_rds_gp3_at_the_small_baseline_or_from_400_gib_is_priced(write_yaml, capsys):
    small = write_yaml(RDS_SMALL.format(storage=300, iops=3000, throughput=125), "small.yaml")
    assert main(["estimate", str(small), "--format", "json"]) == 0
    # db.r5.large Single-AZ 730 h x $0.25 = $182.50; 300 GB gp3 x $0.115 = $34.50; no IOPS line
    assert json.loads(capsys.readouterr().out)["total_monthly_cost"] == pytest.approx(217.0)
    large = write_yaml(RDS_SMALL.format(storage=400, iops=13000, throughput=500), "large.yaml")
    assert main(["estimate", str(large), "--format", "json"]) == 0
    # $182.50 + 400 GB x $0.115 = $46.00 + (13,000 - 12,000) IOPS x $0.02 = $20.00
    assert json.loads(capsys.readouterr().out)["total_monthly_cost"] == pytest.approx(248.5)


MSK = "region: us-east-1\nmsk:\n  broker_type: kafka.m5.large\n  broker_count: {count}\n{zones}"


@pytest.mark.parametrize(("count", "zones"), [(4, ""), (5, "  availability_zones: 2\n"), (2, "")])
def test_msk_brokers_must_fill_every_az_alike(write_yaml, capsys, count, zones):
    arch = write_yaml(MSK.format(count=count, zones=zones))
    assert main(["estimate", str(arch)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1 and f"msk.broker_count = {count} is not a multiple of msk.availability_zones" in err[0]
    )


def test_msk_in_two_azs(write_yaml, capsys):
    arch = write_yaml(MSK.format(count=4, zones="  availability_zones: 2\n  storage_gb: 100\n"))
    assert main(["estimate", str(arch), "--format", "json"]) == 0
    # 4 kafka.m5.large x 730 h x $0.21 = $613.20; 4 x 100 GB x $0.10 = $40.00
    assert json.loads(capsys.readouterr().out)["total_monthly_cost"] == pytest.approx(653.2)
    assert main(["whatif", "--set", "msk.broker_count=4"]) == 2  # production: 3 AZs
    assert "not a multiple of msk.availability_zones = 3" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("section", "short", "key"),
    [("rds", "replica_class", "replica_instance_class"), ("eks", "node_type", "instance_type")],
)
def test_a_whatif_short_key_in_a_file_names_the_file_key(write_yaml, capsys, section, short, key):
    raw = yaml.safe_load(PRODUCTION.read_text())
    raw[section][short] = raw[section].get(key) or "db.r5.xlarge"
    arch = write_yaml(yaml.safe_dump(raw))
    assert main(["estimate", str(arch)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"unknown key {short!r}" in err[0] and f"write {key!r}" in err[0], err


def test_a_kubernetes_version_written_as_a_number_is_refused(write_yaml, capsys):
    text = PRODUCTION.read_text().replace('kubernetes_version: "1.28"', "kubernetes_version: 1.30")
    assert "kubernetes_version: 1.30" in text
    assert main(["estimate", str(write_yaml(text))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "eks.kubernetes_version = 1.3 is a number" in err[0] and "quote it" in err[0]


def test_a_month_before_a_price_took_effect_is_priced_at_it_with_a_note(capsys):
    """The snapshot's CloudWatch, KMS, X-Ray and Route 53 free-tier rows take effect on
    2026-11-01 (data/prices): the snapshot holds no earlier price, so October 2026 is priced
    at them and says so, as reconcile of October does (one rule). October has 744 h, as
    December: $7,794.19 + 14 x 7.7105 = $7,902.14 (see the test below)."""
    assert main(["estimate", "--month", "2026-10", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert round(payload["total_monthly_cost"], 2) == 7902.14
    (note,) = [w for w in payload["warnings"] if "took effect" in w]
    assert note.startswith("2026-10 began before") and "(2026-11-01: " in note and "priced at them" in note


def test_a_month_before_the_eks_version_was_released_is_refused(write_yaml, capsys):
    arch = write_yaml(
        'region: us-east-1\neks: {instance_type: c5.2xlarge, node_count: 3, kubernetes_version: "1.31"}\n'
    )
    assert main(["estimate", str(arch), "--month", "2024-08"]) == 2  # 1.31: released 2024-09-26
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--month 2024-08 is before EKS 1.31 was released (2024-09-26)" in err[0]


def test_the_snapshot_month_and_later_are_priced(capsys):
    """By hand from the golden 730-hour total $7,794.19 (tests/test_golden.py, with Route 53's
    2 free health checks: -$1.00) and the hourly lines' $7.7105/h: December (744 h) adds
    14 x 7.7105 = $107.95 -> $7,902.14; February 2027 (672 h) takes 58 x 7.7105 = $447.21
    -> $7,346.98."""
    for month, total in (("2026-12", 7902.14), ("2027-02", 7346.98)):
        assert main(["estimate", "--month", month, "--format", "json"]) == 0
        assert round(json.loads(capsys.readouterr().out)["total_monthly_cost"], 2) == total


STANDBY = "data/architectures/dr-standby-us-west-2.yaml"


def test_whatif_allow_unknown_gives_lower_bounds_like_estimate(capsys):
    """The standby's us-west-2 gp3 storage and backup have no price in the snapshot: without
    --allow-unknown whatif stops, with it the totals are lower bounds. Known lines, by hand:
    EKS control plane 730 x $0.10 = $73.00 + db.r5.large 730 x $0.25 = $182.50 = $255.50;
    rds.storage_gb changes only the two unknown lines, so the known difference is $0."""
    argv = ["whatif", STANDBY, "--set", "rds.storage_gb=1500"]
    assert main(argv) == 2
    capsys.readouterr()
    assert main([*argv, "--allow-unknown", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["base_total"] == payload["scenario_total"] == pytest.approx(255.5)
    assert payload["base"] == payload["scenario"] == {"total_is_lower_bound": True, "unknown_lines": 2}
    assert payload["difference"] == 0 and payload["difference_unknown_lines"] == 2
    assert main([*argv, "--allow-unknown"]) == 0
    out = capsys.readouterr().out
    assert "base at least $255.50 (2 lines unknown) -> scenario at least $255.50 (2 lines unknown)" in out
    assert "USW2-RDS:GP3-Storage" in out  # a line of unknown difference is listed, not "unchanged"


def test_a_service_subtotal_with_unknown_lines_says_at_least(capsys):
    assert main(["estimate", STANDBY, "--allow-unknown"]) == 0
    out = capsys.readouterr().out
    # RDS: db.r5.large 730 h x $0.25 = $182.50 known; storage and backup unknown
    assert any(
        line.startswith("Amazon Relational Database Service ")
        and line.endswith(" at least $182.50 (2 lines unknown)")
        for line in out.splitlines()
    )
    assert "at least $255.50 (2 lines unknown)" in out
    # the node root volumes: no us-west-2 price, 0 nodes: known to be $0.00, and said why
    assert "1 more line(s) have no known price but a quantity of 0: $0.00 whatever the price" in out


def test_rds_without_multi_az_is_single_az_as_aws_creates_it(write_yaml, capsys):
    # CreateDBInstance / `aws rds create-db-instance` without MultiAZ make a Single-AZ
    # instance. db.r5.large PostgreSQL Single-AZ $0.25/h (EIO-RDS) x 730 h = $182.50;
    # gp3 100 GB x $0.115 (IC) = $11.50; total $194.00 (Multi-AZ would be $365.00 + $23.00)
    arch = write_yaml("region: us-east-1\nrds:\n  instance_class: db.r5.large\n  storage_gb: 100\n")
    assert main(["estimate", str(arch), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    usage_types = [item["usage_type"] for item in payload["line_items"]]
    assert "InstanceUsage:db.r5.large" in usage_types
    assert payload["total_monthly_cost"] == pytest.approx(194.00)


def test_defaults_the_file_did_not_set_are_listed_with_the_estimate(write_yaml, capsys):
    # a root volume size and Single-AZ change the price: a user must see they were assumed
    arch = write_yaml(
        "region: us-east-1\neks:\n  node_count: 3\n  instance_type: c5.2xlarge\n"
        "rds:\n  instance_class: db.r5.large\n  storage_gb: 100\n"
    )
    assert main(["estimate", str(arch), "--format", "json"]) == 0
    defaults = {row["key"]: row["value"] for row in json.loads(capsys.readouterr().out)["defaults"]}
    assert defaults["eks.root_volume_gb"] == 100
    assert defaults["rds.multi_az"] is False
    assert "rds.instance_class" not in defaults and "eks.node_count" not in defaults  # set in the file
    assert main(["estimate", str(arch)]) == 0
    out = capsys.readouterr().out
    assert "Defaults applied" in out and "eks.root_volume_gb" in out
