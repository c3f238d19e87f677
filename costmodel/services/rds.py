"""Amazon RDS for PostgreSQL: instances, gp3 storage, IOPS and throughput, backup storage."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel import resources as names
from costmodel.service_names import CE_RDS
from costmodel.services._items import component
from costmodel.usage_types import rds_instance_hours, usage_type

# Storage, IOPS and throughput categories of each instance role.
STORAGE_CATEGORIES = {
    "Primary": (cat.RDS_STORAGE, cat.RDS_IOPS, cat.RDS_THROUGHPUT),
    "Read replica": (cat.RDS_REPLICA_STORAGE, cat.RDS_REPLICA_IOPS, cat.RDS_REPLICA_THROUGHPUT),
}
GP3_BASELINE_THRESHOLD_GB = 400  # [GB]
# RDS gp3 included performance (AWS RDS User Guide, "gp3 storage"): below 400 GB
# 3,000 IOPS and 125 MiB/s; at 400 GB and above 12,000 IOPS and 500 MiB/s.
GP3_BASELINE_SMALL = (3000, 125)  # [IOPS], [MiB/s]
GP3_BASELINE_LARGE = (12000, 500)  # [IOPS], [MiB/s]


def gp3_baseline(storage_gb: float) -> tuple[int, int]:
    """Included gp3 (IOPS, throughput [MiB/s]) of an RDS volume of ``storage_gb`` [GB]."""
    return GP3_BASELINE_LARGE if storage_gb >= GP3_BASELINE_THRESHOLD_GB else GP3_BASELINE_SMALL


def free_backup_gb(storage_gb: float, read_replicas: int) -> float:
    """Backup storage AWS does not charge [GB]: 100% of all database storage in the region,
    the primary's and each read replica's (``storage_gb`` per instance)."""
    return storage_gb * (1 + read_replicas)


def _instance(
    spec: dict,
    region: str,
    hours: float,
    *,
    name: str,
    role: str,
    category: cat.Category,
    instance_class: str,
    multi_az: bool,
) -> list[dict]:
    deployment = "Multi-AZ" if multi_az else "Single-AZ"
    maz = "Multi-AZ-" if multi_az else ""
    storage = spec["storage_gb"]
    base_iops, base_tput = gp3_baseline(storage)
    extra_iops = max(0.0, spec["iops"] - base_iops)
    extra_tput = max(0.0, spec["throughput_mibps"] - base_tput)
    # Replicas' storage is its own category: priced apart from the primary's (Single- vs
    # Multi-AZ), so that each reconciliation line has one unit price.
    storage_cat, iops_cat, tput_cat = STORAGE_CATEGORIES[role]

    def item(comp: str, category: cat.Category, base: str, unit: str, qty: float, **kw) -> dict:
        return component(
            service=CE_RDS,
            service_code="AmazonRDS",
            resource=name,
            component=comp,
            category=category,
            usage_type=base,
            unit=unit,
            quantity=qty,
            region=region,
            **kw,
        )

    items = [
        item(
            f"{role} instance (on-demand, {deployment}, {instance_class})",
            category,
            rds_instance_hours(region, instance_class, multi_az),
            "Hrs",
            hours,
            operation="CreateDBInstance:0014",
        ),
        item(
            f"Storage (gp3, {deployment})",
            storage_cat,
            usage_type(region, f"RDS:{maz}GP3-Storage", prefixed_in_us_east_1=True),
            "GB-Mo",
            storage,
        ),
    ]
    if extra_iops > 0:
        items.append(
            item(
                f"Provisioned IOPS above the {base_iops:,} baseline (gp3, {deployment})",
                iops_cat,
                usage_type(region, f"RDS:{maz}GP3-PIOPS", prefixed_in_us_east_1=True),
                "IOPS-Mo",
                extra_iops,
            )
        )
    if extra_tput > 0:
        items.append(
            item(
                f"Throughput above the {base_tput} MiB/s baseline (gp3, {deployment})",
                tput_cat,
                usage_type(region, f"RDS:{maz}GP3-Throughput", prefixed_in_us_east_1=True),
                "MiBps-Mo",
                extra_tput,
            )
        )
    return items


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of an RDS PostgreSQL primary, its read replicas and its backups.

    Parameters
    ----------
    spec : dict
        The ``rds`` section: ``instance_class``, ``multi_az``, ``read_replicas``
        [instances], ``storage_gb`` [GB per instance], ``iops`` [IOPS], ``throughput_mibps``
        [MiB/s], ``backup_storage_gb`` [GB].
    region : str
    hours : float
        Hours in the month [h].

    Notes
    -----
    Each read replica is its own instance with its own storage and IOPS (AWS bills
    replicas as standard DB instances). Backup storage is free up to 100% of the total
    database storage in the region, the primary's and every replica's (AWS RDS pricing,
    "Backup Storage"); only the excess is charged.
    """
    items = _instance(
        spec,
        region,
        hours,
        name=names.RDS_PRIMARY,
        role="Primary",
        category=cat.RDS_PRIMARY,
        instance_class=spec["instance_class"],
        multi_az=spec["multi_az"],
    )
    replica_class = spec["replica_instance_class"] or spec["instance_class"]
    for i in range(1, spec["read_replicas"] + 1):
        items += _instance(
            spec,
            region,
            hours,
            name=names.rds_replica(i),
            role="Read replica",
            category=cat.RDS_READ_REPLICAS,
            instance_class=replica_class,
            multi_az=spec["replica_multi_az"],
        )
    allowance = free_backup_gb(spec["storage_gb"], spec["read_replicas"])
    charged_backup = max(0.0, spec["backup_storage_gb"] - allowance)
    items.append(
        component(
            service=CE_RDS,
            service_code="AmazonRDS",
            resource=names.RDS_PRIMARY,
            # static label, so that what-ifs diff the same line; the allowance is in the docstring
            component="Backup storage beyond the free allowance (100% of all database storage)",
            category=cat.RDS_BACKUP,
            usage_type=usage_type(region, "RDS:ChargedBackupUsage", prefixed_in_us_east_1=False),
            unit="GB-Mo",
            quantity=charged_backup,
            region=region,
        )
    )
    return items
