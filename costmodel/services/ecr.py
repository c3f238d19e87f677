"""Amazon ECR: storage of the cluster's container images (private repositories)."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel.service_names import CE_ECR
from costmodel.services._items import component
from costmodel.usage_types import usage_type


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Image storage [GB-Mo] of the ``eks`` section's ``ecr_storage_gb`` (``hours`` unused).

    Pulls from the same region are free (AWS ECR pricing); cross-region and internet
    pulls are data transfer, modelled in the ``network`` section.
    """
    if spec.get("ecr_storage_gb", 0) <= 0:
        return []
    return [
        component(
            service=CE_ECR,
            service_code="AmazonECR",
            resource="ecr",
            component="Container image storage (private repositories)",
            category=cat.ECR,
            usage_type=usage_type(region, "TimedStorage-ByteHrs", prefixed_in_us_east_1=True),
            unit="GB-Mo",
            quantity=spec["ecr_storage_gb"],
            region=region,
        )
    ]
