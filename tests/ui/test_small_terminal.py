"""80×24 first: the explanation strip, the footer, the tabs, the heap-map cursor and
zoomed panels as a user sees them in a small terminal (Pilot), and its pictures
(snapshots in colour and under NO_COLOR)."""

from __future__ import annotations

import pytest

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.screens.main import MainScreen
from gomemtui.ui.widgets.explain import ExplainStrip
from gomemtui.ui.widgets.heap_map import CURSOR_GLYPH, HeapMap
from gomemtui.ui.widgets.key_footer import KeyFooter
from tests.ui.conftest import before, screen_text, settle
from tests.ui.fakes import FakeTimeline

SMALL = (80, 24)
LEAK_NOTE = (  # step 23 of goroutine-leak, as the strip wraps it at 80 columns
    "The fixed call's 1 MiB is freed; the three leaked buffers are still live (3 MiB)",
    "and will stay for the life of the process. The cure is in the code: a buffered",
    "channel, or a context the sender selects on, so that every goroutine can finish.",
)


def leak_app(step: int = 23) -> GoMemApp:
    return GoMemApp(Timeline(load_program("goroutine-leak")), path="07-goroutine-leak.toml", start_step=step)


def main(app: GoMemApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def test_footer_keeps_help_quit_phase_gc_and_why_at_80_columns(app: GoMemApp):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        footer_line = screen_text(app).splitlines()[-1]
        for label in ("? Help", "q Quit", "] Phase▸", "g GC", "w Why alive?"):
            assert label in footer_line
        footer = app.screen.query_one(KeyFooter)
        assert {"help", "leave", "next_phase", "run_gc", "why_alive"} <= set(footer.shown)
        assert all(key.region.right <= 80 for key in footer.children)  # nothing past the edge
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        await pilot.pause(0.1)
        wide = screen_text(app).splitlines()[-1]
        assert "x Explain" in wide and "m Mark" in wide and "^p palette" in wide


async def test_explanation_strip_shows_the_whole_note_then_an_ellipsis_naming_x():
    app = leak_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for line in LEAK_NOTE:
            assert line in text
        strip = app.screen.query_one("#strip", ExplainStrip)
        assert strip.truncated and strip.max_lines == 7  # a third of 24 rows, less the border
        assert strip.outer_size.height == 8
        last = text.splitlines()[-2]
        assert last.startswith("… ") and last.endswith("more lines: press x for the whole explanation")


async def test_x_opens_the_whole_explanation_and_escape_goes_back():
    app = leak_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("x")
        await settle(pilot)
        assert screen.zoomed and screen.maximized is screen.panel("explain")
        text = screen_text(app)
        assert "sweeping finished: every span swept" in text  # the last event, below the strip's cut
        assert "press x for the whole explanation" not in text  # the strip is hidden
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.zoomed and screen.active == "heap"
        assert "press x for the whole explanation" in screen_text(app)
        await pilot.press("x", "x")  # x again also goes back
        await settle(pilot)
        assert not screen.zoomed and screen.active == "heap"


async def test_a_short_explanation_takes_only_the_lines_it_needs(app: GoMemApp):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        strip = app.screen.query_one("#strip", ExplainStrip)
        assert not strip.truncated
        assert strip.outer_size.height == len(strip.lines) + 1 <= 8  # and its top border
        assert "…" not in screen_text(app).splitlines()[-2]


async def test_the_tab_is_called_explain(app: GoMemApp):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        tabs = screen_text(app).splitlines()[1]
        assert " Explain " in tabs and "Why" not in tabs


async def test_heap_map_cursor_shows_only_once_the_user_moves_it(app: GoMemApp):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        heap = app.screen.query_one(HeapMap)
        assert heap.has_focus and CURSOR_GLYPH not in screen_text(app)
        await pilot.press("enter")  # with no cursor, Enter shows it rather than opening a span
        await pilot.pause()
        assert heap.cursor_shown and not heap.show_span
        assert screen_text(app).count(CURSOR_GLYPH) == 1
        await pilot.press("down", "l")
        await pilot.pause()
        assert screen_text(app).count(CURSOR_GLYPH) == 1  # one character, whatever the cell size


@pytest.mark.parametrize("panel", ["maps", "log", "heap"])
async def test_a_zoomed_panel_fills_the_screen_without_hatch(app: GoMemApp, panel: str):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.focus_panel(panel)
        await pilot.press("z")
        await settle(pilot)
        region = screen.panel(panel).region
        assert (region.x, region.y, region.width, region.height) == (0, 1, 160, 46)  # header and footer aside
        assert "╱" not in screen_text(app)


async def test_small_panels_fill_the_narrow_layout(app: GoMemApp):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = main(app)
        for panel in ("maps", "pool", "log"):
            screen.focus_panel(panel)
            await settle(pilot)
            strip = screen.query_one("#strip", ExplainStrip)
            delta = screen.query_one("#strip-delta")  # the step's delta line, above the strip
            below = strip.outer_size.height + (delta.outer_size.height if delta.display else 0)
            region = screen.panel(panel).region
            assert region.y == 2 and region.bottom == 24 - 1 - below
            assert "╱" not in screen_text(app)


# -- pictures ------------------------------------------------------------------------

def test_snapshot_three_line_note_and_footer_at_80x24(snap_compare):
    assert snap_compare(leak_app(), terminal_size=SMALL, run_before=before())


def test_snapshot_three_line_note_and_footer_at_80x24_no_color(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # read by Textual's App when it is made
    assert snap_compare(leak_app(), terminal_size=SMALL, run_before=before())


def test_snapshot_whole_explanation_at_80x24(snap_compare):
    assert snap_compare(leak_app(), terminal_size=SMALL, run_before=before(("x",)))


def test_snapshot_fake_step_with_cursor_at_80x24(snap_compare):
    app = GoMemApp(FakeTimeline(), path="fake.toml", start_step=3)
    assert snap_compare(app, terminal_size=SMALL, run_before=before(("down", "l")))


async def test_the_heap_map_keeps_its_grid_while_the_strip_changes_height():
    """Stepping through the leak, the strip takes 6 to 8 rows; the heap map's grid stays
    11 rows × 80 (24 rows less header, tabs, footer, the tallest strip, the delta line
    above it and the legend)."""
    app = leak_app(0)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = main(app)
        strip = screen.query_one("#strip", ExplainStrip)
        heights, shapes = set(), set()
        for _ in range(14):
            await pilot.press("n")
            await settle(pilot)
            heights.add(strip.outer_size.height)
            shapes.add(screen.player.grid_shape)
        assert len(heights) > 1 and shapes == {(11, 80)}
