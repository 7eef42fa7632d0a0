"""The program's calls into the runtime's memory hooks: `runtime.SetFinalizer`,
`runtime.AddCleanup`, `weak.Make` and `Pointer.Value`, and `debug.FreeOSMemory`.

What each allocates was measured with go1.27.3 (HeapAlloc and Mallocs around each call,
after two GCs, GOMAXPROCS=1 and 4; tests/realgo/test_specials.py):

* `SetFinalizer`: nothing on the heap. The special record is off-heap (`fixalloc`), and
  the finalizer goroutine it starts once (`createfing`) reuses a dead `g`.
* `AddCleanup(p, f, arg)` with a small pointer-free `arg`: the argument boxed in a
  16-byte object (`new([2]uintptr)`, noscan) and a 16-byte closure (`callCleanup[S]`
  closes over its dictionary); the first call also starts the runtime's cleanup
  goroutine, a 480-byte `g` (`gcCleanups.createGs`): 512 B, then 32 B per call.
* `weak.Make(p)`: a 16-byte handle the first time `p`'s object is made weak
  (`getOrAddWeakHandle`), nothing after that; `Value` allocates nothing.
* `debug.FreeOSMemory`: `runtime.GC()` then `mheap.scavengeAll`, which releases every
  free page (HeapReleased rises to HeapIdle).

The finalizer goroutine runs a finalizer as soon as it is scheduled, and a cleanup
goroutine runs a cleanup once sweeping is done (`gcCleanups.flush`); here both run at
the end of the operation that queued them (`Mutator.run_queued`), or of a later one
if sweeping is not done by then.
"""

from __future__ import annotations

import numpy as np

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.memory.specials import WEAK_HANDLE_BYTES
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.values.runtime_objects import G_BYTES
from gomemtui.runtime.values.variables import NIL, Var
from gomemtui.units import format_exact

CLEANUP_ARG_BYTES = 16
"""`AddCleanup` boxes a pointer-free argument smaller than 16 B in `new([2]uintptr)`."""
CLEANUP_CLOSURE_BYTES = 16
"""The `callCleanup[S]` func value with its dictionary (a TODO in mcleanup.go says it allocates)."""


def _object(m: Mutator, call: str, var_name: str, nil_crash: str) -> int | None:
    """The heap object a pointer variable points to; None, with an event, for a nil
    pointer (`nil_crash`: how the real program dies) or a zero-sized object
    (`runtime.zerobase`, not in the heap: the call does nothing)."""
    var = m.state.vars[var_name]
    if var.oid != NIL:
        return var.oid
    if var.type.size == 0 and var.stack_fields is None:
        m.emit("note", f"{call}: {var_name} points to a zero-sized object (runtime.zerobase), not "
               "into the heap: nothing happens, and the function would never run", var=var_name)
        return None
    m.emit("fatal", f"{call}: {var_name} is nil — the real program crashes here ({nil_crash})", var=var_name)
    return None


def set_finalizer(m: Mutator, op: ops.SetFinalizer) -> None:
    """`runtime.SetFinalizer(v, f)` (`addfinalizer`): a finalizer special, no heap allocation."""
    m.owner(op.g)
    oid = _object(m, f"runtime.SetFinalizer({op.var}, f)", op.var,
                  "fatal error: runtime.SetFinalizer: pointer not in allocated block")
    if oid is None:
        return
    name = m.name_of(oid)
    if not m.heap.specials.add_finalizer(oid, name):
        m.emit("fatal", f"runtime.SetFinalizer({op.var}, f): {name} has a finalizer already — fatal "
               "error: runtime.SetFinalizer: finalizer already set", var=op.var)
        return
    size = m.heap.object_bytes(oid)
    m.emit("set_finalizer", (
        f"runtime.SetFinalizer({op.var}, f): {name} ({format_exact(size)}) gets a finalizer (a special "
        "record beside its span, not on the heap). The first cycle that finds it unreachable keeps it, "
        "and everything it points to, one more cycle and queues f; the cycle after f has run frees it"),
        var=op.var, object=name, bytes=size)
    m.advance(clock.SMALL_ALLOC_NS)


def add_cleanup(m: Mutator, op: ops.AddCleanup) -> None:
    """`runtime.AddCleanup(v, f, arg)`: the boxed argument, the closure, a cleanup special."""
    m.owner(op.g)
    oid = _object(m, f"runtime.AddCleanup({op.var}, f, arg)", op.var, "panic: runtime.AddCleanup: ptr is nil")
    if oid is None:
        return
    name = m.name_of(oid)
    box = m.alloc(CLEANUP_ARG_BYTES, noscan=True)  # argv := new([2]uintptr): pointer-free arg
    m.slots.name_internal(box, f"cleanup arg ({name})")
    started = ""
    system = m.state.runtime_objects.system_gs
    if "cleanup" not in system:  # gcCleanups.needG → createGs: go runCleanups()
        system["cleanup"] = m.alloc(G_BYTES, noscan=False)
        m.slots.name_internal(system["cleanup"], "g (cleanup goroutine)")
        started = f"; the first cleanup starts the runtime's cleanup goroutine (a {G_BYTES} B g)"
    closure = m.alloc(CLEANUP_CLOSURE_BYTES, noscan=False)  # cleanupFn{call: callCleanup[S], ...}
    m.slots.name_internal(closure, f"cleanup func ({name})")
    c = m.heap.specials.add_cleanup(oid, name, (box, closure))
    m.emit("add_cleanup", (
        f"runtime.AddCleanup({op.var}, f, arg): {c.label} — a special record beside {name}'s span, "
        f"the argument boxed ({CLEANUP_ARG_BYTES} B) and the call in a {CLEANUP_CLOSURE_BYTES} B closure"
        f"{started}. It does not keep {name} alive: the first cycle that finds {name} unreachable "
        "frees it, then f(arg) runs"), var=op.var, object=name, cleanup=c.id)
    m.advance(2 * clock.SMALL_ALLOC_NS)


def weak_make(m: Mutator, op: ops.WeakMake) -> None:
    """`w := weak.Make(p)` (`getOrAddWeakHandle`): the object's one handle, made on first use."""
    owner = m.owner(op.g)
    src = m.state.vars[op.source]
    oid = src.oid
    if oid == NIL:
        m.bind(Var(op.var, "weak", owner, src.type, NIL))
        m.emit("weak_make", f"{op.var} := weak.Make({op.source}): {op.source} is nil, so {op.var} is a nil "
               "weak pointer (Value returns nil); nothing allocated", var=op.var, source=op.source,
               object=None, handle=None, new_handle=False)
        return
    name = m.name_of(oid)
    specials = m.heap.specials
    handle = specials.weak_handle(oid)
    if handle is None:
        handle = m.alloc(WEAK_HANDLE_BYTES, noscan=True)
        m.slots.name_internal(handle, f"weak handle ({name})")
        specials.add_weak(oid, handle, name)
        text = (f"{op.var} := weak.Make({op.source}): a {WEAK_HANDLE_BYTES} B handle for {name} (an 8-byte "
                "word padded so it shares no tiny block); the weak pointer points to the handle, not to "
                f"{name}, so it does not keep {name} alive")
        new = True
    else:
        text = (f"{op.var} := weak.Make({op.source}): {name} has a handle already: {op.var} shares it "
                "(weak pointers to one object compare equal); nothing allocated")
        new = False
    m.bind(Var(op.var, "weak", owner, src.type, handle))
    m.emit("weak_make", text, var=op.var, source=op.source, object=name, handle=m.name_of(handle),
           new_handle=new)
    m.advance(clock.SMALL_ALLOC_NS)


def weak_value(m: Mutator, op: ops.WeakValue) -> None:
    """`p := w.Value()` (`makeStrongFromWeak`): the object if its handle still holds it.

    The span of the object is swept first (`span.ensureSwept`): an object the last
    cycle did not mark has its handle cleared by that sweep, so Value is nil as soon as
    a cycle has found the object unreachable. While marking, the object is shaded.
    """
    owner = m.owner(op.g)
    w = m.state.vars[op.source]
    specials = m.heap.specials
    target = NIL if w.oid == NIL else specials.weak_target(w.oid)
    if target != NIL and m.heap.obj_live[target]:
        m.heap.sweep_span(m.heap.span_of(target))  # ensureSwept: may clear the handle
        target = specials.weak_target(w.oid)
    m.bind(Var(op.var, "pointer", owner, w.type, target))
    if target == NIL:
        m.emit("weak_value", f"{op.var} := {op.source}.Value() is nil: "
               + ("a cycle found the object unreachable and its sweep cleared the handle"
                  if w.oid != NIL else f"{op.source} is a nil weak pointer"),
               var=op.var, source=op.source, object=None)
    else:
        mark = m.collector.mark
        if mark is not None:
            mark.shade_objects(np.array([target], dtype=np.int64))  # gcphase != _GCoff: shade(ptr)
        name = m.name_of(target)
        m.emit("weak_value", f"{op.var} := {op.source}.Value(): {name} is still alive; {op.var} is a strong "
               f"pointer to it and keeps it alive", var=op.var, source=op.source, object=name)
    m.advance(clock.POINTER_WRITE_NS)


def free_os_memory(m: Mutator, op: ops.FreeOSMemory) -> None:
    """`debug.FreeOSMemory()` (`runtime_debug_freeOSMemory`): `GC()`, then
    `mheap.scavengeAll`: every free page not yet released is returned to the OS."""
    m.owner(op.g)
    m.collector.forced_gc()
    scavenger = m.heap.scavenger
    assert scavenger is not None, "the core attaches the scavenger to the heap"
    released = scavenger.scavenge_all()
    idle, now = m.heap.pages.idle_bytes, m.heap.pages.released_bytes
    m.emit("free_os_memory", (
        f"debug.FreeOSMemory: after the forced GC the scavenger returned {format_exact(released)} of free "
        f"pages to the OS (scavengeAll): HeapReleased {format_exact(now)} = HeapIdle {format_exact(idle)}; "
        "the heap keeps its address space and takes pages back when it grows again"),
        released_bytes=released, idle_bytes=idle, heap_released_bytes=now)
