"""Usage-type strings: splitting off the region prefix.

Older usage types have no prefix in us-east-1 (``BoxUsage:c5.2xlarge``); newer ones
carry ``USE1-`` even there; other regions carry their billing code (``USW2-``, ``EU-``);
KMS uses the full region name (``us-east-1-KMS-Requests``); inter-region transfer
carries two codes (``USE1-USW2-AWS-Out-Bytes``, the destination stays in the base).
"""

from __future__ import annotations

import re

_CODE = re.compile(r"^(?P<code>[A-Z]{2,4}\d?|EU|US|Global)-(?=[A-Za-z])")
_KMS = re.compile(r"^(?P<code>[a-z]{2}(?:-[a-z]+)+-\d)-")


def split_region(usage_type: str) -> tuple[str, str]:
    """``USW2-BoxUsage:c5.large`` -> ``("USW2", "BoxUsage:c5.large")``; no prefix -> ``""``."""
    for pattern in (_CODE, _KMS):
        match = pattern.match(usage_type)
        if match:
            return match.group("code"), usage_type[match.end() :]
    return "", usage_type


def strip_region_prefix(usage_type: str) -> str:
    """The usage type without its region prefix."""
    return split_region(usage_type)[1]
