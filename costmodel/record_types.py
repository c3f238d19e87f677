"""Cost Explorer RECORD_TYPE values (and SERVICE ``Tax``) that are not usage: defined once here.

CUR 2.0 names its ``line_item_line_item_type`` the same way for these three.
"""

CREDIT = "Credit"
REFUND = "Refund"
TAX = "Tax"
# One-off money on the bill: not a rate of usage (anomaly and forecast series leave it out).
ONE_OFF = (CREDIT, REFUND)
# Records the model never prices: each is its own reconciliation category.
NOT_USAGE = (CREDIT, REFUND, TAX)
# The SERVICE dimension Cost Explorer files tax under (GroupBy SERVICE, console CSVs).
TAX_SERVICE = "Tax"
