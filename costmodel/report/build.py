"""The monthly cost report: one self-contained HTML file (charts embedded as PNG data URIs)."""

from __future__ import annotations

import base64
import io
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import jinja2
import pandas as pd
from matplotlib.figure import Figure

from costmodel.actuals import Actuals, read_actuals
from costmodel.architecture import Architecture, load_architecture
from costmodel.constants import HOURS_PER_MONTH
from costmodel.data_files import SAMPLE_BUDGET, SAMPLE_DAILY, SAMPLE_MONTHLY, data_path, sample
from costmodel.errors import InputError
from costmodel.estimation import estimate
from costmodel.files import atomic_write_text, check_writable_dir
from costmodel.formatting import format_value
from costmodel.inputs import parse_month
from costmodel.lineitems.engine import Athena
from costmodel.lineitems.source import Source
from costmodel.output import money, signed_money, signed_percent
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.reconcile import months, trend
from costmodel.reconcile.variance import VARIANCES
from costmodel.report import analysis, charts, views

# Months of the trend chart: the month reported and the eleven before it.
TREND_MONTHS = 12


def png(fig: Figure) -> str:
    """A figure as a base64 PNG (for a data: URI). Figures are built without pyplot, so
    nothing global holds them and there is nothing to close."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return base64.b64encode(buffer.getvalue()).decode()


def number(value: object) -> str:
    """An assumption's value as a reader expects it: ``2,000,000``, ``0.7``, ``true``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_value(value, "number") if float(value).is_integer() else f"{value:,g}"


def pct(now: float, before: float) -> str:
    """``+28.2%``: the later figure against the earlier one."""
    return signed_percent((now - before) / before * 100) if before else "n/a"


signed = signed_money


def budget_section(
    budget_path: str | Path | None,
    actuals: Actuals,
    month: str,
    arch: Architecture,
    catalog: PriceCatalog,
    items: pd.DataFrame,
    line_items: tuple[Source, Athena | None] | None = None,
) -> dict | None:
    """The month's budgets (:func:`costmodel.budget.evaluate`), or None without a budget file;
    ``items`` is the architecture's estimate (categories come from it). With ``line_items``
    (the export the bill was read from), the bill by day with its accounts, regions and the
    budget's tags, as ``costmodel budget --cur`` reads it (a budget by account was refused,
    the export taken for Cost Explorer data)."""
    from costmodel.budget import budget_notes, evaluate, read_budget, worst_status
    from costmodel.lineitems.dimensions import daily_by_dimension

    if budget_path is None:
        return None
    budget = read_budget(budget_path)
    if line_items is not None:
        source, athena = line_items
        fees = not (budget.include["upfront"] and budget.include["recurring"])
        net = budget.cost_type == "net_amortized"
        actuals = daily_by_dimension(source, athena, budget.tag_keys, True, net, fees)
    _, table = evaluate(budget, actuals, month, arch, catalog, items)
    return {
        "file": budget.origin,
        "rows": table.to_dict("records"),
        "total": float(table.loc[table["scope"] == "total", "budget"].iloc[0]),
        "verdict": worst_status(table),
        "notes": budget_notes(budget, table),  # what the budget command says under its table
    }


def anomaly_section(daily: Actuals | None, month: str, items: pd.DataFrame) -> dict:
    """The month's anomalies and step changes, or why there are none to show; ``items`` (the
    architecture's estimate) names the usage types. Line items by account and tag
    (:func:`anomaly_daily`) give root causes by account and tag too."""
    from costmodel import anomalies

    if daily is None:
        return {"available": False, "rows": [], "steps": [], "uncovered": "", "reason": ""}
    labels = anomalies.labels_of(items)
    try:
        detection = anomalies.detect(daily, labels=labels)
    except InputError as exc:  # e.g. a gap in the days: the rest of the report still stands
        return {"available": False, "rows": [], "steps": [], "uncovered": daily.origin, "reason": str(exc)}
    if not anomalies.covers(detection, month):
        reason = anomalies.too_short(detection) or (
            f"the days scored are {detection.first_scored} to {detection.last_scored}"
        )
        return {"available": False, "rows": [], "steps": [], "uncovered": daily.origin, "reason": reason}
    steps = detection.steps.loc[detection.steps["date"].dt.strftime("%Y-%m") == month]
    events = anomalies.alarms(detection)
    events = events.loc[
        (events["start"].dt.strftime("%Y-%m") <= month) & (events["end"].dt.strftime("%Y-%m") >= month)
    ]
    return {
        "available": True,
        "source": daily.origin,
        "events": [e | {"cause": anomalies.top_cause(e["root_causes"])} for e in events.to_dict("records")],
        "rows": anomalies.for_month(detection, month).to_dict("records"),
        "steps": steps.to_dict("records"),
        "scored_days": detection.scored_days,
    }


def anomaly_daily(line_items: tuple[Source, Athena | None], tag: str) -> Actuals:
    """The export's daily bill by account and by the ``tag`` cost allocation tag, for the
    anomalies' root causes (the tag left out when no line item carries it)."""
    from costmodel.anomalies import tag_columns
    from costmodel.lineitems.dimensions import daily_by_dimension

    source, athena = line_items
    daily = daily_by_dimension(source, athena, (tag,))
    untagged = [c for c in tag_columns(daily.rows) if (daily.rows[c] == "").all()]
    return replace(daily, rows=daily.rows.drop(columns=untagged))


def forecast_section(actuals: Actuals, month: str, budget: float | None) -> dict:
    """The three months after ``month`` as forecast from the data up to its end: the method
    the backtest chose and why, each candidate's backtest MASE and interval coverage, or why
    there is no forecast."""
    from costmodel.actuals.series import cut
    from costmodel.forecast import forecast

    def listed(values: list, spec: str) -> str:  # one figure per month ahead ("-": none made)
        return " / ".join("-" if v is None else format(v, spec) for v in values)

    after = (pd.Period(month, "M") + 1).start_time
    try:
        so_far = cut(actuals, str(after.date())) if actuals.rows["period_start"].max() >= after else actuals
        result = forecast(so_far, months=3)
    except InputError as exc:
        return {"available": False, "reason": str(exc)}
    return {
        "available": True,
        "method": result.method,
        "description": result.method_description,
        "reason": result.method_reason,
        "interval": result.interval,
        "basis": result.interval_basis,
        "rows": result.forecast.to_dict("records"),
        "candidates": [
            {
                "method": c["method"],
                "mase": listed(c["mase"], ".2f"),
                "coverage": listed(c["coverage_pct"], ".0f"),
                "forecasts": c["forecasts"],
            }
            for c in result.candidates.to_dict("records")
        ],
        "notes": result.notes,
        "image": png(charts.plot_forecast(result, budget)),
    }


def _daily_for(actuals: Actuals, daily_path: str | Path | None, bundled: bool) -> Actuals | None:
    """Daily actuals for anomalies: the file itself when daily, ``daily_path``, or the
    bundled daily sample beside the bundled monthly one."""
    if set(actuals.rows["granularity"]) == {"DAILY"}:
        return actuals
    if daily_path is not None or bundled:
        return read_actuals(sample(SAMPLE_DAILY, daily_path))
    return None


def _says_synthetic(path: Path) -> bool:
    """The actuals file says it is a SYNTHETIC sample in its first 300 bytes."""
    try:
        return "SYNTHETIC" in path.read_bytes()[:300].decode("utf-8", errors="replace")
    except OSError:
        return False


def _bill_of(month: str, actuals_path: str | Path | None, actuals: Actuals | None) -> tuple[Actuals, Path]:
    """The bill the report reads (given, read from ``actuals_path``, or the bundled sample)
    and the path that names it; a bill without ``month`` is refused."""
    path = sample(SAMPLE_MONTHLY, actuals_path)
    if actuals is None:
        actuals = read_actuals(path)
    else:  # line items: their source names them
        path = Path(actuals.origin)
    present = set(actuals.rows["month"])
    if month not in present:
        raise InputError(f"{path.name} has no data for {month}; it has {', '.join(sorted(present))}")
    return actuals, path


def report_context(
    month: str,
    actuals_path: str | Path | None = None,
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    budget_path: str | Path | None = None,
    daily_path: str | Path | None = None,
    actuals: Actuals | None = None,
    daily: Actuals | None = None,
    line_items: tuple[Source, Athena | None] | None = None,
    tag: str = "team",
) -> dict:
    """Everything the report shows, as plain data (the notebook form uses it too).

    Without files, the bundled samples: the monthly bill, its daily form for anomalies, and
    the sample budget. With ``actuals_path``, a budget shows when ``budget_path`` is given (or
    the file is a bundled sample) and anomalies when the actuals are daily or ``daily_path``
    is given. ``line_items`` (the export the bill was read from) adds the month by the
    ``tag`` cost allocation tag and by resource.
    """
    arch = arch if arch is not None else load_architecture()
    catalog = catalog if catalog is not None else load_snapshot()
    bundled = actuals_path is None and actuals is None
    actuals, path = _bill_of(month, actuals_path, actuals)
    # the month, and the year up to it for the trend and the movers: later months or older
    # ones are not shown, so not reconciled
    first = str(pd.Period(month, "M") - (TREND_MONTHS - 1))
    model = estimate(arch, catalog, month=month)  # built once, for every section
    tables = months(actuals, arch, catalog, between=(first, month), estimates={month: model})
    rec = next(t for t in tables if t.month == month)
    table = rec.lines
    ordered = sorted(t.month for t in tables)
    i = ordered.index(month)
    previous = tables[[t.month for t in tables].index(ordered[i - 1])].totals["actual"] if i else None
    steps = analysis.waterfall(rec)
    top = analysis.movers(tables, month)
    bundled_sample = path.resolve().parent == data_path("actuals").resolve()  # --actuals or --cur of data/
    synthetic = bundled_sample or _says_synthetic(path)
    budget_file = sample(SAMPLE_BUDGET, budget_path) if budget_path or bundled or bundled_sample else None
    budget = budget_section(budget_file, actuals, month, arch, catalog, model, line_items)
    by_category = trend(tables)
    findings = getattr(actuals, "findings", None)
    daily = daily or _daily_for(actuals, daily_path, bundled)
    source, athena = line_items if line_items is not None else (None, None)
    return {
        **views.report_sections(tables, rec, actuals, daily, arch, catalog),
        "line_items": views.line_item_section(source, athena, month, tag),
        "notes": findings.notes(month) if findings is not None else [],
        "budget": budget,
        "anomalies": anomaly_section(
            anomaly_daily(line_items, tag) if line_items is not None and daily_path is None else daily,
            month,
            model,
        ),
        # the daily form of the bill when there is one: the forecast's calendar candidate needs it
        "forecast": forecast_section(
            daily if daily is not None and month in set(daily.rows["month"]) else actuals,
            month,
            budget["total"] if budget else None,
        ),
        "month": month,
        "trend_months": len(tables),
        "arch_name": arch.name,
        "region": arch.region,
        "actuals_source": path.name,
        "synthetic": synthetic,
        "estimated": rec.estimated,
        "progress": rec.progress,
        "totals": rec.totals,
        "previous_total": previous,
        "lines_total": float(table["actual"].sum()),
        "variance_totals": [float(table[c].sum()) for c in VARIANCES],
        "unmapped_total": float(rec.unmapped["actual"].sum()),
        "hours_in_month": rec.hours_in_month,
        "hours_per_month": HOURS_PER_MONTH,
        "waterfall": steps.to_dict("records"),
        "movers": top.to_dict("records"),
        "lines": table.to_dict("records"),
        "lines_by_size": table.assign(_size=(table["actual"] - table["modelled"]).abs())
        .sort_values("_size", ascending=False, kind="stable")
        .to_dict("records"),
        "unmapped": rec.unmapped.to_dict("records"),
        "coverage": analysis.ri_coverage(actuals.rows, month, catalog, arch.region).to_dict("records"),
        "opportunities": analysis.opportunities(arch, catalog).to_dict("records"),
        "assumptions": arch.assumptions().to_dict("records"),
        "price_snapshot": catalog.name,
        "price_basis": catalog.basis,
        "sources": catalog.sources.to_dict("records"),
        "images": {
            "waterfall": png(charts.plot_waterfall(steps, month)),
            "by_service": png(
                charts.plot_cost_by_category(by_category, budget=budget["total"] if budget else None)
            ),
            "movers": png(charts.plot_movers(top, month)) if len(top) else "",
        },
        "tables": {"reconciliation": table, "movers": top, "waterfall": steps},
        "rec": rec,
    }


def render(context: dict) -> str:
    """The report's HTML from :func:`report_context`."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("costmodel.report", "."),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    try:
        package_version = version("costmodel")
    except PackageNotFoundError:
        package_version = "(not installed)"
    return env.get_template("monthly.j2").render(
        **context,
        money=money,
        signed=signed,
        number=number,
        pct=pct,
        signed_percent=signed_percent,
        days_in=lambda m: pd.Period(m, "M").days_in_month,
        version=package_version,
    )


def build_report(
    month: str,
    out_dir: str | Path,
    actuals_path: str | Path | None = None,
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    budget_path: str | Path | None = None,
    daily_path: str | Path | None = None,
    actuals: Actuals | None = None,
    daily: Actuals | None = None,
    line_items: tuple[Source, Athena | None] | None = None,
    tag: str = "team",
    workbook: bool = False,
) -> Path:
    """Write ``cost-report-<month>.html`` (``workbook``: ``.xlsx``, one sheet per table) into
    ``out_dir`` and return its path.

    Parameters
    ----------
    month : str
        ``YYYY-MM``.
    actuals_path : path, optional
        Saved Cost Explorer data (default: the bundled synthetic sample, flagged as such).
    """
    parse_month(month, "--month")
    out = check_writable_dir(out_dir, "report folder")
    context = report_context(
        month, actuals_path, arch, catalog, budget_path, daily_path, actuals, daily, line_items, tag
    )
    if workbook:
        from costmodel.report.workbook import write_workbook

        return write_workbook(context, out / f"cost-report-{month}.xlsx")
    return atomic_write_text(out / f"cost-report-{month}.html", render(context))
