"""Time and money conventions shared by every model.

``HOURS_PER_MONTH`` is the AWS Pricing Calculator convention (and infracost's
``HourToMonthUnitMultiplier``): 8,760 h / 12 rounded down to 730. Calendar months
carry their real hours (672..744); the difference is a reconciliation line of its own.
"""

HOURS_PER_MONTH = 730  # [h / month], estimate basis
HOURS_PER_YEAR = 8760  # [h / year], reserved-term basis (365 days)
DAYS_PER_AVERAGE_MONTH = 30.4375  # [days / month], 365.25 / 12: a trend's month, leap years counted
NOTHING_BILLED_USD = 0.005  # a month's (or day's) bill under half a cent is one billed nothing [USD]
CURRENCY = "USD"
# a cost allocation tag as a key or column name (``tag:team``), and the value of cost without it
TAG_PREFIX = "tag:"
UNTAGGED = "(untagged)"


def calendar_hours(month: str) -> int:
    """Hours in the calendar month ``YYYY-MM`` [h]: 672 (28 days) .. 744 (31 days)."""
    import calendar

    year, number = (int(part) for part in month.split("-"))
    return 24 * calendar.monthrange(year, number)[1]
