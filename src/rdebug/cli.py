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

# flag dest -> Config key (only flags the user gave override the config)
CONFIG_FLAGS = (
    "model", "backend", "base_url", "gpu_layers", "ctx", "threads", "kv_type", "max_tokens",
    "thinking", "think_budget", "timeout", "budget", "test_cmd", "attempts", "samples", "all_candidates", "models_dir",
    "repack", "flash_attn", "search", "search_beside", "spectrum", "calls", "precheck", "resample", "focus", "localize",
)

EPILOG = """intake (how rdebug learns what is broken):
  rdebug                       run the project's tests, debug the first failure
  rdebug -- CMD ARGS...        run CMD, debug its failure
  pytest 2>&1 | rdebug         read a trace from stdin (also: --trace FILE)
  rdebug "text describing the bug, naming files like src/login.py"

commands: """ + ", ".join(COMMANDS) + " (rdebug COMMAND --help)"


def _common_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("intake")
    g.add_argument("--trace", metavar="FILE", help="read a failure trace from FILE ('-' for stdin)")
    g.add_argument("--test-cmd", metavar="CMD", help="the project's test command (overrides detection)")
    g.add_argument("--timeout", type=float, metavar="S", help="timeout for a test command in seconds (300)")
    g.add_argument("--root", metavar="DIR", help="repository root (default: the git work tree of cwd)")
    c = p.add_argument_group("context")
    c.add_argument("--budget", type=int, metavar="N", help="context token budget (6000)")
    m = p.add_argument_group("model")
    m.add_argument("--model", metavar="M", help="GGUF path, catalog name or hf:REPO/FILE")
    m.add_argument("--backend", metavar="B", help="llama (default), openai, replay:FILE")
    m.add_argument("--base-url", metavar="URL", help="server URL for --backend openai")
    m.add_argument("--gpu-layers", type=int, metavar="N", help="layers to offload (-1 all; default: all when a GPU is usable)")
    m.add_argument("--ctx", type=int, metavar="N", help="context size in tokens")
    m.add_argument("--threads", type=int, metavar="N", help="CPU threads")
    m.add_argument("--kv-type", choices=["f16", "q8_0"], help="KV cache type")
    m.add_argument("--flash-attn", choices=["auto", "on", "off"],
                   help="flash attention (default auto: llama.cpp decides per device; on with --kv-type q8_0)")
    m.add_argument("--max-tokens", type=int, metavar="N", help="max tokens per reply (thinking + answer)")
    m.add_argument("--think", dest="thinking", action="store_const", const=True,
                   help="let the model think (default: as the model's catalog entry says)")
    m.add_argument("--no-think", dest="thinking", action="store_const", const=False, help="answer without thinking")
    m.add_argument("--think-budget", type=int, metavar="N", help="close the thought after N tokens")
    m.add_argument("--models-dir", metavar="DIR", help="where GGUF files live")
    m.add_argument("--no-repack", dest="repack", action="store_const", const=False, default=None,
                   help="load without llama.cpp's extra buffer types (AMX/repacked weights); "
                        "use when the model crashes with SIGILL")
    r = p.add_argument_group("repair")
    r.add_argument("--attempts", type=int, metavar="N", help="repair attempts (3)")
    r.add_argument("--samples", type=int, metavar="K",
                   help="candidates per attempt, decoded together in one batch by the llama backend (1)")
    r.add_argument("--all-candidates", dest="all_candidates", action="store_const", const=True, default=None,
                   help="verify every candidate of a round and rank them (default: the first verified one "
                        "ends the round)")
    r.add_argument("--no-search", dest="search", action="store_const", const=False, default=None,
                   help="do not try small edits at the suspicious lines")
    r.add_argument("--search-first", dest="search_beside", action="store_const", const=False, default=None,
                   help="run the search before the model's attempts (default: while the model decodes)")
    r.add_argument("--no-precheck", dest="precheck", action="store_const", const=False, default=None,
                   help="run every model candidate's tests, without the static pre-check first")
    r.add_argument("--no-resample", dest="resample", action="store_const", const=False, default=None,
                   help="count a reply that repeats a tried fix as an attempt (default: sample another)")
    r.add_argument("--no-focus", dest="focus", action="store_const", const=False, default=None,
                   help="ask for a fix anywhere (default for function-format models: one chosen function, "
                        "its first line given)")
    r.add_argument("--no-localize", dest="localize", action="store_const", const=False, default=None,
                   help="rewrite the top-ranked function without asking the model to choose it")
    r.add_argument("--calls", dest="calls", action="store_const", const=True, default=None,
                   help="re-run the failing pytest test under a tracer and show the model what it called "
                        "and returned")
    r.add_argument("--no-calls", dest="calls", action="store_const", const=False, default=None,
                   help="no call record (the default for now)")
    r.add_argument("--spectrum", dest="spectrum", action="store_const", const=True, default=None,
                   help="run the tests once under a line tracer and show the model the functions only the "
                        "failing test runs (Ochiai)")
    r.add_argument("--no-spectrum", dest="spectrum", action="store_const", const=False, default=None,
                   help="do not run the tests under the line tracer (the default for now)")
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
    return {k: getattr(args, k, None) for k in CONFIG_FLAGS}


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
