"""Falling-block pieces and their rotations."""

from grid import rotate_clockwise

PIECES = {
    "L": [[1, 0], [1, 0], [1, 1]],
    "T": [[1, 1, 1], [0, 1, 0]],
}


def rotated(name: str, turns: int) -> list[list[int]]:
    """Piece ``name`` after ``turns`` quarter turns clockwise."""
    shape = PIECES[name]
    for _ in range(turns % 4):
        shape = rotate_clockwise(shape)
    return shape
