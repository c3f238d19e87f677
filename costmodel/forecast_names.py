"""The names of the forecast's candidate methods (:mod:`costmodel.forecast_methods` holds
the methods): apart from numpy, so that ``costmodel forecast --help`` lists them at once."""

DRIFT_WINDOW = 6  # months the drift is the mean change of
NAIVE = "same as last month"
DRIFT = f"drift over the last {DRIFT_WINDOW} months"
DAMPED = "damped-trend ETS"
COMBINATION = "combination of drift and damped-trend ETS"
CALENDAR = "calendar (daily data)"
CANDIDATE_NAMES = (NAIVE, DRIFT, DAMPED, COMBINATION, CALENDAR)  # in the order they are tried

__all__ = ["CALENDAR", "CANDIDATE_NAMES", "COMBINATION", "DAMPED", "DRIFT", "DRIFT_WINDOW", "NAIVE"]
