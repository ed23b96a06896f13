"""ThinkingSplitter: markers, split tags, mid-thought starts, chunking invariance."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rdebug.events import AnswerDelta, ThinkingDelta
from rdebug.runtime.splitter import CLOSE_THOUGHT, MODES, ThinkingSplitter


def split(mode: str, chunks: list[str], starts_in_thought: bool = False) -> tuple[str, str]:
    s = ThinkingSplitter(mode, starts_in_thought)
    events = [ev for c in chunks for ev in s.feed(c)] + s.flush()
    think = "".join(e.text for e in events if isinstance(e, ThinkingDelta))
    answer = "".join(e.text for e in events if isinstance(e, AnswerDelta))
    return think, answer


def test_think_tags_whole():
    assert split("think-tags", ["<think>\nstep 1</think>\n\nThe fix."]) == ("step 1", "The fix.")


def test_tag_split_across_chunks():
    assert split("think-tags", ["<th", "ink>a", "b</", "thi", "nk>", "c"]) == ("ab", "c")


def test_partial_prefix_only_held_back():
    s = ThinkingSplitter("think-tags")
    assert [e.text for e in s.feed("x < y <")] == ["x < y "]
    assert [e.text for e in s.feed("z")] == ["<z"]


def test_starts_mid_thought():
    assert split("think-tags", ["reasoning here</think>answer"], starts_in_thought=True) == ("reasoning here", "answer")


def test_missing_close_is_all_thinking():
    s = ThinkingSplitter("think-tags")
    events = s.feed("<think>still going") + s.flush()
    assert all(isinstance(e, ThinkingDelta) for e in events)
    assert s.in_thought and not s.saw_answer


def test_duplicated_open_tag():
    assert split("think-tags", ["<think><think>x</think>y"]) == ("x", "y")
    assert split("think-tags", ["<think>x</think>y"], starts_in_thought=True) == ("x", "y")


def test_stray_close_in_answer_dropped():
    assert split("prompted", ["plain answer</think> more"]) == ("", "plain answer more")


def test_prompted_without_tags_is_answer():
    assert split("prompted", ["just an answer"]) == ("", "just an answer")


def test_none_mode_keeps_tags():
    assert split("none", ["<think>x</think>y"]) == ("", "<think>x</think>y")


HARMONY = (
    "<|channel|>analysis<|message|>Need to check the loop.<|end|>"
    "<|start|>assistant<|channel|>final<|message|>Off by one in range().<|return|>"
)


def test_harmony():
    assert split("harmony", [HARMONY]) == ("Need to check the loop.", "Off by one in range().")


def test_harmony_constrain_and_commentary():
    text = "<|channel|>commentary to=functions.x <|constrain|>json<|message|>{}<|call|>"
    assert split("harmony", [text]) == ("{}", "")


def test_command_r():
    text = "<|START_THINKING|>hmm<|END_THINKING|><|START_RESPONSE|>done<|END_RESPONSE|>"
    assert split("command-r", [text]) == ("hmm", "done")


def test_close_thought_markers_close():
    for mode, close in CLOSE_THOUGHT.items():
        s = ThinkingSplitter(mode, starts_in_thought=mode != "harmony")
        if mode == "harmony":
            s.feed("<|channel|>analysis<|message|>x")
        assert s.in_thought
        s.feed(close)
        assert not s.in_thought, mode


def test_unknown_mode():
    with pytest.raises(ValueError):
        ThinkingSplitter("bogus")


STREAMS = {
    "think-tags": "<think>\nLet me see: a < b and <th>?</think>\n\nFix: use <= in <code>.",
    "prompted": "  <think>x</think><think>y</think> z",
    "harmony": HARMONY,
    "command-r": "<|START_THINKING|>t<|END_THINKING|><|START_RESPONSE|>r<|END_RESPONSE|>",
    "none": "a <think> b",
}


@st.composite
def chunkings(draw):
    mode = draw(st.sampled_from(sorted(STREAMS)))
    text = draw(st.sampled_from([STREAMS[mode], STREAMS[mode][:-5], STREAMS[mode] + " tail"]))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    parts, last = [], 0
    for c in cuts + [len(text)]:
        parts.append(text[last:c])
        last = c
    return mode, text, parts, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(chunkings())
def test_any_chunking_same_split(case):
    mode, text, parts, mid = case
    assert split(mode, parts, mid) == split(mode, [text], mid)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/|thinkTHINK_abc \n", max_size=60), st.lists(st.integers(0, 60), max_size=8),
       st.sampled_from(MODES))
def test_random_text_chunking_invariant(text, cuts, mode):
    parts, last = [], 0
    for c in sorted(c for c in cuts if c <= len(text)) + [len(text)]:
        parts.append(text[last:c])
        last = c
    assert split(mode, parts) == split(mode, [text])
