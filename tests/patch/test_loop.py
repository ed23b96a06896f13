import sys
import threading

from helpers_patch import FIX_REPLY, snapshot

from rdebug.events import (
    AttemptResampled,
    AnswerDelta,
    AttemptStarted,
    Done,
    Error,
    PatchProposed,
    PatchRejected,
    PatchVerified,
    ThinkingDelta,
    Usage,
    VerificationStarted,
)
from rdebug.intake.model import Frame, Problem
from helpers_patch import make_loop
from rdebug.repair.loop import MAX_RESAMPLES
from rdebug.runtime.fake import ScriptedBackend

CHECK = [sys.executable, "-c", "import cart; assert cart.discount(100, 10) == 90, cart.discount(100, 10)"]
PROBLEM = Problem("python", "AssertionError", "110.0", [Frame("cart.py", 9, "discount", in_repo=True)])
NO_EDIT = "<think>hmm</think>The bug is in discount, change the plus to a minus."
WRONG = FIX_REPLY.replace("total - total", "total * total")


def _loop(repo, replies, **kw):
    backend = ScriptedBackend(replies)
    return backend, make_loop(PROBLEM, "## Problem\n...", backend, repo, CHECK, timeout_s=60, **kw)


def test_feedback_until_verified(cart_repo):
    before = snapshot(cart_repo)
    backend, loop = _loop(cart_repo, [NO_EDIT, WRONG, FIX_REPLY])
    events = list(loop.run())
    kinds = [type(e) for e in events if not isinstance(e, (ThinkingDelta, AnswerDelta, Usage))]
    assert kinds == [AttemptStarted, PatchRejected,
                     AttemptStarted, PatchProposed, VerificationStarted, PatchVerified,
                     AttemptStarted, PatchProposed, VerificationStarted, PatchVerified]
    assert not any(isinstance(e, Done) for e in events)
    assert [a.verified for a in loop.attempts] == [False, False, True]
    assert loop.best is loop.attempts[2]
    assert loop.attempts[0].rejected_reason.startswith("the reply contains no edits")
    # same prefix each time (KV cache reuse); retries summarise the earlier attempt instead of replaying it
    first, second, third = (r.messages for r in backend.requests)
    assert second[: len(first)] == first and third[: len(first)] == first
    assert len(second) == len(third) == len(first) + 1
    assert "You proposed this fix" in third[-1].content and "total * total" in third[-1].content
    assert "could not be applied" in second[-1].content and "no edits" in second[-1].content
    assert "It still fails" in third[-1].content and "AssertionError" in third[-1].content
    assert all("<think>" not in m.content and "hmm" not in m.content for m in third if m.role == "assistant")
    assert loop.history[-1].role == "assistant"
    assert snapshot(cart_repo) == before


def test_stops_after_attempts_and_ranks_by_failures(cart_repo):
    _, loop = _loop(cart_repo, [WRONG], attempts=2)
    list(loop.run())
    assert len(loop.attempts) == 2 and not any(a.verified for a in loop.attempts)
    assert loop.best is loop.attempts[0]  # same failures and size: the earliest


def test_samples_per_attempt_stop_at_first_verified(cart_repo):
    """A backend that decodes one reply at a time: the candidates come one after another, each verified
    beside the next one's decoding; once one is verified, no later candidate is run."""
    backend, loop = _loop(cart_repo, [WRONG, FIX_REPLY, WRONG], attempts=2, samples=3)
    events = list(loop.run())
    assert [(a.index, a.sample) for a in loop.attempts] == [(1, 1), (1, 2), (1, 3)]
    assert loop.best.sample == 2 and backend.calls == 3  # the scripted replies come faster than a test run
    assert [a.verified for a in loop.attempts] == [False, True, False]
    assert "verified first" in loop.attempts[2].reason
    assert [a.to_json()["state"] for a in loop.attempts] == ["failed", "verified", "stopped"]
    assert [e.sample for e in events if isinstance(e, PatchVerified)] == [1, 2]
    assert [type(e) for e in events[:3]] == [AttemptStarted] * 3


def test_no_verification_without_command_or_in_baseline_mode(cart_repo):
    backend = ScriptedBackend([FIX_REPLY])
    loop = make_loop(PROBLEM, "ctx", backend, cart_repo, None, attempts=3, verify=False)
    events = list(loop.run())
    assert not any(isinstance(e, VerificationStarted) for e in events)
    assert len(loop.attempts) == 1 and loop.best.patch is not None and not loop.best.verified


def test_without_command_stops_at_first_patch_but_retries_rejections(cart_repo):
    backend = ScriptedBackend([NO_EDIT, FIX_REPLY])
    loop = make_loop(PROBLEM, "ctx", backend, cart_repo, None, attempts=3)
    list(loop.run())
    assert [a.patch is not None for a in loop.attempts] == [False, True]
    assert not loop.best.verified


def test_cancel_leaves_tree_untouched(cart_repo):
    before = snapshot(cart_repo)
    backend = ScriptedBackend([FIX_REPLY], delay_s=0.05, chunk_size=2)
    loop = make_loop(PROBLEM, "ctx", backend, cart_repo, CHECK, attempts=3)
    seen = []
    for ev in loop.run():
        seen.append(ev)
        if len(seen) == 5:
            threading.Timer(0.01, loop.cancel).start()
    assert loop.cancelled and len(loop.attempts) == 1 and loop.best is None
    assert snapshot(cart_repo) == before


class Broken(ScriptedBackend):
    def generate(self, request):
        yield Error("model worker died (signal 9)", fatal=True)


def test_fatal_backend_error_stops(cart_repo):
    loop = make_loop(PROBLEM, "ctx", Broken(["x"]), cart_repo, CHECK, attempts=3)
    events = list(loop.run())
    assert isinstance(events[-1], Error) and events[-1].fatal
    assert len(loop.attempts) == 1 and loop.best is None


def test_edit_to_unknown_file_is_rejected_and_loop_goes_on(cart_repo):
    unknown = "nowhere.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n"
    _, loop = _loop(cart_repo, [unknown, FIX_REPLY])
    events = list(loop.run())
    rejected = [e for e in events if isinstance(e, PatchRejected)]
    assert "nowhere.py does not exist" in rejected[0].reason
    assert loop.best.verified


def test_function_format_models_are_asked_for_whole_functions(cart_repo):
    from rdebug.events import ModelProfile, ModelStats

    reply = ("The discount is added.\n\ncart.py\n```python\ndef discount(total, percent):\n"
             "    return total - total * percent / 100\n```\n")
    backend, loop = _loop(cart_repo, ["no code here", reply], focus=False)  # the open request
    backend.stats = ModelStats("small", profile=ModelProfile(thinking_mode="prompted", edit_format="function"))
    list(loop.run())
    assert [a.verified for a in loop.attempts] == [False, True]
    system, retry = backend.requests[0].messages[0].content, backend.requests[1].messages[-1].content
    assert "complete fixed function" in system and "cart.py" in system
    assert "the exact existing lines to change" not in system  # no template for a small model to copy
    assert "complete fixed function" in retry and "SEARCH/REPLACE blocks against" not in retry


def test_thinking_follows_the_model_default_unless_set(cart_repo):
    from rdebug.events import ModelProfile, ModelStats

    for flag, expected in ((None, False), (True, True)):
        backend, loop = _loop(cart_repo, [FIX_REPLY], thinking=flag)
        backend.stats = ModelStats("small", profile=ModelProfile(thinking_mode="prompted", think_default=False))
        list(loop.run())
        assert backend.requests[0].thinking is expected
        assert ("think step by step" in backend.requests[0].messages[0].content) is expected


def test_a_repeated_failed_patch_is_resampled_not_counted(cart_repo):
    """Issue 21 §2: a reply repeating a tried fix is no attempt: it is not run, a fresh hotter sample replaces it."""
    backend, loop = _loop(cart_repo, [WRONG, WRONG, FIX_REPLY])
    events = list(loop.run())
    verifications = [e for e in events if isinstance(e, VerificationStarted)]
    assert len(verifications) == 2  # attempt 1 and the resample of attempt 2; the repeat never ran
    resampled = [e for e in events if isinstance(e, AttemptResampled)]
    assert [(e.attempt, e.sample) for e in resampled] == [(2, 1)] and "repeated attempt 1" in resampled[0].reason
    assert [a.index for a in loop.attempts] == [1, 2] and loop.repeats == 1
    assert loop.attempts[1].verified and loop.attempts[1].repeat_of is None
    assert backend.requests[2].explore and backend.requests[2].messages == backend.requests[1].messages


def test_replies_that_change_nothing_are_resampled_a_bounded_number_of_times(cart_repo):
    unchanged = FIX_REPLY.replace("total - total", "total + total")  # the code as it is
    backend, loop = _loop(cart_repo, [unchanged] * 6, attempts=1)
    events = list(loop.run())
    assert len(backend.requests) == 1 + MAX_RESAMPLES and loop.repeats == MAX_RESAMPLES
    assert len(loop.attempts) == 1 and not any(isinstance(e, VerificationStarted) for e in events)


def test_the_feedback_lists_every_fix_already_tried(cart_repo):
    wrong2 = FIX_REPLY.replace("total - total", "total / total")
    wrong3 = FIX_REPLY.replace("total - total", "total % total")
    backend, loop = _loop(cart_repo, [WRONG, wrong2, wrong3, FIX_REPLY], attempts=4)
    list(loop.run())
    last = backend.requests[3].messages[-1].content
    assert "Fixes already tried that failed" in last and "attempt 1:" in last and "total * total" in last


def test_a_follow_up_question_is_answered_once_and_verified_only_with_a_fix(cart_repo):
    from rdebug.prompts import question_turn
    from rdebug.runtime.base import ChatMessage

    history = [ChatMessage("user", question_turn("why does discount add?"))]
    backend, loop = _loop(cart_repo, [NO_EDIT, FIX_REPLY], history=history, question=True)
    events = list(loop.run())
    assert len(backend.requests) == 1 and len(loop.attempts) == 1
    assert not any(isinstance(e, (PatchRejected, PatchProposed)) for e in events)
    assert loop.attempts[0].patch is None and loop.attempts[0].rejected_reason is None
    assert "Answer the question above" in backend.requests[0].messages[-1].content
    assert loop.history[-1].role == "assistant"
    # a question whose reply holds a fix: the fix is verified like any other
    backend, loop = _loop(cart_repo, [FIX_REPLY], history=history, question=True)
    list(loop.run())
    assert [a.verified for a in loop.attempts] == [True]


def test_questions_and_hints_are_told_apart():
    from rdebug.prompts import is_question

    for text in ("why was page 3 rejected?", "what does pages hold", "is the check wrong?", "Explain line 14",
                 "How do I run it?"):
        assert is_question(text), text
    for text in ("the bug is in the parser, not the lexer", "try the range check?", "fix it in paging.py",
                 "use <= in the check", "", "   "):
        assert not is_question(text), text


def test_a_reply_cut_short_is_reported_with_its_attempt(cart_repo):
    from rdebug.events import Status

    class Looping(ScriptedBackend):
        def generate(self, request):
            for ev in super().generate(request):
                yield Done("repetition") if isinstance(ev, Done) else ev

    loop = make_loop(PROBLEM, "## Problem\n...", Looping([FIX_REPLY]), cart_repo, CHECK, timeout_s=60)
    events = list(loop.run())
    notes = [e.message for e in events if isinstance(e, Status)]
    assert notes == ["attempt 1: the model kept repeating itself, so its reply was stopped"]
    assert loop.attempts[0].verified  # what came before the cut is still used


def test_a_reply_using_undefined_names_is_rejected_before_any_test_run(cart_repo):
    """Issue 21 §1: pyflakes finds the names the patch makes undefined; no test runs, the feedback names them."""
    undefined = FIX_REPLY.replace("total - total * percent / 100", "base - base * rate / 100")
    backend, loop = _loop(cart_repo, [undefined, FIX_REPLY], attempts=2)
    events = list(loop.run())
    started = [e for e in events if isinstance(e, VerificationStarted)]
    assert len(started) == 1 and loop.prechecked == 1  # only the second attempt ran the tests
    first = loop.attempts[0]
    assert first.precheck and first.failures is None and first.reason.startswith("not run:")
    assert "`base`" in first.reason and "`rate`" in first.reason and "discount()" in first.reason
    feedback = backend.requests[1].messages[-1].content
    assert "Your fix was not run" in feedback and "`base`" in feedback and "`total`" in feedback
    assert loop.attempts[1].verified
