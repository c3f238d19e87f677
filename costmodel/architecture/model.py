"""A validated architecture: what is deployed, in one spec dict per service section."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from costmodel.architecture.schema import SCHEMA, resolve_key
from costmodel.display import Result


@dataclass(frozen=True, repr=False)
class Architecture(Result):
    """A validated architecture: name, region and one spec dict per service section present."""

    name: str
    region: str
    sections: dict[str, dict]
    given: dict[str, set[str]]
    origin: str = "<memory>"
    raw: dict = field(default_factory=dict, repr=False)
    not_read: tuple[str, ...] = ()  # sections or dotted keys the API denied (costmodel discover)
    # the bundled document whose figures describe this architecture (data/documented/NAME.csv);
    # None: no document describes it, and no documented figure is compared with it
    documented_estimate: str | None = None

    def get(self, dotted: str) -> Any:
        """Value at a dotted path, e.g. ``arch.get("eks.node_count")``."""
        section, _, key = resolve_key(dotted).partition(".")
        return self.sections[section][key]

    def assumptions(self) -> pd.DataFrame:
        """Usage assumptions in force: key, value, unit, whether set in the file, meaning."""
        rows = []
        for section, spec in self.sections.items():
            for key, fld in SCHEMA[section].items():
                if fld.kind == "list":
                    raw_items = self.raw.get(section, {}).get(key, [])
                    for item, raw_item in zip(spec[key], raw_items, strict=True):
                        for sub, sub_fld in fld.item_schema.items():
                            if (
                                sub_fld.only_for_class
                                and item.get("storage_class") not in sub_fld.only_for_class
                            ):
                                continue
                            if sub_fld.usage:
                                rows.append(
                                    (
                                        f"{section}.{key}[{item['name']}].{sub}",
                                        item[sub],
                                        sub_fld.unit,
                                        sub in raw_item,
                                        sub_fld.doc,
                                    )
                                )
                elif fld.usage:
                    rows.append(
                        (
                            f"{section}.{key}",
                            spec[key],
                            fld.unit,
                            key in self.given.get(section, set()),
                            fld.doc,
                        )
                    )
        return pd.DataFrame(rows, columns=["key", "value", "unit", "set_in_file", "meaning"])

    def defaults(self) -> pd.DataFrame:
        """Configuration the file did not set and a default filled in (a root volume's size,
        Single-AZ), so a priced line never rests on a value the user cannot see: key, value,
        unit, meaning. Usage assumptions are in :meth:`assumptions`."""
        rows = [
            (f"{section}.{key}", spec[key], fld.unit, fld.doc)
            for section, spec in self.sections.items()
            for key, fld in SCHEMA[section].items()
            if fld.kind != "list"
            and not fld.usage
            and not fld.required
            and fld.default is not None
            and key not in self.given.get(section, set())
        ]
        return pd.DataFrame(rows, columns=["key", "value", "unit", "meaning"])

    def with_changes(self, changes: dict[str, Any]) -> Architecture:
        """A new, re-validated architecture with dotted-path ``changes`` applied.

        Resizing the RDS primary (``rds.instance_class``) resizes the primary only: read
        replicas keep their class unless ``rds.replica_class`` is changed too.
        """
        # The editor validates through the loader, which builds Architecture: imported here
        # so that the model itself depends on the schema only.
        from costmodel.architecture.editing import with_changes

        return with_changes(self, changes)

    def _title(self) -> str:
        return f"Architecture {self.name}"

    def _headline(self) -> list[tuple[str, str]]:
        return [("region", self.region), ("services", ", ".join(self.sections)), ("file", self.origin)]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("assumptions(), the usage quantities in force", self.assumptions())]
