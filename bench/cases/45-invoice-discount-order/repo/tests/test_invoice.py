from invoice import Line, invoice_total, subtotal

LINES = [Line("widget", 4, 25.0), Line("gadget", 1, 100.0)]


def test_subtotal():
    assert subtotal(LINES) == 200.0


def test_no_discount():
    assert invoice_total(LINES, 0, 0.1) == 220.0


def test_discount_before_tax():
    assert invoice_total(LINES, 50, 0.1) == 165.0
