"""The pacer chart: where its braille plot puts each series, its y-axis labels, and the
lines the widget draws."""

from __future__ import annotations

import numpy as np
import pytest

from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.gc.history import PacerPoint
from gomemtui.ui.app import GoMemApp
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.ui.widgets.pacer_chart import (
    AXIS_WIDTH, LIMIT_GLYPH, SERIES, PacerChart, axis_label, legend_items, legend_layout, limit_row, plot,
    sample_x, style_sample, time_axis,
)
from tests.ui.conftest import settle
from tests.ui.fakes import FakeTimeline


def flat_history(n: int, *, live: int, inuse: int, trigger: int, goal: int) -> tuple[PacerPoint, ...]:
    """`n` pacer samples in which every series stays at one value."""
    return tuple(PacerPoint(i, live, inuse, live, trigger, goal, GCPhase.OFF) for i in range(n))


DOT_ROW_BITS = (0x01 | 0x08, 0x02 | 0x10, 0x04 | 0x20, 0x40 | 0x80)
"""Braille bits of both dots of dot row 0..3 of a cell (U+2800 + bits)."""


def test_pacer_plot_draws_each_flat_series_as_a_line_at_its_height():
    """8 rows = 32 dot rows, linear axis 0..1050 (goal × 1.05): a value v sits on dot row
    round((1 - v/1050) × 31): goal 1000 → 1 (row 0), trigger 700 → 10 (row 2),
    in use 350 → 21 (row 5), live 0 → 31 (row 7). Each in its line style over 10 dot
    columns: goal dashed (3 dots on, 3 off: columns 0-2 and 6-8), trigger dotted (even
    columns: each cell's left dot), in use thick (dot rows 21 and 22), live solid."""
    bits, owner, axis = plot(flat_history(10, live=0, inuse=350, trigger=700, goal=1000), 8, 5)
    assert bits.shape == owner.shape == (8, 5)
    assert axis is not None and not axis.log and (axis.lo, axis.hi) == (0.0, pytest.approx(1050))
    left, both = 0x02, DOT_ROW_BITS[1]  # dot row 1 of a cell: its left dot, both dots
    expected_bits = {
        0: [both, left, 0, both, left],  # goal, dashed
        2: [0x04] * 5,  # trigger, dotted: the left dot of dot row 2
        5: [DOT_ROW_BITS[1] | DOT_ROW_BITS[2]] * 5,  # in use, thick: dot rows 1 and 2
        7: [DOT_ROW_BITS[3]] * 5,  # live, solid
    }
    expected_owner = {0: 2, 2: 1, 5: 0, 7: 3}  # SERIES order: in use, trigger, goal, live
    for row in range(8):
        assert bits[row].tolist() == expected_bits.get(row, [0] * 5), row
        owners = [expected_owner[row] if b else -1 for b in expected_bits.get(row, [0] * 5)]
        assert owner[row].tolist() == owners, row


def test_the_four_line_styles_differ_without_color():
    samples = {style: style_sample(style) for _, _, style in SERIES}
    assert samples == {"solid": "⠤⠤⠤⠤", "thick": "⣤⣤⣤⣤", "dotted": "⠄⠄⠄⠄", "dashed": "⠤⠄ ⠤"}
    assert len(set(samples.values())) == len(SERIES)


def test_samples_are_placed_by_simulated_time():
    """Samples at 0, 100 and 1000 ns on 11 dot columns: columns 0, 1 and 10."""
    history = tuple(PacerPoint(t, 10, 10, 10, 20, 30, GCPhase.OFF) for t in (0, 100, 1000))
    assert sample_x(history, 11).tolist() == [0, 1, 10]
    same_time = tuple(PacerPoint(5, 10, 10, 10, 20, 30, GCPhase.OFF) for _ in range(3))
    assert sample_x(same_time, 11).tolist() == [0, 0, 0]


def test_the_time_axis_names_itself_and_its_ends():
    history = tuple(PacerPoint(t, 10, 10, 10, 20, 30, GCPhase.OFF) for t in (0, 1_520_000))
    axis = time_axis(history, 60)
    assert len(axis) == 60
    assert axis.startswith("0 ns ─") and axis.endswith("─ 1.52 ms") and " simulated time " in axis
    assert time_axis(history, 21) == "0 ns ─ time ─ 1.52 ms"
    assert time_axis(history, 14) == "0 ns → 1.52 ms"
    assert time_axis((), 20) == "── simulated time ──"


def test_a_memory_limit_raises_the_axis_to_it_and_has_a_row():
    """Everything at 1000 B but a 2000 B limit: the linear axis reaches 2100 (limit × 1.05)
    and the limit sits on dot row round((1 - 2000/2100) × 31) = 1, in row 0."""
    history = flat_history(4, live=1000, inuse=1000, trigger=1000, goal=1000)
    _, _, without = plot(history, 8, 5)
    _, _, with_limit = plot(history, 8, 5, limit=2000)
    assert without is not None and without.hi == pytest.approx(1050)
    assert with_limit is not None and with_limit.hi == pytest.approx(2100)
    assert limit_row(with_limit, 2000, 8) == 0
    assert limit_row(with_limit, None, 8) is None
    assert limit_row(None, 2000, 8) is None


def test_the_legend_names_each_style_and_the_limit():
    items = legend_items(20 << 20)
    assert [label for _, _, label in items] == ["live", "goal", "trigger", "in use", "GOMEMLIMIT", ""]
    assert items[4][0] == LIMIT_GLYPH * 2 and items[-1][0] == "(log scale)"
    assert len(legend_layout(items, 80)) == 1  # fits one line at 80 columns
    assert len(legend_layout(items, 40)) == 3
    assert "GOMEMLIMIT" not in [label for _, _, label in legend_items(None)]


def test_pacer_plot_draws_a_rising_series_from_the_bottom_left_to_the_top_right():
    """Live heap 0 → 9000 over 10 samples, the other series off the chart's top: 4 rows =
    16 dot rows, 10 dot columns, one a sample; sample i sits on dot row
    round((1 - 1000i/9450) × 15)."""
    history = tuple(PacerPoint(i, 1000 * i, 0, 0, 0, 0, GCPhase.OFF) for i in range(10))
    bits, owner, axis = plot(history, 4, 5)
    assert axis is not None and axis.hi == pytest.approx(9450)
    live_cells = {(int(r), int(c)) for r, c in zip(*np.nonzero(owner == 3))}
    assert (3, 0) in live_cells and (0, 4) in live_cells  # starts bottom left, ends top right
    assert {c for _, c in live_cells} == {0, 1, 2, 3, 4}  # no column skipped
    assert bits[3, 0] & 0x40  # sample 0: dot row 15, left dot of the cell's bottom dot row
    assert bits[0, 4] & 0x10  # sample 9: dot row round(0.71) = 1, the right dot of the cell


def test_pacer_plot_goes_log_when_magnitudes_differ():
    history = tuple(PacerPoint(i, 8192 + i, 8192, 8192, 3_900_000, 4 << 20, GCPhase.OFF) for i in range(10))
    bits, owner, axis = plot(history, 16, 40)
    assert bits.shape == owner.shape == (16, 40)
    assert axis is not None and axis.log
    rows_of = {s: {r for r, c in zip(*np.nonzero(owner == s))} for s in (0, 2, 3)}
    assert min(rows_of[2]) < 4 and max(rows_of[3]) > 10  # goal near the top, live near the bottom


def test_pacer_axis_labels_the_top_and_bottom_rows():
    _, _, linear = plot(flat_history(3, live=0, inuse=350, trigger=700, goal=1000), 8, 5)
    assert [axis_label(linear, row, 8) for row in range(8)] == ["1050 B"] + [""] * 6 + ["0"]
    _, _, log = plot(flat_history(3, live=8192, inuse=8192, trigger=3_900_000, goal=4 << 20), 8, 5)
    labels = [axis_label(log, row, 8) for row in range(8)]
    assert labels[0] == "4.2 MiB" and labels[7] == "7801 B"  # 4 MiB × 1.05; 8192 / 1.05, whole bytes
    assert labels[1:4] == ["", "", ""] and labels[5:7] == ["", ""]
    assert labels[4].endswith(" KiB")  # the middle row of a log axis: between 7.6 KiB and 4.2 MiB
    assert [axis_label(None, row, 8) for row in range(8)] == [""] * 4 + ["no data"] + [""] * 3


@pytest.mark.parametrize("rows,cols", [(0, 0), (1, 1), (3, 2)])
def test_pacer_plot_handles_tiny_and_empty(rows: int, cols: int):
    for history in ((), flat_history(1, live=0, inuse=0, trigger=0, goal=0)):
        bits, owner, axis = plot(history, rows, cols)
        assert bits.shape == owner.shape == (rows, cols)
        assert axis is None and not bits.any() and (owner == -1).all()
    bits, owner, axis = plot(flat_history(1, live=10, inuse=10, trigger=10, goal=10), rows, cols)
    assert bits.shape == (rows, cols) and (axis is not None) == (rows > 0 and cols > 0)


async def test_the_chart_draws_a_legend_then_one_labelled_line_per_plot_row():
    """Every line is as wide as the widget; line 0 shows each series' line style and name,
    each plot row has its axis label (top: the largest value, bottom: the smallest) left
    of a ▕, and the last line is the time axis."""
    app = GoMemApp(FakeTimeline())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("n", "n", "n")
        await settle(pilot)
        chart = app.screen.query_one(PacerChart)
        width, height = chart.size
        assert width > AXIS_WIDTH and height > 3
        lines = [chart.render_line(y) for y in range(height)]
        assert {line.cell_length for line in lines} == {width}
        legend = lines[0].text
        assert all(f"{style_sample(style)} {name}" in legend for _, name, style in SERIES)
        assert "GOMEMLIMIT" not in legend  # the fake runs without a limit
        assert " simulated time " in lines[-1].text
        rows = [line.text for line in lines[1:-1]]
        assert all(row[AXIS_WIDTH - 1] == "▕" for row in rows)
        # the fake's samples run from 8192 B (in use) to the 4 MiB goal: a log axis from
        # 8192 / 1.05 to 4 MiB × 1.05
        assert legend.rstrip().endswith("(log scale)")
        assert rows[0][: AXIS_WIDTH - 1].strip() == "4.2 MiB" and rows[-1][: AXIS_WIDTH - 1].strip() == "7801 B"
        assert any(set(row[AXIS_WIDTH:]) - {" "} for row in rows)  # the series are drawn


async def test_the_chart_draws_gomemlimit_as_a_line_labelled_with_its_value():
    """11-memory-limit runs with GOMEMLIMIT=20MiB: one plot row carries ╌ in the cells no
    series passes through, with "20.0 MiB" on the byte axis."""
    app = GoMemApp(Timeline(load_program("11-memory-limit")), start_step=5)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        chart = app.screen.query_one(PacerChart)
        lines = [chart.render_line(y).text for y in range(chart.size.height)]
        assert "╌╌ GOMEMLIMIT" in lines[0]
        limit_rows = [line for line in lines[1:-1] if LIMIT_GLYPH in line[AXIS_WIDTH:]]
        assert len(limit_rows) == 1
        assert limit_rows[0][: AXIS_WIDTH - 1].strip() == "20.0 MiB"
