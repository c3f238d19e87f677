"""Amazon MSK (provisioned, standard brokers): broker hours, storage, storage throughput."""

from __future__ import annotations

from costmodel import categories as cat
from costmodel import resources as names
from costmodel.errors import InputError
from costmodel.service_names import CE_MSK
from costmodel.services._items import component
from costmodel.usage_types import usage_type

# Provisioned storage throughput needs kafka.m5.4xlarge / m7g.4xlarge or larger (AWS MSK
# Developer Guide, "Provision storage throughput").
PST_ELIGIBLE = {
    "kafka.m5.4xlarge",
    "kafka.m5.8xlarge",
    "kafka.m5.12xlarge",
    "kafka.m5.16xlarge",
    "kafka.m5.24xlarge",
}


def components(spec: dict, region: str, hours: float) -> list[dict]:
    """Line items of an MSK cluster.

    Parameters
    ----------
    spec : dict
        The ``msk`` section: ``broker_type``, ``broker_count`` [brokers], ``storage_gb``
        [GB per broker], ``provisioned_throughput_mibps`` [MiB/s per broker].
    region : str
    hours : float
        Hours in the month [h].
    """
    broker = spec["broker_type"]
    family_size = broker.removeprefix("kafka.")
    items = [
        component(
            service=CE_MSK,
            service_code="AmazonMSK",
            resource=names.MSK_CLUSTER,
            component=f"Broker instances ({broker})",
            category=cat.MSK_BROKERS,
            usage_type=usage_type(region, f"Kafka.{family_size}", prefixed_in_us_east_1=True),
            unit="Hrs",
            quantity=spec["broker_count"] * hours,
            region=region,
        ),
        component(
            service=CE_MSK,
            service_code="AmazonMSK",
            resource=names.MSK_CLUSTER,
            component="Broker storage",
            category=cat.MSK_STORAGE,
            usage_type=usage_type(region, "Kafka.Storage.GP2", prefixed_in_us_east_1=True),
            unit="GB-Mo",
            quantity=spec["broker_count"] * spec["storage_gb"],
            region=region,
        ),
    ]
    if spec["provisioned_throughput_mibps"] > 0:
        if broker not in PST_ELIGIBLE:
            raise InputError(
                f"msk.provisioned_throughput_mibps needs kafka.m5.4xlarge or larger, not {broker}"
            )
        items.append(
            component(
                service=CE_MSK,
                service_code="AmazonMSK",
                resource=names.MSK_CLUSTER,
                component="Provisioned storage throughput",
                category=cat.MSK_STORAGE,
                usage_type=usage_type(region, "Kafka.Storage.Throughput", prefixed_in_us_east_1=True),
                unit="MiBps-Mo",
                quantity=spec["broker_count"] * spec["provisioned_throughput_mibps"],
                region=region,
            )
        )
    return items
