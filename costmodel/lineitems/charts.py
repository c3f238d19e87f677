"""Charts of the line items, returned as matplotlib Figures (no pyplot: they show in a plain
Jupyter kernel and render headless alike)."""

from __future__ import annotations

from matplotlib.figure import Figure

from costmodel.figure import ChartFigure
from costmodel.lineitems.nodes import NodeCurve


def plot_node_curve(curve: NodeCurve) -> Figure:
    """Nodes running each hour of the month: billed (line items) against the model's load
    curve, with the architecture's fixed ``node_count`` the estimate prices."""
    fig = ChartFigure(figsize=(10, 4))
    ax = fig.subplots()
    hours = curve.hours
    ax.step(hours["hour"], hours["billed_nodes"], where="post", color="#1f4e79", lw=1.2, label="billed")
    ax.step(
        hours["hour"], hours["model_nodes"], where="post", color="#d9822b", lw=1.2, ls="--", label="model"
    )
    fixed = curve.fixed_node_hours / max(len(hours), 1)
    ax.axhline(fixed, color="#8c8c8c", lw=1, ls=":", label=f"estimate ({fixed:g} nodes all month)")
    share = curve.autoscaling_share_pct
    explained = "" if share is None else f"; the load curve explains {share:.0f}% of the node volume variance"
    ax.set_title(f"EKS {curve.instance_type} nodes per hour, {curve.month}{explained}", fontsize=10)
    ax.set_ylabel("nodes running")
    ax.set_ylim(0, max(hours["billed_nodes"].max(), hours["model_nodes"].max(), fixed) + 1)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


__all__ = ["plot_node_curve"]
