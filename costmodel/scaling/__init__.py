"""Scaling curves and capacity planning for EKS, RDS, ElastiCache and MSK.

Example::

    from costmodel import scaling
    scaling.eks_nodes(requests_per_s=9000)                           # nodes, bounded by 3..10
    curve = scaling.cost_curve(arch, "eks", load=np.linspace(1000, 40000, 1000))
    proj = scaling.project(arch, months=36, growth=0.05)             # step changes month by month
    mc = scaling.monte_carlo(arch, months=24, growth=scaling.Normal(0.05, 0.02), n=10_000)
    scaling.tornado(arch)                                            # which assumption matters most
"""

from costmodel.scaling.charts import (
    plot_commitment_saving,
    plot_cost_curve,
    plot_projection_fan,
    plot_tornado,
)
from costmodel.scaling.costs import capacity_and_cost, hourly_nodes
from costmodel.scaling.eks import eks_nodes, node_hours_per_month
from costmodel.scaling.elasticache import cache_nodes
from costmodel.scaling.msk import autoscaled_storage_gb, brokers
from costmodel.scaling.projection import DRIVERS, Normal, Uniform, cost_curve, monte_carlo, project, tornado
from costmodel.scaling.rds import backup_storage_gb, instance_class, storage_gb

__all__ = [
    "DRIVERS",
    "Normal",
    "Uniform",
    "autoscaled_storage_gb",
    "backup_storage_gb",
    "brokers",
    "cache_nodes",
    "capacity_and_cost",
    "cost_curve",
    "eks_nodes",
    "hourly_nodes",
    "instance_class",
    "monte_carlo",
    "node_hours_per_month",
    "plot_commitment_saving",
    "plot_cost_curve",
    "plot_projection_fan",
    "plot_tornado",
    "project",
    "storage_gb",
    "tornado",
]
