"""Map Cost Explorer rows (service, usage type, record type) to model categories.

Precedence, first match wins:

1. credits, refunds and tax (RECORD_TYPE, or SERVICE ``Tax``) -> their own categories;
2. the model's own usage types (same region, prefix-insensitive) -> the model's category,
   also under another name Cost Explorer gives the service (:data:`SERVICE_ALIASES`);
3. an RI fee (``HeavyUsage:<type>``) of an instance type the model runs -> its category;
4. the table ``data/reconcile/usage-type-categories.csv`` (service + regex on the usage
   type without its region prefix);
5. nothing -> ``unmapped``: kept with its amounts, never dropped.
"""

from __future__ import annotations

import re
from functools import cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from costmodel import categories, record_types
from costmodel.architecture import regions
from costmodel.data_files import data_path
from costmodel.errors import InputError
from costmodel.service_names import SERVICE_ALIASES
from costmodel.usage_types import EC2_INSTANCE_HOURS, reserved_instance_type, split_region


@cache
def _category_rules() -> pd.DataFrame:
    path = data_path("reconcile", "usage-type-categories.csv")
    table = pd.read_csv(path, keep_default_na=False)
    for line, name in enumerate(table["category"], start=2):
        if name not in categories.ALL:
            raise InputError(
                f"{path.name}, line {line}: category {name!r} is not defined in costmodel/categories.py"
            )
    table["regex"] = [re.compile(p) for p in table["usage_type_pattern"]]
    return table


def category_rules() -> pd.DataFrame:
    """The static mapping table with compiled patterns (a copy: callers may change it)."""
    return _category_rules().copy()


@cache
def _unit_conversions() -> MappingProxyType:
    table = pd.read_csv(data_path("reconcile", "unit-conversions.csv"), keep_default_na=False)
    return MappingProxyType(
        {
            (a, b): float(f)
            for a, b, f in zip(table["ce_unit"], table["model_unit"], table["factor"], strict=True)
        }
    )


def unit_conversions() -> MappingProxyType:
    """(Cost Explorer unit, model unit) -> factor turning the former into the latter (read-only)."""
    return _unit_conversions()


@cache
def _region_by_code() -> MappingProxyType:
    table = regions()
    first = table.drop_duplicates("billing_code")
    return MappingProxyType(dict(zip(first["billing_code"], first["region"], strict=True)))


def region_of(code: str, home: str = "us-east-1") -> str:
    """Region of a usage-type prefix: none or ``USE1`` -> us-east-1; ``USW2`` -> us-west-2."""
    if code in ("", "USE1"):
        return "us-east-1"
    region = _region_by_code().get(code)
    if region is not None:
        return str(region)
    return code if re.match(r"^[a-z]{2}-", code) else f"({code})"


def line_key(usage_type: str, region: str = "") -> tuple[str, str]:
    """(region, usage type without prefix): the key model and bill are matched on.

    Global services (CloudFront, Route 53) keep their whole usage type: their prefix is an
    edge location (``US-``, ``EU-``), not a region.
    """
    if region == "global":
        return "global", usage_type
    code, base = split_region(usage_type)
    return region_of(code), base


def model_keys(items: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    """(service, region, base usage type) -> category, from priced line items.

    The service is part of the key: different services share usage-type names
    (``TimedStorage-ByteHrs`` is S3 Standard, CloudWatch Logs storage and ECR storage).
    """
    return {
        (s, *line_key(u, r)): c
        for s, u, r, c in zip(
            items["service"], items["usage_type"], items["region"], items["category"], strict=True
        )
    }


@cache
def _rules() -> tuple[tuple[str, str, re.Pattern, str], ...]:
    """The rules as plain tuples (record type, service, pattern, category), compiled once:
    read for every distinct bill key."""
    table = _category_rules()
    return tuple(zip(table["record_type"], table["service"], table["regex"], table["category"], strict=True))


def _static_category(service: str, base: str, record_type: str) -> str:
    for rule_record, rule_service, regex, category in _rules():
        if rule_record and rule_record != record_type:
            continue
        if rule_service not in ("*", service):
            continue
        if regex.fullmatch(base):
            return category
    return ""


def shared_usage_categories(items: pd.DataFrame) -> dict[str, str]:
    """Categories the bill cannot tell apart, merged: category -> reconciliation category.

    Two model categories billed under the same usage type (node root volumes and
    Kubernetes volumes are both ``EBS:VolumeUsage.gp3``) can only be reconciled together,
    as ``"A + B"``. Others map to themselves.
    """
    owners: dict[tuple, set[str]] = {}
    for s, u, r, c in zip(
        items["service"], items["usage_type"], items["region"], items["category"], strict=True
    ):
        owners.setdefault((s, *line_key(u, r)), set()).add(c)
    alias = {c: c for c in items["category"]}
    for cats in owners.values():
        if len(cats) > 1:
            merged = set().union(*(set(alias[c].split(" + ")) for c in cats))
            name = " + ".join(sorted(merged))
            for c in list(alias):
                if alias[c] in {alias[x] for x in cats} or c in merged:
                    alias[c] = name
    return alias


def _map_key(
    service: str, usage_type: str, record_type: str, keys: dict[tuple[str, str, str], str]
) -> tuple[str, str, str, bool, str]:
    """(region, base usage type, category, is an RI fee, the model's service) of one bill key
    (see the module docstring for the precedence)."""
    region, base = line_key(usage_type)
    alias = SERVICE_ALIASES.get(service)
    if alias is not None and (service, region, base) not in keys and (alias, region, base) in keys:
        return region, base, keys[(alias, region, base)], False, alias
    return (*_map_own_key(service, usage_type, record_type, keys), service)


def _map_own_key(
    service: str, usage_type: str, record_type: str, keys: dict[tuple[str, str, str], str]
) -> tuple[str, str, str, bool]:
    region, base = line_key(usage_type)
    if record_type in record_types.NOT_USAGE or service == record_types.TAX_SERVICE:
        return region, base, _static_category(service, base, record_type or record_types.TAX), False
    if (service, region, base) in keys:
        return region, base, keys[(service, region, base)], False
    if (service, "global", usage_type) in keys:
        return "global", usage_type, keys[(service, "global", usage_type)], False
    reserved = reserved_instance_type(base)
    fee_base = EC2_INSTANCE_HOURS + reserved if reserved is not None else ""
    if reserved is not None and (service, region, fee_base) in keys:
        # An RI fee pays for the instance hours of that type: it joins their line, so that it
        # shows as rate (commitment), not as extra hours.
        return region, fee_base, keys[(service, region, fee_base)], True
    return region, base, _static_category(service, base, record_type), False


def map_rows(actual: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """``actual`` (tidy Cost Explorer rows) with ``region``, ``base_usage_type``, ``category``
    (empty when unmapped), ``is_fee`` and ``model_service`` (the service of the model line
    it joins: its own, or the model's name of an alias) added.

    Each distinct (service, usage type, record type) is mapped once (a bill has hundreds of
    them however many rows it has) and the rows are joined to the result.
    """
    keys = model_keys(items)
    key_columns = ["service", "usage_type", "record_type"]
    distinct = actual[key_columns].drop_duplicates()
    mapped = [_map_key(s, u, r, keys) for s, u, r in distinct.itertuples(index=False)]
    table = distinct.assign(
        region=[m[0] for m in mapped],
        base_usage_type=[m[1] for m in mapped],
        category=[m[2] for m in mapped],
        is_fee=[m[3] for m in mapped],
        model_service=[m[4] for m in mapped],
    )
    out = actual.merge(table, on=key_columns, how="left", validate="many_to_one")
    out.index = actual.index
    out["is_fee"] = out["is_fee"].astype(bool)
    out.loc[out["is_fee"], "usage_quantity"] = 0.0  # fee hours are not usage hours
    return out


def quantity_factor(ce_unit: str, model_unit: str) -> float:
    """Factor from a Cost Explorer quantity to the model's unit; NaN when not convertible."""
    if ce_unit == model_unit or not ce_unit:
        return 1.0
    return unit_conversions().get((ce_unit, model_unit), np.nan)
