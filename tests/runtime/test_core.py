"""The Runtime's own contract: parts wired once, snapshots that copy everything, a digest
that sees every kind of state a snapshot copies."""

from __future__ import annotations

from typing import Callable

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.types import GoType, parse_type

INT = parse_type("int")
NODE = GoType("Node", 24, True, ("next",))


def program_with_every_kind_of_state() -> Runtime:
    """A runtime holding a slice, a pointer, a map, a pool with a cached object, a second
    goroutine and one finished GC cycle."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=2))
    for op in (
        ops.MakeSlice("s", INT, 0, 8),
        ops.New("p", NODE),
        ops.MakeMap("m", INT, INT, None),
        ops.MapInsert("m", 3),
        ops.PoolNew("pool", NODE),
        ops.PoolGet("pool", "q"),
        ops.PoolPut("pool", "q"),
        ops.Go("worker"),
        ops.GC(),
    ):
        r.apply(op)
    return r


def _map(r: Runtime):
    return next(iter(r.state.maps.values()))


def _pool(r: Runtime):
    return next(iter(r.state.pools.values()))


CHANGES: dict[str, Callable[[Runtime], object]] = {
    "heap objects": lambda r: r.heap.alloc(16, True),
    "pointer slots": lambda r: r.slots.set(r.state.vars["p"].oid, 0, r.state.vars["p"].oid),
    "variables": lambda r: setattr(r.state.vars["p"], "owner", None),
    "map tables": lambda r: _map(r).model.insert(1),
    "map parts": lambda r: _map(r).parts.pop(next(iter(_map(r).parts))),
    "pool contents": lambda r: _pool(r).model.put(12345, 0),
    "sync.allPools": lambda r: r.state.all_pools.register(),
    "stacks": lambda r: r.stacks.set_used("worker", 4096),
    "goroutines": lambda r: setattr(r.state.goroutines["worker"], "state", "blocked"),
    "collector": lambda r: setattr(r.collector, "num_forced_gc", r.collector.num_forced_gc + 1),
    "gctrace": lambda r: r.collector.trace_lines.append("gc 99"),
    "pacer": lambda r: r.pacer.set_gogc(50),
    "CPU limiter": lambda r: r.limiter.update(10_000_000, True, assist_ns=10_000_000),
    "scavenger": lambda r: setattr(r.scavenger, "released_eager", r.scavenger.released_eager + 8192),
    "time": lambda r: setattr(r.collector, "time_ns", r.collector.time_ns + 1),
    "generation": lambda r: setattr(r, "generation", r.generation + 1),
}


def test_the_same_state_gives_the_same_digest() -> None:
    assert program_with_every_kind_of_state().digest() == program_with_every_kind_of_state().digest()


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_digest_changes_with_every_kind_of_state(kind: str) -> None:
    r = program_with_every_kind_of_state()
    before = r.digest()
    assert r.digest() == before  # digesting changes nothing
    CHANGES[kind](r)
    assert r.digest() != before, f"digest() does not see the {kind}"


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_restore_undoes_every_kind_of_state(kind: str) -> None:
    r = program_with_every_kind_of_state()
    before = r.digest()
    snap = r.snapshot()
    CHANGES[kind](r)
    r.restore(snap)
    assert r.digest() == before


def test_a_snapshot_leaves_the_events_and_view_caches_out() -> None:
    r = program_with_every_kind_of_state()
    r.read_cache["view"] = "cached"
    r.events.emit("note", "not part of the state")
    snap = r.snapshot()
    assert r.read_cache == {"view": "cached"} and len(r.events.events) == 1
    r.restore(snap)
    assert r.read_cache == {} and r.events.events == []


def test_the_parts_are_wired_to_each_other_and_stay_wired_after_a_restore() -> None:
    r = program_with_every_kind_of_state()
    r.restore(r.snapshot())
    c, m = r.collector, r.mutator
    assert c.heap is r.heap and c.pacer is r.pacer and c.limiter is r.limiter and c.stacks is r.stacks
    assert c.graph is r.slots and c.roots is r.state and c.events is r.events is m.events
    assert m.collector is c and m.state is r.state and m.heap is r.heap
    assert r.heap.scavenger is r.scavenger is r.pacer.scavenger
    assert c.pool_cleanup is not None and c.pool_cleanup.mutator is m  # type: ignore[attr-defined]


def test_a_cycle_object_exists_only_while_a_cycle_runs() -> None:
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    r.apply(ops.New("p", NODE))
    assert r.collector.cycle is None and r.phase is GCPhase.OFF
    phases = []
    for _ in range(4):
        r.advance_phase()
        phases.append((r.phase, r.collector.cycle is not None))
    assert phases == [
        (GCPhase.SWEEP_TERM, True), (GCPhase.MARK, True), (GCPhase.MARK_TERM, True), (GCPhase.SWEEP, False),
    ]
    assert r.collector.num_gc == 1
