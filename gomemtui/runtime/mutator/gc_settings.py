"""The program's hold on the collector: `runtime.GC()`, `debug.SetGCPercent`, `debug.SetMemoryLimit`."""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.units import NOTE_STYLE, format_bytes, format_goal


def gc(m: Mutator, op: ops.GC) -> None:
    """`runtime.GC()`: a full forced cycle, sweeping included, before the program goes on."""
    m.owner(op.g)
    m.collector.forced_gc()


def set_gc_percent(m: Mutator, op: ops.SetGCPercent) -> None:
    """`debug.SetGCPercent`: a new GOGC (None is off); a running mark is finished first (`gcWaitOnMark`)."""
    m.owner(op.g)
    old = m.collector.pacer_gogc()
    if op.value is None and m.collector.phase is GCPhase.MARK:
        m.collector.finish_cycle_now()  # setGCPercent waits for a running mark (gcWaitOnMark)
    m.collector.set_gogc(op.value)
    m.emit("set_gc_percent", f"debug.SetGCPercent({-1 if op.value is None else op.value}) "
           f"(was {'off' if old is None else old}): goal now {format_goal(m.collector.pacer_goal(), **NOTE_STYLE)}",
           value=op.value, old=old, goal=m.collector.pacer_goal())


def set_memory_limit(m: Mutator, op: ops.SetMemoryLimit) -> None:
    """`debug.SetMemoryLimit`: a new GOMEMLIMIT in bytes (None is no limit)."""
    m.owner(op.g)
    m.collector.set_memory_limit(op.value)
    limit = "none" if op.value is None else format_bytes(op.value, **NOTE_STYLE)
    goal = m.collector.pacer_goal()
    m.emit("set_memory_limit", f"debug.SetMemoryLimit({limit}): goal now {format_goal(goal, **NOTE_STYLE)}",
           value=op.value, goal=goal)
