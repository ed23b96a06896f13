"""Write ledger rows as CSV text."""
from datetime import date


def format_row(day: date, label: str, amount: float) -> str:
    return f"{day.strftime('%d/%m/%Y')},{label},{amount:.2f}"


def export_rows(rows: list[tuple]) -> str:
    return "".join(format_row(*row) + "\n" for row in rows)
