"""Plain-terminal progress for the repair loop (fix and eval commands): events → stderr lines."""

from __future__ import annotations

import shlex
from typing import TextIO

from rdebug.events import (
    AnswerDelta,
    AttemptResampled,
    AttemptStarted,
    Error,
    FixesCompared,
    ModelLoading,
    PatchProposed,
    PatchRejected,
    PatchVerified,
    Status,
    ThinkingDelta,
    Usage,
    VerificationStarted,
)

DIM, GREEN, RED, RESET = "\x1b[2m", "\x1b[32m", "\x1b[31m", "\x1b[0m"


class Progress:
    """Streams thinking (dimmed) and answers on a terminal; one status line per step otherwise."""

    def __init__(self, err: TextIO, stream: bool | None = None, quiet: bool = False) -> None:
        self.err = err
        self.tty = err.isatty()
        self.stream = self.tty if stream is None else stream
        self.quiet = quiet
        self._mid_line = False
        self._k = 1  # candidates of the running attempt

    def _style(self, text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if self.tty else text

    def line(self, text: str, code: str = "") -> None:
        if self.quiet:
            return
        if self._mid_line:
            self.err.write("\n")
            self._mid_line = False
        self.err.write((self._style(text, code) if code else text) + "\n")
        self.err.flush()

    def clear_line(self) -> None:
        """Erase a transient progress line (model loading)."""
        if self._mid_line and self.tty:
            self.err.write("\r" + " " * 80 + "\r")
            self.err.flush()
        self._mid_line = False

    def _who(self, sample: int) -> str:
        """Which candidate a line is about, when an attempt has several."""
        return f"candidate {sample}: " if self._k > 1 else ""

    def event(self, ev: object, attempts: int = 1) -> None:
        if isinstance(ev, ModelLoading):
            if self.tty and not self.quiet:
                self.err.write(f"\r{DIM}{ev.message[:70]:<70} {ev.progress:4.0%}{RESET}")
                self._mid_line = True
        elif isinstance(ev, AttemptStarted):
            self._k = ev.sample  # candidates of this attempt (they all start together)
            if ev.sample == 1:
                self.line(f"── attempt {ev.attempt}/{attempts}", DIM)
        elif isinstance(ev, FixesCompared):
            self.line(ev.text)
        elif isinstance(ev, AttemptResampled):
            self.line(f"{self._who(ev.sample)}↻ {ev.reason} (not counted as an attempt)", DIM)
        elif isinstance(ev, (ThinkingDelta, AnswerDelta)) and ev.candidate:
            pass  # with several candidates decoding together, the first one's text is streamed
        elif isinstance(ev, (ThinkingDelta, AnswerDelta)) and self.stream and not self.quiet:
            text = ev.text if isinstance(ev, AnswerDelta) else self._style(ev.text, DIM)
            self.err.write(text)
            self.err.flush()
            self._mid_line = not ev.text.endswith("\n")
        elif isinstance(ev, Usage):
            self.line(f"{self._who(ev.candidate + 1)}[{ev.prompt_tokens} prompt, {ev.thinking_tokens} thinking, {ev.answer_tokens} answer tokens;"
                      f" {ev.tokens_per_s:.1f} tok/s]", DIM)
        elif isinstance(ev, PatchRejected) and ev.reason.startswith("stopped:"):  # a fix found elsewhere
            self.line(f"{self._who(ev.sample)}{ev.reason}", DIM)
        elif isinstance(ev, PatchRejected):
            self.line(f"{self._who(ev.sample)}✗ no usable patch: {ev.reason.splitlines()[0][:300]}", RED)
        elif isinstance(ev, PatchProposed):
            self.line(f"{self._who(ev.sample)}patch for {', '.join(ev.files)}")
        elif isinstance(ev, VerificationStarted):
            self.line(f"{self._who(ev.sample)}verifying: {shlex.join(ev.command)}", DIM)
        elif isinstance(ev, PatchVerified):
            if ev.verified:
                self.line(f"{self._who(ev.sample)}✓ verified: {ev.reason or 'the command passes with the patch'}"
                          + (f"; {ev.checked}" if ev.checked and ev.checked not in ev.reason else ""), GREEN)
            else:
                why = f"new failures: {', '.join(ev.regressions[:5])}" if ev.regressions else "still failing"
                why = ev.reason or why
                self.line(f"{self._who(ev.sample)}✗ {why}", RED)
        elif isinstance(ev, Error):
            self.line(f"error: {ev.message}", RED)
        elif isinstance(ev, Status):
            self.line(ev.message, DIM)
