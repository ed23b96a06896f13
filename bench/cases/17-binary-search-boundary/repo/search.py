"""Lookups in sorted release lists."""


def find_index(items: list, target) -> int:
    """Index of `target` in the ascending list `items`, or -1."""
    lo, hi = 0, len(items) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def has_release(versions: list, version: tuple) -> bool:
    return find_index(versions, version) >= 0
