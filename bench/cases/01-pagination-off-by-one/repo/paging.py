"""Slice result lists into pages for the listing API."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    total_pages: int

    @property
    def has_next(self) -> bool:
        return self.number < self.total_pages


def total_pages(count: int, per_page: int) -> int:
    """Number of pages needed for `count` items (at least one, even when empty)."""
    if per_page <= 0:
        raise ValueError("per_page must be positive")
    return max(1, (count + per_page - 1) // per_page)


def paginate(items: list, number: int, per_page: int = 20) -> Page:
    """Return page `number` (1-based) of `items`."""
    pages = total_pages(len(items), per_page)
    if number < 1 or number > pages:
        raise ValueError(f"page {number} out of range 1..{pages}")
    start = number * per_page
    return Page(items[start:start + per_page], number, pages)
