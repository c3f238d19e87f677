"""EKS nodes from load: requests/s -> pods -> nodes packed by allocatable CPU, memory and pods.

Allocatable capacity follows the EKS optimized AMI (amazon-eks-ami bootstrap): kube-reserved
CPU of 6% of the first core, 1% of the second, 0.5% of cores 3-4 and 0.25% of the rest;
kube-reserved memory of 255 MiB + 11 MiB per pod the node may run; a 100 MiB hard eviction
threshold. The pod limit is the instance's ENI limit (amazon-vpc-cni ``eni-max-pods.txt``),
in ``data/instance_types.csv``. DaemonSets (aws-node, kube-proxy, EBS CSI, CloudWatch agent)
take a share of every node. All functions accept scalars or numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from costmodel import arguments
from costmodel.architecture import instance_types
from costmodel.errors import InputError

DAEMONSET_CPU = 0.3  # [vCPU per node]
DAEMONSET_MEMORY_GIB = 0.5  # [GiB per node]
DAEMONSET_PODS = 4  # [pods per node]
EVICTION_MIB = 100  # [MiB]


def kube_reserved_cpu(vcpu: float) -> float:
    """CPU the kubelet and runtime reserve on a node of ``vcpu`` cores [vCPU]."""
    steps = [(1, 0.06), (1, 0.01), (2, 0.005), (np.inf, 0.0025)]
    left, reserved = vcpu, 0.0
    for cores, share in steps:
        take = min(left, cores)
        reserved += take * share
        left -= take
    return reserved


@dataclass(frozen=True)
class NodeShape:
    """What one node offers to application pods."""

    instance_type: str
    allocatable_cpu: float  # [vCPU]
    allocatable_memory_gib: float  # [GiB]
    max_pods: int  # [pods], ENI limit


@cache  # a frozen result of a fixed table, asked by every capacity call
def node_shape(instance_type: str) -> NodeShape:
    """Allocatable CPU [vCPU], memory [GiB] and pod limit of an EC2 instance type as an EKS node."""
    table = instance_types().set_index("instance_type")
    if instance_type not in table.index or table.loc[instance_type, "service"] != "ec2":
        valid = table.index[table["service"] == "ec2"].tolist()
        raise InputError(f"unknown EC2 instance type {instance_type!r}; known: {', '.join(valid)}")
    row = table.loc[instance_type]
    max_pods = int(row["network_max_pods"])
    memory_mib = float(row["memory_gib"]) * 1024 - (255 + 11 * max_pods) - EVICTION_MIB
    return NodeShape(
        instance_type, float(row["vcpu"]) - kube_reserved_cpu(float(row["vcpu"])), memory_mib / 1024, max_pods
    )


def pods_per_node(shape: NodeShape, pod_cpu: float, pod_memory_gib: float, target_utilization: float) -> int:
    """Application pods one node holds at the target utilization [pods]."""
    by_cpu = (shape.allocatable_cpu * target_utilization - DAEMONSET_CPU) // pod_cpu
    by_memory = (shape.allocatable_memory_gib * target_utilization - DAEMONSET_MEMORY_GIB) // pod_memory_gib
    return int(max(0, min(by_cpu, by_memory, shape.max_pods - DAEMONSET_PODS)))


def pods_needed(requests_per_s: ArrayLike, requests_per_pod: float, min_pods: int = 1) -> np.ndarray:
    """Pods to serve ``requests_per_s`` [requests/s] at ``requests_per_pod`` each [pods]."""
    return np.maximum(np.ceil(np.asarray(requests_per_s, dtype=float) / requests_per_pod), min_pods)


def eks_nodes(
    requests_per_s: ArrayLike,
    instance_type: str = "c5.2xlarge",
    requests_per_pod: float = 250,
    pod_cpu: float = 0.5,
    pod_memory_gib: float = 1.0,
    min_pods: int = 3,
    target_utilization: float = 0.7,
    min_nodes: int = 3,
    max_nodes: int = 10,
) -> np.ndarray:
    """Nodes the node group runs for a load, bounded by its min and max size [nodes].

    Parameters
    ----------
    requests_per_s : float or array
        Load [requests/s].
    instance_type : str
        Node type.
    requests_per_pod : float
        Requests one pod serves within the latency target [requests/s].
    pod_cpu, pod_memory_gib : float
        Pod requests [vCPU], [GiB].
    target_utilization : float
        Share of allocatable capacity pods may fill [fraction].
    min_nodes, max_nodes : int
        Node group bounds [nodes].

    Examples
    --------
    c5.2xlarge: 7.91 vCPU allocatable x 0.7 - 0.3 = 5.24 vCPU -> 10 pods of 0.5 vCPU; 3 nodes
    hold 30 pods = 7,500 requests/s at 250 each, so 7,501 requests/s need a 4th node.

    >>> int(eks_nodes(7500)), int(eks_nodes(7501))
    (3, 4)
    """
    where = "scaling.eks_nodes"
    requests_per_s = arguments.numbers(requests_per_s, where, "requests_per_s", low=0, unit="requests/s")
    if not isinstance(instance_type, str):
        arguments.refuse(where, "instance_type", "an EC2 instance type, e.g. 'c5.2xlarge'", instance_type)
    requests_per_pod = arguments.number(
        requests_per_pod, where, "requests_per_pod", above=0, unit="requests/s"
    )
    pod_cpu = arguments.number(pod_cpu, where, "pod_cpu", above=0, unit="vCPU")
    pod_memory_gib = arguments.number(pod_memory_gib, where, "pod_memory_gib", above=0, unit="GiB")
    min_pods = arguments.number(min_pods, where, "min_pods", low=0, integer=True, unit="pods")
    target_utilization = arguments.number(target_utilization, where, "target_utilization", above=0, high=1)
    min_nodes = arguments.number(min_nodes, where, "min_nodes", low=0, integer=True, unit="nodes")
    max_nodes = arguments.number(
        max_nodes, where, "max_nodes", low=max(min_nodes, 1), integer=True, unit="nodes"
    )
    try:
        shape = node_shape(instance_type)
    except InputError as exc:
        raise InputError(f"{where}: instance_type: {exc}") from None
    per_node = pods_per_node(shape, pod_cpu, pod_memory_gib, target_utilization)
    if per_node < 1:
        raise InputError(
            f"{where}: a {instance_type} node cannot hold one pod of {pod_cpu} vCPU / {pod_memory_gib} GiB"
        )
    nodes = np.ceil(pods_needed(requests_per_s, requests_per_pod, min_pods) / per_node)
    return np.clip(nodes, min_nodes, max_nodes)


def saturated(requests_per_s: ArrayLike, max_nodes: int = 10, **kwargs) -> np.ndarray:
    """True where the load needs more nodes than the node group's maximum."""
    unbounded = eks_nodes(requests_per_s, max_nodes=np.iinfo(np.int32).max, **kwargs)
    return np.asarray(unbounded > max_nodes)


def daily_profile(peak: ArrayLike, trough: ArrayLike) -> np.ndarray:
    """Requests/s in each hour of a day: trough at 03:00, peak at 15:00 (a cosine) [requests/s].

    ``peak`` and ``trough`` may be arrays (one value per scenario): the 24 hours are the
    last axis of the result.
    """
    shape = (1 - np.cos((np.arange(24) - 3) / 24 * 2 * np.pi)) / 2
    trough = np.asarray(trough, dtype=float)
    return trough[..., None] + (np.asarray(peak, dtype=float) - trough)[..., None] * shape


def node_hours_per_month(
    peak: ArrayLike, trough: ArrayLike, hours_per_month: float = 730, **kwargs: Any
) -> np.ndarray:
    """Node-hours a month of the daily profile costs, as Cluster Autoscaler would run it [h].

    ``peak`` and ``trough`` may be arrays (one value per scenario); the result has their shape.
    """
    load = daily_profile(peak, trough)
    return eks_nodes(load, **kwargs).mean(axis=-1) * hours_per_month
