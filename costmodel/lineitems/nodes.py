"""The EKS node group's real hourly node count against the model's load curve.

The estimate prices the node group at its ``node_count`` for every hour; the capacity model
autoscales it hour by hour from the daily load profile (:func:`costmodel.scaling.hourly_nodes`);
the line items say how many instances really ran. The EKS nodes line's volume variance,
``(actual node-hours - node_count x hours) x price``, splits into the part the load curve
explains (``(model node-hours - node_count x hours) x price``: autoscaling the model
expects) and the rest (load other than assumed, or nodes the autoscaler did not remove).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from costmodel.architecture import Architecture
from costmodel.display import Result
from costmodel.errors import InputError
from costmodel.lineitems.engine import Athena
from costmodel.lineitems.source import Source
from costmodel.lineitems.tables import hourly_instances
from costmodel.pricing.catalog import PriceCatalog, load_snapshot


@dataclass(frozen=True, repr=False)
class NodeCurve(Result):
    """The month's hourly curve and its volume variance split [USD]."""

    hours: pd.DataFrame  # hour, billed_nodes, model_nodes (nodes running)
    month: str
    instance_type: str
    node_hour_price: float  # on-demand list price [USD/h]
    fixed_node_hours: float  # node_count x hours in the month [h]
    model_node_hours: float
    actual_node_hours: float

    def _title(self) -> str:
        return f"NodeCurve {self.month} ({self.instance_type})"

    def _headline(self) -> list[tuple[str, str]]:
        from costmodel.output import money, signed_money

        return [
            ("node-hours billed", f"{self.actual_node_hours:,.0f}"),
            ("the model's load curve", f"{self.model_node_hours:,.0f}"),
            ("the estimate's fixed count", f"{self.fixed_node_hours:,.0f}"),
            ("node-hour price (on demand)", money(self.node_hour_price)),
            ("volume variance", signed_money(self.volume_variance)),
        ]

    @property
    def volume_variance(self) -> float:
        """(actual - node_count x hours) x price [USD]."""
        return (self.actual_node_hours - self.fixed_node_hours) * self.node_hour_price

    @property
    def autoscaling_variance(self) -> float:
        """The part of the volume variance the model's load curve explains [USD]."""
        return (self.model_node_hours - self.fixed_node_hours) * self.node_hour_price

    @property
    def autoscaling_share_pct(self) -> float | None:
        """Autoscaling's share of the volume variance [%] (None when there is none)."""
        return (
            100 * self.autoscaling_variance / self.volume_variance
            if abs(self.volume_variance) > 0.005
            else None
        )


def node_curve(
    source: Source,
    month: str,
    arch: Architecture,
    catalog: PriceCatalog | None = None,
    athena: Athena | None = None,
) -> NodeCurve:
    """The node group's hourly nodes in ``month``: billed (line items) and modelled."""
    from costmodel.scaling import hourly_nodes
    from costmodel.usage_types import ec2_instance_hours

    if "eks" not in arch.sections:
        raise InputError(f"{arch.origin} has no eks section: there is no node group to compare")
    eks = arch.sections["eks"]
    actual = hourly_instances(source, month, eks["instance_type"], athena)
    start = pd.Period(month, "M").start_time
    # the hours the data covers (a month in progress: so far), the model over the same hours
    days = -(-len(actual) // 24)
    model = hourly_nodes(arch, start=str(start.date()), days=days).to_numpy()[: len(actual)]
    hours = actual.rename(columns={"instances": "billed_nodes"}).assign(model_nodes=model)
    catalog = catalog if catalog is not None else load_snapshot()
    box = ec2_instance_hours(arch.region, eks["instance_type"])
    price = float(catalog.unit_price(region=arch.region, usage_type=box, operation="RunInstances")["price"])
    return NodeCurve(
        hours=hours,
        month=month,
        instance_type=eks["instance_type"],
        node_hour_price=price,
        fixed_node_hours=float(eks["node_count"] * len(hours)),
        model_node_hours=float(hours["model_nodes"].sum()),
        actual_node_hours=float(hours["billed_nodes"].sum()),
    )


__all__ = ["NodeCurve", "node_curve"]
