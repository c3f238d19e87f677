"""Resource tags in the three billing export schemas: where a tag key's values are (a map
column, JSON text or flattened columns), spelled as each schema spells it, and what to say
when a key is not there. AWS tag keys are case-sensitive: ``Team`` is not ``team``."""

from __future__ import annotations

import re

from costmodel.errors import InputError
from costmodel.lineitems.schema import CUR2, Schema, _map_value, q

TAG_KEY = re.compile(r"[A-Za-z0-9_.:/=+@ -]{1,128}")


def athena_name(text: str) -> str:
    """A name as AWS writes a legacy CUR column for Athena: camelCase split, lower case,
    every other character an underscore, repeats collapsed (``CostCenter`` -> ``cost_center``)."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text).lower()
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]", "_", split)).strip("_")


def _underscored(key: str) -> str:
    """``key`` with every character other than a letter or digit as ``_`` (case kept)."""
    return re.sub(r"[^A-Za-z0-9]", "_", key)


def _map_key_spellings(schema: Schema, key: str) -> list[str]:
    """The keys tag ``key`` may have in the schema's tag map, the key as typed first: CUR 2.0
    ``user_team`` (non-alphanumerics as ``_``); FOCUS ``team`` or ``user:team``. Case is never
    changed: AWS tag keys are case-sensitive."""
    if schema is CUR2:
        return list(dict.fromkeys([f"user_{key}", f"user_{_underscored(key)}"]))
    return list(dict.fromkeys([key, f"user:{key}", _underscored(key), f"user:{_underscored(key)}"]))


def _column_spellings(schema: Schema, key: str) -> list[str]:
    """The flattened columns tag ``key`` may have: ``resourceTags/user:team`` as typed; the
    Athena naming of legacy CUR Parquet (``resource_tags_user_team``) is lower case by AWS's
    own definition, so there the key's Athena form is the only one there is."""
    out = []
    for prefix in schema.tag_prefixes:
        out.append(prefix + key)
        out.append(prefix + (athena_name(key) if prefix.endswith("_") else _underscored(key)))
    return list(dict.fromkeys(out))


def tag_key_names(schema: Schema, present: set[str], map_keys: set[str] | None) -> list[str]:
    """The tag keys of an export as ``--by tag:KEY`` takes them (for a message)."""
    names = {k.removeprefix("user_") if schema is CUR2 else k.removeprefix("user:") for k in map_keys or ()}
    names |= {
        _tag_suffix(c, schema) for c in present if schema.tag_prefixes and c.startswith(schema.tag_prefixes)
    }
    return sorted(names)


def tag_expression(
    schema: Schema,
    key: str,
    present: set[str],
    types: dict[str, str],
    map_keys: set[str] | None = None,
    aliases: dict[str, str] | None = None,
) -> str:
    """SQL for the value of tag ``key``, '' when untagged, wherever the export keeps tags:
    a map column (CUR 2.0 ``resource_tags['user_team']``; FOCUS ``Tags`` key ``team`` or
    ``user:team``), the same as JSON text (a CSV export), or flattened columns (legacy CUR
    ``resourceTags/user:team``, its Parquet ``resource_tags_user_team``).

    One spelling is read, never a row-by-row fallback between two (that would merge two
    tags): the key as typed when the export has it, else its one normalised spelling (see
    :func:`_map_key_spellings`). ``map_keys`` are the keys the map holds (None when unknown:
    the key as typed is read). A key the export has only in another case, or not at all, is
    refused naming the keys it has (AWS tag keys are case-sensitive: ``Team`` is not
    ``team``). ``aliases`` maps a column's name in the file to its name in SQL where the two
    differ (DuckDB renames ``Team`` beside ``team`` to ``team_1``: its names ignore case)."""
    aliases = aliases or {}
    present = (present - set(aliases.values())) | set(aliases)
    if not TAG_KEY.fullmatch(key):
        raise InputError(f"tag key {key!r}: use letters, digits, spaces and _ . : / = + @ - (at most 128)")
    found = []
    has_map = bool(schema.tag_map and schema.tag_map in present)
    spellings = _map_key_spellings(schema, key)
    if has_map:
        chosen = spellings[:1] if map_keys is None else [k for k in spellings if k in map_keys][:1]
        if chosen:
            found.append(
                _map_value(schema.tag_map, [chosen[0].replace("'", "''")], types.get(schema.tag_map, ""))
            )
    columns = [c for c in _column_spellings(schema, key) if c in present][:1]
    found += [f"NULLIF(CAST({q(aliases.get(c, c))} AS VARCHAR), '')" for c in columns]
    if found:
        return f"COALESCE({', '.join(found)}, '')"
    if not has_map or map_keys is not None:
        _refuse_other_case(schema, key, present, map_keys)
    return "''"


def _refuse_other_case(schema: Schema, key: str, present: set[str], map_keys: set[str] | None) -> None:
    """One line when the export has tag ``key`` only in another case (named): reading it as
    untagged would hide that cost, reading the other key would merge two tags."""
    names = tag_key_names(schema, present, map_keys)
    other_case = [n for n in names if n.lower() == key.lower() or athena_name(n) == athena_name(key)]
    if other_case:
        raise InputError(
            f"tag key {key!r} is not in the export; {', '.join(repr(n) for n in other_case)} is "
            "(AWS tag keys are case-sensitive, so they are different tags): give the key as the "
            f"export spells it: --by tag:{other_case[0]}, --tag {other_case[0]}, "
            f"a budget's by_tag: {{{other_case[0]}: ...}}"
        )


def absent_tag_note(key: str, names: list[str]) -> str:
    """What to say when tag ``key`` is on no line item: the tag keys the export has."""
    shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    return f"tag key {key!r} is on no line item: all its cost is (untagged); " + (
        f"the export's tag keys: {shown}" if names else "the export has no resource tags"
    )


def _tag_suffix(column: str, schema: Schema) -> str:
    return next(column[len(p) :] for p in schema.tag_prefixes if column.startswith(p))


def tag_json_column(schema: Schema, types: dict[str, str], present: set[str]) -> str | None:
    """The source's tag column when it holds JSON text (to be checked before it is read)."""
    column = schema.tag_map
    if column and column in present and "MAP" not in types.get(column, "").upper():
        return column
    return None


__all__ = ["TAG_KEY", "absent_tag_note", "athena_name", "tag_expression", "tag_json_column", "tag_key_names"]
