"""DebugSession keeps each failure's own state (issue 16, §1): job, attempts, conversation; re-run keeps the
selection. Real intake (pytest) on a three-failure project, recorded replies."""

from __future__ import annotations

import sys

from rdebug.config import Config
from rdebug.events import AttemptStarted, ContextBuilt, Error, PatchVerified
from rdebug.intake.model import IntakeRequest
from rdebug.runtime.replay import parse_replies
from rdebug.runtime.fake import ScriptedBackend
from rdebug.session import DebugSession

from three_failures import THREE_REPLIES, make_three_failure_repo

COMMAND = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def test_each_failure_has_its_own_attempts_and_rerun_keeps_the_selection(tmp_path):
    repo = make_three_failure_repo(tmp_path / "repo")
    backend = ScriptedBackend(parse_replies(THREE_REPLIES))
    session = DebugSession(repo, Config(attempts=1), IntakeRequest(repo, command=COMMAND, timeout_s=60),
                           lambda _cfg: backend)
    first = list(session.start())
    assert len(session.problems) == 3 and "test_mean" in session.problem.test_id
    assert [e.verified for e in first if isinstance(e, PatchVerified)] == [True]

    chosen = list(session.select_problem(1))  # not started yet: its own repair runs
    assert "test_median" in session.problem.test_id
    assert sum(isinstance(e, AttemptStarted) for e in chosen) == 1
    assert [e.verified for e in chosen if isinstance(e, PatchVerified)] == [True]
    assert len(session.attempts) == 1 and "median" in session.attempts[0].patch.diff

    resumed = list(session.select_problem(0))  # started already: resumed, nothing runs
    assert [type(e) for e in resumed] == [ContextBuilt]
    assert len(session.attempts) == 1 and "if not values" in session.attempts[0].patch.diff
    assert len(backend.requests) == 2

    list(session.select_problem(1))
    list(session.rerun())
    assert "test_median" in session.problem.test_id  # still the chosen failure
    assert len(session.attempts) == 1


def test_an_intake_failure_at_start_is_fatal_with_the_headless_exit_code(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    session = DebugSession(empty, Config(), IntakeRequest(empty), lambda _cfg: ScriptedBackend(["x"]))
    events = list(session.start())
    errors = [e for e in events if isinstance(e, Error)]
    assert len(errors) == 1 and errors[0].fatal and errors[0].exit_code == 5, events


def test_a_backend_that_cannot_open_is_fatal_with_exit_code_3(tmp_path):
    repo = make_three_failure_repo(tmp_path / "repo")
    session = DebugSession(repo, Config(attempts=1, backend=f"replay:{tmp_path / 'missing.txt'}"),
                           IntakeRequest(repo, command=COMMAND, timeout_s=60))
    events = list(session.start())
    errors = [e for e in events if isinstance(e, Error)]
    assert len(errors) == 1 and errors[0].fatal and errors[0].exit_code == 3, events
    assert "missing.txt" in errors[0].message
