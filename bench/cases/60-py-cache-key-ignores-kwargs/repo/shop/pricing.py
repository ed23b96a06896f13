"""Prices from the catalogue service (slow: every lookup is a network call, hence the cache)."""

from __future__ import annotations

from shop.cache import memoize

CATALOGUE = {("widget", "EUR"): 10.0, ("widget", "USD"): 11.0, ("gadget", "EUR"): 25.0, ("gadget", "USD"): 27.5}
lookups: list[tuple[str, str]] = []  # every call that reached the catalogue


@memoize
def price_of(sku: str, currency: str = "EUR") -> float:
    lookups.append((sku, currency))
    return CATALOGUE[(sku, currency)]


def quote(items: dict[str, int], currency: str = "EUR") -> float:
    """The total for ``{sku: quantity}`` in ``currency``."""
    return round(sum(price_of(sku, currency=currency) * qty for sku, qty in items.items()), 2)
