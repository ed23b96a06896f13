"""A fixed-size grid for a tile map editor."""


class Grid:
    def __init__(self, rows: int, cols: int, fill=0):
        self.rows, self.cols = rows, cols
        self.cells = [[fill] * cols] * rows

    def set(self, row: int, col: int, value) -> None:
        self.cells[row][col] = value

    def get(self, row: int, col: int):
        return self.cells[row][col]

    def count(self, value) -> int:
        return sum(row.count(value) for row in self.cells)
