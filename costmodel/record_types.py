"""Cost Explorer RECORD_TYPE values (and SERVICE ``Tax``) that are not usage: defined once here.

CUR 2.0 names its ``line_item_line_item_type`` the same way for these three.
"""

import pandas as pd

CREDIT = "Credit"
REFUND = "Refund"
TAX = "Tax"
# One-off money on the bill: not a rate of usage (anomaly and forecast series leave it out).
ONE_OFF = (CREDIT, REFUND)
# Records the model never prices: each is its own reconciliation category.
NOT_USAGE = (CREDIT, REFUND, TAX)
# The SERVICE dimension Cost Explorer files tax under (GroupBy SERVICE, console CSVs).
TAX_SERVICE = "Tax"
# Reservation fees (AWS Budgets' IncludeUpfront / IncludeRecurring) as Cost Explorer names
# them in RECORD_TYPE: the CUR line item types and the console's names (the API model does
# not enumerate the values). "Fee" is also a support plan's or another fee: it cannot tell.
UPFRONT_FEES = ("SavingsPlanUpfrontFee", "Upfront reservation fee")
RECURRING_FEES = ("RIFee", "SavingsPlanRecurringFee", "Recurring reservation fee")
# the usage type of a reservation's fees, upfront and recurring alike (HeavyUsage:m5.large)
RESERVATION_FEE_USAGE = "HeavyUsage"
# the usage type of a Savings Plan's fees when it has an upfront part, upfront and recurring
# alike (ComputeSP:1yrPartialUpfront, ComputeSP:3yrAllUpfront; not ComputeSP:1yrNoUpfront)
SAVINGS_PLAN_UPFRONT_USAGE = r"SP:\d+yr(?:All|Partial)Upfront"


def commitment_fee_usage(usage_types: pd.Series) -> pd.Series:
    """Which usage types are a commitment's fees that may hold an upfront part: a
    reservation's (``HeavyUsage``) or a Savings Plan's with an upfront part."""
    usage = usage_types.fillna("")
    return usage.str.contains(RESERVATION_FEE_USAGE, regex=False) | usage.str.contains(
        SAVINGS_PLAN_UPFRONT_USAGE, regex=True
    )


def is_discount(kind: str) -> bool:
    """Whether a CUR line item type or a Cost Explorer RECORD_TYPE is a discount (AWS Budgets'
    IncludeDiscount): ``EdpDiscount``, ``PrivateRateDiscount``, ``BundledDiscount``,
    ``SppDiscount``, ``DistributorDiscount``, ``Discount`` and the console's names ("Bundled
    Discount"), each ending in Discount; ``DiscountedUsage`` is a reservation's usage, no discount."""
    return kind.strip().lower().endswith("discount")
