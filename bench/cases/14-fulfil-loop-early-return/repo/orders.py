"""Decide whether warehouse stock covers an order."""


def can_fulfil(order: dict, stock: dict) -> bool:
    """True when every line of the order (sku -> quantity) is covered by stock."""
    for sku, quantity in order.items():
        if stock.get(sku, 0) < quantity:
            return False
        else:
            return True
    return True


def shortfall(order: dict, stock: dict) -> dict:
    """Missing quantity per SKU."""
    return {sku: q - stock.get(sku, 0) for sku, q in order.items() if stock.get(sku, 0) < q}
