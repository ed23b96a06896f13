"""Unit tests of the TUI's pure parts: state folding, diff rendering, source excerpts, wrapping."""

from __future__ import annotations

from pathlib import Path

from rdebug import events as ev
from rdebug_tui.diffview import render_unified, side_by_side_rows
from rdebug_tui.source import source_excerpt
from rdebug_tui.state import UiState
from rdebug_tui.stream import EventBuffer
from rdebug_tui.widgets.thinking import _pieces

from scripted import DEMO_DIFF, demo_other_problem, demo_problem


def test_state_times_thinking_and_tracks_attempts():
    state = UiState()
    state.apply(ev.ProblemFound(demo_problem(), others=[demo_other_problem()]), 0.0)
    assert state.problem.exception == "ZeroDivisionError" and len(state.problems) == 2
    state.apply(ev.AttemptStarted(1), 1.0)
    for i in range(4):
        state.apply(ev.ThinkingDelta("x "), 1.0 + i)
    state.apply(ev.AnswerDelta("ok"), 6.0)
    view = state.current
    assert view.thought_seconds(100.0) == 5.0 and view.thinking_tokens == 4
    state.apply(ev.PatchProposed(1, DEMO_DIFF, ["calc/stats.py"]), 7.0)
    state.apply(ev.VerificationStarted(1, ["pytest"]), 7.0)
    assert view.verify == "verifying"
    state.apply(ev.PatchVerified(1, True, "1 passed"), 8.0)
    state.apply(ev.AttemptStarted(2), 9.0)
    assert view.finished and view.verify == "verified" and state.selected == 1
    assert state.select(-1) and not state.select(-1) and state.selected == 0
    assert state.apply_index(state.attempts[1]) == 1


def test_followup_becomes_an_attempt_and_usage_wins_over_counts():
    state = UiState()
    state.begin_followup("why?")
    state.apply(ev.AttemptStarted(1), 0.0)
    assert len(state.attempts) == 1 and state.current.attempt == 1 and state.current.question == "why?"
    assert state.current.label == "Follow-up · attempt 1"
    state.apply(ev.ThinkingDelta("a"), 0.0)
    state.apply(ev.Usage(10, 42, 3, 0.1, 12.5), 2.0)
    assert state.current.thinking_tokens == 42 and state.current.tokens_per_s(9.0) == 12.5
    state.apply(ev.Done("stop"), 3.0)
    assert state.live is None and state.done_reason == "stop"


def test_fatal_and_plain_errors_and_budget_steps():
    state = UiState()
    state.apply(ev.ModelLoading(0.5), 0.0)
    state.apply(ev.Error("no model installed", fatal=True), 0.0)
    assert state.fatal == "no model installed" and state.loading is None
    state.apply(ev.Error("oops"), 0.0)
    assert state.error == "oops"
    state.bump_budget(-1)
    assert state.think_budget is None
    state.bump_budget(2)
    assert state.think_budget == 512
    for _ in range(20):
        state.bump_budget(1)
    assert state.think_budget == 8192


def test_side_by_side_pairs_deletions_with_additions():
    rows = side_by_side_rows(DEMO_DIFF)
    assert [r.kind for r in rows[:2]] == ["file", "hunk"] and rows[0].new == "calc/stats.py"
    changes = [r for r in rows if r.kind == "change"]
    assert (changes[0].old_no, changes[0].new_no) == (10, 10)
    assert changes[0].old.strip() == "return total(values) / len(values)"
    assert changes[0].new.strip() == "if not values:"
    assert [c.old for c in changes[1:]] == [None, None] and [c.new_no for c in changes[1:]] == [11, 12]


def test_unified_render_colours_lines():
    text = render_unified(DEMO_DIFF)
    styles = {str(span.style) for span in text.spans}
    assert {"green", "red", "cyan", "bold"} <= styles


def test_source_excerpt_marks_the_line_and_stays_in_the_repo(tmp_path: Path):
    (tmp_path / "a.py").write_text("".join(f"x{i} = {i}\n" for i in range(1, 31)))
    plain = source_excerpt(tmp_path, "a.py", 15).plain
    assert "▶ 15 │ x15 = 15" in plain and "   9 │ x9 = 9" in plain and "x22" not in plain
    (tmp_path.parent / "secret.txt").write_text("secret")
    assert "not a file in the repository" in source_excerpt(tmp_path, "../secret.txt", 1).plain
    assert "not a file" in source_excerpt(tmp_path, "missing.py", 1).plain


def test_wrap_pieces_keep_words_and_newlines():
    assert _pieces("ab cd\nef  g") == ["ab ", "cd", "\n", "ef  ", "g"]
    assert "".join(_pieces("  lead and trail  ")) == "  lead and trail  "


def test_event_buffer_stamps_and_drains_in_order():
    ticks = iter([1.0, 2.0])
    buf = EventBuffer(lambda: next(ticks))
    buf.put("a")
    buf.put("b")
    assert len(buf) == 2 and buf.drain() == [(1.0, "a"), (2.0, "b")] and buf.drain() == []


def test_status_shows_the_model_default_thinking_budget():
    from rdebug.events import ModelProfile, ModelStats
    from rdebug_tui.widgets.statusbar import effective_budget

    state = UiState()
    assert effective_budget(state) == "∞"
    state.stats = ModelStats("m", profile=ModelProfile(default_think_budget=768))
    assert effective_budget(state) == "768"
    state.think_budget = 256
    assert effective_budget(state) == "256"


def test_thinking_follows_the_model_default_until_toggled():
    from rdebug.events import ModelProfile, ModelStats

    state = UiState()
    assert state.thinking_effective  # no model yet: think
    state.stats = ModelStats("m", profile=ModelProfile(think_default=False))
    assert not state.thinking_effective
    state.thinking_on = True
    assert state.thinking_effective


def test_the_catalog_default_shows_while_the_model_loads():
    state = UiState()
    state.apply(ev.ModelLoading(0.01, "starting", think_default=False), 0.0)
    assert not state.thinking_effective  # a non-reasoning default model: the status says "off" at once
    state.apply(ev.ModelLoading(0.5, "loading"), 0.1)  # later progress events carry no defaults
    assert not state.thinking_effective
    state = UiState()
    state.apply(ev.ModelLoading(0.01, "starting", think_default=True, default_think_budget=768), 0.0)
    from rdebug_tui.widgets.statusbar import effective_budget

    assert state.thinking_effective and effective_budget(state) == "768"


def test_a_search_candidate_is_labelled_by_how_it_was_found():
    state = UiState()
    state.apply(ev.ProblemFound(demo_problem()), 0.0)
    found = "found by search: `<` → `<=` in paging.py:14"
    state.apply(ev.AttemptStarted(1, source="search", label=found), 1.0)
    assert state.current.label == found
    state.apply(ev.AttemptStarted(2), 2.0)
    assert state.current.label == "Attempt 2"
