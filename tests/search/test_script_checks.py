"""A script run as the failing command checks with top-level assertions: those are the test, never mutated
(the search once "fixed" `assert within(3, 3)` by editing the 3); a precondition assert inside a function is
code, and is mutated."""

from __future__ import annotations

import sys

import pytest

from rdebug.config import Config
from rdebug.intake.model import IntakeRequest
from rdebug.pipeline import Pipeline, gather
from rdebug.runtime.fake import ScriptedBackend
from rdebug.search.operators import mutations


def test_top_level_assertions_are_not_mutated():
    src = "from limits import within\n\nassert within(3, 3), 'within(3, 3) is False'\n"
    assert mutations("check.py", src, {3}) == []
    js = "const assert = require('assert');\nassert.strictEqual(total(2), 3);\nassert(total(1) === 2);\n"
    assert mutations("check.js", js, {2, 3}) == []


def test_an_assertion_inside_a_function_is_code():
    src = "def percent(p):\n    assert 0 <= p < 100\n    return p / 100\n"
    assert any(m.after == "<=" for m in mutations("pct.py", src, {2}))


@pytest.mark.search
def test_the_search_fixes_the_code_not_the_scripts_check(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "limits.py").write_text("def within(value, limit):\n    return value < limit\n")
    (root / "check.py").write_text("from limits import within\n\nassert within(3, 3), 'within(3, 3) is False'\n")
    pipeline = Pipeline(Config(attempts=1), lambda _cfg: ScriptedBackend(["Real cause: yes"]))
    list(pipeline.load())
    intake = gather(IntakeRequest(root=root, command=[sys.executable, "check.py"], timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    list(rnd.run())
    assert rnd.best.verified and rnd.best.patch.paths == ["limits.py"]
    assert rnd.best.label == "found by search: `<` → `<=` in limits.py:2"
