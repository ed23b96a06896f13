"""`rdebug ask "QUESTION"`: one debugging question (with the failure's context), the reply streamed."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any, TextIO

from rdebug.config import Config
from rdebug.errors import ExitCode, ModelError, UsageError
from rdebug.events import (
    AnswerDelta, Done, Error, ModelLoading, Status, ThinkingDelta, Usage, profile_of, resolve_thinking,
)
from rdebug.runtime.base import Backend, GenerationRequest

DIM, RESET = "\x1b[2m", "\x1b[0m"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="*", help="the question (default: explain the failure and fix it)")
    parser.add_argument("--no-context", action="store_true", help="ask just the question: no intake, no code context")
    parser.add_argument(
        "--json-events", action="store_true", help="print one JSON object per line: thinking/answer deltas, usage, done"
    )


def _context_text(args: argparse.Namespace, cfg: Config, pipeline, err: TextIO) -> str:
    """The failure's packed context (the pipeline's intake and context stages, facts flags included), or ""."""
    if args.no_context:
        return ""
    from rdebug.cli_common import has_intake, intake_request
    from rdebug.pipeline import gather

    if not has_intake(args):
        return ""
    request = intake_request(args, cfg)
    result = gather(request)
    if not result.problems:
        print(f"rdebug: {result.message or 'no failure found'}; asking without context", file=err)
        return ""
    return pipeline.prepare(result.problems[0], args.root, result.command, test_cmd=request.test_cmd).prompt_text


class _Printer:
    """Writes the stream as JSON lines, dimmed thinking on a terminal, or labelled plain text."""

    def __init__(self, out: TextIO, json_events: bool) -> None:
        self.out, self.json = out, json_events
        self.tty = not json_events and out.isatty()
        self.part: str | None = None

    def emit(self, obj: dict[str, Any]) -> None:
        self.out.write(json.dumps(obj) + "\n")
        self.out.flush()

    def delta(self, kind: str, text: str) -> None:
        if self.json:
            self.emit({"type": kind, "text": text})
            return
        if kind != self.part:
            if self.part is not None:
                self.out.write("\n\n")
            if not self.tty:
                self.out.write("[thinking]\n" if kind == "thinking" else "[answer]\n")
            self.part = kind
        self.out.write(f"{DIM}{text}{RESET}" if self.tty and kind == "thinking" else text)
        self.out.flush()

    def usage(self, u: Usage, err: TextIO) -> None:
        if self.json:
            self.emit({
                "type": "usage", "prompt_tokens": u.prompt_tokens, "thinking_tokens": u.thinking_tokens,
                "answer_tokens": u.answer_tokens, "ttft_s": round(u.ttft_s, 4), "tokens_per_s": round(u.tokens_per_s, 2),
                "cached_tokens": u.cached_tokens,
            })
            return
        if self.part is not None:
            self.out.write("\n")
            self.out.flush()
        if err.isatty():
            err.write(
                f"{DIM}[{u.prompt_tokens} prompt, {u.thinking_tokens} thinking, {u.answer_tokens} answer tokens; "
                f"first token {u.ttft_s:.2f}s; {u.tokens_per_s:.1f} tok/s]{RESET}\n"
            )


def run(args: argparse.Namespace, cfg: Config, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from rdebug.cli_common import cancel_on_sigint
    from rdebug.pipeline import Pipeline

    out, err = out or sys.stdout, err or sys.stderr
    printer = _Printer(out, args.json_events or getattr(args, "json", False))
    question = " ".join(args.question).strip() or None
    if args.no_context and not question:
        raise UsageError("ask --no-context needs a question")
    pipeline = Pipeline(cfg)
    backend = pipeline.open()
    interrupted = threading.Event()

    def interrupt() -> None:
        interrupted.set()
        backend.cancel()

    try:
        with cancel_on_sigint(interrupt):
            return _ask(args, cfg, pipeline, question, printer, err, interrupted)
    finally:
        pipeline.close()


def _ask(args: argparse.Namespace, cfg: Config, pipeline, question: str | None, printer: _Printer, err: TextIO,
         interrupted: threading.Event) -> int:
    """Load the model, gather the context, stream the reply."""
    from rdebug.prompts import build_messages

    try:
        for ev in pipeline.load():
            if isinstance(ev, ModelLoading) and err.isatty() and not printer.json:
                err.write(f"\r{DIM}{ev.message[:70]:<70} {ev.progress:4.0%}{RESET}")
            elif isinstance(ev, Status):
                _note(printer, err, ev.message)
            if interrupted.is_set():
                return ExitCode.INTERRUPTED
    except ModelError as exc:
        return _fail(printer, exc.message)
    backend = pipeline.backend
    stats = pipeline.ready.stats if pipeline.ready else None
    if err.isatty() and not printer.json:
        err.write("\r" + " " * 80 + "\r")
    context = _context_text(args, cfg, pipeline, err)
    if not context and not question:
        raise UsageError("nothing to ask: give a question, a command after --, a --trace or piped output")
    profile = profile_of(stats)
    thinking = resolve_thinking(cfg.thinking, stats)
    messages = build_messages(context, question, profile.thinking_mode, thinking=thinking,
                              system_prompt=profile.system_prompt)
    request = GenerationRequest(
        messages=messages, max_tokens=cfg.max_tokens, thinking=thinking, think_budget=cfg.think_budget
    )
    for ev in backend.generate(request):
        if isinstance(ev, ThinkingDelta):
            printer.delta("thinking", ev.text)
        elif isinstance(ev, AnswerDelta):
            printer.delta("answer", ev.text)
        elif isinstance(ev, Usage):
            printer.usage(ev, err)
        elif isinstance(ev, Status):
            _note(printer, err, ev.message)
        elif isinstance(ev, Error):
            return _fail(printer, ev.message)
        elif isinstance(ev, Done):
            if printer.json:
                printer.emit({"type": "done", "reason": ev.reason})
            if ev.reason == "cancelled" or interrupted.is_set():
                return ExitCode.INTERRUPTED
    return ExitCode.INTERRUPTED if interrupted.is_set() else ExitCode.OK


def _note(printer: _Printer, err: TextIO, message: str) -> None:
    """A one-line notice (e.g. the CPU fallback): a JSON event, or a line on stderr."""
    if printer.json:
        printer.emit({"type": "status", "message": message})
    else:
        err.write(f"\r{' ' * 80}\r{message}\n" if err.isatty() else f"{message}\n")
        err.flush()


def _fail(printer: _Printer, message: str) -> int:
    if printer.json:
        printer.emit({"type": "error", "message": message})
        return ExitCode.MODEL
    raise ModelError(message)
