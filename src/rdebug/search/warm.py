"""A warm verification worker for one scratch slot: ``python -m pytest`` runs without starting Python and
importing pytest each time (issue 22 §5).

``WarmWorker(python, slot, env, workdir)`` starts ``warm_server.py`` in the project's interpreter, in the slot;
``execute(argv, cwd, timeout_s, env, cancel)`` runs one ``python -m pytest …`` there, forked from the warm
process, with ``run_command``'s contract: a ``CommandResult``, merged output capped, the run's process group
killed on timeout (after SIGABRT for a Python stack dump), on cancel, and whatever it leaves behind when it
ends. Any other command, or a worker that stopped answering, runs through ``run_command`` as before.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Sequence

from rdebug.intake.model import CommandResult
from rdebug.intake.runner import (DUMP_WAIT_S, KILL_GRACE_S, POLL_S, build_env, run_command, track_group,
                                  untrack_group)

SERVER = Path(__file__).with_name("warm_server.py")
START_TIMEOUT_S = 60.0  # importing pytest on a loaded machine
REPLY_TIMEOUT_S = 10.0  # a fork and a reply
CAP_BYTES = 2_000_000


class WarmError(Exception):
    """The worker did not start or stopped answering."""


def warm_python(argv: Sequence[str]) -> str | None:
    """The interpreter of a ``python -m pytest …`` command (the one a warm worker runs in), else None."""
    from rdebug.intake.runner import PYTHON_NAME_RE

    argv = list(argv)
    if len(argv) < 3 or argv[1:3] != ["-m", "pytest"] or not hasattr(os, "fork"):
        return None
    name = os.path.basename(argv[0])
    return argv[0] if PYTHON_NAME_RE.match(name) and not name.startswith(("pytest", "py.test")) else None


def _read_capped(path: Path, cap: int) -> tuple[str, bool]:
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            if size <= cap:
                data, dropped = fh.read(), 0
            else:
                head = fh.read(cap // 2)
                fh.seek(size - cap // 2)
                tail = fh.read()
                data, dropped = None, size - len(head) - len(tail)
    except OSError:
        return "", False
    if data is not None:
        return data.decode("utf-8", errors="replace"), False
    text = head.decode("utf-8", errors="replace"), tail.decode("utf-8", errors="replace")
    return f"{text[0]}\n[... {dropped} bytes of output omitted ...]\n{text[1]}", True


class WarmWorker:
    def __init__(self, python: str, slot: Path, env: dict, workdir: Path, nice: int = 0) -> None:
        self.python, self.slot, self.workdir, self.nice = python, Path(slot), Path(workdir), nice
        self.runs = 0
        self._buf = b""
        self._lock = threading.Lock()  # one run at a time
        self._err = open(self.workdir / "warm-stderr.txt", "wb")
        try:
            self.proc = subprocess.Popen([python, str(SERVER), str(self.slot)], cwd=str(self.slot),
                                         env=build_env(env), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._err, start_new_session=True)
        except OSError as exc:
            self._err.close()
            raise WarmError(f"cannot start {python}: {exc}") from exc
        track_group(self.proc.pid)
        if nice > 0:
            try:
                os.setpriority(os.PRIO_PROCESS, self.proc.pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice))
            except (OSError, AttributeError):
                pass
        try:
            self._expect("ready", START_TIMEOUT_S)
        except WarmError:
            self.close()
            raise

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def _send(self, obj: dict) -> None:
        try:
            self.proc.stdin.write((json.dumps(obj) + "\n").encode())
            self.proc.stdin.flush()
        except (OSError, ValueError) as exc:
            raise WarmError(f"the warm worker stopped: {exc}") from exc

    def _reply(self, timeout_s: float) -> dict | None:
        """The next reply, or None when none came in ``timeout_s``; WarmError when the worker is gone."""
        deadline = time.monotonic() + timeout_s
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            data = os.read(fd, 65536)
            if not data:
                raise WarmError("the warm worker stopped")
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def _expect(self, key: str, timeout_s: float) -> int:
        reply = self._reply(timeout_s)
        if reply is None or key not in reply:
            raise WarmError(f"the warm worker did not answer {key!r} in {timeout_s:g} s")
        return int(reply[key])

    def _wait_exit(self, timeout_s: float, cancel: threading.Event | None = None) -> tuple[str, int | None]:
        """("done", code), ("timeout", None) or ("cancelled", None), checked every ``POLL_S``."""
        deadline = time.monotonic() + timeout_s
        while True:
            if cancel is not None and cancel.is_set():
                return "cancelled", None
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout", None
            reply = self._reply(min(POLL_S, left) if cancel is not None else left)
            if reply is not None and "exit" in reply:
                return "done", int(reply["exit"])

    def execute(self, argv: Sequence[str], cwd: Path, timeout_s: float, env: dict | None = None,
                cancel: threading.Event | None = None) -> CommandResult:
        """Run ``argv`` like ``run_command`` would; through the warm worker when it is ``python -m pytest`` here."""
        argv = [str(a) for a in argv]
        if argv[:3] != [self.python, "-m", "pytest"] or Path(cwd) != self.slot or not self.alive:
            return run_command(argv, cwd, timeout_s=timeout_s, env=env, cancel=cancel, nice=self.nice)
        with self._lock:
            try:
                return self._execute(argv, timeout_s, env or {}, cancel)
            except WarmError:
                self.close()
                return run_command(argv, cwd, timeout_s=timeout_s, env=env, cancel=cancel, nice=self.nice)

    def _execute(self, argv: list[str], timeout_s: float, env: dict, cancel: threading.Event | None) -> CommandResult:
        out = self.workdir / f"out-{os.getpid()}-{self.runs}.txt"
        self.runs += 1
        start = time.monotonic()
        self._send({"run": {"args": argv[3:], "env": {k: str(v) for k, v in env.items()}, "out": str(out)}})
        pid = self._expect("started", REPLY_TIMEOUT_S)
        track_group(pid)
        ended = False
        try:
            outcome, code = self._wait_exit(timeout_s, cancel)
            if outcome == "timeout":
                self._send({"signal": "abort"})  # faulthandler prints the stacks (see parsers/hang.py)
                done, code = self._wait_exit(DUMP_WAIT_S)
                if done != "done":
                    self._send({"signal": "term"})
                    done, code = self._wait_exit(KILL_GRACE_S)
            elif outcome == "cancelled":
                self._send({"signal": "kill"})
            if code is None:
                self._send({"signal": "kill"})
                if self._wait_exit(REPLY_TIMEOUT_S)[0] != "done":
                    raise WarmError("the warm worker's run did not end")
            ended = True
        finally:
            if not ended:  # the worker stopped answering: its run goes down with it
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            untrack_group(pid)
        output, truncated = _read_capped(out, CAP_BYTES)
        try:
            out.unlink()
        except OSError:
            pass
        stopped = outcome != "done"
        return CommandResult(argv=argv, exit_code=None if stopped else code, output=output,
                             duration_s=time.monotonic() - start, timed_out=outcome == "timeout",
                             truncated=truncated, cancelled=outcome == "cancelled")

    def close(self) -> None:
        proc = self.proc if hasattr(self, "proc") else None
        if proc is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(timeout=KILL_GRACE_S)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=KILL_GRACE_S)
            except subprocess.TimeoutExpired:
                pass
            proc.stdout.close()
            untrack_group(proc.pid)
        if not self._err.closed:
            self._err.close()
