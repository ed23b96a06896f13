"""Warehouse stock: units on hand, and units reserved for orders not shipped yet."""


class Stock:
    def __init__(self) -> None:
        self.on_hand: dict[str, int] = {}
        self.reserved: dict[str, int] = {}

    def add(self, sku: str, qty: int) -> None:
        self.on_hand[sku] = self.on_hand.get(sku, 0) + qty

    def available(self, sku: str) -> int:
        """Units that can still be promised to a new order."""
        return self.on_hand.get(sku, 0) - self.reserved.get(sku, 0)

    def reserve(self, sku: str, qty: int) -> None:
        if qty > self.available(sku):
            raise ValueError(f"only {self.available(sku)} of {sku} available")
        self.reserved[sku] = self.reserved.get(sku, 0) + qty

    def ship(self, sku: str, qty: int) -> None:
        """Ship reserved units: they leave the shelf and their reservation ends."""
        if qty > self.reserved.get(sku, 0):
            raise ValueError(f"only {self.reserved.get(sku, 0)} of {sku} reserved")
        self.on_hand[sku] -= qty
