"""What-if editing: a validated architecture with dotted-path changes, re-validated."""

from __future__ import annotations

import copy
from typing import Any

from costmodel import arguments, limits
from costmodel.architecture.model import Architecture
from costmodel.architecture.schema import SCHEMA, resolve_key
from costmodel.architecture.validation import architecture_from_dict
from costmodel.errors import InputError, closest


def with_changes(architecture: Architecture, changes: dict[str, Any]) -> Architecture:
    """``architecture`` with ``changes`` applied (see :meth:`Architecture.with_changes`)."""
    arguments.changes(changes, "Architecture.with_changes")
    _check_given_once(changes)
    raw = copy.deepcopy(architecture.raw)
    targets = {resolve_key(k) for k in changes}
    if "rds.instance_class" in targets and "rds.replica_instance_class" not in targets:
        rds = raw.get("rds")
        if isinstance(rds, dict) and rds.get("replica_instance_class") is None:
            rds["replica_instance_class"] = architecture.sections["rds"]["instance_class"]
    for dotted, value in changes.items():
        section, _, key = check_key(architecture, dotted).partition(".")
        raw.setdefault(section, {})[key] = value
    origin = f"{architecture.origin} with {changes}"
    changed = architecture_from_dict(raw, origin=origin)
    limits.check_no_decrease(architecture.sections, changed.sections, origin)
    return changed


def check_key(architecture: Architecture, dotted: str) -> str:
    """The schema path of ``dotted`` (an alias resolved), or one line saying why it cannot
    be changed: not a key of the schema, or its section is not in ``architecture``."""
    path = resolve_key(dotted)
    section, _, key = path.partition(".")
    if section not in SCHEMA or key not in SCHEMA[section]:
        valid = [f"{s}.{k}" for s, keys in SCHEMA.items() for k in keys if keys[k].kind != "list"]
        near = closest(path, valid)
        hint = f"did you mean {near!r}? " if near else ""
        raise InputError(f"unknown key {dotted!r}; {hint}valid keys: {', '.join(valid)}")
    if section not in architecture.raw:
        raise InputError(f"{architecture.origin} has no {section!r} section to change {dotted!r} in")
    return path


def _check_given_once(changes: dict[str, Any]) -> None:
    """A setting named twice (``eks.instance_type`` and its alias ``eks.node_type``) is refused
    as on the command line: the later one must not win silently."""
    seen: dict[str, str] = {}
    for key in changes:
        target = resolve_key(key)
        if target in seen:
            raise InputError(f"changes: {key} given twice (also as {seen[target]}); give each key once")
        seen[target] = key
