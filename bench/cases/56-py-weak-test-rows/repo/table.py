"""A small comma-separated table: a header line, then one record per line."""


def cells(line):
    return [cell.strip() for cell in line.split(",")]


def header(text):
    """The column names (the first non-blank line)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return cells(lines[0]) if lines else []


def rows(text):
    """The data rows (the header left out), each a list of cells."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    out = []
    for i in range(1, len(lines) - 1):
        out.append(cells(lines[i]))
    return out


def records(text):
    """The data rows as dicts keyed by column name."""
    names = header(text)
    return [dict(zip(names, row)) for row in rows(text)]
