"""The garbage collector's cycle: phases, roots, concurrent mark, assists, sweep.

The phases follow `runtime/mgc.go`:

1. `gcStart`: STW #1 (sweep termination) finishes sweeping (`finishsweep_m`), clears
   sync.Pools (`clearpools` → `poolCleanup`), starts the pacer's cycle, sets `_GCmark`
   (write barrier on), prepares the roots and enables assists and workers.
2. Concurrent mark: background workers take 25 % of GOMAXPROCS (dedicated and/or a
   fractional worker, `gcControllerState.startCycle`), idle Ps run idle workers, and
   allocating goroutines pay mark assists (`gcAssistAlloc`). New objects are black.
3. `gcMarkDone` → STW #2 (mark termination): heap2 = bytes marked, the pacer commits
   the next goal and trigger (`gcControllerCommit`), stacks may shrink, the gctrace
   line is printed, and sweeping starts (`gcSweep`).
4. Sweep: allocation sweeps the spans it needs, a background sweeper the rest.

Who marks, and when (simulated time, `clock.py`):

* Workers on Ps other than the mutator's P0 — dedicated workers, a fractional worker
  that has a free P, idle-P workers — mark beside the mutator as time passes.
* A fractional worker with no free P (GOMAXPROCS=1, the oracle's setting) shares P0:
  it runs only when `sysmon` preempts the mutator (`retake`, 10 ms slices) and
  `findRunnableGCWorker` finds it behind its 25 % goal, and stops once it has taken
  30 % of the time since mark began (`pollFractionalWorkerExit`). In short cycles it
  never runs and the mark assists do all the work, as the oracle's gctrace shows
  (`0.08/0/0 ms cpu`).
* Mark assists (`gcAssistAlloc`) pay allocation debt with scan work, at least
  `gcOverAssistWork`, first by stealing background credit (`bgScanCredit`); credit is
  given for the work actually done (`gcAssistAlloc1`), so one big root job (the
  ~161 KiB data+bss block) buys most of the runway. An assist stops at a sysmon tick
  that preempts it or turns the CPU limiter on (`gcDrainN`). `scanobject` scans objects
  over 128 KiB one oblet at a time (`maxObletBytes`), so an assist that meets a 1 MiB
  pointer array is paid for one oblet of it; the simulator scans the array whole and
  puts the rest of its work in `bgScanCredit`, for later assists to claim at their own
  ratio (paying for all of it at once at a near-degenerate ratio let scenario 11's
  first cycle allocate 26 MB unassisted: 14->40->31 MB).
* The GC CPU limiter is updated like Go's: at sysmon ticks at most every 10 ms and at
  the two STW transitions; while GC is on it counts 25 % of all CPU plus assist time as
  GC time (`updateLocked`), so assists that take most of the CPU fill its bucket and
  switch assists off until mutator time drains it again: ≈ 50 % GC CPU.

The collector is built by the core with what it reads: the heap, the stacks, the pacer
and the CPU limiter, the event log, and two hooks into the program above it — its
pointer graph (`PointerGraph`) and its roots (`RootSource`) — plus `pool_cleanup`, the
sync.Pool clean-up it runs at every sweep termination.

Simplified: an assist cut short by the limiter does not park on the assist queue
(`gcParkAssist`): its debt carries over to the next allocation. The mutator is one
stream of work on P0 (other goroutines do not take CPU time).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from gomemtui.runtime import clock
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.events import EventLog
from gomemtui.runtime.gc.cycle import Cycle
from gomemtui.runtime.gc.gctrace import GCTraceRecord, format_gctrace
from gomemtui.runtime.gc.history import PacerHistory
from gomemtui.runtime.gc.marking import OBJECT_MARK_COST, MarkState, RootJob, build_mark_state, one_unit
from gomemtui.runtime.gc.pacer import GCCPULimiter, Pacer
from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.memory.stacks import Stacks
from gomemtui.runtime.program import RuntimeSettings
from gomemtui.runtime.types import NIL
from gomemtui.units import NEVER_BYTES, format_exact, format_goal

NO_GOAL = NEVER_BYTES
"""Goals at least this big mean "never": GOGC=off without a memory limit (≈ MaxInt64)."""
RUNTIME_METADATA_START = 3_676_552
"""Memory the runtime maps besides the program's heap objects, free heap and stacks,
before the first GC, at GOMAXPROCS=1: GC metadata, profiling buckets, mspans, mcaches
(3,365,128 B: `/memory/classes/total − heap/released − heap/free − heap/objects −
heap/stacks − heap/unused`, the same in an empty program and in scenario 11's) plus the
unused bytes of the spans the runtime's start-up heap occupies (311,424 B of
`/memory/classes/heap/unused`, which the simulated heap does not hold). Measured with
go1.27.3, linux/amd64, in scenario 11's program."""
RUNTIME_METADATA_PER_P = 174_763
"""Each further P: an empty program measured 3,889,416 B of metadata at GOMAXPROCS=4,
(3,889,416 − 3,365,128) / 3 per P."""
RUNTIME_METADATA_AFTER_GC = (3_993_936, 4_386_528)
"""The same figure after the first cycle (3,725,576 + 268,360 unused) and from the
second on (4,122,904 + 263,624): GC work buffers and mark bits grow, then stay flat.
Measured in scenario 11's program (GOGC=off, GOMEMLIMIT=20MiB, GOMAXPROCS=1, a heap of
14 MB of pointer arrays); an empty program's metadata grows less (to 3,692,808 then
3,758,344 B): the growth depends on the heap, which this does not model."""


def runtime_metadata_bytes(gomaxprocs: int, num_gc: int) -> int:
    """The runtime's own non-heap, non-stack memory after `num_gc` cycles.

    With the stacks and the unused bytes of the program's in-use spans it makes the
    `nonHeap` term of the memory-limit goal (`memoryLimitHeapGoal`: mappedReady −
    heapFree − heapAlloc): scenario 11's program measures nonHeap 3,905,928 B before its
    first GC (goal 16,017,016 B) and 4,615,904 B from its third on (goal 15,307,040 B).
    """
    base = RUNTIME_METADATA_START if num_gc <= 0 else RUNTIME_METADATA_AFTER_GC[min(num_gc, 2) - 1]
    return base + RUNTIME_METADATA_PER_P * max(gomaxprocs - 1, 0)


GC_ASSIST_TIME_SLACK_NS = 5000
"""`gcAssistTimeSlack`: a P publishes its assist time (and updates the limiter) past this."""
MAX_OBLET_BYTES = 128 << 10
"""`maxObletBytes` (`mgcmark.go`): scanobject splits bigger objects into oblets of this size."""
STARTUP_HEAP_ROOT = "the runtime's own heap objects (gs, allgs, module data)"
"""Label of the mark job that scans the start-up heap (see `startup_heap_scan`)."""
BACKGROUND_SWEEP_SHARE = 0.25
"""Share of mutator time in which the background sweeper (`bgsweep`) sweeps spans."""


class PointerGraph(Protocol):
    """The heap's pointers, as the program wrote them (`values.pointers.PointerSlots`)."""

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """(source object, target object) of every non-nil pointer slot."""
        ...

    def name(self, oid: int) -> str:
        """A display name for an object."""
        ...


class RootSource(Protocol):
    """The program's roots and goroutines (`values.state.ProgramState`)."""

    def root_jobs(self) -> list[RootJob]:
        """`gcPrepareMarkRoots`: data/BSS, then each live goroutine's stack."""
        ...

    def busy_goroutines(self) -> int:
        """Goroutines running or runnable (they keep Ps from idle mark workers)."""
        ...


class PoolCleanup(Protocol):
    """`sync.poolCleanup`, which `clearpools` runs during sweep termination."""

    def clear_pools(self) -> None:
        ...


class Collector:
    """The collector's state machine, simulated time, the P0 scheduler and the limiter's clock.

    Args:
        settings: GOMAXPROCS, the data+bss size and the marking algorithm.
        heap: The heap it marks and sweeps.
        stacks: Goroutine stacks (scanned, shrunk at mark termination).
        pacer: Goals, trigger, worker plan and assist ratio.
        limiter: The GC CPU limiter.
        events: Where the collector reports what it does.
        graph: The pointer graph it marks through.
        roots: The program's roots.
    """

    def __init__(
        self, settings: RuntimeSettings, heap: Heap, stacks: Stacks, pacer: Pacer, limiter: GCCPULimiter,
        events: EventLog, graph: PointerGraph, roots: RootSource,
    ) -> None:
        self.heap = heap
        self.stacks = stacks
        self.pacer = pacer
        self.limiter = limiter
        self.events = events
        self.graph = graph
        self.roots = roots
        self.pool_cleanup: PoolCleanup | None = None
        """Run at every sweep termination; the core wires the mutator's pools here."""
        self.gomaxprocs = settings.gomaxprocs
        self.globals_bytes = settings.globals_bytes
        self.green_tea = settings.green_tea
        self.time_ns = 0
        """Simulated time since the program started."""
        self.phase = GCPhase.OFF
        """The phase; changed only through `_enter`, which counts the changes."""
        self.phase_changes = 0
        """Phase changes so far: what a step run until the next GC phase watches."""
        self.cycle: Cycle | None = None
        """The running cycle, from gcStart to the end of mark termination."""
        self.num_gc = 0
        self.num_forced_gc = 0
        self.trace_lines: list[str] = []
        """Every gctrace line so far."""
        self.pauses_ns: list[int] = []
        self.pause_total_ns = 0
        self.gc_cpu_ns = 0
        self.idle_mark_ns = 0
        self.history = PacerHistory()
        self._sampled_phase: GCPhase | None = None
        self.last_marked = 0
        self.last_stack_scan = 0
        self.pacer_heap_live = 0
        self.startup_heap_bytes = 0
        """Live bytes of the runtime's start-up heap (set by the core): counted in heapLive
        and in every cycle's marked bytes, never placed in the simulated heap."""
        self.startup_heap_scan = 0
        """Heap scan work of the start-up heap (set by the core): scanned each cycle after
        the roots, and part of `heapScan` and `lastHeapScan`, as in Go."""
        self.sysmon_next = clock.SYSMON_TICK_NS
        """Time of sysmon's next wake-up."""
        self.preempt_at = clock.SYSMON_TICK_NS + clock.FORCE_PREEMPT_NS
        """When sysmon preempts the goroutine on P0 (`retake`)."""
        self.lim_last_update = 0
        """`gcCPULimiter.lastUpdate`."""
        self.lim_assist_ns = 0
        """`gcCPULimiter.assistTimePool`: assist time since the last update."""
        self.lim_idle_ns = 0
        """`gcCPULimiter.idleTimePool`: idle (and idle-marking) time since the last update."""
        self.lim_gc_enabled = False
        """`gcCPULimiter.gcEnabled`: concurrent mark is on (25 % of CPU counts as GC)."""
        self._assist_slack_ns = 0
        """`p.gcAssistTime`: assist time not yet published (< `gcAssistTimeSlack`)."""

    @property
    def mark(self) -> MarkState | None:
        """The running cycle's mark state (None outside mark and mark termination)."""
        return None if self.cycle is None else self.cycle.mark

    def _running(self) -> Cycle:
        assert self.cycle is not None, "no GC cycle is running"
        return self.cycle

    # -- pacer wrappers ----------------------------------------------------------------

    def heap_live(self) -> int:
        """`gcController.heapLive`: bytes marked by the last cycle plus allocated since.

        Sweeping does not lower it (unlike HeapAlloc); mark termination resets it to
        the bytes marked (`resetLive`).
        """
        return self.pacer_heap_live

    def pacer_goal(self) -> int:
        return int(self.pacer.heap_goal())

    def pacer_trigger(self) -> int | None:
        """The heap trigger, or None when no heap-triggered GC can happen (GOGC=off, no limit)."""
        if self.pacer.memory_limit is not None:
            self.update_pacer_memory()
        trigger, goal = self.pacer.trigger()
        return None if goal >= NO_GOAL else int(trigger)

    def pacer_gogc(self) -> int | None:
        return self.pacer.gogc

    def set_gogc(self, value: int | None) -> None:
        self.update_pacer_memory()
        self.pacer.set_gogc(value, sweep_done=self.heap.is_swept)

    def set_memory_limit(self, value: int | None) -> None:
        self.update_pacer_memory()
        self.pacer.set_memory_limit(value, sweep_done=self.heap.is_swept)

    def non_heap_bytes(self) -> int:
        """Mapped memory that is neither heap objects nor free heap (for the memory limit).

        Fragmentation inside in-use spans, goroutine stacks, and the runtime's own
        metadata and buffers (`runtime_metadata_bytes`, which grows at the first cycles).
        """
        stats = self.heap.stats()
        return int(stats.heap_inuse - stats.heap_alloc + self.stacks.stack_inuse) + self.runtime_metadata()

    def runtime_metadata(self) -> int:
        """The runtime's metadata now: `runtime_metadata_bytes` at this GOMAXPROCS and the
        number of cycles started (a cycle's work buffers are taken when its mark begins,
        so its own goal already sees them, as Go's first `14 MB goal` does)."""
        return runtime_metadata_bytes(self.gomaxprocs, self.num_gc + (self.cycle is not None))

    def update_pacer_memory(self) -> None:
        stats = self.heap.stats()
        self.pacer.set_memory(
            self.non_heap_bytes(), heap_free=int(stats.heap_idle - stats.heap_released),
            heap_alloc=int(stats.heap_alloc),
        )

    # -- queries used while mutating -------------------------------------------------------

    def allocate_black(self) -> bool:
        """`gcmarknewobject`: allocation while the write barrier is on is black."""
        return self.phase in (GCPhase.MARK, GCPhase.MARK_TERM)

    def write_barrier_on(self) -> bool:
        return self.phase in (GCPhase.MARK, GCPhase.MARK_TERM)

    def bytes_until_trigger(self) -> int | None:
        """Bytes the mutator may allocate before the collector must act.

        Outside a cycle: up to the heap trigger. While marking: up to the next mark
        assist (its credit, unless the limiter has switched assists off), and no more
        than can be allocated before the next sysmon tick or before the workers beside
        P0 finish (at the fastest allocation speed, so a batch never runs past either).
        """
        phase = self.phase
        cycle = self.cycle
        if phase is GCPhase.MARK and cycle is not None and cycle.mark is not None:
            ns = self.sysmon_next - self.time_ns
            background, idle, _ = self._mark_cpus()
            if background + idle > 0:
                ns = min(ns, int(cycle.mark.remaining_work() / (clock.SCAN_BYTES_PER_NS * (background + idle))))
            room = int(max(ns, 0) / clock.ZERO_NS_PER_BYTE)
            if not self.limiter_active:
                room = min(room, max(cycle.assist_credit, 0))
            return room
        if phase in (GCPhase.SWEEP_TERM, GCPhase.MARK_TERM):
            return None
        trigger = self.pacer_trigger()
        if trigger is None:
            return None
        return max(0, trigger - self.heap_live())

    def workers(self) -> tuple[float, float]:
        """(background worker CPUs, idle worker CPUs) while marking, as planned.

        Background: dedicated workers plus the fractional share (`startCycle`). Idle Ps
        (no runnable goroutine) run idle-mode workers (`findRunnableGCWorker`).
        Used where a phase is run to its end at once; timed marking uses `_mark_cpus`.
        """
        plan = self.pacer.worker_plan()
        procs = self.gomaxprocs
        background = plan.dedicated + plan.fractional_goal * procs
        busy = self.roots.busy_goroutines()
        idle = max(0, procs - busy - plan.dedicated - (1 if plan.fractional_goal else 0))
        return float(background), float(min(idle, plan.max_idle))

    def _mark_cpus(self) -> tuple[float, float, bool]:
        """(background CPUs beside P0, idle CPUs beside P0, fractional worker shares P0).

        Dedicated workers have Ps of their own. The fractional worker takes a free P if
        there is one (its share of GOMAXPROCS counted as background CPU); with none
        (GOMAXPROCS=1) it can only run on P0 when the mutator is preempted.
        """
        plan = self.pacer.worker_plan()
        procs = self.gomaxprocs
        busy = self.roots.busy_goroutines()
        free = procs - max(busy, 1) - plan.dedicated
        fractional = plan.fractional_goal * procs
        if fractional and free >= 1:
            return float(plan.dedicated + fractional), float(min(free - 1, plan.max_idle)), False
        return float(plan.dedicated), float(min(max(free, 0), plan.max_idle)), bool(fractional)

    @property
    def limiter_active(self) -> bool:
        return self.limiter.limiting

    # -- time -------------------------------------------------------------------------------

    def advance(self, ns: int) -> None:
        """Mutator time passes on P0; marking and sweeping go on beside it.

        sysmon ticks inside the span of time update the limiter and may preempt the
        mutator, which lets a fractional worker that shares P0 run.
        """
        ns = int(ns)
        if ns <= 0:
            return
        phase = self.phase
        if phase is GCPhase.SWEEP:
            self._background_sweep(ns)
        if phase is not GCPhase.MARK and self.time_ns + ns < self.sysmon_next:
            self.time_ns += ns  # fast path: nothing happens in between
            return
        while True:
            if self.time_ns >= self.sysmon_next and self._sysmon():
                self._preempt_p0()
            if ns <= 0:
                return
            step = min(ns, self.sysmon_next - self.time_ns)
            mark = self.mark
            if self.phase is GCPhase.MARK and mark is not None:
                background, idle, _ = self._mark_cpus()
                if background + idle > 0:
                    rate = clock.SCAN_BYTES_PER_NS * (background + idle)
                    step = min(step, int(mark.remaining_work() / rate) + 1)
                    self._beside_p0(step, background, idle)
                self.time_ns += step
                ns -= step
                if mark.complete():
                    self.mark_termination()  # the workers beside P0 finished
                    if ns > 0 and self.phase is GCPhase.SWEEP:
                        self._background_sweep(ns)
                continue
            self.time_ns += step
            ns -= step

    def _background_sweep(self, ns: int) -> None:
        """`bgsweep`: spans swept in a share of `ns` of mutator time."""
        spans = max(1, int(ns * BACKGROUND_SWEEP_SHARE / clock.SWEEP_SPAN_NS))
        self.heap.sweep(spans)
        if self.heap.unswept_span_count() == 0:
            self.sweep_done()

    def _beside_p0(self, ns: int, background: float, idle: float) -> int:
        """Workers on the other Ps mark for `ns`; their work becomes background credit
        (`gcDrainFlushBgCredit`). Returns the work done."""
        if ns <= 0 or background + idle <= 0:
            return 0
        cycle = self._running()
        done = cycle.marking.drain(int(ns * clock.SCAN_BYTES_PER_NS * (background + idle)))
        cycle.bg_scan_credit += done
        cycle.background_ns += int(ns * background)
        cycle.idle_ns += int(ns * idle)
        self.lim_idle_ns += int(ns * idle)
        return done

    # -- sysmon, the scheduler on P0, the CPU limiter ----------------------------------------

    def _sysmon(self) -> bool:
        """One `sysmon` wake-up: update the CPU limiter if its period passed
        (`gcCPULimiter.needUpdate`), and say whether P0's goroutine has used up its time
        slice (`retake` → `preemptone`)."""
        now = self.time_ns
        self.sysmon_next = (now // clock.SYSMON_TICK_NS + 1) * clock.SYSMON_TICK_NS
        if now - self.lim_last_update > clock.LIMITER_UPDATE_PERIOD_NS:
            self._limiter_update()
        return now >= self.preempt_at

    def _schedule_p0(self) -> None:
        """`schedule()` put a goroutine on P0: `schedtick` changed, sysmon records it at
        its next tick and preempts it `forcePreemptNS` after that."""
        self.preempt_at = self.sysmon_next + clock.FORCE_PREEMPT_NS

    def _preempt_p0(self) -> None:
        """The mutator was preempted; `schedule` → `findRunnableGCWorker` first offers P0
        to a fractional worker that shares it, then the mutator gets a new time slice."""
        if self.phase is GCPhase.MARK and self.mark is not None and self._mark_cpus()[2]:
            self._run_fractional()
        self._schedule_p0()

    def _run_fractional(self) -> None:
        """A fractional worker on P0 (`gcDrain` in `gcMarkWorkerFractionalMode`).

        It runs only if behind its goal (`findRunnableGCWorker`: time share since mark
        start ≤ goal) and stops when the share exceeds 1.2 × goal
        (`pollFractionalWorkerExit`), when sysmon preempts it, or when marking is done.
        """
        goal = self.pacer.worker_plan().fractional_goal
        cycle = self._running()
        delta = self.time_ns - cycle.t_mark
        if goal <= 0 or (delta > 0 and cycle.fractional_ns / delta > goal):
            return
        self._schedule_p0()
        cap = 1.2 * goal
        while self.phase is GCPhase.MARK:
            delta = self.time_ns - cycle.t_mark
            # (F + x) / (delta + x) > cap  ⇔  x > (cap·delta − F) / (1 − cap)
            left = int((cap * delta - cycle.fractional_ns) / (1 - cap)) + 1
            if left <= 0:
                return
            _, why = self._p0_mark(None, "fractional", max_ns=left)
            if why != "tick":
                return

    def _limiter_update(self) -> None:
        """`gcCPULimiterState.updateLocked`: account the window since the last update."""
        window = self.time_ns - self.lim_last_update
        if window > 0:
            self.limiter.update(window, self.lim_gc_enabled, assist_ns=self.lim_assist_ns,
                                idle_ns=self.lim_idle_ns, num_gc=self.num_gc)
        self.lim_last_update = self.time_ns
        self.lim_assist_ns = 0
        self.lim_idle_ns = 0

    def _p0_mark(self, budget: int | None, kind: str, max_ns: int | None = None) -> tuple[int, str]:
        """P0 does mark work as an assist (`gcDrainN`) or a fractional worker (`gcDrain`)
        while the workers on other Ps go on beside it.

        Stops after `budget` work or `max_ns`, when marking completes (mark termination
        is run), or at a sysmon tick (an assist stops there if the tick preempted it or
        switched the limiter on; a worker if it was preempted). Returns (work done on
        P0, why: "budget", "complete", "tick", "limiter", "preempt", "nowork").
        """
        done = 0
        spent = 0
        rate = clock.SCAN_BYTES_PER_NS
        cycle = self._running()
        mark = cycle.marking
        while True:
            ns = self.sysmon_next - self.time_ns
            if budget is not None:
                ns = min(ns, int((budget - done) / rate) + 1)
            if max_ns is not None:
                ns = min(ns, max_ns - spent)
            w, cpu = self._timed_drain(int(max(ns, 1) * rate))
            if w <= 0:
                return done, "nowork"
            took = max(1, cpu)
            background, idle, _ = self._mark_cpus()
            self._beside_p0(took, background, idle)
            if kind == "assist":
                cycle.assist_ns += took
                self.gc_cpu_ns += took
                self.lim_assist_ns += took
            else:
                cycle.background_ns += took
                cycle.fractional_ns += took
                cycle.bg_scan_credit += w
            self.time_ns += took
            done += w
            spent += took
            if mark.complete():
                self.mark_termination()
                return done, "complete"
            if self.time_ns >= self.sysmon_next:
                preempted = self._sysmon()
                if preempted:
                    return done, "preempt"
                if kind == "assist" and self.limiter_active:
                    return done, "limiter"
                if kind != "assist":
                    return done, "tick"
            if budget is not None and done >= budget:
                return done, "budget"
            if max_ns is not None and spent >= max_ns:
                return done, "budget"

    def _timed_drain(self, budget: int) -> tuple[int, int]:
        """Do `budget` of mark work on one P; returns (work, CPU-ns it took): root jobs at
        `ROOT_SCAN_BYTES_PER_NS`, heap objects at `SCAN_BYTES_PER_NS`."""
        mark = self._running().marking
        roots_before = mark.roots_work_done
        work = mark.drain(budget)
        roots = mark.roots_work_done - roots_before
        cpu = roots / clock.ROOT_SCAN_BYTES_PER_NS + (work - roots) / clock.SCAN_BYTES_PER_NS
        return work, int(cpu)

    def after_alloc(self, nbytes: int, count: int, ns: int, black: bool) -> None:
        """Bookkeeping after allocating: heapLive, time, mark assist, trigger test.

        heapLive grows by the bytes allocated (`gcController.update` from the mcache).
        `nbytes` is a TotalAlloc difference taken by the mutator around the allocation,
        so a sweep the allocation did first (which frees, but never lowers heapLive)
        does not count against it.
        """
        self.pacer_heap_live += nbytes
        mark = self.mark
        if black and mark is not None:
            mark.black_allocs += count
            mark.black_alloc_bytes += nbytes
        if self.phase is GCPhase.MARK and mark is not None:
            self._assist(nbytes)
        self.advance(ns)
        self.sample()

    def check_trigger(self) -> None:
        """`gcTrigger.test` for a heap trigger, tested once the allocating code has stored
        its result (so the new object is reachable from the goroutine's stack)."""
        if self.phase in (GCPhase.OFF, GCPhase.SWEEP):
            trigger = self.pacer_trigger()
            if trigger is not None and self.heap_live() >= trigger:
                self.start_cycle(forced=False)
                self.advance_phase()  # STW #1 ends at once: the world restarts

    def _assist(self, nbytes: int) -> None:
        """`deductAssistCredit` / `gcAssistAlloc`: pay for allocation with scan work.

        Debt × `assistWorkPerByte` of work, at least `gcOverAssistWork`; background
        credit is stolen first; credit is given for the work done (`gcAssistAlloc1`).
        A preempted assist lets P0's scheduler run, then retries (`goto retry`).
        """
        # The cycle may end inside the loop (an assist can finish marking): its credit
        # then dies with it, as gcResetMarkState zeroes every g.gcAssistBytes next time.
        cycle = self._running()
        cycle.assist_credit -= nbytes
        work_done = 0
        took = 0
        while cycle.assist_credit < 0 and self.phase is GCPhase.MARK and cycle.mark is not None:
            if self.limiter_active:
                break  # gcAssistAlloc: no assists while the CPU limiter is on
            self.pacer.revise(self.heap_live(), self.heap_scan_estimate(), cycle.mark.work_done)
            work, debt = self.pacer.assist_scan_work(-cycle.assist_credit)
            per_work = self.pacer.assist_bytes_per_work
            if cycle.bg_scan_credit > 0:
                if cycle.bg_scan_credit < work:
                    stolen = cycle.bg_scan_credit
                    cycle.assist_credit += 1 + int(per_work * stolen)
                else:
                    stolen = work
                    cycle.assist_credit += debt
                cycle.bg_scan_credit -= stolen
                work -= stolen
                if work == 0:
                    break
            start = self.time_ns
            roots_before = self._root_work_done()
            done, why = self._p0_mark(work, "assist")
            credited = done
            if self.phase is GCPhase.MARK:
                # gcDrainN stops after the scan unit that crosses its budget: a root
                # job (a data/BSS block of up to 256 KiB, a stack) or an object — and
                # scanobject scans an object > 128 KiB one oblet at a time
                # (maxObletBytes). Our drain scans whole objects, so the heap work it
                # did beyond the budget rounded up to whole oblets is left for later
                # assists to claim at the ratio of their time, as background credit is
                # (gcAssistAlloc steals bgScanCredit).
                roots = self._root_work_done() - roots_before
                most = roots + -(-max(work - roots, 0) // MAX_OBLET_BYTES) * MAX_OBLET_BYTES
                if credited > most:
                    cycle.bg_scan_credit += credited - most
                    credited = most
            cycle.assist_credit += 1 + int(per_work * credited)
            work_done += done
            took += self.time_ns - start
            # gcAssistAlloc1: once this P's assist time passes gcAssistTimeSlack it is
            # published and the limiter updated at once (gcCPULimiter.update(now)).
            self._assist_slack_ns += self.time_ns - start
            if self._assist_slack_ns > GC_ASSIST_TIME_SLACK_NS:
                self._assist_slack_ns = 0
                self._limiter_update()
            if why == "preempt":
                self._preempt_p0()
                continue
            if why != "budget":
                break
        if work_done:
            self.events.emit("mark_assist", f"mark assist: allocating outran the background workers, so the "
                             f"allocating goroutine scanned {format_exact(work_done)} itself ({took / 1000:.1f} µs)", g="main",
                             work_bytes=work_done)

    def _root_work_done(self) -> int:
        mark = self.mark
        return mark.roots_work_done if mark is not None else 0

    def heap_scan_estimate(self) -> int:
        """`heapScan`: scannable bytes of the heap, as the pacer estimates them."""
        mark = self.mark
        if mark is not None:
            return int(mark.total_work) + self.startup_heap_scan
        return self.last_marked

    def sample(self) -> None:
        """One point of the pacer chart, when the heap moved by 1/256 of the goal or the
        phase changed (sampling every allocation would cost more than it shows)."""
        live = self.heap.live_bytes()
        goal = self.pacer_goal()
        last = self.history.last()
        if last is not None and self._sampled_phase is self.phase:
            if abs(live - int(last[0][1])) < max(goal >> 8, 1) and goal == int(last[0][5]):
                return
        self._sampled_phase = self.phase
        stats = self.heap.stats()
        self.history.append(self.time_ns, live, int(stats.heap_inuse), self.last_marked,
                            self.pacer_trigger() or 0, goal, self.phase)

    # -- the cycle --------------------------------------------------------------------------

    def _enter(self, phase: GCPhase) -> None:
        """The collector moves to `phase`."""
        self.phase = phase
        self.phase_changes += 1

    def finish_stw(self) -> None:
        """The mutator cannot run inside a STW pause: leave one the user stopped in."""
        if self.phase in (GCPhase.SWEEP_TERM, GCPhase.MARK_TERM):
            self.advance_phase()

    def start_cycle(self, forced: bool, reason: str = "heap") -> None:
        """`gcStart` up to and including STW #1 (sweep termination).

        `reason` says what started it, as its event tells: "heap" (`gcTrigger{kind:
        gcTriggerHeap}`: the heap reached the trigger), "forced" (`runtime.GC()`) or "user"
        (the viewer asked for the next phase before the heap got there).
        """
        if self.heap.unswept_span_count():
            spans, objects, freed = self.heap.sweep_all()  # finishsweep_m
            if spans:
                self.events.emit("sweep", f"sweep termination finished sweeping {spans} span(s): "
                                 f"{objects} dead object(s), {format_exact(freed)} freed", spans=spans,
                                 freed_bytes=freed, freed_objects=objects)
        self._enter(GCPhase.SWEEP_TERM)
        number = self.num_gc + 1
        cycle = self.cycle = Cycle(number, forced, self.time_ns, self.heap_live(), self.pacer_goal())
        if self.pacer.scavenger is not None:  # mappedReady counts the runtime's grown metadata
            self.pacer.scavenger.runtime_overhead = self.runtime_metadata()
        if self.pacer.memory_limit is not None:
            self.update_pacer_memory()
        pause = clock.STW_SWEEP_TERM_NS + clock.STW_PER_P_NS * self.gomaxprocs
        cycle.stw1_ns = pause
        self._pause(pause)
        trigger = None if forced else self.pacer_trigger()
        if forced:
            reason, why = "forced", "runtime.GC() was called"
        elif reason == "user":
            why = (f"started by hand with ] (next GC phase): the heap, {format_exact(cycle.heap0)}, "
                   f"had not reached the trigger, "
                   f"{format_goal(None) if trigger is None else format_exact(trigger)}")
        else:
            why = f"the heap, {format_exact(cycle.heap0)}, reached the trigger, {format_exact(trigger or 0)}"
        self.events.emit("gc_phase", f"GC {number} starts: {why}. Stop the world — sweep termination "
                         f"({pause / 1000:.1f} µs)", cycle=number, phase=GCPhase.SWEEP_TERM.value,
                         reason=reason)
        if self.pool_cleanup is not None:
            self.pool_cleanup.clear_pools()  # clearpools → sync.poolCleanup

    @staticmethod
    def _goal_text(goal: int) -> str:
        """A goal as events state it: readable, exact, or "never"."""
        return format_goal(goal) if goal >= NO_GOAL else format_exact(goal)

    def _pause(self, ns: int) -> None:
        """A stop-the-world pause: `startGCTransition` flushes the limiter, then
        `finishGCTransition` counts the pause on every P as GC time."""
        self._limiter_update()
        self.time_ns += ns
        self.pause_total_ns += ns
        self.gc_cpu_ns += ns * self.gomaxprocs
        self.limiter.stw(ns, num_gc=self.num_gc)
        self.lim_last_update = self.time_ns
        if self.time_ns >= self.sysmon_next:  # sysmon skips the limiter during a transition
            self.sysmon_next = (self.time_ns // clock.SYSMON_TICK_NS + 1) * clock.SYSMON_TICK_NS

    def begin_mark(self) -> None:
        """End of STW #1: `gcBgMarkPrepare`, roots prepared, write barrier on."""
        self._enter(GCPhase.MARK)
        self.heap.begin_mark()
        self.stacks.gc_start()
        roots = self.roots.root_jobs()
        if self.startup_heap_scan:
            # The runtime's start-up objects (gs, allgs, module data...) are heap objects
            # reached from data+bss: their scan work is heapScanWork, ~30 KB a cycle, and
            # lastHeapScan counts it in the next cycle's expected work (mgcpacer.go revise:
            # lastHeapScan + lastStackScan + globalsScan), so the globals job's assist
            # credit pays for ~0.8 of the runway, not all of it.
            roots.append(RootJob(STARTUP_HEAP_ROOT, self.startup_heap_scan, np.empty(0, dtype=np.int64), heap=True))
        n = self.heap.n_objects
        live = np.asarray(self.heap.obj_live[:n], dtype=bool)
        src, dst = self.graph.edges()
        keep = (src < n) & (dst < n)
        src, dst = src[keep], dst[keep]
        keep = live[src] & live[dst]
        cycle = self._running()
        mark = cycle.mark = build_mark_state(
            n, src[keep], dst[keep], roots, self.object_work(n), self.heap.obj_span[:n].astype(np.int64),
            self.green_tea_small(n),
        )
        cycle.t_mark = self.time_ns
        self.pacer.start_cycle(self.heap_live(), heap_scan=int(mark.total_work) + self.startup_heap_scan,
                               max_stack_scan=int(self.stacks.max_stack_scan))
        cycle.assist_credit = 0  # gcResetMarkState: every g.gcAssistBytes = 0
        cycle.bg_scan_credit = 0  # startCycle
        self.lim_gc_enabled = True  # startGCTransition(true) … finishGCTransition
        # Marked bits of everything the snapshot will reach are set when it is greyed;
        # in the heap we set them all now for the sweep, and track grey/black here.
        self.heap.mark(mark.order)
        background, idle = self.workers()
        self.events.emit("gc_phase", f"GC {cycle.number}: concurrent mark — write barrier on, new objects "
                         f"allocated black; {len(mark.order)} reachable object(s) to mark from "
                         f"{sum(1 for job in roots if not job.heap)} root(s); workers: "  # the start-up heap is heap
                         f"{self.pacer.worker_plan().description}"
                         + (f" + {idle:g} idle P(s)" if idle else ""),
                         cycle=cycle.number, phase=GCPhase.MARK.value, reason="")

    def object_work(self, n: int) -> np.ndarray:
        """Scan work per object: its pointerful bytes plus a fixed cost to mark it."""
        spans = self.heap.obj_span[:n]
        noscan = np.asarray(self.heap.span_noscan)[spans]
        size = self.heap.object_bytes_array(np.arange(n))
        return np.where(noscan, 0, size) + OBJECT_MARK_COST

    def green_tea_small(self, n: int) -> np.ndarray:
        """Objects of 16..512 B take Green Tea's span path (`gcUsesSpanInlineMarkBits`)."""
        elem = np.asarray(self.heap.span_elem_size)[self.heap.obj_span[:n]]
        return (elem >= 16) & (elem <= 512)

    def write_barrier(self, holder: int, old: int, new: int) -> None:
        """The hybrid barrier (`mbarrier.go`): shade the old and the new pointer."""
        mark = self.mark
        if mark is None:
            return
        targets = np.asarray([t for t in (old, new) if t != NIL], dtype=np.int64)
        if len(targets) == 0:
            return
        shaded = mark.shade_objects(targets)
        names = ", ".join(self.graph.name(int(o)) for o in shaded) or "nothing new (already marked)"
        self.events.emit("write_barrier", f"write barrier: shaded old {self.graph.name(old) if old != NIL else 'nil'} "
                         f"and new {self.graph.name(new) if new != NIL else 'nil'} → greyed {names}",
                         target=self.graph.name(holder) if holder != NIL else None,
                         old=self.graph.name(old) if old != NIL else None,
                         new=self.graph.name(new) if new != NIL else None)

    def mark_termination(self, stop: bool = False) -> None:
        """`gcMarkDone` → STW #2 → `gcMarkTermination`, then sweeping starts.

        With `stop`, the world stays stopped in mark termination (the user is stepping
        through phases); the next step or phase change finishes it.
        """
        if self.phase is not GCPhase.MARK:
            return
        cycle = self._running()
        mark = cycle.marking
        mark.finish()
        # gcMarkDone: every stack has been scanned (shrinking as it went), the adaptive
        # starting stack size is computed; empty stack spans are freed after the STW.
        cycle.stack_shrinks = self.stacks.gc_end()
        cycle.stack_scan = int(self.stacks.last_scanned)
        self._enter(GCPhase.MARK_TERM)
        cycle.t_mark_term = self.time_ns
        pause = clock.STW_MARK_TERM_NS + clock.STW_PER_P_NS * self.gomaxprocs
        cycle.stw2_ns = pause
        self._limiter_update()
        self.lim_gc_enabled = False  # gcMarkDone: startGCTransition(false)
        self._pause(pause)
        cycle.heap1 = self.heap_live()
        cycle.marked = self.heap.marked_bytes() + self.startup_heap_bytes
        cycle.scan_work = mark.work_done
        cycle.root_work = mark.root_work
        self.gc_cpu_ns += cycle.background_ns
        self.idle_mark_ns += cycle.idle_ns
        # endCycle: assists were possible from markStartTime (gcStart's `now`, before
        # STW #1) until now.
        self.pacer.end_cycle(
            heap_live=cycle.heap1, scan_work=mark.work_done, assist_ns=cycle.assist_ns,
            mark_duration_ns=max(cycle.t_mark_term - cycle.t_start, 1), idle_mark_ns=cycle.idle_ns,
        )
        cycle.goal = self.pacer.last_heap_goal
        self.events.emit("gc_phase", f"GC {cycle.number}: stop the world — mark termination "
                         f"({pause / 1000:.1f} µs); {format_exact(cycle.marked)} marked live",
                         cycle=cycle.number, phase=GCPhase.MARK_TERM.value, reason="")
        if not stop:
            self.begin_sweep()

    def begin_sweep(self) -> None:
        """End of STW #2: commit the pacer, print gctrace, start sweeping; the cycle ends."""
        cycle = self._running()
        self.heap.end_mark()
        self.num_gc += 1
        if cycle.forced:
            self.num_forced_gc += 1
        self.last_marked = cycle.marked
        self.last_stack_scan = cycle.stack_scan
        mark_ns = max(cycle.t_mark_term - cycle.t_mark, 0)
        self.pacer_heap_live = cycle.marked  # gcController.resetLive
        stats = self.heap.stats()
        self.pacer.commit(
            heap_marked=cycle.marked,
            stack_scan=cycle.stack_scan,
            non_heap_bytes=self.non_heap_bytes(),
            heap_scan=int(max(cycle.scan_work - cycle.root_work, 0)),
            heap_free=int(stats.heap_idle - stats.heap_released),
            heap_alloc=int(stats.heap_alloc),
            sweep_done=False,
        )
        self.pauses_ns.append(cycle.stw1_ns + cycle.stw2_ns)
        record = GCTraceRecord(
            cycle=cycle.number,
            start_ns=cycle.t_start,
            cpu_fraction=self.gc_cpu_fraction(),
            sweep_term_ns=cycle.stw1_ns,
            mark_ns=mark_ns,
            mark_term_ns=cycle.stw2_ns,
            assist_ns=cycle.assist_ns,
            background_ns=cycle.background_ns,
            idle_ns=cycle.idle_ns,
            heap0=cycle.heap0,
            heap1=cycle.heap1,
            heap2=cycle.marked,
            goal=cycle.goal,
            stack_scan=cycle.stack_scan,
            globals_scan=self.globals_bytes,
            procs=self.gomaxprocs,
            forced=cycle.forced,
        )
        line = format_gctrace(record)
        self.trace_lines.append(line)
        for change in cycle.stack_shrinks:
            self.events.emit("stack_shrink", f"{change.goroutine}'s stack shrank {format_exact(change.old_size)} → "
                             f"{format_exact(change.new_size)} at its GC scan (less than a quarter in use)",
                             goroutine=change.goroutine, old_size=change.old_size, new_size=change.new_size)
        self.events.emit("gc", line, cycle=cycle.number, heap0=cycle.heap0, heap1=cycle.heap1,
                         live=cycle.marked, goal=cycle.goal, forced=cycle.forced, line=line,
                         startup_heap=self.startup_heap_bytes,
                         next_goal=self.pacer_goal())
        self._enter(GCPhase.SWEEP)
        self.cycle = None
        self.events.emit("gc_phase", f"GC {cycle.number}: sweep — {self.heap.unswept_span_count()} span(s) to sweep "
                         f"lazily and in the background; next goal {self._goal_text(self.pacer_goal())}",
                         cycle=cycle.number, phase=GCPhase.SWEEP.value, reason="")
        self.sample()

    def sweep_done(self) -> None:
        self._enter(GCPhase.OFF)
        self.events.emit("gc_phase", "sweeping finished: every span swept, GC off until the next trigger",
                         cycle=self.num_gc, phase=GCPhase.OFF.value, reason="")

    def gc_cpu_fraction(self) -> float:
        total = self.time_ns * self.gomaxprocs
        return self.gc_cpu_ns / total if total else 0.0

    # -- controls ----------------------------------------------------------------------------

    def advance_phase(self) -> None:
        """Move to the next phase: start a cycle, end STW #1, run mark to its end (stopping
        in mark termination), or end STW #2."""
        phase = self.phase
        if phase in (GCPhase.OFF, GCPhase.SWEEP):
            self.start_cycle(forced=False, reason="user")
        elif phase is GCPhase.SWEEP_TERM:
            self.begin_mark()
        elif phase is GCPhase.MARK:
            cycle = self._running()
            left = cycle.marking.remaining_work()
            background, idle = self.workers()
            ns = clock.scan_ns(left, max(background + idle, 0.25))
            cycle.background_ns += int(ns * background)
            cycle.idle_ns += int(ns * idle)
            self.time_ns += ns
            self.mark_termination(stop=True)
        elif phase is GCPhase.MARK_TERM:
            self.begin_sweep()

    def mark_unit(self) -> None:
        """One unit of mark work by a background worker (a root, a span or an object)."""
        if self.phase is GCPhase.SWEEP_TERM:
            self.begin_mark()
        mark = self.mark
        if self.phase is not GCPhase.MARK or mark is None:
            self.events.emit("mark_unit", f"no mark work to do: the collector is in phase {self.phase.value}",
                             done=False)
            return
        unit = one_unit(mark, self.green_tea, self.graph.name)
        if unit is not None:
            background, _ = self.workers()
            ns = clock.scan_ns(unit.work, max(background, 0.25))
            self._running().background_ns += int(ns * background)
            self.time_ns += ns
            self.events.emit("mark_unit", unit.text, work=unit.work, scanned=unit.scanned, shaded=unit.shaded,
                             done=True)
        if mark.complete():
            self.mark_termination(stop=True)

    def finish_cycle_now(self) -> None:
        """Run the current cycle to the end of mark termination (`gcWaitOnMark`)."""
        while self.phase in (GCPhase.SWEEP_TERM, GCPhase.MARK, GCPhase.MARK_TERM):
            self.advance_phase()

    def forced_gc(self) -> None:
        """`runtime.GC()`: finish any cycle, run a full one, and sweep everything."""
        self.finish_cycle_now()
        self.start_cycle(forced=True)
        self.begin_mark()
        # The caller blocks: its P runs an idle worker, so every P marks.
        cycle = self._running()
        left = cycle.marking.remaining_work()
        background, idle = self.workers()
        idle += 1  # the blocked caller's P
        ns = clock.scan_ns(left, background + idle)
        cycle.background_ns += int(ns * background)
        cycle.idle_ns += int(ns * idle)
        self.time_ns += ns
        self.mark_termination()
        spans, objects, freed = self.heap.sweep_all()  # runtime.GC waits for the sweep
        self.heap.profile.post_sweep(self.heap.objects)  # mProf_PostSweep
        self.time_ns += spans * clock.SWEEP_SPAN_NS
        if spans:
            self.events.emit("sweep", f"runtime.GC swept all {spans} span(s): {objects} dead object(s), "
                             f"{format_exact(freed)} freed", spans=spans, freed_bytes=freed, freed_objects=objects)
        self.sweep_done()
        self.sample()
