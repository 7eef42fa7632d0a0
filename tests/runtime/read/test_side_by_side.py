"""The figures `compare` sets side by side, and the pairing of two runs' steps by index."""

from __future__ import annotations

from gomemtui.headless import to_jsonable
from gomemtui.runtime.read.reader import RuntimeReader
from gomemtui.runtime.read.side_by_side import (
    SideFigures, differences, pair_steps, state_figures, view_figures,
)
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program


def _step(heap: int, live: int, cycles: int, objects: int) -> dict:
    return {"heap": {"alloc_bytes": heap, "objects": objects}, "gc": {"cycles": cycles},
            "goal": {"live_heap_bytes": live}}


def test_differences_are_right_minus_left_and_name_the_larger_side() -> None:
    found = differences(SideFigures(heap=8192, live=4096, cycles=3, objects=10),
                        SideFigures(heap=2048, live=4096, cycles=5, objects=7))
    assert [(d.name, d.difference, d.larger) for d in found] == [
        ("heap", -6144, "left"), ("live", 0, None), ("cycles", 2, "right"), ("objects", -3, "left")]


def test_pairing_runs_of_different_lengths_names_the_side_that_ended() -> None:
    left = [_step(100, 0, 0, 1), _step(300, 0, 1, 3)]
    right = [_step(200, 0, 0, 2), _step(200, 50, 1, 2), _step(900, 50, 2, 9)]
    pairs = list(pair_steps(left, right))
    assert [p["step"] for p in pairs] == [1, 2, 3]
    assert [p["ended"] for p in pairs] == [[], [], ["left"]]
    assert pairs[0]["left"] is left[0] and pairs[2]["right"] is right[2]
    assert pairs[2]["left"] is None
    # past its end the left run keeps the figures of its last step: heap 300, 1 cycle, 3 objects
    assert pairs[2]["differences"]["heap"] == {"left": 300, "right": 900, "right_minus_left": 600, "larger": "right"}
    assert pairs[2]["differences"]["objects"] == {"left": 3, "right": 9, "right_minus_left": 6, "larger": "right"}
    assert pairs[1]["differences"]["live"] == {"left": 0, "right": 50, "right_minus_left": 50, "larger": "right"}


def test_pairing_two_empty_runs_gives_nothing() -> None:
    assert list(pair_steps([], [])) == []


def test_a_views_figures_are_those_of_its_json_state() -> None:
    # The app's diff line reads the views, `compare --json` the JSON state: after every
    # step of a scenario with GC cycles they must say the same.
    timeline = Timeline(load_program("gogc-100", env={}))
    seen_cycles = 0
    while not timeline.at_end:
        timeline.step()
        reader = RuntimeReader(timeline.runtime)
        figures = view_figures(reader.view())
        assert figures == state_figures(to_jsonable(reader.json_state()))
        seen_cycles = figures.cycles
    assert seen_cycles > 0 and figures.live > 0
