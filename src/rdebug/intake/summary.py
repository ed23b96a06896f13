"""One-line summaries of test-runner output (``pytest: 2 failed, 10 passed``)."""

from __future__ import annotations

import re

from rdebug.intake.parsers.common import split_lines

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("pytest", re.compile(r"^=*\s*((?:\d+ (?:failed|passed|errors?|skipped|xfailed|xpassed|warnings?|deselected)"
                          r"(?:, )?)+) in [\d.]+s")),
    ("unittest", re.compile(r"^(FAILED \(.*\)|OK(?: \(.*\))?)$")),
    ("jest", re.compile(r"^Tests:\s+(.*)$")),
    ("node --test", re.compile(r"^[ℹ#] (fail \d+)$")),
    ("mocha", re.compile(r"^\s*(\d+ failing)$")),
    ("cargo test", re.compile(r"^test result: (\w+\. \d+ passed; \d+ failed)")),
    ("maven", re.compile(r"^(?:\[\w+\] )?(Tests run: \d+, Failures: \d+, Errors: \d+, Skipped: \d+)$")),
    ("go test", re.compile(r"^(FAIL)\s+\S+\s+[\d.]+s$")),
]


def summarize(output: str) -> str | None:
    """The last summary line any known runner printed, prefixed with the runner's name."""
    lines = split_lines(output[-200_000:])
    for line in reversed(lines):
        for name, pattern in PATTERNS:
            m = pattern.match(line.strip())
            if m:
                return f"{name}: {m.group(1).strip(', ')}"
    return None
