"""The document's on-demand vs reserved table on architectures other than the document's."""

import json
from pathlib import Path

from costmodel.cli import main

DR_STANDBY = Path(__file__).parent.parent / "data" / "architectures" / "dr-standby-us-west-2.yaml"


def _total_row(capsys):
    table = json.loads(capsys.readouterr().out)["documented_table"]
    return {row["item"]: row for row in table}


def test_a_node_group_scaled_to_zero_is_explained_not_a_traceback(write_yaml, capsys):
    # the bundled standby runs 0 x c5.2xlarge: before, a ZeroDivisionError traceback. The
    # document does not describe the standby: no documented figure beside it ...
    assert main(["commitments", str(DR_STANDBY), "--format", "json"]) == 0
    rows = _total_row(capsys)
    assert rows["EKS Nodes (c5.2xlarge)"]["list_on_demand"] == 0
    assert rows["EKS Nodes (c5.2xlarge)"]["documented_on_demand"] is None
    # ... unless its file says the document describes it
    declared = write_yaml("documented_estimate: infrastructure-doc-costs\n" + DR_STANDBY.read_text())
    assert main(["commitments", str(declared), "--format", "json"]) == 0
    assert "0 x c5.2xlarge modelled" in _total_row(capsys)["EKS Nodes (c5.2xlarge)"]["explanation"]


def test_a_list_total_above_the_document_says_above(write_yaml, capsys):
    arch = write_yaml(
        "region: us-east-1\ndocumented_estimate: infrastructure-doc-costs\neks:\n"
        "  kubernetes_version: '1.33'\n  instance_type: c5.2xlarge\n"
        "  node_count: 100\n  min_nodes: 100\n  max_nodes: 120\n"
    )
    assert main(["commitments", str(arch), "--format", "json"]) == 0
    total = _total_row(capsys)["Total"]
    # 100 x 730 h x $0.34 (c5.2xlarge on demand, KARP) = $24,820.00; the document's $7,650.00
    # on-demand total is $17,170.00 below it (before: "-$17,170.00 below")
    assert total["list_on_demand"] == 24_820.00
    assert "$17,170.00 above the documented on-demand total" in total["explanation"]


def test_an_architecture_with_nothing_to_reserve_lists_no_option(write_yaml, capsys):
    # EBS only: no instance to reserve (before: KeyError 'resource' traceback, exit 1)
    arch = write_yaml("region: us-east-1\nebs:\n  volumes:\n    - {name: a, count: 1, size_gb: 100}\n")
    assert main(["commitments", str(arch), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["options"] == []
    assert {row["item"]: row for row in payload["documented_table"]}["Total"]["list_on_demand"] == 0
    assert main(["commitments", str(arch), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("resource,service,instance_type")
