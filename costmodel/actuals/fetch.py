"""Fetch Cost Explorer actuals through boto3 (read-only: ``ce:GetCostAndUsage``).

* Two requests per month: usage grouped by SERVICE and USAGE_TYPE without credits,
  refunds and tax; and credits, refunds and tax grouped by RECORD_TYPE and SERVICE, so
  that they reconcile as lines of their own and nothing is netted away.
* ``NextPageToken`` pagination by hand (boto3 has no paginator for GetCostAndUsage),
  resending identical parameters.
* ``Config(retries={"mode": "standard"})``: throttling (``LimitExceededException``) is
  retried with backoff; in legacy mode it would not be.
* A local cache keyed by the request (and profile), so that a re-run makes no API call:
  each request costs $0.01. Months still ``Estimated`` are never cached.
* Clear errors for data not yet available, expired bills, missing permissions and
  credentials. Credentials are never printed or logged.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from costmodel.errors import CostModelError

METRICS = ["UnblendedCost", "AmortizedCost", "NetAmortizedCost", "UsageQuantity"]
SPECIAL = ["Credit", "Refund", "Tax"]
MAX_PAGES = 1000


def request_bodies(start: str, end: str, granularity: str = "MONTHLY") -> list[dict]:
    """The two GetCostAndUsage requests for one period (usage; credits, refunds, tax)."""
    period = {"Start": start, "End": end}
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
    try:
        first, last = pd.Timestamp(start), pd.Timestamp(end)
    except ValueError:
        raise CostModelError(f"dates must be YYYY-MM-DD, got {start!r} and {end!r}") from None
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
) -> Any:
    """A boto3 Cost Explorer client with standard retry mode."""
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    return session.client(
        "ce",
        region_name=region,
        endpoint_url=endpoint_url,
        config=Config(retries={"mode": "standard", "max_attempts": max_attempts}),
    )


def default_cache_dir() -> Path:
    """``$COSTMODEL_CACHE_DIR``, else ``~/.cache/costmodel/ce``."""
    return Path(os.environ.get("COSTMODEL_CACHE_DIR", Path.home() / ".cache" / "costmodel")) / "ce"


def cache_key(request: dict, profile: str | None) -> str:
    """SHA-256 of the canonical request and the profile name (never credentials)."""
    canonical = json.dumps({"request": request, "profile": profile or "default"}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


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
) -> dict:
    """Fetch actuals for [start, end) month by month, from the cache where possible.

    Returns
    -------
    dict
        The fetch-actuals file format ``{"requests": [{"request", "pages"}], "api_calls",
        "cache_hits"}``, readable by :func:`costmodel.actuals.read`.
    """
    if granularity not in ("MONTHLY", "DAILY"):
        raise CostModelError(f"granularity must be MONTHLY or DAILY, not {granularity!r}")
    client = client if client is not None else ce_client(profile, region)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    periods = month_periods(start, end)
    show = progress if progress is not None else (_progress if len(periods) > 1 else None)
    entries, calls, hits = [], 0, 0
    for i, (period_start, period_end) in enumerate(periods, start=1):
        for request in request_bodies(period_start, period_end, granularity):
            path = cache / f"{cache_key(request, profile)}.json"
            if use_cache and path.exists():
                pages = json.loads(path.read_text())
                hits += 1
            else:
                pages, n = get_cost_and_usage(client, request)
                calls += n
                final = not any(r.get("Estimated") for p in pages for r in p.get("ResultsByTime", []))
                if use_cache and final:
                    cache.mkdir(parents=True, exist_ok=True)
                    path.write_text(json.dumps(pages))
            entries.append({"request": request, "pages": pages})
        if show:
            show(i, len(periods), f"{period_start}..{period_end}")
    return {"requests": entries, "api_calls": calls, "cache_hits": hits}
