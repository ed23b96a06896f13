import pytest

from catalog import listing

PRODUCTS = [{"name": f"item-{i:02d}"} for i in range(25)]


def test_first_page_is_full():
    assert listing(PRODUCTS, 1) == [f"item-{i:02d}" for i in range(10)]


def test_last_page_holds_the_rest():
    assert listing(PRODUCTS, 3) == ["item-20", "item-21", "item-22", "item-23", "item-24"]


def test_no_page_after_the_last():
    with pytest.raises(IndexError):
        listing(PRODUCTS[:20], 3)
