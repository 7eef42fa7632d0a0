"""What the panels say about per-key maps, finalizers, cleanups, weak pointers and
debug.FreeOSMemory, over the real core (tests/ui/data/runtime-calls.toml)."""

from __future__ import annotations

from pathlib import Path

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.player import Action, Player
from gomemtui.ui.screenshot import wait_idle
from gomemtui.ui.widgets.gc_status import gc_lines
from gomemtui.ui.widgets.maps import maps_lines
from tests.ui.conftest import screen_text

SCENARIO = Path(__file__).parent / "data" / "runtime-calls.toml"


def frame_at(step: int):
    player = Player(Timeline(load_program(str(SCENARIO))), grid_shape=(4, 16))
    frame = player.frame()
    for _ in range(step):
        frame = player.perform(Action("step"))
    return frame


def text(lines) -> str:
    return "\n".join(line.plain for line in lines)


def test_the_maps_panel_lists_the_named_keys_and_what_their_values_point_at():
    assert 'keys: "alice" → n, "bob" → b' in text(maps_lines(frame_at(7), 80))
    assert 'keys: "bob" → b' in text(maps_lines(frame_at(10), 80))  # alice deleted


def test_the_gc_panel_lists_specials_and_what_waits_to_run():
    before = text(gc_lines(frame_at(3), 120))
    assert "specials" not in before and "FreeOSMemory" not in before
    lines = text(gc_lines(frame_at(8), 120))
    assert "specials: finalizer on n · cleanup 1 of b · weak w → n" in lines
    after_gc = text(gc_lines(frame_at(11), 120))  # the finalizer ran at the end of the GC
    assert "specials: cleanup 1 of b · weak w → nil" in after_gc and "queued" not in after_gc


def test_the_gc_panel_says_what_free_os_memory_returned():
    lines = text(gc_lines(frame_at(16), 120))
    assert "FreeOSMemory returned 8.0 MiB to the OS · idle 12.0 MiB, released 12.0 MiB" in lines


async def test_the_app_shows_them_where_a_user_looks():
    app = GoMemApp(Timeline(load_program(str(SCENARIO))), start_step=11)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_idle(pilot)
        screen = screen_text(app)
    assert 'keys: "bob" → b' in screen
    assert "specials: cleanup 1 of b · weak w → nil" in screen
    assert "weak handle of n set to nil" in screen  # the explanation of the step
