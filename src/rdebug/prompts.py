"""The debugging prompt: system text and the message list given to the model."""

from __future__ import annotations

from typing import Sequence

from rdebug.runtime.base import ChatMessage

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

PROMPTED_THINKING = """First think step by step inside <think></think> tags: read the error, follow the stack
frames into the code, and check your hypothesis against the code shown. Then close the tag and write
your answer after </think>."""

NO_THINKING = "Answer directly, without a long preamble."


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
