from datetime import date

from loans import days_between, late_fee


def test_same_day():
    assert days_between(date(2024, 5, 1), date(2024, 5, 1)) == 0


def test_days_across_months():
    assert days_between(date(2024, 1, 30), date(2024, 3, 1)) == 31


def test_on_time_is_free():
    assert late_fee(date(2024, 5, 1), date(2024, 5, 10)) == 0


def test_late_fee():
    assert late_fee(date(2024, 5, 1), date(2024, 6, 1)) == 2.5
