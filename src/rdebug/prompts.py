"""Every prompt rdebug sends: the fix prompt per edit format and its prefix for a job, the feedback turns after
a rejected or failing patch, and the one-question prompt of ``rdebug ask``.

Two formats (the catalog's ``edit_format`` picks one per model):

- ``search-replace``: SEARCH/REPLACE blocks, compact and exact; what capable models do best.
- ``function``: the complete fixed function after its file path. Small models garble SEARCH blocks
  (the 1.5B default copied the format's placeholder lines instead of the code) but rewrite a function
  well; the function is swapped in by name, so its line numbers never matter.
"""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING, Sequence

from rdebug.intake.model import Problem
from rdebug.intake.testfiles import is_test_path
from rdebug.runtime.base import ChatMessage

if TYPE_CHECKING:
    from rdebug.patch.precheck import PrecheckResult

FORMATS = ("search-replace", "function")

INTRO = """You are rdebug, an expert software debugger fixing a bug in the user's repository.
You get the failing output and the relevant source code (shown with line numbers; `>>` marks the failing
lines). Find the root cause and fix it with the smallest correct change in the code under test. Do not
edit the tests (test files, fixtures, conftest.py): they define the expected behaviour, so a fix that
changes them is not accepted. Keep the code style."""

SEARCH_REPLACE = """Reply with one or two sentences naming the root cause, then the fix as SEARCH/REPLACE blocks:

{path}
<<<<<<< SEARCH
the exact existing lines to change (copied from the file, without the line numbers)
=======
the new lines
>>>>>>> REPLACE

Rules: SEARCH must match the file exactly, with enough lines to be unique; use several small blocks
rather than one huge one; to create a new file leave SEARCH empty. Never write "..." to skip code inside
a block. If a block is hard to get right, give instead the file path on a line and then the complete
fixed function in a fenced code block."""

FUNCTION = """Reply in two parts. First, one or two sentences naming the root cause. Then, for each function
you change, its file path alone on a line (for example {path}) and below it the complete fixed function
in a fenced code block: every line of the function from its `def`/`function` line to its end, with the
fix applied, without line numbers and without "..." for unchanged lines. Change only what the fix needs.
Only if the fix is outside any function, use instead a SEARCH/REPLACE block: the path line, a line
`<<<<<<< SEARCH`, the exact old lines, a line `=======`, the new lines, a line `>>>>>>> REPLACE`."""

PROMPTED_THINKING = """First think step by step inside <think></think>: read the error, follow the frames
into the code and check your idea against the code shown. Then close the tag and answer after </think>."""

NO_THINKING = "Answer directly, without a long preamble."

ASK = "Fix the failure above: name the root cause, then give the fix as described."

QUESTION = ("Answer the question above about this failure and the code shown, briefly. Give a fix only if "
            "the question asks for one or your answer changes the fix; then give it as described.")

_ASKING = {"why", "what", "how", "where", "when", "which", "who", "whose", "explain", "describe"}
_TELLING = {"fix", "try", "change", "use", "make", "look", "check", "don't", "do", "dont", "please", "the", "it"}


def is_question(text: str) -> bool:
    """Whether a follow-up asks something (answered) rather than hints at the fix (repair loop again).

    "why is page 3 rejected?" and "explain the check" ask; "the bug is in the parser" and "try the
    range check?" tell.
    """
    words = re.findall(r"[a-z']+", text.strip().lower())
    if not words or words[0] in _TELLING:
        return False
    return text.strip().endswith("?") or words[0] in _ASKING


def question_turn(text: str) -> str:
    """The user turn for a follow-up question."""
    return f"{text.strip()}\n\n{QUESTION}"


RETRY = {
    "search-replace": "reply with a different fix as new SEARCH/REPLACE blocks against the ORIGINAL files "
                      "(the previous edits were discarded)",
    "function": "reply with a different fix: the file path, then the complete fixed function in a fenced "
                "code block, written against the ORIGINAL code shown above (the previous edits were discarded)",
}

RESHAPE = {
    "search-replace": "Reply again with corrected SEARCH/REPLACE blocks against the ORIGINAL files; copy the "
                      "SEARCH lines exactly from the code shown (without line numbers). Or give the file path "
                      "on a line and then the complete fixed function in a fenced code block.",
    "function": "Reply again: the file path alone on a line, then the complete fixed function (all of it, "
                "taken from the code shown above, without line numbers) in a fenced code block.",
}


def _format(edit_format: str) -> str:
    return edit_format if edit_format in FORMATS else "search-replace"


def system_prompt(thinking_mode: str, thinking: bool, example_path: str = "path/to/file.py",
                  edit_format: str = "search-replace") -> str:
    """The instructions; ``example_path`` (a real file from the context) keeps small models from
    copying a placeholder path."""
    body = FUNCTION if _format(edit_format) == "function" else SEARCH_REPLACE
    text = INTRO + "\n\n" + body.replace("{path}", example_path)
    if thinking_mode == "prompted":
        return text + "\n\n" + (PROMPTED_THINKING if thinking else NO_THINKING)
    return text


def code_paths(problem: Problem, hashes: Sequence[str] = ()) -> list[str]:
    """The repository files a fix may name: the problem's frames, its seeds, the files the context shows."""
    paths = [f.path for f in problem.repo_frames] + list(problem.seeds) + list(hashes)
    return list(dict.fromkeys(p for p in paths if ":" not in p))


def _looks_like_test(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return is_test_path(path) or "test" in name.lower()


def example_path(problem: Problem, hashes: Sequence[str] = ()) -> str:
    """A real file for the prompt's example: the innermost in-repo frame outside the tests."""
    paths = code_paths(problem, hashes)
    code = [p for p in paths if not _looks_like_test(p)]
    inner = [f.path for f in reversed(problem.repo_frames) if f.path in code]
    return (inner or code or paths or ["path/to/file.py"])[0]


def fix_prefix(problem: Problem, prompt_text: str, hashes: Sequence[str], profile, thinking: bool) -> list[ChatMessage]:
    """The prompt prefix for a fix or an explanation of one (shared, so the KV cache is reused): the
    instructions for the model's ``profile`` (``rdebug.events.profile_of``) and the job's context."""
    return fix_messages(prompt_text, profile.thinking_mode, thinking, system=profile.system_prompt,
                        example_path=example_path(problem, hashes), edit_format=profile.edit_format)


def fix_messages(context_text: str, thinking_mode: str, thinking: bool = True,
                 system: bool = True, example_path: str = "path/to/file.py",
                 edit_format: str = "search-replace") -> list[ChatMessage]:
    """The conversation prefix shared by every attempt (kept identical so the KV cache is reused).

    ``system=False`` (models without a system role) folds the instructions into the user turn.
    """
    user = f"{context_text.strip()}\n\n{ASK}"
    instructions = system_prompt(thinking_mode, thinking, example_path, edit_format)
    if not system:
        return [ChatMessage("user", f"{instructions}\n\n{user}")]
    return [ChatMessage("system", instructions), ChatMessage("user", user)]


def failed_feedback(command: Sequence[str], output_tail: str, regressions: Sequence[str] = (),
                    timed_out: bool = False, diff: str | None = None,
                    edit_format: str = "search-replace", note: str = "") -> str:
    """The next user turn after a patch that did not make the command pass (``note``: what the output
    shows about the patch, e.g. that the failure did not move)."""
    cmd = shlex.join(command)
    if regressions:
        head = (f"With your fix `{cmd}` passes, but these tests that passed before now fail: "
                f"{', '.join(regressions[:10])}. Output:")
    elif timed_out:
        head = f"With your fix `{cmd}` did not finish in time (an endless loop?). Output:"
    else:
        head = f"I applied your fix to a copy of the repository and ran `{cmd}`. It still fails:"
    tried = f"You proposed this fix:\n```diff\n{diff.strip()}\n```\n" if diff else ""
    note = f"{note.strip()}\n" if note.strip() else ""
    return (f"{tried}{head}\n```\n{output_tail.strip()}\n```\n{note}"
            f"That fix is wrong or incomplete. Find the real cause and {RETRY[_format(edit_format)]}.")


def tried_note(attempts: Sequence, most: int = 4, lines: int = 4) -> str:
    """The fixes already tried that failed, compactly (their changed lines and how they failed), oldest first:
    a small model told only of the last one proposes an earlier one again."""
    seen: set[str] = set()
    out: list[str] = []
    for a in attempts:
        if a.patch is None or a.verified or (a.failures is None and not a.precheck) or a.repeat_of is not None:
            continue
        body = [ln for ln in a.patch.diff.splitlines() if ln.startswith(("+", "-"))
                and not ln.startswith(("+++", "---")) and ln[1:].strip()]
        key = "\n".join(body)
        if key in seen:
            continue
        seen.add(key)
        how = (a.reason or "the test still fails").splitlines()[0][:120]
        out.append(f"- attempt {a.index}: " + " / ".join(ln[:80] for ln in body[:lines]) + f" ({how})")
    if not out:
        return ""
    return "Fixes already tried that failed (do not propose them again):\n" + "\n".join(out[-most:])


def precheck_feedback(result: "PrecheckResult", edit_format: str = "search-replace",
                      diff: str | None = None) -> str:
    """The next user turn after a candidate the pre-check rejected (``diff``: shown back when given)."""
    retry = RETRY.get(edit_format, RETRY["search-replace"])
    problems = [p.rstrip(". ") for p in result.problems[:6]] or ["it does not pass the static check"]
    listed = f" {problems[0]}." if len(problems) == 1 else "".join(f"\n- {p}" for p in problems)
    tried = f"You proposed this fix:\n```diff\n{diff.strip()}\n```\n" if diff and diff.strip() else ""
    return f"{tried}Your fix was not run:{listed}\nCorrect this and {retry}."


def test_edit_feedback(paths: Sequence[str], edit_format: str = "search-replace") -> str:
    """The next user turn after a patch that edited tests: fix the code instead."""
    listed = ", ".join(paths[:5])
    return (f"You edited the test file(s) {listed}; fix the code instead. The tests define the expected "
            f"behaviour, so a fix that changes them is not accepted. Leave the tests unchanged and "
            f"{RETRY[_format(edit_format)]}.")


def rejected_feedback(problems: Sequence[str], edit_format: str = "search-replace") -> str:
    """The next user turn after a reply whose edits could not be used."""
    listed = "\n".join(f"- {p}" for p in problems[:6])
    return f"Your edits could not be applied:\n{listed}\n{RESHAPE[_format(edit_format)]}"


# --- rdebug ask: one question about the failure -------------------------------------------------------
SYSTEM_PROMPT = """You are rdebug, an expert software debugger working on the user's repository.
You are given a failing test or error output and the relevant source code (file paths with line
numbers). Find the root cause of the failure, not just the symptom.

Answer in this order:
1. Root cause: one or two sentences naming the file, function and line at fault.
2. Fix: the smallest change that fixes the root cause, as a unified diff against the repository
   (paths relative to the repository root, ---/+++ headers, @@ hunks with a few unchanged context lines).
   Do not change tests unless the test itself is wrong. Keep the code style.
3. Check: how the fix makes the failing test pass without breaking other behaviour.

Be concise. Do not invent files or functions that are not shown."""


def build_messages(
    context_text: str,
    question: str | None,
    thinking_mode: str,
    history: Sequence[ChatMessage] = (),
    *,
    thinking: bool = True,
    system_prompt: bool = True,
) -> list[ChatMessage]:
    """The chat for one turn.

    ``thinking_mode`` "prompted" asks for ``<think>`` tags; native modes think on their own.
    ``system_prompt=False`` (catalog quirk, e.g. DeepSeek-R1) folds the system text into the first
    user turn. ``history`` holds earlier turns; their thinking is dropped.
    """
    system = SYSTEM_PROMPT
    if thinking_mode == "prompted":
        system += "\n\n" + (PROMPTED_THINKING if thinking else NO_THINKING)
    parts = [p for p in (context_text.strip(), (question or "").strip()) if p]
    if not parts:
        parts = ["Explain the failure above and propose a fix."]
    user = "\n\n".join(parts)
    if not context_text.strip() and question:
        user = question.strip()
    turns = [ChatMessage(m.role, strip_thinking(m.content) if m.role == "assistant" else m.content) for m in history]
    turns = [m for m in turns if m.role != "system"]
    turns.append(ChatMessage("user", user))
    if system_prompt:
        return [ChatMessage("system", system), *turns]
    first = turns[0]
    turns[0] = ChatMessage(first.role, f"{system}\n\n{first.content}")
    return turns


def strip_thinking(text: str) -> str:
    """Remove ``<think>…</think>`` blocks (and an unterminated leading one) from an earlier reply."""
    out, rest = [], text
    while True:
        start = rest.find("<think>")
        end = rest.find("</think>")
        if end != -1 and (start == -1 or end < start):
            rest = rest[end + len("</think>") :]  # reply began mid-thought
            continue
        if start == -1:
            out.append(rest)
            break
        out.append(rest[:start])
        if end == -1:
            break
        rest = rest[end + len("</think>") :]
    return "".join(out).strip()
