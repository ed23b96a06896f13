"""Which of several verified fixes is intended, asked as a narrow question (issue 22 §3).

A small model chose badly between two diffs (it took the one that returns the header as a row), and asked to
number the intended result it only followed the position. So nothing is decoded: each option is scored as the
model's own reply, its log-probability under the model (``ContinuationScores``):

- the fixes give different results on an input (``search.differ``): each result, as the answer to "what does
  this call return, by the function's name and docstring?", asked of the function alone;
- else, when every fix changes the same one function: each fixed version of it, as the answer to "write it
  with the bug fixed" (the fix whose code the model finds likelier).

The likeliest option picks its fix when it leads the next by ``MARGIN``; otherwise, and with backends that give
no scores, the search's own order stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator, Sequence

from rdebug.errors import RdebugError
from rdebug.events import ContinuationScores, Error, SessionEvent, Status
from rdebug.patch.diff import Patch
from rdebug.patch.syntax import definitions
from rdebug.runtime.base import ChatMessage, GenerationRequest
from rdebug.runtime.choice import softmax
from rdebug.search.differ import Difference, changed_lines

RESULT_SYSTEM = "You are a helpful coding assistant."
RESULT_ASK = """{source}What does `{call}` return, as the name and the docstring of `{function}` describe it?"""
RESULT_PREFILL = "It "
CODE_ASK = """Write `{function}` as it should be, with the bug fixed: the whole function, nothing else."""
LANGUAGES = {".py": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".ts": "typescript"}
MARGIN = 2.0  # nats (about 7 times likelier) the best option needs over the next to overrule the search's order
LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Pick:
    """The fix chosen (index into the fixes) and each option's log-probability as the model's reply."""

    index: int
    what: str  # "result" or "code"
    labels: tuple[str, ...]  # the options as shown: the results, or "Fix A", …
    logprobs: tuple[float, ...]  # empty: the backend gave none
    sure: bool  # the likeliest option led by MARGIN: its fix was chosen

    @property
    def shares(self) -> tuple[float, ...]:
        """The options' probabilities renormalised among themselves."""
        return tuple(softmax(list(self.logprobs))) if self.logprobs else ()

    def text(self) -> str:
        if not self.logprobs:
            return "the model scored no options"
        shares = ", ".join(f"{label} {p:.0%}" for label, p in zip(self.labels, self.shares))
        verdict = "chosen" if self.sure else "too close: the search's order stands"
        head = "the result the model expects" if self.what == "result" else "the fixed code the model finds likelier"
        return f"{head}: {shares} ({verdict})"


def answer_text(result: str) -> str:
    """How a result reads as the reply after ``RESULT_PREFILL``."""
    return f"raises `{result[7:]}`" if result.startswith("raises ") else f"returns `{result}`"


def result_request(difference: Difference, results: Sequence[str]) -> GenerationRequest:
    """The function and the call alone, without the failing test and its context: with them the 1.5B model
    leaned to the result the weak test allows (case 67: 0.4 nats the wrong way; alone, 2.8 nats the right way)."""
    source = f"```\n{difference.source}\n```\n" if difference.source else ""
    text = RESULT_ASK.format(source=source, call=difference.call, function=difference.function)
    return GenerationRequest(messages=[ChatMessage("system", RESULT_SYSTEM), ChatMessage("user", text)],
                             max_tokens=4, thinking=False, prefill=RESULT_PREFILL,
                             continuations=[answer_text(r) for r in results])


def fixed_versions(patches: Sequence[Patch]) -> tuple[str, str, list[str]] | None:
    """(function, language, each fix's version of it) when every fix changes that one function only."""
    names: set[tuple[str, str]] = set()
    texts: list[str] = []
    for patch in patches:
        if len(patch.files) != 1:
            return None
        (path, (old, new)), = patch.files.items()
        if old is None or new is None:
            return None
        lines = new.splitlines()
        changed = changed_lines(old, new, new_side=True)
        inside = [d for d in definitions(path, new) if any(d.start_line < n <= d.end_line + 1 for n in changed)]
        if not inside:
            return None
        d = min(inside, key=lambda d: d.end_line - d.start_line)  # the innermost
        names.add((path, d.name))
        texts.append("\n".join(lines[d.start_line:d.end_line + 1]))
    if len(names) != 1:
        return None
    path, name = names.pop()
    return name, LANGUAGES.get(PurePosixPath(path).suffix, ""), texts


def code_request(prefix: Sequence[ChatMessage], function: str, language: str,
                 texts: Sequence[str]) -> GenerationRequest:
    text = CODE_ASK.format(function=function)
    return GenerationRequest(messages=list(prefix) + [ChatMessage("user", text)], max_tokens=4, thinking=False,
                             prefill=f"```{language}\n", continuations=[t + "\n```" for t in texts])


def _scores(backend, request: GenerationRequest) -> Iterator[SessionEvent]:
    try:
        for ev in backend.generate(request):
            if isinstance(ev, ContinuationScores):
                return list(ev.logprobs)
            if isinstance(ev, Error):
                raise RdebugError(ev.message)
    except RdebugError as exc:
        yield Status(f"the model could not score the fixes: {exc.message}")
    return []


def _decide(what: str, labels: Sequence[str], per_fix: Sequence[int], logprobs: list[float]) -> Pick:
    """``per_fix``: the option each fix gives, in the search's order."""
    if len(logprobs) != len(labels):
        logprobs = []
    order = sorted(range(len(logprobs)), key=lambda i: (-logprobs[i], i))
    sure = len(order) > 1 and logprobs[order[0]] - logprobs[order[1]] >= MARGIN
    index = per_fix.index(order[0]) if sure else 0
    return Pick(index, what, tuple(labels), tuple(logprobs), sure)


def pick_fix(backend, prefix: Sequence[ChatMessage], difference: Difference | None,
             patches: Sequence[Patch]) -> Iterator[SessionEvent]:
    """The ``Pick`` among ``patches`` (the search's order), or None when neither question can be asked."""
    if difference is not None and difference.found:
        results = list(dict.fromkeys(difference.results))
        request = result_request(difference, results)
        per_fix = [results.index(r) for r in difference.results]
        what, labels = "result", results
    elif (versions := fixed_versions(patches)) is not None:
        function, language, texts = versions
        distinct = list(dict.fromkeys(texts))
        request = code_request(prefix, function, language, distinct)
        per_fix = [distinct.index(t) for t in texts]
        what = "code"
        labels = [f"Fix {LETTERS[per_fix.index(i)]}" for i in range(len(distinct))]
    else:
        return None
    logprobs = yield from _scores(backend, request)
    pick = _decide(what, labels, per_fix, logprobs)
    if pick.logprobs:
        yield Status(pick.text())
    return pick
