"""Plain-text receipts."""

WIDTH = 32


def format_line(name: str, quantity: int, unit_price: float) -> str:
    total = quantity * unit_price
    left = f"{quantity} x {name}"
    right = f"{total:.1f}"
    return f"{left:<{WIDTH - len(right)}}{right}"


def render(lines: list[tuple]) -> str:
    body = [format_line(*line) for line in lines]
    total = sum(q * p for _, q, p in lines)
    footer = f"{'TOTAL':<{WIDTH - 8}}{total:>8.2f}"
    return "\n".join(body + ["-" * WIDTH, footer])
