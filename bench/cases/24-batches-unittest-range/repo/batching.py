"""Split work into batches for the bulk API."""


def batches(items: list, size: int) -> list[list]:
    """Consecutive slices of at most `size` items; the last may be shorter."""
    if size < 1:
        raise ValueError("size must be positive")
    return [items[i:i + size] for i in range(0, len(items) - size, size)]


def batch_count(total: int, size: int) -> int:
    return -(-total // size)
