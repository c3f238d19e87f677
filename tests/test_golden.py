"""Golden table of the whole production estimate (line items rounded to cents).

Regenerate on purpose with ``make golden`` (``pytest tests/test_golden.py --update-golden``)
and review the diff: every changed cent should be explained by a price or model change.
"""

from pathlib import Path

import pandas as pd

from costmodel.estimate import LINE_ITEM_COLUMNS, estimate

GOLDEN = Path(__file__).parent / "golden" / "production_estimate.csv"


def render(items: pd.DataFrame) -> str:
    table = items.loc[:, LINE_ITEM_COLUMNS].copy()
    table["quantity"] = table["quantity"].round(4)
    table["monthly_cost"] = table["monthly_cost"].map(lambda v: f"{v:.2f}")
    return table.to_csv(index=False, lineterminator="\n")


def test_production_estimate_matches_golden(production, catalog, update_golden):
    text = render(estimate(production, catalog))
    if update_golden:
        GOLDEN.write_text(text)
    expected = GOLDEN.read_text()
    assert text == expected, "estimate changed: review, then run `make golden` to accept it"


def test_golden_total_is_the_hand_checked_sum():
    golden = pd.read_csv(GOLDEN)
    # EKS 73 + 744.60 + 24; RDS 1,460 + 230 + 160 + 2 x (730 + 115 + 80) + 166.25;
    # ElastiCache 900.09; MSK 459.90 + 300; S3 25.31 + 62.80 + 39; EBS 24 + 15; NAT 143.55;
    # transfer 166.99; ALB 45.625; CloudFront 475; Route 53 41; CloudWatch 204.50; WAF 45; Secrets 13
    hand = (
        73
        + 744.60
        + 24
        + 1460
        + 230
        + 160
        + 2 * (730 + 115 + 80)
        + 166.25
        + 900.09
        + 459.90
        + 300
        + 25.31
        + 62.80
        + 39
        + 24
        + 15
        + 143.55
        + 166.99
        + 45.625
        + 475
        + 41
        + 204.50
        + 45
        + 13
    )
    assert abs(golden["monthly_cost"].sum() - hand) < 0.01
