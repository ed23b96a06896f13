from datetime import date

from quarters import quarter, quarter_label, quarter_start, same_quarter


def test_every_month():
    assert [quarter(month) for month in range(1, 13)] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]


def test_the_first_day_of_the_year_is_in_q1():
    assert quarter_label(date(2025, 1, 1)) == "2025-Q1"


def test_quarter_start():
    assert quarter_start(date(2024, 5, 20)) == date(2024, 4, 1)
    assert quarter_start(date(2024, 1, 2)) == date(2024, 1, 1)


def test_same_quarter():
    assert same_quarter(date(2024, 1, 5), date(2024, 3, 31))
    assert not same_quarter(date(2024, 3, 31), date(2024, 4, 1))
