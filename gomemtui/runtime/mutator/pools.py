"""sync.Pool: `Get`, `Put`, and what the pools cost on the heap (pinSlow, poolChain, poolCleanup)."""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.mutator.parts import alloc_parts, drop_parts
from gomemtui.runtime.values.pool import EFACE_SIZE, PoolPart, SyncPool
from gomemtui.runtime.values.variables import NIL, PoolRecord, Var


def pool_new(m: Mutator, op: ops.PoolNew) -> None:
    """`sync.Pool{New: ...}`: the pool and its model; nothing is allocated until first use (`pinSlow`)."""
    owner = m.owner(op.g)
    model = SyncPool(m.settings.gomaxprocs, op.has_new)
    rec = PoolRecord(m.state.new_id(), op.var, op.type, model)
    m.state.pools[rec.id] = rec
    m.bind(Var(op.var, "pool", owner, op.type, pool_id=rec.id))
    m.emit("pool_new", f"{op.var} := sync.Pool{{{'New: new(' + op.type.name + ')' if op.has_new else ''}}}",
           pool=op.var)


def pool_get(m: Mutator, op: ops.PoolGet) -> None:
    """`p.Get()` (`sync.(*Pool).Get`): private, shared, other Ps, victim, then `New` (or nil)."""
    owner = m.owner(op.g)
    rec = m.state.pools[m.state.vars[op.pool].pool_ref]
    registered = rec.model.registered
    oid, source = rec.model.get(0)
    sync_pool(m, rec, registered)  # pin → pinSlow before the caches are searched
    m.advance(clock.POOL_OP_NS)
    t = rec.type
    if source == "new":
        oid = m.alloc(max(t.size, 1), t.noscan, pointer_slots=len(t.pointer_fields))
        m.slots.name_objects(oid, op.var)
        m.describe_alloc(op.var, t.size, t.noscan, f"{op.pool}.New()")
    typed_nil = oid == NIL  # a (*T)(nil) a Put left: a non-nil interface, returned as is
    obj = None if oid is None or typed_nil else m.name_of(oid)
    why = {
        "private": "this P's private slot",
        "shared": "this P's shared chain (LIFO)",
        "victim": "the victim cache: it survived one GC",
        "new": "a miss everywhere: New was called",
        "nil": "a miss everywhere and no New: nil",
    }.get(source, source)
    shown = pool_entry_name(m, NIL, rec) + " (a typed nil a Put left)" if typed_nil else obj or "nil"
    m.emit("pool_get", f"{op.var} := {op.pool}.Get() → {shown} from {why}",
           pool=op.pool, var=op.var, source=source, object=obj, typed_nil=typed_nil)
    m.bind(Var(op.var, "pointer", owner, t, NIL if oid is None else oid))


def pool_put(m: Mutator, op: ops.PoolPut) -> None:
    """`p.Put(x)` (`sync.(*Pool).Put`): the private slot if empty, else the shared chain's head.

    Put returns at once only when `x == nil`, i.e. for a nil interface (`p.Put(nil)`,
    `op.var` None). A nil pointer variable converts to a non-nil `any` holding a typed
    nil `(*T)(nil)`: the pool keeps it like any object (the model holds it as NIL) and
    a later Get returns it.
    """
    m.owner(op.g)
    rec = m.state.pools[m.state.vars[op.pool].pool_ref]
    m.advance(clock.POOL_OP_NS)
    if op.var is None:  # sync.(*Pool).Put: if x == nil { return }
        m.emit("pool_put", f"{op.pool}.Put(nil) is ignored: Put returns at once for a nil interface",
               pool=op.pool, var=None, object=None, where="ignored", typed_nil=False)
        return
    oid = m.state.vars[op.var].oid
    registered = rec.model.registered
    where = rec.model.put(oid, 0)
    sync_pool(m, rec, registered)
    obj = pool_entry_name(m, oid, rec)
    text = (f"{op.pool}.Put({op.var}) → P0's private slot" if where == "private"
            else f"{op.pool}.Put({op.var}) → P0's shared chain (private slot taken)")
    if oid == NIL:
        text += f": {op.var} is a nil pointer, and {obj} in an `any` is not nil, so the pool keeps it"
    elif op.var != obj:
        text += f" (the object {obj})"
    m.emit("pool_put", text, pool=op.pool, var=op.var, object=None if oid == NIL else obj, where=where,
           typed_nil=oid == NIL)


def pool_entry_name(m: Mutator, oid: int, rec: PoolRecord) -> str:
    """How a pool entry is named: its object's name, or `(*T)(nil)` for a typed nil."""
    return f"(*{rec.type.name})(nil)" if oid == NIL else m.name_of(oid)


def sync_pool(m: Mutator, rec: PoolRecord, was_registered: bool) -> None:
    """Allocate what a Put or Get made the pool allocate, in Go's order.

    `sync.(*Pool).pinSlow` on the first use since the last GC appends the pool to
    `allPools` (a new backing array when the slice is full: after every poolCleanup
    it is nil) and then makes the `[GOMAXPROCS]poolLocal` array;
    `sync.(*poolChain).pushHead` makes a poolChainElt and its `[]eface` when the
    head dequeue is full (8 slots first, then twice the previous). Parts a call
    dropped (an `allPools` array a growth replaced, a dequeue `popTail` unlinked)
    are garbage from now on.
    """
    if rec.model.registered and not was_registered:
        m.state.all_pools.register()  # sync.(*Pool).pinSlow: allPools = append(allPools, p)
    sync_pool_parts(m, rec)


def sync_pool_parts(m: Mutator, rec: PoolRecord | None = None) -> None:
    """Match the heap to the registry's and the pool's layouts (all pools if None)."""
    who = "" if rec is None else rec.name
    sync_pool_objects(m, m.state.all_pools.heap_objects, m.state.all_pools.layout(), who)
    for r in m.state.pools.values() if rec is None else (rec,):
        sync_pool_objects(m, r.model.heap_objects, r.model.layout(), r.name)


def sync_pool_objects(m: Mutator, objects: dict, layout: list[PoolPart], owner: str) -> None:
    """Allocate the new parts (for pool `owner`'s op), rename moved ones (poolCleanup
    moves local to victim), drop vanished ones: no longer reachable from sync.allPools
    or oldPools, they are garbage."""
    keep = alloc_parts(m, objects, layout, lambda part: pool_part_name(owner, part), rename=True,
                             describe=(owner, lambda part: pool_part_what(m, owner, part)))
    drop_parts(objects, keep)


def pool_part_name(owner: str, part: PoolPart) -> str:
    """The display name of a pool's heap part (`p.local`, a dequeue, `sync.allPools[]`)."""
    if part.role in ("allPools", "oldPools"):
        return f"sync.{part.role}[]"
    if part.role == "local":
        return f"{owner}.{part.cache}"
    if part.role == "chain_elt":
        return f"{owner}.{part.cache}[{part.p}].poolChainElt"
    return f"{owner}.{part.cache}[{part.p}].vals({part.size // EFACE_SIZE})"


def pool_part_what(m: Mutator, owner: str, part: PoolPart) -> str:
    """What allocating a pool's heap part stands for in Go, for its `alloc` event."""
    if part.role == "allPools":
        return (f"{owner}'s first use since the last GC (pinSlow): sync.allPools = append(allPools, p) "
                f"needs a new []*Pool array, cap {part.size // 8}")
    if part.role == "local":
        procs = m.settings.gomaxprocs
        return f"{owner}.pinSlow: make([]poolLocal, {procs}) = {procs} × 128 B (padded poolLocal)"
    if part.role == "chain_elt":
        return f"{owner}'s shared chain needs a new dequeue (poolChain.pushHead): new(poolChainElt)"
    slots = part.size // EFACE_SIZE
    return f"{owner}'s new dequeue: make([]eface, {slots}) = {slots} × 16 B"


class PoolCleanup:
    """`sync.poolCleanup`, which the collector runs at sweep termination (`clearpools`).

    Every pool's local caches become its victim cache and the old victims are dropped;
    `oldPools, allPools = allPools, nil`. The dropped victims' arrays and dequeues and
    the old `oldPools` array lose their last reference before the cycle marks, so its
    sweep frees them; the moved locals stay (reachable through oldPools and p.victim)
    until the next cycle drops them.
    """

    def __init__(self, mutator: Mutator) -> None:
        self.mutator = mutator

    def clear_pools(self) -> None:
        """Run `poolCleanup` on every pool and on `allPools`/`oldPools`, dropping what lost its references."""
        m = self.mutator
        for rec in m.state.pools.values():
            dropped, moved = rec.model.cleanup()  # sync.poolCleanup via clearpools
            if dropped or moved:
                m.emit("pool_cleanup", f"poolCleanup: {rec.name}'s victim cache dropped "
                       f"({len(dropped)} object(s)), its {moved} cached object(s) move to the victim cache",
                       pool=rec.name, dropped=[pool_entry_name(m, o, rec) for o in dropped], to_victim=moved)
        m.state.all_pools.cleanup()
        sync_pool_parts(m)  # allocates nothing: poolCleanup only drops references
