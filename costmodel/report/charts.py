"""Charts of the monthly report, returned as matplotlib Figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from costmodel.figure import ChartFigure
from costmodel.scaling.charts import USD

if TYPE_CHECKING:
    from costmodel.forecast import Forecast


def _short_money(value: float, signed: bool) -> str:
    """``$5,700``, ``+$1,561``, ``-$281``: whole dollars for chart labels."""
    sign = "-" if value < 0 else ("+" if signed else "")
    return f"{sign}${abs(value):,.0f}"


TOTAL_COLOUR, MODEL_COLOUR, UP, DOWN = "#1f4e79", "#8c8c8c", "#b00020", "#1b7f3a"


def plot_waterfall(steps: pd.DataFrame, month: str) -> Figure:
    """Documented total, the steps to the actual total, and the actual total.

    Steps under 50 cents are left out (their amounts stay in the table); the step from the
    document to the model is grey, since it is a difference of estimates, not of the bill.
    """
    first, last = steps.iloc[0], steps.iloc[-1]
    middle = steps.iloc[1:-1]
    middle = middle.loc[middle["amount"].abs() >= 0.5]
    shown = pd.concat([first.to_frame().T, middle, last.to_frame().T], ignore_index=True)
    fig = ChartFigure(figsize=(10, 4.8))
    ax = fig.subplots()
    running, top = 0.0, 0.0
    for i, (name, amount) in enumerate(zip(shown["step"], shown["amount"].astype(float), strict=True)):
        if i in (0, len(shown) - 1):
            ax.bar(i, amount, color=TOTAL_COLOUR)
            low, high, running = 0.0, amount, amount
            label = _short_money(amount, signed=False)
        else:
            low, high = sorted((running, running + amount))
            colour = MODEL_COLOUR if name == "model vs document" else (UP if amount > 0 else DOWN)
            ax.bar(i, high - low, bottom=low, color=colour)
            running += amount
            label = _short_money(amount, signed=True)
        if i < len(shown) - 1:  # connector to the next bar
            ax.plot([i + 0.4, i + 0.6], [running, running], color="#555555", lw=0.8, ls="--")
        top = max(top, high)
        below = i not in (0, len(shown) - 1) and amount < 0
        ax.annotate(
            label,
            (i, low if below else high),
            ha="center",
            va="top" if below else "bottom",
            xytext=(0, -4 if below else 4),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_ylim(0, top * 1.12)
    ax.set_xticks(range(len(shown)), shown["step"], rotation=30, ha="right")
    ax.set_title(f"From the documented estimate to the {month} bill")
    ax.set_ylabel("monthly cost [USD]")
    ax.yaxis.set_major_formatter(USD)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_cost_by_category(
    trend: pd.DataFrame, top: int = 8, documented: float | None = None, budget: float | None = None
) -> Figure:
    """Stacked monthly actual cost by model category (the rows of
    :func:`costmodel.reconcile.trend`), the largest ``top`` and the rest grouped, with each
    month's total on its bar, the documented monthly estimate as a dashed line (default: the
    document's total) and the monthly ``budget`` as a red dotted line."""
    if documented is None:
        from costmodel.documented import documented_total

        documented = documented_total()
    table = trend.drop(index=["Total"], errors="ignore").T.fillna(0.0)
    order = table.sum().sort_values(ascending=False).index
    shown = table[order[:top]].copy()
    if len(order) > top:
        shown["other categories"] = table[order[top:]].sum(axis=1)
    return _stacked(shown, "Actual cost by model category (unblended)", documented, budget)


def plot_cost_by_service(actual: pd.DataFrame, top: int = 8, documented: float | None = None) -> Figure:
    """Stacked monthly actual cost (unblended) of the largest Cost Explorer services."""
    table = actual.pivot_table(
        index="month", columns="service", values="unblended_cost", aggfunc="sum"
    ).fillna(0.0)
    order = table.sum().sort_values(ascending=False).index
    shown = table[order[:top]].copy()
    if len(order) > top:
        shown["other services"] = table[order[top:]].sum(axis=1)
    if documented is None:
        from costmodel.documented import documented_total

        documented = documented_total()
    return _stacked(shown, "Actual cost by service (unblended)", documented)


def _stacked(
    shown: pd.DataFrame, title: str, documented: float | None, budget: float | None = None
) -> Figure:
    """Stacked bars per month, totals on the bars, the documented line, legend in stack order."""
    fig = ChartFigure(figsize=(10, 4.8))
    ax = fig.subplots()
    shown.plot.bar(stacked=True, ax=ax, width=0.7)
    totals = shown.sum(axis=1)
    for i, total in enumerate(totals):
        ax.annotate(
            _short_money(total, signed=False),
            (i, total),
            ha="center",
            va="bottom",
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=8,
        )
    if documented is not None:
        ax.axhline(documented, color="black", ls="--", lw=1)
        ax.annotate(
            f"documented {_short_money(documented, signed=False)}",
            (len(totals) - 0.5, documented),
            ha="right",
            va="bottom",
            fontsize=8,
        )
    if budget is not None:
        ax.axhline(budget, color="#b00020", ls=":", lw=1.4)
        ax.annotate(
            f"budget {_short_money(budget, signed=False)}",
            (-0.5, budget),
            ha="left",
            va="bottom",
            fontsize=8,
            color="#b00020",
        )
    ax.set_ylim(0, max(float(totals.max()), documented or 0, budget or 0) * 1.12)
    ax.set_title(title)
    ax.set_xlabel("month")
    ax.set_ylabel("monthly cost [USD]")
    ax.yaxis.set_major_formatter(USD)
    handles, labels = ax.get_legend_handles_labels()
    # legend in stack order: the top of the stack first
    ax.legend(handles[::-1], labels[::-1], fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    ax.tick_params(axis="x", rotation=0)
    fig.tight_layout()
    return fig


def plot_movers(movers: pd.DataFrame, month: str) -> Figure:
    """Change of each top-moving category against the previous month."""
    fig = ChartFigure(figsize=(8, 0.4 * max(len(movers), 1) + 1.5))
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


def plot_forecast(result: Forecast, budget: float | None = None) -> Figure:
    """The monthly bill: actual months as bars (a month in progress hatched at its spend so
    far), the forecast as points with their prediction interval, and the ``budget`` line."""
    history, table = result.history, result.forecast
    fig = ChartFigure(figsize=(10, 4.5))
    ax = fig.subplots()
    x = list(range(len(history)))
    complete = history["complete"].to_numpy()
    ax.bar(
        [i for i, c in zip(x, complete, strict=True) if c],
        history.loc[complete, "actual"],
        color="#1f4e79",
        label="actual",
    )
    if not complete.all():
        ax.bar(
            [i for i, c in zip(x, complete, strict=True) if not c],
            history.loc[~complete, "actual"],
            color="white",
            edgecolor="#1f4e79",
            hatch="//",
            label="month so far",
        )
    months = history["month"].tolist()
    labels = months + [m for m in table["month"] if m not in months]
    positions = [labels.index(m) for m in table["month"]]
    ax.errorbar(
        positions,
        table["expected"],
        yerr=[table["expected"] - table["low"], table["high"] - table["expected"]],
        fmt="o",
        color="#c55a11",
        capsize=4,
        label=f"forecast ({result.interval:.0%} interval)",
    )
    for pos, value in zip(positions, table["expected"], strict=True):
        ax.annotate(
            _short_money(value, signed=False),
            (pos, value),
            xytext=(6, 0),
            textcoords="offset points",
            fontsize=8,
            va="center",
        )
    if budget is not None:
        ax.axhline(
            budget, color="#b00020", ls=":", lw=1.4, label=f"budget {_short_money(budget, signed=False)}"
        )
    ax.set_xticks(range(len(labels)), labels, rotation=45)
    ax.set_ylim(0, max(float(table["high"].max()), float(history["actual"].max()), budget or 0) * 1.12)
    ax.yaxis.set_major_formatter(USD)
    ax.set_ylabel("monthly bill [USD]")
    ax.set_title("Monthly bill and forecast")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
