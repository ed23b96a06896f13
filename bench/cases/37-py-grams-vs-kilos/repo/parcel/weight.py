"""Parcel weight from its contents."""

from parcel.items import item_grams

PACKAGING_GRAMS = 150


def package_weight(skus: list[str]) -> float:
    """Weight of the packed parcel in kilograms."""
    grams = sum(item_grams(sku) for sku in skus) + PACKAGING_GRAMS
    return grams
