"""Java stack traces (``Exception in thread``, ``\\tat pkg.Cls.m(File.java:12)``, ``Caused by:``,
``... N more``) and Maven surefire / JUnit failure blocks."""

from __future__ import annotations

import re

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parsers.common import Found, frame, join_message, raw_text, scan

HEAD_RE = re.compile(
    r"^(?P<prefix>Exception in thread \"[^\"]*\" |Caused by: |Suppressed: |\s*)"
    r"(?P<exc>(?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*)(?::\s?(?P<msg>.*))?$")
AT_RE = re.compile(
    r"^\s*at (?:(?P<module>[\w.\-]+(?:@[\w.\-]+)?)/)?(?P<cls>[\w$.<>]+)\.(?P<meth>[\w$<>]+)"
    r"\((?P<src>[^)]*)\)(?: ~?\[[^\]]*\])?$")
MORE_RE = re.compile(r"^\s*\.\.\. (?P<n>\d+) (?:more|common frames omitted)$")
SUREFIRE_NEW_RE = re.compile(r"^\[ERROR\] (?P<id>[\w$.]+)\s+-- Time elapsed: .*<<< (?:FAILURE|ERROR)!")
SUREFIRE_OLD_RE = re.compile(r"^(?:\[ERROR\] )?(?P<meth>[\w$]+)\((?P<cls>[\w$.]+)\)\s+Time elapsed: .*<<< (?:FAILURE|ERROR)!")
EXTERNAL_PKGS = ("java.", "javax.", "jdk.", "sun.", "com.sun.", "org.junit.", "junit.", "org.opentest4j.",
                 "org.apache.maven.", "org.gradle.", "kotlin.", "scala.", "org.springframework.")


def java_frame(m: re.Match) -> Frame:
    """``com.acme.Cls$Inner.m(Cls.java:12)`` -> path ``com/acme/Cls.java``, function ``Cls$Inner.m``."""
    cls, src = m["cls"], m["src"]
    pkg, _, simple = cls.rpartition(".")
    file_name, _, line = src.partition(":")
    if not file_name or " " in file_name or not re.match(r"^[\w$.\-]+\.\w+$", file_name):
        file_name, line = f"{simple.split('$')[0]}.java", ""
    path = f"{pkg.replace('.', '/')}/{file_name}" if pkg else file_name
    external = bool(m["module"]) or cls.startswith(EXTERNAL_PKGS)
    fr = frame(path, line or None, f"{simple}.{m['meth']}", external=external)
    fr.raw_path = file_name
    return fr


def parse_trace(lines: list[str], i: int) -> tuple[Problem, int] | None:
    """A trace whose header is at ``i`` (the header must be followed by ``at`` lines)."""
    n = len(lines)
    blocks: list[tuple[Problem, list[Frame], int]] = []  # problem, printed frames, omitted count
    k = i
    while k < n:
        hm = HEAD_RE.match(lines[k])
        if not hm or (blocks and not hm["prefix"].startswith(("Caused by", "Suppressed"))):
            break
        msg = [hm["msg"] or ""]
        j = k + 1
        while j < n and j - k < 30 and not AT_RE.match(lines[j]) and not HEAD_RE.match(lines[j]) and lines[j].strip():
            msg.append(lines[j])
            j += 1
        if j >= n or not AT_RE.match(lines[j]):
            if not blocks:
                return None
            break
        printed: list[Frame] = []
        omitted = 0
        while j < n:
            am = AT_RE.match(lines[j])
            mm = MORE_RE.match(lines[j])
            if am:
                printed.append(java_frame(am))
            elif mm:
                omitted = int(mm["n"])
            elif not lines[j].strip() or not lines[j].startswith((" ", "\t")):
                break
            elif HEAD_RE.match(lines[j]) and "Suppressed:" in lines[j]:
                break
            j += 1
        prob = Problem(kind="java", exception=hm["exc"], message=join_message(msg))
        if hm["prefix"].startswith("Suppressed"):
            k = j
            continue
        blocks.append((prob, printed, omitted))
        k = j
    if not blocks:
        return None
    outer_frames = blocks[0][1]
    problems = []
    for prob, printed, omitted in blocks:
        shared = outer_frames[len(outer_frames) - omitted:] if omitted else []
        prob.frames = (printed + shared)[::-1]
        problems.append(prob)
    top = problems[0]
    top.chain = problems[1:][::-1]
    top.raw = raw_text(lines, i, k)
    return top, k


def _surefire(lines: list[str], i: int) -> tuple[Problem, int] | None:
    """A Maven surefire / JUnit failure block whose ``<<< FAILURE!`` line is ``i``."""
    new, old = SUREFIRE_NEW_RE.match(lines[i]), SUREFIRE_OLD_RE.match(lines[i])
    if not (new or old):
        return None
    test_id = new["id"] if new else f"{old['cls']}.{old['meth']}"
    res = parse_trace(lines, i + 1) if i + 1 < len(lines) else None
    if res:
        prob, end = res
    else:
        end = i + 1
        while end < len(lines) and lines[end].strip():
            end += 1
        prob = Problem(kind="java", message=join_message(lines[i + 1:end]))
    prob.test_id = test_id
    prob.raw = raw_text(lines, i, end)
    return prob, end


def _trace_head(line: str) -> bool:
    """A trace's first header (not a ``Caused by:`` nor ``Suppressed:`` one)."""
    hm = HEAD_RE.match(line)
    return bool(hm) and not hm["prefix"].startswith(("Caused by", "Suppressed"))


def find(lines: list[str]) -> list[Found]:
    found = scan(lines, _surefire)
    return found + scan(lines, parse_trace, head=_trace_head, claimed=[(f.start, f.end) for f in found], jump=True)
