from table import records, rows

STOCK = """name, qty
apple, 3
pear, 5
plum, 7
"""


def test_rows_hold_the_records_in_order():
    assert rows(STOCK) == [["apple", "3"], ["pear", "5"], ["plum", "7"]]


def test_a_single_record():
    assert rows("name, qty\nfig, 1\n") == [["fig", "1"]]


def test_header_only_has_no_rows():
    assert rows("name, qty\n") == []


def test_records_are_keyed_by_column():
    assert records(STOCK)[-1] == {"name": "plum", "qty": "7"}
