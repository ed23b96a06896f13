"""Shipping quotes."""
import math

from shop.weights import total_weight

BASE_FEE = 5.0
RATE_PER_KG = 4.0
FREE_SHIPPING_OVER = 200.0


def quote(lines: list[dict], order_value: float = 0.0) -> float:
    """Base fee plus a rate for every started kilogram; free above a threshold."""
    if order_value >= FREE_SHIPPING_OVER:
        return 0.0
    return BASE_FEE + RATE_PER_KG * math.ceil(total_weight(lines))
