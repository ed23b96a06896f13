"""Text and state that were wrong (issue 16, §5)."""

from __future__ import annotations

from rdebug import events as ev
from rdebug.config import Config
from rdebug.context.model import Snippet
from rdebug_tui import model_label
from rdebug_tui.widgets.context import snippet_label
from rdebug_tui.widgets.statusbar import StatusBar
from rdebug_tui.widgets.thinking import ThinkingPanel

from scripted import Hang, demo_context, demo_problem, demo_script, demo_stats
from tui_helpers import SIZE, hanging_in_thinking, make_app, run, settle, text_of

SENTENCE = "The values sum is 10, len is 4, so the mean is 2.5 and not 2; "


def _thinking_script(text: str) -> list:
    problem = demo_problem()
    return [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelReady(demo_stats()),
            ev.AttemptStarted(1), ev.ThinkingDelta(text), Hang()]


def _visible_text(log) -> str:
    width = log.scrollable_content_region.width
    assert max(len(line) for line in log.lines) <= width, (width, log.lines)  # nothing cut at the right
    return " ".join(line.strip() for line in log.lines)


def test_instant_reply_loses_no_characters_at_wrap_points(repo):
    text = SENTENCE * 12  # one delta: wrapped before the scrollbar shows
    app, session = make_app(repo, _thinking_script(text))

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            log = app.query_one(ThinkingPanel).log_widget
            await pilot.pause(0.3)
            assert _visible_text(log).split() == text.split()
            await pilot.press("escape")
            await settle(pilot, app, session)

    run(go())


def test_instant_reply_unfolded_later_loses_no_characters(repo):
    text = SENTENCE * 12
    problem = demo_problem()
    script = [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelReady(demo_stats()),
              ev.AttemptStarted(1), ev.ThinkingDelta(text), ev.AnswerDelta("ok"), ev.Done()]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=(80, 30)) as pilot:
            await settle(pilot, app, session)
            panel = app.query_one(ThinkingPanel)
            assert panel.collapsed
            await pilot.press("t")
            await pilot.pause(0.3)
            assert _visible_text(panel.log_widget).split() == text.split()

    run(go())


def test_resize_mid_stream_splits_no_word(repo):
    app, session = make_app(repo, _thinking_script(SENTENCE * 6))

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            log = app.query_one(ThinkingPanel).log_widget
            await pilot.resize_terminal(100, 40)
            log.append(SENTENCE * 6)  # streamed between the resize and its re-wrap
            await pilot.pause(0.4)
            assert _visible_text(log).split() == (SENTENCE * 12).split()
            await pilot.press("escape")
            await settle(pilot, app, session)

    run(go())


def test_applied_state_is_tracked_and_a_second_a_does_not_blame_rdebug(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("a")
            await settle(pilot, app, session)
            assert "applied to your files · u undoes" in text_of(app, "#patch-verify")
            status = str(app.query_one(StatusBar).render())
            assert "u undoes" in status and "backup" not in status
            await pilot.press("a")
            await settle(pilot, app, session)
            assert session.calls.count(("apply", 1)) == 1
            assert any("applied already" in n.message for n in app._notifications)
            await pilot.press("u")
            await settle(pilot, app, session)
            assert "applied" not in text_of(app, "#patch-verify")

    run(go())


def test_status_bar_names_the_chosen_backend():
    assert model_label(Config(backend="replay:/tmp/x/reply.txt")) == "replay reply.txt"
    assert model_label(Config(backend="fake")) == "fake"
    assert model_label(Config(model="/m/qwen.gguf")) == "qwen.gguf"


def test_old_progress_messages_go(repo):
    problem = demo_problem()
    script = [ev.ProblemFound(problem), ev.Status("building context …"), ev.ContextBuilt(demo_context(problem)),
              Hang()]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert "building context" not in str(app.query_one(StatusBar).render())
            await pilot.press("escape")
            await settle(pilot, app, session)

    run(go())


def test_escape_shows_one_cancelled_state(repo):
    app, session = make_app(repo, hanging_in_thinking())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await pilot.press("escape")
            await settle(pilot, app, session)
            assert app.query_one(ThinkingPanel).title.startswith("Cancelled after 1.0 s")
            assert text_of(app, "#patch-verify").strip() == "cancelled: no patch (f asks again)"

    run(go())


def test_thinking_panel_does_not_jump_while_the_model_loads(repo):
    problem = demo_problem()
    script = [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelLoading(0.2),
              ev.ModelLoading(0.6), Hang()]
    app, session = make_app(repo, script)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            panel = app.query_one(ThinkingPanel)
            seen = [panel.collapsed]
            for _ in range(10):
                await app.flush_now()
                await pilot.pause(0.02)
                seen.append(panel.collapsed)
            assert set(seen) == {True}
            await pilot.press("escape")
            await settle(pilot, app, session)

    run(go())


def test_problem_text_shows_code_without_backticks_and_context_labels_have_no_zero_range(repo):
    from rdebug_tui.widgets.problem import inline_code

    assert inline_code("`spread([])` raised").plain == "spread([]) raised"
    assert snippet_label(Snippet("git:blame", 0, 0, "blame", "")) == "git:blame"
    assert snippet_label(Snippet("calc/stats.py", 8, 10, "", "")) == "calc/stats.py:8-10"
