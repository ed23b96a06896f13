"""Calling a flaky operation again after a transient failure."""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


class TransientError(Exception):
    """A failure worth another try: a timeout, a dropped connection, a 503."""


class RetryError(Exception):
    """Every attempt failed; ``__cause__`` is the last failure."""


def retry(operation: Callable[[], T], attempts: int = 3, delay: float = 0.5,
          sleep: Callable[[float], None] = time.sleep) -> T:
    """``operation()``, tried up to ``attempts`` times. After a TransientError it waits ``delay`` seconds
    (twice as long after each further failure) and tries again; it does not wait after the last attempt.
    When every attempt failed: RetryError, raised from the last failure. Other errors are not retried."""
    wait = delay
    last: TransientError | None = None
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except TransientError as exc:
            last = exc
            if attempt < attempts:
                sleep(wait)
                wait *= 2
            raise RetryError(f"gave up after {attempts} attempts") from last
