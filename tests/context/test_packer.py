"""Packing: priority order, merging of overlapping ranges, the budget, windows, dropped snippets."""

from __future__ import annotations

from rdebug.context.model import Snippet
from rdebug.context.packer import merge_snippets, pack, window
from rdebug.context.tokens import estimate_tokens


def snip(path, start, end, prio, reason="r", marked=()):
    text = "\n".join(f"line {n} of {path}" for n in range(start, end + 1))
    return Snippet(path, start, end, reason, text, priority=prio, marked_lines=list(marked), language="python")


def test_overlapping_and_adjacent_ranges_merge():
    merged = merge_snippets([snip("a.py", 1, 5, 10, "callee"), snip("a.py", 4, 8, 90, "frame", [6]),
                             snip("a.py", 9, 10, 5, "next"), snip("a.py", 20, 22, 1, "far")])
    by_start = {s.start_line: s for s in merged}
    assert sorted(by_start) == [1, 20]
    m = by_start[1]
    assert (m.end_line, m.priority, m.marked_lines) == (10, 90, [6])
    assert m.reason == "frame; callee; next"
    assert m.text.splitlines() == [f"line {n} of a.py" for n in range(1, 11)]


def test_git_and_skeleton_snippets_do_not_merge():
    a = Snippet("git:diff a.py", 0, 0, "diff", "+x", kind="diff")
    b = Snippet("a.py", 1, 3, "skeleton", "def f():\ndef g():\ndef h():", kind="skeleton")
    assert len(merge_snippets([a, b, snip("a.py", 1, 3, 1)])) == 3


def test_pack_orders_by_priority_and_respects_budget():
    cands = [snip("low.py", 1, 3, 10), snip("high.py", 1, 3, 100), snip("mid.py", 1, 3, 50)]
    kept, dropped, used = pack(cands, budget=10_000, cost=estimate_tokens)
    assert [s.path for s in kept] == ["high.py", "mid.py", "low.py"]
    assert not dropped and used == sum(s.tokens for s in kept)
    one = kept[0].tokens
    kept, dropped, used = pack(cands, budget=one + 5, cost=estimate_tokens)
    assert [s.path for s in kept] == ["high.py"] and [s.path for s in dropped] == ["mid.py", "low.py"]
    assert used <= one + 5


def test_reserved_tokens_count_against_the_budget():
    kept, dropped, used = pack([snip("a.py", 1, 3, 1)], budget=100, cost=estimate_tokens, reserved=99)
    assert not kept and dropped and used == 99


def test_big_marked_snippet_shrinks_to_a_window():
    big = snip("a.py", 1, 200, 100, "failing frame", marked=[150])
    full = pack([big], budget=100_000, cost=estimate_tokens)[0][0].tokens
    kept, dropped, used = pack([snip("a.py", 1, 200, 100, "failing frame", marked=[150])],
                               budget=full // 3, cost=estimate_tokens)
    assert len(kept) == 1 and not dropped
    w = kept[0]
    assert 150 in w.marked_lines and w.start_line == 1 and w.line_numbers and w.reason.endswith("(window)")
    assert used <= full // 3


def test_window_needs_marked_lines():
    assert window(snip("a.py", 1, 50, 1), 3) is None


def test_custom_token_counter_is_used():
    kept, _, used = pack([snip("a.py", 1, 2, 1)], budget=1000, cost=lambda text: 7)
    assert kept[0].tokens == 7 and used == 7
