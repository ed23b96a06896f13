"""After the search finds a fix: the model explains it, on the same prompt prefix as its own attempts."""

from __future__ import annotations

import re
from typing import Iterator, Sequence

from rdebug.errors import RdebugError
from rdebug.events import Done, Error, SessionEvent, Status
from rdebug.runtime.base import ChatMessage, GenerationRequest

EXPLAIN = """A search for small edits found this fix ({label}); with it the failing test passes ({checked}):
```diff
{diff}
```
In two sentences, explain why this change fixes the failure. Then say whether it fixes the real cause
(start that line with "Real cause: yes" or "Real cause: no") or only hides the symptom. Do not write
another fix."""

CHOOSE = """A search for small edits found {n} different fixes; with each of them the failing test passes
({checked}):
{fixes}
{difference}Which one fixes the real cause of the failure? Start your answer with "Choice: A" (or B, …). Then, in two
sentences, explain why that change fixes the failure. Do not write another fix."""

LETTERS = "ABCDEFGH"
_CHOICE = re.compile(r"choice\W{0,4}(?:fix\s+)?\(?([A-H])\b", re.IGNORECASE)

MAX_TOKENS = 512
THINK_BUDGET = 256


def _ask(prefix: list[ChatMessage], history: list[ChatMessage], text: str, thinking: bool,
         think_budget: int | None) -> GenerationRequest:
    """A short request on the attempts' prompt prefix: ``text`` as the last user turn, thinking capped."""
    budget = THINK_BUDGET if think_budget is None else min(think_budget, THINK_BUDGET)
    return GenerationRequest(messages=prefix + history + [ChatMessage("user", text)], max_tokens=MAX_TOKENS,
                             thinking=thinking, think_budget=budget)


def explain_request(prefix: list[ChatMessage], history: list[ChatMessage], label: str, diff: str, checked: str,
                    thinking: bool, think_budget: int | None) -> GenerationRequest:
    text = EXPLAIN.format(label=label, diff=diff.strip(), checked=checked or "verified")
    return _ask(prefix, history, text, thinking, think_budget)


def choose_request(prefix: list[ChatMessage], history: list[ChatMessage], fixes: Sequence[tuple[str, str]],
                   checked: str, thinking: bool, think_budget: int | None, difference: str = "") -> GenerationRequest:
    """Ask the model which of several verified fixes (label, diff) is the real one, and why (``difference``: an
    input on which they differ, when one was found)."""
    listed = "\n".join(f"Fix {LETTERS[i]} ({label}):\n```diff\n{diff.strip()}\n```" for i, (label, diff)
                       in enumerate(fixes))
    extra = f"{difference.strip()} Which result does the code's intent (its docstring, its name, the test) " \
            f"call for?\n" if difference.strip() else ""
    text = CHOOSE.format(n=len(fixes), fixes=listed, checked=checked or "verified", difference=extra)
    return _ask(prefix, history, text, thinking, think_budget)


def parse_choice(answer: str, n: int) -> int | None:
    """The 0-based fix the answer chose ("Choice: B"), or None when it names none of the ``n``."""
    found = _CHOICE.search(answer)
    if found is None:
        return None
    i = LETTERS.index(found.group(1).upper())
    return i if i < n else None


def stream_explanation(backend, request: GenerationRequest, attempt) -> Iterator[SessionEvent]:
    """Stream the model's explanation into ``attempt`` (its thinking and answer); a failure to explain is a
    status line, never a fatal error: the fix is verified without it."""
    try:
        for ev in backend.generate(request):
            if attempt.take(ev):
                pass
            elif isinstance(ev, Done):
                continue
            elif isinstance(ev, Error):
                yield Status(f"the model could not explain the fix: {ev.message}")
                return
            yield ev
    except RdebugError as exc:
        yield Status(f"the model could not explain the fix: {exc.message}")
