"""What every command that prices an architecture reads from its arguments."""

from __future__ import annotations

import argparse

from costmodel.architecture import Architecture, load_architecture
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.pricing.overrides import apply_overrides


def catalog_from_args(args: argparse.Namespace) -> PriceCatalog:
    catalog = load_snapshot(args.prices)
    if args.overrides:
        catalog = apply_overrides(catalog, args.overrides)
    return catalog


def architecture_from_args(args: argparse.Namespace) -> Architecture:
    return load_architecture(args.arch_file)
