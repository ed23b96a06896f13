from report import latency_report
from stats import percentile


def test_single_value():
    assert percentile([7.0], 90) == 7.0


def test_median_of_an_even_count():
    assert percentile([1, 2, 3, 4], 50) == 2.5


def test_report():
    assert latency_report([10, 20, 30, 40, 50]) == {"p50": 30, "p90": 46.0, "max": 50}
