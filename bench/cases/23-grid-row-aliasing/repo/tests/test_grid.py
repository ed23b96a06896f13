from grid import Grid


def test_dimensions():
    grid = Grid(3, 4)
    assert grid.count(0) == 12


def test_set_touches_one_cell():
    grid = Grid(3, 4)
    grid.set(1, 2, "wall")
    assert grid.get(1, 2) == "wall"
    assert grid.get(0, 2) == 0
    assert grid.count("wall") == 1
