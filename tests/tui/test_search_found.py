"""A fix found by the mutation search in the TUI (issue 14 §4): a real session (intake, search, model) on a
tiny project; the patch panel's title names the edit, and the model's explanation streams into the answer
panel (checked while the model is held mid-reply, then once it ends)."""

from __future__ import annotations

import sys
import threading

import pytest

from rdebug import events as ev
from rdebug.config import Config
from rdebug.intake.model import IntakeRequest
from rdebug.runtime.fake import ScriptedBackend
from rdebug.session import DebugSession
from rdebug_tui.app import RdebugApp
from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.patch import PatchPanel

from tui_helpers import SIZE, run, text_of, until

pytestmark = pytest.mark.search

LABEL = "found by search: `<` → `<=` in limits.py:2"
THOUGHT = "The comparison leaves out the limit itself."
ANSWER = "A value equal to the limit is within it, so `<` must be `<=`. Real cause: yes"
REPLY = f"<think>{THOUGHT}</think>{ANSWER}"
HOLD_AT = 24  # answer characters streamed before the model is held


class HeldBackend(ScriptedBackend):
    """Streams its reply, holding it once the answer has ``HOLD_AT`` characters until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__([REPLY])
        self.held = threading.Event()
        self.release = threading.Event()

    def generate(self, request):
        answered = 0
        if "A search for small edits found" not in request.messages[-1].content:  # the model's own fix request
            yield from super().generate(request)
            return
        for event in super().generate(request):
            yield event
            if isinstance(event, ev.AnswerDelta):
                answered += len(event.text)
                if answered >= HOLD_AT and not self.held.is_set():
                    self.held.set()
                    self.release.wait(30)


def _project(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "limits.py").write_text("def within(value, limit):\n    return value < limit\n")
    (root / "check.py").write_text("from limits import within\n\nassert within(3, 3), 'within(3, 3) is False'\n")
    return root


def _app(root, backend) -> RdebugApp:
    """The app on a real session (intake, search, the scripted model) for the project at ``root``."""
    request = IntakeRequest(root, command=[sys.executable, "check.py"], timeout_s=60)
    return RdebugApp(lambda: DebugSession(root, Config(attempts=1), request, lambda _cfg: backend),
                     model_label="test-model")


def test_a_search_found_fix_with_the_models_explanation_streaming(tmp_path):
    root = _project(tmp_path)
    backend = HeldBackend()
    app = _app(root, backend)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, app, backend.held.is_set, tries=600)
            answer = app.query_one(AnswerPanel).markdown
            await until(pilot, app, lambda: len(answer.source) >= HOLD_AT, tries=600)
            midway = (answer.source, str(app.query_one(PatchPanel).border_title), text_of(app, "#patch-verify"),
                      bool(app.busy), "".join(app.state.attempts[-1].thinking))
            backend.release.set()
            await until(pilot, app, lambda: not app.busy and answer.source == ANSWER, tries=600)
            after = (answer.source, str(app.query_one(PatchPanel).border_title), text_of(app, "#patch-diff"))
            await pilot.press("q")
            await pilot.pause(0.1)
            return midway, after

    (partial, title, verify, busy, thinking), (final, final_title, diff) = run(go())
    assert busy and ANSWER.startswith(partial) and HOLD_AT <= len(partial) < len(ANSWER)  # streaming, in part
    assert thinking == THOUGHT  # its thinking is kept with the found candidate
    assert LABEL in title and "Attempt" not in title
    assert "verified" in verify and "verified by the failing test only" in verify  # no other tests ran
    assert final == ANSWER and LABEL in final_title
    assert "return value <= limit" in diff
    # the model was asked for its own fix while the search ran beside it, then to explain the found one
    assert len(backend.requests) == 2 and "A search for small edits" in backend.requests[1].messages[-1].content
    assert (root / "limits.py").read_text() == "def within(value, limit):\n    return value < limit\n"


class SlowFixBackend(ScriptedBackend):
    """The model's own fix request streams slowly (until cancelled); the explanation comes at once."""

    def __init__(self) -> None:
        super().__init__([REPLY])
        self.fix_cancelled = False

    def generate(self, request):
        if "A search for small edits found" in request.messages[-1].content:
            yield from super().generate(request)
            return
        self._cancel.clear()
        self.requests.append(request)
        for _ in range(600):  # 60 s of thinking unless cancelled
            if self._cancel.wait(0.1):
                self.fix_cancelled = True
                yield ev.Done("cancelled")
                return
            yield ev.ThinkingDelta("Let me read the code again. ")
        yield ev.Done("stop")


def test_a_search_fix_found_beside_the_model_stops_its_stream_and_shows_the_fix(tmp_path):
    root = _project(tmp_path)
    backend = SlowFixBackend()
    app = _app(root, backend)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, app, lambda: not app.busy and len(backend.requests) == 2, tries=900)
            views = [(v.attempt, v.found_by, v.cancelled or v.finished) for v in app.state.attempts]
            await pilot.press("p")  # the model's attempt says why it stopped
            await pilot.pause(0.2)
            stopped = text_of(app, "#patch-verify")
            await pilot.press("n")
            await pilot.pause(0.2)
            title = str(app.query_one(PatchPanel).border_title)
            answer = app.query_one(AnswerPanel).markdown.source
            await pilot.press("q")
            await pilot.pause(0.1)
            return views, title, answer, stopped

    views, title, answer, stopped = run(go())
    assert "stopped: the search found a verified fix" in stopped
    assert backend.fix_cancelled  # the model's stream stopped when the search's fix verified
    assert [(a, f) for a, f, _ in views] == [(1, ""), (2, LABEL)] and all(done for _, _, done in views)
    assert LABEL in title and answer == ANSWER
