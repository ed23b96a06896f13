"""Metered usage billed by period. A usage record is a pair (day, units), the day an ISO date such as
"2024-03-01" (ISO dates compare as the days they name). A period runs from its start day up to, but not
including, its end day: the end day is the first day of the next period, so a record on it is billed once, in
the next period."""


def billable(records, start, end):
    """The records of the period [start, end) in their order: the start day counts, the end day does not."""
    return [(day, units) for day, units in records if start < day < end]


def total_units(records, start, end):
    """The units used in the period [start, end)."""
    return sum(units for _day, units in billable(records, start, end))


def invoice_line(records, start, end, price_per_unit):
    """One invoice line: the period, the units used in it and what they cost."""
    units = total_units(records, start, end)
    return f"{start} to {end}: {units} units, {units * price_per_unit:.2f}"
