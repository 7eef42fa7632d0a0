"""The delta line's figures: what each step changed, with the real core and hand-computed numbers.

The program below keeps an 8 KiB array in a global, collects, makes a 64 KiB buffer,
drops the array, collects again, then starts a goroutine that blocks on a send. The
expected changes come from Go's rules, not from the code under test:

* `new([8192]byte)`: one object of the 8192-byte size class, alone in its one-page span:
  heap +8192 B, +1 object, +1 span.
* `make([]byte, 64<<10)` escaping: a large object of 8 pages in a span of its own:
  heap +65,536 B, +1 object, +1 span.
* the second `runtime.GC()`: the array is garbage and swept (heap −8192 B, −1 object, its
  span freed), and the live heap the cycle marks is the first cycle's minus the array
  plus the buffer: +65,536 − 8192 = +57,344 B.
* `go worker(...)`: one more goroutine (NumGoroutine 1 → 2).
* the worker blocking on a send: a 112-byte `sudog` (docs/app.md), the first object of
  the 112-byte size class: heap +112 B, +1 object, +1 span.
"""

from __future__ import annotations

import pytest

from gomemtui.runtime.read.delta import FIGURE_NAMES, FigureTrail, StepDelta, StepFigures, step_figures
from gomemtui.runtime.read.reader import RuntimeReader
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_text

SCENARIO = '''
[scenario]
title = "What each step changes"
summary = "An array kept then dropped, a buffer, a blocked goroutine."

[[goroutine]]
name = "worker"

[source]
code = """
package main

import "runtime"

var keep *[8192]byte

func worker(ch chan int) {
	ch <- 1
}

func main() {
	keep = new([8192]byte)
	runtime.GC()
	big := make([]byte, 64<<10)
	keep = nil
	runtime.GC()
	go worker(make(chan int))
	_ = big
}
"""

[[step]]
line = 5
do = "assign"
target = "keep"
value = "nil"

[[step]]
line = 5
do = "global"
var = "keep"

[[step]]
line = 12
do = "new"
var = "keep"
type = "[8192]byte"

[[step]]
line = 13
do = "gc"

[[step]]
line = 14
do = "make_slice"
var = "big"
elem = "byte"
len = 65536

[[step]]
line = 15
do = "assign"
target = "keep"
value = "nil"

[[step]]
line = 16
do = "gc"

[[step]]
line = 17
do = "go"
goroutine = "worker"

[[step]]
line = 8
in = "worker"
do = "block"
'''

NEW_ARRAY, FIRST_GC, MAKE_BUFFER, DROP_ARRAY, SECOND_GC, GO, BLOCK = 3, 4, 5, 6, 7, 8, 9
"""Timeline positions just after those steps (one action per step)."""

EXPECTED: dict[int, dict[str, int]] = {
    NEW_ARRAY: {"heap": 8192, "live": 0, "objects": 1, "spans": 1, "goroutines": 0},
    MAKE_BUFFER: {"heap": 65536, "live": 0, "objects": 1, "spans": 1, "goroutines": 0},
    DROP_ARRAY: {"heap": 0, "live": 0, "objects": 0, "spans": 0, "goroutines": 0},
    SECOND_GC: {"heap": -8192, "live": 65536 - 8192, "objects": -1, "spans": -1, "goroutines": 0},
    BLOCK: {"heap": 112, "live": 0, "objects": 1, "spans": 1, "goroutines": 0},
}


def timeline() -> Timeline:
    return Timeline(compile_scenario(load_text(SCENARIO)))


def view_of(tl: Timeline):
    return RuntimeReader(tl.runtime).view()


def view_at(tl: Timeline):
    """The trail's rewinder over a real timeline."""
    def read(position: int):
        here = tl.position
        tl.goto_position(position)
        try:
            return view_of(tl)
        finally:
            tl.goto_position(here)
    return read


def walk(tl: Timeline, trail: FigureTrail) -> dict[int, StepDelta | None]:
    """Every step one at a time, as the player does it."""
    deltas = {}
    while not tl.at_end:
        trail.start(tl.position, view_of(tl))
        tl.step()
        deltas[tl.position] = trail.delta(tl.position, view_of(tl), view_at(tl))
    return deltas


def changes(delta: StepDelta | None) -> dict[str, int]:
    assert delta is not None
    return dict(delta.changes)


def test_each_step_changes_the_figures_go_says_it_does():
    deltas = walk(timeline(), FigureTrail())
    for position, expected in EXPECTED.items():
        assert changes(deltas[position]) == expected, position
    assert changes(deltas[GO])["goroutines"] == 1
    assert changes(deltas[FIRST_GC])["heap"] == 0  # the array is kept: nothing to free
    assert list(dict(deltas[GO].changes)) == list(FIGURE_NAMES)


def test_a_position_reached_by_a_jump_is_compared_with_the_one_before_it():
    """Opening at the second GC: position 6 was never seen, the trail rewinds to read it."""
    tl = timeline()
    trail = FigureTrail()
    trail.start(0, view_of(tl))
    tl.goto_step(SECOND_GC - 1)
    assert tl.position == SECOND_GC
    delta = trail.delta(tl.position, view_of(tl), view_at(tl))
    assert changes(delta) == EXPECTED[SECOND_GC]
    assert tl.position == SECOND_GC  # back where it was
    assert trail.at(SECOND_GC - 1) is not None


def test_stepping_back_shows_what_the_step_now_current_did():
    tl = timeline()
    trail = FigureTrail()
    walk(tl, trail)
    rewinds = []

    def counting(position: int):
        rewinds.append(position)
        return view_at(tl)(position)

    for position in (BLOCK - 1, DROP_ARRAY - 1, NEW_ARRAY):
        trail.start(tl.position, view_of(tl))
        tl.goto_position(position)
        delta = trail.delta(tl.position, view_of(tl), counting)
        if position in EXPECTED:
            assert changes(delta) == EXPECTED[position]
    assert changes(delta) == EXPECTED[NEW_ARRAY]
    assert rewinds == []  # every position was seen on the way forward


def test_a_new_future_forgets_the_old_one():
    """Back to the array's step, then runtime.GC() instead of the recorded next step: the
    figures remembered for the old position 5 (the buffer) no longer hold."""
    tl = timeline()
    trail = FigureTrail()
    walk(tl, trail)
    trail.start(tl.position, view_of(tl))
    tl.goto_position(NEW_ARRAY)
    trail.delta(tl.position, view_of(tl), view_at(tl))
    trail.start(tl.position, view_of(tl))
    tl.run_gc()
    trail.delta(tl.position, view_of(tl), view_at(tl))
    assert trail.at(NEW_ARRAY + 1) is not None and trail.at(NEW_ARRAY + 2) is None
    assert trail.at(NEW_ARRAY + 1).heap == 8192  # the array survives: it is still in keep


def test_nothing_before_the_first_step():
    tl = timeline()
    trail = FigureTrail()
    assert trail.delta(0, view_of(tl), view_at(tl)) is None
    figures = step_figures(view_of(tl))
    assert figures == StepFigures(heap=0, live=0, objects=0, spans=0, goroutines=1)


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_change_is_after_minus_before(name: str):
    before = StepFigures(heap=100, live=50, objects=3, spans=2, goroutines=1)
    after = StepFigures(heap=40, live=90, objects=4, spans=2, goroutines=3)
    expected = {"heap": -60, "live": 40, "objects": 1, "spans": 0, "goroutines": 2}[name]
    assert StepDelta(before, after).change(name) == expected


def test_a_position_noted_on_the_way_is_not_read_again():
    """A jump that notes the position before its last step needs no rewind."""
    tl = timeline()
    trail = FigureTrail()
    trail.start(0, view_of(tl))
    tl.goto_step(SECOND_GC - 2)
    trail.note(tl.position, view_of(tl))
    tl.step()

    def no_rewind(position: int):
        raise AssertionError(f"rewound to {position}")

    assert changes(trail.delta(tl.position, view_of(tl), no_rewind)) == EXPECTED[SECOND_GC]
