"""What-ifs: the architecture with changes applied, priced and diffed against the base.

Example::

    from costmodel import whatif
    whatif.compare(arch, {"eks.node_count": 5, "rds.instance_class": "db.r5.4xlarge"})
    whatif.cold_standby(arch)    # the document's planned us-west-2 standby, priced where known
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from costmodel import arguments
from costmodel.architecture import Architecture, load_architecture, resolve_key
from costmodel.data_files import data_path
from costmodel.display import Result
from costmodel.estimation import estimate
from costmodel.output import money, signed_money, total_text
from costmodel.pricing.catalog import PriceCatalog, load_snapshot

KEYS = ["service", "resource", "component", "usage_type"]
# The runbook's own actions (infrastructure document, "AWS-Specific Runbook").
RUNBOOK = {
    "scale EKS nodes to 5": {"eks.node_count": 5},
    # modify-db-instance prod-postgres resizes the primary only; replicas stay db.r5.2xlarge
    "RDS to db.r5.4xlarge": {
        "rds.instance_class": "db.r5.4xlarge",
        "rds.replica_instance_class": "db.r5.2xlarge",
    },
}


def diff(base_items: pd.DataFrame, scenario_items: pd.DataFrame) -> pd.DataFrame:
    """Line items of two estimates side by side: base, scenario and difference [USD/month]."""
    base = base_items.groupby(KEYS, sort=False, dropna=False)["monthly_cost"].sum(min_count=1)
    scen = scenario_items.groupby(KEYS, sort=False, dropna=False)["monthly_cost"].sum(min_count=1)
    table = pd.concat([base.rename("base_monthly_cost"), scen.rename("scenario_monthly_cost")], axis=1)
    in_base = table.index.isin(base.index)
    in_scen = table.index.isin(scen.index)
    table.loc[~in_base, "base_monthly_cost"] = 0.0  # a line only the scenario has
    table.loc[~in_scen, "scenario_monthly_cost"] = 0.0
    table["difference"] = table["scenario_monthly_cost"] - table["base_monthly_cost"]
    return table.reset_index()


@dataclass(frozen=True, repr=False)
class WhatIf(Result):
    """A priced what-if: the line items beside the base and the totals, as fields.

    ``line_items``: ``service``, ``resource``, ``component``, ``usage_type``,
    ``base_monthly_cost``, ``scenario_monthly_cost``, ``difference`` [USD per 730-h month];
    totals are NaN when a price is unknown.
    """

    changes: dict[str, Any]
    base_total: float
    scenario_total: float
    difference: float
    line_items: pd.DataFrame
    # changes that cannot move a line in this architecture, each with why (not an error)
    notes: tuple[str, ...] = ()

    def _title(self) -> str:
        return "WhatIf " + ", ".join(f"{k} = {v}" for k, v in self.changes.items())

    def _headline(self) -> list[tuple[str, str]]:
        return [
            ("base (list prices, 730 h)", money(self.base_total)),
            ("scenario", money(self.scenario_total)),
            ("difference per month", signed_money(self.difference)),
        ]

    def changed_lines(self) -> pd.DataFrame:
        """The line items the changes move, and those whose difference is unknown (no price)."""
        items = self.line_items
        return items.loc[~(items["difference"].abs() <= 1e-9)]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("line_items, the lines that change", self.changed_lines())]


@dataclass(frozen=True, repr=False)
class Standby(Result):
    """The cold standby priced: its line items, the known extra cost [USD/month] and how many
    lines have no known price."""

    known_difference: float
    unknown_lines: int
    line_items: pd.DataFrame

    def _headline(self) -> list[tuple[str, str]]:
        return [("extra cost per month", total_text(self.line_items["difference"]))]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        shown = ["service", "component", "region", "difference", "price_status", "price_source"]
        return [("line_items", self.line_items[[c for c in shown if c in self.line_items]])]


def compare(
    arch: Architecture, changes: dict[str, Any], catalog: PriceCatalog | None = None, missing: str = "raise"
) -> WhatIf:
    """Price ``arch`` with ``changes`` (dotted keys, e.g. ``eks.node_count``) against the base.

    A key given twice, also under two names of one setting (``eks.instance_type`` and its
    alias ``eks.node_type``), is refused, as with ``costmodel whatif --set``."""
    arguments.architecture(arch, "whatif.compare")
    arguments.changes(changes, "whatif.compare", at_least_one=True)
    arguments.catalog(catalog, "whatif.compare")
    arguments.choice(missing, ("raise", "report"), "whatif.compare", "missing")
    catalog = catalog if catalog is not None else load_snapshot()
    scenario = arch.with_changes(changes)
    table = diff(estimate(arch, catalog, missing=missing), estimate(scenario, catalog, missing=missing))
    base_total = (
        float(table["base_monthly_cost"].sum(min_count=1))
        if table["base_monthly_cost"].notna().all()
        else np.nan
    )
    scen_total = (
        float(table["scenario_monthly_cost"].sum())
        if table["scenario_monthly_cost"].notna().all()
        else np.nan
    )
    notes = idle_change_notes(changes, scenario)
    return WhatIf(changes, base_total, scen_total, scen_total - base_total, table, notes)


def idle_change_notes(changes: dict[str, Any], scenario: Architecture) -> tuple[str, ...]:
    """Changes the scenario cannot price, and why: the replicas' class of an architecture
    with no read replicas moves nothing, and a silent $0 difference would read as "free"."""
    notes = []
    for key, value in changes.items():
        if (
            resolve_key(key) == "rds.replica_instance_class"
            and scenario.sections["rds"]["read_replicas"] == 0
        ):
            notes.append(
                f"{key} = {value} changes nothing: rds.read_replicas is 0, so no replica is priced "
                "(set rds.read_replicas too)"
            )
    return tuple(notes)


def cold_standby(
    arch: Architecture | None = None,
    catalog: PriceCatalog | None = None,
    snapshot_copy_gb: float = 1500.0,
    standby: Architecture | None = None,
) -> Standby:
    """The planned us-west-2 cold standby: extra cost in the primary region plus the standby.

    The primary region pays the cross-region snapshot copies (``snapshot_copy_gb`` per month
    of inter-region transfer to us-west-2, an assumption: the daily changes of 50 GB x 30);
    the standby region pays its minimal footprint
    (``data/architectures/dr-standby-us-west-2.yaml``), priced from us-west-2 prices where
    the snapshot has them and reported as unknown (NaN, with what was looked up) where not.
    """
    where = "whatif.cold_standby"
    arguments.architecture(arch, where, optional=True)
    arguments.catalog(catalog, where)
    snapshot_copy_gb = arguments.number(
        snapshot_copy_gb, where, "snapshot_copy_gb", low=0, unit="GB per month"
    )
    arguments.architecture(standby, where, "standby", optional=True)
    catalog = catalog if catalog is not None else load_snapshot()
    arch = arch if arch is not None else load_architecture()
    standby = (
        standby
        if standby is not None
        else load_architecture(data_path("architectures", "dr-standby-us-west-2.yaml"))
    )
    copies = compare(
        arch,
        {"network.inter_region_gb": snapshot_copy_gb, "network.inter_region_destination": standby.region},
        catalog,
    )
    extra = copies.line_items.loc[copies.line_items["difference"] != 0].assign(region=arch.region)
    remote = estimate(standby, catalog, missing="report")
    remote_rows = remote.assign(
        base_monthly_cost=0.0,
        scenario_monthly_cost=remote["monthly_cost"],
        difference=remote["monthly_cost"],
        region=standby.region,
    )
    cols = [*KEYS, "region", "base_monthly_cost", "scenario_monthly_cost", "difference"]
    table = pd.concat([extra[cols], remote_rows[[*cols, "price_status", "price_source"]]], ignore_index=True)
    table["price_status"] = table["price_status"].fillna("sourced")
    known = table["difference"].notna()
    return Standby(float(table.loc[known, "difference"].sum()), int((~known).sum()), table)


def parse_changes(values: list[str], option: str = "--set") -> dict:
    """``["eks.node_count=5"]`` -> ``{"eks.node_count": 5}`` (values read as plain YAML scalars).

    A key given twice (also under two names of one key, e.g. ``eks.node_type`` and
    ``eks.instance_type``) is an error: the last one must not win silently. ``option`` names
    the command-line option in messages (``--set``, ``--change``).
    """
    from costmodel.architecture import resolve_key
    from costmodel.errors import InputError
    from costmodel.inputs import load_yaml

    changes: dict = {}
    seen: dict[str, str] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"{option} {item!r}: expected KEY=VALUE, e.g. {option} eks.node_count=5")
        target = resolve_key(key)
        if target in seen:
            raise InputError(
                f"{option} {key} given twice (also as {option} {seen[target]}); give each key once"
            )
        seen[target] = key
        value = load_yaml(raw, f"{option} {key}")
        if isinstance(value, (dict, list)):
            raise InputError(f"{option} {key}={raw}: expected a single value (number, text or true/false)")
        changes[key] = value
    return changes
