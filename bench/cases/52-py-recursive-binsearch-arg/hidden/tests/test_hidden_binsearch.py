import itertools

import pytest

from lookup.search import binsearch


@pytest.mark.parametrize("n", range(0, 9))
def test_every_value_and_every_gap(n):
    xs = [10 * i for i in range(n)]
    for i, x in enumerate(xs):
        assert binsearch(xs, x) == i
    for missing in itertools.chain([-5], (x + 5 for x in xs)):
        assert binsearch(xs, missing) == -1


def test_a_sub_range():
    xs = [1, 3, 5, 7, 9, 11]
    assert binsearch(xs, 7, 2, 5) == 3
    assert binsearch(xs, 11, 0, 5) == -1
    assert binsearch(xs, 1, 1) == -1
    assert binsearch(xs, 8, 1, 6) == -1


def test_duplicates_find_one_of_them():
    xs = [2, 2, 2, 4, 4, 9]
    assert xs[binsearch(xs, 2)] == 2 and xs[binsearch(xs, 4)] == 4
    assert binsearch(xs, 5) == -1
