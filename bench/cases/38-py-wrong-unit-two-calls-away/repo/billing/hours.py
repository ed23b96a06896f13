"""Billable time: each session is rounded up to the next quarter hour."""

import math

from billing.sessions import session_minutes


def quarter_hours(minutes: int) -> int:
    return math.ceil(minutes / 15)


def billable_hours(sessions: list[dict]) -> float:
    return sum(quarter_hours(session_minutes(s)) for s in sessions) / 4
