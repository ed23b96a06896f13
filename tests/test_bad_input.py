"""Bad input ends in one clear line and the right exit code, never "internal error" (issue 12, item 5)."""

import os
import subprocess
import sys
import threading

import pytest

from test_cli import assert_one_line_error, rdebug

TRACE = 'Traceback (most recent call last):\n  File "calc.py", line 2, in div\nZeroDivisionError: division by zero\n'
CALC = "def div(a, b):\n    return a * b\n"
CALC_TEST = "from calc import div\n\n\ndef test_div():\n    assert div(4, 2) == 2\n"
CHECK = "import calc; assert calc.div(4, 2) == 2"


def _project(root):
    root.mkdir(exist_ok=True)
    (root / "calc.py").write_text(CALC)
    (root / "test_calc.py").write_text(CALC_TEST)
    return root


def _diff_creating(path):
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+x = 1\n"


def _fix_with_reply(tmp_path, reply, *extra, env=None):
    root = _project(tmp_path / "proj")
    (tmp_path / "reply.txt").write_text(reply)
    return rdebug("fix", "--root", str(root), "--backend", f"replay:{tmp_path / 'reply.txt'}", "--attempts", "1",
                  *extra, "--", sys.executable, "-c", CHECK, cwd=tmp_path,
                  env={"XDG_STATE_HOME": str(tmp_path / "state"), **(env or {})})


@pytest.mark.parametrize(
    "path, needle",
    [
        ("ca\0lc.py", "cannot hold control characters"),
        ("x" * 300 + ".py", "a file name longer than 255 bytes"),
        ("d/" * 2100 + "x.py", "a path longer than 4000 bytes (2101 levels)"),
    ],
    ids=["nul", "300-char-name", "2100-levels"],
)
def test_unusable_diff_paths_are_a_short_reason_not_an_internal_error(tmp_path, path, needle):
    proc = _fix_with_reply(tmp_path, _diff_creating(path))
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout + proc.stderr
    assert "internal error" not in out and "Traceback" not in out
    assert needle in out
    assert path not in out and max(len(line) for line in out.splitlines()) < 400  # the path is shortened


def test_fifo_under_a_non_git_root_is_skipped(tmp_path):
    root = _project(tmp_path / "proj")
    os.mkfifo(root / "pipe")
    os.mkfifo(root / "p.py")
    (tmp_path / "reply.txt").write_text(
        "calc.py\n<<<<<<< SEARCH\n    return a * b\n=======\n    return a / b\n>>>>>>> REPLACE\n")
    proc = rdebug("fix", "--root", str(root), "--backend", f"replay:{tmp_path / 'reply.txt'}", "--attempts", "1",
                  "--", sys.executable, "-c", CHECK, cwd=tmp_path, env={"XDG_STATE_HOME": str(tmp_path / "state")})
    assert proc.returncode == 0, proc.stderr
    assert "verified" in proc.stdout + proc.stderr and "internal error" not in proc.stderr


def test_non_utf8_pyproject_exits_2(tmp_path):
    root = _project(tmp_path / "proj")
    (root / "pyproject.toml").write_bytes(b"[project]\nname = 'caf\xe9'\n")
    proc = rdebug("context", "--root", str(root), "--trace", "-", input=TRACE, cwd=tmp_path)
    assert_one_line_error(proc, 2, "not UTF-8")


def test_negative_timeout_flag_and_budget_config_exit_2(tmp_path):
    root = _project(tmp_path / "proj")
    proc = rdebug("context", "--root", str(root), "--timeout", "-1", "--trace", "-", input=TRACE, cwd=tmp_path)
    assert_one_line_error(proc, 2, "bad value for 'timeout'")
    (root / ".rdebug.toml").write_text("budget = -5\n")
    proc = rdebug("context", "--root", str(root), "--trace", "-", input=TRACE, cwd=tmp_path)
    assert_one_line_error(proc, 2, "bad value for 'budget'")


def test_unknown_keymap_action_exits_2(tmp_path):
    root = _project(tmp_path / "proj")
    (root / "pyproject.toml").write_text('[tool.rdebug.keymap]\nlaunch_rocket = "r"\n')
    proc = rdebug("context", "--root", str(root), "--trace", "-", input=TRACE, cwd=tmp_path)
    assert_one_line_error(proc, 2, "unknown action 'launch_rocket'")


def test_unknown_backend_is_refused_before_the_test_command_runs(tmp_path):
    root = _project(tmp_path / "proj")
    marker = tmp_path / "ran"
    proc = rdebug("fix", "--root", str(root), "--backend", "nope", "--", sys.executable, "-c",
                  f"open({str(marker)!r}, 'w')", cwd=tmp_path)
    assert_one_line_error(proc, 2, "unknown backend 'nope'")
    assert not marker.exists()


def test_trace_from_a_fifo_is_read(tmp_path):
    root = _project(tmp_path / "proj")
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w") as fh:
            fh.write(TRACE)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    proc = rdebug("context", "--root", str(root), "--trace", str(fifo), cwd=tmp_path)
    writer.join(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "ZeroDivisionError" in proc.stdout


def test_trace_from_process_substitution_is_read(tmp_path):
    root = _project(tmp_path / "proj")
    (tmp_path / "t.txt").write_text(TRACE)
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    proc = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m rdebug context --root "{root}" --trace <(cat t.txt)'],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": path, "RDEBUG_CONFIG": os.devnull})
    assert proc.returncode == 0, proc.stderr
    assert "ZeroDivisionError" in proc.stdout


def test_huge_piped_input_keeps_the_tail_and_says_so(tmp_path):
    root = _project(tmp_path / "proj")
    noise = "a line of build output that is not a failure\n" * 500_000  # 23 MB before the trace
    proc = rdebug("context", "--root", str(root), input=noise + TRACE, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "ZeroDivisionError" in proc.stdout
    assert "reading its last 20 MB" in proc.stderr


def test_read_tail_starts_at_a_line_and_reports_the_cut():
    import io

    from rdebug.cli_common import read_tail

    data, cut = read_tail(io.BytesIO(b"first line\nsecond\nthird\n"), limit=12)
    assert (data, cut) == (b"third\n", True)
    assert read_tail(io.BytesIO(b"short\n"), limit=12) == (b"short\n", False)


def test_context_search_outside_git_skips_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "p.py")  # opening it for reading would block until a writer comes
    (tmp_path / "a.py").write_text("def div():\n    pass\n")
    code = ("import re, sys; from pathlib import Path; from rdebug.context.search import walk_grep; "
            "print(walk_grep(Path(sys.argv[1]), re.compile('def div'), 30))")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['a.py']"
