import itertools

import pytest

from booking.room import Conflict, Room
from booking.slots import Slot, overlaps

CASES = [
    ((540, 600), (600, 660), False),  # touching
    ((540, 600), (700, 760), False),  # apart
    ((540, 600), (570, 630), True),  # crossing
    ((540, 700), (570, 630), True),  # one inside the other
    ((540, 600), (540, 600), True),  # the same
    ((540, 541), (540, 600), True),  # one minute in common
    ((599, 600), (540, 600), True),
]


@pytest.mark.parametrize("a, b, expected", CASES)
def test_overlap_both_ways(a, b, expected):
    assert overlaps(Slot(*a), Slot(*b)) is expected
    assert overlaps(Slot(*b), Slot(*a)) is expected


def test_every_order_of_a_full_day_books():
    slots = ["08:00-09:00", "09:00-10:30", "10:30-12:00", "13:00-14:00", "14:00-17:00"]
    for order in itertools.permutations(slots):
        room = Room("Vega")
        for i, when in enumerate(order):
            room.book(when, str(i))
        assert len(room.bookings) == 5


def test_a_booking_inside_another_is_refused():
    room = Room("Vega")
    room.book("13:00-14:00", "late")
    room.book("09:00-12:00", "long")
    with pytest.raises(Conflict):
        room.book("10:00-10:30", "short")
    with pytest.raises(Conflict):
        room.book("08:00-13:30", "wide")
