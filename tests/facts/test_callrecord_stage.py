"""The call-record stage: a scratch copy, one-line skip reasons, the snippet in the prompt and `rdebug context`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from callrecord_fixtures import SHOP, tree_hashes, write_tree

from rdebug.config import Config
from rdebug.context.model import PackedContext, Snippet
from rdebug.facts import stage
from rdebug.facts.callrecord import Call, CallRecord
from rdebug.intake.model import IntakeRequest, Problem
from rdebug.pipeline import Pipeline, gather

pytestmark = pytest.mark.calls

TEST_ID = "tests/test_ship.py::test_light_parcel"
HANGS_WHEN_TRACED = '''\
import sys

from shop.ship import ship_cost


def _traced():
    mon = getattr(sys, "monitoring", None)
    return sys.gettrace() is not None or (mon is not None and any(mon.get_tool(i) for i in range(6)))


def test_light_parcel():
    while _traced():
        pass
    assert ship_cost([{"grams": 500}]) == 1.0
'''


def _command() -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_ship.py"]


def _problem(root, command=None) -> tuple[Problem, list[str]]:
    result = gather(IntakeRequest(root=root, command=command or _command(), timeout_s=60))
    return next(p for p in result.problems if p.test_id == TEST_ID), result.command


@pytest.fixture
def shop(tmp_path):
    root = write_tree(tmp_path / "shop-repo", SHOP)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def test_the_prompt_holds_the_call_tree_with_the_wrong_value(shop):
    problem, command = _problem(shop)
    before = tree_hashes(shop)
    job = Pipeline(Config(calls=True)).prepare(problem, shop, command, regressions=False)
    assert tree_hashes(shop) == before  # nothing written into the user's tree (no .pyc, no report)
    [snip] = [s for s in job.context.snippets if s.kind == "calls"]
    assert snip.reason == "what the failing test called and returned" and snip.tokens > 0
    assert snip.path == f"calls:{TEST_ID}"
    prompt = job.prompt_text
    assert f"### calls:{TEST_ID} — what the failing test called and returned" in prompt
    assert "ship_cost(items=[{'grams': 500}, {'grams': 1000}, {'grams': 1000}]) -> 90.0" in prompt
    assert "  total_weight(items=[{'grams': 500}, {'grams': 1000}, {'grams': 1000}]) -> 2500" in prompt
    assert "  tier_for(weight=2500) -> 'freight'   [shop/ship.py:4, ran 5-6]" in prompt
    assert job.hashes and all(":" not in p for p in job.hashes)  # the note is not a file


def test_off_in_the_config_means_no_traced_run(shop, monkeypatch):
    problem, command = _problem(shop)
    monkeypatch.setattr(stage, "record_calls", lambda *a, **k: pytest.fail("recorded"))
    job = Pipeline(Config(calls=False)).prepare(problem, shop, command, regressions=False)
    assert not [s for s in job.context.snippets if s.kind == "calls"]


def test_a_test_that_hangs_under_the_tracer_is_skipped_and_the_repair_goes_on(shop, monkeypatch):
    (shop / "tests/test_ship.py").write_text(HANGS_WHEN_TRACED)
    problem, command = _problem(shop)  # fails at once when not traced
    monkeypatch.setattr(stage, "CALLS_TIMEOUT_S", 3.0)
    before = tree_hashes(shop)
    job = Pipeline(Config(calls=True)).prepare(problem, shop, command, regressions=False)
    assert tree_hashes(shop) == before
    assert "no call record: the failing test did not finish within 3 s under the call recorder" in job.context.notes
    assert not [s for s in job.context.snippets if s.kind == "calls"] and job.command


def test_a_command_that_is_not_pytest_is_skipped_with_a_reason(shop):
    problem = Problem(kind="python", exception="AssertionError", test_id=TEST_ID)
    result = stage.record_calls(problem, shop, ["node", "test.js"], 10)
    assert result.record is None and result.skipped == "the failing command is not pytest (the call record is " \
                                                       "for pytest tests)"
    assert stage.record_calls(problem, shop, None, 10).skipped == "no command reproduces the failure"
    no_id = stage.record_calls(Problem(kind="pytest"), shop, _command(), 10)
    assert no_id.skipped == "no failing test id to run alone"


def test_a_test_that_passes_alone_is_said(shop):
    problem = Problem(kind="pytest", exception="AssertionError", test_id="tests/test_ship.py::test_empty")
    result = stage.record_calls(problem, shop, _command(), 60)
    assert result.skipped == "the failing test passed when run alone under the call recorder"


def test_the_snippet_is_budgeted_like_any_other():
    rec = CallRecord("t::x", [Call("f", "a.py", 1, [("x", "1")], ret="2")])
    code = Snippet("a.py", 1, 40, "failing frame", "\n".join(f"x = {i}" for i in range(40)), priority=100)
    low = Snippet("b.py", 1, 40, "skeleton", "\n".join(f"y = {i}" for i in range(40)), priority=10)
    ctx = PackedContext(Problem(kind="pytest", message="assert 2 == 3"), [code, low], 6000, 0)
    snip = stage.call_snippet(stage.CallRecordResult(record=rec), ctx.problem)
    roomy = stage.with_snippet(ctx, snip)
    assert [s.kind for s in roomy.snippets] == ["code", "calls", "code"]
    assert "f(x=1) -> 2   [a.py:1] ◀ in the failure message" in snip.text
    tight = stage.with_snippet(PackedContext(ctx.problem, [code, low], 1020, 0), snip,
                               count_tokens=lambda text: 1000 if "y = " in text else 10)
    assert [s.path for s in tight.snippets] == ["a.py", "calls:t::x"] and tight.dropped[0].path == "b.py"
    assert tight.used_tokens <= 1020 and "1 snippet(s) did not fit the 1020-token budget" in tight.notes


def test_rdebug_context_json_shows_calls(shop):
    out = subprocess.run([sys.executable, "-m", "rdebug", "context", "--json", "--calls", "--root", str(shop),
                          "--", *_command()], capture_output=True, text=True, timeout=120)
    doc = json.loads(out.stdout)
    calls = doc["calls"]
    assert calls["recorded"] and calls["skipped"] is None and calls["test_id"] == TEST_ID
    assert calls["calls"][0]["name"] == "ship_cost" and calls["calls"][0]["ret"] == "90.0"
    off = subprocess.run([sys.executable, "-m", "rdebug", "context", "--json", "--root", str(shop),
                          "--", *_command()], capture_output=True, text=True, timeout=120)
    assert json.loads(off.stdout)["calls"] is None  # off by default
