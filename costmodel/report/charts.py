"""Charts of the monthly report, returned as matplotlib Figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from costmodel.figure import ChartFigure, subtitle
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


def group_of(category: str) -> str:
    """The document's group of a reconciliation category (``Database (RDS)``); the bill's
    tax, support, credits and refunds as ``tax, support, credits``; a category merged from
    several (``EBS volumes + EKS node EBS``) by its first; others ``other (not documented)``."""
    from costmodel import categories

    if category in categories.BILL_ADJUSTMENTS:
        return BILL_ADJUSTMENT_GROUP
    first = category.split(" + ")[0]
    found = categories.ALL.get(first)
    if found is None or found.documented_group == categories.NOT_DOCUMENTED:
        return OTHER_GROUP
    return found.documented_group


BILL_ADJUSTMENT_GROUP = "tax, support, credits (bill only)"
OTHER_GROUP = "other (not in the documented breakdown)"


def plot_cost_by_category(
    trend: pd.DataFrame, top: int = 8, documented: float | None = None, budget: float | None = None
) -> Figure:
    """Stacked monthly actual cost by the document's groups (Compute (EKS), Database (RDS),
    ...: the rows of :func:`costmodel.reconcile.trend` summed by :func:`group_of`), the bill's
    tax, support and credits as a hatched segment of their own (they are not a model
    category), with each month's total on its bar, the documented monthly estimate as a
    dashed line (default: the document's total) and the monthly ``budget`` as a red dotted
    line, both named in the legend. ``top`` caps the groups shown (the rest: "other")."""
    if documented is None:
        from costmodel.documented import documented_total

        documented = documented_total()
    table = trend.drop(index=["Total"], errors="ignore").T.fillna(0.0)
    grouped = table.T.groupby(lambda c: group_of(str(c)) if c != "(unmapped)" else OTHER_GROUP).sum().T
    usage = [c for c in grouped.columns if c != BILL_ADJUSTMENT_GROUP]
    order = grouped[usage].sum().sort_values(ascending=False).index.tolist()
    shown = grouped[order[:top]].copy()
    if len(order) > top:
        shown[OTHER_GROUP] = shown.get(OTHER_GROUP, 0.0) + grouped[order[top:]].sum(axis=1)
    if BILL_ADJUSTMENT_GROUP in grouped:
        shown[BILL_ADJUSTMENT_GROUP] = grouped[BILL_ADJUSTMENT_GROUP]
    return _stacked(shown, "Actual cost by documented group (unblended bill)", documented, budget)


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
    if BILL_ADJUSTMENT_GROUP in shown:  # not usage: hatched, so it never reads as a category
        for patch in ax.containers[list(shown.columns).index(BILL_ADJUSTMENT_GROUP)]:
            patch.set_hatch("///")
            patch.set_facecolor("white")
            patch.set_edgecolor("#555555")
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
    # the reference lines are named in the legend, never written over the bars
    if documented is not None:
        ax.axhline(
            documented, color="black", ls="--", lw=1, label=f"documented {_short_money(documented, False)}"
        )
    if budget is not None:
        ax.axhline(budget, color="#b00020", ls=":", lw=1.4, label=f"budget {_short_money(budget, False)}")
    ax.set_ylim(0, max(float(totals.max()), documented or 0, budget or 0) * 1.12)
    ax.set_title(title)
    ax.set_xlabel("month")
    ax.set_ylabel("monthly cost [USD]")
    ax.yaxis.set_major_formatter(USD)
    handles, labels = ax.get_legend_handles_labels()
    lines = len(handles) - len(shown.columns)  # the reference lines come first
    # legend in stack order (the top of the stack first), then the reference lines
    order = list(range(len(handles) - 1, lines - 1, -1)) + list(range(lines))
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1, 1),
    )
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
    # a 30-day month bills less than a 31-day one at the same daily rate: say the days
    ticks = [f"{m}\n{pd.Period(m, 'M').days_in_month} days" for m in labels]
    ax.set_xticks(range(len(labels)), ticks, rotation=0, fontsize=7)
    ax.set_ylim(0, max(float(table["high"].max()), float(history["actual"].max()), budget or 0) * 1.12)
    ax.set_xlim(-0.6, len(labels) - 0.2)  # room for the last forecast's label
    ax.yaxis.set_major_formatter(USD)
    ax.set_ylabel("monthly bill [USD]")
    ax.set_title("Monthly bill and forecast", pad=16)
    subtitle(
        ax,
        "from the bill (unblended: tax and support included, credits left out of the trend); "
        "months differ in days",
    )
    # beside the plot: inside it, the legend sat over the first months' bars
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_daily_cost(daily: pd.DataFrame, month: str) -> Figure:
    """The cost of each day of ``month`` beside the month before (the rows of
    :func:`costmodel.report.views.daily_trend`) [USD per day]; days that carry a once-a-month
    charge (tax, the support plan) stand out as Cost Explorer shows them."""
    fig = ChartFigure(figsize=(10, 3.8))
    ax = fig.subplots()
    previous = str(pd.Period(month, "M") - 1)
    for name, colour, width in ((previous, "#8c8c8c", 1.0), (month, TOTAL_COLOUR, 1.8)):
        days = daily.loc[daily["month"] == name]
        if len(days):
            ax.plot(days["day"], days["cost"], color=colour, lw=width, marker="o", ms=2.5, label=name)
    first = daily.loc[(daily["month"] == month) & (daily["day"] == 1), "cost"]
    if len(first):
        # AWS bills the support plan and reservation fees on the 1st: the spike is not usage
        ax.annotate(
            "day 1: once-a-month fees",
            (1, float(first.iloc[0])),
            xytext=(8, -2),
            textcoords="offset points",
            fontsize=8,
            va="top",
        )
    ax.set_ylim(bottom=0)  # a day's cost from zero: a 10% change looks like 10%
    ax.set_xlim(0, 32)
    ax.set_xlabel("day of the month")
    ax.set_ylabel("cost per day [USD]")
    ax.yaxis.set_major_formatter(USD)
    ax.set_title(f"Daily cost, {month} and the month before (unblended)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_commitments_over_time(table: pd.DataFrame) -> Figure:
    """Reservation coverage and utilization [%] per month (lines) and the savings realized
    against on-demand [USD] (bars), from :func:`costmodel.report.views.commitments_over_time`."""
    fig = ChartFigure(figsize=(10, 4))
    ax = fig.subplots()
    months = table.groupby("month", sort=True)
    x = list(range(len(months)))
    labels = list(months.groups)
    saving = months["savings_realized"].sum().to_numpy()
    ax.bar(x, saving, color=[DOWN if v >= 0 else UP for v in saving], alpha=0.6, label="savings realized")
    ax.set_ylabel("savings realized [USD per month]")
    ax.yaxis.set_major_formatter(USD)
    twin = ax.twinx()
    hours = months[["usage_hours", "reserved_hours", "covered_hours"]].sum()
    for share, colour, name in (
        (hours["covered_hours"] / hours["usage_hours"], "#1f4e79", "coverage"),
        (hours["covered_hours"] / hours["reserved_hours"], "#c55a11", "utilization"),
    ):
        twin.plot(x, 100 * share.to_numpy(), color=colour, marker="o", label=name)
    twin.set_ylim(0, 115)  # 100% stays clear of the frame
    twin.set_yticks(range(0, 101, 20))
    twin.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
    twin.set_ylabel("coverage, utilization [%]")
    ax.set_xticks(x, labels)
    ax.set_title("Reservations: coverage, utilization and savings against on-demand", pad=16)
    subtitle(
        ax,
        "coverage: share of instance hours a reservation covered; utilization: share of reserved hours used",
    )
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    # beside the plot: inside it the legend sat over a month's bar
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.08, 1), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
