"""What several commands share: turning intake flags into a problem, and a problem into context."""

from __future__ import annotations

import argparse
import os
import shlex
import stat
import sys
from pathlib import Path
from typing import Callable

from rdebug.config import Config
from rdebug.context.model import PackedContext
from rdebug.errors import IntakeError, UsageError
from rdebug.intake.model import Problem

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


def read_trace(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The trace text and where it came from: ``--trace FILE``, ``--trace -`` or a piped stdin."""
    trace = getattr(args, "trace", None)
    if trace and trace != "-":
        path = Path(trace)
        if not path.is_file():
            raise UsageError(f"--trace: no such file: {trace}")
        if path.stat().st_size > MAX_TRACE_BYTES:
            raise IntakeError(f"--trace: {trace} is larger than {MAX_TRACE_BYTES // 1_000_000} MB")
        return _read_text(path.read_bytes()), str(path)
    if trace == "-" or (not args.cmd and stdin_is_piped()):
        cached = getattr(args, "_stdin_text", None)
        if cached is None:
            cached = _read_text(sys.stdin.buffer.read(MAX_TRACE_BYTES))
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


def gather_problem(args: argparse.Namespace, cfg: Config):
    """Run the intake the flags describe; returns ``IntakeResult`` (``problems`` empty when all passed)."""
    from rdebug.intake.collect import gather

    return gather(intake_request(args, cfg))


def build_packed_context(
    args: argparse.Namespace,
    cfg: Config,
    problem: Problem,
    count_tokens: Callable[[str], int] | None = None,
) -> PackedContext:
    from rdebug.context.build import build_context

    return build_context(problem, args.root, budget=cfg.budget, count_tokens=count_tokens)


def has_intake(args: argparse.Namespace) -> bool:
    """Whether the user named any intake (command, trace, text or a piped stdin)."""
    return bool(args.cmd or getattr(args, "trace", None) or getattr(args, "text", None) or stdin_is_piped())
