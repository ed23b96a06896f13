import pytest

from paginator import InvalidPage, Paginator


@pytest.mark.parametrize("count, per_page, pages", [(0, 10, 0), (1, 10, 1), (10, 10, 1), (11, 10, 2), (25, 10, 3),
                                                     (7, 3, 3), (6, 3, 2)])
def test_pages_rounds_up(count, per_page, pages):
    assert Paginator(range(count), per_page).pages == pages


def test_every_item_is_on_exactly_one_page():
    p = Paginator(range(23), 5)
    assert list(p.page_range) == [1, 2, 3, 4, 5]
    assert [x for n in p.page_range for x in p.page(n).items] == list(range(23))
    assert p.page(5).has_next() is False and p.page(4).has_next() is True


def test_pages_outside_the_range_are_refused():
    p = Paginator(range(23), 5)
    for number in (0, 6, -1):
        with pytest.raises(InvalidPage):
            p.page(number)
