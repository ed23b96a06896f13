"""unittest output: ``FAIL: test_x (mod.Class.test_x)`` / ``ERROR:`` blocks with a Python traceback."""

from __future__ import annotations

import re

from rdebug.intake.model import Problem
from rdebug.intake.parsers import python
from rdebug.intake.parsers.common import Found, join_message, raw_text

HEAD_RE = re.compile(r"^(?P<kind>FAIL|ERROR|UNEXPECTED SUCCESS): (?P<name>\S+)(?: \((?P<where>[^)]*)\))?")
RULE_RE = re.compile(r"^(?:={20,}|-{20,})$")


def _test_id(name: str, where: str | None) -> str:
    if not where:
        return name
    where = where.split(" ")[0]
    return where if where.endswith("." + name) or where == name else f"{where}.{name}"


def find(lines: list[str]) -> list[Found]:
    found: list[Found] = []
    n = len(lines)
    for i, line in enumerate(lines):
        m = HEAD_RE.match(line)
        if not m or i == 0 or not lines[i - 1].startswith("====="):
            continue
        end = i + 1
        while end < n and not lines[end].startswith("=====") and not (
                lines[end].startswith("-----") and end + 1 < n and lines[end + 1].startswith("Ran ")):
            end += 1
        body = lines[i + 1:end]
        hits = python.find(body)
        if hits:
            prob = hits[-1].problem
            prob.kind = "unittest"
        else:
            text = join_message([x for x in body if not RULE_RE.match(x)])
            prob = Problem(kind="unittest", message=text)
        prob.test_id = _test_id(m["name"], m["where"])
        prob.raw = raw_text(lines, i, end)
        found.append(Found(i, end, prob))
    return found
