"""The shop's product listing, one page at a time."""

from paginator import Paginator


def listing(products, number, per_page=10):
    """The names of the products on listing page ``number``, sorted by name."""
    names = sorted(p["name"] for p in products)
    return Paginator(names, per_page).page(number).items
