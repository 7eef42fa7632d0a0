"""Repaint bookkeeping: runs of changed lines, and the pacer chart's vectorized polyline."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gomemtui.ui.redraw import changed_lines, changed_runs
from gomemtui.ui.widgets.pacer_chart import _polyline


@given(st.lists(st.booleans(), max_size=60))
def test_changed_runs_cover_exactly_the_true_flags(flags: list[bool]):
    runs = changed_runs(flags)
    covered = [False] * len(flags)
    for start, count in runs:
        assert count > 0
        for i in range(start, start + count):
            covered[i] = True
    assert covered == flags
    # runs are separate: a run never starts right where the previous one ends
    assert all(a[0] + a[1] < b[0] for a, b in zip(runs, runs[1:]))


@given(st.lists(st.sampled_from("abc"), max_size=20), st.lists(st.sampled_from("abc"), max_size=20))
def test_changed_lines_are_differing_or_missing_lines(old: list[str], new: list[str]):
    covered = {i for start, count in changed_lines(old, new) for i in range(start, start + count)}
    expected = {i for i in range(max(len(old), len(new)))
                if i >= len(old) or i >= len(new) or old[i] != new[i]}
    assert covered == expected


def test_changed_lines_examples():
    assert changed_lines(["a", "b", "c"], ["a", "x", "c"]) == [(1, 1)]
    assert changed_lines(["a"], ["a", "b", "c"]) == [(1, 2)]
    assert changed_lines(["a", "b"], ["a", "c", "d"]) == [(1, 2)]
    assert changed_lines(["a", "b"], ["a", "b"]) == []


def reference_polyline(xs: list[int], ys: list[int], height: int, width: int) -> np.ndarray:
    """The chart's joining rule, one segment at a time."""
    canvas = np.zeros((height, width), dtype=bool)
    for x, y in zip(xs, ys):
        canvas[y, x] = True
    for i in range(1, len(xs)):
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        if x1 > x0 + 1:  # interpolate across the gap, as np.linspace(y0, y1, x1 - x0 + 1)
            step = (y1 - y0) / (x1 - x0)
            for k in range(x1 - x0 + 1):
                canvas[int(np.round(k * step + y0)), x0 + k] = True
        for y in range(min(y0, y1), max(y0, y1) + 1):  # a vertical run in the later column
            canvas[y, x1] = True
    return canvas


@given(st.data())
def test_polyline_matches_the_segment_by_segment_rule(data: st.DataObject):
    height = data.draw(st.integers(1, 24))
    width = data.draw(st.integers(1, 60))
    xs = sorted(data.draw(st.lists(st.integers(0, width - 1), min_size=1, max_size=40)))
    ys = data.draw(st.lists(st.integers(0, height - 1), min_size=len(xs), max_size=len(xs)))
    got = _polyline(np.array(xs), np.array(ys), height, width)
    assert np.array_equal(got, reference_polyline(xs, ys, height, width))
