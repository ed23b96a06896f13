import os
import sys
import time

import pytest

from rdebug.errors import CommandError
from rdebug.intake.runner import run_command


def py(code):
    return [sys.executable, "-c", code]


def test_merges_stdout_and_stderr(tmp_path):
    r = run_command(py("import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"), tmp_path)
    assert (r.exit_code, r.timed_out, r.truncated, r.passed) == (3, False, False, False)
    assert "out" in r.output and "err" in r.output
    assert r.argv[0] == sys.executable and r.duration_s >= 0


def test_env_is_quiet_and_unbuffered(tmp_path):
    r = run_command(py("import os; print(os.environ['PYTHONUNBUFFERED'], os.environ['NO_COLOR'], "
                       "os.environ['PYTHONDONTWRITEBYTECODE'], os.environ['EXTRA'])"), tmp_path, env={"EXTRA": "7"})
    assert r.output.split() == ["1", "1", "1", "7"] and r.passed


def test_cap_keeps_head_and_tail(tmp_path):
    r = run_command(py("print('HEAD'); print('x' * 300000); print('TAIL')"), tmp_path, cap_bytes=1000)
    assert r.truncated and r.output.startswith("HEAD") and r.output.rstrip().endswith("TAIL")
    assert len(r.output) < 1200 and "omitted" in r.output


def test_undecodable_bytes_are_replaced(tmp_path):
    r = run_command(py("import sys; sys.stdout.buffer.write(b'ok \\xff\\xfe end')"), tmp_path)
    assert r.output == "ok \ufffd\ufffd end"


def test_timeout_kills_the_whole_process_group(tmp_path):
    pidfile = tmp_path / "child.pid"
    code = (f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
            f"open({str(pidfile)!r}, 'w').write(str(p.pid)); print('started', flush=True); time.sleep(60)")
    start = time.monotonic()
    r = run_command(py(code), tmp_path, timeout_s=1.5)
    assert r.timed_out and r.exit_code is None and not r.passed
    assert "started" in r.output
    assert time.monotonic() - start < 10
    child = int(pidfile.read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("grandchild survived the timeout")


def test_missing_executable(tmp_path):
    with pytest.raises(CommandError, match="command not found: no-such-tool-xyz"):
        run_command(["no-such-tool-xyz", "--help"], tmp_path)


def test_stdin_is_closed(tmp_path):
    r = run_command(py("import sys; print(repr(sys.stdin.read()))"), tmp_path, timeout_s=10)
    assert r.output.strip() == "''"
