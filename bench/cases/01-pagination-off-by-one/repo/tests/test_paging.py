import pytest

from paging import paginate, total_pages


def test_total_pages_rounds_up():
    assert total_pages(41, 20) == 3
    assert total_pages(0, 20) == 1


def test_first_page():
    page = paginate(list(range(45)), 1, per_page=20)
    assert page.items == list(range(20))
    assert page.has_next


def test_last_page_holds_remainder():
    page = paginate(list(range(45)), 3, per_page=20)
    assert page.items == [40, 41, 42, 43, 44]
    assert not page.has_next


def test_page_out_of_range():
    with pytest.raises(ValueError):
        paginate([1, 2, 3], 2, per_page=5)
