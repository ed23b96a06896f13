import pytest

from booking.room import Conflict, Room


def test_book_a_free_day_in_any_order():
    room = Room("Orion")
    room.book("09:00-10:00", "ana")
    room.book("13:00-14:00", "ben")
    room.book("11:00-12:00", "cy")
    room.book("10:00-11:00", "dee")  # touches two bookings, overlaps none
    assert room.agenda() == ["ana", "dee", "cy", "ben"]


def test_an_overlapping_booking_is_refused():
    room = Room("Orion")
    room.book("09:00-10:00", "ana")
    with pytest.raises(Conflict):
        room.book("09:30-10:30", "ben")
    assert room.agenda() == ["ana"]
