"""Usage-type strings: built here (one builder per kind), and split into region prefix and base.

Older usage types have no prefix in us-east-1 (``BoxUsage:c5.2xlarge``); newer ones
carry ``USE1-`` even there; other regions carry their billing code (``USW2-``, ``EU-``);
KMS uses the full region name (``us-east-1-KMS-Requests``); inter-region transfer
carries two codes (``USE1-USW2-AWS-Out-Bytes``, the destination stays in the base).
"""

from __future__ import annotations

import re

from costmodel.architecture import billing_code

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


# The bases of instance-hour usage types and of the reservation fee that covers them.
EC2_INSTANCE_HOURS = "BoxUsage:"
CACHE_NODE_HOURS = "NodeUsage:"
RDS_SINGLE_AZ_HOURS = "InstanceUsage:"
RDS_MULTI_AZ_HOURS = "Multi-AZUsage:"
RESERVATION_FEE = "HeavyUsage:"


def usage_type(region: str, base: str, *, prefixed_in_us_east_1: bool) -> str:
    """Usage type as billed in ``region``.

    Older usage types carry no prefix in us-east-1 (``BoxUsage:c5.2xlarge``); newer ones
    carry ``USE1-`` even there (``USE1-RDS:GP3-Storage``); other regions always carry
    their billing code (``USW2-BoxUsage:c5.2xlarge``).
    """
    if region == "us-east-1" and not prefixed_in_us_east_1:
        return base
    return f"{billing_code(region)}-{base}"


def ec2_instance_hours(region: str, instance_type: str) -> str:
    """EC2 on-demand instance hours, e.g. ``BoxUsage:c5.2xlarge``."""
    return usage_type(region, EC2_INSTANCE_HOURS + instance_type, prefixed_in_us_east_1=False)


def cache_node_hours(region: str, node_type: str) -> str:
    """ElastiCache node hours, e.g. ``NodeUsage:cache.r6g.xlarge``."""
    return usage_type(region, CACHE_NODE_HOURS + node_type, prefixed_in_us_east_1=False)


def rds_instance_hours(region: str, instance_class: str, multi_az: bool) -> str:
    """RDS instance hours; sizes are abbreviated (``db.r5.2xlarge`` -> ``Multi-AZUsage:db.r5.2xl``)."""
    kind = RDS_MULTI_AZ_HOURS if multi_az else RDS_SINGLE_AZ_HOURS
    return usage_type(region, kind + instance_class.replace("xlarge", "xl"), prefixed_in_us_east_1=False)


def ec2_reservation_fee(region: str, instance_type: str) -> str:
    """The fee of an EC2 reservation, billed per reserved hour, e.g. ``HeavyUsage:c5.2xlarge``."""
    return usage_type(region, RESERVATION_FEE + instance_type, prefixed_in_us_east_1=False)


def reserved_instance_type(base: str) -> str | None:
    """The EC2 instance type whose reservation fee ``base`` is (``HeavyUsage:c5.2xlarge``), else None."""
    return base.removeprefix(RESERVATION_FEE) if base.startswith(RESERVATION_FEE) else None
