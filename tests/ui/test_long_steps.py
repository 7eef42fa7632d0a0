"""A long step in the app: its progress shows, Esc interrupts it, q and ctrl+c quit at once,
and ] stops inside it where the GC phase changes."""

from __future__ import annotations

import re
from pathlib import Path

from gomemtui.runtime.enums import GCPhase
from gomemtui.scenario import load_program
from gomemtui.ui.app import make_app
from gomemtui.ui.widgets.working import WorkingLine
from tests.ui.conftest import screen_text, settle

LONG = Path(__file__).parent / "data" / "long-gc-loop.toml"
"""Step 2 is a loop of 9,000 runtime.GC() calls: tens of seconds of work."""


async def start_long_step(pilot) -> None:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press("n")
    for _ in range(100):  # until the worker reports progress between slices
        await pilot.pause(0.05)
        if pilot.app.screen.query_one(WorkingLine).progress:
            return
    raise AssertionError("no progress shown while the long step runs")


async def test_a_long_step_shows_its_progress_and_esc_interrupts_it():
    app = make_app(load_program(LONG), "long.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_long_step(pilot)
        assert re.search(r"working: step 2, iteration [\d,]+ of 9,000 · Esc interrupts · q quits",
                         screen_text(app))
        await pilot.pause(0.1)
        assert re.search(r"esc Interrupt", screen_text(app), re.IGNORECASE)  # the footer says so too
        await pilot.press("escape")
        await settle(pilot)
        frame = app.screen.frame
        assert not app.screen.playback.busy
        assert re.match(r"interrupted; stopped inside step 2, iteration [\d,]+ of 9,000", frame.message)
        assert frame.next_step == 1 and frame.where.startswith("inside step 2")
        assert not app.screen.query_one(WorkingLine).display
        assert "paused inside step 2" in screen_text(app)
        assert "Interrupt" not in screen_text(app).splitlines()[-1]


async def test_q_during_a_long_step_quits_and_stops_the_worker():
    app = make_app(load_program(LONG), "long.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_long_step(pilot)
        player = app.player
        assert app.return_code is None
        await pilot.press("q")
        await pilot.pause(0.1)
        assert app.return_code == 0  # the app is exiting
    # Leaving the screen cancelled the action; the worker stopped at its next slice and
    # the step did not run to its end.
    assert player.closing and player.cancel.is_set()
    assert player.timeline.next_step == 1


async def test_ctrl_c_quits_the_app_during_a_long_step():
    app = make_app(load_program(LONG), "long.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_long_step(pilot)
        assert app.return_code is None
        await pilot.press("ctrl+c")
        await pilot.pause(0.1)
        assert app.return_code == 0
    assert app.player.timeline.next_step == 1


async def test_bracket_stops_inside_a_loop_where_the_heap_starts_a_cycle():
    app = make_app(load_program("gogc-100"), "gogc-100.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(4):
            await pilot.press("right_square_bracket")
            await settle(pilot)
        frame = app.screen.frame
        assert frame.view.gc.phase is GCPhase.MARK and frame.where.startswith("inside step 5, iteration 1 of 63")
        assert "paused inside step 5," in screen_text(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.screen.frame.view.gc.phase is GCPhase.OFF and app.screen.frame.where.startswith("inside step 4")
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        assert app.screen.frame.view.gc.phase is GCPhase.MARK
