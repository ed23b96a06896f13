import pytest

from client import fetch_all
from fetcher import TransientError


class FlakySource:
    """Fails ``failures`` times for each key before answering."""

    def __init__(self, failures):
        self.failures = failures
        self.calls = 0

    def get(self, key):
        self.calls += 1
        if self.calls <= self.failures:
            raise TransientError(key)
        return key.upper()


def test_no_failures():
    assert fetch_all(FlakySource(0), ["a", "b"]) == {"a": "A", "b": "B"}


def test_retries_until_it_answers():
    source = FlakySource(2)
    assert fetch_all(source, ["a"], retries=2) == {"a": "A"}
    assert source.calls == 3


def test_no_retry_by_default():
    source = FlakySource(1)
    with pytest.raises(TransientError):
        fetch_all(source, ["a"])
    assert source.calls == 1
