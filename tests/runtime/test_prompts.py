"""Prompt building: prompted thinking, folded system prompt, history without thinking."""

from __future__ import annotations

from rdebug.prompts import PROMPTED_THINKING, SYSTEM_PROMPT, build_messages, strip_thinking
from rdebug.runtime.base import ChatMessage


def test_prompted_adds_think_instruction():
    msgs = build_messages("CTX", "why?", "prompted")
    assert [m.role for m in msgs] == ["system", "user"]
    assert PROMPTED_THINKING in msgs[0].content
    assert msgs[1].content == "CTX\n\nwhy?"


def test_native_thinking_has_no_tag_instruction():
    msgs = build_messages("CTX", None, "think-tags")
    assert "<think>" not in msgs[0].content


def test_no_system_prompt_folds_into_user():
    msgs = build_messages("CTX", "q", "think-tags", system_prompt=False)
    assert [m.role for m in msgs] == ["user"]
    assert msgs[0].content.startswith(SYSTEM_PROMPT)


def test_history_drops_thinking():
    history = [ChatMessage("user", "first"), ChatMessage("assistant", "<think>long</think>\n\nshort answer")]
    msgs = build_messages("", "and now?", "prompted", history)
    assert [m.role for m in msgs] == ["system", "user", "assistant", "user"]
    assert msgs[2].content == "short answer"
    assert msgs[3].content == "and now?"


def test_strip_thinking_variants():
    assert strip_thinking("mid thought</think>answer") == "answer"
    assert strip_thinking("<think>never closed") == ""
    assert strip_thinking("a<think>x</think>b<think>y</think>c") == "abc"
