"""The collector alone: built from a heap, stacks, a pacer and two fake program hooks,
no Runtime and no mutator. Its phases, its Cycle's lifetime, what it frees, its hooks."""

from __future__ import annotations

import numpy as np
import pytest

from gomemtui.runtime import clock
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.events import EventLog
from gomemtui.runtime.gc.collector import Collector
from gomemtui.runtime.gc.marking import RootJob
from gomemtui.runtime.gc.pacer import GCCPULimiter, Pacer
from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.memory.stacks import Stacks
from gomemtui.runtime.program import RuntimeSettings

GLOBALS = 4096


class FakeProgram:
    """A program whose roots are a list of object ids and whose pointers are a list of edges."""

    def __init__(self) -> None:
        self.rooted: list[int] = []
        self.pointers: list[tuple[int, int]] = []
        self.cleanups = 0

    def root_jobs(self) -> list[RootJob]:
        return [RootJob("globals (data+bss)", GLOBALS, np.asarray(self.rooted, dtype=np.int64))]

    def busy_goroutines(self) -> int:
        return 1

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        src = np.asarray([s for s, _ in self.pointers], dtype=np.int64)
        dst = np.asarray([d for _, d in self.pointers], dtype=np.int64)
        return src, dst

    def name(self, oid: int) -> str:
        return f"o{oid}"

    def clear_pools(self) -> None:
        self.cleanups += 1


def collector(procs: int = 1) -> tuple[Collector, Heap, FakeProgram]:
    settings = RuntimeSettings(gomaxprocs=procs, globals_bytes=GLOBALS)
    heap = Heap()
    program = FakeProgram()
    pacer = Pacer(gogc=100, memory_limit=None, gomaxprocs=procs, globals_bytes=GLOBALS)
    c = Collector(settings, heap, Stacks(), pacer, GCCPULimiter(procs), EventLog(), graph=program, roots=program)
    c.pool_cleanup = program
    return c, heap, program


def test_a_new_collector_is_off_with_no_cycle() -> None:
    c, _, _ = collector()
    assert (c.phase, c.cycle, c.mark, c.num_gc, c.time_ns) == (GCPhase.OFF, None, None, 0, 0)


def test_the_cycle_lives_from_sweep_termination_to_the_end_of_mark_termination() -> None:
    c, heap, program = collector()
    program.rooted = [heap.alloc(64, False)]
    seen = []
    for _ in range(4):
        c.advance_phase()
        seen.append((c.phase, c.cycle is not None, c.mark is not None))
    assert seen == [
        (GCPhase.SWEEP_TERM, True, False),  # STW #1: no mark state yet
        (GCPhase.MARK, True, True),
        (GCPhase.MARK_TERM, True, True),
        (GCPhase.SWEEP, False, False),
    ]
    assert c.num_gc == 1 and len(c.trace_lines) == 1 and c.trace_lines[0].startswith("gc 1 @")


def test_a_forced_cycle_frees_what_no_root_reaches() -> None:
    c, heap, program = collector()
    kept, child, lost = heap.alloc(64, False), heap.alloc(64, False), heap.alloc(64, False)
    program.rooted = [kept]
    program.pointers = [(kept, child)]
    c.forced_gc()
    assert heap.obj_live[kept] and heap.obj_live[child] and not heap.obj_live[lost]
    assert c.phase is GCPhase.OFF and c.num_forced_gc == 1 and c.last_marked == 2 * 64
    assert c.trace_lines[-1].endswith("(forced)")


def test_sync_pool_cleanup_runs_once_per_cycle_at_sweep_termination() -> None:
    c, _, program = collector()
    c.start_cycle(forced=False)
    assert program.cleanups == 1 and c.phase is GCPhase.SWEEP_TERM
    c.finish_cycle_now()
    c.forced_gc()
    assert program.cleanups == 2


def test_stop_the_world_pauses_take_time_on_every_p() -> None:
    c, _, _ = collector(procs=4)
    c.start_cycle(forced=False)
    stw1 = clock.STW_SWEEP_TERM_NS + clock.STW_PER_P_NS * 4
    assert c.time_ns == stw1 and c.pause_total_ns == stw1 and c.gc_cpu_ns == 4 * stw1


def test_the_write_barrier_greys_a_pointer_the_workers_have_not_reached_yet() -> None:
    c, heap, program = collector()
    holder, child = heap.alloc(64, False), heap.alloc(64, False)
    program.rooted = [holder]
    program.pointers = [(holder, child)]
    c.start_cycle(forced=False)
    c.advance_phase()  # concurrent mark: child waits behind its unscanned holder
    c.events.take()
    c.write_barrier(holder, -1, child)  # holder.next = child, while marking
    (event,) = c.events.take()
    assert event.kind == "write_barrier" and event.data["new"] == "o1" and event.data["old"] is None
    assert event.text.endswith("greyed o1")
    c.write_barrier(holder, -1, child)  # shading twice greys nothing new
    assert c.events.take()[0].text.endswith("nothing new (already marked)")


def test_outside_a_cycle_the_write_barrier_does_nothing() -> None:
    c, heap, _ = collector()
    c.write_barrier(-1, heap.alloc(64, False), -1)
    assert c.events.take() == []


def test_reaching_the_trigger_starts_a_cycle_and_ends_stw1_at_once() -> None:
    c, _, _ = collector()
    trigger = c.pacer_trigger()
    assert trigger is not None
    c.pacer_heap_live = trigger - 1
    c.check_trigger()
    assert c.phase is GCPhase.OFF
    c.pacer_heap_live = trigger
    c.check_trigger()
    assert c.phase is GCPhase.MARK and c.cycle is not None and c.cycle.heap0 == trigger


def test_a_mark_unit_outside_marking_says_so() -> None:
    c, _, _ = collector()
    c.mark_unit()
    (event,) = c.events.take()
    assert event.kind == "mark_unit" and event.data["done"] is False


@pytest.mark.parametrize("ns", [1, clock.SYSMON_TICK_NS * 3 + 7])
def test_time_passes_outside_a_cycle_exactly(ns: int) -> None:
    c, _, _ = collector()
    c.advance(ns)
    assert c.time_ns == ns and c.phase is GCPhase.OFF


def test_allocating_black_only_while_the_write_barrier_is_on() -> None:
    c, _, _ = collector()
    assert not c.allocate_black()
    c.start_cycle(forced=False)
    assert not c.allocate_black()  # STW #1: the world is stopped
    c.advance_phase()
    assert c.allocate_black() and c.write_barrier_on()
