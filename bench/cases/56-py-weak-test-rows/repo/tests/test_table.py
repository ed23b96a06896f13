from table import header, rows

STOCK = """name, qty
apple, 3
pear, 5
plum, 7
"""


def test_header():
    assert header(STOCK) == ["name", "qty"]


def test_one_row_per_record():
    assert len(rows(STOCK)) == 3
