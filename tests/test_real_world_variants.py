"""Billing exports as AWS and the FinOps Foundation define them, in variants the other suites
do not write (tests/data/variants/README.md says how each file was made). Every expected
figure is summed by hand from the file, in a comment beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_trust import run

VARIANTS = Path(__file__).parent / "data" / "variants"


def reconciled(*argv) -> dict:
    code, out, err = run("reconcile", *argv, "--format", "json")
    assert code == 0, err
    (month,) = json.loads(out)["months"]
    return month


def test_a_credit_stays_its_own_step_when_the_export_has_no_usage_types():
    # FOCUS without AWS's x_ columns: RDS usage 540.00 + 540.00, an RDS credit -100.00, EC2
    # usage 100.00, tax 20.00 (bill 1,100.00). The credit is money that is not usage: its own
    # step, never inside the RDS service total (which is 540 + 540 = 1,080.00)
    month = reconciled("--focus", VARIANTS / "focus-no-x-columns-credit.csv", "--month", "2025-11")
    lines = {line["category"]: line for line in month["lines"]}
    assert lines["Credits"]["actual"] == pytest.approx(-100.00)
    assert lines["Credits"]["bill_adjustment"] == pytest.approx(-100.00)
    assert lines["Amazon Relational Database Service (service total)"]["actual"] == pytest.approx(1080.00)
    assert {s["step"]: s["amount"] for s in month["steps"]}["credits"] == pytest.approx(-100.00)
    assert month["conservation"]["bill_total"] == pytest.approx(1100.00)
