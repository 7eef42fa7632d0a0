"""Slices: `make`, `append` (runtime.growslice), reslicing and copying."""

from __future__ import annotations

import numpy as np

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.memory.sizeclasses import MAX_SMALL_ALLOC, alloc_class
from gomemtui.runtime.mutator.mutator import STACK_ALLOC_LIMIT, Mutator
from gomemtui.runtime.types import GoType
from gomemtui.units import NOTE_STYLE, format_bytes
from gomemtui.runtime.values.growslice import growslice, stack_buffer_elems
from gomemtui.runtime.values.variables import NIL, Array, SliceHeader, Var
from gomemtui.units import format_exact


def make_slice(m: Mutator, op: ops.MakeSlice) -> None:
    """`make([]T, len, cap)` (`runtime.makeslice`), on the stack when it does not escape and fits."""
    owner = m.owner(op.g)
    cap = max(op.cap, op.len)
    header = SliceHeader(None, 0, op.len, cap)
    var = Var(op.var, "slice", owner, op.elem, slice=header, escape=op.escape)
    if cap == 0:
        m.bind(var)
        m.emit("alloc", f"var {op.var} []{op.elem.name}: a nil slice (ptr=nil, len=0, cap=0), nothing allocated",
               var=op.var, bytes=0, size=0, size_class=0, span_class=0, noscan=op.elem.noscan,
               tiny=False, large=False, stack=op.escape == "stack")
        return
    nbytes = cap * op.elem.size
    if op.escape == "stack" and nbytes <= STACK_ALLOC_LIMIT:
        arr = new_array(m, op.var, op.elem, cap, on_stack=True)
        header.array = arr.id
        m.bind(var)
        m.emit("alloc",
               f"make([]{op.elem.name}, {op.len}, {cap}) does not escape: {format_exact(nbytes)} array in "
               f"{owner}'s stack frame",
               var=op.var, bytes=0, size=nbytes, size_class=0, span_class=0,
               noscan=op.elem.noscan, tiny=False, large=False, stack=True)
        return
    m.describe_alloc(op.var, nbytes, op.elem.noscan,
                     f"make([]{op.elem.name}, {op.len}, {cap}) = {cap} × {op.elem.size} B")
    arr = new_array(m, op.var, op.elem, cap, on_stack=False)
    header.array = arr.id
    m.bind(var)


def new_array(m: Mutator, var: str, elem: GoType, elems: int, on_stack: bool) -> Array:
    """A backing array of `elems` elements: a heap object, or a buffer in the goroutine's frame."""
    nbytes = elems * elem.size
    ptr_slots = elems if elem.has_pointers else 0
    arr = Array(m.state.new_id(), "", elem, elems)
    if on_stack or nbytes == 0:
        arr.bytes = nbytes
        if ptr_slots:
            arr.stack_slots = np.full(elems, NIL, dtype=np.int64)
    else:
        arr.oid = m.alloc(nbytes, elem.noscan, pointer_slots=ptr_slots)
        arr.bytes = m.heap.object_bytes(arr.oid)
    register_array(m, var, arr)
    return arr


def register_array(m: Mutator, var: str, arr: Array) -> None:
    """Name a new backing array after its slice ("s[]", then "s[]#2", ...) and record it."""
    base = f"{var}[]"
    count = m.state.array_names.get(base, 0)
    m.state.array_names[base] = count + 1
    arr.name = base if count == 0 else f"{base}#{count + 1}"
    if not arr.on_stack:
        m.slots.name_internal(arr.oid, arr.name)
    m.state.arrays[arr.id] = arr


def append(m: Mutator, op: ops.Append) -> None:
    """`s = append(s, x)` `count` times, or one `append(s, xs...)` of `batch` elements."""
    m.owner(op.g)
    var = m.state.vars[op.var]
    s = var.header
    value = NIL
    if op.value is not None:
        value = m.state.vars[op.value].oid
    if op.batch is not None:
        append_n(m, var, op.batch, value, bulk=True)
        return
    saved = m.resumed()
    done = 0 if saved is None else saved[1]
    while done < op.count:
        if s.array is not None and s.len < s.cap:
            take = min(op.count - done, s.cap - s.len)
            store_elems(m, var, s.len, s.len + take, value)
            s.len += take
            done += take
            m.advance(take * 2)
        else:
            append_n(m, var, 1, value, bulk=False)
            done += 1
            # The growth stored the new array in s: mallocgc's gcTrigger.test may start a
            # cycle here, which the rest of the loop's allocations then pay for (assists).
            m.collector.check_trigger()
        m.pause_point(("append", done, op.count))


def store_elems(m: Mutator, var: Var, start: int, stop: int, value: int) -> None:
    """Store pointer `value` in elements [start, stop) (a bulk write barrier while marking)."""
    if value == NIL or not var.type.has_pointers:
        return
    arr = m.state.arrays[var.header.array_id]
    lo, hi = var.header.offset + start, var.header.offset + stop
    if arr.on_stack:
        arr.stack_pointers[lo:hi] = value
    else:
        if m.collector.write_barrier_on():
            m.collector.write_barrier(arr.oid, NIL, value)
        m.slots.set_range(arr.oid, lo, hi, value)


def append_n(m: Mutator, var: Var, k: int, value: int, bulk: bool) -> None:
    """One `append` call adding k elements (growing if they do not fit)."""
    s = var.header
    elem = var.type
    new_len = s.len + k
    if s.array is not None and new_len <= s.cap:
        store_elems(m, var, s.len, new_len, value)
        s.len = new_len
        m.advance(k * 2)
        return
    old_len, old_cap = s.len, s.cap
    if elem.size == 0:
        # runtime.growslice: zero-size elements get &zerobase, cap = len, no allocation
        s.len = s.cap = new_len
        m.emit("growslice", f"append to {var.name}: zero-size elements, cap {new_len} at "
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
        arr = new_array(m, var.name, elem, buffer, on_stack=True)
        arr.bytes = buffer * elem.size
        s.array, s.offset, s.len, s.cap = arr.id, 0, new_len, buffer
        store_elems(m, var, 0, new_len, value)
        m.emit(
            "growslice",
            f"append to nil local {var.name}: the compiler's 32-byte stack buffer, cap {buffer} "
            f"({buffer} × {elem.size} B), no heap allocation",
            var=var.name, old_len=old_len, old_cap=old_cap, new_cap=buffer, new_bytes=0, stack=True,
        )
        return
    new_cap, capmem = growslice(old_len, old_cap, k, elem.size, elem.noscan)  # runtime.growslice
    old_arr = m.state.arrays.get(s.array) if s.array is not None else None
    cls = alloc_class(capmem, elem.noscan) if capmem <= MAX_SMALL_ALLOC else 0
    where = f"size class {cls}" if cls else f"{capmem // 8192} page(s), large object"
    m.emit(
        "growslice",
        f"append grew {var.name} cap {old_cap} → {new_cap}: {new_cap} × {elem.size} B = "
        f"{format_exact(new_cap * elem.size)}, {where}"
        + ("" if capmem == new_cap * elem.size else f" ({format_exact(capmem)})")
        + (f"; the old {old_cap}-element array is garbage unless another slice keeps it" if old_arr else ""),
        var=var.name, old_len=old_len, old_cap=old_cap, new_cap=new_cap, new_bytes=capmem, stack=False,
    )
    arr = Array(m.state.new_id(), "", elem, new_cap)
    arr.oid = m.alloc(max(capmem, 1), elem.noscan, pointer_slots=new_cap if elem.has_pointers else 0)
    arr.bytes = m.heap.object_bytes(arr.oid)
    register_array(m, var.name, arr)
    if old_arr is not None and elem.has_pointers and old_len:
        # memmove of the old elements (typedmemmove: bulk barrier while marking)
        if old_arr.on_stack:
            vals = old_arr.stack_pointers[s.offset : s.offset + old_len]
            base = int(m.slots.obj_base[arr.oid])
            m.slots.slot_dst[base : base + old_len] = vals
        else:
            m.slots.copy_range(old_arr.oid, s.offset, arr.oid, 0, old_len)
    m.advance(clock.copy_ns(old_len * elem.size))
    s.array, s.offset, s.cap = arr.id, 0, new_cap
    s.len = new_len
    store_elems(m, var, old_len, new_len, value)


def reslice(m: Mutator, op: ops.Reslice) -> None:
    """`v = from[low:high:max]`: a new header into the same backing array (which stays whole)."""
    owner = m.owner(op.g)
    src = m.state.vars[op.source]
    s = src.header
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
        m.bind(var)
    arr = m.state.arrays.get(s.array) if s.array is not None else None
    bounds = f"[{low}:{high}" + (f":{maxi}]" if op.max is not None else "]")
    if arr is None:
        m.emit("reslice", f"{op.var} = {op.source}{bounds} of a nil slice", var=op.var,
               len=header.len, cap=header.cap, array=None, array_bytes=0)
        return
    m.emit(
        "reslice",
        f"{op.var} = {op.source}{bounds}: len {header.len}, cap {header.cap}, but it points into "
        f"{arr.name}, so the whole {format_bytes(arr.bytes, **NOTE_STYLE)} array stays reachable — the GC frees "
        "whole objects only",
        var=op.var, len=header.len, cap=header.cap, array=arr.name, array_bytes=arr.bytes,
    )


def copy_slice(m: Mutator, op: ops.CopySlice) -> None:
    """`v := make([]T, len(from)); copy(v, from)`: a new array of exactly len elements."""
    owner = m.owner(op.g)
    src = m.state.vars[op.source]
    n = src.header.len
    elem = src.type
    header = SliceHeader(None, 0, n, n)
    var = Var(op.var, "slice", owner, elem, slice=header, escape="heap", appended_before=True)
    if n == 0:
        m.bind(var)
        m.emit("alloc", f"{op.var} := make([]{elem.name}, 0): nothing allocated", var=op.var,
               bytes=0, size=0, size_class=0, span_class=0, noscan=elem.noscan, tiny=False,
               large=False, stack=False)
        return
    m.describe_alloc(op.var, n * elem.size, elem.noscan,
                     f"{op.var} := make([]{elem.name}, {n}) + copy = {n} × {elem.size} B")
    arr = new_array(m, op.var, elem, n, on_stack=False)
    header.array = arr.id
    if elem.has_pointers and src.header.array is not None:
        old = m.state.arrays[src.header.array]
        if old.on_stack:
            base = int(m.slots.obj_base[arr.oid])
            m.slots.slot_dst[base : base + n] = old.stack_pointers[src.header.offset : src.header.offset + n]
        else:
            m.slots.copy_range(old.oid, src.header.offset, arr.oid, 0, n)
    m.advance(clock.copy_ns(n * elem.size))
    m.bind(var)
