"""The garbage collector's cycle: phases, roots, concurrent mark, assists, sweep.

A mixin of `Runtime`. The phases follow `runtime/mgc.go`:

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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gomemtui.runtime import clock
from gomemtui.runtime.gctrace import GCTraceRecord, format_gctrace
from gomemtui.runtime.history import PacerHistory
from gomemtui.runtime.pacer import GCCPULimiter
from gomemtui.runtime.marking import OBJECT_MARK_COST, MarkState, RootJob, build_mark_state, one_unit
from gomemtui.runtime.program_state import NIL, Var
from gomemtui.runtime.views import GCPhase

NO_GOAL = 1 << 62
"""Goals at least this big mean "never": GOGC=off without a memory limit (≈ MaxInt64)."""
RUNTIME_NON_HEAP_BYTES = 4_300_000
"""Memory a minimal Go 1.27 program maps besides heap objects, free heap and stacks:
runtime metadata (mspans, heap bitmaps, GC work buffers, profiling buckets...). The
oracle's pacer_goal.json shows ≈ 4.6 MB of non-heap memory (stacks ≈ 0.2 MB included)."""
BACKGROUND_SWEEP_SHARE = 0.25
"""Share of mutator time in which the background sweeper (`bgsweep`) sweeps spans."""


@dataclass
class CycleRecord:
    """What one cycle measured, for the gctrace line."""

    number: int
    forced: bool
    t_start: int
    heap0: int
    goal: int
    stw1_ns: int = 0
    t_mark: int = 0
    t_mark_term: int = 0
    stw2_ns: int = 0
    assist_ns: int = 0
    background_ns: int = 0
    idle_ns: int = 0
    heap1: int = 0
    marked: int = 0
    stack_scan: int = 0
    scan_work: int = 0
    root_work: int = 0


class Collector:
    """The collector's state machine (mixed into Runtime)."""

    def init_collector(self) -> None:
        self.gc_phase = GCPhase.OFF
        self.num_gc = 0
        self.num_forced_gc = 0
        self.mark: MarkState | None = None
        self.cycle: CycleRecord | None = None
        self.trace_lines: list[str] = []
        self.pauses_ns: list[int] = []
        self.pause_total_ns = 0
        self.gc_cpu_ns = 0
        self.idle_mark_ns = 0
        self.history = PacerHistory()
        self._sampled_phase = None
        self.last_marked = 0
        self.last_stack_scan = 0
        self.limiter = GCCPULimiter(self.settings.gomaxprocs)
        self.pacer_heap_live = 0
        self.assist_credit = 0
        """`g.gcAssistBytes` of the mutator: bytes it may allocate before assisting."""
        self.stack_shrinks: list = []

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
        metadata and buffers (`RUNTIME_NON_HEAP_BYTES`).
        """
        stats = self.heap.stats()
        return int(stats.heap_inuse - stats.heap_alloc + self.stacks.stack_inuse) + RUNTIME_NON_HEAP_BYTES

    def update_pacer_memory(self) -> None:
        stats = self.heap.stats()
        self.pacer.set_memory(
            self.non_heap_bytes(), heap_free=int(stats.heap_idle - stats.heap_released),
            heap_alloc=int(stats.heap_alloc),
        )

    # -- queries used while mutating -------------------------------------------------------

    def allocate_black(self) -> bool:
        """`gcmarknewobject`: allocation while the write barrier is on is black."""
        return self.gc_phase in (GCPhase.MARK, GCPhase.MARK_TERM)

    def write_barrier_on(self) -> bool:
        return self.gc_phase in (GCPhase.MARK, GCPhase.MARK_TERM)

    def bytes_until_trigger(self) -> int | None:
        if self.gc_phase in (GCPhase.MARK, GCPhase.SWEEP_TERM, GCPhase.MARK_TERM):
            return None
        trigger = self.pacer_trigger()
        if trigger is None:
            return None
        return max(0, trigger - self.heap_live())

    def workers(self) -> tuple[float, float]:
        """(background worker CPUs, idle worker CPUs) while marking.

        Background: dedicated workers plus the fractional share (`startCycle`). Idle Ps
        (no runnable goroutine) run idle-mode workers (`findRunnableGCWorker`).
        The fractional worker's time is not taken from the mutator here.
        """
        plan = self.pacer.worker_plan()
        procs = self.settings.gomaxprocs
        background = plan.dedicated + plan.fractional_goal * procs
        busy = sum(1 for g in self.goroutines.values() if g.state in ("running", "runnable"))
        idle = max(0, procs - busy - plan.dedicated - (1 if plan.fractional_goal else 0))
        return float(background), float(min(idle, plan.max_idle))

    @property
    def limiter_active(self) -> bool:
        return self.limiter.limiting

    # -- time -------------------------------------------------------------------------------

    def advance(self, ns: int) -> None:
        """Mutator time passes on P0; marking and sweeping go on beside it."""
        ns = int(ns)
        while ns > 0:
            if self.gc_phase is GCPhase.MARK and self.mark is not None:
                background, idle = self.workers()
                rate = clock.SCAN_BYTES_PER_NS * (background + idle)
                if rate <= 0:
                    self._tick(ns)
                    return
                need = self.mark.remaining_work()
                need_ns = int(need / rate) + 1
                step = min(ns, need_ns)
                self.mark.drain(int(step * rate))
                self.cycle.background_ns += int(step * background)
                self.cycle.idle_ns += int(step * idle)
                self._tick(step)
                ns -= step
                if self.mark.complete():
                    self.mark_termination()
                continue
            if self.gc_phase is GCPhase.SWEEP:
                spans = max(1, int(ns * BACKGROUND_SWEEP_SHARE / clock.SWEEP_SPAN_NS))
                self.heap.sweep(spans)
                if self.heap.unswept_span_count() == 0:
                    self.sweep_done()
            self._tick(ns)
            return

    def _tick(self, ns: int) -> None:
        """Wall time passes with the mutator running on P0."""
        self.time_ns += ns
        self.limiter.accumulate(mutator_ns=ns, gc_ns=0, num_gc=self.num_gc)

    def after_alloc(self, nbytes: int, count: int, ns: int, black: bool) -> None:
        """Bookkeeping after allocating: heapLive, time, mark assist, trigger test."""
        self.pacer_heap_live += nbytes
        if black and self.mark is not None:
            self.mark.black_allocs += count
            self.mark.black_alloc_bytes += nbytes
        if self.gc_phase is GCPhase.MARK and self.mark is not None:
            self._assist(nbytes)
        self.advance(ns)
        self.sample()

    def check_trigger(self) -> None:
        """`gcTrigger.test` for a heap trigger, tested once the allocating code has stored
        its result (so the new object is reachable from the goroutine's stack)."""
        if self.gc_phase in (GCPhase.OFF, GCPhase.SWEEP):
            trigger = self.pacer_trigger()
            if trigger is not None and self.heap_live() >= trigger:
                self.start_cycle(forced=False)
                self.collector_advance_phase()  # STW #1 ends at once: the world restarts

    def _assist(self, nbytes: int) -> None:
        """`deductAssistCredit` / `gcAssistAlloc`: pay for allocation with scan work."""
        self.assist_credit -= nbytes
        if self.assist_credit >= 0:
            return
        if self.limiter_active:
            return  # gcAssistAlloc: no assists while the CPU limiter is on
        remaining = self.mark.remaining_work()
        if remaining <= 0:
            return
        self.pacer.revise(self.heap_live(), self.heap_scan_estimate(), self.mark.work_done)
        work, paid = self.pacer.assist_scan_work(-self.assist_credit)
        work = min(work, remaining)
        done = self.mark.drain(work)
        self.assist_credit += paid
        ns = clock.scan_ns(done)
        self.cycle.assist_ns += ns
        self.gc_cpu_ns += ns
        self.time_ns += ns
        self.limiter.accumulate(mutator_ns=0, gc_ns=ns, num_gc=self.num_gc)
        self.emit("mark_assist", f"mark assist: allocating outran the background workers, so the "
                  f"allocating goroutine scanned {done} B itself ({ns / 1000:.1f} µs)", g="main",
                  work_bytes=done)
        if self.mark.complete():
            self.mark_termination()

    def heap_scan_estimate(self) -> int:
        """`heapScan`: scannable bytes of the heap, as the pacer estimates them."""
        if self.mark is not None:
            return int(self.mark.total_work)
        return self.last_marked

    def sample(self) -> None:
        """One point of the pacer chart, when the heap moved by 1/256 of the goal or the
        phase changed (sampling every allocation would cost more than it shows)."""
        live = self.heap.live_bytes()
        goal = self.pacer_goal()
        last = self.history.last()
        if last is not None and self._sampled_phase is self.gc_phase:
            if abs(live - int(last[0][1])) < max(goal >> 8, 1) and goal == int(last[0][5]):
                return
        self._sampled_phase = self.gc_phase
        stats = self.heap.stats()
        self.history.append(self.time_ns, live, int(stats.heap_inuse), self.last_marked,
                            self.pacer_trigger() or 0, goal, self.gc_phase)

    # -- the cycle --------------------------------------------------------------------------

    def finish_stw(self) -> None:
        """The mutator cannot run inside a STW pause: leave one the user stopped in."""
        if self.gc_phase in (GCPhase.SWEEP_TERM, GCPhase.MARK_TERM):
            self.collector_advance_phase()

    def start_cycle(self, forced: bool) -> None:
        """`gcStart` up to and including STW #1 (sweep termination)."""
        stats = self.heap.stats()
        if self.heap.unswept_span_count():
            spans, objects, freed = self.heap.sweep_all()  # finishsweep_m
            if spans:
                self.emit("sweep", f"sweep termination finished sweeping {spans} span(s): "
                          f"{objects} dead object(s), {freed} B freed", spans=spans,
                          freed_bytes=freed, freed_objects=objects)
        self.gc_phase = GCPhase.SWEEP_TERM
        number = self.num_gc + 1
        self.cycle = CycleRecord(number, forced, self.time_ns, self.heap_live(), self.pacer_goal())
        pause = clock.STW_SWEEP_TERM_NS + clock.STW_PER_P_NS * self.settings.gomaxprocs
        self.cycle.stw1_ns = pause
        self._pause(pause)
        why = "runtime.GC()" if forced else (
            f"heap {self.cycle.heap0} B reached the trigger {self.pacer_trigger()} B")
        self.emit("gc_phase", f"GC {number} starts ({why}): stop the world — sweep termination "
                  f"({pause / 1000:.1f} µs)", cycle=number, phase=GCPhase.SWEEP_TERM.value,
                  reason="forced" if forced else "heap")
        for rec in self.pools.values():
            dropped, moved = rec.model.cleanup()  # sync.poolCleanup via clearpools
            if dropped or moved:
                self.emit("pool_cleanup", f"poolCleanup: {rec.name}'s victim cache dropped "
                          f"({len(dropped)} object(s)), its {moved} cached object(s) move to the victim cache",
                          pool=rec.name, dropped=[self.name_of(o) for o in dropped], to_victim=moved)
        _ = stats

    def _pause(self, ns: int) -> None:
        self.time_ns += ns
        self.pause_total_ns += ns
        self.gc_cpu_ns += ns * self.settings.gomaxprocs
        self.limiter.stw(ns, num_gc=self.num_gc)

    def begin_mark(self) -> None:
        """End of STW #1: `gcBgMarkPrepare`, roots prepared, write barrier on."""
        self.gc_phase = GCPhase.MARK
        self.heap.begin_mark()
        self.stacks.gc_start()
        roots = self.root_jobs()
        n = self.heap.n_objects
        live = np.asarray(self.heap.obj_live[:n], dtype=bool)
        src, dst = self.slots.edges()
        keep = (src < n) & (dst < n)
        src, dst = src[keep], dst[keep]
        keep = live[src] & live[dst]
        self.mark = build_mark_state(
            n, src[keep], dst[keep], roots, self.object_work(n), self.heap.obj_span[:n].astype(np.int64),
            self.green_tea_small(n),
        )
        self.cycle.t_mark = self.time_ns
        self.pacer.start_cycle(self.heap_live(), heap_scan=int(self.mark.total_work),
                               max_stack_scan=int(self.stacks.max_stack_scan))
        self.assist_credit = 0
        # Marked bits of everything the snapshot will reach are set when it is greyed;
        # in the heap we set them all now for the sweep, and track grey/black here.
        self.heap.mark(self.mark.order)
        background, idle = self.workers()
        self.emit("gc_phase", f"GC {self.cycle.number}: concurrent mark — write barrier on, new objects "
                  f"allocated black; {len(self.mark.order)} reachable object(s) to mark from "
                  f"{len(roots)} root(s); workers: {self.pacer.worker_plan().description}"
                  + (f" + {idle:g} idle P(s)" if idle else ""),
                  cycle=self.cycle.number, phase=GCPhase.MARK.value, reason="")

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

    def var_objects(self, var: Var) -> list[int]:
        """Heap objects a variable points to directly."""
        out: list[int] = []
        if var.kind == "pointer":
            if var.oid != NIL:
                out.append(var.oid)
            if var.stack_fields:
                out.extend(t for t in var.stack_fields.values() if t != NIL)
        elif var.kind == "slice" and var.slice.array is not None:
            arr = self.arrays[var.slice.array]
            if arr.on_stack:
                if arr.stack_slots is not None:
                    out.extend(int(t) for t in arr.stack_slots if t != NIL)
            else:
                out.append(arr.oid)
        elif var.kind == "map" and var.map_id is not None:
            out.extend(self.maps[var.map_id].parts.values())
        return out

    def root_jobs(self) -> list[RootJob]:
        """`gcPrepareMarkRoots`: data/BSS (globals and every pool's caches), then stacks."""
        global_oids: list[int] = []
        for var in self.vars.values():
            if var.owner is None:
                global_oids.extend(self.var_objects(var))
        for rec in self.pools.values():
            global_oids.extend(rec.model.cached_objects())  # sync.allPools / oldPools
        jobs = [RootJob("globals (data+bss)", self.settings.globals_bytes,
                        np.asarray(global_oids, dtype=np.int64))]
        for g in self.goroutines.values():
            if g.state == "dead":
                continue
            oids: list[int] = []
            for var in self.vars.values():
                if var.owner == g.name:
                    oids.extend(self.var_objects(var))
            jobs.append(RootJob(f"stack of {g.name}", self.stacks.used(g.name) or g.used,
                                np.asarray(oids, dtype=np.int64)))
        return jobs

    def write_barrier(self, holder: int, old: int, new: int) -> None:
        """The hybrid barrier (`mbarrier.go`): shade the old and the new pointer."""
        if self.mark is None:
            return
        targets = np.asarray([t for t in (old, new) if t != NIL], dtype=np.int64)
        if len(targets) == 0:
            return
        shaded = self.mark.shade_objects(targets)
        names = ", ".join(self.name_of(int(o)) for o in shaded) or "nothing new (already marked)"
        self.emit("write_barrier", f"write barrier: shaded old {self.name_of(old) if old != NIL else 'nil'} "
                  f"and new {self.name_of(new) if new != NIL else 'nil'} → greyed {names}",
                  target=self.name_of(holder) if holder != NIL else None,
                  old=self.name_of(old) if old != NIL else None,
                  new=self.name_of(new) if new != NIL else None)

    def mark_termination(self, stop: bool = False) -> None:
        """`gcMarkDone` → STW #2 → `gcMarkTermination`, then sweeping starts.

        With `stop`, the world stays stopped in mark termination (the user is stepping
        through phases); the next step or phase change finishes it.
        """
        if self.gc_phase is not GCPhase.MARK:
            return
        self.mark.finish()
        # gcMarkDone: every stack has been scanned (shrinking as it went), the adaptive
        # starting stack size is computed; empty stack spans are freed after the STW.
        self.stack_shrinks = self.stacks.gc_end()
        self.cycle.stack_scan = int(self.stacks.last_scanned)
        self.gc_phase = GCPhase.MARK_TERM
        cycle = self.cycle
        cycle.t_mark_term = self.time_ns
        pause = clock.STW_MARK_TERM_NS + clock.STW_PER_P_NS * self.settings.gomaxprocs
        cycle.stw2_ns = pause
        self._pause(pause)
        cycle.heap1 = self.heap_live()
        cycle.marked = self.heap.marked_bytes()
        cycle.scan_work = self.mark.work_done
        cycle.root_work = self.mark.root_work
        self.gc_cpu_ns += cycle.background_ns
        self.idle_mark_ns += cycle.idle_ns
        self.limiter.accumulate(mutator_ns=0, gc_ns=cycle.background_ns, num_gc=self.num_gc)
        self.pacer.end_cycle(
            heap_live=cycle.heap1, scan_work=self.mark.work_done, assist_ns=cycle.assist_ns,
            mark_duration_ns=max(cycle.t_mark_term - cycle.t_mark, 1), idle_mark_ns=cycle.idle_ns,
        )
        cycle.goal = self.pacer.last_heap_goal
        self.emit("gc_phase", f"GC {cycle.number}: stop the world — mark termination "
                  f"({pause / 1000:.1f} µs); {cycle.marked} B marked live",
                  cycle=cycle.number, phase=GCPhase.MARK_TERM.value, reason="")
        if not stop:
            self.begin_sweep()

    def begin_sweep(self) -> None:
        """End of STW #2: commit the pacer, print gctrace, start sweeping."""
        cycle = self.cycle
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
            globals_scan=self.settings.globals_bytes,
            procs=self.settings.gomaxprocs,
            forced=cycle.forced,
        )
        line = format_gctrace(record)
        self.trace_lines.append(line)
        for change in self.stack_shrinks:
            self.emit("stack_shrink", f"{change.goroutine}'s stack shrank {change.old_size} → "
                      f"{change.new_size} B at its GC scan (less than a quarter in use)",
                      goroutine=change.goroutine, old_size=change.old_size, new_size=change.new_size)
        self.emit("gc", line, cycle=cycle.number, heap0=cycle.heap0, heap1=cycle.heap1,
                  live=cycle.marked, goal=cycle.goal, forced=cycle.forced, line=line,
                  next_goal=self.pacer_goal())
        self.gc_phase = GCPhase.SWEEP
        self.mark = None
        self.emit("gc_phase", f"GC {cycle.number}: sweep — {self.heap.unswept_span_count()} span(s) to sweep "
                  f"lazily and in the background; next goal {self.pacer_goal()} B",
                  cycle=cycle.number, phase=GCPhase.SWEEP.value, reason="")
        self.sample()

    def sweep_done(self) -> None:
        self.gc_phase = GCPhase.OFF
        self.emit("gc_phase", "sweeping finished: every span swept, GC off until the next trigger",
                  cycle=self.num_gc, phase=GCPhase.OFF.value, reason="")

    def gc_cpu_fraction(self) -> float:
        total = self.time_ns * self.settings.gomaxprocs
        return self.gc_cpu_ns / total if total else 0.0

    # -- controls ----------------------------------------------------------------------------

    def collector_advance_phase(self) -> None:
        phase = self.gc_phase
        if phase in (GCPhase.OFF, GCPhase.SWEEP):
            self.start_cycle(forced=False)
        elif phase is GCPhase.SWEEP_TERM:
            self.begin_mark()
            if self.mark.complete():
                pass
        elif phase is GCPhase.MARK:
            left = self.mark.remaining_work()
            background, idle = self.workers()
            ns = clock.scan_ns(left, max(background + idle, 0.25))
            self.cycle.background_ns += int(ns * background)
            self.cycle.idle_ns += int(ns * idle)
            self.time_ns += ns
            self.mark_termination(stop=True)
        elif phase is GCPhase.MARK_TERM:
            self.begin_sweep()
        if self.gc_phase is GCPhase.SWEEP and phase is GCPhase.SWEEP:
            pass

    def collector_mark_unit(self) -> None:
        if self.gc_phase is GCPhase.SWEEP_TERM:
            self.begin_mark()
        if self.gc_phase is not GCPhase.MARK or self.mark is None:
            self.emit("mark_unit", f"no mark work to do: the collector is in phase {self.gc_phase.value}",
                      done=False)
            return
        unit = one_unit(self.mark, self.settings.green_tea, self.name_of)
        if unit is not None:
            background, _ = self.workers()
            ns = clock.scan_ns(unit.work, max(background, 0.25))
            self.cycle.background_ns += int(ns * background)
            self.time_ns += ns
            self.emit("mark_unit", unit.text, work=unit.work, scanned=unit.scanned, shaded=unit.shaded,
                      done=True)
        if self.mark.complete():
            self.mark_termination(stop=True)

    def finish_cycle_now(self) -> None:
        """Run the current cycle to the end of mark termination (`gcWaitOnMark`)."""
        while self.gc_phase in (GCPhase.SWEEP_TERM, GCPhase.MARK, GCPhase.MARK_TERM):
            self.collector_advance_phase()

    def forced_gc(self) -> None:
        """`runtime.GC()`: finish any cycle, run a full one, and sweep everything."""
        self.finish_cycle_now()
        self.start_cycle(forced=True)
        self.begin_mark()
        # The caller blocks: its P runs an idle worker, so every P marks.
        left = self.mark.remaining_work()
        background, idle = self.workers()
        idle += 1  # the blocked caller's P
        ns = clock.scan_ns(left, background + idle)
        self.cycle.background_ns += int(ns * background)
        self.cycle.idle_ns += int(ns * idle)
        self.time_ns += ns
        self.mark_termination()
        spans, objects, freed = self.heap.sweep_all()  # runtime.GC waits for the sweep
        self.time_ns += spans * clock.SWEEP_SPAN_NS
        if spans:
            self.emit("sweep", f"runtime.GC swept all {spans} span(s): {objects} dead object(s), "
                      f"{freed} B freed", spans=spans, freed_bytes=freed, freed_objects=objects)
        self.sweep_done()
        self.sample()
