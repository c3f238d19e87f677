"""Which of the architecture's resources each line-item resource is."""

from __future__ import annotations

import pandas as pd

from costmodel.architecture import Architecture
from costmodel.estimation import estimate
from costmodel.pricing.catalog import PriceCatalog
from costmodel.usage_types import strip_region_prefix


def with_components(
    frame: pd.DataFrame, arch: Architecture, month: str, catalog: PriceCatalog | None = None
) -> pd.DataFrame:
    """``frame`` (line-item resources: ``resource_id``, ``service``, ``usage_type``) with the
    architecture's ``resource`` and ``component`` each is: the model resource its id ends
    with (``...:db:rds-primary``), else the one resource the model has for that usage type;
    ``not in the architecture`` when neither, ``no resource id (fee, tax)`` without an id."""
    items = estimate(arch, catalog, month=month, missing="report")
    items = items.assign(base=items["usage_type"].map(strip_region_prefix))
    names = set(items["resource"])
    by_type = items.groupby(["service", "base"])["resource"].unique()
    component = items.groupby(["service", "base", "resource"])["component"].first()
    resources, components = [], []
    for rid, service, usage in zip(frame["resource_id"], frame["service"], frame["usage_type"], strict=True):
        base = strip_region_prefix(usage)
        tail = str(rid).replace("/", ":").split(":")[-1]
        owners = by_type.get((service, base))
        resource = tail if tail in names else (owners[0] if owners is not None and len(owners) == 1 else "")
        resources.append(resource)
        label = component.get((service, base, resource)) if resource else None
        components.append(label or ("not in the architecture" if rid else "no resource id (fee, tax)"))
    return frame.assign(resource=resources, component=components)


__all__ = ["with_components"]
