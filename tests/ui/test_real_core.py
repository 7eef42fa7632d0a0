"""The app over the real runtime core and the bundled scenarios."""

from __future__ import annotations

import pytest

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import list_bundled, load_program
from gomemtui.ui.app import GoMemApp, make_app
from gomemtui.ui.screens.main import MainScreen
from gomemtui.ui.screens.why_alive import WhyAliveScreen
from gomemtui.ui.screenshot import settle_at, wait_idle
from tests.ui.conftest import before, screen_svg, screen_text

BUNDLED = [b.name for b in list_bundled()]


def tour_app(**kwargs) -> GoMemApp:
    return GoMemApp(Timeline(load_program("tour")), path="tour.toml", **kwargs)


def gogc_app(**kwargs) -> GoMemApp:
    """gogc-100: its heap starts cycles inside its loop steps."""
    return GoMemApp(Timeline(load_program("gogc-100")), path="gogc-100.toml", **kwargs)


async def test_rewind_and_replay_show_the_same_screen():
    straight = tour_app(start_step=5)
    async with straight.run_test(size=(160, 48)) as pilot:
        await wait_idle(pilot)
        expected = screen_svg(straight)
    rewound = tour_app(start_step=10)
    async with rewound.run_test(size=(160, 48)) as pilot:
        await wait_idle(pilot)
        for _ in range(5):
            await pilot.press("p")
            await wait_idle(pilot)
        assert rewound.screen.frame.next_step == 5
        assert screen_svg(rewound) == expected


async def fresh_screen(name: str, step: int, size: tuple[int, int]) -> str:
    """The screen of an app opened straight at `step` (drawn whole, once)."""
    app = GoMemApp(Timeline(load_program(name)), start_step=step)
    async with app.run_test(size=size) as pilot:
        await settle_at(pilot)  # as `gomemtui screenshot` waits: every refresh drawn
        return screen_svg(app)


@pytest.mark.parametrize(("name", "size", "checkpoints"), [
    ("tour", (160, 48), (3, 6, 9)),
    ("map-and-pool", (120, 40), (4, 9, 16)),
    ("07-goroutine-leak", (80, 24), (3, 6)),
    ("11-memory-limit", (120, 40), (5, 7)),  # the pacer chart's GOMEMLIMIT line and time axis
])
async def test_stepping_draws_what_a_fresh_app_draws(name: str, size: tuple[int, int], checkpoints: tuple[int, ...]):
    """Panels repaint only the lines that change from frame to frame; what ends up on
    the terminal, styles included, must be what an app opened at that step draws."""
    app = GoMemApp(Timeline(load_program(name)))
    async with app.run_test(size=size) as pilot:
        await wait_idle(pilot)
        drawn = {}
        for step in range(1, max(checkpoints) + 2):  # at most the scenario's last step
            await pilot.press("n")
            await wait_idle(pilot)
            if step in checkpoints:
                await settle_at(pilot)
                drawn[step] = screen_svg(app)
        await pilot.press("p")  # and back again
        await settle_at(pilot)
        drawn_back = screen_svg(app)
    for step, screen in drawn.items():
        assert screen == await fresh_screen(name, step, size), f"{name} at step {step}"
    assert drawn_back == await fresh_screen(name, max(checkpoints), size)


@pytest.mark.parametrize("name", BUNDLED)
async def test_every_bundled_scenario_plays_to_the_end(name: str):
    program = load_program(name)
    app = make_app(program, f"{name}.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_idle(pilot)
        await pilot.press("end")
        await wait_idle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.frame.at_end
        total = len(program.steps)
        assert f"step {total}/{total}" in screen_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket", "m", "g", "home")
        await wait_idle(pilot)
        assert screen.frame.position == 0


async def test_why_alive_with_the_real_core():
    app = tour_app(start_step=3)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_idle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WhyAliveScreen)
        await pilot.press("enter")
        await wait_idle(pilot)
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "is alive" in text and "root" in text


async def test_mark_unit_changes_the_heap_map_to_mark_colors():
    app = gogc_app(start_step=3)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_idle(pilot)
        for key in ("right_square_bracket", "m"):
            await pilot.press(key)
            await wait_idle(pilot)
        assert app.screen.frame.grid.mode.value == "mark"
        assert "mark: " in screen_text(app)


# -- snapshots of telling moments (they change when the core's texts change: update them
#    with --snapshot-update after looking at the report) ------------------------------------

@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_reslice_keeps_the_array(snap_compare, size):
    assert snap_compare(tour_app(start_step=3), terminal_size=size, run_before=before())


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_mid_mark(snap_compare, size):
    keys = ("right_square_bracket", "m", "m")
    assert snap_compare(gogc_app(start_step=3), terminal_size=size, run_before=before(keys))


@pytest.mark.parametrize("panel", ["heap", "gc", "slices", "goroutines"])
def test_snapshot_zoomed_panel_of_the_leak(snap_compare, panel):
    program = load_program("leak")
    app = GoMemApp(Timeline(program), start_step=len(program.steps))
    assert snap_compare(app, terminal_size=(160, 48), run_before=before(zoom=panel))


async def test_why_alive_shows_a_map_type_as_written_and_all_it_retains():
    app = GoMemApp(Timeline(load_program("04-map-delete-clear")), path="04.toml", start_step=3)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_idle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WhyAliveScreen)
        await pilot.press("enter")
        await wait_idle(pilot)
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "map[int]int" in text
        # 1000 int keys: 36,992 bytes of groups, tables and directory in real Go
        # (tests/oracle map cases; scenarios/README.md claim 4), not the 48-byte header
        assert "(36,992 B)" in text
