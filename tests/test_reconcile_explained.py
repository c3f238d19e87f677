"""What reconcile says of a line, in words and in JSON: a mover without quantities and the
reason a documented figure is null."""

from __future__ import annotations

import json

from costmodel.cli import main

ACTUALS = "data/actuals/ce-2026-06..2026-10.json"


def _october(capsys) -> dict:
    assert main(["reconcile", "--actuals", ACTUALS, "--month", "2026-10", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    return {line["category"]: line for line in payload["months"][-1]["lines"]}


def test_a_mover_without_quantities_is_explained_by_its_money(capsys):
    """The sample bills Route 53 standard Queries the model has none of (its queries go to
    alias records, free): there is no quantity to compare, so the money is named."""
    route53 = _october(capsys)["Route 53"]
    assert "0.0 vs 0.0" not in route53["explanation"]
    assert "Queries billed $" in route53["explanation"] and "no quantity to compare" in route53["explanation"]


def test_documented_basis_says_why_documented_is_null(capsys):
    lines = _october(capsys)
    # the document's "RDS primary $1,600" (data/documented) is stated for the category alone
    assert lines["RDS primary"]["documented"] == 1600 and lines["RDS primary"]["documented_basis"] == "stated"
    # its single data-transfer figure covers two categories: null, allocated pro rata
    transfer = lines["Data transfer out"]
    assert transfer["documented"] is None and transfer["documented_basis"] == "in_a_group"
    assert transfer["allocated"] > 0
    # Route 53 is in no figure of the document
    assert lines["Route 53"]["documented_basis"] == "not_stated" and lines["Route 53"]["allocated"] == 0
