"""The scavenger of Go 1.27: returning free heap pages to the OS (`runtime/mgcscavenge.go`).

Free pages are *retained* (HeapIdle − HeapReleased, `gcController.heapFree`) until
scavenged, then *released* (HeapReleased, `heapReleased`): their memory is given back
(`sysUnused`, madvise) and leaves `mappedReady`, the memory the memory limit counts.
Allocating a span over released pages takes them back (`allocSpan` → `sysUsed`).

What is modelled, with the Go function each rule comes from:

* Which pages (`(*pageAlloc).scavenge` → `scavengeIndex.find`, `scavengeOne`,
  `findScavengeCandidate`): free, unreleased pages are released highest address first,
  one run at a time within a 512-page chunk, whole 8 KiB pages (`pageSize` ≥
  `physPageSize`); a run that crosses a 2 MiB huge-page boundary is extended down to
  that boundary when the free run reaches it (so a request can release more than it
  asked for). See `PageHeap.scavenge`.
* Scavenging on the allocation path (`(*mheap).allocSpan`, after the pages are found
  and before `sysUsed`), see `alloc_span_scavenge`:
  - memory limit: if the released bytes the new span pages back in plus `mappedReady`
    exceed the limit, scavenge the excess (`force`), unless the GC CPU limiter is
    limiting (`gcCPULimiter.limiting()`);
  - heap growth: if the span grew the heap and `heapRetained()` + growth exceeds the
    scavenger's gcPercent goal, scavenge min(growth, excess).
  Released this way is `scav.releasedEager` (scavtrace's "KiB work (eager)").
* The goals (`gcPaceScavenger`, run by `gcControllerCommit` after every pacer commit:
  mark termination, `debug.SetGCPercent`, `debug.SetMemoryLimit`), see `pace_scavenger`:
  memoryLimitGoal = 95 % of the limit (only while mappedReady is above it) and
  gcPercentGoal = 110 % × lastHeapInUse × heapGoal / lastHeapGoal, rounded up to a
  physical page (only while retained is above it; none before the first cycle ends).

Not modelled: the background scavenger (`bgscavenge`, `scavengerState.run`/`sleep`),
which works toward those two goals at `scavengePercent` = 1 % of one CPU, in 64 KiB
quanta (`scavengeQuantum`). Measured with `GODEBUG=scavtrace=1` on scenario 11's program
(go1.27.3, GOGC=off GOMEMLIMIT=20MiB GOMAXPROCS=1, 3 runs) it released 0-1,024 KiB per
cycle against 1,500-3,800 KiB released eagerly by allocSpan in the first cycles (tens of
MiB later); and below the limit heapFree does not lower memoryLimitHeapGoal at all, so it
cannot move a goal there. Without it, memory retained above the gcPercent goal stays
retained until an allocation grows the heap (where allocSpan scavenges) — real Go
releases it over seconds at 1 % CPU.

Simplified: heap-growth scavenging is not `force`d in Go, so `scavengeIndex.find` skips
chunks that were ≥ 96.875 % in use in this or the last GC cycle (`shouldScavenge`); here
every chunk is a candidate. Scavenging costs no simulated time: real Go spent 0.7-1.0 ms
of CPU (`/cpu/classes/scavenge/assist:cpu-seconds`) releasing ~40 MiB eagerly in the
pacing test's 'limit' workload (about 3 % of its run), and counts it as assist time for
the GC CPU limiter (`limiterEventScavengeAssist`). The allocator has no preference
between released and retained free pages (address-ordered first fit either way), as in Go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from gomemtui.runtime.memory.arch import HUGE_PAGE_PAGES, PHYS_HUGE_PAGE_SIZE, PHYS_PAGE_SIZE
from gomemtui.runtime.memory.pages import PageHeap
from gomemtui.runtime.memory.sizeclasses import PAGE_SIZE

__all__ = [
    "HUGE_PAGE_PAGES",
    "NO_SCAVENGE_GOAL",
    "PHYS_HUGE_PAGE_SIZE",
    "PHYS_PAGE_SIZE",
    "REDUCE_EXTRA_PERCENT",
    "RETAIN_EXTRA_PERCENT",
    "SCAVENGE_PERCENT",
    "ScavengeGoals",
    "ScavengeInputs",
    "Scavenger",
    "alloc_span_scavenge",
    "pace_scavenger",
]

NO_SCAVENGE_GOAL = (1 << 64) - 1
"""`^uint64(0)` stored in `scavenge.gcPercentGoal` / `memoryLimitGoal`: no goal."""
SCAVENGE_PERCENT = 1
"""`scavengePercent` (`mgcscavenge.go`): the background scavenger's share of one CPU
(documented here; the background scavenger is not modelled)."""
RETAIN_EXTRA_PERCENT = 10
"""`retainExtraPercent` (`mgcscavenge.go`): retained memory may exceed the heap in use,
scaled by the goal ratio, by 10 % (the gcPercent goal)."""
REDUCE_EXTRA_PERCENT = 5
"""`reduceExtraPercent` (`mgcscavenge.go`): with a memory limit, aim at 95 % of it."""



@dataclass(frozen=True)
class ScavengeGoals:
    """What `gcPaceScavenger` stores (NO_SCAVENGE_GOAL = no goal)."""

    memory_limit_goal: int
    """`scavenge.memoryLimitGoal`: 95 % of the limit, while mappedReady is above it."""
    gc_percent_goal: int
    """`scavenge.gcPercentGoal`: 110 % of lastHeapInUse × heapGoal/lastHeapGoal, page-aligned."""


def pace_scavenger(
    memory_limit: int, heap_goal: int, last_heap_goal: int, mapped_ready: int, last_heap_inuse: int,
    heap_retained: int,
) -> ScavengeGoals:
    """`gcPaceScavenger(memoryLimit, heapGoal, lastHeapGoal)` with Go's float/uint64 steps.

    Args:
        memory_limit: `gcController.memoryLimit` (MaxInt64 when unset).
        heap_goal: `heapGoal()` just after the commit.
        last_heap_goal: `gcController.lastHeapGoal` (0 before the first cycle ends).
        mapped_ready: `gcController.mappedReady`.
        last_heap_inuse: `memstats.lastHeapInUse` (heapInUse at the last mark termination).
        heap_retained: `heapRetained()` = heapInUse + heapFree.
    """
    limit_goal = int(float(memory_limit) * (1 - REDUCE_EXTRA_PERCENT / 100.0))
    memory_limit_goal = NO_SCAVENGE_GOAL if mapped_ready <= limit_goal else limit_goal
    if last_heap_goal == 0:
        return ScavengeGoals(memory_limit_goal, NO_SCAVENGE_GOAL)
    goal_ratio = float(heap_goal) / float(last_heap_goal)
    goal = int(float(last_heap_inuse) * goal_ratio)
    goal += int(goal / (1.0 / (RETAIN_EXTRA_PERCENT / 100.0)))
    goal = (goal + PHYS_PAGE_SIZE - 1) & ~(PHYS_PAGE_SIZE - 1)
    if heap_retained <= goal or heap_retained - goal < PHYS_PAGE_SIZE:
        return ScavengeGoals(memory_limit_goal, NO_SCAVENGE_GOAL)
    return ScavengeGoals(memory_limit_goal, goal)


def alloc_span_scavenge(
    *, scav: int, mapped_ready: int, memory_limit: int, limiting: bool, gc_percent_goal: int, growth: int,
    heap_retained: int,
) -> tuple[int, bool]:
    """How much `(*mheap).allocSpan` scavenges after taking a span's pages: (bytes, force).

    Args:
        scav: bytes of the new span that were released (it will page them back in).
        mapped_ready: `mappedReady` before the span's `sysUsed` (its released part excluded).
        memory_limit: `gcController.memoryLimit`.
        limiting: `gcCPULimiter.limiting()`: no memory-limit scavenging then.
        gc_percent_goal: `scavenge.gcPercentGoal`.
        growth: bytes `(*mheap).grow` mapped for this span (0 if none).
        heap_retained: `heapRetained()` before the span's stats are updated.
    """
    nbytes = 0
    force = False
    if not limiting and scav + mapped_ready > memory_limit:
        nbytes = scav + mapped_ready - memory_limit
        force = True
    if gc_percent_goal != NO_SCAVENGE_GOAL and growth > 0 and heap_retained + growth > gc_percent_goal:
        todo = min(growth, heap_retained + growth - gc_percent_goal)
        nbytes = max(nbytes, todo)
    return nbytes, force


class ScavengeInputs(Protocol):
    """What the scavenger reads beyond the page heap, wired by the core.

    The heap's figure, the stacks' and the collector's (memory limit, CPU limiter) live
    above or beside the page heap; the scavenger reaches them through this hook only.
    """

    def heap_inuse(self) -> int:
        """HeapInuse: bytes of in-use heap spans."""
        ...

    def stack_inuse(self) -> int:
        """StackInuse as mappedReady counts it."""
        ...

    def memory_limit(self) -> int | None:
        """`gcController.memoryLimit` (None: no limit)."""
        ...

    def limiting(self) -> bool:
        """`gcCPULimiter.limiting()`."""
        ...


class Scavenger:
    """The scavenger's state (`scavenge`, `mheap_.pages.scav`) and the memory it reads.

    Args:
        pages: The page heap it releases pages of.
        inputs: What it reads elsewhere (plain state objects behind the hook, so a
            deep copy of the runtime stays consistent).
        runtime_overhead: The non-heap, non-stack memory the simulator assumes
            (`collector.runtime_metadata_bytes`; the collector updates it as cycles end).
    """

    def __init__(self, pages: PageHeap, inputs: ScavengeInputs, runtime_overhead: int) -> None:
        self.pages = pages
        self.inputs = inputs
        self.runtime_overhead = runtime_overhead
        self.goals = ScavengeGoals(NO_SCAVENGE_GOAL, NO_SCAVENGE_GOAL)
        self.last_heap_inuse = 0
        """`memstats.lastHeapInUse`."""
        self.released_eager = 0
        """Bytes released by allocSpan since the start (`scav.releasedEager`, cumulative)."""
        self.released_forced = 0
        """Bytes `debug.FreeOSMemory` released since the start (`scavengeAll`, cumulative)."""
        self.forced_calls = 0
        """`scavengeAll` calls so far (one per `debug.FreeOSMemory`)."""

    # -- what it reads -----------------------------------------------------------------

    def heap_inuse(self) -> int:
        return self.inputs.heap_inuse()

    def heap_free(self) -> int:
        """`gcController.heapFree`: free pages not released (HeapIdle − HeapReleased)."""
        return self.pages.idle_bytes - self.pages.released_bytes

    def heap_retained(self) -> int:
        """`heapRetained()` = heapInUse + heapFree."""
        return self.heap_inuse() + self.heap_free()

    def mapped_ready(self) -> int:
        """`gcController.mappedReady`: heap spans, free unreleased pages, stacks, runtime memory.

        The same sum the pacer's memory-limit goal reads (`Collector.update_pacer_memory`).
        """
        return self.heap_retained() + int(self.inputs.stack_inuse()) + self.runtime_overhead

    # -- hooks -------------------------------------------------------------------------

    def mark_termination(self) -> None:
        """`gcMarkTermination`: `memstats.lastHeapInUse = heapInUse` before the commit."""
        self.last_heap_inuse = self.heap_inuse()

    def pace(self, heap_goal: int, last_heap_goal: int, memory_limit: int) -> None:
        """`gcPaceScavenger`, called at the end of every `gcControllerCommit`."""
        self.goals = pace_scavenger(memory_limit, heap_goal, last_heap_goal, self.mapped_ready(),
                                    self.last_heap_inuse, self.heap_retained())

    def scavenge_all(self) -> int:
        """`mheap.scavengeAll` (`debug.FreeOSMemory`): release every free page not released
        yet, whatever the goals; returns the bytes released."""
        retained = self.pages.free_pages - self.pages.released_pages
        released = self.pages.scavenge(retained) * PAGE_SIZE if retained else 0
        self.released_forced += released
        self.forced_calls += 1
        return released

    def alloc_span(self, scav: int, growth: int, mapped_ready: int, heap_retained: int) -> int:
        """allocSpan's scavenging for a span just taken; returns the bytes released.

        `mapped_ready` and `heap_retained` are the figures before the span was taken (its
        released pages are not in them; its retained ones are).
        """
        limit = self.inputs.memory_limit()
        nbytes, _force = alloc_span_scavenge(
            scav=scav, mapped_ready=mapped_ready, memory_limit=(1 << 63) - 1 if limit is None else limit,
            limiting=self.inputs.limiting(), gc_percent_goal=self.goals.gc_percent_goal, growth=growth,
            heap_retained=heap_retained,
        )
        if nbytes <= 0:
            return 0
        released = self.pages.scavenge(-(-nbytes // PAGE_SIZE)) * PAGE_SIZE
        self.released_eager += released
        return released
