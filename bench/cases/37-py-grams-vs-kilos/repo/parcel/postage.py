"""Postage prices by weight tier."""

from parcel.weight import package_weight

TIERS = [  # (up to this many kilograms, price)
    (2.0, 4.5),
    (10.0, 9.0),
    (30.0, 21.0),
]
FREIGHT = 60.0


def tier_price(kilos: float) -> float:
    for limit, price in TIERS:
        if kilos <= limit:
            return price
    return FREIGHT


def postage(skus: list[str]) -> float:
    return tier_price(package_weight(skus))
