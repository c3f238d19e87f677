"""Validation of a parsed architecture: types, ranges, choices, then the rules that span keys.

Every refusal is an :class:`~costmodel.errors.InputError` naming the file, the dotted key
and what was expected (valid keys, valid instance types, the allowed range).
"""

from __future__ import annotations

import copy
import math
from functools import cache
from pathlib import Path
from typing import Any

from costmodel import limits
from costmodel.architecture.model import Architecture
from costmodel.architecture.reference import _instance_types, billing_code
from costmodel.architecture.schema import ALIASES, SCHEMA, TOP_LEVEL, Field
from costmodel.errors import InputError


def _check_value(value: Any, spec: Field, where: str) -> Any:
    kinds: dict[str, type | tuple[type, ...]] = {
        "int": int,
        "float": (int, float),
        "bool": bool,
        "str": str,
        "list": list,
    }
    if value is None and not spec.required:
        return value
    if value is None:
        raise InputError(f"{where} is empty; it is required ({spec.doc})")
    if spec.kind in ("int", "float") and isinstance(value, bool):
        raise InputError(f"{where} = {value!r} must be a number, not true/false")
    if spec.kind == "str" and isinstance(value, int | float) and not isinstance(value, bool):
        # YAML reads 1.30 as the number 1.3: never guess which text was meant
        raise InputError(
            f"{where} = {value!r} is a number, not text (YAML reads 1.30 as 1.3): quote it, "
            f'e.g. {where.rpartition(".")[2]}: "1.30"'
        )
    if not isinstance(value, kinds[spec.kind]):
        if spec.kind == "int" and isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise InputError(f"{where} = {value!r} must be of type {spec.kind}")
    if spec.kind in ("int", "float") and not math.isfinite(value):
        raise InputError(f"{where} = {value} must be a finite number")
    if spec.kind in ("int", "float") and value > spec.maximum:
        raise InputError(
            f"{where} = {value:g} is beyond any plausible value (at most {spec.maximum:g}"
            + (f" {spec.unit})" if spec.unit else ")")
        )
    if spec.kind in ("int", "float") and spec.minimum is not None and value < spec.minimum:
        raise InputError(
            f"{where} = {value} must be >= {spec.minimum:g}" + (f" {spec.unit}" if spec.unit else "")
        )
    if spec.choices and value not in spec.choices:
        raise InputError(f"{where} = {value!r} is not valid; valid choices: {', '.join(spec.choices)}")
    if spec.instance_service:
        table = _instance_types()  # read only here: no copy needed
        valid = table.loc[table["service"] == spec.instance_service, "instance_type"].tolist()
        if value not in valid:
            raise InputError(
                f"{where} = {value!r} is not a known {spec.instance_service} instance type; "
                f"valid choices: {', '.join(valid)}"
            )
    return value


def _validate_section(raw: Any, schema: dict[str, Field], where: str) -> tuple[dict, set[str]]:
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be a mapping of keys to values, got {type(raw).__name__}")
    unknown = [k for k in raw if k not in schema]
    if unknown:
        short = [
            target.partition(".")[2]
            for alias, target in ALIASES.items()
            if alias.partition(".")[2] == unknown[0] and SCHEMA.get(alias.partition(".")[0]) is schema
        ]
        if short:  # a what-if's short form: the file takes the schema's name
            raise InputError(
                f"{where}: unknown key {unknown[0]!r}: it is the --set short form; in an architecture "
                f"file write {short[0]!r}"
            )
        raise InputError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(schema)}")
    out, given = {}, set()
    for key, spec in schema.items():
        path = f"{where}.{key}"
        if key in raw:
            given.add(key)
            value = _check_value(raw[key], spec, path)
            if spec.kind == "list":
                items = []
                for i, item in enumerate(value):
                    checked, _ = _validate_section(item, spec.item_schema, f"{path}[{i}]")
                    items.append(checked)
                value = items
            out[key] = value
        elif spec.required:
            raise InputError(f"{where}: required key {key!r} is missing ({spec.doc})")
        else:
            out[key] = copy.deepcopy(spec.default)
    return out, given


def replicas_per_shard(cache: dict) -> int:
    """Replicas in each shard of an ``elasticache`` section: node_count / shards - 1."""
    return cache["node_count"] // cache["shards"] - 1


def _check_cache_topology(cache: dict, origin: str) -> None:
    """A replication group is ``shards`` x (1 primary + the same replicas in each shard)."""
    if cache["node_count"] % cache["shards"]:
        raise InputError(
            f"{origin}: elasticache.node_count = {cache['node_count']} is not a multiple of "
            f"elasticache.shards = {cache['shards']}: every shard has one primary and the same replicas"
        )
    if cache["automatic_failover"] is True and replicas_per_shard(cache) < 1:
        raise InputError(
            f"{origin}: elasticache.automatic_failover needs a replica in each shard: node_count = "
            f"{cache['node_count']} for {cache['shards']} shard(s) leaves none "
            "(or set automatic_failover: false)"
        )


def _check_rds_gp3(rds: dict, origin: str) -> None:
    """RDS gp3 below 400 GiB has a fixed baseline (3,000 IOPS, 125 MiB/s): AWS does not let
    IOPS or throughput be provisioned there, so a file asking for more would be priced for
    something that cannot run."""
    from costmodel.services.rds import GP3_BASELINE_SMALL, GP3_BASELINE_THRESHOLD_GB

    if rds["storage_gb"] >= GP3_BASELINE_THRESHOLD_GB:
        return
    for key, baseline, unit in zip(
        ("iops", "throughput_mibps"), GP3_BASELINE_SMALL, ("IOPS", "MiB/s"), strict=True
    ):
        if rds[key] > baseline:
            raise InputError(
                f"{origin}: rds.{key} = {rds[key]:,g} with rds.storage_gb = {rds['storage_gb']:,g}: RDS gp3 "
                f"below {GP3_BASELINE_THRESHOLD_GB} GiB has a fixed {baseline:,} {unit} and none can be "
                f"provisioned (Amazon RDS User Guide, gp3 storage); set rds.{key} to at most {baseline:,} "
                f"or rds.storage_gb to {GP3_BASELINE_THRESHOLD_GB} or more"
            )


def _check_msk_zones(msk: dict, origin: str) -> None:
    """MSK spreads brokers evenly over its client subnets' AZs: the broker count is a
    multiple of them (Amazon MSK Developer Guide, 'Create a cluster')."""
    if msk["broker_count"] <= 0:  # 0 % 3 == 0: a cluster of no brokers, priced at $0
        raise InputError(
            f"{origin}: msk.broker_count = {msk['broker_count']}: MSK needs at least one broker in each of "
            f"msk.availability_zones = {msk['availability_zones']}; remove the msk section if the "
            "architecture has no Kafka cluster"
        )
    if msk["broker_count"] % msk["availability_zones"]:
        raise InputError(
            f"{origin}: msk.broker_count = {msk['broker_count']} is not a multiple of "
            f"msk.availability_zones = {msk['availability_zones']}: MSK puts the same number of "
            "brokers in each AZ"
        )


def _check_unique_names(sections: dict[str, dict], origin: str) -> None:
    """Buckets and volume groups are resources: a repeated name is a copy-paste that would
    count one resource twice and merge two in every table keyed by resource."""
    for section, key in (("s3", "buckets"), ("ebs", "volumes")):
        first: dict[str, int] = {}
        for i, item in enumerate(sections.get(section, {}).get(key, [])):
            if item["name"] in first:
                raise InputError(
                    f"{origin}: {section}.{key}[{i}].name = {item['name']!r} repeats "
                    f"{section}.{key}[{first[item['name']]}]; give each one its own name"
                )
            first[item["name"]] = i


def _check_consistency(sections: dict[str, dict], origin: str) -> None:
    _check_unique_names(sections, origin)
    eks = sections.get("eks")
    if eks:
        lo = eks["min_nodes"] if eks["min_nodes"] is not None else eks["node_count"]
        hi = eks["max_nodes"] if eks["max_nodes"] is not None else eks["node_count"]
        if not lo <= eks["node_count"] <= hi:
            # name only the bounds the file set: a bound it left out is node_count itself
            if eks["min_nodes"] is not None and eks["max_nodes"] is not None:
                rule = f"must lie within eks.min_nodes = {lo} and eks.max_nodes = {hi}"
            else:
                rule = (
                    f"must be at least eks.min_nodes = {lo}"
                    if lo > eks["node_count"]
                    else f"must be at most eks.max_nodes = {hi}"
                )
            raise InputError(f"{origin}: eks.node_count = {eks['node_count']} {rule}")
        if eks["clusters"] == 0 and eks["node_count"] > 0:
            raise InputError(
                f"{origin}: eks.node_count = {eks['node_count']} with eks.clusters = 0: nodes need a "
                "cluster to join; set clusters to 1 or more, or node_count to 0"
            )
    cache = sections.get("elasticache")
    if cache:
        _check_cache_topology(cache, origin)
    if sections.get("msk"):
        _check_msk_zones(sections["msk"], origin)
    for i, bucket in enumerate(sections.get("s3", {}).get("buckets", [])):
        if not 0 <= bucket["frequent_access_pct"] <= 100:
            raise InputError(f"{origin}: s3.buckets[{i}].frequent_access_pct must be within 0..100")


def _not_read(raw: dict, origin: str) -> tuple[str, ...]:
    """The ``not_read`` list of a discovered file: sections or ``section.key`` paths whose
    read the account denied (their value is unknown, not absent)."""
    items = raw.get("not_read")
    if items is None:
        return ()
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise InputError(f"{origin}: not_read must be a list of sections or section.key paths")
    for item in items:
        section, _, key = item.partition(".")
        if section not in SCHEMA or (key and key not in SCHEMA[section]):
            raise InputError(
                f"{origin}: not_read: {item!r} is not a section or section.key; sections: {', '.join(SCHEMA)}"
            )
    return tuple(items)


def architecture_from_dict(raw: Any, origin: str = "<memory>") -> Architecture:
    """Validate a parsed architecture mapping; ``origin`` names it in error messages."""
    if not isinstance(raw, dict):
        raise InputError(f"{origin}: expected a mapping at the top level, got {type(raw).__name__}")
    unknown = [k for k in raw if k not in TOP_LEVEL]
    if unknown:
        raise InputError(f"{origin}: unknown key {unknown[0]!r}; valid keys: {', '.join(TOP_LEVEL)}")
    region = raw.get("region")
    if not isinstance(region, str):
        raise InputError(f"{origin}: 'region' is required, e.g. region: us-east-1")
    try:
        billing_code(region)
    except InputError as exc:
        raise InputError(f"{origin}: {exc}") from None
    sections, given = {}, {}
    for name, schema in SCHEMA.items():
        if name in raw:
            sections[name], given[name] = _validate_section(raw[name], schema, f"{origin}: {name}")
    _check_consistency(sections, origin)
    limits.check(sections, origin)
    if sections.get("rds"):  # after the limits: a value beyond one is named by its limit first
        _check_rds_gp3(sections["rds"], origin)
    return Architecture(
        name=str(raw.get("name", Path(origin).stem)),
        region=region,
        sections=sections,
        given=given,
        origin=origin,
        raw=copy.deepcopy(raw),
        not_read=_not_read(raw, origin),
        documented_estimate=_documented_estimate(raw, origin, region, sections),
    )


def _documented_estimate(raw: dict, origin: str, region: str, sections: dict[str, dict]) -> str | None:
    """The ``documented_estimate`` a file names: a document's figures in data/documented."""
    from costmodel.documented import DOCUMENTS

    value = raw.get("documented_estimate")
    if value is None and _resources(region, sections) == _documented_resources():
        return DOCUMENTS[0]
    if value is not None and value not in DOCUMENTS:
        raise InputError(
            f"{origin}: documented_estimate = {value!r} is not a bundled document; known: "
            f"{', '.join(DOCUMENTS)} (leave the key out when no document describes the architecture)"
        )
    return value


def _resources(region: str, sections: dict[str, dict]) -> tuple:
    """What an architecture runs, to tell whether the document describes a file without
    ``documented_estimate``: its region and every service section with its defaults filled in
    (a default stated or left out is the same cluster), not the capacity model's ``load``
    assumptions (they price nothing)."""
    return region, {name: spec for name, spec in sections.items() if name != "load"}


@cache
def _documented_resources() -> tuple | None:
    """What the bundled production file runs (:func:`_resources`), read once (what-ifs and
    scenarios load an architecture each): a copy of it, or what ``discover`` read from an
    account that runs it, is described by the document as well."""
    from costmodel.data_files import data_path
    from costmodel.inputs import load_yaml, read_text

    path = data_path("architectures", "production.yaml")
    production = load_yaml(read_text(path, "architecture"), path.name)
    if not isinstance(production, dict):
        return None
    documented = architecture_from_dict(production, path.name)
    return _resources(documented.region, documented.sections)
