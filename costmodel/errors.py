"""Errors a user sees: each names what was looked up or read, and what was expected."""

from collections.abc import Iterable


class CostModelError(Exception):
    """Base class of every costmodel error meant for the user (no traceback needed)."""


class InputError(CostModelError, ValueError):
    """A file or value given by the user is malformed: the message names file, row or key.

    Also a :class:`ValueError`, so that Python callers who pass a wrong argument can catch
    it as one; the message names the argument and what was expected."""


class WriteError(CostModelError, OSError):
    """A file could not be written: the message names the file and the reason."""

    def __init__(self, path: object, reason: str, errno: int | None = None) -> None:
        OSError.__init__(self, errno, reason, str(path))

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


class PriceNotFoundError(CostModelError):
    """No catalog row matches the attributes looked up."""


class PriceUnknownError(CostModelError):
    """The catalog knows the price exists but has no published value for it."""


class AmbiguousPriceError(CostModelError):
    """More than one catalog row matches the attributes looked up."""


class ConservationError(CostModelError):
    """Reconciled money does not add up to the bill's independent total: refused, not shown."""


def closest(name: str, known: Iterable[str]) -> str | None:
    """The one of ``known`` (names) nearest ``name``, for a "did you mean" (None if none is near)."""
    from difflib import get_close_matches

    found = get_close_matches(name, sorted(known), n=1)
    return found[0] if found else None
