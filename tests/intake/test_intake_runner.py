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


# --- process groups: cancel, leftovers, SIGTERM (issue 12, items 3 and 8) ---------------------------

def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for a reaper counts as dead)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _gone(pid: int, tries: int = 100) -> bool:
    for _ in range(tries):
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def _wait_for(path, tries: int = 600) -> str:
    for _ in range(tries):
        if path.is_file() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.05)
    pytest.fail(f"{path} never written")


def test_background_process_left_by_a_passing_command_is_killed(tmp_path):
    pidfile = tmp_path / "bg.pid"
    # a command that starts `sleep` in the background (same group) and exits 0 at once
    r = run_command(["sh", "-c", f"sleep 4444 >/dev/null 2>&1 & echo $! > {pidfile}; echo done"], tmp_path,
                    timeout_s=30)
    assert r.passed and "done" in r.output
    assert _gone(int(pidfile.read_text())), "background sleep survived a successful command"


def test_cancel_event_kills_the_group_and_is_not_passed(tmp_path):
    import threading

    pidfile = tmp_path / "child.pid"
    cancel = threading.Event()
    code = (f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
            f"open({str(pidfile)!r}, 'w').write(str(p.pid)); time.sleep(60)")
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("r", run_command(py(code), tmp_path, timeout_s=60,
                                                                             cancel=cancel)))
    worker.start()
    child = int(_wait_for(pidfile))
    cancel.set()
    worker.join(timeout=20)
    assert not worker.is_alive()
    r = box["r"]
    assert r.cancelled and not r.timed_out and not r.passed and r.exit_code is None
    assert _gone(child)


def test_cancelled_or_timed_out_result_never_passes():
    from rdebug.intake.model import CommandResult

    assert not CommandResult(["x"], 0, "", 0.0, cancelled=True).passed
    assert not CommandResult(["x"], 0, "", 0.0, timed_out=True).passed
    assert CommandResult(["x"], 0, "", 0.0).passed


def _src_env() -> dict:
    src = os.path.join(os.path.dirname(__file__), "..", "..", "src")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.abspath(src) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_sigterm_to_rdebug_kills_the_running_test_command(tmp_path):
    import signal
    import subprocess

    pidfile = tmp_path / "loop.pid"
    loop = f"import os; open({str(pidfile)!r}, 'w').write(str(os.getpid())); exec('while True: pass')"
    rdebug = subprocess.Popen([sys.executable, "-m", "rdebug", "context", "--root", str(tmp_path), "--timeout", "120",
                               "--", sys.executable, "-c", loop], cwd=tmp_path, env=_src_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        child = int(_wait_for(pidfile))
        rdebug.send_signal(signal.SIGTERM)
        rdebug.wait(timeout=20)
        assert _gone(child), "the endless loop outlived rdebug"
        assert rdebug.returncode != 0
        assert b"Traceback" not in rdebug.stderr.read()
    finally:
        if rdebug.poll() is None:
            rdebug.kill()
        if pidfile.is_file() and _alive(int(pidfile.read_text())):
            os.kill(int(pidfile.read_text()), signal.SIGKILL)


def test_sigterm_handler_kills_groups_run_on_a_worker_thread(tmp_path):
    import subprocess

    pidfile = tmp_path / "loop.pid"
    loop = f"import os; open({str(pidfile)!r}, 'w').write(str(os.getpid())); exec('while True: pass')"
    script = (
        "import sys, threading, time\n"
        "from pathlib import Path\n"
        "from rdebug.intake.runner import install_sigterm_handler, run_command\n"
        "assert install_sigterm_handler()\n"
        f"t = threading.Thread(target=run_command, args=([sys.executable, '-c', {loop!r}], Path({str(tmp_path)!r}), 120),"
        " daemon=True)\n"
        "t.start()\n"
        "while True: time.sleep(0.05)\n")
    host = subprocess.Popen([sys.executable, "-c", script], env=_src_env(), stderr=subprocess.PIPE)
    try:
        child = int(_wait_for(pidfile))
        host.terminate()
        host.wait(timeout=20)
        assert host.returncode == 143
        assert _gone(child), "the worker thread's command outlived its host"
    finally:
        if host.poll() is None:
            host.kill()
        if pidfile.is_file() and _alive(int(pidfile.read_text())):
            os.kill(int(pidfile.read_text()), 9)


def test_nice_lowers_the_commands_priority(tmp_path):
    import os

    base = os.nice(0)
    result = run_command([sys.executable, "-c", "import os; print(os.nice(0))"], tmp_path, nice=5)
    assert result.passed and int(result.output.split()[-1]) == min(19, base + 5)
    plain = run_command([sys.executable, "-c", "import os; print(os.nice(0))"], tmp_path)
    assert int(plain.output.split()[-1]) == base
