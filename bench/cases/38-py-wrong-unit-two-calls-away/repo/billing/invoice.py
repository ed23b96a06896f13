"""Invoices."""

from billing.hours import billable_hours

VAT = 0.2


def invoice_total(sessions: list[dict], hourly_rate: float) -> float:
    net = billable_hours(sessions) * hourly_rate
    return round(net * (1 + VAT), 2)
