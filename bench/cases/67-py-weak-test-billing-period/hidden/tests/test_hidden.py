from billing import billable, invoice_line, total_units

RECORDS = [("2024-02-20", 4), ("2024-03-01", 7), ("2024-03-15", 2), ("2024-04-01", 5)]
MAR, APR, MAY = "2024-03-01", "2024-04-01", "2024-05-01"


def test_the_start_day_counts_and_the_end_day_does_not():
    assert billable(RECORDS, MAR, APR) == [("2024-03-01", 7), ("2024-03-15", 2)]


def test_a_record_on_the_boundary_is_billed_once_in_the_next_period():
    assert billable(RECORDS, APR, MAY) == [("2024-04-01", 5)]
    assert total_units(RECORDS, MAR, APR) + total_units(RECORDS, APR, MAY) == 14


def test_invoice_line():
    assert invoice_line(RECORDS, MAR, APR, 1.5) == "2024-03-01 to 2024-04-01: 9 units, 13.50"
