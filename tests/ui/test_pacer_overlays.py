"""The pacer chart's overlays (other runs' heap and goal, named, each in a line style) and
the header's line of run figures."""

from __future__ import annotations

import pytest

from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.gc.history import PacerPoint
from gomemtui.ui.widgets.header import RunFigures, run_tiers, runs_text
from gomemtui.ui.widgets.pacer_chart import (
    OVERLAY_STYLES, SERIES, Overlay, legend_items, plot, style_sample, time_axis, time_span,
)
from gomemtui.units import NEVER_BYTES

DOT_ROW_BITS = (0x01 | 0x08, 0x02 | 0x10, 0x04 | 0x20, 0x40 | 0x80)
"""Braille bits of both dots of dot row 0..3 of a cell."""


def test_overlay_styles_differ_from_each_other_and_from_the_runs_own_without_color():
    samples = {style: style_sample(style) for style in OVERLAY_STYLES}
    # dot patterns along x, 8 dots = 4 cells: dashdot 11110100, sparse 1000, longdash 11111100
    assert samples == {"dashdot": "⠤⠤⠠ ", "sparse": "⠄ ⠄ ", "longdash": "⠤⠤⠤ "}
    own = {style_sample(style) for _, _, style in SERIES}
    assert len(set(samples.values())) == len(OVERLAY_STYLES)
    assert not own & set(samples.values())


def test_an_overlay_draws_its_heap_and_goal_on_the_runs_axis():
    """The run: 10 samples at t=0..9 with live 0 (bottom row) and goal 1000 (top row).
    The overlay: heap 500 and goal 1000 at t=0..9, sparse (one dot in four). Linear axis
    0..1050 over 8 rows = 32 dot rows: 500 sits on dot row round((1 - 500/1050) × 31) = 16,
    row 4, dot row 0 of the cell; columns 0, 4, 8 of 10 dots: cells 0, 2, 4, left dots."""
    history = tuple(PacerPoint(t, 0, 0, 0, 0, 1000, GCPhase.OFF) for t in range(10))
    overlay = Overlay("GOGC=50", "sparse", tuple((t, 500, 1000) for t in range(10)))
    bits, owner, axis = plot(history, 8, 5, overlays=(overlay,))
    assert axis is not None and axis.hi == pytest.approx(1050)
    assert bits[4].tolist() == [0x01, 0, 0x01, 0, 0x01]
    assert owner[4].tolist() == [len(SERIES), -1, len(SERIES), -1, len(SERIES)]
    # the overlay's goal coincides with the run's dashed goal: where the dash is on, the
    # run's line is on top (dots 0-2 and 6-8: cells 0, 1, 3, 4)
    goal = SERIES.index(("goal", "goal", "dashed"))
    assert [owner[0].tolist()[c] for c in (0, 1, 3, 4)] == [goal] * 4


def test_overlays_widen_the_time_axis_and_the_scale():
    history = tuple(PacerPoint(t, 100, 100, 0, 0, 200, GCPhase.OFF) for t in (1000, 2000))
    later = Overlay("GOGC=200", "dashdot", ((1000, 100, 200), (4000, 4000, None)))
    assert time_span(history) == (1000, 2000)
    assert time_span(history, (later,)) == (1000, 4000)
    assert time_axis(history, 40, (later,)).endswith("4.0 µs")
    _, _, axis = plot(history, 8, 20, overlays=(later,))
    assert axis is not None and axis.hi == pytest.approx(4000 * 1.05)


def test_an_overlay_goal_of_never_is_not_drawn():
    overlay = Overlay("GOGC=off", "longdash", tuple((t, 100, NEVER_BYTES) for t in range(4)))
    bits, owner, axis = plot((), 4, 4, overlays=(overlay,))
    assert axis is not None and axis.hi == pytest.approx(105)  # the heap alone sets the scale
    assert (owner[(owner >= 0)] == len(SERIES)).all()


def test_overlays_alone_are_plotted_and_an_empty_one_is_skipped():
    bits, _, axis = plot((), 4, 4, overlays=(Overlay("none", "sparse"),))
    assert axis is None and not bits.any()
    bits, _, axis = plot((), 4, 4, overlays=(Overlay("one", "sparse", ((0, 10, 20), (5, 10, 20))),))
    assert axis is not None and bits.any()


def test_the_legend_lists_each_overlay_after_the_runs_own_series():
    overlays = (Overlay("GOGC=50", "dashdot"), Overlay("GOMEMLIMIT=64MiB green_tea=false", "sparse"))
    wide = legend_items(None, overlays, 200)
    assert [label for _, _, label in wide][4:6] == ["GOGC=50", "GOMEMLIMIT=64MiB…"]
    long = legend_items(None, (Overlay("GOMEMLIMIT=64MiB,GOGC=off", "sparse"),), 80)
    assert long[-2][2] == "GOMEMLIMIT=64MiB…"  # no space to cut at: cut and "…"
    assert [index for _, index, _ in wide][4:6] == [len(SERIES), len(SERIES) + 1]
    narrow = legend_items(None, overlays, 80)
    assert [label for _, _, label in narrow][4:6] == ["GOGC=50", "GOMEMLIMIT=64MiB…"]


def test_the_header_line_of_runs_uses_the_longest_tier_that_fits():
    runs = (RunFigures("as opened", 18, 118 * 2**20, 0.202), RunFigures("GOGC=50", 37, 99_484_160, 0.342),
            RunFigures("GOGC=200", note="running…"))
    assert run_tiers(runs[1]) == ("GOGC=50: 37 cycles, peak 94.9 MiB, GC CPU 34.2 %",
                                  "GOGC=50 37 cyc · 94.9 MiB · 34.2 %", "GOGC=50 37c 94.9 MiB")
    assert runs_text(runs, 200).plain == (
        " as opened: 18 cycles, peak 118 MiB, GC CPU 20.2 % │ GOGC=50: 37 cycles, peak 94.9 MiB, "
        "GC CPU 34.2 % │ GOGC=200: running…")
    assert runs_text(runs, 80).plain == " as opened 18c 118 MiB │ GOGC=50 37c 94.9 MiB │ GOGC=200 running…"
    assert len(runs_text(runs, 40).plain) <= 40
