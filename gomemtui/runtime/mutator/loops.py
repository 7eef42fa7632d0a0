"""`repeat = N` and `loop`: an op or a body run many times (big repeats in vectorized runs)."""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.maps import map_insert
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.mutator.pointers import new_many
from gomemtui.runtime.mutator.slices import append


def repeat(m: Mutator, op: ops.Repeat) -> None:
    """`repeat = N`: the op N times; a run of `new`, a one-by-one `append` or a map insert in one go."""
    inner = op.op
    if isinstance(inner, ops.New) and inner.escape == "heap" and op.times > 1:
        new_many(m, inner, op.times)
        return
    if isinstance(inner, ops.Append) and inner.batch is None and inner.value is None:
        append(m, ops.Append(inner.var, inner.count * op.times, None, None, inner.g))
        return
    if isinstance(inner, ops.MapInsert):
        map_insert(m, ops.MapInsert(inner.var, inner.count * op.times, inner.g))
        return
    saved = m.resumed()
    k = 0 if saved is None else saved[1]
    while k < op.times:
        m.save(("repeat", k, op.times))
        m.run_op(inner)
        k += 1
        m.pause_point(("repeat", k, op.times))


def loop(m: Mutator, op: ops.Loop) -> None:
    """`for i := 0; i < times; i++ { body }`, pausable after each op of the body."""
    saved = m.resumed()
    i, j = (0, 0) if saved is None else (saved[1], saved[3])
    outer = m.site_path
    while i < op.times:
        while j < len(op.body):
            m.save(("loop", i, op.times, j))
            m.enter_site(outer + (j,))
            m.run_op(op.body[j])
            m.enter_site(outer)
            j += 1
            m.pause_point(("loop", i, op.times, j))
        i += 1
        j = 0
