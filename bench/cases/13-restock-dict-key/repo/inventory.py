"""Stock levels and deliveries."""


def parse_delivery(line: str) -> dict:
    """Parse 'SKU:QTY' into a delivery record."""
    sku, qty = line.split(":")
    return {"sku": sku.strip().upper(), "qty": int(qty)}


def restock(stock: dict, deliveries: list[dict]) -> dict:
    """New stock levels after applying the deliveries (unknown SKUs are added)."""
    updated = dict(stock)
    for delivery in deliveries:
        sku = delivery["sku"]
        updated[sku] = updated.get(sku, 0) + delivery["quantity"]
    return updated
