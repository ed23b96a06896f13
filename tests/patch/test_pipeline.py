"""One pipeline for the TUI session, `rdebug fix` and `rdebug eval`: its stages, its candidate seam, its one
way to load a model and its one regression-command rule."""

from __future__ import annotations

import json
import sys

import pytest
from helpers_patch import CART, CART_TEST, FIX_REPLY

from rdebug import pipeline as pipeline_module
from rdebug.cli import main
from rdebug.config import Config
from rdebug.errors import ModelError
from rdebug.events import Done, Error, ModelLoading, PatchVerified, Status
from rdebug.intake.detect import detect_test_command
from rdebug.intake.model import IntakeRequest, Problem
from rdebug.patch.diff import Patch
from rdebug.job import Attempt
from rdebug.pipeline import Pipeline, model_source, regression_command
from rdebug.rounds import Composed
from rdebug.runtime.fake import ScriptedBackend
from rdebug.session import DebugSession

CHECK = "import cart; assert cart.discount(100, 10) == 90, cart.discount(100, 10)"
COMMAND = [sys.executable, "-c", CHECK]


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")


class Probe:
    """A candidate source that proposes nothing and records the job it was given."""

    seen: list = []

    def __init__(self, job, backend, opts) -> None:
        self.attempts: list = []
        self.history = list(opts.history)
        Probe.seen.append(job)

    def run(self):
        yield Status("probe source ran")

    def cancel(self) -> None:
        pass


def test_the_session_fix_and_eval_all_run_the_pipelines_candidate_sources(cart_repo, tmp_path, monkeypatch,
                                                                          capsys):
    Probe.seen = []
    monkeypatch.setattr(pipeline_module, "COMPOSE", lambda job, backend, opts: Composed(
        [Probe(job, backend, opts), model_source(job, backend, opts)], []))
    replies = tmp_path / "replies.txt"
    replies.write_text(FIX_REPLY)

    session = DebugSession(cart_repo, Config(attempts=1), IntakeRequest(cart_repo, command=COMMAND, timeout_s=60),
                           lambda _cfg: ScriptedBackend([FIX_REPLY]))
    events = list(session.start())
    assert any(isinstance(e, Status) and e.message == "probe source ran" for e in events)
    assert [e.verified for e in events if isinstance(e, PatchVerified)] == [True]

    assert main(["fix", "--root", str(cart_repo), "--backend", f"replay:{replies}", "--json", "--", *COMMAND]) == 0
    assert json.loads(capsys.readouterr().out)["verified"] is True

    case = tmp_path / "cases" / "01-cart"
    (case / "repo").mkdir(parents=True)
    (case / "repo" / "cart.py").write_text(CART)
    (case / "repo" / "test_cart.py").write_text(CART_TEST)
    (case / "case.toml").write_text('command = "python -m pytest -q -p no:cacheprovider test_cart.py"\n')
    assert main(["eval", str(case.parent), "--backend", f"replay:{replies}", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fixed"] == 1

    session_job, fix_job, eval_job = Probe.seen
    assert session_job.root == fix_job.root == cart_repo and session_job.command == fix_job.command == COMMAND
    assert session_job.hashes == fix_job.hashes and session_job.prompt_text == fix_job.prompt_text
    assert session_job.regression_cmd == fix_job.regression_cmd == detect_test_command(cart_repo)
    assert eval_job.root.name == "01-cart" and eval_job.regression_cmd is None  # the case command is the suite


def _verified_source(job, backend, opts):
    class Verified(Probe):
        def run(self):
            attempt = Attempt(1, patch=Patch({"cart.py": (CART, CART.replace("total +", "total -"))}),
                              verified=True, tests_pass=True)
            self.attempts.append(attempt)
            yield PatchVerified(1, True)

    return Verified(job, backend, opts)


def _loaded(repo, backend, sources=None) -> Pipeline:
    pipe = Pipeline(Config(attempts=1), lambda _cfg: backend, sources)
    assert any(isinstance(e, ModelLoading) for e in pipe.load())
    return pipe


def test_a_verified_candidate_from_an_earlier_source_ends_the_round(cart_repo):
    backend = ScriptedBackend([FIX_REPLY])
    pipe = _loaded(cart_repo, backend, [_verified_source, model_source])
    problem = Problem("python", "AssertionError", "110.0")
    rnd = pipe.candidates(pipe.prepare(problem, cart_repo, COMMAND, regressions=False))
    list(rnd.run())
    assert backend.calls == 0 and rnd.best is rnd.attempts[0] and rnd.best.verified


def test_an_earlier_source_without_a_fix_hands_on_to_the_model(cart_repo):
    Probe.seen = []
    backend = ScriptedBackend([FIX_REPLY])
    pipe = _loaded(cart_repo, backend, [Probe, model_source])
    from rdebug.intake.model import Frame

    problem = Problem("python", "AssertionError", "110.0", [Frame("cart.py", 9, "discount", in_repo=True)])
    rnd = pipe.candidates(pipe.prepare(problem, cart_repo, COMMAND, regressions=False))
    events = list(rnd.run())
    assert isinstance(events[0], Status) and backend.calls == 1
    assert rnd.best is not None and rnd.best.verified and len(rnd.history) == 1  # the model's reply is kept


class NoModel(ScriptedBackend):
    """A backend whose model cannot load."""

    def __init__(self) -> None:
        super().__init__(["unused"])
        self.closed = 0

    def load(self):
        yield ModelLoading(0.1, "loading")
        yield Error("no such model file", fatal=True)

    def close(self) -> None:
        self.closed += 1


def test_a_model_that_cannot_load_is_one_error_event_then_model_error():
    backend = NoModel()
    pipe = Pipeline(Config(), lambda _cfg: backend)
    events = []
    with pytest.raises(ModelError, match="no such model file"):
        for ev in pipe.load():
            events.append(ev)
    assert [type(e) for e in events] == [ModelLoading, Error]
    assert backend.closed == 1 and pipe.backend is None and pipe.ready is None


def test_the_session_shows_a_failed_load_once_and_tries_again_on_the_next_request(cart_repo):
    opened = []

    def factory(_cfg):
        opened.append(NoModel())
        return opened[-1]

    session = DebugSession(cart_repo, Config(attempts=1), IntakeRequest(cart_repo, command=COMMAND, timeout_s=60),
                           factory)
    events = list(session.start())
    errors = [e for e in events if isinstance(e, Error)]
    assert [e.message for e in errors] == ["no such model file"] and isinstance(events[-1], Done)
    asked = list(session.ask("the sign is wrong"))
    assert [e.message for e in asked if isinstance(e, Error)] == ["no such model file"]
    assert len(opened) == 2 and all(b.closed == 1 for b in opened)


def test_one_regression_command_rule(cart_repo):
    suite = [sys.executable, "-m", "pytest", "-q"]
    assert regression_command(cart_repo, suite, COMMAND) == suite  # the configured test command
    assert regression_command(cart_repo, suite, suite) is None  # it is the failing command itself
    detected = detect_test_command(cart_repo)
    assert detected and regression_command(cart_repo, None, COMMAND) == detected
    assert regression_command(cart_repo, None, detected) is None
    pipe = _loaded(cart_repo, ScriptedBackend(["x"]))
    problem = Problem("python", "AssertionError", "110.0")
    assert pipe.prepare(problem, cart_repo, COMMAND, test_cmd=suite).regression_cmd == suite
    assert pipe.prepare(problem, cart_repo, COMMAND, test_cmd=suite, regressions=False).regression_cmd is None
