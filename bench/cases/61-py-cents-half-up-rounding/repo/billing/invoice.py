"""Invoice lines and totals."""

from __future__ import annotations

from dataclasses import dataclass

from billing.money import format_cents, to_cents


@dataclass(frozen=True)
class Line:
    item: str
    unit_price: float  # euros
    quantity: int = 1


def line_cents(line: Line) -> int:
    """A line's amount, rounded to cents on its own (as printed on the invoice)."""
    return to_cents(line.unit_price * line.quantity)


def invoice_total(lines: list[Line]) -> int:
    """The invoice's total in cents: the sum of its rounded lines."""
    return sum(line_cents(line) for line in lines)


def render(lines: list[Line]) -> str:
    rows = [f"{line.item:<10}{format_cents(line_cents(line)):>14}" for line in lines]
    return "\n".join([*rows, f"{'total':<10}{format_cents(invoice_total(lines)):>14}"])
