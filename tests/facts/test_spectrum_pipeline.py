"""The spectrum in the pipeline: a suspicious function the context would not show is added with its reason, its
lines reach the job and the search (after the failing frame's lines), and ``rdebug context --json`` lists them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rdebug.config import Config
from rdebug.facts.spectrum import SuspiciousLine as SpectrumLine
from rdebug.intake.model import Frame, IntakeRequest, Problem
from rdebug.pipeline import Pipeline, gather
from rdebug.search.suspicious import suspicious_lines

SHOP = '''\
from helpers import HANDLERS


def run(kind, x):
    handler = HANDLERS[kind]
    return handler(x)
'''

HELPERS = '''\
def _double(x):
    doubled = x * 3
    return doubled


def _ident(x):
    return x


HANDLERS = {"double": _double, "ident": _ident}
'''

TESTS = '''\
from shop import run


def test_ident():
    assert run("ident", 2) == 2


def test_double():
    assert run("double", 2) == 4
'''


def make_project(root: Path) -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "shop.py").write_text(SHOP)
    (root / "helpers.py").write_text(HELPERS)
    (root / "tests" / "test_shop.py").write_text(TESTS)
    return root


def command() -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]


def prepare(root: Path, spectrum: bool):
    intake = gather(IntakeRequest(root=root, command=command(), timeout_s=60))
    return Pipeline(Config(spectrum=spectrum)).prepare(intake.problems[0], root, command(), regressions=False)


def test_prepare_adds_the_suspicious_function_and_hands_its_lines_on(tmp_path):
    root = make_project(tmp_path / "proj")
    job = prepare(root, spectrum=True)
    reasons = [s.reason for s in job.context.snippets]
    assert "suspicious _double(): run by the failing test and by none of 1 passing test, Ochiai 1.00" in reasons
    assert "helpers.py" in job.hashes  # a patch to it is checked like any shown file
    assert (job.suspicious[0].path, job.suspicious[0].score) == ("helpers.py", 1.0)
    assert {s.line for s in job.suspicious if s.score == 1.0} == {2, 3}
    assert any(n.startswith("spectrum: 1 failing and 1 passing tests") for n in job.context.notes)

    lines = suspicious_lines(job.problem, job.context, job.suspicious)
    assert [(s.path, s.line) for s in lines[:4]] == [("helpers.py", 2), ("helpers.py", 3), ("shop.py", 5),
                                                      ("shop.py", 6)]
    assert all(s.why.startswith("spectrum") for s in lines[:4]) and lines[1].score > lines[2].score


def test_search_tries_the_failing_frame_then_spectrum_lines_by_score_then_the_rest():
    problem = Problem("pytest", "AssertionError", frames=[
        Frame("tests/test_shop.py", 9, "test_double", in_repo=True), Frame("shop.py", 6, "run", in_repo=True)])
    spectrum = [SpectrumLine("helpers.py", 2, 1.0), SpectrumLine("shop.py", 5, 0.71),
                SpectrumLine("tests/test_shop.py", 9, 1.0), SpectrumLine("helpers.py", 7, 0.2)]
    lines = suspicious_lines(problem, None, spectrum)
    assert [(s.path, s.line) for s in lines] == [("shop.py", 6), ("helpers.py", 2), ("shop.py", 5)]
    assert lines[0].why == "failing frame" and lines[1].score > lines[2].score > 0.7


def test_spectrum_is_off_by_default(tmp_path):
    root = make_project(tmp_path / "proj")
    assert Config().spectrum is False
    job = prepare(root, spectrum=False)
    assert job.suspicious == []
    assert not any(s.reason.startswith("suspicious") for s in job.context.snippets)
    assert not any(n.startswith("spectrum") for n in job.context.notes)


def test_context_json_lists_the_suspicious_lines(tmp_path, capsys):
    from rdebug.cli import main

    root = make_project(tmp_path / "proj")
    assert main(["context", "--json", "--spectrum", "--root", str(root), "--", *command()]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["suspicious"][0] == {"path": "helpers.py", "line": 2, "score": 1.0}
    assert main(["context", "--json", "--no-spectrum", "--root", str(root), "--", *command()]) == 0
    assert json.loads(capsys.readouterr().out)["suspicious"] == []
