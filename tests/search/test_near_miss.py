"""Near misses (issue 14 §1): a model candidate that ran and still failed is mutated, its patch applied first,
so that it plus one small edit verifies; the found fix is the whole change against the user's tree."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rdebug.cli import main
from rdebug.config import Config
from rdebug.intake.model import IntakeRequest, Problem
from rdebug.patch.diff import make_patch
from rdebug.job import Attempt
from rdebug.pipeline import Pipeline, gather
from rdebug.runtime.fake import ScriptedBackend
from rdebug.search.nearmiss import NearMissSource, changed_lines, near_candidates, near_misses

pytestmark = pytest.mark.search

BUGGY = 'def window(values, start, width):\n    """The `width` values from `start`."""\n' \
        "    return values[start + 1:start + width - 1]\n"
HALF_FIXED = BUGGY.replace("start + 1:", "start:")  # one of the two edits the fix needs
FIXED = HALF_FIXED.replace("start + width - 1]", "start + width]")
CHECK = ("from window import window\n\n"
         "assert window(list(range(10)), 2, 3) == [2, 3, 4], window(list(range(10)), 2, 3)\n"
         "assert window(list(range(10)), 0, 2) == [0, 1]\n")
# the model drops the `+ 1` and stops there: one edit short of the fix
HALF_REPLY = """<think>The slice starts one too late.</think>The window must start at `start`, not one later.

window.py
<<<<<<< SEARCH
    return values[start + 1:start + width - 1]
=======
    return values[start:start + width - 1]
>>>>>>> REPLACE
"""
EXPLANATION = "<think>Both ends.</think>The slice must run from start to start + width. Real cause: yes"
LABEL = "found by search near the model's attempt 1: `start + width - 1` → `start + width` in window.py:3"


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "window.py").write_text(BUGGY)
    (root / "check.py").write_text(CHECK)
    return root


def _round(root: Path, replies: list[str], **cfg):
    backend = ScriptedBackend(replies)
    pipeline = Pipeline(Config(attempts=1, **cfg), lambda _cfg: backend)
    list(pipeline.load())
    intake = gather(IntakeRequest(root=root, command=[sys.executable, "check.py"], timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    events = list(rnd.run())
    return rnd, events, backend


def _failed(index: int, old: str, new: str, failures: int = 1) -> Attempt:
    return Attempt(index, patch=make_patch({"window.py": (old, new)}), failures=failures, output_tail="failed")


def test_the_near_miss_stage_runs_after_the_model(tmp_path):
    from rdebug.job import Job, RoundOptions
    from rdebug.rounds import SearchBesideModel, compose

    job = Job(root=tmp_path, problem=Problem(kind="python", exception="AssertionError"), context=None,
              prompt_text="", hashes={}, command=[sys.executable, "check.py"])
    from rdebug.repair.infill import InfillSource
    from rdebug.rounds import ModelSide

    beside = compose(job, None, RoundOptions(infill=True)).sources[0]  # the model's fills, then its loop, beside the search
    assert isinstance(beside, SearchBesideModel) and isinstance(beside.model, ModelSide)
    assert isinstance(beside.model.fill, InfillSource)
    assert isinstance(compose(job, None, RoundOptions(search=False, infill=True)).sources[0], InfillSource)
    for beside in (True, False):
        built = compose(job, None, RoundOptions(search_beside=beside, infill=False))
        assert isinstance(built.sources[-1], NearMissSource) and built.sources[-1].model is not None
        assert isinstance(built.sources[0], SearchBesideModel) == beside and len(built.sources) == (2 if beside else 3)
    assert len(compose(job, None, RoundOptions(search=False, infill=False)).sources) == 1


def test_changed_lines_on_both_sides():
    assert changed_lines(BUGGY, HALF_FIXED).new == {3} and changed_lines(BUGGY, HALF_FIXED).old == {3}
    inserted = changed_lines("a\nb\n", "a\nx\nb\n")
    assert inserted.new == {2} and inserted.old == {1, 2}  # an insertion: the lines around it in the old


def test_near_misses_are_the_failed_model_candidates_that_ran():
    ran = _failed(2, BUGGY, HALF_FIXED)
    never_ran = Attempt(1, patch=make_patch({"window.py": (BUGGY, FIXED)}))  # not verified (no command)
    verified = _failed(3, BUGGY, FIXED, failures=0)
    verified.verified = True
    repeat = _failed(4, BUGGY, HALF_FIXED)
    repeat.repeat_of = 2
    found = Attempt(1, patch=make_patch({"window.py": (BUGGY, FIXED)}), failures=1, source="search")
    assert near_misses([never_ran, ran, verified, repeat, found]) == [ran]


def test_candidates_mutate_the_patched_code_and_diff_against_the_original():
    cands = near_candidates([_failed(1, BUGGY, HALF_FIXED)], Problem(kind="python", exception="AssertionError"))
    on_patch = [c for c in cands if c.on_patch]
    assert on_patch and all(c.score == 1.0 for c in on_patch[:3])
    fix = next(c for c in cands if c.patch.files["window.py"][1] == FIXED)
    assert fix.on_patch and fix.attempt == 1 and fix.mutation.kind == "off-by-one"
    assert fix.patch.files["window.py"][0] == BUGGY  # the whole change against the user's tree
    assert "-    return values[start + 1:start + width - 1]" in fix.patch.diff
    assert "+    return values[start:start + width]" in fix.patch.diff
    assert any(not c.on_patch and c.patch.files["window.py"][0] == BUGGY for c in cands)  # the original too
    assert all(c.patch.files["window.py"][1] != HALF_FIXED for c in cands)  # never the model's own patch
    assert len({c.patch.diff for c in cands}) == len(cands)


def test_a_near_miss_plus_one_edit_is_found_and_explained(tmp_path):
    root = _project(tmp_path)
    rnd, events, backend = _round(root, [HALF_REPLY, EXPLANATION])
    best = rnd.best
    assert best.source == "search" and best.verified and best.label == LABEL
    assert best.patch.files["window.py"] == (BUGGY, FIXED)
    assert (root / "window.py").read_text() == BUGGY  # verified in scratch copies only
    near = next(s for s in rnd.sources if isinstance(s, NearMissSource))
    assert [a.index for a in near.near] == [1] and near.tried >= 1
    first = rnd.search
    assert first.tried >= 1 and not first.attempts  # the search alone found nothing: no single edit fixes it
    assert near.tried_diffs.isdisjoint(first.tried_diffs)
    # the model was asked for a fix, then to explain the found one, after its own turn
    assert len(backend.requests) == 2
    asked = backend.requests[1].messages[-1].content
    assert "near the model's attempt 1" in asked and "+    return values[start:start + width]" in asked
    assert "Real cause: yes" in best.answer and [m.role for m in rnd.history][-2:] == ["user", "assistant"]
    assert "The window must start" in " ".join(m.content for m in rnd.history)  # the model's turn kept
    started = [e for e in events if type(e).__name__ == "AttemptStarted"]
    assert [e.label for e in started] == ["", LABEL]


def test_no_near_miss_search_when_the_search_is_off(tmp_path):
    root = _project(tmp_path)
    rnd, _events, backend = _round(root, [HALF_REPLY], search=False)
    assert not any(a.verified for a in rnd.attempts) and len(backend.requests) == 1
    assert all(s.tried == 0 for s in rnd.sources if isinstance(s, NearMissSource))
    assert rnd.history[-1].role == "assistant"  # the model's chat stays the round's


def test_no_near_miss_search_without_a_failed_model_candidate(tmp_path):
    root = _project(tmp_path)
    rnd, _events, backend = _round(root, ["I am not sure what is wrong here."])
    near = next(s for s in rnd.sources if isinstance(s, NearMissSource))
    assert near.near == [] and near.tried == 0 and not any(a.verified for a in rnd.attempts)
    assert len(backend.requests) == 1 and rnd.history[-1].role == "assistant"


def test_fix_with_a_replayed_reply_one_edit_short(tmp_path, capsys):
    root = _project(tmp_path)
    replies = tmp_path / "reply.txt"
    replies.write_text(HALF_REPLY)
    code = main(["fix", "--root", str(root), "--backend", f"replay:{replies}", "--attempts", "1", "--json",
                 "--", sys.executable, "check.py"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verified"] is True and doc["source"] == "search"
    assert doc["attempts"][-1]["label"] == LABEL
    assert "+    return values[start:start + width]" in doc["patch"]
    assert (root / "window.py").read_text() == BUGGY  # not applied without --yes


def test_no_near_miss_search_once_a_fix_is_verified(tmp_path):
    """A round that ranks every candidate goes on after a verified fix: the near-miss pass does not."""
    from types import SimpleNamespace

    from rdebug.job import Job, RoundOptions

    root = _project(tmp_path)
    verified = _failed(2, BUGGY, FIXED, failures=0)
    verified.verified = True
    model = SimpleNamespace(attempts=[_failed(1, BUGGY, HALF_FIXED), verified], history=[])
    job = Job(root=root, problem=Problem(kind="python", exception="AssertionError"), context=None, prompt_text="",
              hashes={}, command=[sys.executable, "check.py"])
    near = NearMissSource(job, None, RoundOptions())
    near.follow(model)
    assert list(near.run()) == [] and near.tried == 0 and near.near == []


@pytest.mark.parametrize("beside", [True, False])
def test_the_runs_before_any_patch_are_made_once_per_round(tmp_path, monkeypatch, beside):
    import rdebug.repair.check as loop_module
    import rdebug.patch.verify as verify_module

    calls = []
    real = verify_module.run_baseline

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(verify_module, "run_baseline", counted)
    monkeypatch.setattr(loop_module, "run_baseline", counted)
    root = _project(tmp_path)
    rnd, _events, _backend = _round(root, [HALF_REPLY, EXPLANATION], search_beside=beside)
    assert rnd.best is not None and rnd.best.verified  # the search, the model's failed patch, the near miss
    assert len(calls) == 1
