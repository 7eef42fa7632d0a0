"""A small fake Timeline/Runtime with the real contract's methods, for UI tests.

The state is a pure function of the list of actions applied (so stepping back is
exact, as in the real core): each scenario step allocates a few objects, the GC
phases advance with `next_phase`, and `mark_unit` turns grey objects black.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gomemtui.runtime.events import Event
from gomemtui.runtime.program import GC, Append, Drop, MakeSlice, Program, RuntimeSettings, Step
from gomemtui.runtime.types import BUILTIN_TYPES
from gomemtui.runtime.read.views import (
    ArrayView, GCPhase, GCView, GoroutineView, GridMode, MapView, MarkColor, MemStats,
    PacerPoint, PoolLocalView, PoolView, RetentionPath, RuntimeView, SliceView, SpanSlot,
    SpanView, TableView, VarView,
)

SOURCE = """package main

import "runtime"

func main() {
\tnumbers := make([]int, 0, 4)
\tfor i := 0; i < 100; i++ {
\t\tnumbers = append(numbers, i)
\t}
\tsmall := numbers[:2]
\tnumbers = nil
\truntime.GC()
\t_ = small
}
"""

PHASES = (GCPhase.OFF, GCPhase.SWEEP_TERM, GCPhase.MARK, GCPhase.MARK_TERM, GCPhase.SWEEP)


def fake_program(steps: int = 12) -> Program:
    """A program of `steps` steps over SOURCE (lines 6, 8, 8, ..., 10, 11, 12)."""
    int_t = BUILTIN_TYPES["int"]
    out: list[Step] = [Step(0, 6, "make_slice", MakeSlice("numbers", int_t, 0, 4),
                            note="make([]int, 0, 4) asks for room for 4 ints.")]
    for i in range(1, steps - 2):
        out.append(Step(i, 8, "append", Append("numbers", count=8), note="append grows the array."))
    out.append(Step(steps - 2, 11, "drop", Drop("numbers")))
    out.append(Step(steps - 1, 12, "gc", GC(), note="runtime.GC() frees the old arrays."))
    return Program(RuntimeSettings(), tuple(out), ("main", "worker"), title="Fake growth",
                   summary="A fake scenario for UI tests.", source=SOURCE)


class FakeRuntime:
    """Views computed from a FakeTimeline's action list."""

    def __init__(self, timeline: "FakeTimeline") -> None:
        self._tl = timeline
        self.calls: list[str] = []

    # state derived from actions
    def _state(self) -> dict:
        steps = 0
        phase_i = 0
        cycles = 0
        marked = 0
        for a in self._tl.actions:
            if a == "step":
                steps += 1
            elif a == "phase":
                phase_i = (phase_i + 1) % len(PHASES)
                if phase_i == 1:
                    cycles += 1
                    marked = 0
            elif a == "mark" and PHASES[phase_i] == GCPhase.MARK:
                marked += 1
            elif a == "gc":
                cycles += 1
                phase_i = 0
        return {"steps": steps, "phase": PHASES[phase_i], "cycles": cycles, "marked": marked}

    @property
    def phase(self) -> GCPhase:
        return self._state()["phase"]

    def view(self) -> RuntimeView:
        self.calls.append("view")
        st = self._state()
        n = st["steps"]
        objects = 3 + 5 * n
        inuse = 8192 * (1 + n)
        alloc = 48 * objects
        goal = 4 * 1024 * 1024
        phase = st["phase"]
        grey = 4 if phase == GCPhase.MARK else 0
        black = min(objects, st["marked"] * 3) if phase in (GCPhase.MARK, GCPhase.MARK_TERM) else 0
        history = tuple(
            PacerPoint(i * 1000, 10000 + 3000 * i, 8192 * (1 + i), 9000 + 2000 * i,
                       3_500_000, goal, GCPhase.OFF)
            for i in range(n + 1)
        )
        gc = GCView(
            phase=phase, cycle=st["cycles"], gogc=100, memory_limit=None,
            trigger=3_500_000, goal=goal, last_marked=1024 * st["cycles"],
            mark_work_done=st["marked"] * 512, mark_work_total=4096, grey_objects=grey,
            black_objects=black, white_objects=objects - black - grey, queued_spans=1 if grey else 0,
            green_tea=True, write_barrier=phase == GCPhase.MARK, limiter_active=False,
            cpu_fraction=0.0123, background_workers="1 dedicated",
            gctrace=tuple(f"gc {c + 1} @0.0{c}s 0%: 0.01+0.2+0.01 ms clock, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P"
                          for c in range(st["cycles"])),
            history=history, pauses_ns=tuple(30_000 for _ in range(st["cycles"])),
        )
        mem = MemStats(alloc, inuse, 0, inuse + 65536, 0, objects, alloc * 2, objects + 2, 2,
                       goal, st["cycles"], 0, 32768, 30_000 * st["cycles"], 0.0123)
        cap = 4 * (2 ** min(n, 12))
        slices = (
            SliceView("numbers", "main", "int", 8, min(8 * n, cap), cap, "a1", 0, cap, cap * 8, False),
            SliceView("small", "main", "int", 8, 2, cap, "a1", 0, cap, cap * 8, False),
        )
        arrays = (
            ArrayView("a1", "int", cap, cap * 8, False, ("numbers", "small"), False, MarkColor.WHITE),
            ArrayView("a0", "int", 4, 32, False, (), True, MarkColor.WHITE),
        )
        tables = (TableView(8, 5, 1, 1, 0, "FFFxF.F."),)
        maps = (MapView("m", "main", "string", "int", 5, 1232, False, 1, 0, tables, 200, False),)
        pools = (PoolView("p", "*Buf", True,
                          (PoolLocalView(0, "o3", ("o4",)), PoolLocalView(1, None, ())),
                          (PoolLocalView(0, None, ("o1",)),), hits=2, misses=1, news=1, cached=3),)
        gs = (
            GoroutineView("main", "running", 8192, 1200, ("numbers", "small", "m"), 4096, False),
            GoroutineView("worker", "blocked", 16384, 9000, ("buf",), 65536, True),
        )
        vars_ = (
            VarView("numbers", "slice", "main", False, "a1", cap * 8, "[]int"),
            VarView("small", "slice", "main", False, "a1", cap * 8, "[]int"),
            VarView("m", "map", "main", False, "m.h", 1232, "map[string]int"),
            VarView("buf", "pointer", "worker", False, "o9", 4096, "*[4096]byte"),
        )
        return RuntimeView(n * 1500, mem, gc, vars_, slices, arrays, maps, pools, gs,
                           spans_in_use=2 + n, pages_mapped=64, generation=len(self._tl.actions))

    def heap_grid(self, rows: int, cols: int, mode: GridMode) -> np.ndarray:
        self.calls.append(f"grid {rows}x{cols} {mode.value}")
        st = self._state()
        grid = np.zeros((rows, cols), dtype=np.uint8)
        used = min(rows * cols, 4 + 6 * st["steps"])
        flat = grid.reshape(-1)
        flat[: rows * cols // 2] = 1
        top = {GridMode.SIZE_CLASS: 69, GridMode.FILL: 10, GridMode.MARK: 5}[mode]
        for i in range(used):
            flat[i] = 2 + (i * 7) % (top - 1)
        return grid

    def span_at(self, row: int, col: int, rows: int, cols: int) -> int | None:
        idx = row * cols + col
        return idx if idx < 4 + 6 * self._state()["steps"] else None

    def span_view(self, span_id: int) -> SpanView:
        slots = tuple(
            SpanSlot(i, f"o{i}" if i % 3 else None, "allocated" if i % 3 else "free",
                     20 if i % 3 else 0, MarkColor(i % 3))
            for i in range(16)
        )
        return SpanView(span_id, 3, False, 10 + span_id, 1, 24, 341, 10, 8, 40, slots, True, False)

    def why_alive(self, name: str) -> RetentionPath:
        if name == "a0":
            return RetentionPath("a0", False, "", (), 0, "Nothing refers to a0: the next GC frees it.")
        return RetentionPath(name, True, "stack of main", ("numbers", name), 8192,
                             f"{name} is reachable from main's stack through numbers.")


class FakeTimeline:
    """The Timeline contract over FakeRuntime: a list of actions."""

    def __init__(self, program: Program | None = None) -> None:
        self.program = program or fake_program()
        self.actions: list[str] = []
        self.runtime = FakeRuntime(self)
        self._last: tuple[Event, ...] = ()
        self.slice_hook = None
        """Unused: the fake's steps are instant."""
        self._undone: list[str] = []
        """Actions undone by `goto_position`, the next one last (replayed going forward)."""

    @property
    def position(self) -> int:
        return len(self.actions)

    @property
    def next_step(self) -> int:
        return self.actions.count("step")

    @property
    def current_step(self) -> Step | None:
        n = self.next_step
        return self.program.steps[n - 1] if n else None

    @property
    def at_end(self) -> bool:
        return self.next_step >= len(self.program.steps)

    @property
    def last_events(self) -> tuple[Event, ...]:
        return self._last

    @property
    def where(self) -> str:
        return ""

    def _events_for(self, action: str) -> tuple[Event, ...]:
        if action == "step":
            i = self.next_step - 1
            return (
                Event.make("alloc", f"step {i + 1}: allocated 64 B (size class 5)", var="numbers", bytes=64),
                Event.make("growslice", f"append grew cap {4 * 2 ** i} → {8 * 2 ** i}", var="numbers",
                           old_len=4, old_cap=4, new_cap=8, new_bytes=64),
            )
        if action == "phase":
            return (Event.make("gc_phase", f"GC phase → {self.runtime.phase.value}", phase=self.runtime.phase.value),)
        if action == "mark":
            return (Event.make("mark", "scanned one span of 8 objects"),)
        return (Event.make("gc", "gc 1 @0.001s 0%: forced", cycle=1),)

    def _do(self, action: str) -> tuple[Event, ...]:
        self._undone.clear()
        self.actions.append(action)
        self._last = self._events_for(action)
        return self._last

    def step(self) -> tuple[Event, ...]:
        if self.at_end:
            return ()
        return self._do("step")

    def step_back(self) -> bool:
        if not self.actions:
            return False
        self.actions.pop()
        self._last = ()
        return True

    def mark_unit(self) -> tuple[Event, ...]:
        if self.runtime.phase != GCPhase.MARK:
            return ()
        return self._do("mark")

    def next_phase(self) -> tuple[Event, ...]:
        return self._do("phase")

    def prev_phase(self) -> bool:
        while self.actions and self.actions[-1] != "phase":
            self.actions.pop()
        if not self.actions:
            return False
        self.actions.pop()
        self._last = ()
        return True

    def next_cycle(self) -> tuple[Event, ...]:
        return self.next_phase()

    def prev_cycle(self) -> bool:
        return self.prev_phase()

    def run_gc(self) -> tuple[Event, ...]:
        return self._do("gc")

    def goto_step(self, index: int) -> None:
        while self.next_step > index + 1:
            self.actions.pop()
        while self.next_step < index + 1 and not self.at_end:
            self.step()

    def goto_position(self, target: int) -> None:
        while len(self.actions) > target:
            self._undone.append(self.actions.pop())
        while len(self.actions) < target and self._undone:
            self.actions.append(self._undone.pop())
        self._last = self._events_for(self.actions[-1]) if self.actions else ()

    def home(self) -> None:
        self.actions.clear()
        self._last = ()

    def end(self) -> None:
        while not self.at_end:
            self.step()


__all__ = ["FakeRuntime", "FakeTimeline", "fake_program", "replace"]
