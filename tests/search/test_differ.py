"""Issue 22 §3: when two verified fixes disagree, an input on which their results differ is found (from the
failing test's recorded call, varied) and shown to the model in the choice request and to the user."""

from __future__ import annotations

import sys

import pytest

from rdebug.intake.model import IntakeRequest
from rdebug.job import Job
from rdebug.patch.diff import make_patch
from rdebug.pipeline import gather
from rdebug.search.differ import changed_function, distinguish, nearby_inputs
from rdebug.search.explain import choose_request

pytestmark = pytest.mark.calls  # the call record runs (it gives the test's call of the function)

ROWS = '''def rows(text):
    """The data rows of a ';'-separated table: every line but the header."""
    lines = text.split("\\n")
    return [lines[i].split(";") for i in range(1, len(lines) - 1)]
'''
TEST = '''from table import rows


def test_two_rows():
    assert len(rows("h;x\\na;1\\nb;2")) == 2
'''


def _job(tmp_path, test=TEST):
    root = tmp_path / "t"
    (root / "tests").mkdir(parents=True)
    (root / "table.py").write_text(ROWS)
    (root / "tests" / "test_table.py").write_text(test)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_table.py"]
    problem = gather(IntakeRequest(root=root, command=command, timeout_s=60)).problems[0]
    return Job(root=root, problem=problem, context=None, prompt_text="", hashes={}, command=command,
               timeout_s=60), root


def _fixes():
    right = make_patch({"table.py": (ROWS, ROWS.replace("range(1, len(lines) - 1)", "range(1, len(lines))"))})
    wrong = make_patch({"table.py": (ROWS, ROWS.replace("range(1, len(lines) - 1)", "range(0, len(lines) - 1)"))})
    return right, wrong


def test_the_fixes_differ_on_a_nearby_input(tmp_path):
    job, root = _job(tmp_path)
    right, wrong = _fixes()
    assert changed_function([right, wrong]) == ("table.py", "rows")
    diff = distinguish(job, [right, wrong])
    assert diff is not None and diff.found and diff.call.startswith("rows(")
    assert diff.results[0] != diff.results[1] and "['h', 'x']" in diff.results[1]
    text = diff.text()
    assert text.startswith("The fixes differ on an input: Fix A: rows(") and "Fix B: rows(" in text
    assert (root / "table.py").read_text() == ROWS  # probed in scratch copies only
    asked = choose_request([], [], [("A", right.diff), ("B", wrong.diff)], "verified", False, None, text)
    assert "The fixes differ on an input" in asked.messages[-1].content


def test_when_no_input_differs_it_says_so(tmp_path):
    job, _root = _job(tmp_path)
    right, _wrong = _fixes()
    same = make_patch({"table.py": (ROWS, ROWS.replace("range(1, len(lines) - 1)", "range(1, len(lines) + 0)"))})
    diff = distinguish(job, [right, same])
    assert diff is not None and not diff.found and "No input among the" in diff.text()


def test_nearby_inputs_vary_one_argument_at_a_time():
    inputs = nearby_inputs([["'a\\nb'", "3"]])
    assert inputs[0] == "('a\\nb', 3)" and "('a', 3)" in inputs and "('a\\nb', 4)" in inputs
    assert nearby_inputs([["<object at 0x1>"]]) == []  # a repr that is no literal is skipped


def test_the_difference_goes_with_the_attempt_into_json():
    from rdebug.job import Attempt

    attempt = Attempt(1, source="search", label="found by search: `1` → `0` in table.py:4", difference="The fixes differ")
    assert attempt.to_json()["difference"] == "The fixes differ"
    assert "difference" not in Attempt(2).to_json()


LONG_TEST = '''from table import rows


def test_four_rows():
    assert len(rows("name;qty\\napple;3\\npear;5\\nplum;7\\nfig;11")) == 4
'''


def test_a_long_argument_is_probed_whole_not_as_its_shortened_repr(tmp_path):
    job, root = _job(tmp_path, LONG_TEST)
    right, wrong = _fixes()
    diff = distinguish(job, [right, wrong])
    assert diff is not None and diff.found
    assert "..." not in diff.call and "apple;3" in diff.call and "plum;7" in diff.call  # the call record's short
    assert "['name', 'qty']" in diff.results[1]  # repr of the table is cut at 40 characters; the probe's is not


def test_the_call_record_keeps_a_shortened_literal_whole():
    from rdebug.facts.callplugin.shortrepr import exact_repr, short_repr
    from rdebug.facts.callrecord import Call

    text = "name;qty\n" + "apple;3\n" * 10
    short = short_repr(text)
    assert "..." in short and exact_repr(text, short) == repr(text)
    assert exact_repr("short", short_repr("short")) is None  # not shortened: nothing more to keep
    assert exact_repr(object(), "<object>") is None  # not a literal
    call = Call.from_json({"name": "rows", "file": "t.py", "line": 1, "args": [["text", short, repr(text)]]})
    assert call.args == [("text", short)] and call.exact == {"text": repr(text)}
    assert Call.from_json(call.to_json()) == call
