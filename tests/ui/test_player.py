"""Player: actions to frames, the event log across rewinds, frozen frames."""

from __future__ import annotations

import pytest

from gomemtui.runtime.read.views import GridMode
from gomemtui.ui.player import Action, Player, fit_cells
from tests.ui.fakes import FakeTimeline


@pytest.fixture
def player() -> Player:
    return Player(FakeTimeline(), grid_shape=(4, 16))


def test_frames_are_frozen_and_numbered(player: Player):
    first = player.frame()
    second = player.perform(Action("step"))
    assert second.serial > first.serial
    assert not second.grid.cells.flags.writeable
    with pytest.raises(AttributeError):
        second.position = 3  # type: ignore[misc]


def test_end_records_every_step_in_the_log(player: Player):
    frame = player.perform(Action("end"))
    assert frame.at_end and frame.next_step == 12
    assert [e.position for e in frame.log] == list(range(1, 13))


def test_goto_backwards_trims_the_log(player: Player):
    player.perform(Action("end"))
    frame = player.perform(Action("goto", 2))
    assert frame.next_step == 3 and len(frame.log) == 3


def test_step_at_end_and_back_at_start_say_so(player: Player):
    assert player.perform(Action("step_back")).message == "already at the start"
    player.perform(Action("end"))
    assert player.perform(Action("step")).message == "at the end of the scenario"


def test_inserted_actions_are_logged_and_undone(player: Player):
    player.perform(Action("step"))
    frame = player.perform(Action("run_gc"))
    assert frame.log[-1].title == "runtime.GC() now"
    frame = player.perform(Action("step_back"))
    assert frame.log[-1].title.startswith("step 1")


def test_auto_grid_mode_follows_marking(player: Player):
    assert player.frame().grid.mode is GridMode.SIZE_CLASS
    player.perform(Action("next_phase"))
    assert player.frame().grid.mode is GridMode.MARK
    player.grid_mode = "fill"
    assert player.frame().grid.mode is GridMode.FILL


def test_grid_fills_the_shape_asked_for_with_bigger_cells_for_small_heaps(player: Player):
    player.grid_shape = (7, 33)  # the fake heap maps 64 pages
    grid = player.frame().grid
    assert (grid.cell_w, grid.cell_h) == (2, 1)
    assert grid.cells.shape == (7, 16)


def test_fit_cells_prefers_big_cells_but_gives_every_page_one():
    assert fit_cells((46, 158), 512) == (4, 2)
    assert fit_cells((46, 158), 100_000) == (1, 1)
    assert fit_cells((2, 2), 1) == (2, 1)
    assert fit_cells((0, 0), 10) == (1, 1)


def test_long_event_lists_are_capped(player: Player):
    from gomemtui.runtime.events import Event

    player._record("many", tuple(Event.make("alloc", f"a{i}") for i in range(100)))
    entry = player.frame().log[-1]
    assert len(entry.events) == Player.EVENTS_PER_ENTRY and entry.more == 40


def test_each_frame_carries_what_its_action_changed(player: Player):
    """The fake's step adds 5 objects of 48 B (+240 B) and a span; its GC adds 1024 B to
    the last marked heap; its two goroutines stay."""
    assert player.frame().delta is None  # before the first step
    step = player.perform(Action("step")).delta
    assert step is not None and dict(step.changes) == {
        "heap": 240, "live": 0, "objects": 5, "spans": 1, "goroutines": 0}
    gc = player.perform(Action("run_gc")).delta
    assert gc is not None and dict(gc.changes) == {
        "heap": 0, "live": 1024, "objects": 0, "spans": 0, "goroutines": 0}
    back = player.perform(Action("step_back")).delta  # at step 1 again: what step 1 did
    assert back is not None and dict(back.changes) == dict(step.changes)
    assert player.perform(Action("refresh")).delta == back


def rewinds_of(player: Player) -> list[int]:
    """Record the positions the player rewinds its (fake) timeline to."""
    tl = player.timeline
    seen: list[int] = []
    goto = tl.goto_position

    def counting(target: int) -> None:
        seen.append(target)
        goto(target)

    tl.goto_position = counting  # type: ignore[method-assign]
    return seen


def test_a_jump_compares_its_last_step_with_the_position_before_it(player: Player):
    """The player notes the figures before a jump's last step: no rewind is needed."""
    rewinds = rewinds_of(player)
    frame = player.perform(Action("goto", 5))
    assert frame.position == 6 and frame.delta is not None
    assert (frame.delta.before.objects, frame.delta.after.objects) == (3 + 5 * 5, 3 + 5 * 6)
    assert rewinds == []


def test_stepping_back_past_a_jump_rewinds_once_for_the_step_before(player: Player):
    player.perform(Action("goto", 5))
    rewinds = rewinds_of(player)
    frame = player.perform(Action("step_back"))  # at position 5; position 4 was jumped over
    assert frame.delta is not None
    assert (frame.delta.before.objects, frame.delta.after.objects) == (3 + 5 * 4, 3 + 5 * 5)
    assert rewinds == [4, 5]  # there and back
    assert player.timeline.position == frame.position == 5
