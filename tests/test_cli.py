"""The command line: version, help, and bad input as one line with a non-zero exit."""

import os
import subprocess
import sys

import pytest

from rdebug import __version__


def rdebug(*args, cwd=None, input=None, env=None):
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    full_env = {**os.environ, "PATH": path, "RDEBUG_CONFIG": os.devnull, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "rdebug", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
    )


def assert_one_line_error(proc, code, needle):
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.startswith("rdebug:")]
    assert lines and needle in lines[-1], proc.stderr


def test_version():
    proc = rdebug("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"rdebug {__version__}"


def test_help_lists_intake_modes_and_commands():
    proc = rdebug("--help")
    assert proc.returncode == 0
    for word in ("--trace", "--test-cmd", "rdebug -- CMD", "context", "fix", "undo", "demo"):
        assert word in proc.stdout


def test_unknown_flag_is_usage_error():
    proc = rdebug("context", "--no-such-flag")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_missing_trace_file(tmp_path):
    proc = rdebug("context", "--trace", str(tmp_path / "nope.txt"), cwd=tmp_path)
    assert_one_line_error(proc, 2, "no such file")


def test_empty_stdin(tmp_path):
    proc = rdebug("context", cwd=tmp_path, input="   \n")
    assert_one_line_error(proc, 4, "empty input")


def test_unknown_config_key(tmp_path):
    (tmp_path / ".rdebug.toml").write_text("colour = 'blue'\n")
    proc = rdebug("context", "--trace", "-", cwd=tmp_path, input="x")
    assert_one_line_error(proc, 2, "unknown configuration key 'colour'")


def test_unknown_trace_format(tmp_path):
    proc = rdebug("context", cwd=tmp_path, input="hello, this is not a stack trace\n")
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr


def test_hanging_command_is_killed(tmp_path):
    proc = rdebug("context", "--timeout", "1", "--", sys.executable, "-c", "import time; time.sleep(60)", cwd=tmp_path)
    assert_one_line_error(proc, 5, "timed out")


def test_passing_tests_exit_zero(tmp_path):
    (tmp_path / "test_ok.py").write_text("def test_ok():\n    assert True\n")
    proc = rdebug("context", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "passed" in proc.stdout


def test_nothing_written_to_user_tree(tmp_path):
    (tmp_path / "calc.py").write_text("def div(a, b):\n    return a / b\n")
    (tmp_path / "test_calc.py").write_text("from calc import div\n\ndef test_div():\n    assert div(1, 0) == 0\n")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    proc = rdebug("context", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert before == after
