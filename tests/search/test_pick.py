"""Issue 22 §3: when verified fixes differ on an input, each result is scored as the model's answer to what the
call returns; the likeliest picks its fix when it leads clearly, else the search's order stands."""

from __future__ import annotations

import sys

import pytest

from rdebug.config import Config
from rdebug.events import FixesCompared, Status
from rdebug.intake.model import IntakeRequest
from rdebug.pipeline import Pipeline, gather
from rdebug.runtime.base import ChatMessage
from rdebug.runtime.fake import ScriptedBackend
from rdebug.search.differ import Difference
from rdebug.search.pick import MARGIN, answer_text, fixed_versions, pick_fix

DIFF = Difference("rows", "rows('h;x\\na;1')", ("[['a', '1']]", "[['h', 'x']]"), 3, "def rows(text): ...")


def _run(gen):
    events = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            return stop.value, events


def _prefers(text: str, lead: float = 5.0):
    """A model to which the result holding ``text`` is ``lead`` nats likelier than the others."""
    def scores(request):
        return [-1.0 if text in c else -1.0 - lead for c in request.continuations]
    return scores


def test_the_result_the_model_expects_picks_its_fix():
    backend = ScriptedBackend(["unused"])
    backend.continuation_scores = _prefers("[['h', 'x']]")
    prefix = [ChatMessage("user", "the failing test and its context")]
    pick, events = _run(pick_fix(backend, prefix, DIFF, []))
    assert pick.index == 1 and pick.sure and pick.shares[1] > 0.99
    asked = backend.choice_requests[-1]
    assert [m.role for m in asked.messages] == ["system", "user"]  # the function alone, not the weak test
    assert asked.continuations == ["returns `[['a', '1']]`", "returns `[['h', 'x']]`"] and asked.prefill == "It "
    assert "def rows(text): ..." in asked.messages[-1].content and "rows('h;x" in asked.messages[-1].content
    assert any(isinstance(e, Status) and "(chosen)" in e.message for e in events)
    backend.continuation_scores = _prefers("[['a', '1']]")
    assert _run(pick_fix(backend, [], DIFF, []))[0].index == 0


def test_a_close_call_keeps_the_search_order():
    backend = ScriptedBackend(["unused"])
    backend.continuation_scores = _prefers("[['h', 'x']]", lead=MARGIN / 2)
    pick, events = _run(pick_fix(backend, [], DIFF, []))
    assert pick.index == 0 and not pick.sure and "too close" in events[-1].message


def test_no_scores_keep_the_search_order():
    class Silent(ScriptedBackend):
        def generate(self, request):
            yield from ()

    pick, events = _run(pick_fix(Silent(["unused"]), [], DIFF, []))
    assert pick.index == 0 and not pick.logprobs and not events  # the round then asks in words


def test_a_raised_error_reads_as_raised():
    assert answer_text("raises ValueError") == "raises `ValueError`" and answer_text("3") == "returns `3`"


ROWS = '''def rows(text):
    """The data rows of a ';'-separated table: every line but the header."""
    lines = text.split("\\n")
    return [lines[i].split(";") for i in range(1, len(lines) - 1)]
'''


@pytest.mark.search
@pytest.mark.calls
@pytest.mark.parametrize("intended, kept, dropped", [("['b', '2']", "range(1, len(lines))", "range(0"),
                                                     ("['h', 'x']", "range(0, len(lines) - 1)", "range(1, len")])
def test_the_round_reports_the_fix_whose_result_the_model_intends(tmp_path, monkeypatch, intended, kept, dropped):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = tmp_path / "proj"
    (root / "tests").mkdir(parents=True)
    (root / "table.py").write_text(ROWS)
    (root / "tests" / "test_table.py").write_text(
        'from table import rows\n\n\ndef test_two_rows():\n    assert len(rows("h;x\\na;1\\nb;2")) == 2\n')
    backend = ScriptedBackend(["It keeps every data row and skips the header.\nReal cause: yes"])
    backend.continuation_scores = _prefers(intended)  # the data rows (right), or the header row (wrong: still obeyed)
    pipeline = Pipeline(Config(attempts=1, search_beside=False), lambda _cfg: backend)
    list(pipeline.load())
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_table.py"]
    intake = gather(IntakeRequest(root=root, command=command, timeout_s=60))
    job = pipeline.prepare(intake.problems[0], root, intake.command, regressions=False, timeout_s=60)
    rnd = pipeline.candidates(job)
    events = list(rnd.run())
    assert any(isinstance(e, Status) and e.message.startswith("the result the model expects") and "(chosen)" in e.message
               for e in events)
    found = [a for a in rnd.attempts if a.source == "search"]
    assert len(rnd.search.hits) >= 2 and rnd.search.difference.found
    best = rnd.best
    assert best.preferred and f"+{' ' * 4}return [lines[i].split(\";\") for i in {kept}" in best.patch.diff
    assert f"+    return [lines[i].split(\";\") for i in {dropped}" not in best.patch.diff
    assert best.answer.startswith("It keeps every data row") and best.difference.startswith("The fixes differ")
    assert sum(a.preferred for a in found) == 1
    shown = [e.text for e in events if isinstance(e, FixesCompared) and e.attempt == best.index]
    assert shown and shown[-1].startswith("The fixes differ") and shown[-1].endswith("(chosen).")
    assert "The result the model expects: [['a', '1'], ['b', '2']]" in shown[-1]  # its case kept
    assert (root / "table.py").read_text() == ROWS


HOURS = """function isOpen(date) {
  const hour = date.getHours();
  return hour >= OPENS || hour < CLOSES;
}

function sign(date) {
  return isOpen(date) ? 'Open' : 'Closed';
}
"""


def test_without_a_differing_input_the_fixed_code_the_model_finds_likelier_picks():
    from rdebug.patch.diff import make_patch

    wrong = make_patch({"hours.js": (HOURS, HOURS.replace("hour >= OPENS ||", "hour <= OPENS ||"))})
    right = make_patch({"hours.js": (HOURS, HOURS.replace("||", "&&"))})
    function, language, texts = fixed_versions([wrong, right])
    assert (function, language) == ("isOpen", "javascript") and "&&" in texts[1] and "sign" not in texts[1]
    backend = ScriptedBackend(["unused"])
    backend.continuation_scores = _prefers("&&")
    pick, events = _run(pick_fix(backend, [], None, [wrong, right]))
    assert pick.index == 1 and pick.what == "code" and pick.labels == ("Fix A", "Fix B")
    asked = backend.choice_requests[-1]
    assert asked.prefill == "```javascript\n" and asked.continuations[1].endswith("}\n```")
    assert "the fixed code the model finds likelier: Fix A 1%, Fix B 99% (chosen)" in events[-1].message
    other = make_patch({"sign.js": ("x\n", "y\n")})
    assert fixed_versions([wrong, other]) is None  # not one function: the model is asked in words
    assert _run(pick_fix(backend, [], None, [wrong, other]))[0] is None
