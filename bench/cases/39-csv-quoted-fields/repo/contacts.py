"""Contacts from a CSV export: the first row names the columns."""

from csvlite import read_rows


def load_contacts(text: str) -> list[dict[str, str]]:
    header, *rows = read_rows(text)
    contacts = []
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"expected {len(header)} fields, got {len(row)}: {row}")
        contacts.append(dict(zip(header, row)))
    return contacts


def emails(text: str) -> list[str]:
    return [c["email"] for c in load_contacts(text)]
