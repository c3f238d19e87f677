"""Drift: where the documented architecture and the running one differ, and what it costs.

Only keys both files set are compared (a discovered file has no usage assumptions, and a
documented file may leave a configuration key to its default); keys only the running file
sets are listed as undocumented. A service section only one of them has (EKS, RDS,
ElastiCache, MSK: discover writes each one that runs) is a difference whose cost is unknown
(``null``, and the total is then a lower bound); other sections (S3, EBS, observability,
load: no API states them) are compared only when both files have them.

Each difference is priced by applying the running values to the documented architecture
one at a time, cumulatively, through :func:`costmodel.whatif.compare`: a line's cost is what
its change adds to the changes before it, so the lines add up to the total to the cent. A
change that is not valid alone (a node count above the documented maximum) is applied
after the others (the new maximum first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from costmodel.architecture import SCHEMA, Architecture
from costmodel.errors import InputError
from costmodel.pricing.catalog import PriceCatalog, load_snapshot


@dataclass(frozen=True)
class Difference:
    """One documented value against the running one, and its monthly cost [USD per 730 h]."""

    path: str
    documented: Any
    running: Any
    monthly_cost_difference: float | None


@dataclass(frozen=True)
class Drift:
    """The differences, their total [USD per month] and keys only the running file sets."""

    differences: list[Difference]
    total_monthly_difference: float
    unknown_lines: int
    undocumented: dict[str, Any]
    not_compared: list[str]


SERVICE_SECTIONS = ("eks", "rds", "elasticache", "msk")  # absent from a discovered file: not running


def differing_keys(
    documented: Architecture, running: Architecture
) -> tuple[list[Difference], dict[str, Any], list[str]]:
    """Differences (not yet priced), the keys only ``running`` sets, sections not compared."""
    differences, undocumented, not_compared = [], {}, []
    for section, fields in SCHEMA.items():
        in_doc, in_run = section in documented.sections, section in running.sections
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
            if spec.kind == "list" or key not in run_given:
                continue
            value = running.sections[section][key]
            if key not in doc_given:
                undocumented[f"{section}.{key}"] = value
            elif documented.sections[section][key] != value:
                differences.append(
                    Difference(f"{section}.{key}", documented.sections[section][key], value, None)
                )
    return differences, undocumented, not_compared


def drift(documented: Architecture, running: Architecture, catalog: PriceCatalog | None = None) -> Drift:
    """The priced differences between a documented and a running (discovered) architecture."""
    from costmodel.whatif import compare

    if documented.region != running.region:
        raise InputError(
            f"{documented.origin} is in {documented.region} and {running.origin} in {running.region}: "
            "compare architectures of one region"
        )
    catalog = catalog if catalog is not None else load_snapshot()
    found, undocumented, not_compared = differing_keys(documented, running)
    priceable = [d for d in found if d.monthly_cost_difference is None and "." in d.path]
    applied: dict[str, Any] = {}
    cost_so_far, costs = 0.0, {}
    pending = list(priceable)
    while pending:
        progressed = False
        for diff in list(pending):
            try:
                total = compare(documented, applied | {diff.path: diff.running}, catalog).difference
            except InputError:
                continue  # not valid yet: after the others
            applied[diff.path] = diff.running
            costs[diff.path] = total - cost_so_far
            cost_so_far = total
            pending.remove(diff)
            progressed = True
        if not progressed:
            # never valid on the documented base: priced together, as the last step
            compare(documented, applied | {d.path: d.running for d in pending}, catalog)
            raise InputError(f"{running.origin}: {pending[0].path} cannot be applied to {documented.origin}")
    differences = [Difference(d.path, d.documented, d.running, costs.get(d.path)) for d in found]
    unknown = sum(1 for d in differences if d.monthly_cost_difference is None)
    return Drift(differences, cost_so_far, unknown, undocumented, not_compared)


__all__ = ["Difference", "Drift", "differing_keys", "drift"]
