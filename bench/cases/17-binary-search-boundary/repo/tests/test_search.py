from search import find_index, has_release

ITEMS = [1, 3, 5, 7, 9, 11]


def test_middle():
    assert find_index(ITEMS, 5) == 2


def test_missing():
    assert find_index(ITEMS, 4) == -1
    assert find_index([], 4) == -1


def test_every_element_found():
    assert [find_index(ITEMS, x) for x in ITEMS] == list(range(len(ITEMS)))


def test_single_release():
    assert has_release([(1, 0, 0)], (1, 0, 0))
