"""The failure messages of a pytest JUnit report: one line per failing test, the scratch copy's path left out.

Two runs whose tests fail with the same messages failed the same way; the search uses that to prove that a
faster way to run the tests (``rdebug.search.screen``) behaves like the user's command."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from rdebug.patch.testreport import _junit_id

ROOT = "<root>"
MESSAGE_CHARS = 300
ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{6,}")  # object reprs differ between runs


def failure_messages(report: Path, scratch: Path | None = None) -> dict[str, str]:
    """Failing test id -> "failure: <first line of the message>" ("error: …" for errors); {} without a report."""
    try:
        root = ET.parse(report).getroot()
    except (OSError, ET.ParseError):
        return {}
    out: dict[str, str] = {}
    for case in root.iter("testcase"):
        for child in case:
            if child.tag not in ("failure", "error"):
                continue
            text = child.get("message") or (child.text or "")
            first = next((line.strip() for line in text.splitlines() if line.strip()), "")
            if scratch is not None:
                first = first.replace(str(scratch), ROOT)
            first = ADDRESS_RE.sub("0x?", first)
            out.setdefault(_junit_id(case), f"{child.tag}: {first[:MESSAGE_CHARS]}")
    return out
