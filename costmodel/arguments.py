"""The edge of the Python API: each public function checks its arguments here, first.

A notebook user passes values the command line would have parsed and checked: a path where
an architecture is expected, ``'9000'`` for a number, NaN, a growth of -150 % a month. Each
such mistake is one :class:`~costmodel.errors.InputError` (a ``ValueError`` too) that names
the function, the argument and what was expected, in the words the command line uses
(``... must be ..., got ...``), never an error from deep inside pandas or numpy, and never a
normal-looking table computed from nonsense.

>>> number("9000", "scaling.eks_nodes", "requests_per_s", low=0)
Traceback (most recent call last):
...
costmodel.errors.InputError: scaling.eks_nodes: requests_per_s must be a number >= 0, got '9000'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from costmodel.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.architecture import Architecture
    from costmodel.pricing.catalog import PriceCatalog

# Monthly load growth a projection accepts [fraction per month]: -50 % .. +100 % a month.
# Beyond, a month's load halves or more than doubles every month for years: no plan, a typo
# (5 for 0.05) or a misplaced sign; at -100 % the load would be gone.
GROWTH_RANGE = (-0.5, 1.0)


def refuse(function: str, name: str, expected: str, value: Any) -> NoReturn:
    """Raise the one error of the API's edge: ``function: name must be expected, got value``."""
    raise InputError(f"{function}: {name} must be {expected}, got {_shown(value)}")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{type(value).__name__} {text[:60]}..."


def _bound(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _range_text(low: float | None, high: float | None, above: float | None) -> str:
    if above is not None:
        return f"> {_bound(above)}" + (f" and <= {_bound(high)}" if high is not None else "")
    if low is not None and high is not None:
        return f"within {_bound(low)}..{_bound(high)}"
    if low is not None:
        return f">= {_bound(low)}"
    return f"<= {_bound(high)}" if high is not None else "finite"


def number(
    value: Any,
    function: str,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    above: float | None = None,
    integer: bool = False,
    unit: str = "",
) -> Any:
    """``value`` as a finite number (an ``int`` with ``integer``) within the bounds.

    Text (``'9000'``), booleans, NaN, infinities and values outside ``low``..``high`` (or not
    ``above``) are refused: a number the caller typed as text is a mistake to say, not guess.
    """
    kind = "a whole number" if integer else "a number"
    expected = f"{kind} {_range_text(low, high, above)}{f' [{unit}]' if unit else ''}"
    wanted = Integral if integer else Real
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, wanted):
        refuse(function, name, expected, value)
    result = int(value) if integer else float(value)  # type: ignore[call-overload]
    if not math.isfinite(result):
        refuse(function, name, expected, value)
    if (low is not None and result < low) or (high is not None and result > high):
        refuse(function, name, expected, value)
    if above is not None and result <= above:
        refuse(function, name, expected, value)
    return result


def numbers(value: Any, function: str, name: str, *, low: float | None = None, unit: str = "") -> np.ndarray:
    """``value`` (a number or array-like of numbers) as a float array: no text, no NaN or
    infinity, nothing below ``low``; at least one value."""
    expected = f"a number or an array of numbers {_range_text(low, None, None)}{f' [{unit}]' if unit else ''}"
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        refuse(function, name, expected, value)
    array = np.asarray(value)
    if array.dtype.kind not in "iuf" or array.size == 0:
        refuse(function, name, expected, value)
    array = array.astype(float)
    bad = ~np.isfinite(array) | (array < low if low is not None else False)
    if bad.any():
        first = array[np.argmax(bad)] if array.ndim else array
        refuse(function, name, expected, float(first))
    return array


def growth_rate(value: Any, function: str, name: str = "growth") -> float:
    """A monthly growth rate [fraction per month] within :data:`GROWTH_RANGE`."""
    low, high = GROWTH_RANGE
    return float(
        number(value, function, name, low=low, high=high, unit="fraction per month: 0.05 is 5 % a month")
    )


def choice(value: Any, choices: Iterable[str], function: str, name: str) -> str:
    """``value`` when it is one of ``choices``."""
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        refuse(function, name, f"one of {', '.join(map(repr, options))}", value)
    return value


def architecture(
    value: Any, function: str, name: str = "arch", optional: bool = False
) -> Architecture | None:
    """An :class:`~costmodel.architecture.Architecture` (``None`` too when ``optional``)."""
    from costmodel.architecture import Architecture

    if value is None and optional:
        return None
    if not isinstance(value, Architecture):
        refuse(function, name, "an Architecture, e.g. costmodel.load_architecture('my-arch.yaml')", value)
    return value


def catalog(value: Any, function: str, name: str = "catalog") -> PriceCatalog | None:
    """A :class:`~costmodel.pricing.catalog.PriceCatalog`, or ``None`` (the shipped snapshot)."""
    from costmodel.pricing.catalog import PriceCatalog

    if value is not None and not isinstance(value, PriceCatalog):
        refuse(function, name, "a PriceCatalog, e.g. costmodel.load_snapshot(), or None", value)
    return value


def frame(value: Any, columns: Iterable[str], function: str, name: str, made_by: str) -> pd.DataFrame:
    """A DataFrame holding ``columns`` (as ``made_by`` returns it)."""
    import pandas as pd

    wanted = list(columns)
    if not isinstance(value, pd.DataFrame):
        refuse(function, name, f"a DataFrame as {made_by} returns it", value)
    missing = [c for c in wanted if c not in value.columns]
    if missing:
        raise InputError(
            f"{function}: {name} has no column {missing[0]!r}; expected a DataFrame as {made_by} returns it"
        )
    return value


def changes(value: Any, function: str, name: str = "changes", at_least_one: bool = False) -> dict[str, Any]:
    """What-if changes: a mapping of dotted keys (``eks.node_count``) to values (at least one
    with ``at_least_one``, as ``costmodel whatif`` wants at least one ``--set``)."""
    expected = "a dict of dotted keys to values, e.g. {'eks.node_count': 5}"
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        refuse(function, name, expected, value)
    if at_least_one and not value:
        refuse(function, name, f"at least one change, {expected}", value)
    return value


__all__ = [
    "GROWTH_RANGE",
    "architecture",
    "catalog",
    "changes",
    "choice",
    "frame",
    "growth_rate",
    "number",
    "numbers",
    "refuse",
]
