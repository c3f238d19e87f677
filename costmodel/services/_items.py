"""Building blocks shared by the service models: Cost Explorer names and a component row.

A *component* is an unpriced line item: what is used (service, usage type, unit,
quantity per month) and the catalog key to price it with. ``estimate`` prices all
components of an architecture in one vectorized call.
"""

from __future__ import annotations

from costmodel.architecture import billing_code
from costmodel.categories import Category

# Cost Explorer SERVICE dimension values (real GetDimensionValues / GetCostAndUsage output).
CE_EKS = "Amazon Elastic Container Service for Kubernetes"
CE_EC2 = "Amazon Elastic Compute Cloud - Compute"
CE_EC2_OTHER = "EC2 - Other"
CE_RDS = "Amazon Relational Database Service"
CE_ELASTICACHE = "Amazon ElastiCache"
CE_MSK = "Amazon Managed Streaming for Apache Kafka"
CE_S3 = "Amazon Simple Storage Service"
CE_CLOUDWATCH = "AmazonCloudWatch"
CE_ELB = "Amazon Elastic Load Balancing"
CE_CLOUDFRONT = "Amazon CloudFront"
CE_ROUTE53 = "Amazon Route 53"
CE_WAF = "AWS WAF"
CE_SECRETS = "AWS Secrets Manager"
CE_VPC = "Amazon Virtual Private Cloud"
CE_KMS = "AWS Key Management Service"
CE_ECR = "Amazon EC2 Container Registry (ECR)"
CE_XRAY = "AWS X-Ray"

ON_DEMAND = "on_demand"


def usage_type(region: str, base: str, *, prefixed_in_us_east_1: bool) -> str:
    """Usage type as billed in ``region``.

    Older usage types carry no prefix in us-east-1 (``BoxUsage:c5.2xlarge``); newer ones
    carry ``USE1-`` even there (``USE1-RDS:GP3-Storage``); other regions always carry
    their billing code (``USW2-BoxUsage:c5.2xlarge``).
    """
    if region == "us-east-1" and not prefixed_in_us_east_1:
        return base
    return f"{billing_code(region)}-{base}"


def component(
    *,
    service: str,
    service_code: str,
    resource: str,
    component: str,
    category: Category,
    usage_type: str,
    unit: str,
    quantity: float,
    region: str,
    operation: str = "",
    purchase_option: str = ON_DEMAND,
) -> dict:
    """One unpriced line item; ``quantity`` is in ``unit`` per month.

    ``category`` is one of :mod:`costmodel.categories` (never a free-text label).
    """
    if not isinstance(category, Category):
        raise TypeError(f"category must be a costmodel.categories.Category, not {category!r}")
    return {
        "service": service,
        "resource": resource,
        "component": component,
        "category": category.name,
        "usage_type": usage_type,
        "unit": unit,
        "quantity": float(quantity),
        "purchase_option": purchase_option,
        "service_code": service_code,
        "region": region,
        "operation": operation,
    }
