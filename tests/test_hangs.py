"""A test that hangs is a bug to debug (issue 12, item 8): stacks dumped on timeout, parsed into a problem."""

import re
import shlex
import sys
import textwrap

import pytest

from rdebug.errors import CommandError
from rdebug.intake.collect import IntakeRequest, gather
from rdebug.intake.detect import PYTEST_ARGS, with_hang_dump
from rdebug.intake.parse import parse_failures
from rdebug.intake.parsers.hang import hung_test

PYTEST = [sys.executable, *PYTEST_ARGS]
TIMEOUT = 8  # room for a slow pytest start on a busy machine; the hang is what times out

SCHED = """\
def loop_forever(jobs):
    done = 0
    while done < len(jobs):
        if jobs[done]:
            done += 0
    return done


def drain(items):
    for _ in iter(int, 1):
        items.append(0)
        items.pop()
"""


def _repo(tmp_path, test_body: str):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "jobqueue.py").write_text(SCHED)
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_sched.py").write_text("from jobqueue import loop_forever, drain\n\n\n" + textwrap.dedent(test_body))
    (tests / "conftest.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n")
    return tmp_path


DUMP = """\
tests/test_sched.py::test_ok PASSED
tests/test_sched.py::TestLoop::test_spin Timeout (0:00:05)!
Thread 0x00007f1d1c9ff6c0 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 320 in wait
  File "/usr/lib/python3.11/threading.py", line 1002 in _bootstrap

Thread 0x00007f1d2a1b5740 (most recent call first):
  File "/work/app/jobqueue.py", line 5 in loop_forever
  File "/work/app/tests/test_sched.py", line 9 in test_spin
  File "/usr/lib/python3.11/site-packages/_pytest/python.py", line 159 in pytest_pyfunc_call
  File "<frozen runpy>", line 88 in _run_code
"""


def test_faulthandler_dump_parses_into_a_hang_problem():
    [p] = parse_failures(DUMP)
    assert p.kind == "hang" and p.exception is None
    assert p.title == "timed out in jobqueue.py:5 (in loop_forever)"
    assert p.test_id == "tests/test_sched.py::TestLoop::test_spin"  # the -v line names the running test
    # innermost last, like every other parser; the test's thread, not the helper thread
    assert [(f.path, f.line, f.function) for f in p.frames][-2:] == [
        ("/work/app/tests/test_sched.py", 9, "test_spin"), ("/work/app/jobqueue.py", 5, "loop_forever")]
    assert p.frames[0].external and "other thread at threading.py:320 in wait" in p.notes


def test_pytest_hang_is_debugged_with_the_loop_and_the_test_id(tmp_path):
    root = _repo(tmp_path, """\
        def test_fine():
            assert True


        def test_loop():
            assert loop_forever([1, 2]) == 2
        """)
    res = gather(IntakeRequest(root=root, test_cmd=PYTEST, timeout_s=TIMEOUT))
    assert res.command_result.timed_out and not res.command_result.passed
    [p] = res.problems
    assert p.kind == "hang"
    # the line is wherever the loop was when the dump came (3 to 5); the loop starts at 3
    assert re.fullmatch(r"timed out in jobqueue\.py:[345] \(in loop_forever\), inside a while loop \(line 3\)", p.title)
    assert p.test_id == "tests/test_sched.py::test_loop"
    assert p.repo_frames[-1].path == "jobqueue.py" and p.repo_frames[-2].function == "test_loop"
    assert f"timed out after {TIMEOUT} s" in res.message
    # verification reruns the stored command: it carries the same dump option
    assert res.command == with_hang_dump(PYTEST, TIMEOUT) and "faulthandler_timeout=7" in res.command


def test_hanging_test_method_gets_its_class_in_the_node_id(tmp_path):
    root = _repo(tmp_path, """\
        class TestSched:
            def test_drain(self):
                drain([])
        """)
    res = gather(IntakeRequest(root=root, test_cmd=PYTEST, timeout_s=TIMEOUT))
    [p] = res.problems
    assert p.test_id == "tests/test_sched.py::TestSched::test_drain"
    assert p.title.endswith("(in drain), inside a for loop (line 10)")


def test_plain_python_script_hang_dumps_its_stack(tmp_path):
    root = _repo(tmp_path, "")
    (root / "main.py").write_text("from jobqueue import loop_forever\n\nloop_forever([1])\n")
    res = gather(IntakeRequest(root=root, command=[sys.executable, "main.py"], timeout_s=5))
    [p] = res.problems
    assert p.kind == "hang" and "inside a while loop" in p.title
    assert [(f.path, f.function) for f in p.repo_frames] == [("main.py", "<module>"), ("jobqueue.py", "loop_forever")]


def test_timeout_without_any_stack_is_one_clear_error(tmp_path):
    with pytest.raises(CommandError, match="timed out after 1 s") as exc:
        gather(IntakeRequest(root=tmp_path, command=["sh", "-c", "sleep 30"], timeout_s=1))
    assert "\n" not in exc.value.message


@pytest.mark.parametrize("output, test", [
    ("=== RUN   TestSpin\npanic: test timed out after 2s\n\trunning tests:\n\t\tTestSpin (2s)\n", "TestSpin"),
    ("running 2 tests\ntest tests::fast ... ok\ntest tests::spin has been running for over 60 seconds\n",
     "tests::spin"),
])
def test_other_runners_name_the_test_that_hung(tmp_path, output, test):
    assert hung_test(output) == test
    script = f"printf %s {shlex.quote(output)}; sleep 60"
    res = gather(IntakeRequest(root=tmp_path, command=["sh", "-c", script], timeout_s=2))
    [p] = res.problems
    assert p.test_id == test and f"timed out while running {test}" in (p.message, *p.notes)


# --- rdebug eval: one hanging case is scored, the run goes on -----------------------------------------

SPIN = "def spin():\n    n = 0\n    while True:\n        n += 1\n"
HALF = "def half(x):\n    return x * 2\n"
HALF_FIX = """The function doubles instead of halving.

calc.py
<<<<<<< SEARCH
    return x * 2
=======
    return x / 2
>>>>>>> REPLACE
"""


def _eval_case(cases, name, files, command, timeout):
    repo = cases / name / "repo"
    repo.mkdir(parents=True)
    for rel, text in files.items():
        (repo / rel).write_text(text)
    (cases / name / "case.toml").write_text(f"command = {command!r}\ntimeout = {timeout}\n")


def test_eval_records_hanging_cases_as_not_fixed_and_goes_on(tmp_path, capsys, monkeypatch):
    import json

    from rdebug.cli import main

    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    cases = tmp_path / "cases"
    _eval_case(cases, "01-spin", {"loop.py": SPIN, "main.py": "import loop\nloop.spin()\n"}, "python main.py", 5)
    _eval_case(cases, "02-silent", {"x.txt": "x\n"}, "sleep 30", 2)
    _eval_case(cases, "03-half", {"calc.py": HALF, "check.py": "import calc\nassert calc.half(4) == 2\n"},
               "python check.py", 60)
    replies = tmp_path / "replies.txt"
    replies.write_text("no edits\n=== rdebug-replay-next ===\n" + HALF_FIX)
    assert main(["eval", str(cases), "--backend", f"replay:{replies}", "--attempts", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {r["case"]: (r["fixed"], r["error"]) for r in doc["results"]}
    assert (doc["cases"], doc["fixed"]) == (3, 1)
    assert got["01-spin"] == (False, None)  # debugged like any failure (its stacks were the problem)
    assert got["02-silent"][0] is False and "timed out after 2 s" in got["02-silent"][1]
    assert got["03-half"] == (True, None)


def test_dump_after_progress_dots_is_found():
    text = DUMP.replace("tests/test_sched.py::TestLoop::test_spin Timeout (0:00:05)!",
                        "..Fatal Python error: Aborted\n")
    text = text.replace("tests/test_sched.py::test_ok PASSED\n", "")
    text = text.replace("Thread 0x00007f1d2a1b5740", "Current thread 0x1")
    [p] = parse_failures(text)
    assert (p.kind, p.exception, p.message) == ("python", "Fatal Python error", "Aborted")
    assert p.frames[-1].function == "loop_forever" and p.test_id == "/work/app/tests/test_sched.py::test_spin"
