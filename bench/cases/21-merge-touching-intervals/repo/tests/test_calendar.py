from calendar_slots import free_slots, merge_slots


def test_overlapping():
    assert merge_slots([(60, 120), (90, 150)]) == [(60, 150)]


def test_touching_slots_merge():
    assert merge_slots([(600, 660), (540, 600), (720, 750)]) == [(540, 660), (720, 750)]


def test_free_slots():
    assert free_slots([(540, 600), (660, 720)], 480, 1020) == [(480, 540), (600, 660), (720, 1020)]
