"""Networking: NAT gateways, data transfer, the ALB, CloudFront and Route 53.

One function per resource, each returning its unpriced line items; :func:`components`
joins them for the ``network`` section.
"""

from __future__ import annotations

from typing import Any

from costmodel import categories as cat
from costmodel.architecture import billing_code
from costmodel.service_names import CE_CLOUDFRONT, CE_EC2_OTHER, CE_ELB, CE_ROUTE53, CE_VPC
from costmodel.services._items import component
from costmodel.usage_types import usage_type

GLOBAL = "global"  # CloudFront and Route 53 usage types carry no region prefix
# costmodel's name for queries to alias records of AWS resources: AWS does not charge them,
# so no such usage type appears on a bill
ALIAS_QUERIES = "Alias-Queries"


def _global(**fields: Any) -> dict:
    return component(region=GLOBAL, **fields)


def nat_gateways(spec: dict, region: str, hours: float) -> list[dict]:
    """NAT gateway hours [Hrs] and data processed [GB]."""
    if spec["nat_gateways"] <= 0:
        return []
    common: dict[str, Any] = dict(
        service=CE_EC2_OTHER, service_code="AmazonEC2", resource="nat-gateways", category=cat.NAT_GATEWAY
    )
    return [
        component(
            **common,
            component=f"NAT gateway hours ({spec['nat_gateways']} gateways)",
            usage_type=usage_type(region, "NatGateway-Hours", prefixed_in_us_east_1=False),
            unit="Hrs",
            quantity=spec["nat_gateways"] * hours,
            region=region,
        ),
        component(
            **common,
            component="NAT data processed",
            usage_type=usage_type(region, "NatGateway-Bytes", prefixed_in_us_east_1=False),
            unit="GB",
            quantity=spec["nat_processed_gb"],
            region=region,
        ),
    ]


def data_transfer(spec: dict, region: str) -> list[dict]:
    """Data transfer out to the internet, across AZs (billed on both sides) and to another region [GB]."""
    common: dict[str, Any] = dict(
        service=CE_EC2_OTHER, service_code="AWSDataTransfer", resource="data-transfer", region=region
    )
    items = []
    if spec["internet_egress_gb"] > 0:
        items.append(
            component(
                **common,
                component="Data transfer out to the internet",
                category=cat.DATA_TRANSFER_OUT,
                usage_type=usage_type(region, "DataTransfer-Out-Bytes", prefixed_in_us_east_1=False),
                unit="GB",
                quantity=spec["internet_egress_gb"],
            )
        )
    if spec["inter_az_gb"] > 0:
        items.append(
            component(
                **common,
                component="Inter-AZ data transfer (both directions)",
                category=cat.INTER_AZ_TRANSFER,
                usage_type=usage_type(region, "DataTransfer-Regional-Bytes", prefixed_in_us_east_1=False),
                unit="GB",
                quantity=2 * spec["inter_az_gb"],
            )
        )
    if spec["inter_region_gb"] > 0:
        destination = spec["inter_region_destination"]
        items.append(
            component(
                **common,
                component=f"Inter-region data transfer to {destination}",
                category=cat.INTER_REGION_TRANSFER,
                usage_type=usage_type(
                    region, f"{billing_code(destination)}-AWS-Out-Bytes", prefixed_in_us_east_1=True
                ),
                unit="GB",
                quantity=spec["inter_region_gb"],
            )
        )
    return items


def load_balancers(spec: dict, region: str, hours: float) -> list[dict]:
    """Application load balancer hours [Hrs] and capacity units [LCU-Hrs]."""
    n = spec["load_balancers"]
    if n <= 0:
        return []
    common: dict[str, Any] = dict(
        service=CE_ELB,
        service_code="AWSELB",
        resource="alb",
        category=cat.ALB,
        region=region,
        operation="LoadBalancing:Application",
    )
    return [
        component(
            **common,
            component=f"Application load balancer hours ({n})",
            usage_type=usage_type(region, "LoadBalancerUsage", prefixed_in_us_east_1=False),
            unit="Hrs",
            quantity=n * hours,
        ),
        component(
            **common,
            component=f"Load balancer capacity units ({spec['alb_lcu']:g} LCU average)",
            usage_type=usage_type(region, "LCUUsage", prefixed_in_us_east_1=False),
            unit="LCU-Hrs",
            quantity=n * spec["alb_lcu"] * hours,
        ),
    ]


def cloudfront(spec: dict) -> list[dict]:
    """CloudFront data transfer out [GB] and HTTPS requests [10K requests], United States."""
    common: dict[str, Any] = dict(
        service=CE_CLOUDFRONT, service_code="AmazonCloudFront", resource="cloudfront"
    )
    items = []
    if spec["cloudfront_egress_gb"] > 0:
        items.append(
            _global(
                **common,
                component="Data transfer out (United States)",
                category=cat.CLOUDFRONT,
                usage_type="US-DataTransfer-Out-Bytes",
                unit="GB",
                quantity=spec["cloudfront_egress_gb"],
            )
        )
    if spec["cloudfront_https_requests_millions"] > 0:
        items.append(
            _global(
                **common,
                component="HTTPS requests (United States)",
                category=cat.CLOUDFRONT,
                usage_type="US-Requests-Tier2-HTTPS",
                unit="10K requests",
                quantity=spec["cloudfront_https_requests_millions"] * 100,
            )
        )
    return items


def route53(spec: dict) -> list[dict]:
    """Route 53 hosted zones [zone-Mo], health checks [check-Mo], standard queries and
    queries to alias records of AWS resources (free) [1M queries]."""
    common: dict[str, Any] = dict(
        service=CE_ROUTE53, service_code="AmazonRoute53", resource="route53", category=cat.ROUTE_53
    )
    items = []
    if spec["hosted_zones"] > 0:
        items.append(
            _global(
                **common,
                component="Hosted zones",
                usage_type="HostedZone",
                unit="zone-Mo",
                quantity=spec["hosted_zones"],
            )
        )
    if spec["health_checks"] > 0:
        items.append(
            _global(
                **common,
                component="Health checks (AWS endpoints)",
                usage_type="Health-Check-AWS",
                unit="check-Mo",
                quantity=spec["health_checks"],
            )
        )
    if spec["dns_queries_millions"] > 0:
        items.append(
            _global(
                **common,
                component="Standard DNS queries",
                usage_type="DNS-Queries",
                unit="1M queries",
                quantity=spec["dns_queries_millions"],
            )
        )
    if spec.get("dns_alias_queries_millions", 0) > 0:
        # AWS does not charge for queries to alias records of its resources: a $0 line, so
        # that the queries are seen (and not priced as standard ones)
        items.append(
            _global(
                **common,
                component="Alias queries to AWS resources (CloudFront, ALB): no charge",
                usage_type=ALIAS_QUERIES,
                unit="1M queries",
                quantity=spec["dns_alias_queries_millions"],
            )
        )
    return items


def public_ipv4(spec: dict, region: str, hours: float) -> list[dict]:
    """Public IPv4 addresses in use [Hrs]: $0.005 per address-hour since February 2024."""
    n = spec["public_ipv4_addresses"]
    if n <= 0:
        return []
    return [
        component(
            service=CE_VPC,
            service_code="AmazonVPC",
            resource="public-ipv4",
            component=f"Public IPv4 addresses in use ({n})",
            category=cat.PUBLIC_IPV4,
            usage_type=usage_type(region, "PublicIPv4:InUseAddress", prefixed_in_us_east_1=True),
            unit="Hrs",
            quantity=n * hours,
            region=region,
        )
    ]


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of the ``network`` section.

    Parameters
    ----------
    spec : dict
        ``nat_gateways``, ``nat_processed_gb`` [GB], ``internet_egress_gb`` [GB],
        ``inter_az_gb`` [GB crossing AZs], ``inter_region_gb`` [GB], ``load_balancers``,
        ``alb_lcu`` [LCU per ALB], ``cloudfront_egress_gb`` [GB],
        ``cloudfront_https_requests_millions`` [1M requests], ``hosted_zones``,
        ``dns_queries_millions`` and ``dns_alias_queries_millions`` [1M queries].
    region : str
    hours : float
        Hours in the month [h].

    Notes
    -----
    The node group uses private networking, so outbound traffic goes through NAT
    gateways: their count and processed GB are explicit assumptions. Inter-AZ traffic is
    billed per GB on both sides ($0.01 out + $0.01 in), hence twice the GB crossing.
    """
    return [
        *nat_gateways(spec, region, hours),
        *data_transfer(spec, region),
        *load_balancers(spec, region, hours),
        *cloudfront(spec),
        *route53(spec),
        *public_ipv4(spec, region, hours),
    ]
