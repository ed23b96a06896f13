"""Splitting a list into numbered pages of a fixed size."""


class InvalidPage(IndexError):
    """A page number outside 1..pages."""


class Page:
    def __init__(self, items, number, paginator):
        self.items = items
        self.number = number
        self.paginator = paginator

    def has_next(self):
        return self.number < self.paginator.pages

    def has_previous(self):
        return self.number > 1

    def __len__(self):
        return len(self.items)


class Paginator:
    """Pages of ``per_page`` items; the last page may hold fewer (at least ``orphans + 1``, else those items
    join the page before it)."""

    def __init__(self, items, per_page=10, orphans=0):
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self.items = list(items)
        self.per_page = per_page
        self.orphans = orphans

    def validate_number(self, number):
        """``number`` as an int, checked against the page count."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise InvalidPage(f"not a page number: {number!r}") from None
        if not 1 <= number <= self.pages:
            raise InvalidPage(f"page {number} out of range 1..{self.pages}")
        return number

    def get_page(self, number):
        """Like ``page()``, but a bad number gives the first or the last page instead of an error."""
        try:
            return self.page(number)
        except InvalidPage:
            return self.page(1 if str(number).strip().lstrip("-").isdigit() and int(number) < 1 else self.pages)

    def page(self, number):
        """Page ``number`` (1-based)."""
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        end = start + self.per_page
        if end + self.orphans >= self.count:
            end = self.count
        return Page(self.items[start:end], number, self)

    def __iter__(self):
        for number in self.page_range:
            yield self.page(number)

    def elided_range(self, number, on_each_side=2, on_ends=1):
        """Page numbers to show around page ``number``, with None for the skipped runs:
        1, None, 4, 5, 6, 7, 8, None, 20."""
        number = self.validate_number(number)
        if self.pages <= (on_each_side + on_ends) * 2:
            return list(self.page_range)
        out = []
        if number > 1 + on_each_side + on_ends + 1:
            out += list(range(1, on_ends + 1)) + [None]
            out += list(range(number - on_each_side, number + 1))
        else:
            out += list(range(1, number + 1))
        if number < self.pages - on_each_side - on_ends - 1:
            out += list(range(number + 1, number + on_each_side + 1)) + [None]
            out += list(range(self.pages - on_ends + 1, self.pages + 1))
        else:
            out += list(range(number + 1, self.pages + 1))
        return out

    @property
    def count(self):
        return len(self.items)

    @property
    def pages(self):
        """How many pages the items fill; the last one may be partly full."""
        return len(self.items) // self.per_page

    @property
    def page_range(self):
        return range(1, self.pages + 1)
