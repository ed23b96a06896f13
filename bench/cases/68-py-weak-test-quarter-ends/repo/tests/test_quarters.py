from datetime import date

from quarters import quarter, quarter_label


def test_each_quarter_ends_in_its_quarter():
    # the reports are filed in the last month of each quarter
    assert [quarter(month) for month in (3, 6, 9, 12)] == [1, 2, 3, 4]


def test_label():
    assert quarter_label(date(2025, 12, 31)) == "2025-Q4"
