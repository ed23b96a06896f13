"""Calling a flaky function again when it fails for a passing reason."""


class TransientError(Exception):
    """A failure worth another try (a timeout, a dropped connection)."""


def call_with_retries(func, retries: int = 1):
    """``func()``; after a TransientError it is called again, at most ``retries`` more times."""
    for attempt in range(retries + 1):
        try:
            return func()
        except TransientError:
            if attempt == retries:
                raise
