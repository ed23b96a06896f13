"""Per-test outcomes of a test run: pytest's JUnit XML report, or the runner's own verbose lines.

``instrument`` adds what makes a runner report each test (``--junitxml`` for pytest, ``-v`` for go test
and unittest; cargo test names every test already); ``read_outcomes`` reads the outcomes back.
Runners without such a report get no outcomes: verification then checks the exit code only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"
_WORST = {PASSED: 0, SKIPPED: 1, FAILED: 2, ERROR: 3}
JUNIT_NOTE_RE = re.compile(r"^-+ generated xml file: .* -+\n?", re.M)


@dataclass
class TestOutcomes:
    """``tests``: test id -> passed / failed / error / skipped (xfail and deselected are not passed)."""

    __test__ = False  # not a pytest test class

    tests: dict[str, str] = field(default_factory=dict)
    source: str = ""  # "junit report", "go test -v output", "cargo test output", "unittest -v output"

    def add(self, test_id: str, outcome: str) -> None:
        old = self.tests.get(test_id)
        if old is None or _WORST[outcome] > _WORST[old]:
            self.tests[test_id] = outcome

    @property
    def ran(self) -> int:
        """Tests that ran (not skipped)."""
        return sum(1 for o in self.tests.values() if o != SKIPPED)

    def failing(self) -> set[str]:
        return {t for t, o in self.tests.items() if o in (FAILED, ERROR)}


@dataclass
class Instrumented:
    argv: list[str]
    runner: str | None  # "pytest", "go", "cargo", "unittest"; None: no per-test report
    report: Path | None = None  # the JUnit file (pytest)


def runner_of(argv: Sequence[str]) -> str | None:
    from rdebug.intake.detect import is_pytest

    argv = list(argv)
    if is_pytest(argv):
        return "pytest"
    if argv[:2] == ["go", "test"]:
        return "go"
    if argv[:2] == ["cargo", "test"]:
        return "cargo"
    if "-m unittest" in " ".join(argv[:4]):
        return "unittest"
    return None


def instrument(argv: Sequence[str], report: Path) -> Instrumented:
    """``argv`` changed to report every test; ``report``: where pytest writes its JUnit XML."""
    argv = list(argv)
    runner = runner_of(argv)
    if runner == "pytest":
        extra = [f"--junitxml={report}", "-o", "junit_family=xunit1"]
        if not any(a == "no:cacheprovider" or a == "-pno:cacheprovider" for a in argv):
            extra += ["-p", "no:cacheprovider"]
        return Instrumented(argv + extra, runner, report)
    if runner == "go" and "-json" not in argv:
        return Instrumented(argv if "-v" in argv else argv[:2] + ["-v"] + argv[2:], runner)
    if runner == "unittest":
        verbose = any(a in ("-v", "--verbose") for a in argv)
        return Instrumented(argv if verbose else argv + ["-v"], runner)
    if runner == "cargo":
        return Instrumented(argv, runner)
    return Instrumented(argv, None)


def _junit_id(case: ET.Element) -> str:
    classname, name, file = case.get("classname", ""), case.get("name", ""), case.get("file", "")
    if file.endswith(".py"):
        module = file[:-3].replace("/", ".")
        if classname == module or classname.startswith(module + "."):
            classes = [c for c in classname[len(module):].split(".") if c]
            return "::".join([file, *classes, name])
    if not classname and file:  # a whole file (a collection error, a module-level skip)
        return file
    return f"{classname}::{name}" if classname else name


def parse_junit(path: Path) -> TestOutcomes | None:
    """Outcomes from a pytest JUnit XML file; None when it is missing or unreadable."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    out = TestOutcomes(source="junit report")
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        outcome = ERROR if "error" in tags else FAILED if "failure" in tags else SKIPPED if "skipped" in tags \
            else PASSED
        out.add(_junit_id(case), outcome)
    return out


GO_RE = re.compile(r"^\s*--- (PASS|FAIL|SKIP): (\S+)", re.M)
CARGO_RE = re.compile(r"^test (.+?) \.\.\. (ok|FAILED|ignored)\b", re.M)
UNITTEST_RE = re.compile(
    r"^(?P<name>\w+) \((?P<where>[\w.]+)\)(?:\n[^\n]*?)? \.\.\. "
    r"(?P<status>ok|FAIL|ERROR|skipped\b|expected failure|unexpected success)", re.M)
_GO = {"PASS": PASSED, "FAIL": FAILED, "SKIP": SKIPPED}
_CARGO = {"ok": PASSED, "FAILED": FAILED, "ignored": SKIPPED}
_UNITTEST = {"ok": PASSED, "FAIL": FAILED, "ERROR": ERROR, "skipped": SKIPPED, "expected failure": SKIPPED,
             "unexpected success": FAILED}


def parse_output(runner: str, output: str) -> TestOutcomes:
    out = TestOutcomes(source={"go": "go test -v output", "cargo": "cargo test output",
                                  "unittest": "unittest -v output"}[runner])
    if runner == "go":
        for m in GO_RE.finditer(output):
            out.add(m[2], _GO[m[1]])
    elif runner == "cargo":
        for m in CARGO_RE.finditer(output):
            out.add(m[1], _CARGO[m[2]])
    elif runner == "unittest":
        for m in UNITTEST_RE.finditer(output):
            where = m["where"]
            tid = where if where.endswith("." + m["name"]) else f"{where}.{m['name']}"
            out.add(tid, _UNITTEST[m["status"]])
    return out


def read_outcomes(run: Instrumented, output: str) -> TestOutcomes | None:
    """The outcomes of a finished run; None for runners without a per-test report, or a missing report."""
    if run.runner == "pytest":
        return parse_junit(run.report) if run.report is not None else None
    if run.runner in ("go", "cargo", "unittest"):
        return parse_output(run.runner, output)
    return None


def clean_output(output: str) -> str:
    """The output without the lines the instrumentation added (the report's path)."""
    return JUNIT_NOTE_RE.sub("", output)
