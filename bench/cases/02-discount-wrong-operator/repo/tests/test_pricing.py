from decimal import Decimal

import pytest

from pricing import apply_discount, line_total


def test_no_discount_keeps_price():
    assert apply_discount(Decimal("19.99"), 0) == Decimal("19.99")


def test_quarter_off():
    assert apply_discount(Decimal("80.00"), 25) == Decimal("60.00")


def test_line_total_with_discount():
    assert line_total(Decimal("9.99"), 3, 10) == Decimal("26.97")


def test_rejects_bad_percent():
    with pytest.raises(ValueError):
        apply_discount(Decimal("10"), 120)
