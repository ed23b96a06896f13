import pytest

from ranges import clamp, rescale


def test_below_and_above():
    assert clamp(-3, 0, 10) == 0
    assert clamp(42, 0, 10) == 10


def test_inside_range():
    assert clamp(7, 0, 10) == 7


def test_rescale():
    assert rescale(50, (0, 100), (0, 1)) == 0.5


def test_bad_range():
    with pytest.raises(ValueError):
        clamp(1, 5, 0)
