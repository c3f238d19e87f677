"""Loading architecture files: the bundled one, and clear errors on bad input."""

import pytest

from costmodel.architecture import load_architecture
from costmodel.errors import InputError

MINIMAL = """
region: us-east-1
eks:
  instance_type: c5.2xlarge
  node_count: 3
  min_nodes: 3
  max_nodes: 10
"""


def test_bundled_production_architecture(production):
    assert production.region == "us-east-1"
    assert production.get("eks.instance_type") == "c5.2xlarge"
    assert production.get("eks.node_count") == 3
    assert production.get("rds.read_replicas") == 2
    assert production.get("msk.storage_gb") == 1000
    assert production.get("eks.node_type") == "c5.2xlarge"  # alias


def test_assumptions_list_usage_quantities_with_origin(production):
    table = production.assumptions()
    row = table.loc[table["key"] == "network.nat_gateways"].iloc[0]
    assert row["value"] == 3 and row["set_in_file"]
    assert "s3.buckets[company-logs].frequent_access_pct" in set(table["key"])
    assert "s3.buckets[company-backups].frequent_access_pct" not in set(table["key"])


def test_defaults_apply_to_omitted_keys(write_yaml):
    arch = load_architecture(write_yaml(MINIMAL))
    assert arch.get("eks.root_volume_gb") == 100
    assert (
        arch.get("eks.support") is None and arch.get("eks.kubernetes_version") is None
    )  # tier: from the version, else standard
    assert list(arch.sections) == ["eks"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            MINIMAL.replace("node_count: 3", "node_count: -1"),
            r"arch.yaml: eks.node_count = -1 must be >= 0",
        ),
        (
            MINIMAL.replace("c5.2xlarge", "c5.3xlarge"),
            r"arch.yaml: eks.instance_type = 'c5.3xlarge' is not a known ec2 instance type; valid choices: c5.large",
        ),
        (
            MINIMAL.replace("node_count: 3", "node_cnt: 3"),
            r"arch.yaml: eks: unknown key 'node_cnt'; valid keys: clusters, kubernetes_version, support, upgrade_policy, instance_type, node_count",
        ),
        (
            MINIMAL.replace("node_count: 3", "node_count: 12"),
            r"eks.node_count = 12 must lie within eks.min_nodes = 3 and eks.max_nodes = 10",
        ),
        (  # the file set max_nodes only: the message names only what the file says
            MINIMAL.replace("  min_nodes: 3\n", "").replace("max_nodes: 10", "max_nodes: 2"),
            r"arch.yaml: eks.node_count = 3 must be at most eks.max_nodes = 2$",
        ),
        (
            MINIMAL.replace("  max_nodes: 10\n", "").replace("min_nodes: 3", "min_nodes: 4"),
            r"arch.yaml: eks.node_count = 3 must be at least eks.min_nodes = 4$",
        ),
        (  # nodes without a cluster would be priced as if they ran somewhere
            MINIMAL.replace("eks:\n", "eks:\n  clusters: 0\n"),
            r"eks.node_count = 3 with eks.clusters = 0: nodes need a cluster to join",
        ),
        (
            MINIMAL.replace("node_count: 3", "node_count: three"),
            r"eks.node_count = 'three' must be of type int",
        ),
        (MINIMAL.replace("node_count: 3", "node_count: true"), r"must be a number, not true/false"),
        (MINIMAL.replace("  node_count: 3\n", ""), r"required key 'node_count' is missing"),
        (
            MINIMAL.replace("us-east-1", "mars-north-1"),
            r"unknown region 'mars-north-1'; known: us-east-1",
        ),
        (MINIMAL + "gke:\n  nodes: 3\n", r"unknown key 'gke'; valid keys: name, region"),
        (
            "region: us-east-1\nrds:\n  instance_class: db.r5.2xlarge\n  storage_gb: 100\n  engine: mysql\n",
            r"rds.engine = 'mysql' is not valid; valid choices: postgres",
        ),
        (
            "region: us-east-1\ns3:\n  buckets:\n    - name: b\n      storage_class: tape\n",
            r"s3.buckets\[0\].storage_class = 'tape' is not valid",
        ),
        (
            "region: us-east-1\nmsk:\n  broker_type: kafka.m5.large\n  broker_count: 3\n  storage_gb: -5\n",
            r"msk.storage_gb = -5 must be >= 0 GB",
        ),
        ("- just\n- a list\n", r"expected a mapping at the top level"),
        ("region: [unclosed\n", r"arch.yaml: not valid YAML"),
    ],
)
def test_bad_architecture_files_name_file_key_and_expectation(write_yaml, text, message):
    with pytest.raises(InputError, match=message):
        load_architecture(write_yaml(text))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="architecture file not found"):
        load_architecture(tmp_path / "nope.yaml")


def test_with_changes_revalidates(production):
    bigger = production.with_changes({"eks.node_count": 5, "rds.instance_type": "db.r5.4xlarge"})
    assert bigger.get("eks.node_count") == 5
    assert bigger.get("rds.instance_class") == "db.r5.4xlarge"
    assert production.get("eks.node_count") == 3  # the original is untouched
    with pytest.raises(InputError, match="must lie within"):
        production.with_changes({"eks.node_count": 11})
    with pytest.raises(InputError, match="unknown key 'eks.nodes'"):
        production.with_changes({"eks.nodes": 4})
