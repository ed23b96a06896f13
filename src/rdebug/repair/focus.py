"""A narrow repair request (issue 21 §4): rewrite one chosen function, its first line given.

The request names the function, shows it whole with what the failing test expects (the failure, the failing
lines of the test and of the callers), and the assistant turn is pre-filled with the file path, a fence and the
function's first line (``def pages(self):``), so the reply is exactly that function: no format to garble, no
test to edit, no feedback to echo. It ends at the closing fence (a stop string). The prefix (instructions and
context) is the fix prompt's, so the KV cache is shared with every other request of the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdebug.job import Attempt, Job
from rdebug.prompts import tried_note
from rdebug.repair.sites import Site
from rdebug.runtime.base import ChatMessage

FOCUS = """The bug is most likely in `{name}` ({path}, lines {start}-{end}). Here it is:
```{fence}
{text}
```
{expects}
Rewrite `{short}` with the bug fixed. Reply with the complete corrected function only, from its first line to
its last, nothing else. Use only names that exist in the code shown."""

STOP = "\n```"
MAX_LINES = 4  # failing lines shown


@dataclass(frozen=True)
class Focused:
    """One narrow request: its last user turn and the reply's pre-filled start."""

    site: Site
    text: str
    prefill: str  # the reply starts with this (path line, fence, the function's first line)


def expectations(job: Job, site: Site) -> str:
    """What the failing test expects, in a few lines: the failure and the failing lines outside ``site``."""
    problem = job.problem
    shown: list[str] = []
    for frame in reversed(problem.repo_frames):
        if not frame.line or (frame.path == site.path and site.start <= frame.line <= site.end):
            continue
        try:
            line = (Path(job.root) / frame.path).read_text(encoding="utf-8").split("\n")[frame.line - 1].strip()
        except (OSError, UnicodeDecodeError, IndexError):
            continue
        shown.append(f"{frame.path}:{frame.line} ({frame.function or '?'}): {line}")
        if len(shown) == MAX_LINES:
            break
    head = f"The test fails with: {problem.title.splitlines()[0][:300]}" if problem.title else ""
    lines = "\n".join(f"  {s}" for s in shown)
    return "\n".join(p for p in (head, f"Failing lines:\n{lines}" if shown else "") if p)


def focus(job: Job, site: Site, feedback: str = "") -> Focused:
    """The narrow request for ``site`` (``feedback``: what earlier attempts tried, compactly)."""
    text = FOCUS.format(name=site.name, path=site.path, start=site.start, end=site.end, fence=site.fence,
                        text=site.text.rstrip(), expects=expectations(job, site), short=site.short)
    if feedback.strip():
        text = f"{feedback.strip()}\n\n{text}"
    return Focused(site, text, f"{site.path}\n```{site.fence}\n{site.head}\n")


def messages(prefix: list[ChatMessage], focused: Focused) -> list[ChatMessage]:
    """The fix prompt's prefix (instructions, context) with the narrow request as the last user turn."""
    return list(prefix) + [ChatMessage("user", focused.text)]


def complete(prefill: str, reply: str) -> str:
    """The whole answer: the pre-filled start and the reply, its fence closed. A backend that ignored the
    pre-fill and wrote the whole block itself keeps its own reply."""
    if reply.lstrip().startswith(prefill.split("\n", 1)[0] + "\n"):
        return reply if reply.count("```") % 2 == 0 else reply.rstrip() + STOP
    first = prefill.rstrip("\n").rsplit("\n", 1)[-1].strip()
    if first and reply.lstrip().startswith(first):  # the model wrote the given first line again
        prefill = prefill.rstrip("\n").rsplit("\n", 1)[0] + "\n"
        reply = reply.lstrip()
    whole = prefill + reply
    return whole if whole.count("```") % 2 == 0 else whole.rstrip() + STOP


def focus_feedback(attempts: list[Attempt], tail_lines: int = 8) -> str:
    """What the earlier attempts tried, compactly: every failed fix in a line, the last run's output tail."""
    note = tried_note([a for a in attempts if a.patch is not None])
    ran = [a for a in attempts if a.output_tail and not a.verified and a.failures is not None]
    last = ""
    if ran:
        tail = "\n".join(ran[-1].output_tail.strip().splitlines()[-tail_lines:])
        last = f"With the last fix (attempt {ran[-1].index}) the test still fails:\n```\n{tail}\n```"
    return "\n\n".join(p for p in (note, last) if p)
