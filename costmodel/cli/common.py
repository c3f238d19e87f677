"""What every command that prices an architecture reads from its arguments."""

from __future__ import annotations

import argparse

from costmodel.architecture import Architecture, load_architecture
from costmodel.output import FORMATS
from costmodel.pricing.catalog import PriceCatalog, load_snapshot
from costmodel.pricing.overrides import apply_overrides


def add_common(
    parser: argparse.ArgumentParser, *, arch: bool = True, formats: tuple[str, ...] = FORMATS, what: str = ""
) -> None:
    parser.add_argument(
        "--format", choices=formats, default="table", help=what or "output format (default: table)"
    )
    if arch:
        parser.add_argument("arch_file", nargs="?", help="architecture YAML (default: bundled production)")
        parser.add_argument("--prices", help="price catalog CSV (default: the shipped snapshot)")
        parser.add_argument("--overrides", help="YAML of custom prices / discounts to apply")


def catalog_from_args(args: argparse.Namespace) -> PriceCatalog:
    catalog = load_snapshot(args.prices)
    if args.overrides:
        catalog = apply_overrides(catalog, args.overrides)
    return catalog


def architecture_from_args(args: argparse.Namespace) -> Architecture:
    return load_architecture(args.arch_file)
