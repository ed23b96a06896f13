"""Run a command in its own process group, merged output, capped, killed as a group on timeout.

The group is also killed when the command ends (leftover background processes), when the caller
cancels (``cancel`` event), when rdebug is interrupted, and when rdebug itself gets SIGTERM
(:func:`install_sigterm_handler`) or exits (an ``atexit`` backstop over every live group).
"""

from __future__ import annotations

import atexit
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

from rdebug.errors import CommandError
from rdebug.intake.model import CommandResult

# Quiet, colour-free, cache-free where that does not change what tests do.
QUIET_ENV = {
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "NO_COLOR": "1",
    "CI": "1",
    "TERM": "dumb",
    "PAGER": "cat",
    "GIT_PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
}
# only when the user has not chosen otherwise; faulthandler lets a timed-out Python command show its stacks
DEFAULT_ENV = {"RUST_BACKTRACE": "1", "PYTHONFAULTHANDLER": "1"}
DROP_ENV = ("FORCE_COLOR", "CLICOLOR_FORCE", "PY_COLORS")
KILL_GRACE_S = 2.0
POLL_S = 0.05  # how often a running command checks its cancel event
DUMP_WAIT_S = 2.0  # how long a timed-out Python command gets to print its stacks
PYTHON_NAME_RE = re.compile(r"^(?:python|pypy)[\d.]*(?:\.exe)?$|^(?:pytest|py\.test)$")

_LIVE_GROUPS: set[int] = set()  # process groups of commands running now (killed on exit / SIGTERM)
_LIVE_LOCK = threading.RLock()  # re-entrant: the SIGTERM handler may interrupt its own thread holding it


def kill_live_groups() -> None:
    """SIGKILL every process group a running command owns (atexit and SIGTERM backstop)."""
    with _LIVE_LOCK:
        groups = list(_LIVE_GROUPS)
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


atexit.register(kill_live_groups)


def track_group(pgid: int) -> None:
    """Count ``pgid`` among the live groups (killed on exit and SIGTERM): a process group started elsewhere,
    such as a warm worker's test run (``rdebug.search.warm``)."""
    with _LIVE_LOCK:
        _LIVE_GROUPS.add(pgid)


def untrack_group(pgid: int) -> None:
    with _LIVE_LOCK:
        _LIVE_GROUPS.discard(pgid)


class Terminated(SystemExit):
    """rdebug got SIGTERM: unwinds like an exit, so running commands kill their groups."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(128 + signum)


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    kill_live_groups()  # the command may run on a worker thread: the exception only reaches main
    raise Terminated(signum)


def install_sigterm_handler() -> bool:
    """Turn SIGTERM into :class:`Terminated` (main thread only); True when installed."""
    if threading.current_thread() is not threading.main_thread():
        return False
    try:
        current = signal.getsignal(signal.SIGTERM)
        if current is _on_sigterm:
            return True
        if current not in (signal.SIG_DFL, None):
            return False  # someone (a host app, a test harness) handles it already
        signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):
        return False
    return True


class _CappedReader(threading.Thread):
    """Reads a pipe to the end, keeping the first and last ``cap // 2`` bytes."""

    def __init__(self, stream, cap: int) -> None:
        super().__init__(daemon=True)
        self.stream, self.half = stream, max(1, cap // 2)
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def run(self) -> None:
        try:
            while chunk := self.stream.read1(65536) if hasattr(self.stream, "read1") else self.stream.read(65536):
                room = self.half - len(self.head)
                if room > 0:
                    self.head += chunk[:room]
                    chunk = chunk[room:]
                if chunk:
                    self.tail += chunk
                    if len(self.tail) > self.half:
                        cut = len(self.tail) - self.half
                        self.dropped += cut
                        del self.tail[:cut]
        except (OSError, ValueError):
            pass

    def text(self) -> tuple[str, bool]:
        head = self.head.decode("utf-8", errors="replace")
        tail = self.tail.decode("utf-8", errors="replace")
        if self.dropped:
            return f"{head}\n[... {self.dropped} bytes of output omitted ...]\n{tail}", True
        return head + tail, False


def build_env(env: dict | None = None) -> dict[str, str]:
    merged = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
    for k, v in DEFAULT_ENV.items():
        merged.setdefault(k, v)
    merged.update(QUIET_ENV)
    merged.update({k: str(v) for k, v in (env or {}).items()})
    return merged


def _kill_leftovers(pgid: int) -> None:
    """SIGKILL what is left in a finished command's group (background daemons, ``sleep &``)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _is_python(proc: subprocess.Popen, argv: list[str]) -> bool:
    try:
        exe = os.path.basename(os.readlink(f"/proc/{proc.pid}/exe"))
    except OSError:
        exe = os.path.basename(str(argv[0]))
    return bool(PYTHON_NAME_RE.match(exe))


def _request_stack_dump(proc: subprocess.Popen, argv: list[str]) -> None:
    """Timed out: SIGABRT a Python leader so faulthandler prints every thread's stack, without a core file."""
    if _exited(proc) or not _is_python(proc, argv):
        return
    try:
        import resource

        resource.prlimit(proc.pid, resource.RLIMIT_CORE, (0, resource.prlimit(proc.pid, resource.RLIMIT_CORE)[1]))
    except (ImportError, AttributeError, OSError, ValueError):
        return  # no way to rule out a core file in the user's tree: skip the dump
    try:
        os.kill(proc.pid, signal.SIGABRT)
    except (ProcessLookupError, PermissionError):
        return
    _wait(proc, DUMP_WAIT_S)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGTERM the group, give the leader ``KILL_GRACE_S`` to go, then SIGKILL whatever is left."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    _wait(proc, KILL_GRACE_S)
    _kill_leftovers(proc.pid)


def _exited(proc: subprocess.Popen) -> bool:
    """Whether the leader has exited. It is left unreaped where the OS allows (a zombie keeps its
    group id taken), so killing what is left in the group cannot hit a reused id."""
    if proc.returncode is not None:
        return True
    try:
        return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None
    except ChildProcessError:  # reaped elsewhere
        return True
    except (AttributeError, OSError):
        return proc.poll() is not None


def _wait(proc: subprocess.Popen, timeout_s: float, cancel: threading.Event | None = None) -> str:
    """Wait for the leader to exit: "done", "timeout" or "cancelled" (checked every ``POLL_S``)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if _exited(proc):
            return "done"
        if cancel is not None and cancel.is_set():
            return "cancelled"
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout"
        time.sleep(min(POLL_S, left))


def _reap(proc: subprocess.Popen) -> None:
    try:
        proc.wait(timeout=KILL_GRACE_S)
    except subprocess.TimeoutExpired:  # stuck in the kernel (D state): leave it to the OS
        pass


def run_command(argv: list[str], cwd: Path, timeout_s: float = 300, cap_bytes: int = 2_000_000,
                env: dict | None = None, cancel: threading.Event | None = None,
                dump_stacks: bool = True, nice: int = 0) -> CommandResult:
    """Run ``argv`` in ``cwd``; stdout+stderr merged and capped; never raises on test failure.

    ``nice``: lower the command's priority by that much (verification beside a decoding model).
    Setting ``cancel`` kills the group at once (the result says ``cancelled``). Whatever the
    command leaves running in its process group is killed when it ends. On timeout a Python
    command is first asked for its stacks (``dump_stacks``; faulthandler, see parsers/hang.py).
    """
    if not argv:
        raise CommandError("empty command")
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            [str(a) for a in argv], cwd=str(cwd), env=build_env(env), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    except FileNotFoundError as exc:
        if not Path(cwd).is_dir():
            raise CommandError(f"directory not found: {cwd}") from exc
        raise CommandError(f"command not found: {argv[0]}") from exc
    except PermissionError as exc:
        raise CommandError(f"cannot execute {argv[0]}: permission denied") from exc
    except OSError as exc:
        raise CommandError(f"cannot run {argv[0]}: {exc.strerror or exc}") from exc
    if nice > 0:
        try:  # right after the fork: what it starts inherits it
            os.setpriority(os.PRIO_PROCESS, proc.pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice))
        except (OSError, AttributeError):
            pass
    with _LIVE_LOCK:
        _LIVE_GROUPS.add(proc.pid)
    reader = _CappedReader(proc.stdout, cap_bytes)
    reader.start()
    outcome = "done"
    try:
        outcome = _wait(proc, timeout_s, cancel)
        if outcome == "timeout":
            if dump_stacks:
                _request_stack_dump(proc, argv)
            _kill_group(proc)
        _kill_leftovers(proc.pid)  # done: background leftovers; cancelled: no grace, it goes now
        _reap(proc)
    except BaseException:  # Ctrl-C / SIGTERM while waiting: take the whole group down at once, re-raise
        _kill_leftovers(proc.pid)
        _reap(proc)
        raise
    finally:
        with _LIVE_LOCK:
            _LIVE_GROUPS.discard(proc.pid)
        reader.join(timeout=KILL_GRACE_S)
        if reader.is_alive():  # a grandchild that left the group still holds the pipe
            proc.stdout.close()
            reader.join(timeout=KILL_GRACE_S)
    output, truncated = reader.text()
    if not reader.is_alive():
        proc.stdout.close()
    stopped = outcome != "done"
    return CommandResult(argv=list(map(str, argv)), exit_code=None if stopped else proc.returncode,
                         output=output, duration_s=time.monotonic() - start, timed_out=outcome == "timeout",
                         truncated=truncated, cancelled=outcome == "cancelled")
