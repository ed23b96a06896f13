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



def test_a_search_found_fix_with_the_models_explanation_streaming(tmp_path):
    root = _project(tmp_path)
    backend = HeldBackend()
    request = IntakeRequest(root, command=[sys.executable, "check.py"], timeout_s=60)
    app = RdebugApp(lambda: DebugSession(root, Config(attempts=1), request, lambda _cfg: backend),
                    model_label="test-model")

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
    assert len(backend.requests) == 1  # the explanation only: the verified search fix ended the round
    assert (root / "limits.py").read_text() == "def within(value, limit):\n    return value < limit\n"
