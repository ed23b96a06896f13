import pytest

from profiles import ProfileService
from retry import RetryError, TransientError, retry


class Script:
    """Raises the given errors in turn, then returns "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_every_attempt_failing_raises_retry_error_from_the_last_failure():
    failures = [TransientError(f"t{i}") for i in range(4)]
    op, waits = Script(*failures), []
    with pytest.raises(RetryError) as info:
        retry(op, attempts=4, delay=1.0, sleep=waits.append)
    assert op.calls == 4
    assert info.value.__cause__ is failures[-1]
    assert waits == [1.0, 2.0, 4.0]  # between attempts, not after the last


def test_success_on_the_last_attempt():
    op, waits = Script(TransientError("a"), TransientError("b")), []
    assert retry(op, attempts=3, delay=0.5, sleep=waits.append) == "ok"
    assert (op.calls, waits) == (3, [0.5, 1.0])


def test_one_attempt_means_no_retry_and_no_wait():
    op, waits = Script(TransientError("a")), []
    with pytest.raises(RetryError):
        retry(op, attempts=1, sleep=waits.append)
    assert (op.calls, waits) == (1, [])


def test_other_errors_are_not_retried():
    op, waits = Script(ValueError("bad id")), []
    with pytest.raises(ValueError):
        retry(op, attempts=5, sleep=waits.append)
    assert (op.calls, waits) == (1, [])


def test_service_gives_up_after_its_attempts():
    class Down:
        calls = 0

        def get(self, path):
            Down.calls += 1
            raise TransientError("503")

    with pytest.raises(RetryError):
        ProfileService(Down(), attempts=2, sleep=lambda s: None).profile(1)
    assert Down.calls == 2
