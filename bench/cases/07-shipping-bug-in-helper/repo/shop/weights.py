"""Parcel weights for order lines."""


def line_weight(line: dict) -> float:
    """Weight in kg of an order line: unit weight times quantity."""
    return line["unit_weight_kg"]


def total_weight(lines: list[dict]) -> float:
    return sum(line_weight(line) for line in lines)
