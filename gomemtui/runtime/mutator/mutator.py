"""What the Go program itself does: the operations of a scenario, on the simulated heap.

A mixin of `Runtime`: each `_op_*` method stands for the Go code of one `do` and
reports what the runtime did as events. Allocation goes through `alloc()`, which charges
time, debits mark assists while the collector marks and starts a cycle when the heap
reaches the pacer's trigger (`runtime.mallocgc` → `gcTrigger.test`).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from gomemtui.runtime import clock

from gomemtui.runtime import program as ops
from gomemtui.runtime.values.growslice import growslice, stack_buffer_elems
from gomemtui.runtime.values.maps import SwissMap
from gomemtui.runtime.values.pool import EFACE_SIZE, PoolPart, SyncPool
from gomemtui.runtime.memory.stacks import StackOverflow
from gomemtui.runtime.values.variables import NIL, Array, Goroutine, MapRecord, PoolRecord, SliceHeader, Var
from gomemtui.runtime.memory.sizeclasses import MAX_SMALL_ALLOC, alloc_class, alloc_size
from gomemtui.runtime.types import GoType

STACK_ALLOC_LIMIT = 64 * 1024
"""Implicit allocations (`make`, `new`) up to 64 KiB may stay on the stack
(`cmd/compile/internal/ir/cfg.go MaxImplicitStackVarSize`)."""


def _fmt_bytes(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{n} B"


class Mutator:
    """Operations of the Go program (mixed into Runtime)."""

    # -- allocation -------------------------------------------------------------------

    def alloc(self, size: int, noscan: bool, *, pointer_slots: int = 0) -> int:
        """mallocgc: one heap object; returns its id."""
        black = self.allocate_black()
        before = self.heap.total_alloc_bytes()
        oid = self.heap.alloc(size, noscan, black=black)
        if pointer_slots:
            self.slots.add_slots(oid, pointer_slots)
        # TotalAlloc delta: a tiny object may take no new bytes, and a sweep done by
        # this allocation must not count as negative allocation.
        taken = self.heap.total_alloc_bytes() - before
        self.after_alloc(taken, 1, clock.alloc_ns(size, size > MAX_SMALL_ALLOC), black)
        return oid

    def alloc_many(self, count: int, size: int, noscan: bool, pointer_slots: int = 0) -> np.ndarray:
        """`count` equal allocations in one vectorized call (the caller tests the trigger)."""
        black = self.allocate_black()
        before = self.heap.total_alloc_bytes()
        oids = self.heap.alloc_many(count, size, noscan, black=black)
        if pointer_slots:
            self.slots.add_slots(oids, pointer_slots)
        taken = self.heap.total_alloc_bytes() - before
        self.after_alloc(taken, count, count * clock.alloc_ns(size, size > MAX_SMALL_ALLOC), black)
        return oids

    def chunk_before_trigger(self, left: int, size: int, noscan: bool) -> int:
        """How many equal allocations fit before the heap trigger (at least 1)."""
        per = alloc_size(size, noscan) if (size >= 16 or not noscan) else max(size, 1)
        room = self.bytes_until_trigger()
        chunk = left if room is None else max(1, min(left, room // max(per, 1) + 1))
        if self.gc_phase.name == "MARK":
            chunk = min(chunk, 1024)
        return chunk

    def describe_alloc(self, var: str, size: int, noscan: bool, what: str) -> None:
        slot = alloc_size(size, noscan)
        cls = alloc_class(size, noscan)
        if noscan and 0 < size < 16:
            slot, cls = 16, 2  # mallocgcTiny: a share of a 16-byte block of class 2
        kind = "noscan" if noscan else "scan"
        if size > MAX_SMALL_ALLOC:
            text = (
                f"{what}: {size} B is a large object (> 32760 B): its own span of "
                f"{slot // 8192} page(s), {slot} B"
            )
        elif noscan and size < 16:
            text = f"{what}: {size} B, pointer-free and < 16 B: packed into a 16-byte tiny block"
        else:
            header = " (+8-byte malloc header)" if not noscan and size > 512 else ""
            text = f"{what}: {size} B{header} → size class {cls} ({slot} B slot, {kind} span)"
        self.emit(
            "alloc", text, var=var, bytes=slot, size=size, size_class=cls,
            span_class=cls * 2 + (1 if noscan else 0), noscan=noscan,
            tiny=noscan and size < 16, large=size > MAX_SMALL_ALLOC, stack=False,
        )

    # -- variables ----------------------------------------------------------------------

    def var(self, name: str) -> Var:
        return self.vars[name]

    def bind(self, var: Var) -> None:
        """A variable (re)declared: the previous value under that name dies."""
        old = self.vars.get(var.name)
        if old is not None:
            var.owner = old.owner if old.owner is None else var.owner
        self.vars[var.name] = var

    def run_op(self, op: ops.Op) -> None:
        handler = getattr(self, "_op_" + type(op).__name__)
        handler(op)
        self.check_trigger()

    def _op_Repeat(self, op: ops.Repeat) -> None:
        inner = op.op
        if isinstance(inner, ops.New) and inner.escape == "heap" and op.times > 1:
            self._new_many(inner, op.times)
            return
        if isinstance(inner, ops.Append) and inner.batch is None and inner.value is None:
            self._op_Append(ops.Append(inner.var, inner.count * op.times, None, None, inner.g))
            return
        if isinstance(inner, ops.MapInsert):
            self._op_MapInsert(ops.MapInsert(inner.var, inner.count * op.times, inner.g))
            return
        for _ in range(op.times):
            self.run_op(inner)

    def _op_Loop(self, op: ops.Loop) -> None:
        for _ in range(op.times):
            for inner in op.body:
                self.run_op(inner)

    def _owner(self, g: str) -> str:
        self.running(g)
        return g

    def running(self, g: str) -> None:
        """Goroutine g runs this op."""
        gor = self.goroutines.get(g)
        if gor is None:
            return
        for other in self.goroutines.values():
            if other.state == "running" and other.name != g:
                other.state = "runnable"
        if gor.state in ("runnable", "running"):
            gor.state = "running"

    # new(T)
    def _op_New(self, op: ops.New) -> None:
        owner = self._owner(op.g)
        t = op.type
        if op.escape == "stack" and t.size <= STACK_ALLOC_LIMIT:
            fields = {name: NIL for name in t.pointer_fields}
            self.bind(Var(op.var, "pointer", owner, t, NIL, stack_fields=fields, escape="stack"))
            self.emit(
                "alloc",
                f"new({t.name}) does not escape: {t.size} B in {owner}'s stack frame, no heap allocation",
                var=op.var, bytes=0, size=t.size, size_class=0, span_class=0,
                noscan=t.noscan, tiny=False, large=False, stack=True,
            )
            self.advance(clock.SMALL_ALLOC_NS // 4)
            return
        size = max(t.size, 1) if t.size > 0 else 0
        if size == 0:
            self.bind(Var(op.var, "pointer", owner, t, NIL))
            self.emit("alloc", f"new({t.name}) is zero-sized: &runtime.zerobase, nothing allocated",
                      var=op.var, bytes=0, size=0, size_class=0, span_class=0, noscan=True,
                      tiny=False, large=False, stack=False)
            return
        self.describe_alloc(op.var, size, t.noscan, f"new({t.name})")
        oid = self.alloc(size, t.noscan, pointer_slots=len(t.pointer_fields))
        self.slots.name_objects(oid, op.var)
        self.bind(Var(op.var, "pointer", owner, t, oid))

    def _new_many(self, op: ops.New, times: int) -> None:
        """`for i := 0; i < N; i++ { v = new(T) }`: each new object replaces the last in v."""
        owner = self._owner(op.g)
        t = op.type
        size = max(t.size, 1)
        self.describe_alloc(op.var, t.size, t.noscan, f"{times} × new({t.name})")
        left = times
        while left > 0:
            chunk = self.chunk_before_trigger(left, size, t.noscan)
            oids = self.alloc_many(chunk, size, t.noscan, len(t.pointer_fields))
            self.slots.name_objects(oids, op.var)
            self.bind(Var(op.var, "pointer", owner, t, int(oids[-1])))
            left -= chunk
            self.check_trigger()

    # make([]T, len, cap)
    def _op_MakeSlice(self, op: ops.MakeSlice) -> None:
        owner = self._owner(op.g)
        cap = max(op.cap, op.len)
        header = SliceHeader(None, 0, op.len, cap)
        var = Var(op.var, "slice", owner, op.elem, slice=header, escape=op.escape)
        if cap == 0:
            self.bind(var)
            self.emit("alloc", f"var {op.var} []{op.elem.name}: a nil slice (ptr=nil, len=0, cap=0), nothing allocated",
                      var=op.var, bytes=0, size=0, size_class=0, span_class=0, noscan=op.elem.noscan,
                      tiny=False, large=False, stack=op.escape == "stack")
            return
        nbytes = cap * op.elem.size
        if op.escape == "stack" and nbytes <= STACK_ALLOC_LIMIT:
            arr = self._new_array(op.var, op.elem, cap, on_stack=True)
            header.array = arr.id
            self.bind(var)
            self.emit("alloc",
                      f"make([]{op.elem.name}, {op.len}, {cap}) does not escape: {nbytes} B array in "
                      f"{owner}'s stack frame",
                      var=op.var, bytes=0, size=nbytes, size_class=0, span_class=0,
                      noscan=op.elem.noscan, tiny=False, large=False, stack=True)
            return
        self.describe_alloc(op.var, nbytes, op.elem.noscan, f"make([]{op.elem.name}, {op.len}, {cap}) = {cap} × {op.elem.size} B")
        arr = self._new_array(op.var, op.elem, cap, on_stack=False)
        header.array = arr.id
        self.bind(var)

    def _new_array(self, var: str, elem: GoType, elems: int, on_stack: bool) -> Array:
        nbytes = elems * elem.size
        ptr_slots = elems if elem.has_pointers else 0
        arr = Array(self.new_id(), "", elem, elems)
        if on_stack or nbytes == 0:
            arr.bytes = nbytes
            if ptr_slots:
                arr.stack_slots = np.full(elems, NIL, dtype=np.int64)
        else:
            arr.oid = self.alloc(nbytes, elem.noscan, pointer_slots=ptr_slots)
            arr.bytes = self.heap.object_bytes(arr.oid)
        self._register_array(var, arr)
        return arr

    def _register_array(self, var: str, arr: Array) -> None:
        """Name a new backing array after its slice ("s[]", then "s[]#2", ...) and record it."""
        count = sum(1 for a in self.arrays.values() if a.name.split("#")[0] == f"{var}[]")
        arr.name = f"{var}[]" if count == 0 else f"{var}[]#{count + 1}"
        if not arr.on_stack:
            self.slots.name_internal(arr.oid, arr.name)
        self.arrays[arr.id] = arr

    # append
    def _op_Append(self, op: ops.Append) -> None:
        self._owner(op.g)
        var = self.vars[op.var]
        s = var.slice
        value = NIL
        if op.value is not None:
            value = self.vars[op.value].oid
        if op.batch is not None:
            self._append_n(var, op.batch, value, bulk=True)
            return
        left = op.count
        while left > 0:
            if s.array is not None and s.len < s.cap:
                take = min(left, s.cap - s.len)
                self._store_elems(var, s.len, s.len + take, value)
                s.len += take
                left -= take
                self.advance(take * 2)
                continue
            self._append_n(var, 1, value, bulk=False)
            left -= 1

    def _store_elems(self, var: Var, start: int, stop: int, value: int) -> None:
        if value == NIL or not var.type.has_pointers:
            return
        arr = self.arrays[var.slice.array]
        lo, hi = var.slice.offset + start, var.slice.offset + stop
        if arr.on_stack:
            arr.stack_slots[lo:hi] = value
        else:
            if self.write_barrier_on():
                self.write_barrier(arr.oid, NIL, value)
            self.slots.set_range(arr.oid, lo, hi, value)

    def _append_n(self, var: Var, k: int, value: int, bulk: bool) -> None:
        """One `append` call adding k elements (growing if they do not fit)."""
        s = var.slice
        elem = var.type
        new_len = s.len + k
        if s.array is not None and new_len <= s.cap:
            self._store_elems(var, s.len, new_len, value)
            s.len = new_len
            self.advance(k * 2)
            return
        old_len, old_cap = s.len, s.cap
        if elem.size == 0:
            # runtime.growslice: zero-size elements get &zerobase, cap = len, no allocation
            s.len = s.cap = new_len
            self.emit("growslice", f"append to {var.name}: zero-size elements, cap {new_len} at "
                      "runtime.zerobase, nothing allocated", var=var.name, old_len=old_len,
                      old_cap=old_cap, new_cap=new_len, new_bytes=0, stack=False)
            return
        buffer = stack_buffer_elems(elem.size)
        use_buffer = (
            var.escape == "stack" and not bulk and old_len == 0 and s.array is None
            and not var.appended_before and 0 < new_len <= buffer
        )
        var.appended_before = True
        if use_buffer:
            # cmd/compile ssagen (*state).append: a non-escaping slice's first growth
            # uses a 32-byte stack buffer [32/size]T.
            arr = self._new_array(var.name, elem, buffer, on_stack=True)
            arr.bytes = buffer * elem.size
            s.array, s.offset, s.len, s.cap = arr.id, 0, new_len, buffer
            self._store_elems(var, 0, new_len, value)
            self.emit(
                "growslice",
                f"append to nil local {var.name}: the compiler's 32-byte stack buffer, cap {buffer} "
                f"({buffer} × {elem.size} B), no heap allocation",
                var=var.name, old_len=old_len, old_cap=old_cap, new_cap=buffer, new_bytes=0, stack=True,
            )
            return
        new_cap, capmem = growslice(old_len, old_cap, k, elem.size, elem.noscan)  # runtime.growslice
        old_arr = self.arrays.get(s.array) if s.array is not None else None
        cls = alloc_class(capmem, elem.noscan) if capmem <= MAX_SMALL_ALLOC else 0
        where = f"size class {cls}" if cls else f"{capmem // 8192} page(s), large object"
        self.emit(
            "growslice",
            f"append grew {var.name} cap {old_cap} → {new_cap}: {new_cap} × {elem.size} B = "
            f"{new_cap * elem.size} B, {where} ({capmem} B)"
            + (f"; the old {old_cap}-element array is garbage unless another slice keeps it" if old_arr else ""),
            var=var.name, old_len=old_len, old_cap=old_cap, new_cap=new_cap, new_bytes=capmem, stack=False,
        )
        arr = Array(self.new_id(), "", elem, new_cap)
        arr.oid = self.alloc(max(capmem, 1), elem.noscan, pointer_slots=new_cap if elem.has_pointers else 0)
        arr.bytes = self.heap.object_bytes(arr.oid)
        self._register_array(var.name, arr)
        if old_arr is not None and elem.has_pointers and old_len:
            # memmove of the old elements (typedmemmove: bulk barrier while marking)
            if old_arr.on_stack:
                vals = old_arr.stack_slots[s.offset : s.offset + old_len]
                base = int(self.slots.obj_base[arr.oid])
                self.slots.slot_dst[base : base + old_len] = vals
            else:
                self.slots.copy_range(old_arr.oid, s.offset, arr.oid, 0, old_len)
        self.advance(clock.copy_ns(old_len * elem.size))
        s.array, s.offset, s.cap = arr.id, 0, new_cap
        s.len = new_len
        self._store_elems(var, old_len, new_len, value)

    def _op_Reslice(self, op: ops.Reslice) -> None:
        owner = self._owner(op.g)
        src = self.vars[op.source]
        s = src.slice
        low = op.low or 0
        high = s.len if op.high is None else op.high
        maxi = s.cap if op.max is None else op.max
        header = SliceHeader(s.array, s.offset + low, high - low, maxi - low)
        if op.var == op.source:
            src.slice = header
            var = src
        else:
            var = Var(op.var, "slice", owner, src.type, slice=header, escape=src.escape,
                      appended_before=True)
            self.bind(var)
        arr = self.arrays.get(s.array) if s.array is not None else None
        bounds = f"[{low}:{high}" + (f":{maxi}]" if op.max is not None else "]")
        if arr is None:
            self.emit("reslice", f"{op.var} = {op.source}{bounds} of a nil slice", var=op.var,
                      len=header.len, cap=header.cap, array=None, array_bytes=0)
            return
        self.emit(
            "reslice",
            f"{op.var} = {op.source}{bounds}: len {header.len}, cap {header.cap}, but it points into "
            f"{arr.name}, so the whole {_fmt_bytes(arr.bytes)} array stays reachable — the GC frees "
            "whole objects only",
            var=op.var, len=header.len, cap=header.cap, array=arr.name, array_bytes=arr.bytes,
        )

    def _op_CopySlice(self, op: ops.CopySlice) -> None:
        owner = self._owner(op.g)
        src = self.vars[op.source]
        n = src.slice.len
        elem = src.type
        header = SliceHeader(None, 0, n, n)
        var = Var(op.var, "slice", owner, elem, slice=header, escape="heap", appended_before=True)
        if n == 0:
            self.bind(var)
            self.emit("alloc", f"{op.var} := make([]{elem.name}, 0): nothing allocated", var=op.var,
                      bytes=0, size=0, size_class=0, span_class=0, noscan=elem.noscan, tiny=False,
                      large=False, stack=False)
            return
        self.describe_alloc(op.var, n * elem.size, elem.noscan,
                            f"{op.var} := make([]{elem.name}, {n}) + copy = {n} × {elem.size} B")
        arr = self._new_array(op.var, elem, n, on_stack=False)
        header.array = arr.id
        if elem.has_pointers and src.slice.array is not None:
            old = self.arrays[src.slice.array]
            if old.on_stack:
                base = int(self.slots.obj_base[arr.oid])
                self.slots.slot_dst[base : base + n] = old.stack_slots[src.slice.offset : src.slice.offset + n]
            else:
                self.slots.copy_range(old.oid, src.slice.offset, arr.oid, 0, n)
        self.advance(clock.copy_ns(n * elem.size))
        self.bind(var)

    # maps
    def _op_MakeMap(self, op: ops.MakeMap) -> None:
        owner = self._owner(op.g)
        model = SwissMap(op.key, op.value, op.hint, seed=len(self.maps) + 1)
        rec = MapRecord(self.new_id(), op.var, model)
        self.maps[rec.id] = rec
        self.bind(Var(op.var, "map", owner, op.value, map_id=rec.id, key_type=op.key))
        hint = "" if op.hint is None else f", {op.hint}"
        self.emit("alloc", f"make(map[{op.key.name}]{op.value.name}{hint}): Swiss-table map",
                  var=op.var, bytes=0, size=0, size_class=0, span_class=0, noscan=False, tiny=False,
                  large=False, stack=False)
        self.sync_map(rec)

    def sync_map(self, rec: MapRecord, inserted: range | None = None, moved: int = 0) -> None:
        """Allocate the map's new parts; parts it no longer has become garbage.

        New parts are allocated in the order the runtime creates them, while the parts
        they replace are still referenced (`table.grow` and `table.split` build the new
        tables before `replaceTable` / `installTableSplit` drop the old one), then the
        old parts are dropped. After an insert step (`inserted`: the keys it put in),
        only the structure is diffed; the `moved` entries the step's growth rehashed
        into the new tables take their time, then the indirect keys/values of the
        inserted keys follow, and each of their allocations may start a cycle.
        """
        model = rec.model
        name = lambda part: f"{rec.name}.{part.role}"  # noqa: E731
        keep = self._alloc_parts(rec.parts, model.layout(values=inserted is None), name)
        if inserted is None:
            self._drop_parts(rec.parts, keep)
            return
        # A cycle started by the new tables' allocation still finds the old ones: the
        # write barrier of replaceTable/installTableSplit shades the pointers they drop.
        self.check_trigger()
        # internal/runtime/maps (*table).grow / (*table).split / (*Map).growToTable:
        # between allocating the new table(s) and installing them, every entry of the
        # old one is hashed again and put into its new table (uncheckedPutSlot).
        self.advance(moved * clock.MAP_MOVE_NS)
        self._drop_parts(rec.parts, keep, spared=("key", "value"))
        parts = model.value_parts(inserted)  # Map.PutSlot: newobject for the key, then the elem
        if not parts:
            return
        if model.indirect_keys and model.indirect_values:
            for i in range(0, len(parts), 2):  # each key's pair, then the trigger test
                self._alloc_parts(rec.parts, parts[i : i + 2], name)
                self.check_trigger()
            return
        # One object per key, all of one size: in runs up to the trigger, as _new_many does.
        size, noscan, name = parts[0].size, parts[0].noscan, f"{rec.name}.{parts[0].role}"
        done = 0
        while done < len(parts):
            chunk = self.chunk_before_trigger(len(parts) - done, size, noscan)
            oids = self.alloc_many(chunk, size, noscan)
            for part, oid in zip(parts[done : done + chunk], oids.tolist()):
                self.slots.name_internal(oid, name)
                rec.parts[part.identity] = oid
            done += chunk
            self.check_trigger()

    def _map_events(self, rec: MapRecord, changes) -> None:
        for change in changes:
            self.emit(change.kind, change.text, var=rec.name, cause=change.cause, len=change.len,
                      old_slots=change.old_slots, new_slots=change.new_slots, tables=change.tables,
                      dir_len=change.dir_len)

    def _op_MapInsert(self, op: ops.MapInsert) -> None:
        """`m[k] = v` for op.count new keys, one growth at a time.

        Each step starts with the key that grows the map (`Map.growToSmall`,
        `Map.growToTable`, `table.grow`, `table.split`): its new memory is allocated
        then, and what it replaced is garbage from then on, so the intermediate tables
        of a big insert count in HeapAlloc and TotalAlloc until the next sweep frees
        them, and their bytes bring the next cycle closer, as in real Go.
        """
        self._owner(op.g)
        rec = self.maps[self.vars[op.var].map_id]
        left = op.count
        while left > 0:
            keys, changes = rec.model.insert_step(left)
            self._map_events(rec, changes)
            self.sync_map(rec, keys, moved=sum(change.moved for change in changes))
            self.advance(len(keys) * clock.MAP_INSERT_NS)
            left -= len(keys)

    def _op_MapDelete(self, op: ops.MapDelete) -> None:
        self._owner(op.g)
        rec = self.maps[self.vars[op.var].map_id]
        before = len(rec.model)
        if op.all:
            rec.model.delete_all()
        else:
            rec.model.delete(op.count)
        self.sync_map(rec)
        gone = before - len(rec.model)
        self.emit("map_delete", f"deleted {gone} key(s) from {op.var}: slots emptied or tombstoned, "
                  "no memory released (maps never shrink)", var=op.var, deleted=gone, len=len(rec.model))
        self.advance(gone * clock.MAP_DELETE_NS)

    def _op_MapClear(self, op: ops.MapClear) -> None:
        self._owner(op.g)
        rec = self.maps[self.vars[op.var].map_id]
        before = len(rec.model)
        rec.model.clear()
        self.sync_map(rec)
        self.emit("map_clear", f"clear({op.var}): {before} entries gone, tombstones reset, every table "
                  "and the directory kept — memory unchanged", var=op.var, deleted=before)

    # sync.Pool
    def _op_PoolNew(self, op: ops.PoolNew) -> None:
        owner = self._owner(op.g)
        model = SyncPool(self.settings.gomaxprocs, op.has_new)
        rec = PoolRecord(self.new_id(), op.var, op.type, model)
        self.pools[rec.id] = rec
        self.bind(Var(op.var, "pool", owner, op.type, pool_id=rec.id))
        self.emit("pool_new", f"{op.var} := sync.Pool{{{'New: new(' + op.type.name + ')' if op.has_new else ''}}}",
                  pool=op.var)

    def _op_PoolGet(self, op: ops.PoolGet) -> None:
        owner = self._owner(op.g)
        rec = self.pools[self.vars[op.pool].pool_id]
        registered = rec.model.registered
        oid, source = rec.model.get(0)
        self.sync_pool(rec, registered)  # pin → pinSlow before the caches are searched
        self.advance(clock.POOL_OP_NS)
        t = rec.type
        if source == "new":
            oid = self.alloc(max(t.size, 1), t.noscan, pointer_slots=len(t.pointer_fields))
            self.slots.name_objects(oid, op.var)
            self.describe_alloc(op.var, t.size, t.noscan, f"{op.pool}.New()")
        obj = None if oid is None else self.name_of(oid)
        why = {
            "private": "this P's private slot",
            "shared": "this P's shared chain (LIFO)",
            "victim": "the victim cache: it survived one GC",
            "new": "a miss everywhere: New was called",
            "nil": "a miss everywhere and no New: nil",
        }.get(source, source)
        self.emit("pool_get", f"{op.var} := {op.pool}.Get() → {obj or 'nil'} from {why}",
                  pool=op.pool, var=op.var, source=source, object=obj)
        self.bind(Var(op.var, "pointer", owner, t, NIL if oid is None else oid))

    def _op_PoolPut(self, op: ops.PoolPut) -> None:
        self._owner(op.g)
        rec = self.pools[self.vars[op.pool].pool_id]
        oid = self.vars[op.var].oid
        self.advance(clock.POOL_OP_NS)
        if oid == NIL:
            self.emit("pool_put", f"{op.pool}.Put(nil) is ignored", pool=op.pool, var=op.var,
                      object=None, where="ignored")
            return
        registered = rec.model.registered
        where = rec.model.put(oid, 0)
        self.sync_pool(rec, registered)
        self.emit("pool_put", f"{op.pool}.Put({self.name_of(oid)}) → P0's {where} slot" if where == "private"
                  else f"{op.pool}.Put({self.name_of(oid)}) → P0's shared chain (private slot taken)",
                  pool=op.pool, var=op.var, object=self.name_of(oid), where=where)

    def sync_pool(self, rec: PoolRecord, was_registered: bool) -> None:
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
            self.all_pools.register()  # sync.(*Pool).pinSlow: allPools = append(allPools, p)
        self.sync_pool_parts(rec)

    def sync_pool_parts(self, rec: PoolRecord | None = None) -> None:
        """Match the heap to the registry's and the pool's layouts (all pools if None)."""
        who = "" if rec is None else rec.name
        self._sync_pool_objects(self.all_pools.heap_objects, self.all_pools.layout(), who)
        for r in self.pools.values() if rec is None else (rec,):
            self._sync_pool_objects(r.model.heap_objects, r.model.layout(), r.name)

    def _sync_pool_objects(self, objects: dict, layout: list[PoolPart], owner: str) -> None:
        """Allocate the new parts (for pool `owner`'s op), rename moved ones (poolCleanup
        moves local to victim), drop vanished ones: no longer reachable from sync.allPools
        or oldPools, they are garbage."""
        keep = self._alloc_parts(objects, layout, lambda part: self._pool_part_name(owner, part), rename=True,
                                 describe=(owner, lambda part: self._pool_part_what(owner, part)))
        self._drop_parts(objects, keep)

    def _alloc_parts(self, objects: dict, layout: list, name: Callable[[Any], str], *, rename: bool = False,
                     describe: tuple[str, Callable[[Any], str]] | None = None) -> set[tuple]:
        """Allocate, in layout order, each part (a `MapPart` or `PoolPart`) that has no heap
        object in `objects` yet, and record it there; name new objects (all, with `rename`).
        `describe` is (var, what the part is) for an `alloc` event of each new part.
        Returns the layout's identities."""
        for part in layout:
            oid = objects.get(part.identity)
            if oid is None:
                if describe is not None:
                    var, what = describe
                    self.describe_alloc(var, part.size, part.noscan, what(part))
                oid = objects[part.identity] = self.alloc(part.size, part.noscan)
            elif not rename:
                continue
            self.slots.name_internal(oid, name(part))
        return {part.identity for part in layout}

    @staticmethod
    def _drop_parts(objects: dict, keep: set[tuple], spared: tuple[str, ...] = ()) -> None:
        """Forget the objects of parts no longer in the layout (`keep`), except those whose
        identity starts with one of `spared`: nothing points to them now, they are garbage."""
        for key in [k for k in objects if k not in keep and k[0] not in spared]:
            del objects[key]

    @staticmethod
    def _pool_part_name(owner: str, part: PoolPart) -> str:
        if part.role in ("allPools", "oldPools"):
            return f"sync.{part.role}[]"
        if part.role == "local":
            return f"{owner}.{part.cache}"
        if part.role == "chain_elt":
            return f"{owner}.{part.cache}[{part.p}].poolChainElt"
        return f"{owner}.{part.cache}[{part.p}].vals({part.size // EFACE_SIZE})"

    def _pool_part_what(self, owner: str, part: PoolPart) -> str:
        if part.role == "allPools":
            return (f"{owner}'s first use since the last GC (pinSlow): sync.allPools = append(allPools, p) "
                    f"needs a new []*Pool array, cap {part.size // 8}")
        if part.role == "local":
            procs = self.settings.gomaxprocs
            return f"{owner}.pinSlow: make([]poolLocal, {procs}) = {procs} × 128 B (padded poolLocal)"
        if part.role == "chain_elt":
            return f"{owner}'s shared chain needs a new dequeue (poolChain.pushHead): new(poolChainElt)"
        slots = part.size // EFACE_SIZE
        return f"{owner}'s new dequeue: make([]eface, {slots}) = {slots} × 16 B"

    # pointers
    def _op_Assign(self, op: ops.Assign) -> None:
        owner = self._owner(op.g)
        new = NIL if op.value is None else self.vars[op.value].oid
        new_name = "nil" if op.value is None else op.value
        if op.field is None:
            target = self.vars.get(op.target)
            src_var = None if op.value is None else self.vars[op.value]
            var = Var(op.target, "pointer", target.owner if target else owner,
                      src_var.type if src_var else (target.type if target else None), new)
            if src_var is not None and src_var.stack_fields is not None:
                var.stack_fields = src_var.stack_fields
            self.bind(var)
            self.emit("assign", f"{op.target} = {new_name} (a local: no write barrier on stack slots)",
                      target=op.target, value=op.value)
            self.advance(clock.POINTER_WRITE_NS)
            return
        holder = self.vars[op.target]
        index = holder.type.pointer_fields.index(op.field)
        if holder.stack_fields is None and holder.oid == NIL:
            self.emit("panic", f"{op.target}.{op.field} = {new_name}: {op.target} is nil — the real "
                      "program panics (invalid memory address or nil pointer dereference); nothing written",
                      target=f"{op.target}.{op.field}", value=op.value)
            return
        if holder.stack_fields is not None:
            old = holder.stack_fields.get(op.field, NIL)
            holder.stack_fields[op.field] = new
        else:
            old = self.slots.set(holder.oid, index, new)
        if self.write_barrier_on():
            self.write_barrier(holder.oid, old, new)
        self.emit("assign", f"{op.target}.{op.field} = {new_name}", target=f"{op.target}.{op.field}",
                  value=op.value)
        self.advance(clock.POINTER_WRITE_NS)

    def _op_Drop(self, op: ops.Drop) -> None:
        self._owner(op.g)
        var = self.vars.pop(op.var)
        self.emit("var", f"{op.var} is dead (out of scope or nil): what only it reached is garbage "
                  "for the next GC", var=op.var, state="dead")
        _ = var

    def _op_Global(self, op: ops.Global) -> None:
        self._owner(op.g)
        self.vars[op.var].owner = None
        self.emit("var", f"{op.var} is a package-level variable: a GC root for ever", var=op.var,
                  state="global")

    # goroutines
    def _op_Go(self, op: ops.Go) -> None:
        self._owner(op.g)
        g = Goroutine(op.goroutine, state="runnable", used=self.BASE_STACK_USED, started=True)
        self.goroutines[op.goroutine] = g
        size = self.stacks.spawn(op.goroutine)
        self.stacks.set_used(op.goroutine, g.used)
        self.emit("goroutine", f"go {op.goroutine}(): new goroutine with a {size} B stack",
                  goroutine=op.goroutine, state="runnable", stack=size)
        self.advance(clock.GOROUTINE_START_NS)

    def _op_Block(self, op: ops.Block) -> None:
        g = self.goroutines[op.goroutine]
        g.state = "blocked"
        held = [v.name for v in self.vars.values() if v.owner == op.goroutine]
        self.emit("goroutine", f"{op.goroutine} blocks for ever: its stack"
                  + (f" and {', '.join(held)}" if held else "") + " stay alive (a leak)",
                  goroutine=op.goroutine, state="blocked")

    def _op_Exit(self, op: ops.Exit) -> None:
        g = self.goroutines[op.goroutine]
        g.state = "dead"
        dead = [name for name, v in self.vars.items() if v.owner == op.goroutine]
        for name in dead:
            del self.vars[name]
        self.stacks.exit(op.goroutine)
        self.emit("goroutine", f"{op.goroutine} returns: its stack is freed"
                  + (f"; {', '.join(dead)} die with it" if dead else ""),
                  goroutine=op.goroutine, state="dead")

    def _op_Call(self, op: ops.Call) -> None:
        owner = self._owner(op.g)
        g = self.goroutines[owner]
        g.used = self.BASE_STACK_USED + op.depth * op.frame
        before = self.stacks.size(owner)
        try:
            growths = self.stacks.set_used(owner, g.used)
        except StackOverflow:
            self.emit("fatal", f"runtime: goroutine stack exceeds 1000000000-byte limit — fatal error: "
                      f"stack overflow ({owner} at depth {op.depth}); the real program would crash here",
                      goroutine=owner)
            return
        if growths:
            # runtime.newstack doubles the size until the frame fits, then copies once.
            old, new = growths[0].old_size, growths[-1].new_size
            self.emit("stack_grow", f"{owner}'s stack grew {old} → {new} B (newstack doubles until "
                      "the frame fits and copies the stack once)", goroutine=owner, old_size=old,
                      new_size=new)
            self.advance(int(old * clock.STACK_COPY_NS_PER_BYTE))
        if not growths:
            self.emit("call", f"{owner} at call depth {op.depth}: {g.used} B of its {before} B stack in use",
                      goroutine=owner, depth=op.depth, used=g.used)

    # collector controls
    def _op_GC(self, op: ops.GC) -> None:
        self._owner(op.g)
        self.forced_gc()

    def _op_SetGCPercent(self, op: ops.SetGCPercent) -> None:
        self._owner(op.g)
        old = self.pacer_gogc()
        if op.value is None and self.gc_phase.name == "MARK":
            self.finish_cycle_now()  # setGCPercent waits for a running mark (gcWaitOnMark)
        self.set_gogc(op.value)
        self.emit("set_gc_percent", f"debug.SetGCPercent({-1 if op.value is None else op.value}) "
                  f"(was {'off' if old is None else old}): goal now {_fmt_bytes(self.pacer_goal())}",
                  value=op.value, old=old, goal=self.pacer_goal())

    def _op_SetMemoryLimit(self, op: ops.SetMemoryLimit) -> None:
        self._owner(op.g)
        self.set_memory_limit(op.value)
        limit = "none" if op.value is None else _fmt_bytes(op.value)
        self.emit("set_memory_limit", f"debug.SetMemoryLimit({limit}): goal now {_fmt_bytes(self.pacer_goal())}",
                  value=op.value, goal=self.pacer_goal())
