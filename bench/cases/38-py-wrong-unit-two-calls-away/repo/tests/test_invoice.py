from billing.hours import quarter_hours
from billing.invoice import invoice_total


def test_quarter_hours_round_up():
    assert quarter_hours(1) == 1
    assert quarter_hours(15) == 1
    assert quarter_hours(16) == 2


def test_no_sessions():
    assert invoice_total([], 80.0) == 0.0


def test_two_sessions():
    sessions = [{"start": "09:00", "end": "10:30"}, {"start": "14:00", "end": "14:20"}]
    assert invoice_total(sessions, 80.0) == 192.0
