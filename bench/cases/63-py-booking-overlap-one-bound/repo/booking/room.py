"""A room's bookings for one day."""

from __future__ import annotations

from booking.slots import Slot, overlaps


class Conflict(Exception):
    pass


class Room:
    def __init__(self, name: str) -> None:
        self.name = name
        self.bookings: list[tuple[Slot, str]] = []

    def book(self, when: str, who: str) -> Slot:
        """Book ``when`` ("HH:MM-HH:MM") for ``who``; Conflict when it overlaps an existing booking."""
        slot = Slot.parse(when)
        for taken, owner in self.bookings:
            if overlaps(slot, taken):
                raise Conflict(f"{self.name} {when} overlaps {owner}'s booking")
        self.bookings.append((slot, who))
        return slot

    def agenda(self) -> list[str]:
        return [who for _, who in sorted(self.bookings, key=lambda b: b[0].start)]
