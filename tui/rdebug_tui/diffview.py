"""Unified diffs rendered with Rich: coloured unified text and a side-by-side table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

ADD = "green"
DEL = "red"
HUNK = "cyan"
HEAD = "bold"
_HUNK_RE = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def render_unified(diff: str) -> Text:
    """The diff as text: additions green, deletions red, hunk headers cyan, file headers bold."""
    out = Text()
    for line in diff.splitlines():
        if line.startswith(("+++", "---", "diff ", "index ")):
            style = HEAD
        elif line.startswith("+"):
            style = ADD
        elif line.startswith("-"):
            style = DEL
        elif line.startswith("@@"):
            style = HUNK
        else:
            style = ""
        out.append(line + "\n", style=style)
    out.rstrip()
    return out


@dataclass
class Row:
    """One side-by-side row; ``kind`` is "file", "hunk", "context", "change"."""

    kind: str
    old_no: int | None = None
    old: str | None = None
    new_no: int | None = None
    new: str | None = None


def side_by_side_rows(diff: str) -> list[Row]:
    """Pair deletions with the additions that follow them, hunk by hunk."""
    rows: list[Row] = []
    dels: list[tuple[int, str]] = []
    adds: list[tuple[int, str]] = []
    old_no = new_no = 0

    def flush() -> None:
        for i in range(max(len(dels), len(adds))):
            o = dels[i] if i < len(dels) else (None, None)
            n = adds[i] if i < len(adds) else (None, None)
            rows.append(Row("change", o[0], o[1], n[0], n[1]))
        dels.clear()
        adds.clear()

    for line in diff.splitlines():
        if line.startswith("+++ "):
            flush()
            rows.append(Row("file", new=line[4:].removeprefix("b/")))
        elif line.startswith(("--- ", "diff ", "index ")):
            flush()
        elif match := _HUNK_RE.match(line):
            flush()
            old_no, new_no = int(match.group(1)), int(match.group(2))
            rows.append(Row("hunk", old=line))
        elif line.startswith("-"):
            dels.append((old_no, line[1:]))
            old_no += 1
        elif line.startswith("+"):
            adds.append((new_no, line[1:]))
            new_no += 1
        elif line.startswith("\\"):
            continue
        else:
            flush()
            text = line[1:] if line.startswith(" ") else line
            rows.append(Row("context", old_no, text, new_no, text))
            old_no += 1
            new_no += 1
    flush()
    return rows


def render_side_by_side(diff: str) -> Table:
    """Old on the left, new on the right; changed lines red/green."""
    table = Table(show_header=True, header_style="bold", box=None, expand=True, pad_edge=False)
    table.add_column("", justify="right", style="dim", no_wrap=True, width=4)
    table.add_column("before", ratio=1, overflow="fold")
    table.add_column("", justify="right", style="dim", no_wrap=True, width=4)
    table.add_column("after", ratio=1, overflow="fold")
    for row in side_by_side_rows(diff):
        if row.kind == "file":
            table.add_row("", Text(row.new or "", style=HEAD, no_wrap=True, overflow="ellipsis"), "", "")
        elif row.kind == "hunk":
            table.add_row("", Text(row.old or "", style=HUNK, no_wrap=True, overflow="ellipsis"), "", "")
        else:
            changed = row.kind == "change"
            table.add_row(
                _no(row.old_no if row.old is not None else None),
                Text(row.old or "", style=DEL if changed and row.old is not None else ""),
                _no(row.new_no if row.new is not None else None),
                Text(row.new or "", style=ADD if changed and row.new is not None else ""),
            )
    return table


def _no(number: int | None) -> str:
    return "" if number is None else str(number)
