"""The GC pacer of Go 1.27 (`runtime/mgcpacer.go`) and the GC CPU limiter (`mgclimit.go`).

The pacer answers three questions, each with the runtime's own arithmetic:

* **Heap goal** (`commit`, `heapGoalInternal`, `memoryLimitHeapGoal`): the GOGC goal
  `heapMarked + (heapMarked + lastStackScan + globalsScan) × GOGC/100`, floored at
  `heapMinimum` (4 MiB × GOGC/100); the memory-limit goal `limit − (nonHeap + overage)`
  minus 3 % headroom (at least 1 MiB), never below heapMarked; the smaller of the two
  wins. Only when the GOGC goal wins is it raised to the sweep-distance floor
  (`heapLive + 1 MiB`, stored by a commit made while sweeping is unfinished — i.e. the
  commit at mark termination) and, during a cycle, to `triggered + 64 KiB`.
* **Trigger** (`trigger`): `goal − runway`, runway = consMark × 3 × (last heap scan +
  last stack scan + globals), clamped to [45/64, 61/64] of the way from heapMarked to
  the goal — the upper bound becomes `goal − 4 MiB` for big heaps.
* **Assists** (`revise`): `assistWorkPerByte = remaining scan work / (goal − heapLive)`.

`Pacer.worker_plan` reproduces `startCycle`'s dedicated/fractional background workers,
and `GCCPULimiter` the leaky bucket that stops assists when GC takes more than about
half the CPU.

All inputs are simulated quantities (bytes, nanoseconds of simulated time); nothing
reads a clock. Integer arithmetic follows Go's uint64 order of operations (division
before multiplication where Go does it), so goals match real Go to the byte.

Where this simplifies real Go:
* Per-P slack (`maxStackScanSlack`, `gcCreditSlack`) and the races between `revise`
  calls are ignored: the caller passes exact totals.
* `consMark` is measured by `end_cycle` from the caller's simulated CPU times; real Go
  measures wall-clock CPU, which is why the oracle's trigger points vary run to run.
* The limiter's per-P event stamps are folded into the `assist_ns`/`idle_ns`
  arguments of `GCCPULimiter.update`; scavenger assists (allocSpan's scavenging,
  `scavenger.py`) take no simulated time, so they add nothing to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gomemtui.runtime.memory.scavenger import Scavenger

__all__ = [
    "DEFAULT_HEAP_MINIMUM",
    "GC_BACKGROUND_UTILIZATION",
    "GCCPULimiter",
    "HeapGoal",
    "MAX_INT64",
    "MAX_UINT64",
    "Pacer",
    "WorkerPlan",
    "worker_plan",
]

MAX_UINT64 = (1 << 64) - 1
"""`^uint64(0)`: the GOGC goal when GOGC=off, and `triggered` outside a cycle."""
MAX_INT64 = (1 << 63) - 1
"""`math.MaxInt64`: the memory limit when none is set."""
GC_BACKGROUND_UTILIZATION = 0.25
"""`gcBackgroundUtilization` (= `gcGoalUtilization`): 25 % of GOMAXPROCS marks."""
DEFAULT_HEAP_MINIMUM = 4 << 20
"""`defaultHeapMinimum` (GOEXPERIMENT=heapminimum512kib is off in 1.27)."""
SWEEP_MIN_HEAP_DISTANCE = 1 << 20
"""`sweepMinHeapDistance` (`mgc.go`)."""
MIN_RUNWAY = 64 << 10
"""`minRunway` in `heapGoalInternal`: goal ≥ triggered + 64 KiB during a cycle."""
MEMORY_LIMIT_MIN_HEADROOM = 1 << 20
"""`memoryLimitMinHeapGoalHeadroom`."""
MEMORY_LIMIT_HEADROOM_PERCENT = 3
"""`memoryLimitHeapGoalHeadroomPercent`."""
TRIGGER_RATIO_DEN = 64
MIN_TRIGGER_RATIO_NUM = 45
"""Trigger lower bound: 45/64 ≈ 0.70 of the way from heapMarked to the goal."""
MAX_TRIGGER_RATIO_NUM = 61
"""Trigger upper bound: 61/64 ≈ 0.95 of the way."""
GC_OVER_ASSIST_WORK = 64 << 10
"""`gcOverAssistWork`: an assist does at least this much scan work."""
LIMITER_CAPACITY_PER_PROC = 1_000_000_000
"""`capacityPerProc`: the limiter bucket holds 1 CPU-second per P."""


def _u64(x: int) -> int:
    """Wrap like Go's uint64 arithmetic."""
    return x & MAX_UINT64


def _float_to_u64(x: float) -> int:
    """`uint64(x)` for a float64 as Go compiles it on amd64 (`ssagen` float64ToUint64).

    Below 2^63 it is the signed conversion (CVTTSD2SQ) reinterpreted, so a *negative*
    value wraps to a huge one (out of int64 range: 1<<63). This matters for `commit`'s
    runway: a negative cons/mark (measured when assists took more than 75 % of the
    mark phase) gives a runway larger than any goal, and `trigger` then picks the
    lowest trigger (45/64 of the way).
    """
    if x != x:  # NaN
        return 1 << 63
    if x >= 9223372036854775808.0:
        y = x - 9223372036854775808.0
        return (int(y) | (1 << 63)) & MAX_UINT64 if y < 9223372036854775808.0 else 1 << 63
    if x <= -9223372036854775808.0:
        return 1 << 63
    return _u64(int(x))


@dataclass(frozen=True)
class WorkerPlan:
    """How `startCycle` meets the 25 % background-marking goal for GOMAXPROCS Ps."""

    procs: int
    dedicated: int
    """Ps that run a dedicated mark worker for the whole cycle."""
    fractional_goal: float
    """`fractionalUtilizationGoal`: share of *each* P a fractional worker takes (0 if none)."""
    max_idle: int
    """`maxIdleMarkWorkers` = P − dedicated: idle Ps may mark too."""
    description: str
    """Short text for the UI: "1 dedicated", "fractional 25%", "1 dedicated + fractional 8.3%"."""


def _pct(x: float) -> str:
    text = f"{x * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def worker_plan(procs: int) -> WorkerPlan:
    """`gcControllerState.startCycle`: dedicated workers, or fractional ones when rounding is > 30 % off.

    P=1,2,3 → fractional 25 % of each P; P=4 → 1 dedicated; P=5 → 1 (20 %);
    P=6 → 1 dedicated + 8.3 % fractional; P=7, 8 → 2.
    """
    total = procs * GC_BACKGROUND_UTILIZATION
    dedicated = int(total + 0.5)
    util_error = dedicated / total - 1
    fractional = 0.0
    if util_error < -0.3 or util_error > 0.3:
        if dedicated > total:
            dedicated -= 1
        fractional = (total - dedicated) / procs
    parts = []
    if dedicated:
        parts.append(f"{dedicated} dedicated")
    if fractional:
        parts.append(f"fractional {_pct(fractional)}")
    return WorkerPlan(procs, dedicated, fractional, procs - dedicated, " + ".join(parts))


@dataclass(frozen=True)
class HeapGoal:
    """The terms of one heap-goal computation, for explaining it in the UI."""

    heap_marked: int
    stack_scan: int
    """`lastStackScan`."""
    globals_scan: int
    heap_live: int
    percent_goal: int | None
    """GOGC goal before floors (None when GOGC=off: Go uses ^uint64(0))."""
    heap_minimum: int
    """`heapMinimum` = 4 MiB × GOGC/100 (0 when off)."""
    sweep_floor: int
    """`sweepDistMinTrigger` (0 once sweeping was done at commit time)."""
    memory_limit_goal: int
    memory_limited: bool
    """True when the memory-limit goal is the smaller one (floors then do not apply)."""
    goal: int
    """`heapGoal()`: what NextGC and `/gc/heap/goal:bytes` report."""
    trigger: int
    runway: int


class Pacer:
    """`gcControllerState`: goal, trigger and assist ratio, cycle after cycle.

    Args:
        gogc: GOGC percent, None for off (-1).
        memory_limit: GOMEMLIMIT in bytes, None for no limit (MaxInt64).
        gomaxprocs: number of Ps (worker plan, limiter capacity).
        globals_bytes: data + bss size the collector scans (`globalsScan`).
    """

    def __init__(self, gogc: int | None, memory_limit: int | None, gomaxprocs: int, globals_bytes: int) -> None:
        self.gomaxprocs = gomaxprocs
        self.globals_scan = globals_bytes
        """`globalsScan`: bytes of data+bss (`addGlobals`)."""
        self.heap_minimum = DEFAULT_HEAP_MINIMUM
        self._gc_percent = 100
        self._memory_limit = MAX_INT64
        self.heap_marked = 0
        """`heapMarked`: bytes marked by the last cycle."""
        self.heap_live = 0
        """`heapLive`: heap bytes in use as the pacer knows them."""
        self.heap_scan = 0
        """`heapScan`: scannable heap estimate."""
        self.last_heap_scan = 0
        """`lastHeapScan`: heap bytes scanned by the last cycle."""
        self.last_stack_scan = 0
        """`lastStackScan`: stack bytes scanned by the last cycle."""
        self.max_stack_scan = 0
        """`maxStackScan`: all allocated stack space (worst-case stack scan)."""
        self.triggered: int | None = None
        """heapLive when the running cycle started; None outside a cycle (^uint64(0))."""
        self.cons_mark = 0.0
        """`consMark`: max of the last 5 measured cons/mark ratios."""
        self.last_cons_mark = [0.0, 0.0, 0.0, 0.0]
        self.sweep_dist_min_trigger = 0
        self.gc_percent_heap_goal = 0
        self.runway = 0
        self.last_heap_goal = 0
        """`lastHeapGoal`: goal the last finished cycle was paced against (gctrace 'goal')."""
        self.assist_work_per_byte = 0.0
        self.assist_bytes_per_work = 0.0
        self.heap_free = 0
        """Free, unscavenged heap memory (`heapFree`), for the memory-limit goal."""
        self.heap_alloc = 0
        """Bytes of heap objects (`totalAlloc − totalFree`), for the memory-limit goal."""
        self.non_heap = 0
        """Mapped, ready memory that is not heap (stacks, metadata, ...)."""
        self.scavenger: Scavenger | None = None
        """Paced after every commit (`gcControllerCommit` → `gcPaceScavenger`), if attached."""
        # gcControllerState.init
        self._set_gc_percent(-1 if gogc is None else gogc)
        self._set_memory_limit(MAX_INT64 if memory_limit is None else memory_limit)
        self._commit(sweep_done=True)  # No sweep phase in the first GC cycle.

    # -- settings ----------------------------------------------------------------

    @property
    def gogc(self) -> int | None:
        """GOGC percent, None when off."""
        return None if self._gc_percent < 0 else self._gc_percent

    @property
    def memory_limit(self) -> int | None:
        """GOMEMLIMIT in bytes, None when unlimited (MaxInt64)."""
        return None if self._memory_limit == MAX_INT64 else self._memory_limit

    def _set_gc_percent(self, value: int) -> int:
        """`gcControllerState.setGCPercent`: also rescales heapMinimum."""
        old = self._gc_percent
        value = -1 if value < 0 else value
        self.heap_minimum = DEFAULT_HEAP_MINIMUM * value // 100 if value >= 0 else 0
        self._gc_percent = value
        return old

    def _set_memory_limit(self, value: int) -> int:
        """`gcControllerState.setMemoryLimit`: negative values only read."""
        old = self._memory_limit
        if value >= 0:
            self._memory_limit = value
        return old

    def set_gogc(self, gogc: int | None, sweep_done: bool = True) -> int | None:
        """`debug.SetGCPercent`: set and re-commit (`gcControllerCommit`); returns the old GOGC.

        (Disabling also waits for a running mark to finish — the collector's job.)
        """
        old = self._set_gc_percent(-1 if gogc is None else gogc)
        self._commit(sweep_done)
        return None if old < 0 else old

    def set_memory_limit(self, limit: int | None, sweep_done: bool = True) -> int | None:
        """`debug.SetMemoryLimit`: set and re-commit; returns the old limit (None = MaxInt64)."""
        old = self._set_memory_limit(MAX_INT64 if limit is None else limit)
        if self._memory_limit != old:
            self._commit(sweep_done)
        return None if old == MAX_INT64 else old

    def set_memory(self, non_heap_bytes: int, heap_free: int = 0, heap_alloc: int | None = None) -> None:
        """Update the memory stats the memory-limit goal reads (`mappedReady`, `heapFree`, ...).

        mappedReady = non_heap + heap_free + heap_alloc (memory not returned to the OS).
        """
        self.non_heap = non_heap_bytes
        self.heap_free = heap_free
        self.heap_alloc = self.heap_live if heap_alloc is None else heap_alloc

    # -- commit / goal / trigger ----------------------------------------------

    def commit(
        self,
        heap_marked: int,
        stack_scan: int,
        heap_live: int | None = None,
        non_heap_bytes: int = 0,
        *,
        heap_scan: int = 0,
        heap_free: int = 0,
        heap_alloc: int | None = None,
        sweep_done: bool = False,
    ) -> HeapGoal:
        """What mark termination does: `resetLive(bytesMarked)` then `commit(isSweepDone)`.

        Args:
            heap_marked: bytes marked this cycle (`work.bytesMarked`).
            stack_scan: stack bytes scanned this cycle (becomes `lastStackScan`).
            heap_live: heapLive after reset (defaults to heap_marked, as `resetLive` sets it).
            non_heap_bytes: mapped memory that is neither heap objects nor free heap.
            heap_scan: heap bytes scanned this cycle (`lastHeapScan`, for the runway).
            heap_free: free, unscavenged heap bytes.
            heap_alloc: bytes of heap objects (defaults to heap_live).
            sweep_done: False right after mark termination (sweeping starts then), which
                stores the sweep-distance floor heapLive + 1 MiB.
        Returns:
            The goal with all its terms.
        """
        # gcControllerState.resetLive
        self.heap_marked = heap_marked
        self.heap_live = heap_marked if heap_live is None else heap_live
        self.heap_scan = heap_scan
        self.last_heap_scan = heap_scan
        self.last_stack_scan = stack_scan
        self.triggered = None
        self.set_memory(non_heap_bytes, heap_free, heap_alloc)
        if self.scavenger is not None:
            self.scavenger.mark_termination()  # memstats.lastHeapInUse = heapInUse
        self._commit(sweep_done)
        return self.explain()

    def _commit(self, sweep_done: bool) -> None:
        """`gcControllerState.commit`: GOGC goal, heap minimum, sweep floor, runway."""
        if sweep_done:
            self.sweep_dist_min_trigger = 0
        else:
            self.sweep_dist_min_trigger = self.heap_live + SWEEP_MIN_HEAP_DISTANCE
        goal = MAX_UINT64
        if self._gc_percent >= 0:
            goal = self.heap_marked + _u64(
                (self.heap_marked + self.last_stack_scan + self.globals_scan) * self._gc_percent
            ) // 100
        if goal < self.heap_minimum:
            goal = self.heap_minimum
        self.gc_percent_heap_goal = goal
        scan = self.last_heap_scan + self.last_stack_scan + self.globals_scan
        g = GC_BACKGROUND_UTILIZATION
        self.runway = _float_to_u64((self.cons_mark * (1 - g) / g) * float(scan))
        if self.scavenger is not None:
            # gcControllerCommit: gcPaceScavenger(memoryLimit, heapGoal, lastHeapGoal).
            self.scavenger.pace(self.heap_goal(), self.last_heap_goal, self._memory_limit)

    def memory_limit_heap_goal(self) -> int:
        """`memoryLimitHeapGoal`: limit − (nonHeap + overage) − headroom, ≥ heapMarked."""
        limit = self._memory_limit
        mapped_ready = self.non_heap + self.heap_free + self.heap_alloc
        non_heap = self.non_heap
        overage = mapped_ready - limit if mapped_ready > limit else 0
        if non_heap + overage >= limit:
            return self.heap_marked
        goal = limit - (non_heap + overage)
        headroom = goal // 100 * MEMORY_LIMIT_HEADROOM_PERCENT
        if headroom < MEMORY_LIMIT_MIN_HEADROOM:
            headroom = MEMORY_LIMIT_MIN_HEADROOM
        if goal < headroom or goal - headroom < headroom:
            goal = headroom
        else:
            goal -= headroom
        return max(goal, self.heap_marked)

    def _heap_goal_internal(self) -> tuple[int, int, bool]:
        """`heapGoalInternal`: (goal, minTrigger, memory-limited)."""
        goal = self.gc_percent_heap_goal
        min_trigger = 0
        limit_goal = self.memory_limit_heap_goal()
        if limit_goal < goal:
            return limit_goal, 0, True
        sweep_dist = self.sweep_dist_min_trigger
        if sweep_dist > goal:
            goal = sweep_dist
        min_trigger = sweep_dist
        if self.triggered is not None and goal < self.triggered + MIN_RUNWAY:
            goal = self.triggered + MIN_RUNWAY
        return goal, min_trigger, False

    def heap_goal(self) -> int:
        """`heapGoal()`: the current goal (NextGC)."""
        return self._heap_goal_internal()[0]

    def trigger(self) -> tuple[int, int]:
        """`gcControllerState.trigger`: (trigger, goal); a GC starts when heapLive ≥ trigger."""
        goal, min_trigger, _ = self._heap_goal_internal()
        marked = self.heap_marked
        if marked >= goal:
            return goal, goal
        if min_trigger < marked:
            min_trigger = marked
        lower = (goal - marked) // TRIGGER_RATIO_DEN * MIN_TRIGGER_RATIO_NUM + marked
        if min_trigger < lower:
            min_trigger = lower
        max_trigger = (goal - marked) // TRIGGER_RATIO_DEN * MAX_TRIGGER_RATIO_NUM + marked
        if goal > DEFAULT_HEAP_MINIMUM and goal - DEFAULT_HEAP_MINIMUM > max_trigger:
            max_trigger = goal - DEFAULT_HEAP_MINIMUM
        max_trigger = max(max_trigger, min_trigger)
        trig = min_trigger if self.runway > goal else goal - self.runway
        trig = min(max(trig, min_trigger), max_trigger)
        return trig, goal

    def explain(self) -> HeapGoal:
        """The current goal and trigger with every term that produced them."""
        trig, goal = self.trigger()
        _, _, limited = self._heap_goal_internal()
        pct = None
        if self._gc_percent >= 0:
            pct = self.heap_marked + (
                (self.heap_marked + self.last_stack_scan + self.globals_scan) * self._gc_percent
            ) // 100
        return HeapGoal(
            heap_marked=self.heap_marked,
            stack_scan=self.last_stack_scan,
            globals_scan=self.globals_scan,
            heap_live=self.heap_live,
            percent_goal=pct,
            heap_minimum=self.heap_minimum,
            sweep_floor=self.sweep_dist_min_trigger,
            memory_limit_goal=self.memory_limit_heap_goal(),
            memory_limited=limited,
            goal=goal,
            trigger=trig,
            runway=self.runway,
        )

    # -- one cycle -------------------------------------------------------------

    def worker_plan(self, procs: int | None = None) -> WorkerPlan:
        """Background mark workers for this pacer's GOMAXPROCS (see `worker_plan`)."""
        return worker_plan(self.gomaxprocs if procs is None else procs)

    def start_cycle(self, heap_live: int, heap_scan: int | None = None, max_stack_scan: int | None = None) -> WorkerPlan:
        """`startCycle`: remember the trigger point, plan workers, compute the first assist ratio."""
        self.heap_live = heap_live
        if heap_scan is not None:
            self.heap_scan = heap_scan
        if max_stack_scan is not None:
            self.max_stack_scan = max_stack_scan
        self.triggered = heap_live
        plan = self.worker_plan()
        self.revise(heap_live, self.heap_scan, 0)
        return plan

    def revise(self, heap_live: int, heap_scan: int, scan_work_done: int, max_stack_scan: int | None = None) -> float:
        """`gcControllerState.revise`: the assist ratio (scan work per allocated byte).

        Args:
            heap_live: heap bytes now (allocations during mark included).
            heap_scan: scannable heap estimate (`heapScan`).
            scan_work_done: heap + stack + globals bytes scanned so far this cycle.
            max_stack_scan: all allocated stack bytes (`maxStackScan`), if changed.
        Returns:
            `assistWorkPerByte`.
        """
        self.heap_live = heap_live
        self.heap_scan = heap_scan
        if max_stack_scan is not None:
            self.max_stack_scan = max_stack_scan
        gc_percent = self._gc_percent if self._gc_percent >= 0 else 100000
        heap_goal = self.heap_goal()
        expected = self.last_heap_scan + self.last_stack_scan + self.globals_scan
        max_work = heap_scan + self.max_stack_scan + self.globals_scan
        triggered = self.triggered if self.triggered is not None else heap_live
        if scan_work_done > expected:
            # The heap is growing: extrapolate the runway to the worst-case scan work.
            ext = int(float(heap_goal - triggered) / float(max(expected, 1)) * float(max_work)) + triggered
            expected = max_work
            hard_goal = int((1.0 + gc_percent / 100.0) * float(heap_goal))
            heap_goal = min(ext, hard_goal)
        if heap_live > heap_goal:
            heap_goal = int(float(heap_goal) * 1.1)  # maxOvershoot
            expected = max_work
        remaining = max(expected - scan_work_done, 1000)
        heap_remaining = heap_goal - heap_live
        if heap_remaining <= 0:
            heap_remaining = 1
        self.assist_work_per_byte = remaining / heap_remaining
        self.assist_bytes_per_work = heap_remaining / remaining
        return self.assist_work_per_byte

    def assist_scan_work(self, debt_bytes: int) -> tuple[int, int]:
        """`gcAssistAlloc`: scan work an allocation debt buys, at least `gcOverAssistWork`.

        Returns (scan work to do, bytes of allocation it pays for).
        """
        work = int(self.assist_work_per_byte * float(debt_bytes))
        if work < GC_OVER_ASSIST_WORK:
            work = GC_OVER_ASSIST_WORK
            debt_bytes = int(self.assist_bytes_per_work * float(work))
        return work, debt_bytes

    def end_cycle(
        self,
        heap_live: int,
        scan_work: int,
        assist_ns: int,
        mark_duration_ns: int,
        idle_mark_ns: int = 0,
        procs: int | None = None,
    ) -> float:
        """`endCycle`: record lastHeapGoal and measure cons/mark for the next runway.

        Args:
            heap_live: heapLive at mark termination.
            scan_work: heap + stack + globals bytes scanned this cycle.
            assist_ns: CPU time spent in mark assists.
            mark_duration_ns: time since mark start (`now − markStartTime`).
            idle_mark_ns: CPU time of idle mark workers.
        Returns:
            The new `consMark` (max of this and the last 4 measurements).
        """
        procs = self.gomaxprocs if procs is None else procs
        self.last_heap_goal = self.heap_goal()
        self.heap_live = heap_live
        utilization = GC_BACKGROUND_UTILIZATION
        if mark_duration_ns > 0:
            utilization += assist_ns / (mark_duration_ns * procs)
        triggered = self.triggered if self.triggered is not None else MAX_UINT64
        if heap_live <= triggered or scan_work <= 0:
            return self.cons_mark
        idle = idle_mark_ns / (mark_duration_ns * procs) if mark_duration_ns > 0 else 0.0
        current = (float(heap_live - triggered) * (utilization + idle)) / (float(scan_work) * (1 - utilization))
        self.cons_mark = max([current, *self.last_cons_mark])
        self.last_cons_mark = self.last_cons_mark[1:] + [current]
        return self.cons_mark


class GCCPULimiter:
    """`gcCPULimiterState`: a leaky bucket that caps GC CPU at about 50 %.

    GC CPU time fills the bucket and mutator time drains it; when it is full the
    limiter is on and mark assists are skipped (`gcAssistAlloc`), letting the heap
    overshoot its goal instead of burning more CPU. Capacity: 1 CPU-second per P.
    """

    def __init__(self, gomaxprocs: int) -> None:
        self.nprocs = gomaxprocs
        self.capacity = gomaxprocs * LIMITER_CAPACITY_PER_PROC
        """Bucket size in CPU-ns."""
        self.fill = 0
        self.overflow = 0
        """GC CPU-ns that did not fit in the bucket (time the limiter would have cut)."""
        self.enabled = False
        self.last_enabled_cycle = 0
        """`/gc/limiter/last-enabled:gc-cycle`."""

    @property
    def limiting(self) -> bool:
        """Whether the limiter is on (assists skipped)."""
        return self.enabled

    def accumulate(self, mutator_ns: int, gc_ns: int, num_gc: int = 0) -> None:
        """`gcCPULimiterState.accumulate`: add GC time, drain by mutator time."""
        headroom = self.capacity - self.fill
        was_enabled = headroom == 0
        change = gc_ns - mutator_ns
        if change > 0 and headroom <= change:
            self.overflow += change - headroom
            self.fill = self.capacity
            if not was_enabled:
                self.enabled = True
                self.last_enabled_cycle = num_gc + 1
            return
        if change < 0 and self.fill <= -change:
            self.fill = 0
        else:
            self.fill -= -change
        if change != 0 and was_enabled:
            self.enabled = False

    def update(self, window_ns: int, gc_running: bool, assist_ns: int = 0, idle_ns: int = 0, num_gc: int = 0) -> None:
        """`updateLocked` for a window of `window_ns` wall time on every P.

        While a GC runs, 25 % of all CPU counts as GC (background workers) plus the
        assist time; idle time counts as neither.
        """
        total = window_ns * self.nprocs
        gc_time = assist_ns
        if gc_running:
            gc_time += int(float(total) * GC_BACKGROUND_UTILIZATION)
        total -= idle_ns
        self.accumulate(total - gc_time, gc_time, num_gc)

    def stw(self, duration_ns: int, num_gc: int = 0) -> None:
        """`finishGCTransition`: a stop-the-world pause is GC time on every P."""
        self.accumulate(0, duration_ns * self.nprocs, num_gc)

    def reset_capacity(self, gomaxprocs: int, num_gc: int = 0) -> None:
        """`resetCapacity` after GOMAXPROCS changes."""
        self.nprocs = gomaxprocs
        self.capacity = gomaxprocs * LIMITER_CAPACITY_PER_PROC
        if self.fill > self.capacity:
            self.fill = self.capacity
            self.enabled = True
            self.last_enabled_cycle = num_gc + 1
        elif self.fill < self.capacity:
            self.enabled = False
