import shutil
import sys
from pathlib import Path

import pytest

from rdebug.errors import CommandError, ExitCode, IntakeError
from rdebug.intake.collect import IntakeRequest, command_for, gather
from rdebug.intake.detect import PYTEST_ARGS, with_hang_dump
from rdebug.intake.model import Problem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PYTEST = [sys.executable, *PYTEST_ARGS]


@pytest.fixture
def shop(tmp_path):
    root = tmp_path / "shop_repo"
    shutil.copytree(FIXTURES / "programs" / "python", root)
    return root


def test_runs_tests_and_maps_frames_without_writing_caches(shop):
    (shop / "tests" / "test_broken_import.py").unlink()
    res = gather(IntakeRequest(root=shop, test_cmd=PYTEST))
    assert res.source == "tests" and res.command == with_hang_dump(PYTEST, 300) and not res.command_result.passed
    assert res.message.startswith("pytest: ") and "failed" in res.message
    ids = [p.test_id for p in res.problems]
    assert "tests/test_cart.py::test_average_empty" in ids
    avg = res.problems[ids.index("tests/test_cart.py::test_average_empty")]
    assert [(f.path, f.line, f.in_repo) for f in avg.repo_frames][-1] == ("shop/cart.py", 15, True)
    leftovers = [p for p in shop.rglob("*") if p.name in (".pytest_cache", "__pycache__")]
    assert leftovers == []


def test_collection_error(shop):
    res = gather(IntakeRequest(root=shop, test_cmd=PYTEST))
    assert [(p.test_id, p.exception) for p in res.problems] == [("tests/test_broken_import.py", "ImportError")]


def test_command_with_traceback(shop):
    argv = [sys.executable, "zerodiv.py"]
    res = gather(IntakeRequest(root=shop, command=argv))
    assert (res.source, res.command) == ("command", argv)
    [p] = res.problems
    assert p.exception == "ZeroDivisionError"
    assert [(f.path, f.line) for f in p.frames] == [("zerodiv.py", 6), ("zerodiv.py", 4), ("shop/cart.py", 15)]


def test_command_passing_and_unparseable_failure(shop):
    ok = gather(IntakeRequest(root=shop, command=[sys.executable, "-c", "print('fine')"]))
    assert ok.problems == [] and "succeeded" in ok.message and ok.command_result.passed
    bad = gather(IntakeRequest(root=shop, command=[sys.executable, "-c", "print('no luck'); raise SystemExit(4)"]))
    [p] = bad.problems
    assert (p.kind, p.message) == ("output", "no luck") and "exit code 4" in p.notes[0]


def test_command_exit_zero_with_printed_traceback_is_kept(shop):
    code = "import traceback\ntry:\n    1/0\nexcept Exception:\n    traceback.print_exc()\n"
    res = gather(IntakeRequest(root=shop, command=[sys.executable, "-c", code]))
    assert [p.exception for p in res.problems] == ["ZeroDivisionError"] and "exited 0" in res.message


def test_command_errors(shop):
    with pytest.raises(CommandError, match="timed out after 1 s") as exc:
        gather(IntakeRequest(root=shop, command=[sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=1))
    assert exc.value.exit_code == ExitCode.COMMAND
    with pytest.raises(CommandError, match="command not found: nope-xyz"):
        gather(IntakeRequest(root=shop, command=["nope-xyz"]))
    with pytest.raises(CommandError, match="--test-cmd"):
        gather(IntakeRequest(root=shop, test_cmd=["nope-xyz"]))


def test_no_tests_found(tmp_path):
    with pytest.raises(CommandError, match="no tests found.*--test-cmd"):
        gather(IntakeRequest(root=tmp_path))


def test_trace_from_stdin_derives_pytest_command(shop):
    text = (FIXTURES / "traces" / "pytest" / "tb_short.txt").read_text()
    res = gather(IntakeRequest(root=shop, trace_text=text, trace_source="stdin", test_cmd=PYTEST))
    assert res.source == "stdin" and res.command_result is None and len(res.problems) == 4
    assert res.command[: len(PYTEST)] == PYTEST
    assert res.command[len(PYTEST):] == [p.test_id for p in res.problems]
    assert res.problems[1].frames[-1].path == "shop/cart.py"


def test_trace_file_with_foreign_frames_gets_a_note(shop):
    text = (FIXTURES / "traces" / "go" / "panic.txt").read_text()
    res = gather(IntakeRequest(root=shop, trace_text=text, trace_source="/tmp/panic.log"))
    assert res.source == "file"
    [p] = res.problems
    assert p.notes and "inside the repository" in p.notes[0]


def test_trace_errors(shop):
    with pytest.raises(IntakeError, match="empty input: no trace on stdin") as exc:
        gather(IntakeRequest(root=shop, trace_text=" \n\t"))
    assert exc.value.exit_code == ExitCode.NO_PROBLEM_FORMAT
    with pytest.raises(IntakeError, match="expected a Python traceback"):
        gather(IntakeRequest(root=shop, trace_text="everything is broken", trace_source="stdin"))


def test_trace_that_is_prose_with_file_names(shop):
    res = gather(IntakeRequest(root=shop, trace_text="the discount in shop/cart.py is wrong\n", trace_source="stdin"))
    [p] = res.problems
    assert (p.kind, p.seeds) == ("text", ["shop/cart.py"])


def test_free_text(shop):
    res = gather(IntakeRequest(root=shop, free_text="Cart.average_price crashes on empty carts (cart.py)",
                               test_cmd=PYTEST))
    assert res.source == "text" and res.command == PYTEST and res.problems[0].seeds == ["shop/cart.py"]


def test_precedence_command_over_trace_and_text(shop):
    res = gather(IntakeRequest(root=shop, command=[sys.executable, "-c", "pass"], trace_text="x", free_text="y"))
    assert res.source == "command"


def test_command_for_runners():
    probs = [Problem(kind="go", test_id="TestB"), Problem(kind="go", test_id="TestA/sub")]
    assert command_for(probs, ["go", "test", "./..."]) == ["go", "test", "./...", "-run", "^(TestA|TestB)$"]
    rust = [Problem(kind="rust", test_id="tests::it_works")]
    assert command_for(rust, ["cargo", "test"]) == ["cargo", "test", "tests::it_works"]
    assert command_for([Problem(kind="jest", test_id="a > b")], ["npm", "test"]) == ["npm", "test"]
    assert command_for(probs, None) is None


def test_pytest_ids_from_another_rootdir_are_resolved(tmp_path):
    root = tmp_path / "mono"
    shutil.copytree(FIXTURES / "programs" / "python", root / "svc")
    text = "FAILED tests/test_cart.py::test_total - assert 7.0 == 6.0\n1 failed in 0.1s\n"
    res = gather(IntakeRequest(root=root, trace_text=text, test_cmd=PYTEST))
    assert res.command == [*PYTEST, "svc/tests/test_cart.py::test_total"]
    gone = gather(IntakeRequest(root=root, trace_text=text.replace("test_cart", "test_gone"), test_cmd=PYTEST))
    assert gone.command == PYTEST


@pytest.mark.skipif(shutil.which("node") is None, reason="node missing")
def test_node_command_maps_real_paths(tmp_path):
    root = tmp_path / "js"
    shutil.copytree(FIXTURES / "programs" / "node", root)
    res = gather(IntakeRequest(root=root, command=["node", "crash.js"]))
    [p] = res.problems
    assert (p.exception, p.message) == ("RangeError", "mean of empty list")
    assert [(f.path, f.line) for f in p.repo_frames] == [("crash.js", 8), ("crash.js", 5), ("lib/stats.js", 5)]
    assert all(f.external for f in p.frames if not f.in_repo)


def test_tests_that_collect_nothing(tmp_path):
    (tmp_path / "test_empty.py").write_text("x = 1\n")
    with pytest.raises(CommandError, match="ran no tests"):
        gather(IntakeRequest(root=tmp_path, test_cmd=PYTEST))


def test_passing_tests(tmp_path):
    (tmp_path / "test_ok.py").write_text("def test_ok():\n    assert True\n")
    res = gather(IntakeRequest(root=tmp_path, test_cmd=PYTEST))
    assert res.problems == [] and res.message == "all tests passed (pytest: 1 passed)"
