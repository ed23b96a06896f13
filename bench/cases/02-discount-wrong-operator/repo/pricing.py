"""Price calculations for the checkout."""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def apply_discount(price: Decimal, percent: int) -> Decimal:
    """Reduce `price` by `percent` percent."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    return to_money(price * (1 + Decimal(percent) / 100))


def line_total(unit_price: Decimal, quantity: int, percent: int = 0) -> Decimal:
    """Total for one cart line after its discount."""
    return apply_discount(unit_price * quantity, percent)
