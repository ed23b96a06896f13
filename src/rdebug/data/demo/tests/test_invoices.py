from decimal import Decimal

import pytest

from invoices import Invoice
from paging import PageOutOfRange, page


def make_invoices(count: int) -> list[Invoice]:
    invoices = []
    for n in range(1, count + 1):
        invoice = Invoice(f"INV-{n:03}", "Acme")
        invoice.add("consulting", "2", "95.50")
        invoices.append(invoice)
    return invoices


def test_invoice_total():
    invoice = Invoice("INV-001", "Acme")
    invoice.add("design", "1.5", "80")
    invoice.add("review", "0.25", "120")
    assert invoice.subtotal == Decimal("150.00")
    assert invoice.total == Decimal("180.00")


def test_first_page():
    rows = [inv.number for inv in make_invoices(25)]
    assert page(rows, 1) == [f"INV-{n:03}" for n in range(1, 11)]


def test_page_zero_rejected():
    with pytest.raises(PageOutOfRange):
        page(list(range(25)), 0)


def test_last_page_holds_remainder():
    rows = [inv.number for inv in make_invoices(25)]
    assert page(rows, 3) == ["INV-021", "INV-022", "INV-023", "INV-024", "INV-025"]
