"""Amazon EBS: gp3 volumes (storage, IOPS and throughput above the baseline) and snapshots."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel.service_names import CE_EC2_OTHER
from costmodel.services._items import component
from costmodel.usage_types import usage_type

# EBS gp3 baseline per volume, whatever its size (AWS EBS User Guide, "gp3 volumes").
GP3_BASELINE_IOPS = 3000  # [IOPS]
GP3_BASELINE_THROUGHPUT = 125  # [MiB/s]


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of the ``ebs`` section.

    Parameters
    ----------
    spec : dict
        ``volumes``: list of {``name``, ``count``, ``size_gb`` [GB], ``iops`` [IOPS],
        ``throughput_mibps`` [MiB/s]} per volume; ``snapshot_storage_gb`` [GB].
    region : str
    hours : float
        Unused: EBS is billed per GB-month, prorated by the hour within a month.
    """

    def item(resource: str, comp: str, category: cat.Category, base: str, unit: str, qty: float) -> dict:
        return component(
            service=CE_EC2_OTHER,
            service_code="AmazonEC2",
            resource=resource,
            component=comp,
            category=category,
            unit=unit,
            quantity=qty,
            region=region,
            usage_type=usage_type(region, base, prefixed_in_us_east_1=False),
        )

    items = []
    for vol in spec["volumes"]:
        n, name = vol["count"], vol["name"]
        items.append(
            item(
                name,
                f"Storage (gp3, {n} x {vol['size_gb']:g} GB)",
                cat.EBS_VOLUMES,
                "EBS:VolumeUsage.gp3",
                "GB-Mo",
                n * vol["size_gb"],
            )
        )
        extra_iops = max(0.0, vol["iops"] - GP3_BASELINE_IOPS)
        if extra_iops > 0:
            items.append(
                item(
                    name,
                    "IOPS above 3,000 (gp3)",
                    cat.EBS_VOLUMES,
                    "EBS:VolumeP-IOPS.gp3",
                    "IOPS-Mo",
                    n * extra_iops,
                )
            )
        extra_tput = max(0.0, vol["throughput_mibps"] - GP3_BASELINE_THROUGHPUT)
        if extra_tput > 0:
            items.append(
                item(
                    name,
                    "Throughput above 125 MiB/s (gp3)",
                    cat.EBS_VOLUMES,
                    "EBS:VolumeP-Throughput.gp3",
                    "MiBps-Mo",
                    n * extra_tput,
                )
            )
    if spec["snapshot_storage_gb"] > 0:
        items.append(
            item(
                "ebs-snapshots",
                "Snapshot storage",
                cat.EBS_SNAPSHOTS,
                "EBS:SnapshotUsage",
                "GB-Mo",
                spec["snapshot_storage_gb"],
            )
        )
    return items
