"""The `rdebug` command line: common flags, config merging, dispatch, one-line errors."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from rdebug import __version__
from rdebug.errors import ExitCode, RdebugError

# subcommand -> (module under rdebug.commands, help line, takes free-text intake words)
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "context": ("context", "print the problem and the packed context the model would see", True),
    "ask": ("ask", "ask the model one debugging question and stream its reply", False),
    "fix": ("fix", "find, verify and (with --yes) apply a fix", True),
    "undo": ("undo", "undo the last applied patch (or list them)", False),
    "eval": ("eval", "run the fix loop over a folder of bug cases and score it", False),
    "models": ("models", "list, pull and inspect models", False),
    "doctor": ("doctor", "show llama.cpp, GPU offload and model status", False),
    "demo": ("demo", "open rdebug on a bundled project with a real bug", False),
}

# the commands that open a model backend: its name is checked before any test command runs
MODEL_COMMANDS = {None, "fix", "ask", "eval", "demo"}

EPILOG = """intake (how rdebug learns what is broken):
  rdebug                       run the project's tests, debug the first failure
  rdebug -- CMD ARGS...        run CMD, debug its failure
  pytest 2>&1 | rdebug         read a trace from stdin (also: --trace FILE)
  rdebug "text describing the bug, naming files like src/login.py"

commands: """ + ", ".join(COMMANDS) + " (rdebug COMMAND --help)"


def _common_parser() -> argparse.ArgumentParser:
    """The flags every command takes: the intake's own, ``--json``, and one per declared setting."""
    from rdebug.config import Config
    from rdebug.settings import add_flags

    p = argparse.ArgumentParser(add_help=False)
    groups = {name: p.add_argument_group(name) for name in ("intake", "context", "model", "repair")}
    g = groups["intake"]
    g.add_argument("--trace", metavar="FILE", help="read a failure trace from FILE ('-' for stdin)")
    g.add_argument("--root", metavar="DIR", help="repository root (default: the git work tree of cwd)")
    add_flags(groups, Config)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def build_parser(name: str | None) -> argparse.ArgumentParser:
    """The parser for one subcommand (or the top level); only that command's module is imported."""
    common = _common_parser()
    if name is None:
        top = argparse.ArgumentParser(
            prog="rdebug",
            description="Reasoning-assisted debugging with a local model: intake a failure, think, propose a verified fix.",
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[common],
        )
        top.add_argument("--version", action="version", version=f"rdebug {__version__}")
        top.add_argument("text", nargs="*", help="free text describing the bug")
        return top
    module, help_line, takes_text = COMMANDS[name]
    sub = argparse.ArgumentParser(prog=f"rdebug {name}", description=help_line, parents=[common])
    if takes_text:
        sub.add_argument("text", nargs="*", help="free text describing the bug")
    _command_module(module).add_arguments(sub)
    return sub


def _command_module(module: str):
    return importlib.import_module(f"rdebug.commands.{module}")


def parse_args(argv: Sequence[str]) -> tuple[str | None, argparse.Namespace]:
    """Split ``argv`` at ``--`` (the command to run), pick the subcommand, parse."""
    argv = list(argv)
    cmd: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, cmd = argv[:i], argv[i + 1:]
    name = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser(name)
    args = parser.parse_args(argv[1:] if name else argv)
    args.cmd = cmd
    if not hasattr(args, "text"):
        args.text = []
    return name, args


def _cli_overrides(args: argparse.Namespace) -> dict:
    """The settings whose flags the user gave (None: not given)."""
    from rdebug.config import Config
    from rdebug.settings import flag_keys

    return {k: getattr(args, k, None) for k in flag_keys(Config)}


def run(argv: Sequence[str], front_end: Callable | None = None) -> int:
    """Parse and dispatch; ``front_end`` is the interactive UI's runner (the engine never imports one)."""
    from rdebug.config import load_config
    from rdebug.repo import find_root

    name, args = parse_args(argv)
    args.front_end = front_end
    args.root = find_root(Path(args.root) if args.root else None)
    cfg = load_config(args.root, _cli_overrides(args))
    if name in MODEL_COMMANDS:
        from rdebug.runtime import check_backend

        check_backend(cfg)
    if name:
        return _command_module(COMMANDS[name][0]).run(args, cfg)
    from rdebug.commands import interactive

    return interactive.run(args, cfg)


def main(argv: Sequence[str] | None = None, front_end: Callable | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    importlib.import_module("rdebug.intake.runner").install_sigterm_handler()  # SIGTERM kills test groups too
    try:
        return run(argv, front_end)
    except RdebugError as exc:
        print(f"rdebug: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("rdebug: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # last resort: one line, never a traceback
        if os.environ.get("RDEBUG_DEBUG"):
            raise
        print(f"rdebug: internal error: {type(exc).__name__}: {exc} (RDEBUG_DEBUG=1 shows details)", file=sys.stderr)
        return 70
