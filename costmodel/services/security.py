"""AWS WAF and AWS Secrets Manager."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel.service_names import CE_KMS, CE_SECRETS, CE_WAF
from costmodel.services._items import component
from costmodel.usage_types import usage_type


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of the ``security`` section.

    Parameters
    ----------
    spec : dict
        ``waf_web_acls``, ``waf_rules``, ``waf_requests_millions`` [1M requests],
        ``secrets``, ``secrets_api_calls_thousands`` [1K calls].
    region : str
    hours : float
        Unused: both services charge per month or per request.
    """
    rows = [
        (CE_WAF, "awswaf", "waf", "Web ACLs", cat.WAF, "WebACLV2", "ACL-Mo", spec["waf_web_acls"]),
        (CE_WAF, "awswaf", "waf", "Rules", cat.WAF, "RuleV2", "rule-Mo", spec["waf_rules"]),
        (
            CE_WAF,
            "awswaf",
            "waf",
            "Requests inspected",
            cat.WAF,
            "RequestV2-Tier1",
            "1M requests",
            spec["waf_requests_millions"],
        ),
        (
            CE_SECRETS,
            "AWSSecretsManager",
            "secrets",
            "Secrets",
            cat.SECRETS_MANAGER,
            "AWSSecretsManager-Secrets",
            "secret-Mo",
            spec["secrets"],
        ),
        (
            CE_SECRETS,
            "AWSSecretsManager",
            "secrets",
            "API calls",
            cat.SECRETS_MANAGER,
            "AWSSecretsManagerAPIRequest",
            "10K requests",
            spec["secrets_api_calls_thousands"] / 10,
        ),
    ]
    return [
        component(
            service=svc,
            service_code=code,
            resource=res,
            component=name,
            category=category,
            unit=unit,
            quantity=qty,
            region=region,
            usage_type=usage_type(region, base, prefixed_in_us_east_1=True),
        )
        for svc, code, res, name, category, base, unit, qty in rows
        if qty > 0
    ] + kms(spec, region)


def kms(spec: dict, region: str) -> list[dict]:
    """KMS customer managed keys [key-Mo] and API requests [10K requests]; the 20,000 free
    requests a month are the catalog's first, free price tier. KMS usage types carry the
    region name itself (``us-east-1-KMS-Keys``), not a billing code."""
    rows = [
        ("Customer managed keys", "KMS-Keys", "key-Mo", spec["kms_keys"]),
        ("API requests", "KMS-Requests", "10K requests", spec["kms_requests_thousands"] / 10),
    ]
    return [
        component(
            service=CE_KMS,
            service_code="awskms",
            resource="kms",
            component=name,
            category=cat.KMS,
            unit=unit,
            quantity=qty,
            region=region,
            usage_type=f"{region}-{base}",
        )
        for name, base, unit, qty in rows
        if qty > 0
    ]
