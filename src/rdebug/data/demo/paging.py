"""Split the invoice list into pages for the customer portal."""
import math


class PageOutOfRange(Exception):
    """A page number below 1 or past the last page."""


def page(rows: list, number: int, size: int = 10) -> list:
    """The rows on page `number` (1-based); the last page may be shorter than `size`."""
    if size < 1:
        raise ValueError("page size must be at least 1")
    pages = math.ceil(len(rows) / size)
    if not 1 <= number < pages:
        raise PageOutOfRange(f"page {number} of {pages}")
    start = (number - 1) * size
    return rows[start:start + size]
