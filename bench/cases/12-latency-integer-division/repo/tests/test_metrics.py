from metrics import error_rate, mean_latency_ms, summary


def test_empty():
    assert mean_latency_ms([]) == 0.0


def test_mean_keeps_fraction():
    assert mean_latency_ms([10, 11, 12, 14]) == 11.75


def test_error_rate():
    assert error_rate(1, 8) == 0.125


def test_summary():
    assert summary([1, 2], 1) == {"requests": 2, "mean_ms": 1.5, "error_rate": 0.5}
