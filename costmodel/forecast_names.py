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

__all__ = [
    "CALENDAR",
    "CANDIDATE_NAMES",
    "COMBINATION",
    "COST_BASIS",
    "DAMPED",
    "DRIFT",
    "DRIFT_WINDOW",
    "NAIVE",
    "THREE_WAY",
]
