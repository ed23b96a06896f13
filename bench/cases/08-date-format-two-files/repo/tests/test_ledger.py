from datetime import date

from ledger.export import export_rows
from ledger.importer import import_rows

ROWS = [(date(2024, 3, 5), "coffee", 3.5), (date(2024, 12, 31), "party", 42.0)]


def test_export_uses_iso_dates():
    assert export_rows(ROWS[:1]) == "2024-03-05,coffee,3.50\n"


def test_import_iso_dates():
    assert import_rows("2024-12-31,party,42.00\n") == ROWS[1:]


def test_round_trip():
    assert import_rows(export_rows(ROWS)) == ROWS
