"""Several verified search fixes: the search goes on a little after the first, and the model chooses among
them (issue 14 §3: prefer the one the model agrees with, then the smallest, then the most suspicious)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rdebug.config import Config
from rdebug.events import AnswerDelta, AttemptStarted, Status
from rdebug.intake.model import IntakeRequest
from rdebug.job import Attempt, rank
from rdebug.pipeline import Pipeline, gather
from rdebug.runtime.fake import ScriptedBackend
from rdebug.search.explain import parse_choice

pytestmark = pytest.mark.search


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


BUGGY = "def total(values):\n    return sum(values) - 1\n"  # two single edits pass the weak check: drop `- 1`, or `+`


def _round(tmp_path: Path, replies: list[str], **cfg):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "limits.py").write_text(BUGGY)
    (root / "check.py").write_text("from limits import total\n\nassert total([1, 2]) >= 3, 'total is wrong'\n")
    backend = ScriptedBackend(replies)
    pipeline = Pipeline(Config(**{"attempts": 1, **cfg}), lambda _cfg: backend)
    list(pipeline.load())
    intake = gather(IntakeRequest(root=root, command=[sys.executable, "check.py"], timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    return rnd, list(rnd.run()), backend, root


def test_the_model_chooses_among_several_verified_fixes(tmp_path):
    rnd, events, backend, root = _round(tmp_path, ["Choice: B\nThe constant must be 0."],
                                        search_beside=False)
    search = rnd.search
    assert len(search.hits) == 2
    asked = backend.requests[-1].messages[-1].content
    assert "Fix A (" in asked and "Fix B (" in asked and 'Choice: A' in asked
    found = [a for a in rnd.attempts if a.source == "search"]
    assert [a.index for a in found] == [1, 2] and found[1].preferred and not found[0].preferred
    assert found[1].patch.diff == search.hits[1].candidate.patch.diff
    assert rnd.best is found[1]  # the model's choice ranks first among verified fixes
    assert any(isinstance(e, Status) and "the model chooses" in e.message for e in events)
    started = [(e.attempt, e.source) for e in events if isinstance(e, AttemptStarted)]
    assert started == [(1, "search"), (2, "search")]
    last = [e for e in events if isinstance(e, AnswerDelta)][-1]
    assert last.text.startswith("The model chose this fix (B)")
    assert (root / "limits.py").read_text() == BUGGY


def test_without_a_choice_the_smallest_most_suspicious_fix_stays_first(tmp_path):
    rnd, _events, _backend, _root = _round(tmp_path, ["They all pass; hard to say."], search_beside=False)
    found = [a for a in rnd.attempts if a.source == "search"]
    assert len(found) == 1 and not found[0].preferred and rnd.best is found[0]
    assert found[0].patch.diff == rnd.search.hits[0].candidate.patch.diff


def test_choice_parsing():
    assert parse_choice("Choice: B\nbecause", 3) == 1
    assert parse_choice("**Choice:** A", 2) == 0
    assert parse_choice("Choice: (C)", 3) == 2
    assert parse_choice("Choice: D", 3) is None and parse_choice("I pick B", 3) is None


def test_rank_prefers_the_models_choice_before_the_size():
    from rdebug.patch.diff import make_patch

    small = Attempt(1, patch=make_patch({"a.py": ("x = 1\n", "x = 2\n")}), verified=True, tests_pass=True, failures=0)
    big = Attempt(2, patch=make_patch({"a.py": ("x = 1\ny = 1\n", "x = 2\ny = 2\n")}), verified=True,
                  tests_pass=True, failures=0, preferred=True)
    assert sorted([small, big], key=rank)[0] is big


def test_of_two_fixes_the_same_size_the_one_that_removes_code_ranks_first():
    """Issue 22 §3: `range(1, len(lines))` (drops a term) before `range(0, len(lines) - 1)` (adds a bound)."""
    from rdebug.patch.diff import make_patch

    old = "def rows(lines):\n    return [lines[i] for i in range(1, len(lines) - 1)]\n"
    right = make_patch({"t.py": (old, old.replace("range(1, len(lines) - 1)", "range(1, len(lines))"))})
    wrong = make_patch({"t.py": (old, old.replace("range(1, len(lines) - 1)", "range(0, len(lines) - 1)"))})
    assert right.changed_lines == wrong.changed_lines and right.growth < 0 <= wrong.growth
