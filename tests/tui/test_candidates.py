"""Several candidates decoded together: each its own view, the strip of their states, n/p between them."""

from __future__ import annotations

from rdebug import events as ev
from rdebug_tui.candidate_views import chips, round_of, round_tps
from rdebug_tui.state import AttemptView, UiState
from rdebug_tui.widgets.answer import AnswerPanel
from rdebug_tui.widgets.candidate_strip import strip_text
from rdebug_tui.widgets.patch import PatchPanel
from rdebug_tui.widgets.statusbar import StatusBar
from rdebug_tui.widgets.thinking import ThinkingPanel

from scripted import ANSWER, DEMO_DIFF, THINKING, demo_context, demo_problem, demo_script, demo_stats
from scripted_candidates import CANDIDATE_ANSWERS, CANDIDATE_THINKING, parallel_round, parallel_script
from tui_helpers import SIZE, make_app, run, settle, text_of

DELTAS = (ev.ThinkingDelta, ev.AnswerDelta)


def _intro() -> list:
    problem = demo_problem()
    return [ev.ProblemFound(problem), ev.ContextBuilt(demo_context(problem)), ev.ModelReady(demo_stats())]


def _states(app) -> list[str]:
    return [c.state for c in app.candidates_strip.chips] if app.candidates_box.display else []


async def _feed(pilot, app, events: list) -> None:
    """Events as if the engine sent them, folded in and shown."""
    for event in events:
        app.buffer.put(event)
        if isinstance(event, DELTAS):
            app.clock.t += app.clock.step  # as the scripted session's clock: a token takes a step
    await app.flush_now()
    await pilot.pause()


# --- the state alone ----------------------------------------------------------------------------------
def test_each_candidate_view_gets_only_its_own_text():
    state = UiState()
    for i, event in enumerate(parallel_round(1, k=3)):
        state.apply(event, at=i * 0.1)
    views = state.attempts
    assert [(v.attempt, v.sample) for v in views] == [(1, 1), (1, 2), (1, 3)]
    for view, thinking, answer in zip(views, CANDIDATE_THINKING, CANDIDATE_ANSWERS):
        assert "".join(view.thinking) == thinking
        assert "".join(view.answer) == answer
        assert view.usage is not None and view.usage.candidate == view.sample - 1
    assert state.selected == 0 and state.live is views[0]  # the panels stay on the first candidate
    assert [v.verify for v in views] == ["verified", "none", "failed"] and views[1].rejected
    assert [v.label for v in views] == [f"Attempt 1 · candidate {n}" for n in (1, 2, 3)]
    state.apply(ev.Done("stop"), at=100.0)
    assert all(v.finished for v in views) and state.live is None  # the round ended: every candidate ends


def test_next_attempt_finishes_every_candidate_of_the_round():
    state = UiState()
    events = [ev.AttemptStarted(1, 1), ev.AttemptStarted(1, 2), ev.ThinkingDelta("a", 0), ev.ThinkingDelta("b", 1),
              ev.AttemptStarted(2, 1), ev.AttemptStarted(2, 2), ev.ThinkingDelta("c", 1)]
    for i, event in enumerate(events):
        state.apply(event, at=float(i))
    first, second, third, fourth = state.attempts
    assert first.finished and second.finished and not third.finished and not fourth.finished
    assert (second.think_end, "".join(fourth.thinking)) == (4.0, "c")
    assert state.current is third  # a new round shows its first candidate


def _round_won_by_candidate_3() -> list:
    return [ev.AttemptStarted(1, 1), ev.AttemptStarted(1, 2), ev.AttemptStarted(1, 3), ev.ThinkingDelta("a", 0),
            ev.ThinkingDelta("b", 1), ev.ThinkingDelta("c", 2), ev.PatchRejected(1, "no edit", 2),
            ev.PatchProposed(1, DEMO_DIFF, ["calc/stats.py"], 3), ev.PatchVerified(1, True, "1 passed", [], 3)]


def test_round_end_shows_the_verified_candidate():
    state = UiState()
    for i, event in enumerate(_round_won_by_candidate_3()):
        state.apply(event, at=float(i))
    assert state.current is state.attempts[0]  # while the round runs, the panels follow candidate 1
    state.apply(ev.Done("stop"), at=10.0)
    assert state.current is state.attempts[2] and state.current.verify == "verified"


def test_round_end_leaves_a_candidate_the_user_chose():
    state = UiState()
    for i, event in enumerate(_round_won_by_candidate_3()):
        state.apply(event, at=float(i))
    assert state.select(1)
    state.apply(ev.Done("stop"), at=10.0)
    assert state.current is state.attempts[1]


def test_one_candidate_keeps_todays_views():
    state = UiState()
    for i, event in enumerate(demo_script()):
        state.apply(event, at=i * 0.1)
    assert [v.label for v in state.attempts] == ["Attempt 1", "Attempt 2"]
    assert [len(round_of(state.attempts, v)) for v in state.attempts] == [1, 1]
    assert chips(state.attempts, state.current) == []
    assert "".join(state.attempts[1].thinking) == THINKING and "".join(state.attempts[1].answer) == ANSWER


def test_round_speed_is_all_candidates_tokens_over_the_round():
    a = AttemptView(1, 1, thinking=["x"] * 30, think_start=0.0)  # still decoding at now=2
    b = AttemptView(1, 2, thinking=["y"] * 10, think_start=0.5, decode_end=1.0)
    assert round_tps([a, b], now=2.0) == 20.0
    assert round_tps([AttemptView(1, 1)], now=2.0) is None


def test_strip_fits_its_width_by_abbreviating():
    views = [AttemptView(1, n, thinking=["t"] * 1234) for n in range(1, 9)]
    for k, width in ((2, 98), (4, 78), (4, 46), (8, 78), (8, 46)):
        shown = chips(views[:k], views[0])
        text = strip_text(shown, width)
        assert len(text.plain) <= width, (k, width, text.plain)
    assert "1 decoding 1234 tok" in strip_text(chips(views[:3], views[0]), 98).plain


# --- the app ----------------------------------------------------------------------------------------------
def test_panels_follow_the_first_candidate_and_strip_shows_each_state(repo):
    app, session = make_app(repo, [])

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await _feed(pilot, app, _intro())
            assert not app.candidates_box.display
            seen: list[list[str]] = []
            for event in parallel_round(1, k=4):
                await _feed(pilot, app, [event])
                if not isinstance(event, DELTAS) and _states(app) not in seen[-1:]:
                    seen.append(_states(app))
            await _feed(pilot, app, [ev.Done("stop")])
            assert seen == [
                [],  # one AttemptStarted: one candidate so far
                ["decoding", "decoding"],
                ["decoding", "decoding", "decoding"],
                ["decoding"] * 4,
                ["decoding", "parsing", "decoding", "decoding"],  # candidate 2's reply ended
                ["decoding", "rejected", "decoding", "decoding"],
                ["decoding", "rejected", "parsing", "decoding"],
                ["decoding", "rejected", "proposed", "decoding"],
                ["decoding", "rejected", "verifying", "decoding"],
                ["decoding", "rejected", "failed", "decoding"],
                ["parsing", "rejected", "failed", "decoding"],
                ["proposed", "rejected", "failed", "decoding"],
                ["verifying", "rejected", "failed", "decoding"],
                ["verified", "rejected", "failed", "stopped"],  # the first verified ends the round
            ]
            assert _states(app) == ["verified", "rejected", "failed", "stopped"]
            strip = app.candidates_strip.render().plain
            assert "1 ✓ verified" in strip and "3 ✗ failed" in strip and "4 stopped" in strip
            assert [c.shown for c in app.candidates_strip.chips] == [True, False, False, False]
            # the panels showed candidate 1 all along, and only its text
            assert app.state.current is app.state.attempts[0]
            assert app.query_one(AnswerPanel).markdown.source == CANDIDATE_ANSWERS[0]
            assert app.query_one(ThinkingPanel).log_widget.text == CANDIDATE_THINKING[0]
            assert "tok/s k=4" in str(app.query_one(StatusBar).render())

    run(go())


def test_n_and_p_show_another_candidate_live(repo):
    app, session = make_app(repo, [])

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            await _feed(pilot, app, [*_intro(), ev.AttemptStarted(1, 1), ev.AttemptStarted(1, 2),
                                     ev.AttemptStarted(1, 3), ev.ThinkingDelta("one ", 0),
                                     ev.ThinkingDelta("two ", 1), ev.ThinkingDelta("three ", 2)])
            thinking = app.query_one(ThinkingPanel).log_widget
            assert thinking.text == "one "
            await pilot.press("n")
            await _feed(pilot, app, [ev.ThinkingDelta("uno ", 0), ev.ThinkingDelta("dos ", 1)])
            assert app.state.current is app.state.attempts[1] and thinking.text == "two dos "
            await _feed(pilot, app, [ev.AnswerDelta("second's answer", 1), ev.AnswerDelta("first's answer", 0)])
            assert app.query_one(AnswerPanel).markdown.source == "second's answer"
            assert [c.shown for c in app.candidates_strip.chips] == [False, True, False]
            assert "Attempt 1 · candidate 2 (2/3)" in app.query_one(PatchPanel).border_title
            await pilot.press("n")
            await app.flush_now()
            assert thinking.text == "three "
            await pilot.press("p", "p")
            await _feed(pilot, app, [ev.ThinkingDelta("again", 0)])
            assert thinking.text == "one uno again"
            assert [c.shown for c in app.candidates_strip.chips] == [True, False, False]

    run(go())


def test_finished_round_keeps_its_strip_when_browsing(repo):
    app, session = make_app(repo, parallel_script(3))

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert _states(app) == ["verified", "rejected", "failed"]
            await pilot.press("n", "n")
            await app.flush_now()
            assert app.query_one(AnswerPanel).markdown.source == CANDIDATE_ANSWERS[2]
            assert "✗ failed" in text_of(app, "#patch-verify")
            assert [c.shown for c in app.candidates_strip.chips] == [False, False, True]

    run(go())


def test_one_candidate_has_no_strip(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, session)
            assert not app.candidates_box.display
            status = str(app.query_one(StatusBar).render())
            assert "candidates" not in status and "31.5 tok/s" in status
            assert "Attempt 2 (2/2)" in app.query_one(PatchPanel).border_title

    run(go())


def test_snapshot_candidates_mid_round(snap_compare, repo):
    app, session = make_app(repo, parallel_script(3, hang_mid_round=True))

    async def before(pilot) -> None:
        await settle(pilot, app, session)

    assert snap_compare(app, terminal_size=(100, 30), run_before=before)
