"""Charts of the scaling models, returned as matplotlib Figures (for notebooks and reports)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

USD = FuncFormatter(lambda v, _: f"${v:,.0f}")


def plot_cost_curve(curve: pd.DataFrame, title: str | None = None) -> Figure:
    """Monthly cost against load, with the capacity step changes marked."""
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    ax.step(curve["load"], curve["monthly_cost"], where="post", color="tab:blue")
    steps = curve.loc[curve["step"]]
    for _, row in steps.iterrows():
        ax.axvline(row["load"], color="grey", lw=0.6, ls=":")
        ax.annotate(
            str(row["capacity"]),
            (row["load"], row["monthly_cost"]),
            fontsize=7,
            rotation=90,
            xytext=(2, 4),
            textcoords="offset points",
        )
    ax.set_title(title or f"{curve.attrs.get('service', '').upper()} monthly cost vs load")
    ax.set_xlabel(curve.attrs.get("driver", "load"))
    ax.set_ylabel("monthly cost [USD, 730 h]")
    ax.yaxis.set_major_formatter(USD)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_projection_fan(
    mc: pd.DataFrame, projection: pd.DataFrame | None = None, title: str = "Projected monthly cost"
) -> Figure:
    """Percentile fan of a Monte Carlo projection (5-95 and 25-75 bands, median)."""
    fig = Figure(figsize=(9, 4.5))
    ax = fig.subplots()
    x = range(len(mc))
    ax.fill_between(x, mc["p5"], mc["p95"], alpha=0.2, color="tab:blue", label="5th-95th percentile")
    ax.fill_between(x, mc["p25"], mc["p75"], alpha=0.35, color="tab:blue", label="25th-75th percentile")
    ax.plot(x, mc["p50"], color="tab:blue", label="median")
    if projection is not None:
        ax.plot(
            range(len(projection)), projection["total_cost"], color="black", ls="--", label="point projection"
        )
    ticks = list(range(0, len(mc), max(1, len(mc) // 8)))
    ax.set_xticks(ticks, [mc["month"].iloc[i] for i in ticks], rotation=45)
    ax.set_title(f"{title} ({mc.attrs.get('n', '')} scenarios)")
    ax.set_xlabel("month")
    ax.set_ylabel("monthly cost [USD]")
    ax.yaxis.set_major_formatter(USD)
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_tornado(table: pd.DataFrame, base: float, title: str = "Sensitivity of the monthly cost") -> Figure:
    """Bars from the low to the high cost of each assumption, largest range on top."""
    shown = table.dropna(subset=["low_cost", "high_cost"]).iloc[::-1]
    fig = Figure(figsize=(8, 0.4 * len(shown) + 1.5))
    ax = fig.subplots()
    for i, row in enumerate(shown.itertuples()):
        lo, hi = sorted([row.low_cost, row.high_cost])
        ax.barh(i, hi - lo, left=lo, color="tab:orange")
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(range(len(shown)), shown["assumption"])
    ax.set_title(title)
    ax.set_xlabel("monthly cost of EKS, RDS, ElastiCache and MSK [USD]")
    ax.xaxis.set_major_formatter(USD)
    fig.tight_layout()
    return fig
