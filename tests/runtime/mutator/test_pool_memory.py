"""What a sync.Pool allocates for itself, and when the GC frees it.

Expected figures come from facts.md ("d. sync.Pool", the size-class table and the malloc
header rule) and from Go 1.27.3 MemStats deltas (tests/realgo/test_sync_pool.py measures
them again), not from the simulator:

* `pinSlow` (the first Put or Get since the last GC): `allPools = append(allPools, p)`,
  a []*Pool that poolCleanup leaves nil, so cap 1 (8 B), then 2 (16 B), 4 (32 B)...; then
  `make([]poolLocal, GOMAXPROCS)`, 128 B each: 128 B (P=1), 512 B (P=4), and 1024 B + the
  8-byte malloc header of a pointerful object > 512 B = class 1152 (P=8).
* `poolChain.pushHead`, when the head dequeue is full: a poolChainElt (48 B) and its
  `[]eface` (16 B a slot): 8 slots (128 B), then 16 (256 B), 32 (512 B)...
* poolCleanup at a cycle's start: the old victims and the old `oldPools` array are freed
  by that cycle's sweep; `local` becomes the victim and `allPools` becomes `oldPools`,
  both kept until the next cycle. An `allPools` array that a growth replaced, and a
  dequeue `popTail` unlinked, are garbage at once: the next sweep frees them.
"""

from __future__ import annotations

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.values.pool import PoolRegistry, SyncPool
from gomemtui.runtime.types import GoType
from gomemtui.runtime.read.build import build_view

OBJ = GoType("obj", 16, True, ("next",))
LOCAL_SLOT = {1: 128, 4: 512, 8: 1152}
"""The `[P]poolLocal` array's slot: 128·P B, with a malloc header past 512 B."""
ELT = 48
VALS = {8: 128, 16: 256, 32: 512}


def _runtime(procs: int, pools: tuple[str, ...] = ("p",), objects: int = 40, has_new: bool = False) -> Runtime:
    """Objects obj0.. (kept alive as globals) and the pools, then two GCs: a clean baseline."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=procs, gogc=None))
    for i in range(objects):
        r.apply(ops.New(f"obj{i}", OBJ))
        r.apply(ops.Global(f"obj{i}"))
    for name in pools:
        r.apply(ops.PoolNew(name, OBJ, has_new=has_new))
        r.apply(ops.Global(name))
    r.apply(ops.GC())
    r.apply(ops.GC())
    return r


class Delta:
    """MemStats (HeapAlloc, TotalAlloc, Mallocs, Frees) change since the last call."""

    def __init__(self, r: Runtime) -> None:
        self.r = r
        self.last = self._read()

    def _read(self) -> tuple[int, int, int, int]:
        m = build_view(self.r).memstats
        return (m.heap_alloc, m.total_alloc, m.mallocs, m.frees)

    def __call__(self) -> tuple[int, int, int, int]:
        now = self._read()
        out = tuple(a - b for a, b in zip(now, self.last))
        self.last = now
        return out


def alloc(*sizes: int) -> tuple[int, int, int, int]:
    return (sum(sizes), sum(sizes), len(sizes), 0)


def freed(*sizes: int) -> tuple[int, int, int, int]:
    return (-sum(sizes), 0, 0, len(sizes))


@pytest.mark.parametrize("procs", [1, 4, 8])
def test_put_chain_growth_and_two_gcs(procs: int) -> None:
    r = _runtime(procs, pools=("p", "q"))
    d = Delta(r)
    local = LOCAL_SLOT[procs]
    r.apply(ops.PoolPut("p", "obj0"))
    assert d() == alloc(8, local)  # pinSlow: allPools (cap 1), then the poolLocal array
    r.apply(ops.PoolPut("p", "obj1"))
    assert d() == alloc(ELT, VALS[8])  # the private slot is taken: the first dequeue
    for i in range(2, 9):
        r.apply(ops.PoolPut("p", f"obj{i}"))
    assert d() == alloc()  # 8 shared objects fill the 8 slots
    r.apply(ops.PoolPut("p", "obj9"))
    assert d() == alloc(ELT, VALS[16])  # the 9th shared Put: a dequeue twice as big
    r.apply(ops.PoolPut("q", "obj20"))
    assert d() == alloc(16, local)  # allPools grows to cap 2; its cap-1 array is garbage
    r.apply(ops.GC())
    assert d() == freed(8)  # only the replaced allPools array: locals → victims
    r.apply(ops.GC())
    # victims dropped: two poolLocal arrays, p's two dequeues, the oldPools array
    assert d() == freed(local, local, ELT, VALS[8], ELT, VALS[16], 16)
    r.apply(ops.GC())
    assert d() == freed()


@pytest.mark.parametrize("procs", [1, 4])
def test_pool_used_after_a_gc_pins_again(procs: int) -> None:
    r = _runtime(procs)
    d = Delta(r)
    local = LOCAL_SLOT[procs]
    r.apply(ops.PoolPut("p", "obj0"))
    assert d() == alloc(8, local)
    r.apply(ops.GC())
    assert d() == freed()
    r.apply(ops.PoolPut("p", "obj1"))  # local is nil again, and so is allPools
    assert d() == alloc(8, local)
    r.apply(ops.PoolGet("p", "got"))
    assert d() == alloc()
    r.apply(ops.GC())
    assert d() == freed(local, 8)  # the first local (victim until now) and the old oldPools
    r.apply(ops.GC())
    assert d() == freed(local, 8)
    r.apply(ops.GC())
    assert d() == freed()


def test_get_pins_and_new_allocates_after_it() -> None:
    r = _runtime(1, has_new=True)
    d = Delta(r)
    events = r.apply(ops.PoolGet("p", "got"))
    assert d() == alloc(8, 128, 16)  # allPools, local, then New's object
    sizes = [e.data["bytes"] for e in events if e.kind == "alloc"]
    assert sizes == [8, 128, 16]
    r.apply(ops.Drop("got"))
    r.apply(ops.GC())
    assert d() == freed(16)  # New's object, dropped by the caller
    r.apply(ops.GC())
    assert d() == freed(128, 8)


def test_popTail_unlinks_a_drained_dequeue_which_is_freed_one_gc_early() -> None:
    r = _runtime(1)
    d = Delta(r)
    for i in range(10):  # private + 8 + 1: dequeues of 8 and 16
        r.apply(ops.PoolPut("p", f"obj{i}"))
    assert d() == alloc(8, 128, ELT, VALS[8], ELT, VALS[16])
    for k in range(10):  # private, then popHead through both dequeues
        r.apply(ops.PoolGet("p", f"got{k}"))
    assert d() == alloc()
    r.apply(ops.PoolGet("p", "miss"))  # getSlow: popTail on this P's chain unlinks the drained tail
    assert d() == alloc()
    r.apply(ops.GC())
    assert d() == freed(ELT, VALS[8])
    r.apply(ops.GC())
    assert d() == freed(128, ELT, VALS[16], 8)


def test_victim_structures_stay_reachable_and_are_renamed() -> None:
    r = _runtime(4)
    r.apply(ops.PoolPut("p", "obj0"))
    r.apply(ops.PoolPut("p", "obj1"))
    model = r.state.pools[r.state.vars["p"].pool_id].model
    oids = dict(model.heap_objects)
    assert sorted(r.slots.name(o) for o in oids.values()) == [
        "p.local", "p.local[0].poolChainElt", "p.local[0].vals(8)"]
    (registry_oid,) = r.state.all_pools.heap_objects.values()
    assert r.slots.name(registry_oid) == "sync.allPools[]"
    r.apply(ops.GC())
    assert model.heap_objects == oids  # the same objects, now the victim cache
    assert sorted(r.slots.name(o) for o in oids.values()) == [
        "p.victim", "p.victim[0].poolChainElt", "p.victim[0].vals(8)"]
    assert r.slots.name(registry_oid) == "sync.oldPools[]"
    roots = {int(o) for job in r.state.root_jobs() for o in job.oids}
    assert set(oids.values()) | {registry_oid} <= roots
    assert all(r.heap.obj_live[o] for o in (*oids.values(), registry_oid))
    r.apply(ops.GC())
    assert model.heap_objects == {} and r.state.all_pools.heap_objects == {}
    assert not any(r.heap.obj_live[o] for o in (*oids.values(), registry_oid))


def test_pool_structures_are_scan_objects() -> None:
    pool = SyncPool(2, has_new=False)
    for i in range(3):
        pool.put(i)
    registry = PoolRegistry()
    registry.register()
    parts = pool.layout() + registry.layout()
    assert {p.role for p in parts} == {"local", "chain_elt", "dequeue", "allPools"}
    assert not any(p.noscan for p in parts)  # poolLocal, poolChainElt, []eface, []*Pool hold pointers


def test_registry_grows_like_append_and_turns_into_oldPools() -> None:
    reg = PoolRegistry()
    sizes = []
    for _ in range(5):
        reg.register()
        sizes.append(reg.layout()[0].size)
    assert sizes == [8, 16, 32, 32, 64]  # append to []*Pool: cap 1, 2, 4, 4, 8
    (before,) = reg.layout()
    reg.cleanup()  # oldPools, allPools = allPools, nil
    (after,) = reg.layout()
    assert after.identity == before.identity and after.role == "oldPools"
    reg.register()
    assert [(p.role, p.size) for p in reg.layout()] == [("allPools", 8), ("oldPools", 64)]
    reg.cleanup()
    reg.cleanup()
    assert reg.layout() == []
