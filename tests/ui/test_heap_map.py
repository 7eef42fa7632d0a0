"""The heap map drawn line by line, without an app (STYLE: render_line tests)."""

from __future__ import annotations

from unittest.mock import PropertyMock, patch

import numpy as np
import pytest
from rich.style import Style
from textual.geometry import Size

from gomemtui.runtime.read.views import GridMode, MarkColor, SpanSlot, SpanView
from gomemtui.ui.heap_palette import FILL_GLYPHS, MARK_GLYPHS, palette
from gomemtui.ui.player import Player
from gomemtui.ui.widgets.heap_map import CURSOR_GLYPH, HeapMap, grid_row_strip, span_lines
from tests.ui.fakes import FakeTimeline


def draw(widget: HeapMap, size: Size) -> list[str]:
    with patch.object(HeapMap, "size", new_callable=PropertyMock, return_value=size):
        return [widget.render_line(y).text for y in range(size.height)]


def heap_map_for(grid_shape: tuple[int, int], mono: bool = True, steps: int = 0) -> HeapMap:
    timeline = FakeTimeline()
    for _ in range(steps):
        timeline.step()
    frame = Player(timeline, grid_shape=grid_shape).frame()
    widget = HeapMap()
    widget.set_reactive(HeapMap.frame, frame)
    widget.set_reactive(HeapMap.mono, mono)
    return widget


def test_row_is_run_length_encoded():
    row = np.array([1, 1, 1, 4, 4, 0, 0, 0], dtype=np.uint8)
    strip = grid_row_strip(row, GridMode.MARK, False, Style(), 8)
    texts = [seg.text for seg in strip]
    assert texts == ["···", MARK_GLYPHS[4] * 2, "   "]


def test_each_code_gets_its_palette_style():
    row = np.array([2, 3, 4, 5], dtype=np.uint8)
    cells = palette(GridMode.MARK, False, Style())
    strip = grid_row_strip(row, GridMode.MARK, False, Style(), 4)
    assert [seg.style for seg in strip] == [cells[c][1] for c in (2, 3, 4, 5)]
    assert len({seg.style.bgcolor for seg in strip}) == 4


def test_fill_levels_use_block_heights():
    row = np.arange(2, 11, dtype=np.uint8)
    text = grid_row_strip(row, GridMode.FILL, True, Style(), 9).text
    assert text == "_" + FILL_GLYPHS[1:]


def test_row_is_padded_or_cropped_to_width():
    row = np.full(10, 1, dtype=np.uint8)
    assert grid_row_strip(row, GridMode.FILL, True, Style(), 4).text == "····"
    assert grid_row_strip(row, GridMode.FILL, True, Style(), 12).text == "··········  "


def test_cursor_cell_is_split_out_of_its_run():
    row = np.full(6, 1, dtype=np.uint8)
    strip = grid_row_strip(row, GridMode.MARK, True, Style(), 6, cursor_col=2, cursor_style=Style(bold=True))
    segments = list(strip)
    assert [s.text for s in segments] == ["··", CURSOR_GLYPH, "···"]
    assert segments[1].style.bold


def test_mono_size_class_glyphs_differ_per_class():
    row = np.array([2, 3, 4, 69], dtype=np.uint8)
    assert grid_row_strip(row, GridMode.SIZE_CLASS, True, Style(), 4).text == "@12+"  # class 67 shares '+'


def test_render_line_draws_grid_rows_then_legend():
    widget = heap_map_for((3, 20))
    lines = draw(widget, Size(20, 4))
    assert lines[0].startswith("@7el")  # codes 2, 9, 16, 23 from the fake grid
    assert lines[0].endswith("·" * 16)
    assert lines[2] == " " * 20  # unmapped
    # 20 columns: the shortest legend, whole entries only (class 1 is "1", 18 "i", 48 "M")
    assert lines[3] == "1 small i mid M big "


def test_render_line_without_frame_is_blank():
    widget = HeapMap()
    assert draw(widget, Size(5, 2)) == ["     ", "     "]


def test_lines_below_the_grid_are_blank_when_the_grid_is_stale():
    widget = heap_map_for((2, 10))
    lines = draw(widget, Size(10, 5))
    assert lines[2] == " " * 10 and lines[3] == " " * 10
    assert lines[4] == "1 small   "


def test_grid_shape_leaves_a_legend_line():
    widget = HeapMap()
    assert widget.grid_shape_for(Size(80, 20)) == (19, 80)
    assert widget.grid_shape_for(Size(0, 0)) == (1, 1)


def make_span(nslots: int = 12) -> SpanView:
    slots = tuple(
        SpanSlot(i, f"o{i}" if i % 2 else None, "allocated" if i % 2 else "free", 20 if i % 2 else 0,
                 MarkColor.BLACK if i % 4 == 1 else MarkColor.WHITE)
        for i in range(nslots)
    )
    return SpanView(7, 3, False, 40, 1, 24, 341, nslots // 2, 8, 24, slots, True, False)


def test_span_lines_show_figures_from_the_span_view():
    lines = span_lines(make_span(), 40)
    text = "\n".join(line.text for line in lines)
    assert "span 7 · size class 3 (scan) · 24 B slots" in text
    assert "6/341 slots allocated" in text
    assert "tail 8 B · internal 24 B" in text
    assert "slot    1  o1" in text
    slot_rows = [line for line in lines if line.slots is not None]
    assert sum(len(line.slots) for line in slot_rows) == 12


def test_span_slots_wrap_to_the_width():
    rows = [line for line in span_lines(make_span(30), 10) if line.slots is not None]
    assert [len(r.slots) for r in rows] == [10, 10, 10]


@pytest.mark.parametrize("width", [1, 3, 8])
def test_tiny_widths_never_fail(width: int):
    widget = heap_map_for((1, width))
    assert len(draw(widget, Size(width, 2))) == 2
    assert span_lines(make_span(), width)


def test_wide_cells_repeat_each_code_and_the_cursor_marks_the_cells_middle():
    row = np.array([1, 4, 1], dtype=np.uint8)
    strip = grid_row_strip(row, GridMode.MARK, True, Style(), 8, cursor_col=1, cell_w=2)
    assert strip.text == "··" + MARK_GLYPHS[4] + CURSOR_GLYPH + "··  "
    strip = grid_row_strip(np.array([1, 4], dtype=np.uint8), GridMode.MARK, True, Style(), 16, cursor_col=1,
                           cell_w=8)
    assert strip.text == "·" * 8 + MARK_GLYPHS[4] * 4 + CURSOR_GLYPH + MARK_GLYPHS[4] * 3


def test_small_heaps_are_drawn_with_wide_cells():
    widget = heap_map_for((8, 32))  # 64 fake pages in 8×32 chars: 2×1 cells, a 8×16 grid
    frame = widget.frame
    assert (frame.grid.cell_w, frame.grid.cell_h, frame.grid.cols) == (2, 1, 16)
    line = draw(widget, Size(32, 9))[0]
    assert all(line[i] == line[i + 1] for i in range(0, 32, 2))
