"""Charts of the scaling models, returned as matplotlib Figures (for notebooks and reports)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from costmodel import arguments
from costmodel.figure import ChartFigure, subtitle
from costmodel.scaling.costs import LIMIT_NAMES

UP, DOWN = "#b00020", "#1b7f3a"  # costs more, costs less
USD = FuncFormatter(lambda v, _: f"${v:,.0f}")
SERVICE_NAMES = {"eks": "EKS", "rds": "RDS", "elasticache": "ElastiCache", "msk": "MSK"}
# What the capacity charts price: the four scaled services, so "today" is not the bill.
SCALED_BASIS = "EKS, RDS, ElastiCache and MSK at list prices, 730 h"
# what the number at a cost curve's step counts (RDS steps are labelled with the class)
CAPACITY_NOUNS = {"eks": "worker nodes", "elasticache": "cache nodes", "msk": "brokers"}


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
        # the label rides above the step, clear of the line (a rotated label at the corner
        # of the step sat on it)
        ax.annotate(
            _capacity_label(row["capacity"]),
            (row["load"], row["monthly_cost"]),
            fontsize=7,
            rotation=90,
            ha="right",
            va="bottom",
            xytext=(-2, 10),
            textcoords="offset points",
            color="#555555",
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
        # bottom right: the curve climbs, so the top right is where its last steps are
        ax.annotate(
            f"shaded: beyond {LIMIT_NAMES.get(service, 'a limit')},\nnot priced",
            (0.99, 0.03),
            xycoords="axes fraction",
            ha="right",
            fontsize=8,
            va="bottom",
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#b00020", "lw": 0.8},
        )
    service = str(curve["service"].iloc[0]) if "service" in curve and len(curve) else ""
    # from zero, so that a step from $800 to $1,600 reads as double; room above for the labels
    highest = float(curve["monthly_cost"].max())
    if highest > 0:  # NaN (nothing priced) compares False
        ax.set_ylim(0, highest * 1.15)
    ax.set_title(title or f"{SERVICE_NAMES.get(service, service)} monthly cost vs load", pad=16)
    noun = CAPACITY_NOUNS.get(service)
    counted = f"{noun} from each step" if noun else "the class from each step"
    subtitle(ax, f"list prices, 730 h; labels: {counted}")
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
    unknown = mc["p50"].isna()
    stop = int(unknown.to_numpy().argmax()) if unknown.any() else len(mc)
    if projection is not None:
        # the point projection stops where the scenarios stop being priced: beyond it the
        # chart claims nothing
        shown = projection["total_cost"].iloc[: stop + 1 if stop < len(mc) else len(projection)]
        ax.plot(range(len(shown)), shown, color="black", ls="--", lw=1, label="point projection")
    ax.plot(x, mc["p50"], color="#08306b", lw=2.2, label="median", zorder=3)
    if unknown.any():
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
    if unknown.any():
        ax.axvspan(stop, len(mc) - 1, color="#f2d7d5", alpha=0.5, lw=0)
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)  # from zero: doubling reads as doubling
    ticks = list(range(0, len(mc), max(1, len(mc) // 8)))
    ax.set_xticks(ticks, [mc["month"].iloc[i] for i in ticks], rotation=45)
    scenarios = f" ({int(mc['scenarios'].iloc[0]):,} scenarios)" if "scenarios" in mc and len(mc) else ""
    ax.set_title(f"{title}{scenarios}", pad=16)
    subtitle(
        ax,
        f"month 0 = the estimate: {SCALED_BASIS.replace('EKS, RDS, ElastiCache and MSK at ', '')}, "
        "no tax, support or commitments (not the bill)",
    )
    ax.set_xlabel("month")
    ax.set_ylabel("monthly cost [USD]")
    ax.yaxis.set_major_formatter(USD)
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def _driver_label(assumption: str) -> str:
    """``load.hot_dataset_gb`` -> ``data kept in Redis (GB)``: the architecture's own words."""
    from costmodel.architecture import SCHEMA

    section, _, key = assumption.partition(".")
    field = SCHEMA.get(section, {}).get(key)
    if field is None or not field.doc:
        return key.replace("_", " ")
    return f"{field.doc} ({field.unit})" if field.unit else field.doc


def plot_tornado(
    table: pd.DataFrame, base: float, title: str = "Sensitivity of the monthly cost", swing: float = 0.25
) -> Figure:
    """Each load assumption moved down and up by ``swing`` (the rows of
    :func:`costmodel.scaling.tornado`): a bar from today's cost to the cost at each value, red
    where it costs more and green where it costs less, each end labelled with the move and
    its cost; a move that changes nothing is said under the driver's name. Largest range on top.
    ``base`` is today's cost of the four scaled services (:data:`SCALED_BASIS`), not the bill."""
    shown = table.dropna(subset=["low_cost", "high_cost"]).iloc[::-1]
    fig = ChartFigure(figsize=(10, 0.55 * len(shown) + 2.0))
    ax = fig.subplots()
    labels = []
    for i, row in enumerate(shown.itertuples()):
        unchanged = []
        for cost, move in ((row.low_cost, -swing), (row.high_cost, swing)):
            if abs(cost - base) < 0.5:  # this side moves nothing: said under the driver's name
                unchanged.append(f"{move:+.0%}")
                continue
            ax.barh(i, cost - base, left=base, color=UP if cost > base else DOWN, height=0.6)
            ax.annotate(
                f"{move:+.0%}: ${cost:,.0f}",
                (cost, i),
                xytext=(3 if cost >= base else -3, 0),
                textcoords="offset points",
                ha="left" if cost >= base else "right",
                va="center",
                fontsize=7,
            )
        note = f"\n{' and '.join(unchanged)}: no change" if unchanged else ""
        labels.append(_driver_label(row.assumption) + note)
    ax.axvline(base, color="black", lw=1)
    ax.annotate(
        f"today ${base:,.0f}\n({SCALED_BASIS})",
        (base, 1),
        xycoords=("data", "axes fraction"),
        xytext=(3, -3),
        textcoords="offset points",
        fontsize=7,
        va="top",
    )
    ax.set_yticks(range(len(shown)), labels, fontsize=7)
    ax.set_title(title)
    ax.set_xlabel(f"monthly cost of {SCALED_BASIS} [USD]")
    ax.xaxis.set_major_formatter(USD)
    ax.legend(
        handles=[Patch(color=UP, label="costs more"), Patch(color=DOWN, label="costs less")],
        loc="lower right",
        fontsize=8,
    )
    low, high = ax.get_xlim()
    pad = 0.12 * (high - low)  # room for the end labels
    ax.set_xlim(low - pad, high + pad)
    fig.tight_layout()
    return fig


def plot_commitment_saving(
    without: pd.DataFrame, with_commitment: pd.DataFrame, start: str, term_months: int, what: str
) -> Figure:
    """The monthly saving of a commitment (``without`` - ``with_commitment``, the
    ``total_cost`` of two :func:`costmodel.scaling.project` runs [USD]) over its term only,
    the months it runs, with the cumulative saving as a line: what buying ``what`` from
    ``start`` (YYYY-MM) returns. Negative: it costs more than it saves that month."""
    saving = (without["total_cost"] - with_commitment["total_cost"]).to_numpy()
    months = without["month"].astype(str).to_numpy()
    first = int((months >= start).argmax()) if (months >= start).any() else len(months)
    term = slice(first, min(first + term_months, len(months)))
    shown, labels = saving[term], months[term]
    fig = ChartFigure(figsize=(10, 4.2))
    ax = fig.subplots()
    x = range(len(shown))
    ax.bar(x, shown, color=[DOWN if v >= 0 else UP for v in shown], label="monthly saving")
    ax.axhline(0, color="black", lw=0.8)
    if len(shown) and shown.max() > 0:
        ax.set_ylim(top=shown.max() * 1.3)  # room for the legend above the bars
    twin = ax.twinx()
    twin.plot(x, shown.cumsum(), color="#1f4e79", lw=1.6, marker="o", ms=3, label="cumulative")
    twin.yaxis.set_major_formatter(USD)
    if len(shown) and shown.cumsum().min() >= 0:
        twin.set_ylim(bottom=0)  # both axes from zero: the line does not start mid-height by accident
    twin.set_ylabel("cumulative saving [USD]")
    ax.set_xticks(list(x), labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("saving [USD per month]")
    ax.yaxis.set_major_formatter(USD)
    ax.set_title(f"Saving of {what}, {labels[0] if len(labels) else start} for {term_months} months", pad=16)
    subtitle(
        ax,
        f"against on-demand, {SCALED_BASIS}; after the term the commitment ends",
    )
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", fontsize=8)
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
