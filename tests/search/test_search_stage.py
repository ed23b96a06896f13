"""The search as the pipeline's first candidate source: a real bench case fixed end to end by `rdebug fix`
with a useless model, the model asked to explain the found fix, and the switch that turns it off."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rdebug.cli import main, parse_args
from rdebug.config import Config, load_config
from rdebug.intake.model import IntakeRequest
from rdebug.evaluation.cases import case_argv, load_cases, prepare_repo
from rdebug.pipeline import Pipeline, RoundOptions, gather
from rdebug.runtime.fake import ScriptedBackend

pytestmark = pytest.mark.search

CASES = Path(__file__).resolve().parents[2] / "bench" / "cases"
USELESS = "<think>Hmm.</think>I am not sure what is wrong here."
EXPLANATION = "<think>The boundary.</think>Age 65 is a senior, so the comparison must include it. Real cause: yes"


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _case(tmp_path: Path, name: str):
    case = next(c for c in load_cases(CASES) if c.name == name)
    return case, prepare_repo(case, tmp_path / name)


def test_fix_finds_a_bench_bug_by_search_with_a_useless_model(tmp_path, capsys):
    case, root = _case(tmp_path, "16-ticket-age-boundary")
    replies = tmp_path / "reply.txt"
    replies.write_text(USELESS)
    before = (root / "tickets.py").read_text()
    code = main(["fix", "--root", str(root), "--backend", f"replay:{replies}", "--attempts", "1", "--json",
                 "--", *case_argv(case.command)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["verified"] is True and doc["source"] == "search"
    assert "+    if age >= SENIOR_FROM:" in doc["patch"]
    found = [a for a in doc["attempts"] if a.get("source") == "search"]
    assert [a["label"] for a in found] == ["found by search: `>` → `>=` in tickets.py:16"]
    assert (root / "tickets.py").read_text() == before  # not applied without --yes
    assert doc["explanation"] == "I am not sure what is wrong here."  # the model's words on the found fix


def test_fix_prints_the_models_explanation_of_a_search_fix_without_a_terminal(tmp_path, capsys):
    case, root = _case(tmp_path, "16-ticket-age-boundary")
    replies = tmp_path / "reply.txt"
    replies.write_text(EXPLANATION)
    code = main(["fix", "--root", str(root), "--backend", f"replay:{replies}", "--attempts", "1",
                 "--", *case_argv(case.command)])
    err = capsys.readouterr().err
    assert code == 0
    assert "the model's explanation: Age 65 is a senior, so the comparison must include it." in err


def _round(root: Path, case, backend, **cfg):
    pipeline = Pipeline(Config(**{"attempts": 1, **cfg}), lambda _cfg: backend)
    list(pipeline.load())
    intake = gather(IntakeRequest(root=root, command=case_argv(case.command), timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    return rnd, list(rnd.run())


def test_the_model_explains_a_fix_the_search_found(tmp_path):
    case, root = _case(tmp_path, "16-ticket-age-boundary")
    backend = ScriptedBackend([EXPLANATION])
    pipeline = Pipeline(Config(attempts=1, search_beside=False), lambda _cfg: backend)
    list(pipeline.load())
    intake = gather(IntakeRequest(root=root, command=case_argv(case.command), timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    events = list(rnd.run())
    best = rnd.best
    assert best.source == "search" and best.verified
    assert len(backend.requests) == 1  # the explanation only: the verified search fix ended the round
    asked = backend.requests[0].messages[-1].content
    assert "`>` → `>=` in tickets.py:16" in asked and "+    if age >= SENIOR_FROM:" in asked
    assert "Real cause: yes" in best.answer and "boundary" in best.thinking
    assert rnd.history[-1].role == "assistant" and "Real cause" in rnd.history[-1].content
    started = [e for e in events if type(e).__name__ == "AttemptStarted"]
    assert [(e.source, e.label) for e in started] == [("search", best.label)]
    assert "verified by the failing test only" not in best.reason  # the case's other tests ran too
    assert rnd.search.tried >= 1


def test_beside_the_model_a_search_fix_halts_the_decoding_model_and_is_explained(tmp_path):
    case, root = _case(tmp_path, "16-ticket-age-boundary")
    slow = "<think>" + "Let me look at every line of the ticket code very carefully. " * 40 + "</think>No idea."
    backend = ScriptedBackend([slow, EXPLANATION], delay_s=0.05, chunk_size=2)
    rnd, events = _round(root, case, backend)
    best = rnd.best
    assert best.source == "search" and best.verified and best.index == 2
    model = rnd.attempts[0]
    assert model.source == 'model'
    assert model.rejected_reason == "stopped: the search found a verified fix"
    assert len(model.thinking) < len(slow) // 2  # stopped while it decoded
    assert len(backend.requests) == 2 and "`>` → `>=` in tickets.py:16" in backend.requests[1].messages[-1].content
    assert "Real cause: yes" in best.answer
    started = [(e.attempt, e.source) for e in events if type(e).__name__ == "AttemptStarted"]
    assert started == [(1, "model"), (2, "search")]
    statuses = [e.message for e in events if type(e).__name__ == "Status"]
    assert any(m.startswith("search: trying") for m in statuses)


def test_beside_the_model_a_model_fix_verified_first_stops_the_search(tmp_path):
    case, root = _case(tmp_path, "16-ticket-age-boundary")
    fix = ("tickets.py\n```python\n<<<<<<< SEARCH\n    if age > SENIOR_FROM:\n=======\n"
           "    if age >= SENIOR_FROM:\n>>>>>>> REPLACE\n```\n")
    backend = ScriptedBackend([fix])
    rnd, _events = _round(root, case, backend, search_seconds=600)
    assert rnd.best is not None and rnd.best.verified
    assert not any(a.source == "search" for a in rnd.attempts)  # the search stopped, unreported
    assert len(backend.requests) == 1  # no explanation asked: the model's own fix


def test_search_first_runs_the_search_before_the_model():
    _, args = parse_args(["fix", "--search-first"])
    assert args.search_beside is False and Config().search_beside is True
    assert RoundOptions.from_config(Config(search_beside=False)).search_beside is False


def test_no_search_turns_the_stage_off():
    _, args = parse_args(["fix", "--no-search"])
    assert args.search is False
    assert load_config(None, {"search": False}).search is False
    assert RoundOptions.from_config(Config(search=False)).search is False
    assert Config().search is True and Config().search_max == 300 and Config().search_seconds == 60


def test_search_off_leaves_the_round_to_the_model(tmp_path):
    case, root = _case(tmp_path, "16-ticket-age-boundary")
    backend = ScriptedBackend([USELESS])
    pipeline = Pipeline(Config(attempts=1, search=False), lambda _cfg: backend)
    list(pipeline.load())
    intake = gather(IntakeRequest(root=root, command=case_argv(case.command), timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    list(rnd.run())
    assert not any(a.verified for a in rnd.attempts)
    assert rnd.search is None and len(backend.requests) == 1  # no search source in the round


def test_verified_by_the_failing_test_only_when_the_project_has_no_other_tests(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "limits.py").write_text("def within(value, limit):\n    return value < limit\n")
    (root / "check.py").write_text("from limits import within\n\nassert within(3, 3), 'within(3, 3) is False'\n")
    backend = ScriptedBackend(["It is the comparison. Real cause: yes"])
    pipeline = Pipeline(Config(attempts=1), lambda _cfg: backend)
    list(pipeline.load())
    intake = gather(IntakeRequest(root=root, command=[sys.executable, "check.py"], timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    list(rnd.run())
    assert rnd.best.verified and "verified by the failing test only" in rnd.best.reason


def test_eval_reports_which_source_fixed_each_case(tmp_path, capsys):
    replies = tmp_path / "reply.txt"
    replies.write_text(USELESS)
    code = main(["eval", str(CASES), "--only", "16-ticket", "--backend", f"replay:{replies}", "--attempts", "1",
                 "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["fixed"] == 1 and doc["search"] is True
    assert doc["fixed_by_search"] == 1 and doc["fixed_by_model"] == 0
    assert doc["results"][0]["source"] == "search" and doc["results"][0]["search_tried"] >= 1
    assert doc["search_candidates_tried"] >= 1 and doc["search_median_seconds"] is not None


def test_a_fix_of_only_one_of_the_failing_tests_is_not_reported(tmp_path):
    """`(x - 1) + 2` makes test_add pass but test_both still fails: plausible but wrong, so not verified."""
    root = tmp_path / "proj"
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text("def add(x):\n    return x + 2\n\n\ndef other(x):\n    return x * 5\n")
    (root / "tests" / "test_calc.py").write_text(
        "from calc import add, other\n\n\ndef test_add():\n    assert add(1) == 2\n\n\n"
        "def test_both():\n    assert add(1) == 2 and other(1) == 7\n")
    backend = ScriptedBackend([USELESS])
    pipeline = Pipeline(Config(attempts=1), lambda _cfg: backend)
    list(pipeline.load())
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    intake = gather(IntakeRequest(root=root, command=command, timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    list(rnd.run())
    assert rnd.search.tried >= 1
    assert not any(a.verified for a in rnd.attempts)
