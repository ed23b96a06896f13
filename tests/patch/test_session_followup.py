"""Follow-ups through the session: a question is answered once, a hint runs the repair loop again."""

import sys

from helpers_patch import FIX_REPLY

from rdebug.config import Config
from rdebug.events import AttemptStarted, PatchRejected, PatchVerified
from rdebug.intake.model import IntakeRequest
from rdebug.runtime.fake import ScriptedBackend
from rdebug.session import DebugSession

WRONG = FIX_REPLY.replace("total - total", "total * total")
EXPLAIN = "Because line 9 adds the discount to the total instead of subtracting it."
COMMAND = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_cart.py"]


def _session(repo, replies):
    backend = ScriptedBackend(replies)
    cfg = Config(attempts=1)
    session = DebugSession(repo, cfg, IntakeRequest(repo, command=COMMAND, timeout_s=60), lambda _cfg: backend)
    return backend, session


def test_a_question_gets_one_answer_and_a_hint_gets_the_repair_loop(cart_repo):
    backend, session = _session(cart_repo, [WRONG, EXPLAIN, FIX_REPLY])
    first = list(session.start())
    assert [e.verified for e in first if isinstance(e, PatchVerified)] == [False]
    asked = list(session.ask("why is the discount added?"))
    assert sum(isinstance(e, AttemptStarted) for e in asked) == 1
    assert not any(isinstance(e, (PatchRejected, PatchVerified)) for e in asked)
    assert "Answer the question above" in backend.requests[1].messages[-1].content
    hinted = list(session.ask("the sign in discount is wrong"))
    assert [e.verified for e in hinted if isinstance(e, PatchVerified)] == [True]
    last = backend.requests[2].messages
    assert last[-1].content == "the sign in discount is wrong"
    assert any(m.role == "assistant" and EXPLAIN in m.content for m in last)  # the answer stays in the chat
