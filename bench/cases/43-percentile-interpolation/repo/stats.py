"""Summary statistics for latency samples."""


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100), linearly interpolated between the two closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = p / 100 * (len(ordered) - 1)
    return ordered[int(rank)]
