"""Small terminals (issue 16, §6): at 80x24 each panel's essentials; below, one panel at a time; side-by-side
diff only when each side has room."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from rdebug_tui.widgets.patch import PatchPanel

from failures_script import rerun_script, select_scripts, start_script
from scripted import demo_script
from tui_helpers import make_app, run, settle, text_of


def _visible(app, widget) -> bool:
    """At least one row of ``widget`` is on screen (inside every scrolling ancestor)."""
    region = widget.region
    return region.height > 0 and region.width > 0 and app.screen.region.contains_region(region)


def test_80x24_shows_the_failing_line_the_verify_state_and_help_and_quit(repo):
    app, session = make_app(repo, start_script(), select_scripts=select_scripts(), rerun_script=rerun_script())

    async def go():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot, app, session)
            await pilot.pause(0.2)
            # the footer's ? and q are on screen
            keys = {k.key: k for k in app.screen.query(FooterKey)}
            for key in ("question_mark", "q"):
                assert key in keys and keys[key].region.right <= 80, key
            # the source excerpt shows the failing line
            scroll = app.query_one("#source-scroll")
            source = text_of(app, "#source").splitlines()
            marked = next(i for i, line in enumerate(source) if line.startswith("▶"))
            top = round(scroll.scroll_y)
            assert scroll.size.height > 0 and top <= marked < top + scroll.size.height, (top, marked)
            # the patch panel shows its verify line
            verify = app.query_one("#patch-verify")
            assert _visible(app, verify) and verify.region.y < app.query_one(PatchPanel).region.bottom - 1
            assert "verified" in text_of(app, "#patch-verify")

    run(go())


def test_below_80_columns_one_panel_at_a_time(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=(70, 24)) as pilot:
            await settle(pilot, app, session)
            assert app.screen.has_class("-narrow")
            assert "1 problem" in str(app.query_one("#narrow-notice").render())
            await pilot.press("5")
            await pilot.pause()
            shown = [b for b in ("#sidebar", "#thinking-box", "#answer-box", "#patch-box")
                     if app.query_one(b).display]
            assert shown == ["#patch-box"]
            patch = app.query_one(PatchPanel)
            assert patch.region.width == 70 and patch.region.height > 10
            assert "verified" in text_of(app, "#patch-verify")
            await pilot.press("4")
            await pilot.pause()
            assert [b for b in ("#sidebar", "#answer-box", "#patch-box") if app.query_one(b).display] == [
                "#answer-box"]
            await pilot.press("1")
            await pilot.pause()
            assert app.query_one("#sidebar").display and not app.query_one("#work").display
            await pilot.resize_terminal(120, 40)
            await pilot.pause()
            assert all(app.query_one(b).display for b in ("#sidebar", "#thinking-box", "#answer-box", "#patch-box"))

    run(go())


def test_side_by_side_only_when_each_side_has_room(repo):
    app, session = make_app(repo, demo_script())

    async def go():
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, app, session)
            await pilot.press("d")
            await app.flush_now()
            patch = app.query_one(PatchPanel)
            assert "unified (too narrow)" in patch.border_title
            assert "+    if not values:" in text_of(app, "#patch-diff")
            await pilot.resize_terminal(200, 50)
            await pilot.pause(0.2)
            await app.flush_now()
            assert "· side by side" in patch.border_title and "before" in text_of(app, "#patch-diff")

    run(go())


def test_snapshot_three_failures_80x24(snap_compare, repo):
    app, session = make_app(repo, start_script(), select_scripts=select_scripts())

    async def before(pilot) -> None:
        await settle(pilot, app, session)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
