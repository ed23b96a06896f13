"""Issue 21 §5: the model fills a masked line of the chosen function; each fill is verified by the search's pool."""

from __future__ import annotations

import sys

import pytest
from helpers_patch import make_repo, snapshot

from rdebug.config import Config
from rdebug.events import ModelProfile, ModelStats
from rdebug.intake.model import IntakeRequest
from rdebug.pipeline import Pipeline, gather
from rdebug.runtime.fake import ScriptedBackend

pytestmark = pytest.mark.search  # the default round (its sources composed as for a user)

RETRY = '''class TransientError(Exception):
    pass


def fetch(source, attempts=3):
    last = None
    for _ in range(attempts):
        try:
            return source()
        except TransientError as exc:
            last = exc
    return None
'''
TEST = '''import pytest

from retry import TransientError, fetch


def test_the_last_error_is_raised():
    def broken():
        raise TransientError("down")

    with pytest.raises(TransientError):
        fetch(broken)
'''


class FunctionModel(ScriptedBackend):
    """Scripted replies from a function-format model (with or without fill-in-the-middle tokens)."""

    fim = False

    def profile(self) -> ModelProfile:
        return ModelProfile(thinking_mode="prompted", edit_format="function", fim=self.fim)


def _round(tmp_path, backend, **cfg):
    root = make_repo(tmp_path / "svc", {"retry.py": RETRY, "tests/test_retry.py": TEST})
    pipeline = Pipeline(Config(**{"attempts": 1, "search": False, "infill": True, **cfg}), lambda _cfg: backend)
    list(pipeline.load())
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_retry.py"]
    intake = gather(IntakeRequest(root=root, command=command, timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    before = snapshot(root)
    rnd = pipeline.candidates(job)
    events = list(rnd.run())
    assert snapshot(root) == before  # every fill verified in scratch copies only
    return rnd, events


def test_a_masked_line_filled_by_the_model_is_verified_as_a_candidate(tmp_path):
    backend = FunctionModel(["raise last", "raise last", "return last", "The loop kept the error. Real cause: yes"])
    rnd, events = _round(tmp_path, backend)
    best = rnd.best
    assert best is not None and best.verified and best.source == "infill"
    assert best.label == "filled by the model: `return None` → `raise last` in retry.py:12"
    assert "-    return None" in best.patch.diff and "+    raise last" in best.patch.diff
    first = backend.requests[0]
    assert first.stop == ["\n"] and first.prefill.startswith("```python\ndef fetch(source, attempts=3):")
    assert first.prefill.endswith("\n    ") and "<FILL THIS LINE>" in first.messages[-1].content
    assert "Real cause: yes" in best.answer  # the model explains the verified fill


def test_with_fill_in_the_middle_tokens_the_request_is_the_file_around_the_hole(tmp_path):
    backend = FunctionModel(["raise last", "raise last", "raise last", "Real cause: yes"])
    backend.fim = True
    rnd, _events = _round(tmp_path, backend)
    prefix, suffix = backend.requests[0].fim
    assert prefix.endswith("            last = exc\n    ") and suffix.startswith("\n")
    assert backend.requests[0].messages == [] and rnd.best.source == "infill"


def test_infill_off_leaves_the_round_to_the_model(tmp_path):
    backend = FunctionModel(["no fix"])
    rnd, _events = _round(tmp_path, backend, infill=False)
    assert not any(r.fim or r.stop == ["\n"] for r in backend.requests)
    assert all(a.source == "model" for a in rnd.attempts)


def test_the_fills_run_beside_the_search_and_whichever_verifies_first_ends_the_round(tmp_path):
    from rdebug.rounds import ModelSide, SearchBesideModel

    backend = FunctionModel(["raise last", "raise last", "raise last", "Real cause: yes"])
    rnd, _events = _round(tmp_path, backend, search=True)
    beside = rnd.sources[0]
    assert isinstance(beside, SearchBesideModel) and isinstance(beside.model, ModelSide)
    assert rnd.best is not None and rnd.best.verified and rnd.best.source in ("search", "infill")
    assert "raise last" in rnd.best.patch.diff  # the template and the fill write the same fix
