"""Numeric range helpers for the volume and brightness sliders."""


def clamp(value: float, low: float, high: float) -> float:
    """`value` limited to the closed range [low, high]."""
    if low > high:
        raise ValueError("low must not exceed high")
    if value < low:
        return low
    if value > high:
        return high
    return low


def rescale(value: float, src: tuple, dst: tuple) -> float:
    """Map `value` from range `src` onto range `dst`, clamping to `dst`."""
    (a, b), (c, d) = src, dst
    return clamp(c + (value - a) * (d - c) / (b - a), min(c, d), max(c, d))
