"""``python tests/tui/demo_scripted.py [--fast] [--tokens N] [--candidates K]``: the TUI on canned events.

Streams a whole session (intake, context, model loading, a failed then a verified attempt; with
``--candidates K``, one attempt of K candidates decoded together) from a scripted stand-in for the
engine, in a throwaway demo repository. Nothing real is modified.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from scripted import (
    ANSWER,
    BAD_DIFF,
    DEMO_DIFF,
    THINKING,
    AnswerDelta,
    Done,
    ScriptedSession,
    ThinkingDelta,
    attempt_events,
    demo_script,
    make_demo_repo,
    words,
)
from scripted_candidates import parallel_script


def build_script(tokens: int | None) -> list:
    if not tokens:
        return demo_script()
    script = demo_script(two_attempts=False)[:-len(attempt_events(1, DEMO_DIFF, True)) - 1]
    thinking = (THINKING + "\n") * max(1, tokens // 80)
    script += attempt_events(1, BAD_DIFF, False, thinking=thinking)
    script += attempt_events(2, DEMO_DIFF, True, answer=ANSWER)
    return script + [Done("stop")]


def followup_script() -> list:
    """A reply to a follow-up question: thinking and an answer, no new patch."""
    thinking = "The user asks why not raise. Raising would break the test, which expects 0."
    answer = "Raising `ValueError` is reasonable API design, but **the test expects `0`**, so the fix returns 0."
    return [*(ThinkingDelta(w) for w in words(thinking)), *(AnswerDelta(w) for w in words(answer)), Done("stop")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/tui/demo_scripted.py")
    parser.add_argument("--fast", action="store_true", help="no delays")
    parser.add_argument("--delay", type=float, default=0.03, help="seconds per streamed token")
    parser.add_argument("--tokens", type=int, default=0, help="length of the first thinking stream")
    parser.add_argument("--candidates", type=int, default=0, help="one attempt of K candidates (K >= 3)")
    args = parser.parse_args(argv)
    from rdebug_tui.app import RdebugApp

    with tempfile.TemporaryDirectory(prefix="rdebug-demo-") as tmp:
        root = make_demo_repo(Path(tmp))
        script = parallel_script(max(3, args.candidates)) if args.candidates else build_script(args.tokens)
        delay = 0.0 if args.fast else args.delay
        app = RdebugApp(lambda: ScriptedSession(root, start_script=script, ask_script=followup_script(),
                                                rerun_script=script[:3], token_delay=delay),
                        model_label="qwen2.5-coder-1.5b-instruct")
        return app.run() or 0


if __name__ == "__main__":
    sys.exit(main())
