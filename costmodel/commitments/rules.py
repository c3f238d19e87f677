"""Which commitments AWS offers per service, and how they apply: the rules, with sources.

* **EC2** (Amazon EC2 User Guide, "Reserved Instances" and "How Reserved Instances are
  applied"; "Savings Plans User Guide"): Standard and Convertible RIs, 1 or 3 years,
  No / Partial / All Upfront. Regional RIs on Linux/UNIX with default (shared) tenancy are
  size-flexible within their instance family: the benefit is counted in normalized units
  (large = 4, xlarge = 8, 2xlarge = 16, 4xlarge = 32, ...) and applied from the smallest
  to the largest size. Compute and EC2 Instance Savings Plans commit to a USD amount per
  hour, applied first to the usage with the highest discount. Neither covers the EKS
  cluster fee.
* **RDS** (Amazon RDS User Guide, "Reserved DB instances"): standard reservations only,
  1 or 3 years; No Upfront is offered for 1 year only. Single-AZ and Multi-AZ are separate
  reservations. Size flexibility within an instance family applies to MySQL, MariaDB,
  PostgreSQL, Oracle BYOL and Aurora, with Multi-AZ counting twice the normalized units
  of Single-AZ. A read replica is its own DB instance and needs its own coverage.
* **ElastiCache** (Amazon ElastiCache User Guide, "Reserved nodes"): reserved nodes, 1 or
  3 years, No / Partial / All Upfront; size-flexible within a node family and region
  (announced October 2024 for Redis OSS, Valkey and Memcached).
* **MSK** and the **EKS control plane**: no reserved pricing exists (no reserved term in
  the Price List; the Database Savings Plans offer covers RDS, ElastiCache, DynamoDB,
  DocumentDB, OpenSearch and DMS, not MSK; Compute Savings Plans do not cover the EKS
  cluster fee). The engine reports "not offered" instead of a number.
"""

from __future__ import annotations

from dataclasses import dataclass

PAYMENT_OPTIONS = ("No Upfront", "Partial Upfront", "All Upfront")
PAYMENT_ALIASES = {
    "no_upfront": "No Upfront",
    "partial_upfront": "Partial Upfront",
    "all_upfront": "All Upfront",
} | {p: p for p in PAYMENT_OPTIONS}
TERM_ALIASES = {"1yr": 1, "3yr": 3, "1": 1, "3": 3, 1: 1, 3: 3}


@dataclass(frozen=True)
class OfferingRule:
    """One kind of commitment AWS offers for a service."""

    service: str  # ec2 | rds | elasticache | msk | eks
    kind: str  # what AWS calls it
    term_type: str  # catalog term_type: Reserved | SavingsPlan
    offering_class: str  # catalog offering_class ("" where AWS has none)
    terms: tuple[tuple[int, str], ...]  # (years, payment option) offered
    size_flexible: bool


ALL_TERMS = tuple((y, p) for y in (1, 3) for p in PAYMENT_OPTIONS)
RDS_TERMS = (
    (1, "No Upfront"),
    (1, "Partial Upfront"),
    (1, "All Upfront"),
    (3, "Partial Upfront"),
    (3, "All Upfront"),
)

RULES: dict[str, tuple[OfferingRule, ...]] = {
    "ec2": (
        OfferingRule("ec2", "EC2 Standard Reserved Instance", "Reserved", "standard", ALL_TERMS, True),
        OfferingRule("ec2", "EC2 Convertible Reserved Instance", "Reserved", "convertible", ALL_TERMS, True),
        OfferingRule("ec2", "Compute Savings Plan", "SavingsPlan", "", ALL_TERMS, True),
        OfferingRule("ec2", "EC2 Instance Savings Plan", "SavingsPlan", "", ALL_TERMS, True),
    ),
    "rds": (OfferingRule("rds", "RDS Reserved DB Instance", "Reserved", "standard", RDS_TERMS, True),),
    "elasticache": (
        OfferingRule("elasticache", "ElastiCache Reserved Node", "Reserved", "", ALL_TERMS, True),
    ),
    "msk": (),
    "eks": (),
}
SAVINGS_PLAN_SERVICE_CODES = {
    "Compute Savings Plan": "ComputeSavingsPlans",
    "EC2 Instance Savings Plan": "EC2InstanceSavingsPlans",
}
NOT_OFFERED = {
    "msk": "Amazon MSK has no reserved pricing: no reserved term in the Price List, and Savings "
    "Plans do not cover MSK brokers.",
    "eks": "The EKS cluster fee has no reserved pricing and is not covered by Savings Plans.",
}
# RDS: Multi-AZ reservations count twice the normalized units of Single-AZ.
DEPLOYMENT_UNIT_FACTOR = {"Single-AZ": 1, "Multi-AZ": 2, "": 1}


def payment_option(value: str) -> str:
    """``"no_upfront"`` or ``"No Upfront"`` -> ``"No Upfront"``."""
    try:
        return PAYMENT_ALIASES[value]
    except KeyError:
        raise ValueError(f"payment option {value!r}; valid: {', '.join(PAYMENT_ALIASES)}") from None


def term_years(value: str | int) -> int:
    """``"1yr"``, ``"3yr"``, 1 or 3 -> years."""
    try:
        return TERM_ALIASES[value]
    except KeyError:
        raise ValueError(f"term {value!r}; valid: 1yr, 3yr") from None
