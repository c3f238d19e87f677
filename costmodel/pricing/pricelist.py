"""Parsers for the AWS Price List formats, producing catalog rows.

* GetProducts ``PriceList`` items (boto3 ``pricing.get_products``): each item is a JSON
  string with ``product.attributes``, ``terms.OnDemand`` / ``terms.Reserved`` ->
  ``priceDimensions`` (``unit``, ``beginRange``/``endRange``, ``pricePerUnit.USD``) and, for
  reserved terms, ``termAttributes`` (LeaseContractLength, PurchaseOption, OfferingClass).
* Bulk offer CSV files (``/offers/v1.0/aws/<offer>/.../index.csv``): five metadata lines,
  then a header; standard offers have TermType / PricePerUnit columns, Savings Plans
  offers have DiscountedRate / DiscountedUsageType columns.

Rows come out with every column of :data:`~costmodel.pricing.catalog.SNAPSHOT_COLUMNS`
as strings, status ``api`` and the publication date as provenance.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from costmodel.architecture import regions
from costmodel.data_files import read_text
from costmodel.errors import InputError
from costmodel.inputs import load_json
from costmodel.pricing.catalog import SNAPSHOT_COLUMNS, validate_rows

UPFRONT_UNITS = {"Quantity"}


def _region_of(attributes: dict) -> str:
    if attributes.get("regionCode"):
        return attributes["regionCode"]
    location = attributes.get("location", "")
    table = regions()
    match = table.loc[table["location"] == location, "region"]
    if len(match):
        return str(match.iloc[0])
    return "global" if attributes.get("locationType") != "AWS Region" else location


def _row(**values: str) -> dict:
    row = dict.fromkeys(SNAPSHOT_COLUMNS, "")
    row.update({k: ("" if v is None else str(v)) for k, v in values.items()})
    return row


def _range(value: Any, default: str) -> str:
    return default if value in (None, "") else str(value)


def parse_get_products_item(item: str | dict, *, retrieved: str, source: str) -> list[dict]:
    """Catalog rows of one GetProducts ``PriceList`` element (a JSON string or a dict).

    Raises
    ------
    InputError
        The item lacks ``product.attributes`` or a price is not in USD.
    """
    data = load_json(item, source) if isinstance(item, str) else item
    try:
        product = data["product"]
        attributes = product["attributes"]
        terms = data.get("terms", {})
    except (KeyError, TypeError):
        raise InputError(f"{source}: a PriceList item lacks product.attributes") from None
    sku = product.get("sku", "")
    common = {
        "service_code": data.get("serviceCode") or attributes.get("servicecode", ""),
        "region": _region_of(attributes),
        "sku": sku,
        "usage_type": attributes.get("usagetype", ""),
        "operation": attributes.get("operation", ""),
        "instance_type": attributes.get("instanceType", ""),
        "deployment_option": attributes.get("deploymentOption", ""),
        "engine": attributes.get("databaseEngine") or attributes.get("cacheEngine", ""),
    }
    rows = []
    for term_type in ("OnDemand", "Reserved"):
        for offer in terms.get(term_type, {}).values():
            term_attributes = offer.get("termAttributes", {})
            for dimension in offer.get("priceDimensions", {}).values():
                prices = dimension.get("pricePerUnit", {})
                if "USD" not in prices:
                    raise InputError(
                        f"{source}: SKU {sku} rate {dimension.get('rateCode')} is priced in "
                        f"{', '.join(prices) or 'no currency'}, expected USD"
                    )
                unit = dimension.get("unit", "")
                rows.append(
                    _row(
                        **common,
                        term_type=term_type,
                        lease_contract_length=term_attributes.get("LeaseContractLength", ""),
                        offering_class=term_attributes.get("OfferingClass", ""),
                        purchase_option=term_attributes.get("PurchaseOption", ""),
                        price_dimension="upfront" if unit in UPFRONT_UNITS else "usage",
                        unit=unit,
                        begin_range=_range(dimension.get("beginRange"), "0"),
                        end_range=_range(dimension.get("endRange"), "Inf"),
                        price_usd=prices["USD"],
                        effective_date=str(offer.get("effectiveDate", ""))[:10],
                        retrieved=retrieved,
                        source=source,
                        status="api",
                        description=dimension.get("description", ""),
                    )
                )
    return rows


def parse_get_products_response(response: dict, *, retrieved: str, source: str) -> list[dict]:
    """Rows of every item of one GetProducts response page."""
    if "PriceList" not in response:
        raise InputError(f"{source}: not a GetProducts response (no 'PriceList')")
    return [
        row
        for item in response["PriceList"]
        for row in parse_get_products_item(item, retrieved=retrieved, source=source)
    ]


def _lease(length: str, unit: str = "") -> str:
    if length in ("1yr", "3yr", ""):
        return length
    if unit.lower().startswith("year"):
        return f"{length}yr"
    return length


def _savings_plan_row(rec: dict, meta: dict, published: str, retrieved: str, source: str) -> dict:
    """A catalog row of a Savings Plans offer file line (a discounted rate)."""
    return _row(
        service_code=meta["OfferCode"],
        region=rec.get("DiscountedRegionCode", ""),
        sku=rec["SKU"],
        usage_type=rec.get("DiscountedUsageType", ""),
        operation=rec.get("DiscountedOperation", ""),
        instance_type=rec.get("DiscountedInstanceType", ""),
        term_type="SavingsPlan",
        lease_contract_length=_lease(
            rec.get("LeaseContractLength", ""), rec.get("LeaseContractLengthUnit", "")
        ),
        purchase_option=rec.get("PurchaseOption", ""),
        price_dimension="usage",
        unit=rec.get("Unit", ""),
        begin_range="0",
        end_range="Inf",
        price_usd=rec["DiscountedRate"],
        effective_date=rec.get("EffectiveDate", published)[:10],
        retrieved=retrieved,
        source=source,
        status="api",
        description=rec.get("Description", ""),
        note=f"discounts {rec.get('DiscountedServiceCode', '')}",
    )


def _offer_row(rec: dict, meta: dict, published: str, retrieved: str, source: str, where: str) -> dict:
    """A catalog row of a standard offer file line (on-demand or reserved term)."""
    try:
        term_type = rec["TermType"]
        price = rec["PricePerUnit"]
    except KeyError as exc:
        raise InputError(f"{where}: missing column {exc.args[0]!r}") from None
    unit = rec.get("Unit", "")
    return _row(
        service_code=rec.get("serviceCode") or meta["OfferCode"],
        region=rec.get("Region Code")
        or _region_of({"location": rec.get("Location", ""), "locationType": rec.get("Location Type")}),
        sku=rec.get("SKU", ""),
        usage_type=rec.get("usageType", ""),
        operation=rec.get("operation", ""),
        instance_type=rec.get("Instance Type", ""),
        deployment_option=rec.get("Deployment Option", ""),
        engine=rec.get("Database Engine") or rec.get("Cache Engine", ""),
        term_type=term_type,
        lease_contract_length=rec.get("LeaseContractLength", ""),
        offering_class=rec.get("OfferingClass", ""),
        purchase_option=rec.get("PurchaseOption", ""),
        price_dimension="upfront" if unit in UPFRONT_UNITS else "usage",
        unit=unit,
        begin_range=_range(rec.get("StartingRange"), "0"),
        end_range=_range(rec.get("EndingRange"), "Inf"),
        price_usd=price,
        effective_date=rec.get("EffectiveDate", published)[:10],
        retrieved=retrieved,
        source=source,
        status="api",
        description=rec.get("PriceDescription", ""),
    )


def read_bulk_csv(path: str | Path, *, retrieved: str = "") -> pd.DataFrame:
    """Catalog rows of a bulk offer CSV (standard or Savings Plans offer file).

    Returns
    -------
    DataFrame
        Validated catalog rows (see :func:`~costmodel.pricing.catalog.validate_rows`).
    """
    path = Path(path)
    text = read_text(path, "bulk offer")
    lines = text.splitlines()
    meta_rows = list(csv.reader(lines[:5]))
    meta = {r[0]: r[1] for r in meta_rows if len(r) >= 2}
    if "FormatVersion" not in meta or "OfferCode" not in meta:
        raise InputError(
            f"{path.name}: not a bulk offer CSV (expected 5 metadata lines: "
            "FormatVersion, Disclaimer, Publication Date, Version, OfferCode)"
        )
    published = meta.get("Publication Date", "")[:10]
    source = f"AWS Price List bulk {meta['OfferCode']} {meta.get('Version', '')}".strip()
    reader = csv.DictReader(io.StringIO("\n".join(lines[5:])))
    rows = []
    for n, rec in enumerate(reader, start=7):
        where = f"{path.name}, line {n}"
        currency = rec.get("Currency", "USD")
        if currency != "USD":
            raise InputError(f"{where}: price in {currency!r}, expected USD")
        if "DiscountedRate" in rec:  # Savings Plans offer file
            rows.append(_savings_plan_row(rec, meta, published, retrieved, source))
        else:
            rows.append(_offer_row(rec, meta, published, retrieved, source, where))
    return validate_rows(pd.DataFrame(rows, columns=list(SNAPSHOT_COLUMNS)), origin=path.name)
