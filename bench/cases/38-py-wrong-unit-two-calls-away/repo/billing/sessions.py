"""Work sessions: start and end are "HH:MM" strings on the same day."""


def clock_seconds(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def session_minutes(session: dict) -> int:
    """Length of a session in minutes."""
    return clock_seconds(session["end"]) - clock_seconds(session["start"])
