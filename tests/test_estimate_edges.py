"""Edges of estimate and whatif an independent tester found: nothing to price, unknown
prices, architecture values AWS does not allow. Expected money is hand arithmetic on the
price snapshot's rows."""

from __future__ import annotations

import json

from costmodel.cli import main


def test_an_architecture_with_nothing_to_price_is_an_empty_table(write_yaml, capsys):
    arch = write_yaml("region: us-east-1\nnetwork: {load_balancers: 0}\n")
    assert main(["estimate", str(arch), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["line_items"] == [] and payload["total_monthly_cost"] == 0
    assert main(["estimate", str(arch)]) == 0
    assert (
        "Total (on-demand list prices, always-free tiers applied): $0.00 per month" in capsys.readouterr().out
    )
