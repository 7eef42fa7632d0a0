"""Values: element writes into slices (`s[i] = p`) and boxing into interfaces (closures: `closures`)."""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.mutator import STACK_ALLOC_LIMIT, Mutator
from gomemtui.runtime.types import GoType
from gomemtui.runtime.values.boxing import convert
from gomemtui.runtime.values.variables import NIL, Var


def set_elem(m: Mutator, op: ops.SetElem) -> None:
    """`s[i] = p` / `s[i] = nil`: one pointer slot of the backing array is overwritten.

    A store of a pointer into a heap array is `runtime.gcWriteBarrier` while the collector
    marks (the hybrid barrier shades the old and the new target); an element of a stack
    array is a stack slot, which needs no barrier. Clearing the element drops the array's
    reference to the old target, so it dies at the next cycle if nothing else reaches it.
    """
    m.owner(op.g)
    var = m.state.vars[op.var]
    s = var.header
    new = NIL if op.value is None else m.state.vars[op.value].oid
    new_name = "nil" if op.value is None else op.value
    if op.index >= s.len or s.array is None:
        # runtime.panicIndex: the bounds check the compiler put before the store
        m.emit("panic", f"{op.var}[{op.index}] = {new_name}: index out of range [{op.index}] with "
               f"length {s.len} — the real program panics (runtime error: index out of range); "
               "nothing written", target=f"{op.var}[{op.index}]", value=op.value)
        return
    arr = m.state.arrays[s.array]
    at = s.offset + op.index
    if arr.on_stack:
        slots = arr.stack_pointers
        old = int(slots[at])
        slots[at] = new
        where = f"{arr.name} is in {var.owner}'s stack frame: no write barrier on stack slots"
    else:
        old = m.slots.set(arr.oid, at, new)
        if m.collector.write_barrier_on():
            m.collector.write_barrier(arr.oid, old, new)
        where = f"element {at} of {arr.name}"
    old_name = m.slots.name(old) if old != NIL else "nil"
    dropped = ""
    if old != NIL and old != new:
        dropped = f"; {old_name} is no longer reached through {arr.name}"
    m.emit("set_elem", f"{op.var}[{op.index}] = {new_name} ({where}; it held {old_name}){dropped}",
           var=op.var, index=op.index, array=arr.name, old=None if old == NIL else old_name,
           value=op.value)
    m.advance(clock.POINTER_WRITE_NS)


def box(m: Mutator, op: ops.Box) -> None:
    """`var v any = x`: the interface's data word is x itself (pointer-shaped), a static
    copy (constants, zero-size values, 0..255), or a heap copy made by `runtime.convT*`."""
    owner = m.owner(op.g)
    src = m.state.vars.get(op.source) if op.source is not None else None
    if src is not None:
        _box_variable(m, op, owner, src)
        return
    assert op.type is not None, "the checker requires `from` or `type`"
    t = op.type
    how = convert(t, op.value, op.constant)
    shown = f"{t.name}({op.value})" if op.value is not None else t.name
    var = Var(op.var, "iface", owner, t)
    if not how.allocates:
        m.bind(var)
        m.emit("box", f"var {op.var} any = {shown}: {how.why}; nothing allocated", var=op.var,
               type=t.name, func=how.func, bytes=0, stack=False)
        m.advance(clock.POINTER_WRITE_NS)
        return
    if op.escape == "stack" and t.size <= STACK_ALLOC_LIMIT:
        m.bind(var)
        m.emit("box", f"var {op.var} any = {shown} does not escape: the {t.size}-byte copy is a "
               f"temporary in {owner}'s stack frame, no {how.func} call", var=op.var, type=t.name,
               func=how.func, bytes=0, stack=True)
        m.advance(clock.POINTER_WRITE_NS)
        return
    size = 16 if t.name == "string" else 24 if t.name.startswith("[]") else t.size
    m.describe_alloc(op.var, size, t.noscan, f"var {op.var} any = {shown}: {how.why}")
    var.oid = m.alloc(size, t.noscan)
    var.owns_object = True
    m.slots.name_internal(var.oid, f"{op.var} (any: {t.name})")
    m.bind(var)


def _box_variable(m: Mutator, op: ops.Box, owner: str, src: Var) -> None:
    """Boxing a variable: a pointer, map, pool or func is the data word itself; an interface
    is copied (two words); a slice is a `convTslice` heap copy of its header."""
    if src.kind != "slice":
        var = Var(op.var, "iface", owner, src.type, src.oid, stack_fields=src.stack_fields,
                  map_id=src.map_id, pool_id=src.pool_id, key_type=src.key_type)
        m.bind(var)
        why = ("an interface copied: its two words, nothing allocated" if src.kind == "iface"
               else f"{op.source} is pointer-shaped ({src.kind}): the pointer is the data word, nothing allocated")
        m.emit("box", f"var {op.var} any = {op.source}: {why}", var=op.var,
               type=src.type.name, func="none", bytes=0, stack=False)
        m.advance(clock.POINTER_WRITE_NS)
        return
    header = src.header
    slice_type = GoType(f"[]{src.type.name}", 24, True)
    var = Var(op.var, "iface", owner, slice_type)
    if header.array is None:
        m.bind(var)
        m.emit("box", f"var {op.var} any = {op.source}: a nil slice, convTslice points at "
               "runtime.zeroVal; nothing allocated", var=op.var, type=slice_type.name,
               func="runtime.convTslice", bytes=0, stack=False)
        return
    arr = m.state.arrays[header.array]
    if op.escape == "stack":
        var.stack_fields = {"array": arr.oid} if not arr.on_stack else {}
        m.bind(var)
        m.emit("box", f"var {op.var} any = {op.source} does not escape: the 24-byte header is a "
               f"temporary in {owner}'s stack frame, no convTslice call", var=op.var,
               type=slice_type.name, func="runtime.convTslice", bytes=0, stack=True)
        return
    m.describe_alloc(op.var, 24, False, f"var {op.var} any = {op.source}: convTslice copies the "
                     "24-byte slice header to the heap")
    var.oid = m.alloc(24, False, pointer_slots=1)
    var.owns_object = True
    if not arr.on_stack:
        m.slots.set(var.oid, 0, arr.oid)
    m.slots.name_internal(var.oid, f"{op.var} (any: {slice_type.name})")
    m.bind(var)
