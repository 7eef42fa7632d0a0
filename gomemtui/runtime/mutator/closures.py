"""Closures: `f := func() { … x … }` (the layout rules are `runtime.values.closures`)."""

from __future__ import annotations

from dataclasses import dataclass

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.types import GoType
from gomemtui.runtime.values.closures import FUNC_TYPE, captured_by_reference, header_type, layout
from gomemtui.runtime.values.variables import NIL, Var
from gomemtui.units import format_exact


@dataclass(frozen=True)
class _Captured:
    """One capture resolved against the program's state."""

    name: str
    type: GoType
    by_reference: bool
    targets: tuple[int, ...]
    """Heap objects the captured value points to (an existing variable's)."""
    declared: bool
    """A local declared with the closure (not an existing variable)."""


def _captured(m: Mutator, c: ops.Capture) -> _Captured:
    """A declared local with its type, or a live variable with the header it copies."""
    if c.type is not None:
        return _Captured(c.name, c.type, captured_by_reference(c.type, c.modified), (), True)
    src = m.state.vars[c.name]
    return _Captured(c.name, header_type(src.kind, src.type), False, tuple(m.state.var_objects(src)), False)


def _how(c: _Captured) -> str:
    return f"{c.name} by reference" if c.by_reference else f"{c.name} by value ({c.type.size} B)"


def closure(m: Mutator, op: ops.Closure) -> None:
    """A func literal: nothing without captures (a static funcval), a closure in the frame
    when it does not escape, else a heap closure and a `new(T)` per local captured by
    reference (`go build -gcflags=-m`: "func literal escapes to heap", "moved to heap: n")."""
    owner = m.owner(op.g)
    var = Var(op.var, "func", owner, FUNC_TYPE, escape=op.escape)
    captured = [_captured(m, c) for c in op.captures]
    if not captured:
        m.bind(var)
        m.emit("closure", f"{_said(op)} captures nothing: a static funcval in read-only data; nothing "
               "allocated", var=op.var, bytes=0, stack=False, captures=[], by_reference=[], moved=[])
        m.advance(clock.POINTER_WRITE_NS)
    elif op.escape == "stack":
        _in_frame(m, op, var, captured)
    else:
        _on_heap(m, op, var, captured)


def _said(op: ops.Closure) -> str:
    return f"{op.var} := func(){{…}}"


def _in_frame(m: Mutator, op: ops.Closure, var: Var, captured: list[_Captured]) -> None:
    """A closure that does not escape: in the frame with its by-reference locals; what it
    captured stays reachable from the frame while the variable lives."""
    shape = layout([(c.name, c.type, c.by_reference) for c in captured])
    by_ref = [c.name for c in captured if c.by_reference]
    var.stack_fields = {f"{c.name}#{i}": t for c in captured for i, t in enumerate(c.targets)}
    m.bind(var)
    kept = f"; {', '.join(by_ref)} stay{'s' if len(by_ref) == 1 else ''} in the frame too" if by_ref else ""
    m.emit("closure", f"{_said(op)} does not escape: its {format_exact(shape.size)} closure (code pointer, "
           f"{', '.join(_how(c) for c in captured)}) is in {var.owner}'s stack frame{kept}; nothing allocated",
           var=op.var, bytes=0, stack=True, captures=[c.name for c in captured], by_reference=by_ref, moved=[])
    m.advance(clock.POINTER_WRITE_NS)


def _on_heap(m: Mutator, op: ops.Closure, var: Var, captured: list[_Captured]) -> None:
    """An escaping closure: each local it captures by reference moved to the heap (its
    declaration becomes a `runtime.newobject`), then the closure object pointing to them
    and to what the captured values point to."""
    moved: dict[str, int] = {}
    for c in captured:
        if c.by_reference and c.declared and c.type.size > 0:
            m.describe_alloc(c.name, c.type.size, c.type.noscan,
                             f"moved to heap: {c.name} ({op.var} captures it by reference)")
            moved[c.name] = m.alloc(c.type.size, c.type.noscan, pointer_slots=len(c.type.pointer_fields))
            m.slots.name_internal(moved[c.name], f"{c.name} (moved to heap)")
    shape = layout([(c.name, c.type, c.by_reference) for c in captured])
    targets = [t for c in captured for t in ((moved[c.name],) if c.name in moved else c.targets)]
    m.describe_alloc(op.var, shape.size, shape.noscan,
                     f"{_said(op)} escapes: its closure is the code pointer and {', '.join(_how(c) for c in captured)}")
    var.oid = m.alloc(shape.size, shape.noscan, pointer_slots=len(targets))
    for i, t in enumerate(targets):
        if t != NIL:
            m.slots.set(var.oid, i, t)
    var.owns_object = True
    m.slots.name_internal(var.oid, f"{op.var} (func closure)")
    m.bind(var)
    sizes = {c.name: c.type.size for c in captured}
    by_ref = [c.name for c in captured if c.by_reference]
    extra = "".join(f" + {n} moved to heap {format_exact(sizes[n])}" for n in moved)
    words = (f"captures {', '.join(by_ref)} by reference" if by_ref
             else f"captures {', '.join(c.name for c in captured)} by value")
    m.emit("closure", f"{_said(op)} {words}: closure {format_exact(shape.size)}{extra}",
           var=op.var, bytes=shape.size + sum(sizes[n] for n in moved), stack=False,
           captures=[c.name for c in captured], by_reference=by_ref, moved=list(moved))
