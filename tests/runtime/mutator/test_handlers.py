"""The mutator alone: one handler table for every op, and each family of handlers run on
parts built here (a heap, stacks, a collector, the program state), without a Runtime."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.events import Event, EventLog
from gomemtui.runtime.gc.collector import Collector
from gomemtui.runtime.gc.pacer import GCCPULimiter, Pacer
from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.memory.stacks import Stacks
from gomemtui.runtime.mutator.handlers import HANDLERS
from gomemtui.runtime.mutator.mutator import Handler, Mutator
from gomemtui.runtime.mutator.pools import PoolCleanup
from gomemtui.runtime.types import GoType, parse_type
from gomemtui.runtime.values.pointers import PointerSlots
from gomemtui.runtime.values.state import BASE_STACK_USED, ProgramState

INT = parse_type("int")
NODE = GoType("Node", 24, True, ("next",))


def mutator(handlers: dict[type, Handler] | None = None, gogc: int | None = 100) -> Mutator:
    settings = ops.RuntimeSettings(gogc=gogc, gomaxprocs=1)
    heap, slots, stacks, events = Heap(), PointerSlots(), Stacks(), EventLog()
    pacer = Pacer(gogc=gogc, memory_limit=None, gomaxprocs=1, globals_bytes=settings.globals_bytes)
    state = ProgramState(("main",), stacks, settings.globals_bytes)
    collector = Collector(settings, heap, stacks, pacer, GCCPULimiter(1), events, graph=slots, roots=state)
    m = Mutator(settings, heap, slots, stacks, collector, state, events, HANDLERS if handlers is None else handlers)
    collector.pool_cleanup = PoolCleanup(m)
    stacks.set_used("main", BASE_STACK_USED)
    return m


def run(m: Mutator, *operations: ops.Op) -> list[Event]:
    for op in operations:
        m.run_op(op)
    return m.events.take()


def test_every_op_class_has_its_handler_in_the_table() -> None:
    assert set(HANDLERS) == set(get_args(ops.Op))


def test_run_op_dispatches_through_the_table_it_was_given() -> None:
    seen: list[Any] = []
    m = mutator({ops.Drop: lambda mut, op: seen.append((mut, op))})
    m.run_op(ops.Drop("x"))
    assert seen == [(m, ops.Drop("x"))]
    with pytest.raises(KeyError):
        m.run_op(ops.GC())


def test_make_slice_allocates_one_backing_array_in_its_size_class() -> None:
    m = mutator()
    (event,) = run(m, ops.MakeSlice("s", INT, 0, 10))
    (array,) = m.state.arrays.values()
    assert (array.name, array.elems, array.bytes) == ("s[]", 10, 80)
    assert (event.kind, event.data["size_class"], event.data["bytes"]) == ("alloc", 7, 80)
    assert m.state.vars["s"].header.cap == 10 and m.heap.live_bytes() == 80


def test_appending_one_by_one_grows_the_array_as_growslice_does() -> None:
    m = mutator()
    events = run(m, ops.MakeSlice("s", INT), ops.Append("s", count=9))
    assert [e.data["new_cap"] for e in events if e.kind == "growslice"] == [1, 2, 4, 8, 16]
    assert len(m.state.arrays) == 5 and m.state.vars["s"].header.len == 9


def test_a_repeated_new_allocates_every_object_and_keeps_the_last() -> None:
    m = mutator()
    run(m, ops.Repeat(ops.New("p", NODE), 1000))
    assert m.heap.n_objects == 1000 and m.state.vars["p"].oid == 999


def test_a_field_write_stores_the_pointer_in_the_holder() -> None:
    m = mutator()
    run(m, ops.New("a", NODE), ops.New("b", NODE), ops.Assign("a", "next", "b"))
    a, b = m.state.vars["a"].oid, m.state.vars["b"].oid
    assert m.slots.get(a, 0) == b


def test_a_map_insert_allocates_the_map_s_groups() -> None:
    m = mutator()
    events = run(m, ops.MakeMap("m", INT, INT, None), ops.MapInsert("m", 100))
    rec = m.state.maps[m.state.vars["m"].map_ref]
    assert len(rec.model) == 100 and rec.parts
    assert any(e.kind == "alloc" for e in events)


def test_get_on_an_empty_pool_calls_new_and_put_caches_it() -> None:
    m = mutator()
    events = run(m, ops.PoolNew("pool", NODE), ops.PoolGet("pool", "x"), ops.PoolPut("pool", "x"))
    get = next(e for e in events if e.kind == "pool_get")
    put = next(e for e in events if e.kind == "pool_put")
    assert get.data["source"] == "new" and put.data["where"] == "private"
    pool = m.state.pools[m.state.vars["pool"].pool_ref].model
    assert pool.cached_objects() == [m.state.vars["x"].oid]


def test_the_pool_cleanup_hook_moves_the_cache_to_the_victim() -> None:
    m = mutator()
    run(m, ops.PoolNew("pool", NODE), ops.PoolGet("pool", "x"), ops.PoolPut("pool", "x"))
    events = run(m, ops.GC())
    assert [e.data["to_victim"] for e in events if e.kind == "pool_cleanup"] == [1]


def test_a_goroutine_that_exits_takes_its_variables_with_it() -> None:
    m = mutator()
    run(m, ops.Go("worker"), ops.New("w", NODE, g="worker"), ops.New("keep", NODE))
    assert m.state.vars["w"].owner == "worker"
    run(m, ops.Exit("worker"))
    assert "w" not in m.state.vars and "keep" in m.state.vars
    assert m.state.goroutines["worker"].state == "dead"


def test_a_deep_call_grows_the_stack_by_copying() -> None:
    m = mutator()
    (event,) = run(m, ops.Call(depth=100))
    assert event.kind == "stack_grow" and event.data["new_size"] > event.data["old_size"]
    assert m.state.goroutines["main"].used == BASE_STACK_USED + 100 * ops.DEFAULT_CALL_FRAME


def test_set_gc_percent_off_finishes_a_running_mark_and_removes_the_goal() -> None:
    m = mutator()
    run(m, ops.New("p", NODE))
    m.collector.start_cycle(forced=False)
    m.collector.advance_phase()
    assert m.collector.phase is GCPhase.MARK
    (event,) = [e for e in run(m, ops.SetGCPercent(None)) if e.kind == "set_gc_percent"]
    assert event.data["old"] == 100 and m.collector.pacer_trigger() is None
    assert m.collector.phase is not GCPhase.MARK
