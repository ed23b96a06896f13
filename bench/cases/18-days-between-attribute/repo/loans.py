"""Library loans and late fees."""
from datetime import date

LOAN_DAYS = 21
FEE_PER_DAY = 0.25


def days_between(start: date, end: date) -> int:
    return (end - start).seconds // 86400


def late_fee(borrowed: date, returned: date) -> float:
    late = days_between(borrowed, returned) - LOAN_DAYS
    return round(max(0, late) * FEE_PER_DAY, 2)
