from tickets import group_price, ticket_price


def test_children():
    assert ticket_price(4) == 0
    assert ticket_price(5) == 8
    assert ticket_price(17) == 8


def test_adult():
    assert ticket_price(18) == 14


def test_senior_starts_at_65():
    assert ticket_price(64) == 14
    assert ticket_price(65) == 9


def test_group():
    assert group_price([3, 40, 70]) == 23
