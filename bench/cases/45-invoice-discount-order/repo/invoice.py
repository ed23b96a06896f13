"""Invoice totals: line items, a fixed discount, then sales tax."""

from dataclasses import dataclass


@dataclass
class Line:
    description: str
    quantity: int
    unit_price: float


def subtotal(lines: list[Line]) -> float:
    return sum(line.quantity * line.unit_price for line in lines)


def invoice_total(lines: list[Line], discount: float, tax_rate: float) -> float:
    """The amount due: the discount comes off the subtotal, then tax is charged on what is left."""
    taxed = subtotal(lines) * (1 + tax_rate)
    return round(taxed - discount, 2)
