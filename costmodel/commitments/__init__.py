"""Reserved vs on-demand: the commitment rules engine.

Example::

    from costmodel import commitments
    opts = commitments.options(arch)                       # every offering per resource, priced
    commitments.effective_hourly(offering)                 # upfront amortized + recurring [USD/h]
    portfolio = commitments.Portfolio([commitments.Commitment("reserved_instance", ...)])
    result = commitments.apply(portfolio, hourly_usage, on_demand_rates)
    commitments.recommend(hourly_usage, service="ec2", term="1yr", payment="no_upfront")
"""

from costmodel.commitments.arithmetic import (
    break_even_months,
    break_even_utilization,
    effective_hourly_rate,
    payment_schedule,
    savings_pct,
)
from costmodel.commitments.documented import documented_table
from costmodel.commitments.offerings import Offering, effective_hourly, options, resources
from costmodel.commitments.portfolio import ApplyResult, Commitment, Portfolio, apply
from costmodel.commitments.recommendation import recommend

__all__ = [
    "ApplyResult",
    "Commitment",
    "Offering",
    "Portfolio",
    "apply",
    "break_even_months",
    "break_even_utilization",
    "documented_table",
    "effective_hourly",
    "effective_hourly_rate",
    "options",
    "payment_schedule",
    "recommend",
    "resources",
    "savings_pct",
]
