"""Forecast defects an independent tester (session 34) found with bills of their own
(benchmarks/independent/), reduced to series small enough to check by hand."""

import numpy as np
import pandas as pd
import pytest

from costmodel import forecast_methods as methods
from tests.test_anomalies import daily_actuals

MARKETPLACE = ("Acme Observability (AWS Marketplace)", "Quarterly-Subscription")
FARGATE = ("Amazon Elastic Container Service", "USE1-Fargate-vCPU-Hours:perCPU")


def quarterly_lumps() -> pd.DataFrame:
    """A Marketplace subscription of $900 billed on the 1st of every quarter's first month."""
    billed = ["2025-10", "2026-01", "2026-04", "2026-07"]
    return pd.DataFrame(
        {
            "month": billed,
            "service": MARKETPLACE[0],
            "usage_type": MARKETPLACE[1],
            "amount": 900.0,
            "first_day": 1,
        }
    )


def test_a_charge_billed_every_quarter_is_forecast_in_the_quarters_months_only():
    # billed in October, January, April and July (every 3 months, 4 times): after July it is
    # due in October, not in August and September. Carried as "last month's amount" it was
    # $900 in each of the three (a generated $8,200 bill forecast $9,100 for August).
    recurring = pd.Series([8000.0] * 5, index=["2026-03", "2026-04", "2026-05", "2026-06", "2026-07"])
    ahead = methods.once_a_month(quarterly_lumps(), recurring, np.array([8000.0, 8000.0, 8000.0]), "2025-10")
    # August 0, September 0, October 900
    assert ahead.tolist() == pytest.approx([0.0, 0.0, 900.0])
    # from August (billed in July, a month ago): September 0, October 900, November 0
    august = recurring.copy()
    august["2026-08"] = 8000.0
    ahead = methods.once_a_month(quarterly_lumps(), august, np.array([8000.0, 8000.0, 8000.0]), "2025-10")
    assert ahead.tolist() == pytest.approx([0.0, 900.0, 0.0])


def test_a_charge_billed_twice_is_too_few_billings_to_tell_a_quarter():
    # billed in April and July only (one gap of 3 months): a cadence needs 3 billings, so
    # it is last month's amount when billed on the 1st, as before: $900 a month
    lumps = quarterly_lumps().iloc[2:]
    recurring = pd.Series([8000.0] * 5, index=["2026-03", "2026-04", "2026-05", "2026-06", "2026-07"])
    ahead = methods.once_a_month(lumps, recurring, np.array([8000.0, 8000.0]), "2026-03")
    assert ahead.tolist() == pytest.approx([900.0, 900.0])


def test_a_quarterly_charge_billed_last_month_is_not_due_in_the_month_in_progress():
    from costmodel.forecast_month_end import month_end

    # Fargate $100 a day from 1 October 2025 to 14 August 2026; $900 on the 1st of October,
    # January, April and July. From 1-14 August: $1,400 billed; 17 days x $100 = $1,700 to
    # come: $3,100. July's $900 is not due again in August (it was: $4,000, and the budget of
    # the Marketplace service read $900 forecast against $0 billed).
    days = pd.date_range("2025-10-01", "2026-08-14")
    quarterly = np.where((days.day == 1) & (days.month.isin([1, 4, 7, 10])), 900.0, 0.0)
    august = month_end(
        daily_actuals({FARGATE: [100.0] * len(days), MARKETPLACE: quarterly}, start="2025-10-01")
    )
    assert august.actual_to_date == pytest.approx(1400.0)
    assert august.expected == pytest.approx(3100.0, rel=1e-3)
