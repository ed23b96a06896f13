"""Time slots: minutes since midnight, the end not included."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> "Slot":
        """``"09:30-10:15"`` -> ``Slot(570, 615)``."""
        first, second = text.split("-")
        return cls(_minutes(first), _minutes(second))


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.strip().split(":")
    return int(hours) * 60 + int(minutes)


def overlaps(a: Slot, b: Slot) -> bool:
    """Whether the two slots share a minute. Slots that only touch (09:00-10:00 and 10:00-11:00) do not."""
    return a.start < b.end
