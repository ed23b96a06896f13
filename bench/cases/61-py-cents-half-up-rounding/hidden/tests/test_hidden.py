import pytest

from billing.invoice import Line, invoice_total
from billing.money import to_cents


@pytest.mark.parametrize("amount, cents", [
    (0.125, 13), (2.675, 268), (1.005, 101), (19.995, 2000), (0.005, 1), (0.004, 0), (0.015, 2),
    (8.345, 835), (0.145, 15), (0.285, 29), (1234567.125, 123456713), (10.0, 1000), (0.0, 0),
])
def test_half_a_cent_rounds_up(amount, cents):
    assert to_cents(amount) == cents
    assert isinstance(to_cents(amount), int)


@pytest.mark.parametrize("amount, cents", [(-0.125, -13), (-2.675, -268), (-0.004, 0), (-0.145, -15), (-19.995, -2000)])
def test_refunds_round_away_from_zero(amount, cents):
    assert to_cents(amount) == cents


def test_credit_note_total():
    assert invoice_total([Line("refund", -0.125, 1), Line("fee", 0.335, 1)]) == -13 + 34
