"""Charts of the calibration: predicted against billed nodes hour by hour, and headroom.
Returned as matplotlib Figures (no pyplot), as every chart of the package."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from costmodel.calibration.backtesting import Backtest
from costmodel.calibration.capacity_headroom import Headroom
from costmodel.figure import ChartFigure
from costmodel.scaling.charts import SERVICE_NAMES


def plot_backtest(result: Backtest) -> Figure:
    """EKS nodes per hour: billed, the calibrated model on the observed load, the
    uncalibrated load curve; below, the hourly error of the calibrated model [nodes]."""
    fig = ChartFigure(figsize=(10, 5.5))
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    hours = result.hours
    eks = next(s for s in result.services if s.service == "eks")
    top.step(
        hours["hour"], hours["billed_nodes"], where="post", color="#1f4e79", lw=1.2, label="billed (CUR)"
    )
    top.step(
        hours["hour"], hours["predicted_nodes"], where="post", color="#d9822b", lw=1.1, ls="--",
        label=f"calibrated model: {eks.predicted_hours:,.0f} h ({eks.error_pct:+.1f}%)",
    )  # fmt: skip
    base = result.baselines[0]
    top.step(
        hours["hour"], hours["uncalibrated_nodes"], where="post", color="#8c8c8c", lw=1, ls=":",
        label=f"uncalibrated load curve: {base.predicted_hours:,.0f} h ({base.error_pct:+.1f}%)",
    )  # fmt: skip
    top.set_title(
        f"EKS nodes per hour, {result.month}: billed {eks.billed_hours:,.0f} node-hours", fontsize=10
    )
    top.set_ylabel("nodes running")
    top.set_ylim(0, max(hours["billed_nodes"].max(), hours["predicted_nodes"].max()) + 1.5)
    top.legend(loc="upper left", fontsize=8, framealpha=0.9, ncols=3)
    error = hours["predicted_nodes"] - hours["billed_nodes"]
    bottom.bar(hours["hour"], error, width=1 / 24, color=["#d9822b" if e > 0 else "#1f4e79" for e in error])
    bottom.axhline(0, color="black", lw=0.6)
    bottom.set_ylabel("predicted - billed")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def plot_headroom(rows: list[Headroom]) -> Figure:
    """Load growth to each service's next step [%], labelled with the month the trend gets
    there; data-growth steps (storage, dataset) show their month only."""
    fig = ChartFigure(figsize=(11, 0.8 + 0.45 * len(rows)), layout="constrained")
    ax = fig.subplots()
    labels = [f"{SERVICE_NAMES.get(r.service, r.service)}: {r.step}" for r in rows]
    shown = [r.load_growth_pct if r.load_growth_pct is not None else 0.5 for r in rows]
    colors = ["#1f4e79" if r.driver == "load" else "#8c8c8c" for r in rows]
    ax.barh(range(len(rows)), shown, color=colors)
    for i, r in enumerate(rows):
        growth = (
            f"+{r.load_growth_pct:g}% load" if r.load_growth_pct is not None
            else ("beyond x20 load" if r.driver == "load" else "data growth")
        )  # fmt: skip
        ax.text(shown[i], i, f"  {growth}, {r.month or 'beyond 10 years'}", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")  # +1% and +900% on one axis
    ax.set_xlabel("load growth to the step [% of today's peak, log scale]")
    ax.set_xlim(0.5, max([*shown, 1.0]) * 20)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}%" if v >= 1 else f"{v:g}%"))
    ax.set_title("Headroom: the next capacity step of each service, at the fitted trend", fontsize=10)
    return fig


__all__ = ["plot_backtest", "plot_headroom"]
