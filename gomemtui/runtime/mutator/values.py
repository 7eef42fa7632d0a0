"""Values: element writes into slices (`s[i] = p`), boxing into interfaces, closures."""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.values.variables import NIL


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
