"""Stepping through every GC cycle, including those the heap starts inside a long step.

A step action stops where the GC phase changes (`Timeline.next_phase`), inside a loop,
a repeat, a long append or a big map insert, and resumes exactly where it stopped; a
walk by phases ends in the very state of a straight run, and rewinding restores it.
"""

from __future__ import annotations

import re

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime import timeline as timeline_module
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.timeline import Cancelled, Timeline
from gomemtui.runtime.types import parse_type
from gomemtui.scenario import load_program

GOGC_100_CYCLES = 19
"""gogc-100's cycles in a straight run (its `gomemtui run` summary, tests/golden)."""

BYTE = parse_type("byte")


def walk_by_phases(tl: Timeline) -> list[tuple[int, GCPhase, int, str]]:
    """Press ] until nothing moves: (position, phase, cycles started, where) of each stop."""
    stops = []
    while True:
        before = tl.position
        tl.next_phase()
        if tl.position == before:
            return stops
        c = tl.runtime.collector
        stops.append((tl.position, tl.runtime.phase, c.num_gc + (c.cycle is not None), tl.where))


@pytest.fixture(scope="module")
def gogc_100():
    return load_program("gogc-100")


def test_walking_gogc_100_by_phases_stops_in_the_mark_of_each_of_its_cycles(gogc_100):
    tl = Timeline(gogc_100)
    stops = walk_by_phases(tl)
    marked = sorted({cycle for _, phase, cycle, _ in stops if phase is GCPhase.MARK})
    assert marked == list(range(1, GOGC_100_CYCLES + 1))
    # All but the cycles that start between steps stop inside a step, and say where.
    inside = [where for _, phase, _, where in stops if phase is GCPhase.MARK and where]
    assert len(inside) >= GOGC_100_CYCLES - 1
    assert all(re.fullmatch(r"inside step \d+, .*\d[\d,]* of [\d,]+.*", w) for w in inside), inside
    assert tl.runtime.collector.num_gc == GOGC_100_CYCLES  # ] forced no cycle


def test_a_walk_by_phases_ends_each_step_in_the_state_of_a_straight_run(gogc_100):
    straight = Timeline(gogc_100)
    digests = []
    while not straight.at_end:
        straight.step()
        digests.append(straight.runtime.digest())
    walked = Timeline(gogc_100)
    walk_by_phases(walked)
    for index, digest in enumerate(digests):
        walked.goto_step(index)
        assert walked.runtime.digest() == digest, f"after step {index + 1}"


def test_prev_phase_walks_back_through_every_stop_of_the_walk(gogc_100):
    tl = Timeline(gogc_100)
    stops = walk_by_phases(tl)
    positions = [p for p, *_ in stops]
    seen = []
    tl.goto_position(positions[-1])
    while tl.prev_phase():
        seen.append(tl.position)
    assert seen == positions[-2::-1]
    assert not tl.prev_phase() and tl.position == positions[0]  # never back to step 0


def test_rewinding_into_a_paused_step_restores_its_exact_state(gogc_100):
    tl = Timeline(gogc_100)
    recorded = []
    for _ in range(12):
        tl.next_phase()
        recorded.append((tl.position, tl.runtime.digest(), tl.where))
    tl.end()
    for position, digest, where in reversed(recorded):
        tl.goto_position(position)
        assert (tl.runtime.digest(), tl.where) == (digest, where)


def test_n_runs_the_rest_of_a_step_paused_inside(gogc_100):
    tl = Timeline(gogc_100)
    tl.next_phase()
    assert tl.inside_step >= 0
    index = tl.inside_step
    tl.step()
    assert tl.inside_step == -1 and tl.next_step == index + 1


def test_step_back_from_a_stop_inside_a_step_goes_to_the_end_of_the_step_before(gogc_100):
    tl = Timeline(gogc_100)
    tl.next_phase()
    index = tl.inside_step
    tl.next_phase()
    tl.step_back()
    assert tl.inside_step == -1 and tl.next_step == index


def test_next_cycle_stops_where_each_cycle_starts(gogc_100):
    tl = Timeline(gogc_100)
    for expected in range(1, 6):
        tl.next_cycle()
        c = tl.runtime.collector
        assert tl.runtime.phase is GCPhase.MARK and c.num_gc + 1 == expected
    tl.prev_cycle()
    assert tl.runtime.collector.num_gc + 1 == 4 and tl.runtime.phase is GCPhase.MARK


def test_a_map_insert_pauses_at_the_cycle_it_starts_and_resumes_where_it_left_off():
    m = parse_type("int")
    prog = ops.Program(ops.RuntimeSettings(), (
        ops.Step(0, 1, "make_map", ops.MakeMap("m", m, m)),
        ops.Step(1, 2, "map_insert", ops.MapInsert("m", 300_000)),
    ))
    straight = Timeline(prog)
    straight.end()
    tl = Timeline(prog)
    tl.step()
    tl.next_phase()
    assert re.fullmatch(r"inside step 2, key [\d,]+ of 300,000 inserted", tl.where)
    tl.step()
    assert tl.runtime.digest() == straight.runtime.digest()


def test_a_step_run_in_slices_of_real_time_ends_as_a_straight_run(monkeypatch, gogc_100):
    straight = Timeline(gogc_100)
    straight.end()
    monkeypatch.setattr(timeline_module, "SLICE_SECONDS", 0.0)
    tl = Timeline(gogc_100)
    seen: list[str] = []
    tl.slice_hook = seen.append
    tl.end()
    assert tl.runtime.digest() == straight.runtime.digest()
    assert seen and all(re.match(r"step \d+", s) for s in seen)


def test_a_step_interrupted_between_slices_leaves_the_timeline_where_it_was(monkeypatch, gogc_100):
    monkeypatch.setattr(timeline_module, "SLICE_SECONDS", 0.0)
    tl = Timeline(gogc_100)
    tl.goto_step(3)
    position, digest = tl.position, tl.runtime.digest()
    calls = []

    def interrupt(progress: str) -> None:
        calls.append(progress)
        if len(calls) == 3:
            raise Cancelled(progress)

    tl.slice_hook = interrupt
    with pytest.raises(Cancelled):
        tl.step()
    tl.slice_hook = None
    tl.settle()
    assert tl.position == position and tl.runtime.digest() == digest
    tl.step()  # and it goes on from there as usual
    straight = Timeline(gogc_100)
    straight.goto_step(4)
    assert tl.runtime.digest() == straight.runtime.digest()
