"""Money amounts."""

from __future__ import annotations


def to_cents(amount: float) -> int:
    """``amount`` in euros as whole cents, a half cent rounded away from zero (commercial rounding, as the
    tax office requires): 2.675 -> 268, 0.125 -> 13, -0.125 -> -13."""
    return round(amount * 100)


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros}.{rest:02d} EUR"
