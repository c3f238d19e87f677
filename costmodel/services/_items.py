"""The component row the service models emit (names come from service_names and usage_types).

A *component* is an unpriced line item: what is used (service, usage type, unit,
quantity per month) and the catalog key to price it with. ``estimate`` prices all
components of an architecture in one vectorized call.
"""

from __future__ import annotations

from costmodel.categories import Category

ON_DEMAND = "on_demand"


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
