"""The text panels' pure line builders: what each panel says for a frame."""

from __future__ import annotations

from gomemtui.runtime.enums import GCPhase
from gomemtui.ui.player import Action, Player
from gomemtui.ui.widgets.event_log import log_lines
from gomemtui.ui.widgets.explain import explain_lines
from gomemtui.ui.widgets.gc_status import gc_lines, phase_text
from gomemtui.ui.widgets.goroutines import goroutine_lines
from gomemtui.ui.widgets.header import header_text
from gomemtui.ui.widgets.lines_view import wrap_lines
from gomemtui.ui.widgets.maps import maps_lines
from gomemtui.ui.widgets.pool import pool_lines
from gomemtui.ui.widgets.slices import slice_bar, slices_lines
from gomemtui.ui.widgets.source import source_lines
from tests.ui.fakes import FakeTimeline


def frame_after(steps: int = 3, *extra: str):
    player = Player(FakeTimeline(), grid_shape=(4, 16))
    frame = player.frame()
    for _ in range(steps):
        frame = player.perform(Action("step"))
    for name in extra:
        frame = player.perform(Action(name))
    return frame


def plain(lines) -> str:
    return "\n".join(line.plain for line in lines)


def test_source_marks_the_current_line():
    frame = frame_after(3)
    lines = source_lines(frame, 60)
    current = [line.plain for line in lines if line.plain.startswith("▶")]
    assert current == [lines[7].plain]
    assert "numbers = append(numbers, i)" in current[0]
    assert lines[5].plain.startswith("·")  # line 6 has a step


def test_explain_shows_step_note_and_event_texts():
    text = plain(explain_lines(frame_after(3), 80))
    assert "step 3/12 · line 8 · append" in text
    assert "numbers = append(numbers, i)" in text
    assert "append grows the array." in text
    assert "• append grew cap 16 → 32" in text


def test_explain_before_the_first_step_tells_what_to_press():
    text = plain(explain_lines(frame_after(0), 80))
    assert "before the first step" in text and "Press n" in text


def test_event_log_lists_actions_and_is_trimmed_by_rewind():
    player = Player(FakeTimeline(), grid_shape=(2, 8))
    for _ in range(3):
        player.perform(Action("step"))
    text = plain(log_lines(player.frame(), 80))
    assert "    3 step 3 · line 8 · append" in text
    frame = player.perform(Action("step_back"))
    text = plain(log_lines(frame, 80))
    assert "step 3 ·" not in text and "step 2 ·" in text


def test_slices_group_slices_under_their_array():
    text = plain(slices_lines(frame_after(3), 60))
    assert "a1 [32]int · 256 B · held by numbers, small" in text
    assert "numbers []int  len 24 cap 32  (main)" in text
    assert "a0 [4]int · 32 B · garbage: the next GC frees it" in text
    assert text.index("a1 [32]int") < text.index("a0 [4]int")


def test_an_outgrown_stack_buffer_is_not_called_garbage():
    """The collector never frees stack memory: an outgrown stack buffer is just unused."""
    from gomemtui.runtime.enums import MarkColor
    from gomemtui.runtime.read.views import ArrayView
    from gomemtui.ui.widgets.slices import array_header

    buffer = ArrayView("grown[]", "int", 4, 32, True, (), True, MarkColor.WHITE)
    heap = ArrayView("grown[]#2", "int", 8, 64, False, (), True, MarkColor.WHITE)
    assert array_header(buffer) == "grown[] [4]int · 32 B on the stack · unused now: stack space, gone when the frame returns"
    assert array_header(heap) == "grown[]#2 [8]int · 64 B · garbage: the next GC frees it"


def test_slice_bar_shows_len_then_spare_capacity():
    frame = frame_after(3)
    small = next(s for s in frame.view.slices if s.var == "small")
    bar = slice_bar(small, 32, {}).plain
    assert bar.startswith("██") and bar.count("▒") == 30 and len(bar) == 32


def test_maps_draw_control_bytes_in_groups():
    text = plain(maps_lines(frame_after(1), 60))
    # the fake map: one table of 8 slots (one group) with one tombstone, 1232 bytes
    assert text.splitlines()[0] == "m  len 5 · 1 table, 1 group · 1232 B · 1 tombstone"
    assert "m map[string]int · len 5 · 1232 B" in text
    assert "■■■×■·■·" in text
    assert "table 0: 5/8 used · 1 deleted" in text


def test_pool_shows_locals_victims_and_counters():
    text = plain(pool_lines(frame_after(1), 60))
    # the fake pool: o3 private and o4 shared on P0, o1 in the victim cache
    assert text.splitlines()[0] == "p  cached 3 (2 local + 1 victim) · hits 2 · misses 1 · New 1 · 0 B own"
    assert "P0  private o3" in text
    assert "victim P0" in text and "[o1]" in text
    assert "own memory" not in text  # the fake pool reports none


def test_pool_shows_its_own_structures_when_it_has_some():
    from dataclasses import replace

    frame = frame_after(1)
    pools = tuple(replace(pool, bytes=304) for pool in frame.view.pools)
    frame = replace(frame, view=replace(frame.view, pools=pools))
    text = plain(pool_lines(frame, 60))
    assert text.splitlines()[0].endswith(" · 304 B own")
    assert "own memory 304 B: its poolLocal arrays and chain dequeues" in text


def test_goroutines_make_leaks_stand_out():
    text = plain(goroutine_lines(frame_after(1), 60))
    # main: 8 KiB stack, retains 4 KiB; worker: 16 KiB stack, retains 64 KiB
    assert text.splitlines()[0] == "2 goroutines · 1 running · 1 blocked · stacks 24.0 KiB · retain 68.0 KiB heap"
    assert "worker · blocked  LEAK" in text
    assert "retains 64.0 KiB" in text


def test_gc_status_highlights_the_phase_and_shows_mark_progress():
    frame = frame_after(1, "next_phase", "next_phase", "mark_unit")
    assert frame.view.gc.phase == GCPhase.MARK
    text = plain(gc_lines(frame, 100))
    assert "mark ▕" in text and "512 B of ~4096 B scanned" in text
    assert "write barrier ON" in text
    phase = phase_text(GCPhase.MARK, {})
    assert " mark " in phase.plain


def test_gc_status_lists_the_newest_gctrace_line_first():
    frame = frame_after(1, "run_gc", "run_gc", "run_gc")
    lines = [line.plain for line in gc_lines(frame, 200)]
    traces = [line.split(" @")[0] for line in lines if line.startswith("gc ")]
    assert traces == ["gc 3", "gc 2", "gc 1"]


def test_gc_status_says_no_cycle_is_running_rather_than_gc_off():
    text = phase_text(GCPhase.OFF, {}).plain
    assert text.startswith(" no cycle running ") and "off" not in text


def test_header_drops_parts_when_narrow():
    frame = frame_after(2)
    wide = header_text(frame, False, 2.0, 200).plain
    narrow = header_text(frame, True, 4.0, 40).plain
    assert "step 2/12" in wide and "goal 4.0 MiB" in wide and "paused" in wide
    assert len(narrow) <= 40 and "step 2/12" in narrow


def test_wrap_lines_indents_continuations():
    from rich.text import Text

    lines = wrap_lines([Text("alpha beta gamma delta epsilon zeta eta theta")], 20)
    assert all(len(line.plain) <= 20 for line in lines)
    assert all(line.plain.startswith("  ") for line in lines[1:])
