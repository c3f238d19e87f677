"""Drift: where the documented architecture and the running one differ, and what it costs.

Only keys both files set are compared (a discovered file has no usage assumptions, and a
documented file may leave a configuration key to its default); keys only the running file
sets are listed as undocumented. A key whose default is another key's value is compared by
the value in force: read replicas default to the primary's class, so a running
``replica_instance_class`` is compared with the documented primary's class when the
documented file does not set one. A service section only one of them has (EKS, RDS,
ElastiCache, MSK: discover writes each one that runs) is priced as removing or adding the
whole section. A section or key the running file lists under ``not_read`` (the API denied
the read) is a difference of unknown cost, neither present nor absent. Other sections
(S3, EBS, observability, load: no API states them) are compared only when both files have
them.

The differences are priced together, cumulatively: each one is applied to the documented
architecture on top of the ones listed before it (on-demand, 730 h), and its cost is what
it adds to them, so the lines add up to the total to the cent; priced alone, a line could
differ (a third replica of a resized class costs the new class). A change that is not valid
alone (a node count above the documented maximum) is applied after the others (the new
maximum first). Storage smaller than documented is a difference like any other (AWS cannot
shrink it, but the running file says what runs).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from costmodel.architecture import SCHEMA, Architecture, architecture_from_dict
from costmodel.display import Result
from costmodel.errors import InputError
from costmodel.pricing.catalog import PriceCatalog, load_snapshot

ACCESS_DENIED = "unknown (access denied)"


@dataclass(frozen=True, repr=False)
class Difference(Result):
    """One documented value against the running one, and its monthly cost [USD per 730 h]
    (``None``: unknown, the running value could not be read)."""

    path: str
    documented: Any
    running: Any
    monthly_cost_difference: float | None


@dataclass(frozen=True, repr=False)
class Drift(Result):
    """The differences, the total of the known ones [USD per month], how many are of unknown
    cost, keys only the running file sets and sections not compared."""

    differences: list[Difference]
    total_monthly_difference: float
    unknown_lines: int
    undocumented: dict[str, Any]
    not_compared: list[str]

    def _headline(self) -> list[tuple[str, str]]:
        from costmodel.output import signed_money

        total = signed_money(self.total_monthly_difference)
        if self.unknown_lines:  # a partial sum, not a bound: the unknown ones may go either way
            total = f"{total} known ({self.unknown_lines} of unknown cost)"
        return [("differences", str(len(self.differences))), ("cost per month (730 h)", total)] + (
            [("not compared", ", ".join(self.not_compared))] if self.not_compared else []
        )


SERVICE_SECTIONS = ("eks", "rds", "elasticache", "msk")  # absent from a discovered file: not running
# A key whose default (None) means "the value of another key of the section".
DEFAULTS_TO = {("rds", "replica_instance_class"): "instance_class"}


def in_force(arch: Architecture, section: str, key: str) -> Any:
    """The value of ``section.key`` in ``arch``, its implicit default resolved."""
    value = arch.sections[section][key]
    if value is None and (section, key) in DEFAULTS_TO:
        return arch.sections[section][DEFAULTS_TO[(section, key)]]
    return value


def _denied(running: Architecture, section: str) -> tuple[bool, set[str]]:
    """Whether the whole ``section`` could not be read, and which of its keys could not."""
    return section in running.not_read, {
        item.partition(".")[2] for item in running.not_read if item.startswith(f"{section}.")
    }


def differing_keys(
    documented: Architecture, running: Architecture
) -> tuple[list[Difference], dict[str, Any], list[str]]:
    """Differences (not yet priced), the keys only ``running`` sets, sections not compared."""
    differences: list[Difference] = []
    undocumented: dict[str, Any] = {}
    not_compared: list[str] = []
    for section, fields in SCHEMA.items():
        in_doc, in_run = section in documented.sections, section in running.sections
        whole_denied, keys_denied = _denied(running, section)
        if whole_denied or (keys_denied and not in_run):
            differences.append(Difference(section, "present" if in_doc else "absent", ACCESS_DENIED, None))
            continue
        if in_doc != in_run and section not in SERVICE_SECTIONS:
            not_compared.append(section)
            continue
        if in_doc != in_run:
            differences.append(
                Difference(
                    section, "present" if in_doc else "absent", "present" if in_run else "absent", None
                )
            )
            continue
        if not in_doc:
            continue
        doc_given, run_given = documented.given.get(section, set()), running.given.get(section, set())
        for key, spec in fields.items():
            if spec.kind == "list":
                continue
            if key in keys_denied:
                if key in doc_given:
                    differences.append(
                        Difference(f"{section}.{key}", documented.sections[section][key], ACCESS_DENIED, None)
                    )
                continue
            if (section, key) in DEFAULTS_TO:
                if running.sections[section]["read_replicas"] == 0:
                    continue  # no replica runs: its class is moot
                doc_value, run_value = in_force(documented, section, key), in_force(running, section, key)
                if doc_value != run_value:
                    differences.append(Difference(f"{section}.{key}", doc_value, run_value, None))
                continue
            if key not in run_given:
                continue
            value = running.sections[section][key]
            if key not in doc_given:
                undocumented[f"{section}.{key}"] = value
            elif documented.sections[section][key] != value:
                differences.append(
                    Difference(f"{section}.{key}", documented.sections[section][key], value, None)
                )
    return differences, undocumented, not_compared


def _base_raw(documented: Architecture) -> dict:
    """The documented file's mapping with every implicit default written out (so that
    applying a new primary class leaves the replicas' class as documented)."""
    raw = copy.deepcopy(documented.raw)
    for (section, key), _ in DEFAULTS_TO.items():
        if section in documented.sections and isinstance(raw.get(section), dict):
            raw[section][key] = in_force(documented, section, key)
    return raw


def _apply(raw: dict, diff: Difference, running: Architecture) -> dict:
    """``raw`` with one difference applied: a key set, or a whole section removed or added."""
    changed = copy.deepcopy(raw)
    if "." in diff.path:
        section, _, key = diff.path.partition(".")
        changed[section][key] = diff.running
    elif diff.running == "absent":
        del changed[diff.path]
    else:
        changed[diff.path] = copy.deepcopy(running.raw[diff.path])
    return changed


def _monthly_total(raw: dict, origin: str, catalog: PriceCatalog) -> float:
    """The on-demand 730-hour estimate of an architecture mapping [USD]."""
    from costmodel.estimation import estimate

    return float(estimate(architecture_from_dict(raw, origin=origin), catalog)["monthly_cost"].sum())


def drift(documented: Architecture, running: Architecture, catalog: PriceCatalog | None = None) -> Drift:
    """The priced differences between a documented and a running (discovered) architecture."""
    if documented.region != running.region:
        raise InputError(
            f"{documented.origin} is in {documented.region} and {running.origin} in {running.region}: "
            "compare architectures of one region"
        )
    catalog = catalog if catalog is not None else load_snapshot()
    found, undocumented, not_compared = differing_keys(documented, running)
    origin = f"{documented.origin} with the values of {running.origin}"
    raw = _base_raw(documented)
    base_total = _monthly_total(raw, documented.origin, catalog)
    cost_so_far, costs = 0.0, {}
    pending = [d for d in found if d.running != ACCESS_DENIED]
    while pending:
        progressed, refused = False, ""
        for diff in list(pending):
            candidate = _apply(raw, diff, running)
            try:
                total = _monthly_total(candidate, origin, catalog) - base_total
            except InputError as exc:
                refused = refused or str(exc)
                continue  # not valid yet: after the others
            raw, costs[diff.path] = candidate, total - cost_so_far
            cost_so_far = total
            pending.remove(diff)
            progressed = True
        if not progressed:
            raise InputError(
                f"{running.origin}: {pending[0].path} cannot be applied to {documented.origin} ({refused})"
            )
    differences = [Difference(d.path, d.documented, d.running, costs.get(d.path)) for d in found]
    unknown = sum(1 for d in differences if d.monthly_cost_difference is None)
    return Drift(differences, cost_so_far, unknown, undocumented, not_compared)


__all__ = ["ACCESS_DENIED", "Difference", "Drift", "differing_keys", "drift", "in_force"]
