from billing.invoice import Line, invoice_total, render

LINES = [Line("pen", 0.125), Line("ink", 2.675), Line("pad", 1.005), Line("clip", 0.5, 4)]


def test_total_rounds_each_line_half_up():
    assert invoice_total(LINES) == 13 + 268 + 101 + 200


def test_rendered_invoice():
    assert render(LINES).splitlines()[-1].split() == ["total", "5.82", "EUR"]


def test_whole_cents_unchanged():
    assert invoice_total([Line("book", 12.5, 2), Line("bag", 0.1, 3)]) == 2530
