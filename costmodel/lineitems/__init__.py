"""Billing exports line by line: CUR 2.0, legacy CUR and FOCUS, queried in place.

DuckDB reads the files where they are (a file, a folder or a glob) and only aggregates come
back as DataFrames; an organisation's CUR table runs the same queries on Amazon Athena::

    from costmodel import lineitems

    source = lineitems.open_files("exports/cur2/")          # or a glob, or one file
    bill = lineitems.bill(source)                          # what reconcile consumes
    lineitems.resources(source, "2026-10")                 # cost per resource
    lineitems.node_curve(source, "2026-10", arch)          # nodes per hour: billed vs model
    lineitems.breakdown(source, "2026-10", by="tag:team")  # (untagged) as its own row
"""

from costmodel.lineitems.components import with_components
from costmodel.lineitems.engine import Athena
from costmodel.lineitems.nodes import NodeCurve, node_curve
from costmodel.lineitems.source import Findings, Source, open_files
from costmodel.lineitems.tables import (
    LineItemBill,
    bill,
    breakdown,
    ce_service,
    hourly_instances,
    prepare,
    resources,
)

__all__ = [
    "Athena",
    "Findings",
    "LineItemBill",
    "NodeCurve",
    "Source",
    "bill",
    "breakdown",
    "ce_service",
    "hourly_instances",
    "node_curve",
    "open_files",
    "prepare",
    "resources",
    "with_components",
]
