"""Every key and action of the main screen, driven with Pilot, asserting state and screen."""

from __future__ import annotations

import pytest

from gomemtui.runtime.read.views import GCPhase
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.screens.help import HelpScreen
from gomemtui.ui.screens.main import MainScreen
from gomemtui.ui.screens.why_alive import WhyAliveScreen
from gomemtui.ui.widgets.heap_map import HeapMap
from gomemtui.ui.widgets.panel_tabs import PanelTabs
from tests.ui.conftest import screen_text, settle, shows
from tests.ui.fakes import FakeTimeline

WIDE = (160, 48)
SMALL = (80, 24)


def main(app: GoMemApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def test_opens_paused_at_the_start(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.frame is not None and screen.frame.position == 0
        assert not screen.playback.playing
        assert "step 0/12" in screen_text(app)


@pytest.mark.parametrize("key", ["n", "right"])
async def test_step_keys_run_the_next_step(app: GoMemApp, key: str):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press(key, key)
        await settle(pilot)
        assert main(app).frame.next_step == 2
        assert "step 2/12" in screen_text(app)


@pytest.mark.parametrize("key", ["p", "left"])
async def test_step_back_keys_rewind(app: GoMemApp, key: str):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n", "n", "n", key)
        await settle(pilot)
        assert main(app).frame.next_step == 2


async def test_back_is_disabled_at_the_start(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not screen.check_action("step_back", ())
        await pilot.press("p")
        await settle(pilot)
        assert screen.frame.position == 0


async def test_phase_keys_walk_the_gc_phases(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert main(app).frame.view.gc.phase == GCPhase.MARK
        assert "GC mark" in screen_text(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert main(app).frame.view.gc.phase == GCPhase.SWEEP_TERM


async def test_mark_unit_only_while_marking(app: GoMemApp, timeline: FakeTimeline):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not screen.check_action("mark_unit", ())
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert screen.check_action("mark_unit", ())
        await pilot.press("m", "m")
        await settle(pilot)
        assert timeline.actions[-2:] == ["mark", "mark"]
        assert "1024 B of ~4096 B scanned" in screen_text(app)


async def test_g_runs_a_gc_now(app: GoMemApp, timeline: FakeTimeline):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert timeline.actions == ["gc"]
        assert "runtime.GC() now" in screen_text(app)


async def test_home_and_end(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert main(app).frame.at_end
        assert not main(app).check_action("step", ())
        position = main(app).frame.position
        await pilot.press("n")  # greyed out: does nothing
        await settle(pilot)
        assert main(app).frame.position == position
        await pilot.press("home")
        await settle(pilot)
        assert main(app).frame.position == 0


async def test_space_plays_to_the_end_then_stops(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        for _ in range(6):
            await pilot.press("plus")
        assert screen.playback.speed == 30.0
        await pilot.press("space")
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.frame.at_end and not screen.playback.playing:
                break
        await settle(pilot)
        assert screen.frame.at_end and not screen.playback.playing
        assert "paused" in screen_text(app)


async def test_space_pauses(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("space")
        assert main(app).playback.playing
        await pilot.press("space")
        assert not main(app).playback.playing


async def test_speed_keys(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        start = screen.playback.speed
        await pilot.press("plus")
        assert screen.playback.speed > start
        await pilot.press("minus", "minus")
        assert screen.playback.speed < start


async def test_ticks_never_pile_up_while_a_step_runs(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        with screen.player.lock:  # a step that takes "forever"
            screen.playback.playing = True
            screen.playback.tick()
            for _ in range(5):
                screen.playback.tick()
            assert screen.playback.dropped_ticks == 5
        screen.playback.playing = False
        await settle(pilot)
        assert screen.frame.next_step == 1


async def test_tab_cycles_panels_and_focus(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.active == "heap"
        await pilot.press("tab")
        assert screen.active == "gc"
        assert screen.focused is not None and screen.focused.id == "gc-status"
        await pilot.press("shift+tab", "shift+tab")
        assert screen.active == "source"


async def test_z_zooms_the_active_panel(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is screen.panel("heap")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.maximized is None


async def test_small_terminal_shows_one_panel_with_tabs(app: GoMemApp):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.narrow and screen.maximized is screen.panel("heap")
        assert screen.query_one(PanelTabs).display
        await pilot.press("tab")
        await pilot.pause()
        assert screen.maximized is screen.panel("gc")
        text = screen_text(app)
        assert " GC " in text and "in use" in text and "live" in text


async def test_resizing_switches_layout_and_never_crashes(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not screen.narrow
        for size in [(80, 24), (40, 12), (10, 5), (2, 1), (1, 1), (200, 60), (80, 24)]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
        assert screen.narrow
        heap = screen.query_one(HeapMap)
        assert screen.player.grid_shape == heap.grid_shape_for(heap.size)


async def test_help_screen_opens_and_closes(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        assert "one unit of mark work" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_why_alive_shows_the_retention_path(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n", "n")
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WhyAliveScreen)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "numbers is alive" in text and "stack of main" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_heap_map_enter_zooms_into_a_span_and_escape_returns(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        heap = main(app).query_one(HeapMap)
        assert heap.has_focus
        await pilot.press("down", "up", "l", "l", "h")
        assert tuple(heap.cursor) == (1, 0)
        await pilot.press("enter")
        await settle(pilot)
        assert heap.show_span and main(app).frame.span is not None
        assert "span 1 · size class 3" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not heap.show_span and main(app).player.span_id is None


async def test_c_cycles_heap_map_colors(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert main(app).player.grid_mode == "class"
        await pilot.press("c", "c", "c")
        await settle(pilot)
        assert main(app).player.grid_mode == "auto"


async def test_q_quits(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_command_palette_jumps_to_a_step(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"5")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert main(app).frame.next_step == 5


async def test_command_palette_hides_a_panel(app: GoMemApp):
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"hide panel: maps")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = main(app)
        assert not screen.panel("maps").display
        assert "maps" not in screen.visible_panels()


async def test_no_color_draws_the_heap_map_in_glyphs(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = GoMemApp(FakeTimeline())
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert main(app).query_one(HeapMap).mono


async def test_a_core_error_is_reported_not_fatal(app: GoMemApp, timeline: FakeTimeline, monkeypatch: pytest.MonkeyPatch):
    async with app.run_test(size=WIDE, notifications=True) as pilot:  # the error shows as a toast
        await settle(pilot)

        def broken() -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(timeline, "step", broken)
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running and not main(app).playback.busy
        assert await shows(pilot, "RuntimeError: boom")


async def test_a_timeline_factory_runs_in_the_worker_after_the_first_frame():
    made: list[str] = []

    def make() -> FakeTimeline:
        made.append("made")
        return FakeTimeline()

    app = GoMemApp(make)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert made == ["made"] and main(app).frame.total_steps == 12


async def test_a_failing_load_closes_the_app():
    def make() -> FakeTimeline:
        raise ValueError("broken scenario")

    app = GoMemApp(make)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.pause(0.1)
    assert app.return_code == 1
