"""What several commands share: reading a trace, turning intake flags into an ``IntakeRequest``, Ctrl-C."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import stat
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from rdebug.config import Config
from rdebug.errors import UsageError

MAX_TRACE_BYTES = 20_000_000


def stdin_is_piped() -> bool:
    """True when stdin is a pipe or a file (not a terminal, not /dev/null, not closed)."""
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def _read_text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def read_tail(fh: BinaryIO, limit: int | None = None) -> tuple[bytes, bool]:
    """The last ``limit`` (MAX_TRACE_BYTES) bytes of a stream, from a line start when cut, and whether
    anything was dropped: a failure's summary is at the end of its output."""
    limit = limit or MAX_TRACE_BYTES
    buf = bytearray()
    dropped = False
    while chunk := fh.read(1 << 20):
        buf += chunk
        if len(buf) > 2 * limit:
            del buf[:len(buf) - limit]
            dropped = True
    if len(buf) > limit:
        del buf[:len(buf) - limit]
        dropped = True
    if dropped:
        cut = buf.find(b"\n")
        if 0 <= cut < len(buf) - 1:
            del buf[:cut + 1]
    return bytes(buf), dropped


def _say_cut(source: str) -> None:
    mb = f"{MAX_TRACE_BYTES / 1_000_000:g} MB"
    print(f"rdebug: {source} is larger than {mb}; reading its last {mb} (the failure summary is at the end)",
          file=sys.stderr)


def _read_trace_file(trace: str) -> str:
    """``--trace FILE``: a file, a FIFO or a process substitution (``--trace <(cmd)``), read to the end."""
    path = Path(trace)
    try:
        if path.is_dir():
            raise UsageError(f"--trace: {trace[:200]} is a directory")
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > 2 * MAX_TRACE_BYTES and stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                fh.seek(size - 2 * MAX_TRACE_BYTES)  # a big log file: skip what would be dropped
            data, cut = read_tail(fh)
    except FileNotFoundError:
        raise UsageError(f"--trace: no such file: {trace[:200]}") from None
    except OSError as exc:
        raise UsageError(f"--trace: cannot read {trace[:200]}: {exc.strerror or exc}") from None
    if cut:
        _say_cut(trace[:200])
    return _read_text(data)


def read_trace(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The trace text and where it came from: ``--trace FILE``, ``--trace -`` or a piped stdin."""
    trace = getattr(args, "trace", None)
    if trace and trace != "-":
        return _read_trace_file(trace), trace
    if trace == "-" or (not args.cmd and stdin_is_piped()):
        cached = getattr(args, "_stdin_text", None)
        if cached is None:
            data, cut = read_tail(sys.stdin.buffer)
            if cut:
                _say_cut("stdin")
            cached = _read_text(data)
            args._stdin_text = cached
        return cached, "stdin"
    return None, None


def intake_request(args: argparse.Namespace, cfg: Config):
    from rdebug.intake.model import IntakeRequest

    trace_text, source = (None, None) if args.cmd else read_trace(args)
    text = " ".join(getattr(args, "text", None) or []).strip() or None
    try:
        test_cmd = shlex.split(cfg.test_cmd) if cfg.test_cmd else None
    except ValueError as exc:
        raise UsageError(f"test_cmd: {exc}") from None
    return IntakeRequest(
        root=args.root,
        command=list(args.cmd) or None,
        trace_text=trace_text,
        trace_source=source,
        free_text=text,
        test_cmd=test_cmd,
        timeout_s=cfg.timeout,
    )


def has_intake(args: argparse.Namespace) -> bool:
    """Whether the user named any intake (command, trace, text or a piped stdin)."""
    return bool(args.cmd or getattr(args, "trace", None) or getattr(args, "text", None) or stdin_is_piped())


@contextmanager
def cancel_on_sigint(cancel: Callable[[], None]) -> Iterator[None]:
    """Inside the block Ctrl-C calls ``cancel`` instead of raising KeyboardInterrupt (main thread only)."""
    try:
        previous = signal.signal(signal.SIGINT, lambda _sig, _frame: cancel())
    except ValueError:  # not the main thread
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
