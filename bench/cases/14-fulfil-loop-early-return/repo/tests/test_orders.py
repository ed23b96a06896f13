from orders import can_fulfil, shortfall

STOCK = {"apple": 10, "pear": 1}


def test_empty_order():
    assert can_fulfil({}, STOCK)


def test_covered():
    assert can_fulfil({"apple": 3, "pear": 1}, STOCK)


def test_second_line_short():
    assert not can_fulfil({"apple": 3, "pear": 5}, STOCK)


def test_shortfall():
    assert shortfall({"apple": 3, "pear": 5, "kiwi": 1}, STOCK) == {"pear": 4, "kiwi": 1}
