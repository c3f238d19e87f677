"""The architecture as data: a YAML file, validated against a schema, turned into specs.

Each service section has *configuration* keys (what is deployed: instance types, counts,
storage) and *usage assumptions* (quantities no infrastructure document states: GB
transferred, log volume, request counts). Usage assumptions have defaults, and every
estimate shows the values it used and whether they came from the file or the default.

Bad input fails with :class:`~costmodel.errors.InputError` naming the file, the dotted key
and what was expected (valid keys, valid instance types, the allowed range).

The package is split along its four jobs: :mod:`.schema` (the keys), :mod:`.reference`
(instance types and regions), :mod:`.validation` (checking a parsed file) and
:mod:`.editing` (what-if changes); :mod:`.model` holds the validated result.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from costmodel import arguments
from costmodel.architecture.model import Architecture
from costmodel.architecture.reference import billing_code, instance_types, regions
from costmodel.architecture.schema import ALIASES, S3_CLASSES, SCHEMA, TOP_LEVEL, Field, resolve_key
from costmodel.architecture.validation import architecture_from_dict, replicas_per_shard
from costmodel.data_files import data_path
from costmodel.inputs import load_yaml, read_text

DEFAULT_ARCHITECTURE = "production.yaml"

__all__ = [
    "ALIASES",
    "DEFAULT_ARCHITECTURE",
    "S3_CLASSES",
    "SCHEMA",
    "TOP_LEVEL",
    "Architecture",
    "Field",
    "architecture_from_dict",
    "billing_code",
    "instance_types",
    "load_architecture",
    "regions",
    "replicas_per_shard",
    "resolve_key",
]


def load_architecture(path: str | Path | None = None) -> Architecture:
    """Load and validate an architecture file (default: the bundled production architecture).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file like ``data/architectures/production.yaml``.
    """
    if path is not None and not isinstance(path, (str, PathLike)):
        arguments.refuse("load_architecture", "path", "a file path (str or Path) or None", path)
    chosen = Path(path) if path is not None else data_path("architectures", DEFAULT_ARCHITECTURE)
    raw = load_yaml(read_text(chosen, "architecture"), chosen.name)
    return architecture_from_dict(raw, origin=chosen.name)
