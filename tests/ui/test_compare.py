"""The compare app: each side is a run of its own, the lockstep keys move both, and the
split view shows one side at a time on small terminals."""

from __future__ import annotations

import pytest

from gomemtui.headless import to_jsonable
from gomemtui.runtime.read.reader import RuntimeReader
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.scenario.settings import Overrides
from gomemtui.ui.compare.diff_line import DiffLine
from gomemtui.ui.compare.lockstep import WAITS
from gomemtui.ui.compare.screen import CompareScreen
from tests.ui.compare_helpers import compare_app, press, settle


def _state(timeline) -> dict:
    return to_jsonable(RuntimeReader(timeline.runtime).json_state())


def _single(name: str, gogc: int | None) -> Timeline:
    return Timeline(load_program(name, env={}, overrides=Overrides(gogc=gogc)))


async def test_each_side_after_steps_and_phases_is_a_single_run_with_its_settings() -> None:
    app = compare_app("gogc-100", left="GOGC=50", right="GOGC=200")
    async with app.run_test(size=(200, 50)) as pilot:
        await press(pilot, "n", "n", "n", "right_square_bracket", "n")
        left, right = (player.timeline for player in app.players)
        # the same moves on plain timelines of the scenario with each side's GOGC
        for timeline, gogc in ((left, 50), (right, 200)):
            single = _single("gogc-100", gogc)
            for _ in range(3):
                single.step()
            single.next_phase()
            single.step()
            assert single.position == timeline.position
            assert _state(single) == _state(timeline)
            assert single.runtime.pacer.gogc == gogc


async def test_step_and_back_move_both_sides() -> None:
    app = compare_app("gogc-100", left="GOGC=50", right="GOGC=200")
    async with app.run_test(size=(200, 50)) as pilot:
        await press(pilot, "n", "n")
        assert [p.timeline.next_step for p in app.players] == [2, 2]
        await press(pilot, "p")
        assert [p.timeline.next_step for p in app.players] == [1, 1]
        await press(pilot, "right")  # → is n
        assert [p.timeline.next_step for p in app.players] == [2, 2]


async def test_a_side_with_no_phase_change_left_waits_while_the_other_moves_on() -> None:
    # GOGC=off and no memory limit: the right side never starts a cycle, so ] leaves it
    # where it is, while the left side (GOGC=50) stops where its first cycle starts.
    app = compare_app("gogc-100", left="GOGC=50", right="GOGC=off")
    async with app.run_test(size=(200, 50)) as pilot:
        await press(pilot, "right_square_bracket")
        left, right = (p.timeline for p in app.players)
        assert right.position == 0 and right.next_step == 0
        assert left.position > 0 and left.runtime.phase.value != "off"
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.pane("right").frame.message == WAITS
        assert WAITS in str(screen.pane("right").border_subtitle)
        await press(pilot, "n")  # stepping still moves both
        assert right.next_step == 1


async def test_both_sides_at_the_end_then_stepping_is_greyed_out() -> None:
    app = compare_app("gogc-50", "gogc-200")
    async with app.run_test(size=(200, 50)) as pilot:
        await press(pilot, "end")
        assert all(p.timeline.at_end for p in app.players)
        assert app.screen.check_action("lockstep_step", ()) is None


async def test_tab_changes_the_panel_of_both_sides() -> None:
    app = compare_app("gogc-50", "gogc-200")
    async with app.run_test(size=(200, 50)) as pilot:
        await press(pilot, "tab")
        screen = app.screen
        assert screen.pane("left").panel == screen.pane("right").panel == "gc"
        assert screen.pane("left").query_one("#panel-gc").display


async def test_small_terminal_shows_one_side_and_s_switches_it() -> None:
    app = compare_app("gogc-50", "gogc-200")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "n")
        screen = app.screen
        assert screen.narrow
        assert screen.pane("left").display and not screen.pane("right").display
        await press(pilot, "s")
        assert screen.pane("right").display and not screen.pane("left").display
        assert screen.query_one(DiffLine).display


async def test_wide_terminal_shows_both_sides_next_to_each_other() -> None:
    app = compare_app("gogc-50", "gogc-200")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = app.screen
        left, right = screen.pane("left"), screen.pane("right")
        assert left.display and right.display
        assert left.region.y == right.region.y and left.region.right <= right.region.x
        assert "gogc-50 · as written" in str(left.border_title)


@pytest.mark.parametrize("key", ["question_mark"])
async def test_help_lists_the_compare_keys(key: str) -> None:
    from tests.ui.conftest import screen_text

    app = compare_app("gogc-50", "gogc-200")
    async with app.run_test(size=(120, 60)) as pilot:
        await press(pilot, key)
        text = screen_text(app)
        assert "gomemtui compare help" in text
        assert "each side to its own next GC phase change" in text
        assert "show the other side" in text
        await press(pilot, "escape", "q")


def test_diff_line_marks_the_larger_value_of_each_figure() -> None:
    from types import SimpleNamespace

    from rich.style import Style

    from gomemtui.ui.compare.diff_line import diff_cells

    def frame(step: int, heap: int, live: int, cycles: int, objects: int) -> SimpleNamespace:
        view = SimpleNamespace(memstats=SimpleNamespace(heap_alloc=heap, num_gc=cycles, heap_objects=objects),
                               gc=SimpleNamespace(last_marked=live))
        return SimpleNamespace(view=view, next_step=step, total_steps=5, where="", at_end=step == 5, step=None)

    styles = {"label": Style(), "value": Style(), "larger": Style(bold=True)}
    cells = diff_cells(frame(5, 1 << 20, 0, 4, 12), frame(3, 3 << 20, 0, 1, 12), styles)  # type: ignore[arg-type]
    assert [c.plain for c in cells] == [
        "L│R  step 5/5 end│3/5", "heap 1 MiB│3 MiB▲", "live 0 B│0 B", "cycles 4▲│1", "objects 12│12"]
    larger = [cells[1].plain[span.start:span.end] for span in cells[1].spans if span.style == styles["larger"]]
    assert larger == ["3 MiB▲"]


async def test_a_long_step_shows_each_sides_progress_and_esc_stops_both_sides() -> None:
    import re
    from pathlib import Path

    from gomemtui.ui.widgets.working import WorkingLine
    from tests.ui.conftest import screen_text

    long = str(Path(__file__).parent / "data" / "long-gc-loop.toml")  # step 2: 9,000 runtime.GC()
    app = compare_app(long, left="GOGC=50", right="GOGC=200")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "n")
        await pilot.press("n")
        for _ in range(100):  # until the worker reports progress between slices
            await pilot.pause(0.05)
            if app.screen.query_one(WorkingLine).progress:
                break
        assert re.search(r"working: left: step 2, iteration [\d,]+ of 9,000", screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert not screen.busy
        left, right = (screen.pane(side).frame for side in ("left", "right"))
        assert re.match(r"interrupted; stopped inside step 2, iteration [\d,]+ of 9,000", left.message)
        # the right side never started the step: it is where it was
        assert right.next_step == 1 and right.where == "" and right.position == 1
        assert not screen.query_one(WorkingLine).display


async def test_space_plays_both_sides_to_their_ends_and_stops() -> None:
    app = compare_app("gogc-50", "gogc-200")  # 5 steps each
    async with app.run_test(size=(200, 50)) as pilot:
        await press(pilot, "space")
        screen = app.screen
        assert screen.playing
        for _ in range(200):
            await pilot.pause(0.05)
            if not screen.playing:
                break
        await settle(pilot)
        assert not screen.playing
        assert all(p.timeline.at_end for p in app.players)
        assert screen.check_action("toggle_play", ()) is None
