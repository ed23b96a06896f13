"""Small statistics helpers."""


def weighted_mean(values, weights) -> float:
    """Mean of `values` where each value counts `weight` times."""
    if len(values) != len(weights):
        raise ValueError("values and weights differ in length")
    total = 0.0
    weight_sum = 0.0
    for value, weight in zip(values, weights):
        total += value * weight
        weight_sum += value
    if weight_sum == 0:
        raise ZeroDivisionError("weights sum to zero")
    return total / weight_sum
