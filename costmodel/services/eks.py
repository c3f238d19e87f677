"""Amazon EKS: the control plane and the managed node group (instances and root volumes)."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel import resources as names
from costmodel.service_names import CE_EC2, CE_EC2_OTHER, CE_EKS
from costmodel.services import ecr
from costmodel.services._items import component
from costmodel.usage_types import ec2_instance_hours, usage_type


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of an EKS cluster and its node group.

    Parameters
    ----------
    spec : dict
        The ``eks`` section: ``clusters``, ``support`` (standard | extended | mixed),
        ``extended_share`` (share of the month's hours in extended support [0..1]),
        ``instance_type``, ``node_count`` [nodes], ``root_volume_gb`` [GB per node].
    region : str
    hours : float
        Hours in the month [h] (730 for estimates).

    Notes
    -----
    A cluster on extended support is billed $0.10/h per cluster plus an
    ``extendedSupport`` surcharge per hour (AWS EKS pricing), for the hours of the month in
    extended support; ``support`` and ``extended_share`` are resolved from
    the Kubernetes version and the month priced by the orchestrator
    (:func:`costmodel.estimation.resolve_dated`). Root volumes are gp3 at the
    baseline 3,000 IOPS / 125 MiB/s, so only their storage is charged.
    """
    items = [
        component(
            service=CE_EKS,
            service_code="AmazonEKS",
            resource=names.EKS_CLUSTER,
            component="Control plane (cluster hours)",
            category=cat.EKS_CONTROL_PLANE,
            usage_type=usage_type(region, "AmazonEKS-Hours:perCluster", prefixed_in_us_east_1=True),
            unit="Hrs",
            quantity=spec["clusters"] * hours,
            region=region,
        )
    ]
    extended_share = spec.get("extended_share", 1.0 if spec["support"] == "extended" else 0.0)
    if extended_share > 0:
        items.append(
            component(
                service=CE_EKS,
                service_code="AmazonEKS",
                resource=names.EKS_CLUSTER,
                component="Control plane (extended support surcharge)",
                category=cat.EKS_CONTROL_PLANE,
                usage_type=usage_type(region, "AmazonEKS-Hours:extendedSupport", prefixed_in_us_east_1=True),
                unit="Hrs",
                quantity=spec["clusters"] * hours * extended_share,
                region=region,
            )
        )
    itype = spec["instance_type"]
    items.append(
        component(
            service=CE_EC2,
            service_code="AmazonEC2",
            resource=names.EKS_NODE_GROUP,
            component=f"Node instances (on-demand, {itype})",
            category=cat.EKS_NODES,
            usage_type=ec2_instance_hours(region, itype),
            unit="Hrs",
            quantity=spec["node_count"] * hours,
            region=region,
            operation="RunInstances",
        )
    )
    items.append(
        component(
            service=CE_EC2_OTHER,
            service_code="AmazonEC2",
            resource=names.EKS_NODE_GROUP,
            component="Node root volumes (gp3)",
            category=cat.EKS_NODE_EBS,
            usage_type=usage_type(region, "EBS:VolumeUsage.gp3", prefixed_in_us_east_1=False),
            unit="GB-Mo",
            quantity=spec["node_count"] * spec["root_volume_gb"],
            region=region,
        )
    )
    return items + ecr.components(spec, region, hours)
