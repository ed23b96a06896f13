"""Run a command in its own process group, merged output, capped, killed as a group on timeout."""

from __future__ import annotations

import os
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
DEFAULT_ENV = {"RUST_BACKTRACE": "1"}  # only when the user has not chosen otherwise
DROP_ENV = ("FORCE_COLOR", "CLICOLOR_FORCE", "PY_COLORS")
KILL_GRACE_S = 2.0


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


def _kill_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, KILL_GRACE_S)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_command(argv: list[str], cwd: Path, timeout_s: float = 300, cap_bytes: int = 2_000_000,
                env: dict | None = None) -> CommandResult:
    """Run ``argv`` in ``cwd``; stdout+stderr merged and capped; never raises on test failure."""
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
    reader = _CappedReader(proc.stdout, cap_bytes)
    reader.start()
    timed_out = False
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
    except BaseException:  # Ctrl-C while waiting: take the whole group down, then re-raise
        _kill_group(proc)
        raise
    finally:
        reader.join(timeout=KILL_GRACE_S)
        if reader.is_alive():  # a grandchild that left the group still holds the pipe
            proc.stdout.close()
            reader.join(timeout=KILL_GRACE_S)
    output, truncated = reader.text()
    if not reader.is_alive():
        proc.stdout.close()
    return CommandResult(argv=list(map(str, argv)), exit_code=None if timed_out else proc.returncode,
                         output=output, duration_s=time.monotonic() - start, timed_out=timed_out,
                         truncated=truncated)
