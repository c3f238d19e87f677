"""The one reader of Cost Explorer actuals: a saved file or a response in memory, checked.

Accepted inputs (JSON or CSV, detected from the content):

* one ``GetCostAndUsage`` response (a dict with ``ResultsByTime``), as boto3 returns it;
* a list of such responses (the pages of one paginated request);
* the file ``costmodel fetch-actuals`` writes: ``{"requests": [{"request": {...},
  "pages": [...]}, ...]}`` (several requests, e.g. usage and credits/tax);
* the Cost Explorer console "Download CSV" export (wide: one column per service).

Whatever the input, the result is :class:`~costmodel.actuals.controls.Actuals`: the tidy
rows *and* the per-month totals they conserve. There is no rows-only reader: rows without
their controls would let a lost page or a doubled group reach a reconciliation unseen.
"""

from __future__ import annotations

from pathlib import Path

from costmodel.actuals.console import read_console
from costmodel.actuals.controls import Actuals
from costmodel.actuals.responses import read_response
from costmodel.errors import InputError
from costmodel.inputs import collection_paused, load_json, read_text


def read_actuals(source: str | Path | dict | list, origin: str | None = None) -> Actuals:
    """Read Cost Explorer actuals: rows and per-month controls.

    Parameters
    ----------
    source : str, Path, dict or list
        A saved file (JSON response(s) or console CSV), or a parsed ``GetCostAndUsage``
        response / list of pages / ``fetch-actuals`` document (what :func:`fetch` returns).
    origin : str, optional
        How messages name the source (default: the file name, or ``<memory>``).

    Returns
    -------
    Actuals
        ``rows``: one row per period and group: ``period_start``, ``period_end``, ``month``,
        ``granularity``, ``service``, ``usage_type``, ``record_type`` (where known),
        ``unblended_cost``, ``amortized_cost``, ``net_amortized_cost``,
        ``net_unblended_cost``, ``blended_cost`` [USD; NaN when the metric was not
        requested], ``usage_quantity`` and ``usage_unit``, ``estimated`` (bool), ``source``.
        ``controls``: what reconciliation conserves money against: an independent total
        per month where the input has one (``fetch-actuals`` saves Cost Explorer's ungrouped
        total; the console export has its ``Total costs($)`` column), else the groups' own
        sum, said so.
    """
    if isinstance(source, (dict, list)):
        return read_response(source, origin=origin or "<memory>")
    if not isinstance(source, (str, Path)):
        raise InputError(
            f"read_actuals: source must be a file path or a parsed GetCostAndUsage response, "
            f"got {type(source).__name__}"
        )
    path = Path(source)
    name = origin or path.name
    text = read_text(path, "actuals")
    stripped = text.lstrip()
    if not stripped:
        raise InputError(f"{name}: the actuals file is empty")
    if stripped.startswith(("{", "[")):
        with collection_paused():  # a million groups are millions of new objects, none cyclic
            return read_response(load_json(text, name), origin=name)
    return read_console(text, origin=name)
