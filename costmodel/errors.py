"""Errors a user sees: each names what was looked up or read, and what was expected."""


class CostModelError(Exception):
    """Base class of every costmodel error meant for the user (no traceback needed)."""


class InputError(CostModelError):
    """A file or value given by the user is malformed: the message names file, row or key."""


class PriceNotFoundError(CostModelError):
    """No catalog row matches the attributes looked up."""


class PriceUnknownError(CostModelError):
    """The catalog knows the price exists but has no published value for it."""


class AmbiguousPriceError(CostModelError):
    """More than one catalog row matches the attributes looked up."""


class ConservationError(CostModelError):
    """Reconciled money does not add up to the bill's independent total: refused, not shown."""
