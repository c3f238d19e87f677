"""The names of the forecast's candidate methods (:mod:`costmodel.forecast_methods` holds
the methods) and of the cost they follow: apart from numpy, so that ``costmodel forecast
--help`` lists them at once."""

DRIFT_WINDOW = 6  # months the drift is the mean change of
NAIVE = "same as last month"
DRIFT = f"drift over the last {DRIFT_WINDOW} months"
DAMPED = "damped-trend ETS"
COMBINATION = "combination of drift and damped-trend ETS"
# the mean of the three monthly candidates: "same as last month" beside them halves the part of
# the slope the months ahead carry (a slope in force now is often not three months on)
THREE_WAY = "combination of drift, damped-trend ETS and same as last month"
CALENDAR = "calendar (daily data)"
CANDIDATE_NAMES = (NAIVE, DRIFT, DAMPED, COMBINATION, THREE_WAY, CALENDAR)  # in the order they are tried
# the cost the history and the forecast are: the one every reader gives (a file without it
# is refused), not amortized, so a forecast set beside an amortized budget says so
COST_BASIS = (
    "unblended cost (Cost Explorer's UnblendedCost, line items' unblended cost, FOCUS BilledCost): "
    "tax and fees in; the months ahead before credits and refunds"
)
# a Cost Explorer file grouped without RECORD_TYPE and not filtered to leave credits out: a
# credit is inside its service's amount, so the months ahead cannot be before it
COST_BASIS_CREDITS_NETTED = (
    "unblended cost (Cost Explorer's UnblendedCost): tax and fees in; credits and refunds may be "
    "netted into the services' amounts (the file is grouped without RECORD_TYPE and not filtered to "
    "leave them out), so the months ahead carry any credit netted so as the bill did"
)

__all__ = [
    "CALENDAR",
    "CANDIDATE_NAMES",
    "COMBINATION",
    "COST_BASIS",
    "COST_BASIS_CREDITS_NETTED",
    "DAMPED",
    "DRIFT",
    "DRIFT_WINDOW",
    "NAIVE",
    "THREE_WAY",
]
