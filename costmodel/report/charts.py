"""Charts of the monthly report, returned as matplotlib Figures."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from costmodel.scaling.charts import USD


def plot_waterfall(steps: pd.DataFrame, month: str) -> Figure:
    """Documented total, the steps to the actual total, and the actual total."""
    fig = Figure(figsize=(10, 4.8))
    ax = fig.subplots()
    running = 0.0
    for i, amount in enumerate(steps["amount"]):
        if i in (0, len(steps) - 1):
            ax.bar(i, amount, color="tab:blue")
            running = amount if i == 0 else running
            label = amount
        else:
            bottom = running if amount >= 0 else running + amount
            ax.bar(i, abs(amount), bottom=bottom, color="tab:red" if amount > 0 else "tab:green")
            running += amount
            label = amount
        ax.annotate(
            f"${label:,.0f}",
            (i, max(running, amount if i == 0 else running)),
            ha="center",
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_xticks(range(len(steps)), steps["step"], rotation=30, ha="right")
    ax.set_title(f"From the documented estimate to the {month} bill")
    ax.set_ylabel("monthly cost [USD]")
    ax.yaxis.set_major_formatter(USD)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_cost_by_service(actual: pd.DataFrame, top: int = 8) -> Figure:
    """Stacked monthly actual cost (unblended) of the largest services, the rest grouped."""
    table = actual.pivot_table(
        index="month", columns="service", values="unblended_cost", aggfunc="sum"
    ).fillna(0.0)
    order = table.sum().sort_values(ascending=False).index
    shown = table[order[:top]].copy()
    if len(order) > top:
        shown["other services"] = table[order[top:]].sum(axis=1)
    fig = Figure(figsize=(10, 4.8))
    ax = fig.subplots()
    shown.plot.bar(stacked=True, ax=ax, width=0.7)
    ax.set_title("Actual cost by service (unblended)")
    ax.set_xlabel("month")
    ax.set_ylabel("monthly cost [USD]")
    ax.yaxis.set_major_formatter(USD)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    ax.tick_params(axis="x", rotation=0)
    fig.tight_layout()
    return fig


def plot_movers(movers: pd.DataFrame, month: str) -> Figure:
    """Change of each top-moving category against the previous month."""
    fig = Figure(figsize=(8, 0.4 * max(len(movers), 1) + 1.5))
    ax = fig.subplots()
    shown = movers.iloc[::-1]
    ax.barh(
        shown["category"],
        shown["change"],
        color=["tab:red" if c > 0 else "tab:green" for c in shown["change"]],
    )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_title(f"Top movers, {month} vs the month before")
    ax.set_xlabel("change in monthly cost [USD]")
    ax.xaxis.set_major_formatter(USD)
    fig.tight_layout()
    return fig
