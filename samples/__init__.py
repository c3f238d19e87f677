"""Sample bills (SYNTHETIC), made from an architecture and the price catalog.

The simulator is not part of reading actuals: it makes the bundled samples, and the
benchmarks' large inputs. One simulation (:func:`simulate_months`) yields every sample, so
they are the same bill at every grain:

* :func:`monthly_payload`: Cost Explorer, monthly (``data/actuals/ce-2026-06..2026-10.json``);
* :func:`daily_payload`: Cost Explorer, daily, with planted anomalies
  (``data/actuals/ce-daily-2026-06..2026-10.json``, ``data/samples/planted-anomalies.csv``).

``python -m samples --out-dir data/actuals`` writes them all.
"""

from samples.bill import SimulatedMonth, monthly_payload, simulate, simulate_month, simulate_months
from samples.daily import PLANTED, Anomaly, daily_payload, planted_table

__all__ = [
    "PLANTED",
    "Anomaly",
    "SimulatedMonth",
    "daily_payload",
    "monthly_payload",
    "planted_table",
    "simulate",
    "simulate_month",
    "simulate_months",
]
