"""The pacer chart: where its braille plot puts each series, its y-axis labels, and the
lines the widget draws."""

from __future__ import annotations

import numpy as np
import pytest

from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.gc.history import PacerPoint
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.widgets.pacer_chart import AXIS_WIDTH, PacerChart, axis_label, plot
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
    in use 350 → 21 (row 5), live 0 → 31 (row 7)."""
    bits, owner, axis = plot(flat_history(10, live=0, inuse=350, trigger=700, goal=1000), 8, 5)
    assert bits.shape == owner.shape == (8, 5)
    assert axis is not None and not axis.log and (axis.lo, axis.hi) == (0.0, pytest.approx(1050))
    expected_bits = {0: DOT_ROW_BITS[1], 2: DOT_ROW_BITS[2], 5: DOT_ROW_BITS[1], 7: DOT_ROW_BITS[3]}
    expected_owner = {0: 2, 2: 1, 5: 0, 7: 3}  # SERIES order: in use, trigger, goal, live
    for row in range(8):
        assert bits[row].tolist() == [expected_bits.get(row, 0)] * 5, row
        assert owner[row].tolist() == [expected_owner.get(row, -1)] * 5, row


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
    """Every line is as wide as the widget; line 0 names the series, each plot row has its
    axis label (top: the largest value, bottom: the smallest) left of a ▕."""
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
        assert legend.startswith("pacer ")
        assert all(f"━ {name}" in legend for name in ("live", "goal", "trigger", "in use"))
        rows = [line.text for line in lines[1:]]
        assert all(row[AXIS_WIDTH - 1] == "▕" for row in rows)
        # the fake's samples run from 8192 B (in use) to the 4 MiB goal: a log axis from
        # 8192 / 1.05 to 4 MiB × 1.05
        assert legend.rstrip().endswith("(log scale)")
        assert rows[0][: AXIS_WIDTH - 1].strip() == "4.2 MiB" and rows[-1][: AXIS_WIDTH - 1].strip() == "7801 B"
        assert any(set(row[AXIS_WIDTH:]) - {" "} for row in rows)  # the series are drawn
