"""The timeline: stepping, GC phases, rewind that equals a straight run."""

from __future__ import annotations

import gc
import re
import weakref

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gomemtui.runtime import program as ops
from gomemtui.runtime.timeline import Timeline
from gomemtui.runtime.types import GoType, parse_type
from gomemtui.runtime.read.views import GCPhase

INT = parse_type("int")
BYTE = parse_type("byte")
NODE = GoType("Node", 24, True, ("next",))


def program(*op_list: ops.Op, **settings) -> ops.Program:
    steps = tuple(ops.Step(i, i + 1, type(op).__name__, op) for i, op in enumerate(op_list))
    return ops.Program(ops.RuntimeSettings(**settings), steps)


def churn(n: int = 40) -> ops.Program:
    """Allocate 64 KiB garbage again and again: several heap-triggered cycles."""
    body = [ops.MakeSlice("keep", BYTE, 1 << 20, 1 << 20)]
    body += [ops.MakeSlice(f"tmp{i}", BYTE, 256 << 10, 256 << 10) for i in range(n)]
    return program(*body, gomaxprocs=1)


def test_stepping_runs_the_scenario_steps_in_order():
    tl = Timeline(program(ops.MakeSlice("s", INT), ops.Append("s", count=3)))
    assert tl.position == 0 and tl.next_step == 0 and tl.current_step is None
    tl.step()
    assert tl.current_step.index == 0 and tl.next_step == 1
    events = tl.step()
    assert [e.data["new_cap"] for e in events if e.kind == "growslice"] == [1, 2, 4]
    assert tl.at_end
    assert tl.step() == ()


def test_step_back_restores_exactly_the_earlier_state():
    tl = Timeline(churn())
    digests = [tl.runtime.digest()]
    while not tl.at_end:
        tl.step()
        digests.append(tl.runtime.digest())
    for expected in reversed(digests[:-1]):
        assert tl.step_back()
        assert tl.runtime.digest() == expected
    assert not tl.step_back()


def test_going_back_then_forward_redoes_the_same_actions():
    tl = Timeline(churn(10))
    tl.goto_step(6)
    tl.mark_unit()
    tl.run_gc()
    end_digest = tl.runtime.digest()
    tl.home()
    tl.goto_position(tl.length)
    assert tl.runtime.digest() == end_digest


def test_a_new_action_after_stepping_back_discards_the_old_future():
    tl = Timeline(churn(10))
    tl.end()
    tl.goto_step(2)
    tl.run_gc()
    assert tl.length == tl.position


def test_next_phase_walks_mark_sweep_and_off_of_a_heap_triggered_cycle():
    tl = Timeline(churn())
    seen = []
    for _ in range(6):
        tl.next_phase()
        seen.append(tl.runtime.phase)
    # The heap starts the cycle (its sweep-termination pause ends at once, inside the
    # step); ] then stops where the mark ends and where the sweep ends.
    assert seen[:3] == [GCPhase.MARK, GCPhase.SWEEP, GCPhase.OFF]


def test_next_phase_after_the_last_step_with_no_cycle_running_starts_none():
    tl = Timeline(churn(2))
    tl.end()
    tl.run_gc()
    position, cycles = tl.position, tl.runtime.collector.num_gc
    assert tl.next_phase() == ()
    assert tl.position == position and tl.runtime.collector.num_gc == cycles
    assert tl.runtime.phase is GCPhase.OFF


def test_cycle_start_events_name_what_started_them_in_readable_units():
    tl = Timeline(churn())
    heap_started: list[str] = []
    while not tl.at_end:
        heap_started += [e.text for e in tl.step() if e.kind == "gc_phase" and e.data["reason"] == "heap"]
    assert heap_started, "churn triggers cycles"
    # "GC 1 starts: the heap, 3.8 MiB (3,997,704 B), reached the trigger, 3.8 MiB (3,997,696 B). ..."
    pattern = re.compile(r"GC \d+ starts: the heap, [\d.]+ MiB \([\d,]+ B\), reached the trigger, "
                         r"[\d.]+ MiB \([\d,]+ B\)\. ")
    assert all(pattern.match(t) for t in heap_started), heap_started
    forced = [e for e in tl.run_gc() if e.kind == "gc_phase" and e.data["phase"] == "sweep termination"]
    assert forced[0].data["reason"] == "forced" and "runtime.GC() was called" in forced[0].text


def test_prev_phase_goes_back_to_where_the_phase_changed():
    tl = Timeline(churn())
    tl.next_phase()
    tl.next_phase()
    phase_before = tl.runtime.phase
    tl.next_phase()
    assert tl.runtime.phase != phase_before
    tl.prev_phase()
    assert tl.runtime.phase == phase_before


def test_goto_step_lands_just_after_that_step():
    tl = Timeline(churn(10))
    tl.goto_step(4)
    assert tl.current_step.index == 4
    tl.goto_step(1)
    assert tl.current_step.index == 1
    tl.goto_step(-1)
    assert tl.position == 0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["step", "back", "mark", "phase", "gc", "home", "prev", "cycle"]),
                max_size=30))
def test_any_walk_ends_in_the_state_of_a_straight_replay(moves):
    tl = Timeline(churn(12))
    for move in moves:
        {"step": tl.step, "back": tl.step_back, "mark": tl.mark_unit, "phase": tl.next_phase,
         "gc": tl.run_gc, "home": tl.home, "prev": tl.prev_phase, "cycle": tl.next_cycle}[move]()
    reached = tl.runtime.digest()
    position = tl.position
    replay = Timeline(tl.program)
    for action in tl._history[:position]:
        replay._do(action)
    assert replay.runtime.digest() == reached


def _arrays_of(checkpoint: object) -> list[weakref.ref]:
    """Weak references to the numpy arrays inside a checkpoint (its bulk)."""
    found: list[weakref.ref] = []
    seen: set[int] = set()
    todo = [checkpoint]
    while todo and len(found) < 50:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            found.append(weakref.ref(item))
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, (list, tuple)):
            todo.extend(item)
        elif hasattr(item, "__dict__"):
            todo.append(vars(item))
    return found


def test_checkpoints_dropped_by_a_new_future_are_freed_at_once():
    # a checkpoint is full of reference cycles; with the cyclic collector idle (as after
    # the app's start, or between its rare full passes) it must still go when dropped
    tl = Timeline(churn(10))
    tl.end()
    for position in (4, 6, 8):  # as a long walk would have taken them
        tl.goto_position(position)
        tl._checkpoint()
    later = [p for p in tl._checkpoints if p > 2]
    assert later == [4, 6, 8]
    refs = [r for p in later for r in _arrays_of(tl._checkpoints[p])]
    assert refs
    gc.disable()
    try:
        tl.goto_position(2)
        tl.run_gc()  # a new action: the old future and its checkpoints go
        assert not any(p > tl.position for p in tl._checkpoints)
        assert all(r() is None for r in refs)
    finally:
        gc.enable()
