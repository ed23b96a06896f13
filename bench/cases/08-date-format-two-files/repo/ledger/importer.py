"""Read ledger CSV text back into rows."""
from datetime import datetime


def parse_row(line: str) -> tuple:
    day, label, amount = line.split(",")
    return datetime.strptime(day, "%m/%d/%Y").date(), label, float(amount)


def import_rows(text: str) -> list[tuple]:
    return [parse_row(line) for line in text.splitlines() if line.strip()]
