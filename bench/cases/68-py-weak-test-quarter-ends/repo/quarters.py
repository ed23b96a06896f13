"""Calendar quarters for the reports: Q1 is January to March, Q2 April to June, Q3 July to September and Q4
October to December."""

from datetime import date

MONTHS_PER_QUARTER = 3


def quarter(month):
    """The quarter (1 to 4) of ``month`` (1 to 12): months 1, 2 and 3 are all in Q1, 10, 11 and 12 in Q4."""
    return month // MONTHS_PER_QUARTER + 1


def quarter_label(day):
    """How the reports name the quarter of the date ``day``: "2024-Q1"."""
    return f"{day.year}-Q{quarter(day.month)}"


def quarter_start(day):
    """The first day of the quarter that the date ``day`` falls in."""
    return date(day.year, (quarter(day.month) - 1) * MONTHS_PER_QUARTER + 1, 1)


def same_quarter(a, b):
    """Whether the two dates fall in the same quarter of the same year."""
    return a.year == b.year and quarter(a.month) == quarter(b.month)
