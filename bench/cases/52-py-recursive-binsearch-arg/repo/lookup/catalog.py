"""A product catalog kept sorted by SKU."""
from lookup.search import binsearch


class Catalog:
    def __init__(self, products: dict[int, str]):
        self.skus = sorted(products)
        self.names = [products[sku] for sku in self.skus]

    def name(self, sku: int) -> str | None:
        i = binsearch(self.skus, sku)
        return None if i < 0 else self.names[i]
