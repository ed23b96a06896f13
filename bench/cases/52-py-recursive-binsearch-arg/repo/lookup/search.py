"""Recursive binary search over a sorted list."""


def binsearch(xs: list, target, lo: int = 0, hi: int | None = None) -> int:
    """Index of ``target`` in ``xs[lo:hi]`` (sorted ascending), or -1."""
    if hi is None:
        hi = len(xs)
    if lo >= hi:
        return -1
    mid = (lo + hi) // 2
    if xs[mid] == target:
        return mid
    if xs[mid] < target:
        return binsearch(xs, target, mid, hi)
    return binsearch(xs, target, lo, mid)
