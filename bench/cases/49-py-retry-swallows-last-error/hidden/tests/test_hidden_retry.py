import pytest

from net.retry import TransientError, retry


def failing(times: int, then="ok"):
    calls = []

    def operation():
        calls.append(len(calls) + 1)
        if len(calls) <= times:
            raise TransientError(f"failure {len(calls)}")
        return then

    return operation, calls


def test_first_success_calls_once():
    op, calls = failing(0)
    assert retry(op) == "ok" and calls == [1]


def test_success_on_the_last_attempt():
    op, calls = failing(2)
    assert retry(op, attempts=3) == "ok" and calls == [1, 2, 3]


@pytest.mark.parametrize("attempts", [1, 2, 4])
def test_every_attempt_failing_raises_the_last_error(attempts):
    op, calls = failing(10)
    with pytest.raises(TransientError) as info:
        retry(op, attempts=attempts)
    assert str(info.value) == f"failure {attempts}"
    assert calls == list(range(1, attempts + 1))


def test_a_falsy_result_is_returned_not_retried():
    op, calls = failing(0, then=None)
    assert retry(op) is None and calls == [1]


def test_other_errors_are_not_retried():
    calls = []

    def broken():
        calls.append(1)
        raise KeyError("config")

    with pytest.raises(KeyError):
        retry(broken, attempts=5)
    assert calls == [1]
