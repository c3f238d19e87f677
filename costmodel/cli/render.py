"""Text rendering of the model and bill commands: what a person reads at a terminal.

Nothing here computes money: each function prints figures already computed, with the basis
(prices, hours) they were computed on.
"""

from __future__ import annotations

import pandas as pd

from costmodel.architecture import Architecture
from costmodel.cli.contract import documented_basis
from costmodel.constants import HOURS_PER_MONTH
from costmodel.documented import NO_DOCUMENT, describes
from costmodel.output import change_text, is_unknown, money, table_text, total_text
from costmodel.pricing.catalog import PriceCatalog
from costmodel.reconcile.variance import ReconciledMonth
from costmodel.whatif import WhatIf

ESTIMATE_TABLE_COLUMNS = [
    "service",
    "resource",
    "component",
    "quantity",
    "unit",
    "unit_price",
    "monthly_cost",
    "price_source",
]


def hours_label(hours: float, month: str | None) -> str:
    """What month an estimate prices: ``the 744-hour calendar month 2026-12`` or ``a
    730-hour average month (AWS Pricing Calculator convention)``."""
    if month:
        return f"the {hours:.0f}-hour calendar month {month}"
    return f"a {HOURS_PER_MONTH}-hour average month (AWS Pricing Calculator convention)"


def price_basis(catalog: PriceCatalog, free_tiers: bool = True) -> str:
    """``list prices`` (with overrides, if any) and whether the always-free tiers are applied."""
    return f"{catalog.basis}, {'always-free tiers applied' if free_tiers else 'before free tiers'}"


def print_documented_comparison(comparison: pd.DataFrame, basis: str, costs: pd.Series) -> None:
    print(f"\nDocumented vs modelled (modelled = on-demand {basis}), per month:")
    print(
        table_text(
            comparison.drop(columns="categories"),
            money_columns=("documented", "modelled", "difference"),
        )
    )
    documented_total = comparison["documented"].iloc[-1]
    print(f"Total modelled: {total_text(costs)} per month; documented: {money(documented_total)}")


def print_line_items(items: pd.DataFrame, basis: str) -> None:
    """Every line item, the total per service and the total; unknown prices listed apart."""
    print()
    print(table_text(items[ESTIMATE_TABLE_COLUMNS], money_columns=("monthly_cost",)))
    print()
    # a service with unknown lines is a lower bound, said as the total is: never a plain sum
    by_service = items.groupby("service", sort=False)["monthly_cost"].agg(total_text).reset_index()
    width = max([len("monthly_cost"), *(len(text) for text in by_service["monthly_cost"])])
    by_service["monthly_cost"] = by_service["monthly_cost"].astype(str).str.rjust(width)
    print(table_text(by_service, max_width=max(width, 60)))
    print(f"\nTotal (on-demand {basis}): {total_text(items['monthly_cost'])} per month")
    unknown = items.loc[items["monthly_cost"].isna()]
    if len(unknown):
        print(f"The {len(unknown)} line(s) whose price is unknown (left out of the total: a lower bound):")
        print(
            table_text(unknown[["service", "component", "quantity", "unit", "price_source"]], max_width=110)
        )
    unused = items.loc[items["unit_price"].isna() & items["monthly_cost"].notna()]
    if len(unused):  # the table shows their price as unknown: say why they count as known
        print(
            f"{len(unused)} more line(s) have no known price but a quantity of 0: $0.00 whatever the "
            f"price ({', '.join(unused['component'])})"
        )


def print_estimate_notes(arch: Architecture, items: pd.DataFrame) -> None:
    assumptions = arch.assumptions()
    if len(assumptions):
        print("\nUsage assumptions (not stated by the document; set in the architecture file):")
        print(table_text(assumptions))
    defaults = arch.defaults()
    if len(defaults):
        print("\nDefaults applied (not set in the architecture file; set them to change the price):")
        print(table_text(defaults))
    derived = items.loc[items["price_status"] != "sourced"]
    if len(derived):
        print(
            f"\n{len(derived)} line(s) use prices that are not directly sourced "
            f"({', '.join(sorted(derived['price_status'].unique()))}); see data/README.md."
        )


def documented_cells(stated: pd.Series, allocated: pd.Series) -> pd.Series:
    """The documented column as text: the stated figure, ``in a group`` where the document
    gives only a figure shared with other categories, ``not stated`` where it gives none."""
    basis = documented_basis(stated, allocated)
    return stated.map(money).where(basis == "stated", basis.str.replace("_", " "))


def print_month(rec: ReconciledMonth, basis: str, previous: float | None = None) -> None:
    table, t = rec.lines, rec.totals
    est = f" (IN PROGRESS: {rec.progress or 'not final'}; month to date)" if rec.estimated else ""
    print(f"\n=== {rec.month}: {rec.hours_in_month:.0f} hours{est}")
    print(
        f"actual {money(t['actual'])} (unblended): {change_text(t['actual'], t['modelled'])} vs modelled "
        f"{money(t['modelled'])} (730 h, {basis}), "
        + (
            NO_DOCUMENT
            if is_unknown(t["documented"])
            else f"{change_text(t['actual'], t['documented'])} vs documented {money(t['documented'])}"
        )
        + (f", {change_text(t['actual'], previous)} vs last month" if previous is not None else "")
    )
    variance = (table["actual"] - table["modelled"]).abs()
    ordered = table.assign(_size=variance).sort_values("_size", ascending=False, kind="stable")
    shown = ordered.assign(flag=ordered["flag"].map({True: "!", False: ""}))
    columns = [
        "documented",
        "allocated",
        "modelled",
        "actual",
        "calendar_variance",
        "volume_variance",
        "rate_variance",
        # credits, refunds, tax and support: their own step, so the steps add up to actual - modelled
        "bill_adjustment",
    ]
    total = {"flag": "", "category": "Total (lines)", "explanation": ""} | {
        c: table[c].sum() for c in columns
    }
    total["documented"] = t["documented"]  # the document's own total
    shown = pd.concat([shown, pd.DataFrame([total])], ignore_index=True)
    print(
        table_text(
            shown[["flag", "category", *columns, "explanation"]].assign(
                documented=documented_cells(shown["documented"], shown["allocated"])
            ),
            money_columns=tuple(columns[1:]),
            max_width=90,
        )
    )
    print(
        "documented: what the document states for the category alone; allocated: its group "
        "figures split pro rata over the model's categories (not stated by the document)"
    )
    unmapped = rec.unmapped
    if len(unmapped):
        print(f"unmapped (on the bill, in no model category): {money(unmapped['actual'].sum())}")
        print(table_text(unmapped, money_columns=("actual",)))
    lines_total = table["actual"].sum() + unmapped["actual"].sum()
    print(
        f"conservation: lines {money(table['actual'].sum())} + unmapped {money(unmapped['actual'].sum())} "
        f"= {money(lines_total)}; bill {money(rec.input_total)} ({rec.input_total_source})"
    )


def print_commitments(
    arch: Architecture, catalog: PriceCatalog, opts: pd.DataFrame, table: pd.DataFrame
) -> None:
    """Every commitment option per resource, then the document's on-demand vs reserved table."""
    print(
        f"Commitment options for {arch.name} ({arch.region}), {catalog.name}, "
        f"per {HOURS_PER_MONTH}-hour month"
    )
    for resource, group in opts.groupby("resource", sort=False):
        first = group.iloc[0]
        print(
            f"\n{resource}: {first['count']} x {first['instance_type']} {first['deployment_option']}".rstrip()
        )
        if first["status"] == "not offered":
            print(f"  not offered: {first['note']}")
            continue
        print(f"  on demand: {money(first['on_demand_monthly'])} per month")
        shown = group.assign(term=group["term_years"].map(lambda y: f"{y:.0f}yr"))
        print(
            table_text(
                shown[
                    [
                        "offering",
                        "term",
                        "payment_option",
                        "upfront",
                        "recurring_monthly",
                        "effective_monthly",
                        "savings_pct",
                        "break_even_months",
                        "status",
                    ]
                ]
            )
        )
        unknown = group.loc[group["status"] == "price unknown"]
        if len(unknown):
            print(f"  price unknown: {unknown.iloc[0]['note']}")
    print(f"\nThe document's on-demand vs reserved table, recomputed from {catalog.basis} (instance hours):")
    if not describes(arch):
        print(f"({NO_DOCUMENT}: {arch.origin} has no documented_estimate key; its list figures only)")
    shown = table.copy()
    for column in (
        "documented_on_demand",
        "documented_reserved",
        "list_on_demand",
        "list_reserved",
        "difference_on_demand",
        "difference_reserved",
    ):
        shown[column] = shown[column].map(lambda v: "unknown" if is_unknown(v) else money(v))
    print(table_text(shown.drop(columns=["explanation", "documented_savings_pct", "list_savings_pct"])))
    for row in table.itertuples():
        print(f"- {row.item}: {row.explanation}")


def print_whatif(
    arch: Architecture, catalog: PriceCatalog, result: WhatIf, difference: float, unknown_difference: int
) -> None:
    """The line items a what-if changed (and those of unknown difference), and the base and
    scenario totals: lower bounds when ``unknown_difference`` lines have no price."""
    table = result.line_items
    base, scenario = table["base_monthly_cost"], table["scenario_monthly_cost"]
    changed = result.changed_lines()
    print(
        f"What if {', '.join(f'{k} = {v}' for k, v in result.changes.items())} ({arch.name}, {catalog.name}):"
    )
    print(table_text(changed, money_columns=("base_monthly_cost", "scenario_monthly_cost", "difference")))
    unknown_text = (
        f"; {unknown_difference} line(s) of unknown price, listed, left out of it"
        if unknown_difference
        else ""
    )
    print(
        f"\nbase {total_text(base)} -> scenario {total_text(scenario)} per month: "
        f"{money(difference)} ({len(table) - len(changed)} line items unchanged{unknown_text})"
    )
    for note in result.notes:
        print(f"note: {note}")


def print_audit(catalog: PriceCatalog, checks: pd.DataFrame, lines: pd.DataFrame) -> None:
    """The documented estimate against itself, then against list prices."""
    print("Documented estimate audit (no --actuals given): the document against itself")
    shown = checks.assign(ok=checks["consistent"].map({True: "ok", False: "INCONSISTENT"}))
    print(table_text(shown[["ok", "check", "computed", "stated", "note"]], max_width=80))
    print(f"\n... and against {catalog.basis} (modelled = on-demand, 730 h):")
    print(
        table_text(
            lines[["group", "item", "documented", "basis", "modelled", "difference", "corresponds_to"]],
            money_columns=("documented", "modelled", "difference"),
            max_width=110,
        )
    )
