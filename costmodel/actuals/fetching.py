"""Fetch Cost Explorer actuals through boto3 (read-only: ``ce:GetCostAndUsage``).

* Three requests per month: usage grouped by SERVICE and USAGE_TYPE without credits,
  refunds and tax; credits, refunds and tax grouped by RECORD_TYPE and SERVICE, so
  that they reconcile as lines of their own and nothing is netted away; and the month's
  ungrouped, unfiltered total (grouped responses carry an empty ``Total``), the independent
  figure the reconciliation conserves money against.
* ``NextPageToken`` pagination by hand (boto3 has no paginator for GetCostAndUsage),
  resending identical parameters.
* ``Config(retries={"mode": "standard"})``: throttling (``LimitExceededException``) is
  retried with backoff; in legacy mode it would not be.
* A local cache keyed by the AWS account (``sts get-caller-identity``, one call), the
  endpoint and the request, so that a re-run makes no API call (each costs $0.01) and a
  second account is never served the first one's bill. Each entry stores its request,
  account and endpoint beside the pages, and an entry that does not answer the very request
  (swapped, from another account, pages missing) is fetched again with a warning, as is a
  corrupt one. The cache folder is 0700 (a symbolic link is refused) and its files 0600;
  months still ``Estimated`` or without any data are never cached.
* Clear errors for data not yet available, expired bills, missing permissions and
  credentials. Credentials are never printed or logged.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from costmodel import record_types
from costmodel.errors import CostModelError
from costmodel.files import atomic_write_text, cache_root, private_cache_dir
from costmodel.inputs import load_json, parse_day

METRICS = ["UnblendedCost", "AmortizedCost", "NetAmortizedCost", "UsageQuantity"]
CONTROL_METRICS = ["UnblendedCost", "AmortizedCost", "NetAmortizedCost"]
SPECIAL = list(record_types.NOT_USAGE)
MAX_PAGES = 1000


def request_bodies(start: str, end: str, granularity: str = "MONTHLY") -> list[dict]:
    """The three GetCostAndUsage requests for one period (usage; credits, refunds, tax; total)."""
    period = {"Start": start, "End": end}
    return [*grouped_request_bodies(period, granularity), control_request_body(period, granularity)]


def control_request_body(period: dict, granularity: str = "MONTHLY") -> dict:
    """The ungrouped, unfiltered request: Cost Explorer's own total of the period."""
    return {"TimePeriod": period, "Granularity": granularity, "Metrics": CONTROL_METRICS}


def grouped_request_bodies(period: dict, granularity: str = "MONTHLY") -> list[dict]:
    """Usage by SERVICE and USAGE_TYPE; credits, refunds and tax by RECORD_TYPE and SERVICE."""
    return [
        {
            "TimePeriod": period,
            "Granularity": granularity,
            "Metrics": METRICS,
            "GroupBy": [
                {"Type": "DIMENSION", "Key": "SERVICE"},
                {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
            ],
            "Filter": {"Not": {"Dimensions": {"Key": "RECORD_TYPE", "Values": SPECIAL}}},
        },
        {
            "TimePeriod": period,
            "Granularity": granularity,
            "Metrics": METRICS,
            "GroupBy": [
                {"Type": "DIMENSION", "Key": "RECORD_TYPE"},
                {"Type": "DIMENSION", "Key": "SERVICE"},
            ],
            "Filter": {"Dimensions": {"Key": "RECORD_TYPE", "Values": SPECIAL}},
        },
    ]


def month_periods(start: str, end: str) -> list[tuple[str, str]]:
    """Split [start, end) into calendar-month periods (each fetched and cached on its own)."""
    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    if last <= first:
        raise CostModelError(f"--end {end} must be after --start {start} (End is exclusive)")
    periods, cursor = [], first
    while cursor < last:
        nxt = min(cursor.to_period("M").to_timestamp() + pd.DateOffset(months=1), last)
        periods.append((str(cursor.date()), str(nxt.date())))
        cursor = nxt
    return periods


def ce_client(
    profile: str | None = None,
    region: str = "us-east-1",
    endpoint_url: str | None = None,
    max_attempts: int = 5,
    session: Any = None,
) -> Any:
    """A boto3 Cost Explorer client with standard retry mode."""
    from botocore.config import Config

    session = session if session is not None else _session(profile)
    return session.client(
        "ce",
        region_name=region,
        endpoint_url=endpoint_url,
        config=Config(retries={"mode": "standard", "max_attempts": max_attempts}),
    )


def default_cache_dir() -> Path:
    """``$COSTMODEL_CACHE_DIR``, else ``~/.cache/costmodel``; entries live in its ``ce/``."""
    return cache_root() / "ce"


def cache_key(request: dict, account: str, endpoint: str | None = None) -> str:
    """SHA-256 of the AWS account, the endpoint and the canonical request (never credentials)."""
    canonical = json.dumps(
        {"account": account, "endpoint": endpoint or "", "request": request}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def caller_account(session: Any, region: str = "us-east-1") -> str:
    """The AWS account the credentials belong to (``sts get-caller-identity``)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        identity = session.client("sts", region_name=region).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        raise _explain_error(exc) from None
    return str(identity["Account"])


def is_final(pages: list[dict]) -> bool:
    """Cacheable: every period final (not ``Estimated``) and at least one with data."""
    results = [r for p in pages for r in p.get("ResultsByTime", [])]
    if not results or any(r.get("Estimated") for r in results):
        return False
    return any(r.get("Groups") or r.get("Total") for r in results)


def cache_entry(request: dict, account: str, endpoint: str | None, pages: list[dict]) -> dict:
    """What the cache stores: the pages beside the request they answer (and whose bill)."""
    return {"request": request, "account": account, "endpoint": endpoint or "", "pages": pages}


def _entry_mismatch(entry: Any, request: dict, account: str, endpoint: str | None) -> str | None:
    """Why a parsed cache entry does not answer ``request`` for ``account``, or None."""
    if not isinstance(entry, dict) or "pages" not in entry:
        return "it is not a cache entry of this costmodel (no request stored beside the pages)"
    if entry.get("request") != request:
        return "it answers another request"
    if entry.get("account") != account or entry.get("endpoint") != (endpoint or ""):
        return "it belongs to another account or endpoint"
    pages = entry["pages"]
    if (
        not isinstance(pages, list)
        or not pages
        or not all(isinstance(p, dict) and isinstance(p.get("ResultsByTime"), list) for p in pages)
    ):
        return "it is not a saved response"
    if pages[-1].get("NextPageToken"):
        return "its last page still carries a NextPageToken (pages missing)"
    period = request.get("TimePeriod", {})
    for page in pages:
        for result in page["ResultsByTime"]:
            got = result.get("TimePeriod") if isinstance(result, dict) else None
            first, end = str(period.get("Start")), str(period.get("End"))
            if not isinstance(got, dict) or not first <= str(got.get("Start")) < str(got.get("End")) <= end:
                return f"a period {got} lies outside the request's {period}"
    return None


def _read_cache_entry(
    path: Path, request: dict, account: str, endpoint: str | None, warn: Callable[[str], None]
) -> list[dict] | None:
    """Cached pages of ``request``, or None (with a warning) when the entry is unreadable or
    does not answer that very request (then it is fetched again and replaced)."""
    try:
        entry = load_json(path.read_text(encoding="utf-8"), path.name)
    except (OSError, UnicodeDecodeError, CostModelError) as exc:
        warn(f"costmodel: warning: cache entry {path} is unreadable ({exc}); fetching again")
        return None
    why = _entry_mismatch(entry, request, account, endpoint)
    if why is not None:
        warn(f"costmodel: warning: cache entry {path} is refused: {why}; fetching again")
        return None
    pages: list[dict] = entry["pages"]
    return pages


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def _explain_error(exc: Exception) -> CostModelError:
    from botocore.exceptions import ClientError, NoCredentialsError

    if isinstance(exc, NoCredentialsError):
        return CostModelError("no AWS credentials found: pass --profile or configure the AWS CLI")
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        messages = {
            "DataUnavailableException": "Cost Explorer has no data for this period yet (new account, "
            "Cost Explorer just enabled, or a period in the future); data "
            "appears within 24 hours of enabling it",
            "BillExpirationException": "the requested period is older than Cost Explorer keeps (13 months, "
            "38 with multi-year data): shorten --start",
            "AccessDeniedException": "access denied: the IAM policy must allow ce:GetCostAndUsage",
            "UnrecognizedClientException": "the AWS credentials are not valid",
            "ExpiredTokenException": "AWS credentials expired: renew the session (e.g. aws sso login)",
            "LimitExceededException": "Cost Explorer kept throttling after retries: try again later",
            "InvalidClientTokenId": "the AWS credentials are not valid",
            "SignatureDoesNotMatch": "the AWS credentials are not valid (secret key does not match)",
        }
        if code in messages:
            return CostModelError(messages[code])
        return CostModelError(
            f"Cost Explorer error {code}: {exc.response.get('Error', {}).get('Message', '')}"
        )
    return CostModelError(f"Cost Explorer call failed: {exc}")


def get_cost_and_usage(client: Any, request: dict) -> tuple[list[dict], int]:
    """All pages of one request (NextPageToken loop) and the number of API calls made."""
    from botocore.exceptions import BotoCoreError, ClientError

    pages, token, calls = [], None, 0
    while True:
        kwargs = dict(request) | ({"NextPageToken": token} if token else {})
        try:
            response = client.get_cost_and_usage(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise _explain_error(exc) from None
        calls += 1
        response.pop("ResponseMetadata", None)
        pages.append(response)
        token = response.get("NextPageToken")
        if not token:
            return pages, calls
        if len(pages) >= MAX_PAGES:
            raise CostModelError(f"more than {MAX_PAGES} pages for one request: narrow the period")


def _progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\rfetching {label:<23} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def fetch(
    start: str,
    end: str,
    profile: str | None = None,
    region: str = "us-east-1",
    granularity: str = "MONTHLY",
    client: Any = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    account: str | None = None,
) -> dict:
    """Fetch actuals for [start, end) month by month, from the cache where possible.

    Parameters
    ----------
    client : botocore client, optional
        A Cost Explorer client (tests pass one for moto's server); then ``account`` must be
        given for the cache, since the client's credentials are not read back.
    account : str, optional
        The AWS account id the cache is keyed by (default: asked of STS, one call).

    Returns
    -------
    dict
        The fetch-actuals file format ``{"requests": [{"request", "pages"}], "api_calls",
        "cache_hits", "account"}``, readable by :func:`costmodel.actuals.read_actuals`.
    """
    if granularity not in ("MONTHLY", "DAILY"):
        raise CostModelError(f"granularity must be MONTHLY or DAILY, not {granularity!r}")
    periods = month_periods(start, end)
    if client is None:
        session = _session(profile)
        client = ce_client(profile, region, session=session)
        if use_cache and account is None:
            account = caller_account(session, region)
    if use_cache and account is None:
        raise ValueError("fetch(client=...) with the cache needs account= (the AWS account id)")
    cache = private_cache_dir("ce", cache_dir) if use_cache else None
    endpoint = getattr(getattr(client, "meta", None), "endpoint_url", None)
    show = progress if progress is not None else (_progress if len(periods) > 1 else None)
    entries, calls, hits = [], 0, 0
    for i, (period_start, period_end) in enumerate(periods, start=1):
        for request in request_bodies(period_start, period_end, granularity):
            path = cache / f"{cache_key(request, account or '', endpoint)}.json" if cache else None
            pages = (
                _read_cache_entry(path, request, account or "", endpoint, _warn)
                if path is not None and path.exists()
                else None
            )
            if pages is not None:
                hits += 1
            else:
                pages, n = get_cost_and_usage(client, request)
                calls += n
                if path is not None and is_final(pages):
                    entry = cache_entry(request, account or "", endpoint, pages)
                    atomic_write_text(path, json.dumps(entry), private=True)
            entries.append({"request": request, "pages": pages})
        if show:
            show(i, len(periods), f"{period_start}..{period_end}")
    return {"requests": entries, "api_calls": calls, "cache_hits": hits, "account": account}


def save_fetched(payload: dict, out: str | Path, cache_dir: str | Path | None = None) -> Path:
    """Write a fetch result to ``out`` atomically (a bill: 0600 when new); if that fails, keep
    it in the cache folder (the API calls are paid for) and say where in the error; if that
    fails too, say both reasons."""
    text = json.dumps(payload, indent=1)
    try:
        return atomic_write_text(out, text, private=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        try:
            folder = private_cache_dir("ce", cache_dir)
            stamp = pd.Timestamp.now(tz="UTC").strftime("%Y%m%dT%H%M%SZ")
            kept = atomic_write_text(folder / f"unsaved-fetch-{stamp}.json", text, private=True)
        except (OSError, CostModelError) as second:
            raise CostModelError(
                f"could not write {out} ({reason}), nor keep the fetched data in the cache folder "
                f"({second}); nothing was saved: free some space and fetch again (final months "
                "already cached are not paid for again)"
            ) from None
        raise CostModelError(
            f"could not write {out} ({reason}); the fetched data is kept in {kept}"
        ) from None


def _session(profile: str | None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile) if profile else boto3.Session()
