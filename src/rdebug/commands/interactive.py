"""`rdebug` with no subcommand: the TUI, or the headless renderer when there is no terminal."""

from __future__ import annotations

import argparse
import os
import sys

from rdebug.cli_common import intake_request, read_trace, stdin_is_piped
from rdebug.config import Config
from rdebug.errors import IntakeError


def add_arguments(parser: argparse.ArgumentParser) -> None:  # flags are the common ones
    return None


def attach_terminal_stdin() -> bool:
    """After a piped stdin was read, reopen the controlling terminal onto fd 0 for the key reader."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return False
    os.dup2(fd, 0)
    os.close(fd)
    return True


def has_terminal() -> bool:
    if not sys.stdout.isatty():
        return False
    if sys.stdin.isatty():
        return True
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
        return True
    except OSError:
        return False


def run(args: argparse.Namespace, cfg: Config) -> int:
    piped = not args.cmd and (args.trace == "-" or (args.trace is None and stdin_is_piped()))
    if piped:
        text, _ = read_trace(args)
        if not (text or "").strip():
            raise IntakeError("empty input: no trace on stdin")
    run_front_end = getattr(args, "front_end", None)
    prepare = getattr(args, "before_session", None) or (lambda: None)  # slow set-up, off the first frame
    if run_front_end is None or not has_terminal() or os.environ.get("RDEBUG_HEADLESS"):
        why = "no interactive front end" if run_front_end is None else "no terminal for the interactive view"
        print(f"rdebug: {why}; showing the session as text", file=sys.stderr)
        from rdebug.commands import fix

        args.yes = False
        prepare()
        return fix.run(args, cfg)
    request = intake_request(args, cfg)  # reads the pipe before the terminal replaces it
    if piped and not attach_terminal_stdin():
        raise IntakeError("cannot open /dev/tty for keyboard input after reading the pipe")

    def session():  # called by the front end off its UI thread: the engine's imports happen there
        from rdebug.session import DebugSession

        prepare()
        return DebugSession(args.root, cfg, request)

    return run_front_end(session, cfg)
