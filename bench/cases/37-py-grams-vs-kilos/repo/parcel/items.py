"""Catalogue items: each weight is stored in grams."""

CATALOGUE = {
    "mug": 350,
    "teapot": 1200,
    "kettle": 1800,
    "spoon": 40,
}


def item_grams(sku: str) -> int:
    return CATALOGUE[sku]
