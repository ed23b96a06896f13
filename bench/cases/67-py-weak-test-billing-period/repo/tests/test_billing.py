from billing import billable

RECORDS = [("2024-02-20", 4), ("2024-03-01", 7), ("2024-03-15", 2), ("2024-04-01", 5)]


def test_nothing_outside_the_period():
    assert billable(RECORDS, "2024-06-01", "2024-07-01") == []


def test_every_record_of_march_is_billed():
    assert len(billable(RECORDS, "2024-03-01", "2024-04-01")) == 2
