"""Charts of the scaling models, returned as matplotlib Figures (for notebooks and reports)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from costmodel import arguments
from costmodel.figure import ChartFigure
from costmodel.scaling.costs import LIMIT_NAMES

USD = FuncFormatter(lambda v, _: f"${v:,.0f}")


def _capacity_label(value: object) -> str:
    """Capacity as a reader writes it: ``5`` nodes, not ``5.0``; class names as they are."""
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return str(value)


def plot_cost_curve(curve: pd.DataFrame, title: str | None = None, today: float | None = None) -> Figure:
    """Monthly cost against load, with the capacity step changes marked and labelled, and a
    marker at today's load (``today``, in the driver's unit)."""
    arguments.frame(
        curve,
        ["load", "capacity", "monthly_cost", "step"],
        "scaling.plot_cost_curve",
        "curve",
        "scaling.cost_curve()",
    )
    fig = ChartFigure(figsize=(8, 4.5))
    ax = fig.subplots()
    ax.step(curve["load"], curve["monthly_cost"], where="post", color="tab:blue")
    steps = curve.loc[curve["step"]]
    for _, row in steps.iterrows():
        ax.axvline(row["load"], color="grey", lw=0.6, ls=":")
        ax.annotate(
            _capacity_label(row["capacity"]),
            (row["load"], row["monthly_cost"]),
            fontsize=7,
            rotation=90,
            xytext=(2, 4),
            textcoords="offset points",
        )
    if today is not None:
        ax.axvline(today, color="black", lw=1.2)
        ax.annotate(
            "today",
            (today, 0),
            xycoords=("data", "axes fraction"),
            xytext=(3, 5),
            textcoords="offset points",
            fontsize=8,
        )
    if "beyond_limit" in curve and curve["beyond_limit"].any():
        first = curve.loc[curve["beyond_limit"], "load"].iloc[0]
        ax.axvspan(first, curve["load"].max(), color="#f2d7d5", alpha=0.6, lw=0)
        service = str(curve["service"].iloc[0]) if "service" in curve else ""
        ax.annotate(
            f"beyond {LIMIT_NAMES.get(service, 'a limit')}:\nnot priced",
            (0.99, 0.97),
            xycoords="axes fraction",
            ha="right",
            fontsize=8,
            va="top",
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#b00020", "lw": 0.8},
        )
    service = str(curve["service"].iloc[0]) if "service" in curve and len(curve) else ""
    ax.set_title(title or f"{service.upper()} monthly cost vs load")
    ax.set_xlabel(str(curve["driver"].iloc[0]) if "driver" in curve and len(curve) else "load")
    ax.set_ylabel("monthly cost [USD, 730 h]")
    ax.yaxis.set_major_formatter(USD)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_projection_fan(
    mc: pd.DataFrame,
    projection: pd.DataFrame | None = None,
    title: str = "Projected monthly cost",
    log: bool = False,
) -> Figure:
    """Percentile fan of a Monte Carlo projection (5-95 and 25-75 bands, median on top).

    Where more than 1% of scenarios need capacity that has no price (beyond the largest
    RDS class or an AWS limit), the percentiles are unknown and the bands stop: the chart
    says from which month. ``log`` puts the cost on a log axis so that year one stays
    readable next to fast growth.
    """
    where = "scaling.plot_projection_fan"
    arguments.frame(mc, ["month", "p5", "p25", "p50", "p75", "p95"], where, "mc", "scaling.monte_carlo()")
    if projection is not None:
        arguments.frame(projection, ["total_cost"], where, "projection", "scaling.project()")
    fig = ChartFigure(figsize=(9, 4.5))
    ax = fig.subplots()
    x = range(len(mc))
    ax.fill_between(x, mc["p5"], mc["p95"], alpha=0.2, color="tab:blue", label="5th-95th percentile")
    ax.fill_between(x, mc["p25"], mc["p75"], alpha=0.35, color="tab:blue", label="25th-75th percentile")
    if projection is not None:
        ax.plot(
            range(len(projection)),
            projection["total_cost"],
            color="black",
            ls="--",
            lw=1,
            label="point projection",
        )
    ax.plot(x, mc["p50"], color="#08306b", lw=2.2, label="median", zorder=3)
    unknown = mc["p50"].isna()
    if unknown.any():
        stop = int(unknown.to_numpy().argmax())
        ax.axvline(stop, color="#b00020", lw=1, ls=":")
        ax.annotate(
            f"from {mc['month'].iloc[stop]}: not priced, scenarios reach\n{_limits_reached(mc, stop)}",
            (stop, 0.95),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=8,
            va="top",
            color="#b00020",
        )
    if log:
        ax.set_yscale("log")
    ticks = list(range(0, len(mc), max(1, len(mc) // 8)))
    ax.set_xticks(ticks, [mc["month"].iloc[i] for i in ticks], rotation=45)
    scenarios = f" ({int(mc['scenarios'].iloc[0]):,} scenarios)" if "scenarios" in mc and len(mc) else ""
    ax.set_title(f"{title}{scenarios}")
    ax.set_xlabel("month")
    ax.set_ylabel("monthly cost [USD]")
    ax.yaxis.set_major_formatter(USD)
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_tornado(table: pd.DataFrame, base: float, title: str = "Sensitivity of the monthly cost") -> Figure:
    """Bars from the cost at the low to the cost at the high value of each assumption (the
    two sides in two colours, each labelled with its cost), largest range on top; the base
    line is today's cost of the four scaled services."""
    shown = table.dropna(subset=["low_cost", "high_cost"]).iloc[::-1]
    fig = ChartFigure(figsize=(9, 0.45 * len(shown) + 1.8))
    ax = fig.subplots()
    for i, row in enumerate(shown.itertuples()):
        for cost, colour, name in (
            (row.low_cost, "#1b7f3a", "low value"),
            (row.high_cost, "#b00020", "high value"),
        ):
            ax.barh(i, cost - base, left=base, color=colour, label=name if i == 0 else None)
            if abs(cost - base) < 0.5:  # this side does not move the cost: nothing to label
                continue
            ax.annotate(
                f"${cost:,.0f}",
                (cost, i),
                xytext=(3 if cost >= base else -3, 0),
                textcoords="offset points",
                ha="left" if cost >= base else "right",
                va="center",
                fontsize=7,
            )
    ax.axvline(base, color="black", lw=1)
    ax.annotate(
        f"today ${base:,.0f}", (base, len(shown) - 0.4), xytext=(3, 0), textcoords="offset points", fontsize=8
    )
    ax.set_yticks(
        range(len(shown)),
        [a.removeprefix("load.").replace("_", " ") for a in shown["assumption"]],
        fontsize=8,
    )
    ax.set_title(title)
    ax.set_xlabel("monthly cost of EKS, RDS, ElastiCache and MSK [USD]")
    ax.xaxis.set_major_formatter(USD)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def _limits_reached(mc: pd.DataFrame, row: int) -> str:
    """The limits the unpriced scenarios of month ``row`` reach, largest share first."""
    shares = {
        service: float(mc[f"{service}_beyond_share"].iloc[row])
        for service in LIMIT_NAMES
        if f"{service}_beyond_share" in mc and mc[f"{service}_beyond_share"].iloc[row] > 0
    }
    reached = sorted(shares, key=shares.get, reverse=True)  # type: ignore[arg-type]
    return " and ".join(LIMIT_NAMES[s] for s in reached) or "capacity without a price"
