"""One big insert allocates the whole growth history, as real Go does (no Go needed).

map_memory.json's growth_trace lists every shape a map[int]int went through while real
Go 1.27.3 inserted 0, 1, 2, ...: the small group, then the 16-slot table, then tables of
32, 64, ... 1024 slots, then the first split. Each shape was allocated new
(`Map.growToSmall`, `Map.growToTable`, `table.grow`, `table.split` +
`Map.installTableSplit`) and the one before it became garbage. So, with the GC off, the
TotalAlloc, Mallocs and HeapAlloc deltas of `make` + inserting n keys follow from the
trace and from what real Go charges per object (sizeclass_roundup.json); after a GC only
the final shape is left (map_memory.json's steps).

Up to the first split (n ≤ 1000 here) the trace is the same for every hash seed.
"""

from __future__ import annotations

import pytest

from gomemtui.runtime import clock

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.values.maps import SwissMap
from gomemtui.runtime.types import parse_type
from tests.oracle_data import load_oracle, oracle_cases

INT = parse_type("int")
MAX_N = 1000
"""Past the first split (897) and before any second one: seed-independent."""


def _trace() -> list[dict]:
    for case in load_oracle("map_memory")["cases"]:
        if "growth_trace" in case:
            return [e for e in case["growth_trace"] if e["len_after_insert"] <= MAX_N]
    raise LookupError("no growth_trace in map_memory.json")


def _group_bytes() -> int:
    return next(c["group_size_bytes"] for c in load_oracle("map_memory")["cases"]
                if c.get("map_type") == "map[int]int" and "group_size_bytes" in c)


def _slot(kind: str, size: int) -> int:
    """What real Go charged for one object of `size` bytes (sizeclass_roundup.json)."""
    for case in load_oracle("sizeclass_roundup")["cases"]:
        if case.get("kind") == kind and case.get("requested_bytes") == size:
            return case["total_alloc_delta"]
    raise LookupError(f"no {kind} case of {size} B in sizeclass_roundup.json")


def _expected(n: int) -> tuple[int, int]:
    """(TotalAlloc, Mallocs) of `make(map[int]int)` + n inserts, from the oracle.

    The Map header (48 B) and the table structs and directories hold pointers; the
    groups of a map[int]int do not (facts.md c).
    """
    group = _group_bytes()
    total, objects = _slot("scan", 48), 1
    prev = None
    for e in _trace():
        if e["len_after_insert"] > n:
            break
        new: list[tuple[str, int]] = []
        if e["small_map_single_group"]:  # growToSmall
            new.append(("noscan", group))
        else:
            grown = 1 if prev["small_map_single_group"] else e["distinct_tables"] - prev["distinct_tables"] + 1
            slots = e["total_slots"] if grown == 1 else 1024
            for _ in range(grown):  # newTable: the table struct, then its groups
                new += [("scan", 32), ("noscan", slots // 8 * group)]
            if e["dir_len"] != prev["dir_len"]:  # growToTable / installTableSplit
                new.append(("scan", 8 * e["dir_len"]))
        total += sum(_slot(kind, size) for kind, size in new)
        objects += len(new)
        prev = e
    return total, objects


def _points() -> list[int]:
    """Both sides of every growth in the trace (none if shared/ is absent: nothing to run)."""
    trace = next((c["growth_trace"] for c in oracle_cases("map_memory") if "growth_trace" in c), [])
    out = {1, MAX_N} if trace else set()
    for e in trace:
        if e["len_after_insert"] <= MAX_N:
            out |= {e["len_after_insert"] - 1, e["len_after_insert"]}
    return sorted(x for x in out if x >= 1)


def _run(n: int, gogc: int | None = None) -> tuple[Runtime, object, object]:
    r = Runtime(ops.RuntimeSettings(gogc=gogc, gomaxprocs=1))
    s0 = r.heap.stats()
    r.apply(ops.MakeMap("m", INT, INT))
    r.apply(ops.Global("m"))
    r.apply(ops.MapInsert("m", n))
    return r, s0, r.heap.stats()


@pytest.mark.parametrize("n", _points())
def test_insert_allocates_every_table_real_go_did(n: int) -> None:
    total, objects = _expected(n)
    _, s0, s1 = _run(n)
    assert s1.total_alloc - s0.total_alloc == total
    assert s1.mallocs - s0.mallocs == objects
    assert s1.heap_alloc - s0.heap_alloc == total  # nothing freed before a GC
    assert s1.frees == s0.frees


@pytest.mark.parametrize("n", [8, 100, 1000])
def test_after_a_gc_only_the_final_tables_are_left(n: int) -> None:
    case = next(c for c in load_oracle("map_memory")["cases"]
                if c.get("map_type") == "map[int]int" and c.get("n") == n and c.get("make_hint") == -1)
    step = next(s for s in case["steps"] if s["step"].startswith("insert"))
    # What the oracle still counts once the map is gone is not the map's (one case holds
    # a 16-byte allocation of its harness), as in test_maps.py.
    residual = case["steps"][-1]["heap_alloc_minus_baseline"]
    r, s0, s1 = _run(n)
    r.apply(ops.GC())
    assert r.heap.stats().heap_alloc - s0.heap_alloc == step["heap_alloc_minus_baseline"] - residual
    assert s1.heap_alloc - s0.heap_alloc == _expected(n)[0]


def test_one_growth_event_per_growth_in_trace_order() -> None:
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    r.apply(ops.MakeMap("m", INT, INT))
    got = [(e.kind, e.data["len"] + 1, e.data["new_slots"]) for e in r.apply(ops.MapInsert("m", MAX_N))
           if e.kind in ("map_grow", "map_split")]
    want = [("map_split" if e["distinct_tables"] > 1 else "map_grow", e["len_after_insert"], e["total_slots"])
            for e in _trace()]
    assert got == want


def test_insert_steps_end_like_one_insert_and_grow_only_at_their_first_key() -> None:
    """insert_step, repeated, leaves the map exactly as insert(count) does, with deletes
    (tombstones, pruning) in between; every allocating growth opens a step."""
    for seed in range(4):
        a, b = SwissMap(INT, INT, None, seed), SwissMap(INT, INT, None, seed)
        for count, dels in ((3000, 2500), (2600, 0), (5000, 4000), (4100, 0)):
            want = a.insert(count)
            got = []
            left = count
            while left:
                keys, events = b.insert_step(left)
                assert len(keys) >= 1
                allocating = [e for e in events if e.cause != "pruneTombstones"]
                assert all(e.len == len(b) - len(keys) for e in allocating), "growth only at the step's first key"
                got += events
                left -= len(keys)
            assert got == want
            assert [bytes(x) for x in a.ctrl_arrays()] == [bytes(x) for x in b.ctrl_arrays()]
            assert a.layout() == b.layout()
            a.delete(dels)
            b.delete(dels)


def test_insert_time_is_per_key() -> None:
    """Splitting the insert at growth points keeps its cost: count × MAP_INSERT_NS plus the allocations."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    r.apply(ops.MakeMap("m", INT, INT))
    r.apply(ops.MapInsert("m", 900))  # 1 024-slot tables, room for 896 more keys without growing
    t0 = r.time_ns
    r.apply(ops.MapInsert("m", 800))
    assert r.time_ns - t0 == 800 * clock.MAP_INSERT_NS
