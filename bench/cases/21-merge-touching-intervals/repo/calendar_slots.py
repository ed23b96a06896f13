"""Busy-time computation for a meeting planner. Times are minutes since midnight."""


def merge_slots(slots: list[tuple]) -> list[tuple]:
    """Merge overlapping or touching (start, end) slots into disjoint busy blocks."""
    merged = []
    for start, end in sorted(slots):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def free_slots(busy: list[tuple], day_start: int, day_end: int) -> list[tuple]:
    free, cursor = [], day_start
    for start, end in merge_slots(busy):
        if start > cursor:
            free.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < day_end:
        free.append((cursor, day_end))
    return free
