"""Pointer variables: `new(T)`, pointer writes, variables dying or becoming global."""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.mutator import STACK_ALLOC_LIMIT, Mutator
from gomemtui.runtime.values.variables import NIL, UNKNOWN_POINTEE, Var


def new(m: Mutator, op: ops.New) -> None:
    """`new(T)` / `&T{}` (`runtime.newobject`), or a stack slot when it does not escape."""
    owner = m.owner(op.g)
    t = op.type
    if op.escape == "stack" and t.size <= STACK_ALLOC_LIMIT:
        fields = {name: NIL for name in t.pointer_fields}
        m.bind(Var(op.var, "pointer", owner, t, NIL, stack_fields=fields, escape="stack"))
        m.emit(
            "alloc",
            f"new({t.name}) does not escape: {t.size} B in {owner}'s stack frame, no heap allocation",
            var=op.var, bytes=0, size=t.size, size_class=0, span_class=0,
            noscan=t.noscan, tiny=False, large=False, stack=True,
        )
        m.advance(clock.SMALL_ALLOC_NS // 4)
        return
    size = max(t.size, 1) if t.size > 0 else 0
    if size == 0:
        m.bind(Var(op.var, "pointer", owner, t, NIL))
        m.emit("alloc", f"new({t.name}) is zero-sized: &runtime.zerobase, nothing allocated",
               var=op.var, bytes=0, size=0, size_class=0, span_class=0, noscan=True,
               tiny=False, large=False, stack=False)
        return
    m.describe_alloc(op.var, size, t.noscan, f"new({t.name})")
    oid = m.alloc(size, t.noscan, pointer_slots=len(t.pointer_fields))
    m.slots.name_objects(oid, op.var)
    m.bind(Var(op.var, "pointer", owner, t, oid))


def new_many(m: Mutator, op: ops.New, times: int) -> None:
    """`for i := 0; i < N; i++ { v = new(T) }`: each new object replaces the last in v."""
    owner = m.owner(op.g)
    t = op.type
    size = max(t.size, 1)
    saved = m.resumed()
    if saved is None:
        m.describe_alloc(op.var, t.size, t.noscan, f"{times} × new({t.name})")
    done = 0 if saved is None else saved[1]
    while done < times:
        chunk = m.chunk_before_trigger(times - done, size, t.noscan)
        oids = m.alloc_many(chunk, size, t.noscan, len(t.pointer_fields))
        m.slots.name_objects(oids, op.var)
        m.bind(Var(op.var, "pointer", owner, t, int(oids[-1])))
        done += chunk
        m.collector.check_trigger()
        m.pause_point(("new", done, times))


def assign(m: Mutator, op: ops.Assign) -> None:
    """A pointer write: a local (no barrier) or `holder.field = value` (`gcWriteBarrier` while marking)."""
    owner = m.owner(op.g)
    new = NIL if op.value is None else m.state.vars[op.value].oid
    new_name = "nil" if op.value is None else op.value
    if op.field is None:
        target = m.state.vars.get(op.target)
        src_var = None if op.value is None else m.state.vars[op.value]
        var = Var(op.target, "pointer", target.owner if target else owner,
                  src_var.type if src_var else (target.type if target else UNKNOWN_POINTEE), new)
        if src_var is not None and src_var.stack_fields is not None:
            var.stack_fields = src_var.stack_fields
        m.bind(var)
        m.emit("assign", f"{op.target} = {new_name} (a local: no write barrier on stack slots)",
               target=op.target, value=op.value)
        m.advance(clock.POINTER_WRITE_NS)
        return
    holder = m.state.vars[op.target]
    index = holder.type.pointer_fields.index(op.field)
    if holder.stack_fields is None and holder.oid == NIL:
        m.emit("panic", f"{op.target}.{op.field} = {new_name}: {op.target} is nil — the real "
               "program panics (invalid memory address or nil pointer dereference); nothing written",
               target=f"{op.target}.{op.field}", value=op.value)
        return
    if holder.stack_fields is not None:
        old = holder.stack_fields.get(op.field, NIL)
        holder.stack_fields[op.field] = new
    else:
        old = m.slots.set(holder.oid, index, new)
    if m.collector.write_barrier_on():
        m.collector.write_barrier(holder.oid, old, new)
    m.emit("assign", f"{op.target}.{op.field} = {new_name}", target=f"{op.target}.{op.field}",
           value=op.value)
    m.advance(clock.POINTER_WRITE_NS)


def drop(m: Mutator, op: ops.Drop) -> None:
    """The variable dies (goes out of scope or is set to nil): what only it reached is garbage."""
    m.owner(op.g)
    var = m.state.vars.pop(op.var)
    m.emit("var", f"{op.var} is dead (out of scope or nil): what only it reached is garbage "
           "for the next GC", var=op.var, state="dead")
    _ = var


def make_global(m: Mutator, op: ops.Global) -> None:
    """The variable is package-level: in data/BSS, a root for ever."""
    m.owner(op.g)
    m.state.vars[op.var].owner = None
    m.emit("var", f"{op.var} is a package-level variable: a GC root for ever", var=op.var,
           state="global")
