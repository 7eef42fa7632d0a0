"""What a whole run amounts to, in a few figures: cycles, peak heap, stop-the-world
pause, GC CPU, the heap and the live heap at the end.

`run`'s summary, its `--what-if` table and the app's what-if overlay all take these
figures from here, so they cannot disagree. The peak heap is the largest of HeapAlloc
after each step, heap0/heap1 of each GC cycle (less the runtime's start-up heap, as
HeapAlloc counts it) and the pacer's samples of the live heap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from gomemtui.runtime.events import Event
from gomemtui.runtime.read import build
from gomemtui.runtime.read.views import PacerPoint

if TYPE_CHECKING:
    from gomemtui.runtime.core import Runtime
    from gomemtui.runtime.timeline import Timeline

__all__ = ["PeakHeap", "StepFigures", "RunFigures", "RunTrace", "run_figures", "play_trace"]


class PeakHeap:
    """The largest heap seen so far, and the step that first reached it."""

    def __init__(self) -> None:
        self.bytes = 0
        """The peak, in bytes."""
        self.step = 0
        """The step (1 for the first) whose HeapAlloc or GC cycle reached it; 0 if only a
        pacer sample did, or nothing yet."""

    def see(self, value: object, step: int) -> None:
        """Count a heap size seen at `step` (values that are not numbers are ignored)."""
        if isinstance(value, (int, float)) and value > self.bytes:
            self.bytes, self.step = int(value), step

    def see_step(self, number: int, heap_alloc: object, events: Iterable[Event]) -> None:
        """HeapAlloc after step `number`, and heap0/heap1 of the GC cycles it ran."""
        self.see(heap_alloc, number)
        for e in events:
            if e.kind != "gc":
                continue
            # heap0/heap1 count the runtime's start-up heap, as Go's gctrace does; the
            # peak is of the program's heap, as HeapAlloc shows it.
            startup = int(e.data.get("startup_heap", 0) or 0)
            for key in ("heap0", "heap1"):
                if e.data.get(key) is not None:
                    self.see(int(e.data[key]) - startup, number)

    def see_history(self, history: Sequence[PacerPoint]) -> None:
        """The pacer's samples of the live heap (they name no step)."""
        for point in history:
            if point.heap_live > self.bytes:
                self.bytes = int(point.heap_live)


@dataclass(frozen=True)
class StepFigures:
    """A run's figures after one top-level step (or at the end)."""

    time_ns: int
    """Simulated time."""
    cycles: int
    """GC cycles completed (NumGC)."""
    peak_heap_bytes: int
    """The peak heap so far (`PeakHeap`)."""
    pause_total_ns: int
    """Stop-the-world pauses so far (PauseTotalNs)."""
    gc_cpu_fraction: float
    """GCCPUFraction: GC CPU time over all Ps' time since the start (`memstats.gc_cpu_fraction`)."""
    heap_bytes: int
    """HeapAlloc."""
    live_bytes: int
    """The program's heap marked live by the last completed cycle: heapMarked less the
    runtime's start-up heap, as HeapAlloc leaves it out (0 before the first cycle)."""


@dataclass(frozen=True)
class RunFigures(StepFigures):
    """A whole run's figures: those of its end, with its steps and forced cycles."""

    steps: int = 0
    """Top-level steps played."""
    forced_cycles: int = 0
    """Cycles started by runtime.GC()."""
    peak_step: int = 0
    """The step that first reached the peak (0 if only a pacer sample did)."""


def _now(rt: Runtime, peak_bytes: int) -> StepFigures:
    ms = build.memstats(rt)
    return StepFigures(
        time_ns=int(rt.time_ns), cycles=int(ms.num_gc), peak_heap_bytes=int(peak_bytes),
        pause_total_ns=int(ms.pause_total_ns), gc_cpu_fraction=float(ms.gc_cpu_fraction),
        heap_bytes=int(ms.heap_alloc),
        live_bytes=max(0, int(rt.collector.last_marked) - int(rt.collector.startup_heap_bytes)) if ms.num_gc else 0,
    )


def run_figures(rt: Runtime, peak: PeakHeap, steps: int) -> RunFigures:
    """The figures of a finished run of `rt`, `peak` having seen each of its `steps`
    (the pacer's samples are added here)."""
    peak.see_history(rt.collector.history.points())
    now = _now(rt, peak.bytes)
    return RunFigures(**now.__dict__, steps=steps, forced_cycles=int(rt.collector.num_forced_gc),
                      peak_step=peak.step)


@dataclass(frozen=True)
class RunTrace:
    """A run played to the end: its figures after every step and its pacer samples."""

    figures: RunFigures
    """At the end."""
    steps: tuple[StepFigures, ...]
    """After each top-level step, the first first."""
    history: tuple[PacerPoint, ...]
    """The pacer chart's samples of the whole run."""

    def at_step(self, done: int) -> StepFigures:
        """The figures once `done` top-level steps have run (0: at the start)."""
        if done <= 0 or not self.steps:
            return StepFigures(0, 0, 0, 0, 0.0, 0, 0)
        return self.steps[min(done, len(self.steps)) - 1]

    def history_until(self, time_ns: int) -> tuple[PacerPoint, ...]:
        """The pacer samples taken at or before `time_ns`."""
        return tuple(p for p in self.history if p.time_ns <= time_ns)


def play_trace(timeline: Timeline, check: Callable[[str], None] | None = None) -> RunTrace:
    """Play `timeline` to its end, noting the figures after every step.

    Args:
        timeline: A fresh timeline (its slice hook is set to `check`).
        check: Called between slices of long steps and after every step with where the
            run is; may raise to stop it (the real-cost ceilings, a cancelled run).

    Returns:
        The run's trace. The peak after each step counts the pacer samples up to that
        step's time, so the last step's peak is the run's (`run_figures`).
    """
    timeline.slice_hook = check
    rt = timeline.runtime
    peak = PeakHeap()
    step_peaks: list[int] = []
    partial: list[StepFigures] = []
    number = 0
    while not timeline.at_end:
        events = timeline.step()
        number += 1
        if check is not None:
            check(f"after step {number}")
        ms = build.memstats(rt)
        peak.see_step(number, int(ms.heap_alloc), events)
        step_peaks.append(peak.bytes)
        partial.append(_now(rt, peak.bytes))
    history = rt.collector.history.points()
    figures = run_figures(rt, peak, number)
    # The pacer samples are kept thinned (PacerHistory), so the peak after each step is
    # taken from the final samples, as `run_figures` takes the run's.
    times = np.array([p.time_ns for p in history], dtype=np.int64)
    highest = np.maximum.accumulate(np.array([p.heap_live for p in history], dtype=np.int64)) \
        if history else np.zeros(0, dtype=np.int64)
    steps = []
    for figs, step_peak in zip(partial, step_peaks):
        seen = int(np.searchsorted(times, figs.time_ns, side="right"))
        sampled = int(highest[seen - 1]) if seen else 0
        steps.append(StepFigures(**{**figs.__dict__, "peak_heap_bytes": max(step_peak, sampled)}))
    return RunTrace(figures, tuple(steps), history)
