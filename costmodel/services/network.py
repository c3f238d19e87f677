"""Networking: NAT gateways, data transfer, the ALB, CloudFront and Route 53."""

from __future__ import annotations

from costmodel.architecture import billing_code
from costmodel.services._items import (
    CE_CLOUDFRONT,
    CE_EC2_OTHER,
    CE_ELB,
    CE_ROUTE53,
    component,
    usage_type,
)


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of the ``network`` section.

    Parameters
    ----------
    spec : dict
        ``nat_gateways``, ``nat_processed_gb`` [GB], ``internet_egress_gb`` [GB],
        ``inter_az_gb`` [GB crossing AZs], ``inter_region_gb`` [GB], ``load_balancers``,
        ``alb_lcu`` [LCU per ALB], ``cloudfront_egress_gb`` [GB],
        ``cloudfront_https_requests_millions`` [1M requests], ``hosted_zones``,
        ``dns_queries_millions`` [1M queries].
    region : str
    hours : float
        Hours in the month [h].

    Notes
    -----
    The node group uses private networking, so outbound traffic goes through NAT
    gateways: their count and processed GB are explicit assumptions. Inter-AZ traffic is
    billed per GB on both sides ($0.01 out + $0.01 in), hence twice the GB crossing.
    """
    items = []

    def add(
        service: str,
        code: str,
        resource: str,
        comp: str,
        category: str,
        base: str,
        unit: str,
        qty: float,
        *,
        prefixed: bool = False,
        rgn: str = region,
        op: str = "",
    ) -> None:
        ut = base if rgn == "global" else usage_type(rgn, base, prefixed_in_us_east_1=prefixed)
        items.append(
            component(
                service=service,
                service_code=code,
                resource=resource,
                component=comp,
                category=category,
                usage_type=ut,
                unit=unit,
                quantity=qty,
                region=rgn,
                operation=op,
            )
        )

    if spec["nat_gateways"] > 0:
        add(
            CE_EC2_OTHER,
            "AmazonEC2",
            "nat-gateways",
            f"NAT gateway hours ({spec['nat_gateways']} gateways)",
            "NAT gateway",
            "NatGateway-Hours",
            "Hrs",
            spec["nat_gateways"] * hours,
        )
        add(
            CE_EC2_OTHER,
            "AmazonEC2",
            "nat-gateways",
            "NAT data processed",
            "NAT gateway",
            "NatGateway-Bytes",
            "GB",
            spec["nat_processed_gb"],
        )
    if spec["internet_egress_gb"] > 0:
        add(
            CE_EC2_OTHER,
            "AWSDataTransfer",
            "data-transfer",
            "Data transfer out to the internet",
            "Data transfer out",
            "DataTransfer-Out-Bytes",
            "GB",
            spec["internet_egress_gb"],
        )
    if spec["inter_az_gb"] > 0:
        add(
            CE_EC2_OTHER,
            "AWSDataTransfer",
            "data-transfer",
            "Inter-AZ data transfer (both directions)",
            "Inter-AZ transfer",
            "DataTransfer-Regional-Bytes",
            "GB",
            2 * spec["inter_az_gb"],
        )
    if spec["inter_region_gb"] > 0:
        dest = billing_code(spec["inter_region_destination"])
        add(
            CE_EC2_OTHER,
            "AWSDataTransfer",
            "data-transfer",
            f"Inter-region data transfer to {spec['inter_region_destination']}",
            "Inter-region transfer",
            f"{dest}-AWS-Out-Bytes",
            "GB",
            spec["inter_region_gb"],
            prefixed=True,
        )
    if spec["load_balancers"] > 0:
        n = spec["load_balancers"]
        add(
            CE_ELB,
            "AWSELB",
            "alb",
            f"Application load balancer hours ({n})",
            "ALB",
            "LoadBalancerUsage",
            "Hrs",
            n * hours,
            op="LoadBalancing:Application",
        )
        add(
            CE_ELB,
            "AWSELB",
            "alb",
            f"Load balancer capacity units ({spec['alb_lcu']:g} LCU average)",
            "ALB",
            "LCUUsage",
            "LCU-Hrs",
            n * spec["alb_lcu"] * hours,
            op="LoadBalancing:Application",
        )
    if spec["cloudfront_egress_gb"] > 0:
        add(
            CE_CLOUDFRONT,
            "AmazonCloudFront",
            "cloudfront",
            "Data transfer out (United States)",
            "CloudFront",
            "US-DataTransfer-Out-Bytes",
            "GB",
            spec["cloudfront_egress_gb"],
            rgn="global",
        )
    if spec["cloudfront_https_requests_millions"] > 0:
        add(
            CE_CLOUDFRONT,
            "AmazonCloudFront",
            "cloudfront",
            "HTTPS requests (United States)",
            "CloudFront",
            "US-Requests-Tier2-HTTPS",
            "10K requests",
            spec["cloudfront_https_requests_millions"] * 100,
            rgn="global",
        )
    if spec["hosted_zones"] > 0:
        add(
            CE_ROUTE53,
            "AmazonRoute53",
            "route53",
            "Hosted zones",
            "Route 53",
            "HostedZone",
            "zone-Mo",
            spec["hosted_zones"],
            rgn="global",
        )
    if spec["dns_queries_millions"] > 0:
        add(
            CE_ROUTE53,
            "AmazonRoute53",
            "route53",
            "Standard DNS queries",
            "Route 53",
            "DNS-Queries",
            "1M queries",
            spec["dns_queries_millions"],
            rgn="global",
        )
    return items
