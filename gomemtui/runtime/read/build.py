"""Building the read-only views of a Runtime, its JSON state, and "why is this alive?".

Every figure a panel or `run --json` shows is computed here, from the core's state.
"""

from __future__ import annotations

import itertools

from typing import TYPE_CHECKING, Callable

import numpy as np

from gomemtui.runtime.gc.collector import NO_GOAL
from gomemtui.runtime.gc.marking import RootJob
from gomemtui.runtime.graph import bfs_order, reachable
from gomemtui.runtime.mutator.maps import key_text
from gomemtui.runtime.read import heap_map
from gomemtui.runtime.read.retention import retention
from gomemtui.runtime.values.channels import Channel, buffer_bytes
from gomemtui.runtime.values.maps import SwissMap
from gomemtui.runtime.values.pool import PoolLocal, SyncPool
from gomemtui.runtime.values.state import SPECIALS_ROOT
from gomemtui.runtime.values.variables import NIL, Var
from gomemtui.units import format_exact
from gomemtui.runtime.read.views import (
    ArrayView, GCPhase, GCView, GoroutineView, GridMode, MapView, MarkColor, MemStats,
    PoolLocalView, PoolView, RetentionPath, RuntimeView, SliceView, SpanView, StringView, VarView,
    ChanView, SpecialsView,
)

if TYPE_CHECKING:
    from gomemtui.runtime.core import Runtime


# -- memstats and GC -------------------------------------------------------------------


def memstats(rt: Runtime) -> MemStats:
    s = rt.heap.stats()
    return MemStats(
        heap_alloc=int(s.heap_alloc), heap_inuse=int(s.heap_inuse), heap_idle=int(s.heap_idle),
        heap_sys=int(s.heap_sys), heap_released=int(s.heap_released), heap_objects=int(s.heap_objects),
        total_alloc=int(s.total_alloc), mallocs=int(s.mallocs), frees=int(s.frees),
        next_gc=rt.collector.pacer_goal(), num_gc=rt.collector.num_gc, num_forced_gc=rt.collector.num_forced_gc,
        stack_inuse=int(rt.stacks.memstats_stack_inuse), pause_total_ns=rt.collector.pause_total_ns,
        gc_cpu_fraction=rt.collector.gc_cpu_fraction(),
    )


def mark_colors(rt: Runtime) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(grey ids, black ids, queued span ids) while marking; empty otherwise."""
    empty = np.empty(0, dtype=np.int64)
    if rt.collector.mark is None:
        return empty, empty, empty
    m = rt.collector.mark
    discovered = m.discovered_mask()
    grey = m.order[discovered & ~m.scanned]
    black = m.order[m.scanned]
    queued = np.unique(m.span[discovered & ~m.scanned & m.small]) if rt.settings.green_tea else empty
    return grey, black, queued


def gc_view(rt: Runtime) -> GCView:
    n = rt.heap.n_objects
    live = np.asarray(rt.heap.obj_live[:n], dtype=bool)
    if rt.collector.mark is not None:
        grey, black, queued = mark_colors(rt)
        allocated_black = rt.collector.mark.black_allocs
        n_grey, n_black = len(grey), len(black) + allocated_black
        n_white = int(live.sum()) - n_grey - n_black
        done, total = rt.collector.mark.work_done, rt.collector.mark.work_done + rt.collector.mark.remaining_work()
        n_queued = len(queued)
    else:
        n_grey = n_black = n_queued = 0
        n_white = int(live.sum())
        done = total = 0
    plan = rt.pacer.worker_plan()
    history = rt.collector.history.points()
    return GCView(
        phase=rt.collector.phase,
        cycle=rt.collector.num_gc + (1 if rt.collector.phase in (GCPhase.SWEEP_TERM, GCPhase.MARK, GCPhase.MARK_TERM) else 0),
        gogc=rt.collector.pacer_gogc(),
        memory_limit=rt.pacer.memory_limit,
        trigger=rt.collector.pacer_trigger() or 0,
        goal=rt.collector.pacer_goal(),
        last_marked=rt.collector.last_marked,
        mark_work_done=int(done),
        mark_work_total=int(total),
        grey_objects=n_grey,
        black_objects=n_black,
        white_objects=max(n_white, 0),
        queued_spans=n_queued,
        green_tea=rt.settings.green_tea,
        write_barrier=rt.collector.write_barrier_on(),
        limiter_active=rt.collector.limiter_active,
        cpu_fraction=rt.collector.gc_cpu_fraction(),
        gctrace=tuple(rt.collector.trace_lines),
        history=history,
        pauses_ns=tuple(rt.collector.pauses_ns),
        background_workers=plan.description,
    )


# -- program state -----------------------------------------------------------------------


def _array_holders(rt: Runtime) -> dict[int, list[str]]:
    """Array id → the live variables whose slice or string header points into it, and the
    func and interface variables whose closure or box holds such a header."""
    holders: dict[int, list[str]] = {}
    holding = []
    for var in rt.state.vars.values():
        if var.kind == "slice" and var.header.array is not None:
            holders.setdefault(var.header.array, []).append(var.name)
        elif var.kind == "string" and var.str_header.array is not None:
            holders.setdefault(var.str_header.array, []).append(var.name)
        elif var.kind in ("func", "iface"):  # -- values (issue 13) --
            holding.append(var)
    if holding:
        array_of = {arr.oid: arr.id for arr in rt.state.arrays.values() if not arr.on_stack}
        for var in holding:
            for target in _held_targets(rt, var):
                if target in array_of and var.name not in holders.get(array_of[target], ()):
                    holders.setdefault(array_of[target], []).append(var.name)
    return holders


def _held_targets(rt: Runtime, var: Var) -> list[int]:
    """What a func variable's closure or an interface's box points to: its own heap
    object's pointers (a closure, a `convTslice` copy of a slice header), or the pointers
    it holds in the frame."""
    out = list(var.stack_fields.values()) if var.stack_fields else []
    if var.owns_object and var.oid != NIL:
        out.extend(int(t) for t in rt.slots.targets(var.oid) if t != NIL)
    return out


def _object_color(rt: Runtime, oid: int, grey: set[int]) -> MarkColor:
    if oid == NIL:
        return MarkColor.WHITE
    if rt.collector.mark is not None:
        if oid in grey:
            return MarkColor.GREY
        pos = rt.collector.mark.pos[oid] if oid < len(rt.collector.mark.pos) else -1
        if pos >= 0 and rt.collector.mark.scanned[pos]:
            return MarkColor.BLACK
        if pos < 0 and rt.heap.obj_marked[oid]:
            return MarkColor.BLACK  # allocated black during this mark
        return MarkColor.WHITE
    return MarkColor.BLACK if rt.heap.obj_marked[oid] else MarkColor.WHITE


def _parts_bytes(rt: Runtime, parts: dict) -> int:
    """Heap bytes of the objects in a part identity → object id record."""
    if not parts:
        return 0
    oids = np.fromiter(parts.values(), dtype=np.int64, count=len(parts))
    return int(rt.heap.object_bytes_array(oids).sum())


def map_bytes(rt: Runtime, map_id: int) -> int:
    """Bytes of a map's groups and tables."""
    return _parts_bytes(rt, rt.state.maps[map_id].parts)


def pool_bytes(rt: Runtime, pool_id: int) -> int:
    """Bytes of a pool's own heap objects (poolLocal arrays, chain dequeues), local and victim."""
    return _parts_bytes(rt, rt.state.pools[pool_id].model.heap_objects)


def var_bytes(rt: Runtime, var: Var) -> int:
    """Heap bytes a variable's value holds (its object, array, map or pool structures)."""
    if var.kind == "pointer":
        if var.oid != NIL:
            return rt.heap.object_bytes(var.oid)
        return var.type.size if var.stack_fields is not None else 0
    if var.kind == "slice":
        if var.header.array is None:
            return 0
        return rt.state.arrays[var.header.array].bytes
    if var.kind == "map":
        return map_bytes(rt, var.map_ref)
    if var.kind == "pool":
        return pool_bytes(rt, var.pool_ref)
    # -- strings (issue 13) --
    if var.kind == "string":
        if var.str_header.array is None:
            return 0  # static data or ""
        return rt.state.arrays[var.str_header.array].bytes
    if var.kind in ("iface", "func"):  # its own box or closure object; a shared pointee is not its
        return rt.heap.object_bytes(var.oid) if var.owns_object and var.oid != NIL else 0
    if var.kind == "chan" and var.chan_id is not None:  # -- channels (issue 13) --
        return chan_bytes(rt, rt.state.chans[var.chan_id])
    if var.kind == "weak":  # -- runtime (issue 13) --: its handle
        return rt.heap.object_bytes(var.oid) if var.oid != NIL else 0
    return 0


def string_view(rt: Runtime, var: Var, holders: dict[int, list[str]]) -> StringView:
    """A string variable over its bytes; `holders` from `_array_holders`."""
    s = var.str_header
    arr = rt.state.arrays.get(s.array) if s.array is not None else None
    heap = arr is not None and not arr.on_stack
    return StringView(
        var=var.name, goroutine=var.owner, len=s.len, array=arr.name if arr else None, offset=s.offset,
        array_len=arr.elems if arr else 0, array_bytes=arr.bytes if arr and heap else 0,
        on_stack=bool(arr and arr.on_stack), static=s.static,
        shared_with=tuple(h for h in holders.get(s.array, ()) if h != var.name) if s.array is not None else (),
        tiny=bool(arr and heap and rt.heap.is_tiny(arr.oid)),
    )


def chan_bytes(rt: Runtime, ch: Channel) -> int:
    """Bytes of a channel's hchan and separate buffer."""
    return sum(rt.heap.object_bytes(o) for o in ch.heap_objects())


def chan_view(rt: Runtime, ch: Channel, goroutine: str | None) -> ChanView:
    """A channel's buffer and wait queues, as the panels show them."""
    buffered = tuple("-" if o == NIL else rt.slots.name(o) for o in ch.buffer)
    return ChanView(
        var=ch.name, goroutine=goroutine, elem=ch.elem.name, cap=ch.cap, len=len(ch.buffer),
        bytes=chan_bytes(rt, ch), buffer_bytes=buffer_bytes(ch.elem, ch.cap), buffer_apart=ch.buf != NIL,
        buffered=buffered, senders=tuple(w.goroutine for w in ch.sendq),
        receivers=tuple(w.goroutine for w in ch.recvq), closed=ch.closed,
    )


def _waiting_on(rt: Runtime) -> dict[str, str]:
    """Goroutine → the channel operation it is parked in."""
    out: dict[str, str] = {}
    for ch in rt.state.chans.values():  # a channel no variable holds may still have waiters
        out.update((w.goroutine, f"{ch.name} <- v") for w in ch.sendq)
        out.update((w.goroutine, f"<-{ch.name}") for w in ch.recvq)
    return out


def map_entries(model: SwissMap, names: Callable[[int], str]) -> tuple[tuple[str, str | None], ...]:
    """The present keys the scenario names, oldest first, and what their values point at."""
    present = [(label, key) for label, key, here in model.named_keys() if here]
    if not present:
        return ()
    keys = np.array([key for _, key in present], dtype=np.int64)
    targets = model.elems(keys).tolist()
    return tuple((key_text(label), None if t == NIL else names(int(t)))
                 for (label, _), t in zip(present, targets))


def map_view(model: SwissMap, var: str, goroutine: str | None, nbytes: int,
             names: Callable[[int], str] | None = None) -> MapView:
    """A map's Swiss-table structure; `nbytes` is what the heap holds of its parts;
    `names` names the objects values point at (the keys a scenario names are listed)."""
    return MapView(
        var=var, goroutine=goroutine, key=model.key_type.name, value=model.value_type.name,
        len=len(model), bytes=nbytes, small=model.small, dir_len=model.dir_len,
        global_depth=model.global_depth, tables=model.tables_view(), group_bytes=model.group_bytes,
        indirect_values=model.indirect_values,
        entries=map_entries(model, names) if names is not None else (),
    )


def specials_view(rt: Runtime) -> SpecialsView | None:
    """Finalizers, cleanups and weak pointers, or None while the program has none."""
    sp = rt.heap.specials
    weak_vars = [v for v in rt.state.vars.values() if v.kind == "weak"]
    if not sp.any and not weak_vars:
        return None
    label = lambda oid: rt.slots.name(oid)  # noqa: E731
    weak = []
    for v in weak_vars:
        target = sp.weak_target(v.oid) if v.oid != NIL else NIL
        weak.append((v.name, None if target == NIL else label(target)))
    return SpecialsView(
        finalizers=tuple(label(o) for o in sorted(sp.finalizers)),
        cleanups=tuple(c.label for cs in sp.cleanups.values() for c in cs),
        weak=tuple(weak),
        queued_finalizers=tuple(label(o) for o in sp.finq),
        queued_cleanups=tuple(c.label for c in sp.cleanup_queue),
    )


def _locals_view(caches: tuple[PoolLocal, ...], names: Callable[[int], str]) -> tuple[PoolLocalView, ...]:
    return tuple(
        PoolLocalView(
            p=i,
            private=names(loc.private) if loc.private is not None else None,
            shared=tuple(names(x) for x in loc.shared()),
        )
        for i, loc in enumerate(caches)
    )


def pool_view(pool: SyncPool, var: str, type_name: str, names: Callable[[int], str], own_bytes: int = 0) -> PoolView:
    """A pool's caches; `names` turns object ids into display names, `own_bytes` is what
    the heap holds of the pool's own structures."""
    return PoolView(
        var=var, type=type_name, has_new=pool.has_new,
        local=_locals_view(pool.local_caches, names), victim=_locals_view(pool.victim_caches, names),
        hits=pool.hits, misses=pool.misses, news=pool.news, cached=len(pool.cached_objects()),
        bytes=own_bytes,
    )


def build_view(rt: Runtime) -> RuntimeView:
    cached = rt.read_cache.get("view")
    if isinstance(cached, RuntimeView) and cached.generation == rt.generation:
        return cached
    grey_ids = set(mark_colors(rt)[0].tolist()) if rt.collector.mark is not None else set()
    holders = _array_holders(rt)
    vars_ = []
    slices = []
    maps = []
    pools = []
    strings = []
    chans = []
    for var in rt.state.vars.values():
        obj = None
        type_name = var.type.name
        if var.kind in ("pointer", "iface", "func") and var.oid != NIL:
            obj = rt.slots.name(var.oid)
        if var.kind == "iface":  # -- values (issue 13) --
            type_name = f"any ({var.type.name})"
        if var.kind == "slice":
            s = var.header
            arr = rt.state.arrays.get(s.array) if s.array is not None else None
            obj = arr.name if arr else None
            type_name = f"[]{var.type.name}"
            slices.append(SliceView(
                var=var.name, goroutine=var.owner, elem=var.type.name, elem_size=var.type.size,
                len=s.len, cap=s.cap, array=arr.name if arr else None, offset=s.offset,
                array_elems=arr.elems if arr else 0, array_bytes=arr.bytes if arr else 0,
                on_stack=bool(arr and arr.on_stack),
            ))
        elif var.kind == "map":
            model = rt.state.maps[var.map_ref].model
            type_name = f"map[{model.key_type.name}]{var.type.name}"
            maps.append(map_view(model, var.name, var.owner, map_bytes(rt, var.map_ref), rt.slots.name))
        elif var.kind == "weak":
            type_name = f"weak.Pointer[{var.type.name}]"
            obj = rt.slots.name(var.oid) if var.oid != NIL else None
        elif var.kind == "pool":
            pool = rt.state.pools[var.pool_ref]
            type_name = "sync.Pool"
            typed_nil = f"(*{pool.type.name})(nil)"  # a nil pointer a Put left: the pool keeps it

            def entry(oid: int, typed_nil: str = typed_nil) -> str:
                return typed_nil if oid == NIL else rt.slots.name(oid)

            pools.append(pool_view(pool.model, var.name, pool.type.name, entry, pool_bytes(rt, pool.id)))
        elif var.kind == "string":  # -- strings (issue 13) --
            sv = string_view(rt, var, holders)
            obj, type_name = sv.array, "string"
            strings.append(sv)
        elif var.kind == "chan" and var.chan_id is not None:
            ch = rt.state.chans[var.chan_id]
            type_name = f"chan {ch.elem.name}"
            obj = rt.slots.name(ch.hchan)
            chans.append(chan_view(rt, ch, var.owner))
        vars_.append(VarView(
            name=var.name, kind=var.kind, goroutine=var.owner, is_global=var.owner is None,
            object=obj, bytes=var_bytes(rt, var), type=type_name,
        ))
    arrays = []
    for arr in rt.state.arrays.values():
        live = arr.on_stack or bool(rt.heap.obj_live[arr.oid])
        if not live:
            continue
        held = tuple(holders.get(arr.id, ()))
        arrays.append(ArrayView(
            name=arr.name, elem=arr.elem.name, elems=arr.elems, bytes=arr.bytes, on_stack=arr.on_stack,
            slices=held, garbage=not held, color=_object_color(rt, arr.oid, grey_ids),
            string_data=arr.string_data,
        ))
    retained = goroutine_retained(rt)
    stats = rt.heap.stats()
    goroutines = []
    waiting = _waiting_on(rt)
    by_owner: dict[str | None, list[str]] = {}  # one pass over the variables (10,000 goroutines)
    for v in rt.state.vars.values():
        by_owner.setdefault(v.owner, []).append(v.name)
    for g in rt.state.goroutines.values():
        held_vars = tuple(by_owner.get(g.name, ()))
        size = rt.stacks.size(g.name) if g.state != "dead" else 0
        goroutines.append(GoroutineView(
            name=g.name, state=g.state, stack_size=size or 0,
            stack_used=rt.stacks.used(g.name) if g.state != "dead" else 0,
            vars=held_vars, retained_bytes=retained.get(g.name, 0),
            leaked=g.state == "blocked", waiting_on=waiting.get(g.name, ""),
        ))
    view = RuntimeView(
        time_ns=rt.time_ns, memstats=memstats(rt), gc=gc_view(rt), vars=tuple(vars_),
        slices=tuple(slices), arrays=tuple(arrays), maps=tuple(maps), pools=tuple(pools),
        goroutines=tuple(goroutines), spans_in_use=int(stats.spans_in_use),
        pages_mapped=int(stats.pages_mapped), generation=rt.generation, strings=tuple(strings),
        chans=tuple(chans),
        specials=specials_view(rt),
        os_released_forced=rt.scavenger.released_forced,
        free_os_memory_calls=rt.scavenger.forced_calls,
    )
    rt.read_cache["view"] = view
    return view


# -- reachability -------------------------------------------------------------------------


def _graph(rt: Runtime, drop: int | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """The pointer graph as (src, dst, n): objects 0..n-1, plus node n, a super root
    pointing at every root object; `drop` leaves one object out."""
    n = rt.heap.n_objects
    src, dst = rt.slots.edges()
    keep = (src < n) & (dst < n)
    src, dst = src[keep], dst[keep]
    if drop is not None:
        keep = dst != drop
        src, dst = src[keep], dst[keep]
    jobs = rt.state.root_jobs()
    roots = np.concatenate([j.oids for j in jobs]) if jobs else np.empty(0, dtype=np.int64)
    roots = roots[(roots >= 0) & (roots < n)]
    if drop is not None:
        roots = roots[roots != drop]
    s = np.concatenate([np.full(len(roots), n, dtype=np.int64), src])
    d = np.concatenate([roots, dst])
    return s, d, n


def reachable_mask(rt: Runtime, drop: int | None = None) -> np.ndarray:
    s, d, n = _graph(rt, drop)
    return reachable(s, d, n + 1, n)[:n]


def goroutine_retained(rt: Runtime) -> dict[str, int]:
    """Heap bytes only each live goroutine's stack keeps alive (one dominator tree for all)."""
    return retention(rt).by_goroutine


def _find_target(rt: Runtime, name: str) -> tuple[int | None, str]:
    var = rt.state.vars.get(name)
    if var is not None:
        objs = rt.state.var_objects(var)
        if var.kind == "slice" and var.header.array is not None:
            arr = rt.state.arrays[var.header.array]
            if arr.on_stack:
                return None, f"{name}'s backing array is in {var.owner}'s stack frame: not a heap object"
            return arr.oid, arr.name
        if var.kind == "map" and var.map_id is not None:
            rec = rt.state.maps[var.map_id]
            header = next(iter(rec.parts.values()), None)
            return header, f"map {name}"
        if var.kind == "pool":
            return None, f"{name} is a sync.Pool: its caches are roots through sync.allPools"
        if var.kind == "string":  # -- strings (issue 13) --
            return _string_target(rt, var)
        return (objs[0] if objs else None), name
    for arr in rt.state.arrays.values():
        if arr.name == name and not arr.on_stack:
            return arr.oid, name
    oid = rt.slots.find(name)
    return oid, name


def _string_target(rt: Runtime, var: Var) -> tuple[int | None, str]:
    """A string's bytes as a heap object, or why they are none."""
    s = var.str_header
    if s.array is None:
        where = f"its bytes are {s.static}, never freed" if s.static else "it is empty: no bytes"
        return None, f"{var.name} is a string of {s.len} B and {where}: not a heap object"
    arr = rt.state.arrays[s.array]
    if arr.on_stack:
        return None, f"{var.name}'s bytes are in a buffer in {var.owner}'s stack frame: not a heap object"
    return arr.oid, arr.name


def _string_note(rt: Runtime, var: Var, retained: int) -> str:
    """For a string that uses only part of its bytes: what it keeps for what it uses."""
    s = var.str_header
    arr = rt.state.arrays.get(s.array) if s.array is not None else None
    if arr is None or arr.on_stack or s.len >= arr.elems:
        return ""
    return (
        f" {var.name} uses {s.len} of the {arr.elems:,} bytes of {arr.name} (from byte {s.offset}), but a "
        f"pointer into an object keeps all of it: {format_exact(arr.bytes)}. strings.Clone({var.name}) "
        "would copy out just its bytes and let the rest go."
        + (" Other variables point into it too, so dropping it alone frees nothing."
           if retained == 0 else "")
    )


def _runtime_root(rt: Runtime, oid: int) -> str:
    """What a root object among the globals that no variable holds is: a parked
    goroutine's sudog (reached through allgs → its g), else a sync.Pool cache."""
    for g, sudog in rt.state.runtime_objects.sudogs.items():
        if sudog == oid:
            return f"{g}'s sudog, parked in a channel queue (allgs → g → sudog)"
    return "sync.Pool cache (sync.allPools)"


def _pool_retention(rt: Runtime, var: Var) -> RetentionPath:
    """A sync.Pool variable: what its poolLocal arrays, chains and cached objects take."""
    root = f"global {var.name}" if var.owner is None else f"stack of {var.owner} (variable {var.name})"
    retained = retention(rt).by_var.get(var.name, 0)
    model = rt.state.pools[var.pool_ref].model
    return RetentionPath(
        var.name, True, root, (), retained,
        f"{var.name} is a sync.Pool held by {root}: its poolLocal arrays, their chains and the "
        f"{len(model.cached_objects())} object(s) it caches take {format_exact(retained)} that "
        f"nothing else keeps alive. Dropping {var.name} frees them within two cycles (sync.allPools "
        "holds a pool until poolCleanup moves it to oldPools, and the next cycle drops those).",
    )


def _weak_retention(rt: Runtime, var: Var) -> RetentionPath:
    """A weak pointer variable: it holds its handle, never the object."""
    root = f"global {var.name}" if var.owner is None else f"stack of {var.owner} (variable {var.name})"
    if var.oid == NIL:
        return RetentionPath(var.name, True, root, (), 0, f"{var.name} is a nil weak pointer: it holds nothing.")
    handle = rt.slots.name(var.oid)
    retained = retention(rt).by_var.get(var.name, 0)
    target = rt.heap.specials.weak_target(var.oid)
    what = (f"its object, {rt.slots.name(target)}, is alive for other reasons (a weak pointer never "
            "keeps it alive)" if target != NIL else
            "its object is gone: a cycle found it unreachable and cleared the handle, so Value() is nil")
    return RetentionPath(
        var.name, True, root, (handle,), retained,
        f"{var.name} is a weak pointer held by {root}: it points to {handle} "
        f"({format_exact(rt.heap.object_bytes(var.oid))}), not to the object; {what}. Dropping {var.name} "
        f"would free {format_exact(retained)} at the next GC.",
    )


def _specials_note(rt: Runtime, oid: int) -> str:
    """What a finalizer or cleanup on the object changes about when it is freed."""
    sp = rt.heap.specials
    if oid in sp.finalizers:
        return (" It has a finalizer: the first cycle that finds it unreachable keeps it (and what "
                "it points to) one more cycle, so it is freed one cycle later.")
    if oid in sp.finq:
        return " Its finalizer is queued: the finalizer queue keeps it alive until the finalizer has run."
    if oid in sp.cleanups:
        return " It has a cleanup, which runs after the cycle that frees it (no extra cycle)."
    return ""


WhyAliveGraph = tuple[np.ndarray, np.ndarray, int, np.ndarray, np.ndarray, np.ndarray, list[RootJob], dict[int, int]]
"""The pointer graph (src, dst, n), its BFS order and predecessors from the roots, what
they reach, the root jobs and the first root job holding each root object."""


def _why_alive_graph(rt: Runtime) -> WhyAliveGraph:
    """One graph per state for every variable asked about (`run` asks for each)."""
    cached = rt.read_cache.get("why_alive_graph")
    if isinstance(cached, tuple) and cached[0] == rt.generation:
        graph: WhyAliveGraph = cached[1]
        return graph
    s, d, n = _graph(rt)
    order, preds = bfs_order(s, d, n + 1, n)
    reach = np.zeros(n + 1, dtype=bool)
    reach[order] = True
    jobs = rt.state.root_jobs()
    job_of: dict[int, int] = {}
    for i, j in enumerate(jobs):
        for o in j.oids.tolist():
            job_of.setdefault(o, i)
    graph = (s, d, n, order, preds, reach, jobs, job_of)
    rt.read_cache["why_alive_graph"] = (rt.generation, graph)
    return graph


def why_alive(rt: Runtime, name: str) -> RetentionPath:
    """The chain from a root to the object, and what it alone keeps alive."""
    var = rt.state.vars.get(name)
    if var is not None and var.kind == "pool":
        return _pool_retention(rt, var)
    if var is not None and var.kind == "weak":
        return _weak_retention(rt, var)
    oid, label = _find_target(rt, name)
    if oid is None:
        return RetentionPath(name, False, "", (), 0, label if label != name else f"{name}: no heap object")
    if not rt.heap.obj_live[oid]:
        return RetentionPath(name, False, "", (), 0, f"{label} was freed by the sweeper")
    s, d, n, order, preds, reach, jobs, job_of = _why_alive_graph(rt)
    size = rt.heap.object_bytes(oid)
    if not reach[oid]:
        return RetentionPath(
            name, False, "", (rt.slots.name(oid),), 0,
            f"{label} ({format_exact(size)}) is garbage: no root reaches it. It still counts in HeapAlloc "
            "until the next GC marks without it and the sweeper frees its slot.",
        )
    chain = [oid]
    while preds[chain[-1]] != n and preds[chain[-1]] >= 0:
        chain.append(int(preds[chain[-1]]))
    chain.reverse()
    root_obj = chain[0]
    root = "?"
    first = job_of.get(root_obj)
    if first is not None:
        job = jobs[first]
        holder = ""
        asked = rt.state.vars.get(name)
        # the variable asked about first: a substring or reslice shares its root object
        candidates = itertools.chain([asked] if asked is not None else [], rt.state.vars.values())
        for var in candidates:
            if root_obj in rt.state.var_objects(var):
                if (var.owner is None and job.label.startswith("globals")) or (
                    var.owner is not None and job.label == f"stack of {var.owner}"
                ):
                    holder = var.name
                    break
        if job.label.startswith("globals"):
            root = f"global {holder}" if holder else _runtime_root(rt, root_obj)
        elif job.label == SPECIALS_ROOT:
            root = _special_holder(rt, root_obj)
        else:
            root = f"{job.label} (variable {holder})" if holder else job.label
    figures = retention(rt)
    held = rt.state.vars.get(name)
    if held is not None:
        retained = figures.by_var.get(name, 0)
        dropping = f"Dropping {name} would free"
    else:
        retained = int(figures.by_object[oid])
        dropping = f"Dropping every reference to {label} would free"
    path = tuple(rt.slots.name(o) for o in chain)
    note = _string_note(rt, held, retained) if held is not None and held.kind == "string" else ""
    return RetentionPath(
        name, True, root, path, retained,
        f"{label} is reachable from {root}: {' → '.join(path)}. {dropping} "
        f"{format_exact(retained)} at the next GC: the objects nothing else keeps alive." + note
        + _specials_note(rt, oid),
    )


def _special_holder(rt: Runtime, oid: int) -> str:
    """Which special or queue keeps an object of the specials root job alive."""
    sp = rt.heap.specials
    for target, handle in sp.weak.items():
        if handle == oid:
            return f"the weak handle special of {rt.slots.name(target)}"
    if oid in sp.finq:
        return "the finalizer queue (finq): its finalizer has not run yet"
    for cleanups in (list(sp.cleanup_queue), [c for cs in sp.cleanups.values() for c in cs]):
        for c in cleanups:
            if oid in c.roots:
                return f"the special of {c.label}"
    for owner in sp.finalizers:
        if oid in rt.slots.targets(owner).tolist():
            return f"the finalizer special of {rt.slots.name(owner)} (what it points to stays for its finalizer)"
    return SPECIALS_ROOT


# -- heap map --------------------------------------------------------------------------


def object_colors(rt: Runtime) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Per-object MarkColor codes and Green Tea's queued spans while marking (else None)."""
    if rt.collector.mark is None:
        return None, None
    n = rt.heap.n_objects
    colors = np.zeros(n, dtype=np.uint8)
    marked = np.asarray(rt.heap.obj_marked[:n], dtype=bool)
    colors[marked] = MarkColor.BLACK  # allocated black during this mark
    m = rt.collector.mark
    colors[m.order] = MarkColor.WHITE
    grey, black, queued = mark_colors(rt)
    colors[grey] = MarkColor.GREY
    colors[black] = MarkColor.BLACK
    return colors, queued


def heap_grid(rt: Runtime, rows: int, cols: int, mode: GridMode) -> np.ndarray:
    if mode is GridMode.MARK:
        colors, queued = object_colors(rt)
        return heap_map.grid(rt.heap, rows, cols, mode, colors, queued)
    return heap_map.grid(rt.heap, rows, cols, mode)


def span_view(rt: Runtime, span_id: int) -> SpanView:
    colors, queued = object_colors(rt)
    in_queue = bool(queued is not None and span_id in set(queued.tolist()))
    return heap_map.span_detail(rt.heap, span_id, rt.slots.name, colors, in_queue)


# -- JSON ------------------------------------------------------------------------------


def json_state(rt: Runtime) -> dict:
    """The `vars`, `heap`, `gc` and `pools` fields of a `run --json` line."""
    out_vars: dict[str, dict] = {}
    holders = _array_holders(rt)
    for var in rt.state.vars.values():
        if var.kind == "slice":
            header = var.header
            arr = rt.state.arrays.get(header.array) if header.array is not None else None
            out_vars[var.name] = {
                "kind": "slice", "len": header.len, "cap": header.cap,
                "array_bytes": 0 if arr is None or arr.on_stack else arr.bytes,
            }
        elif var.kind == "map":
            out_vars[var.name] = {"kind": "map", "len": len(rt.state.maps[var.map_ref].model),
                                  "bytes": map_bytes(rt, var.map_ref)}
        elif var.kind == "pointer":
            out_vars[var.name] = {"kind": "pointer",
                                  "bytes": rt.heap.object_bytes(var.oid) if var.oid != NIL else 0}
        elif var.kind == "pool":
            out_vars[var.name] = {"kind": "pool", "bytes": pool_bytes(rt, var.pool_ref)}
        elif var.kind == "string":  # -- strings (issue 13) --
            sv = string_view(rt, var, holders)
            out_vars[var.name] = {"kind": "string", "len": sv.len, "array_bytes": sv.array_bytes,
                                  "shared_with": list(sv.shared_with)}
        elif var.kind in ("iface", "func"):  # -- values (issue 13) --
            out_vars[var.name] = {"kind": var.kind, "type": var.type.name, "bytes": var_bytes(rt, var)}
        elif var.kind == "chan" and var.chan_id is not None:
            ch = chan_view(rt, rt.state.chans[var.chan_id], var.owner)
            out_vars[var.name] = {"kind": "chan", "cap": ch.cap, "len": ch.len, "bytes": ch.bytes,
                                  "buffer_bytes": ch.buffer_bytes, "senders": list(ch.senders),
                                  "receivers": list(ch.receivers), "closed": ch.closed}
        elif var.kind == "weak":
            target = rt.heap.specials.weak_target(var.oid) if var.oid != NIL else NIL
            out_vars[var.name] = {"kind": "weak", "bytes": var_bytes(rt, var), "nil": target == NIL,
                                  "target_bytes": 0 if target == NIL else rt.heap.object_bytes(target)}
    s = rt.heap.stats()
    pools = {}
    for var in rt.state.vars.values():
        if var.kind == "pool":
            model = rt.state.pools[var.pool_ref].model
            pools[var.name] = {"hits": model.hits, "misses": model.misses, "news": model.news,
                               "cached": len(model.cached_objects())}
    ms = memstats(rt)
    return {
        "vars": out_vars,
        "heap": {"alloc_bytes": int(s.heap_alloc), "inuse_bytes": int(s.heap_inuse),
                 "objects": int(s.heap_objects), "goal_bytes": rt.collector.pacer_goal(),
                 # runtime.MemStats' names: StackInuse, TotalAlloc, Mallocs, Frees, HeapIdle,
                 # HeapReleased, HeapSys, NextGC (docs/scenario-format.md, `run --json`)
                 "stack_inuse_bytes": ms.stack_inuse, "total_alloc_bytes": ms.total_alloc,
                 "mallocs": ms.mallocs, "frees": ms.frees, "idle_bytes": ms.heap_idle,
                 "released_bytes": ms.heap_released, "sys_bytes": ms.heap_sys, "next_gc_bytes": ms.next_gc},
        "gc": {"cycles": rt.collector.num_gc, "phase": rt.collector.phase.value},
        "pools": pools,
        "goroutines": num_goroutine(rt),
        "goal": goal_terms(rt),
    }


def num_goroutine(rt: Runtime) -> int:
    """`runtime.NumGoroutine()` (`gcount`): the program's live goroutines, main included,
    blocked ones too; the runtime's system goroutines are not counted, as in Go."""
    return len(rt.stacks.goroutines())


def goal_terms(rt: Runtime) -> dict:
    """The terms `gcControllerState.commit` and `heapGoalInternal` computed the heap goal
    from, under the names of the runtime/metrics they match (`run --json`'s `goal`)."""
    g = rt.pacer.explain()
    limit = rt.pacer.memory_limit
    return {
        "live_heap_bytes": g.heap_marked,  # heapMarked: /gc/heap/live:bytes
        "stack_bytes": g.stack_scan,  # lastStackScan: /gc/scan/stack:bytes
        "globals_bytes": g.globals_scan,  # globalsScan: /gc/scan/globals:bytes
        "gogc": rt.pacer.gogc,  # /gc/gogc:percent; None: off
        "gogc_goal_bytes": g.percent_goal,  # live + (live + stacks + globals) × GOGC/100; None: off
        "heap_minimum_bytes": g.heap_minimum,  # heapMinimum = 4 MiB × GOGC/100
        "sweep_floor_bytes": g.sweep_floor,  # sweepDistMinTrigger (0 once swept at commit)
        "memory_limit_bytes": limit,  # /gc/gomemlimit:bytes; None: off (math.MaxInt64)
        "memory_limit_goal_bytes": g.memory_limit_goal,  # memoryLimitHeapGoal
        "memory_limited": g.memory_limited,
        "goal_bytes": g.goal,  # heapGoal(): /gc/heap/goal:bytes, NextGC
        "trigger_bytes": None if g.goal >= NO_GOAL else g.trigger,  # None: no heap-triggered GC
    }
