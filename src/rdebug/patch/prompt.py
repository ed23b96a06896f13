"""The fix prompt, per edit format; feedback turns after a rejected or failing patch.

Two formats (the catalog's ``edit_format`` picks one per model):

- ``search-replace``: SEARCH/REPLACE blocks, compact and exact; what capable models do best.
- ``function``: the complete fixed function after its file path. Small models garble SEARCH blocks
  (the 1.5B default copied the format's placeholder lines instead of the code) but rewrite a function
  well; the function is swapped in by name, so its line numbers never matter.
"""

from __future__ import annotations

import re
import shlex
from typing import Sequence

from rdebug.runtime.base import ChatMessage

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
