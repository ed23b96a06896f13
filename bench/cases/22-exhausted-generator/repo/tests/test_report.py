from csvreport import read_amounts, summary

LINES = ["# date,amount,note", "2024-01-02,12.50,lunch", "", "2024-01-03,7.50,bus", "2024-01-04,5.00,tea"]


def test_read_amounts():
    assert list(read_amounts(LINES)) == [12.5, 7.5, 5.0]


def test_summary():
    assert summary(LINES) == {"count": 3, "total": 25.0, "mean": 8.33}
