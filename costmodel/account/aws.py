"""boto3 for reading an account: sessions, clients with standard retries, paginated reads,
and the errors a user can act on.

Read-only by construction: only ``describe_*``, ``list_*`` and ``get_*`` operations are
called (:func:`read_all` refuses any other). A denied read is not fatal to the command: it
becomes a line of "could not read" (:class:`Denied`), so that one missing permission does
not hide everything else. No credentials at all, invalid ones or an unknown profile stop
the command with one line; credentials are never printed.
"""

from __future__ import annotations

from typing import Any

from costmodel.errors import CostModelError

READ_PREFIXES = ("describe_", "list_", "get_")
DENIED_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "UnauthorizedException",
    "ForbiddenException",
}
FATAL_CODES = {
    "UnrecognizedClientException": "the AWS credentials are not valid",
    "InvalidClientTokenId": "the AWS credentials are not valid",
    "SignatureDoesNotMatch": "the AWS credentials are not valid (secret key does not match)",
    "ExpiredToken": "AWS credentials expired: renew the session (e.g. aws sso login)",
    "ExpiredTokenException": "AWS credentials expired: renew the session (e.g. aws sso login)",
}
MAX_PAGES = 1000


class Denied(CostModelError):
    """One read the credentials may not make: ``what`` names the service and the action."""

    def __init__(self, what: str, code: str):
        super().__init__(f"{what}: {code}")
        self.what = what
        self.code = code


def session(profile: str | None = None) -> Any:
    """A boto3 session for ``profile`` (default: the environment's credentials chain)."""
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.Session(profile_name=profile) if profile else boto3.Session()
    except ProfileNotFound:
        raise CostModelError(f"unknown AWS profile {profile!r}: see `aws configure list-profiles`") from None


def client(aws_session: Any, service: str, region: str, max_attempts: int = 5) -> Any:
    """A client with standard retry mode (throttling is retried with backoff)."""
    from botocore.config import Config

    return aws_session.client(
        service,
        region_name=region,
        config=Config(retries={"mode": "standard", "max_attempts": max_attempts}),
    )


def fatal(exc: Exception) -> CostModelError | None:
    """The one-line error for a failure that no other read can get past (credentials)."""
    from botocore.exceptions import ClientError, NoCredentialsError, PartialCredentialsError

    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return CostModelError("no AWS credentials found: pass --profile or configure the AWS CLI")
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in FATAL_CODES:
            return CostModelError(FATAL_CODES[code])
    return None


def read_all(aws_client: Any, operation: str, key: str, what: str, **kwargs: Any) -> list:
    """Every item under ``key`` of a read operation, all pages (boto3's paginator where
    there is one, else the response's ``NextToken`` / ``Marker``).

    Raises :class:`Denied` for a permission error (the caller lists it and goes on), the
    credentials error from :func:`fatal`, and :class:`CostModelError` for any other AWS error.
    """
    if not operation.startswith(READ_PREFIXES):
        raise ValueError(f"{operation} is not a read operation")
    try:
        if aws_client.can_paginate(operation):
            pages = aws_client.get_paginator(operation).paginate(**kwargs)
            return [item for page in pages for item in _items(page, key)]
        items: list = []
        extra: dict = {}
        for _ in range(MAX_PAGES):
            response = getattr(aws_client, operation)(**kwargs, **extra)
            items.extend(_items(response, key))
            if response.get("NextToken"):
                extra = {"NextToken": response["NextToken"]}
            elif response.get("NextMarker"):
                extra = {"Marker": response["NextMarker"]}
            else:
                return items
        raise CostModelError(f"{what}: more than {MAX_PAGES} pages")
    except Exception as exc:
        raise explain(exc, what) from None


def _items(page: dict, key: str) -> list:
    """The list at ``key`` of a response page; a dotted key walks in (``DistributionList.Items``)."""
    found: Any = page
    for part in key.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    return list(found or [])


def call(aws_client: Any, operation: str, what: str, **kwargs: Any) -> dict:
    """One read call (an operation without pages), errors as in :func:`read_all`."""
    if not operation.startswith(READ_PREFIXES):
        raise ValueError(f"{operation} is not a read operation")
    try:
        return getattr(aws_client, operation)(**kwargs)
    except Exception as exc:
        raise explain(exc, what) from None


def explain(exc: Exception, what: str) -> Exception:
    """The exception a caller sees for a failed read of ``what``."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, CostModelError):
        return exc
    stop = fatal(exc)
    if stop is not None:
        return stop
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "")
        if code in DENIED_CODES or "AccessDenied" in code:
            return Denied(what, code)
        return CostModelError(f"{what}: AWS error {code}: {error.get('Message', '')}")
    if isinstance(exc, BotoCoreError):
        return CostModelError(f"{what}: {exc}")
    return exc
