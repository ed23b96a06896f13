"""Grids as lists of rows."""


def transpose(rows: list[list]) -> list[list]:
    """Rows become columns."""
    return [list(column) for column in zip(*rows)]


def rotate_clockwise(rows: list[list]) -> list[list]:
    """The grid turned a quarter turn clockwise: the first column, read bottom to top, becomes the first row."""
    return transpose(rows)
