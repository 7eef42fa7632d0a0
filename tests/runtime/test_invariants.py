"""Invariants of the whole core over random programs (hypothesis).

- no object reachable from the roots is ever freed;
- at mark termination every reachable object is marked;
- HeapAlloc equals the bytes of live objects (allocated − freed = in use);
- the heap goal is never below the live heap the last cycle marked;
- the same program always ends in the same state (determinism).
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.types import GoType, parse_type
from gomemtui.runtime.read.build import reachable_mask
from gomemtui.runtime.read.views import GCPhase

NODE = GoType("Node", 24, True, ("next", "other"))
VARS = ["a", "b", "c", "d"]
ELEMS = [parse_type("int"), parse_type("byte"), parse_type("*Node", {"Node": NODE}), parse_type("[40]byte")]


@st.composite
def operations(draw):
    kind = draw(st.sampled_from(["new", "slice", "append", "reslice", "assign", "drop", "gc", "map",
                                 "phase", "mark", "big", "global"]))
    var = draw(st.sampled_from(VARS))
    other = draw(st.sampled_from(VARS))
    if kind == "new":
        return ops.New(var, NODE)
    if kind == "slice":
        elem = draw(st.sampled_from(ELEMS))
        n = draw(st.integers(0, 300))
        return ops.MakeSlice(var, elem, n, n + draw(st.integers(0, 50)))
    if kind == "append":
        return ("append", var, draw(st.integers(1, 400)), draw(st.booleans()), other)
    if kind == "reslice":
        return ("reslice", var, other, draw(st.integers(0, 10)))
    if kind == "assign":
        return ("assign", var, draw(st.sampled_from(["next", "other", None])), other)
    if kind == "drop":
        return ("drop", var)
    if kind == "map":
        return ("map", var, draw(st.integers(0, 200)))
    if kind == "big":
        return ops.MakeSlice(var, parse_type("byte"), 1 << 20, 1 << 20)
    if kind == "global":
        return ("global", var)
    return kind


def _pick(r: Runtime, kind: str, name: str) -> str:
    """A live variable of that kind (chosen by the drawn name), or the name itself."""
    names = sorted(n for n, v in r.state.vars.items() if v.kind == kind)
    if not names:
        return name
    return names[VARS.index(name) % len(names)] if name in VARS else names[0]


def realize(r: Runtime, step):
    """Turn a drawn step into an op valid for the runtime's current variables (or None)."""
    if isinstance(step, str):
        return step
    if not isinstance(step, tuple):
        return step
    kind, var, *rest = step
    if kind in ("append", "reslice"):
        var = _pick(r, "slice", var)
    elif kind == "assign" and rest[0] is not None:
        var = _pick(r, "pointer", var)
    v = r.state.vars.get(var)
    if kind == "append":
        count, bulk, value = rest
        if v is None or v.kind != "slice":
            return None
        value = _pick(r, "pointer", value)
        src = r.state.vars.get(value)
        use = value if (v.type.has_pointers and src is not None and src.kind == "pointer"
                        and src.stack_fields is None) else None
        return ops.Append(var, batch=count, value=use) if bulk else ops.Append(var, count=count, value=use)
    if kind == "reslice":
        other, high = rest
        if v is None or v.kind != "slice":
            return None
        return ops.Reslice(other, var, 0, min(high, v.slice.len))
    if kind == "assign":
        field, value = rest
        value = _pick(r, "pointer", value)
        src = r.state.vars.get(value)
        if src is None or src.kind != "pointer":
            return None
        if field is None:
            return ops.Assign(var, None, value)
        if v is None or v.kind != "pointer" or v.oid < 0 or field not in v.type.pointer_fields:
            return None
        return ops.Assign(var, field, value)
    if kind == "drop":
        return ops.Drop(var) if v is not None else None
    if kind == "global":
        return ops.Global(var) if v is not None else None
    if kind == "map":
        (n,) = rest
        if v is None:
            return ops.MakeMap(var, parse_type("int"), parse_type("int"), None)
        if v.kind == "map":
            return ops.MapInsert(var, n) if n else ops.MapDelete(var, all=True)
        return None
    return None


def check_heap_accounting(r: Runtime) -> None:
    n = r.heap.n_objects
    live = np.flatnonzero(r.heap.obj_live[:n])
    assert int(r.heap.object_bytes_array(live).sum()) == r.heap.stats().heap_alloc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations(), min_size=1, max_size=40), st.sampled_from([True, False]))
def test_random_programs_never_free_reachable_objects(steps, green_tea):
    r = Runtime(ops.RuntimeSettings(gomaxprocs=2, green_tea=green_tea))
    for step in steps:
        op = realize(r, step)
        if op is None:
            continue
        if op == "gc":
            r.gc()
        elif op == "phase":
            r.advance_phase()
        elif op == "mark":
            r.mark_unit()
        else:
            before = reachable_mask(r)
            r.apply(op)
            # Nothing that was reachable before the op and is still reachable got freed.
            n = len(before)
            still = reachable_mask(r)[:n]
            assert not (before & still & ~r.heap.obj_live[:n]).any()
        n = r.heap.n_objects
        reach = reachable_mask(r)
        assert not (reach & ~r.heap.obj_live[:n]).any(), "a reachable object was freed"
        if r.phase is GCPhase.MARK_TERM:
            assert not (reach & ~r.heap.obj_marked[:n]).any(), "reachable but unmarked at mark termination"
        check_heap_accounting(r)
        assert r.collector.pacer_goal() >= r.collector.last_marked
    r.gc()
    r.gc()  # the tiny block current at the first cycle's start survives it (gcMarkTinyAllocs)
    # After full cycles and sweeps, the heap holds exactly the reachable objects.
    n = r.heap.n_objects
    assert (reachable_mask(r) == r.heap.obj_live[:n]).all()
    check_heap_accounting(r)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations(), min_size=1, max_size=20))
def test_the_same_random_program_is_deterministic(steps):
    digests = []
    for _ in range(2):
        r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
        for step in steps:
            op = realize(r, step)
            if op is None:
                continue
            {"gc": r.gc, "phase": r.advance_phase, "mark": r.mark_unit}.get(op, lambda op=op: r.apply(op))()
        digests.append(r.digest())
    assert digests[0] == digests[1]
