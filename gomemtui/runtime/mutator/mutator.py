"""What the Go program itself does: the context every operation handler runs in.

The handlers (`slices`, `maps`, `pools`, `pointers`, `goroutines`, `gc_settings`,
`loops`) each stand for the Go code of one `do`; `handlers.HANDLERS` maps each op class
to its handler and `Mutator.run_op` runs one through that table. Allocation goes through
`Mutator.alloc`, which charges time, debits mark assists while the collector marks and
starts a cycle when the heap reaches the pacer's trigger (`runtime.mallocgc` →
`gcTrigger.test`).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.events import EventLog
from gomemtui.runtime.gc.collector import Collector
from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.memory.sizeclasses import MAX_SMALL_ALLOC, alloc_class, alloc_size
from gomemtui.runtime.memory.stacks import Stacks
from gomemtui.runtime.program import RuntimeSettings
from gomemtui.runtime.values.pointers import PointerSlots
from gomemtui.runtime.values.state import ProgramState
from gomemtui.runtime.values.variables import Var
from gomemtui.units import format_exact

Handler = Callable[["Mutator", Any], None]
"""A handler: the Go code of one op class, run against the mutator's parts."""

Progress = tuple[Any, ...]
"""What a resumable handler saved at its pause point: (what, done, total, ...), e.g.
("loop", i, j, times): iteration i is at body op j."""


class Paused(Exception):
    """A step stopped at a pause point between two units of its work; `Mutator.cursor`
    holds where each handler it runs inside got to, so the step resumes exactly there."""

STACK_ALLOC_LIMIT = 64 * 1024
"""Implicit allocations (`make`, `new`) up to 64 KiB may stay on the stack
(`cmd/compile/internal/ir/cfg.go MaxImplicitStackVarSize`)."""


class Mutator:
    """The program's side of the runtime: its state and the allocation path.

    Args:
        settings: The program's runtime settings.
        heap: Where objects are allocated.
        slots: Pointer slots and names of heap objects.
        stacks: Goroutine stacks.
        collector: Paces allocation (assists, trigger) and owns simulated time.
        state: Variables, arrays, maps, pools and goroutines.
        events: Where the handlers report what the runtime did.
        handlers: The handler of each op class.
    """

    def __init__(
        self, settings: RuntimeSettings, heap: Heap, slots: PointerSlots, stacks: Stacks, collector: Collector,
        state: ProgramState, events: EventLog, handlers: Mapping[type, Handler],
    ) -> None:
        self.settings = settings
        self.heap = heap
        self.slots = slots
        self.stacks = stacks
        self.collector = collector
        self.state = state
        self.events = events
        self.handlers = handlers
        self.depth = 0
        """How deep run_op calls are nested now (1: the step's own op)."""
        self.cursor: list[Progress] = []
        """Where a paused step got to: the progress of each resumable handler it was
        inside, outermost first (empty: no step is paused)."""
        self.restoring = False
        """While resuming: the innermost saved progress has not been handed back yet."""
        self.should_pause: Callable[[], bool] | None = None
        """Asked at each pause point while a step runs under a stop rule (set only for
        the duration of `Runtime.run_step`, so never part of a snapshot)."""
        self.site_path: tuple[int, ...] = ()
        """Path of the scenario step running now: (i,) for step i, (i, j) inside item j of
        its loop body (the allocation site the heap profile records; () outside steps)."""

    # -- running operations -----------------------------------------------------------

    def run_op(self, op: ops.Op) -> None:
        """Run one operation through the handler table, then test the heap trigger.

        A pause inside the handler (`Paused`) leaves the trigger test to the resumed run,
        which ends the handler first, as the straight run does.
        """
        self.depth += 1
        try:
            self.handlers[type(op)](self, op)
        finally:
            self.depth -= 1
        self.collector.check_trigger()
        if self.heap.specials.finq or self.heap.specials.cleanup_queue:
            self.run_queued()

    def run_queued(self) -> None:
        """The finalizer goroutine runs the queued finalizers (`runfinq`), and once
        sweeping is done (`gcCleanups.flush`) a cleanup goroutine the queued cleanups
        (`runCleanups`). Afterwards nothing refers to a finalized object: the next
        cycle frees it; a cleanup's boxed argument and closure are garbage."""
        specials = self.heap.specials
        for _, label in specials.take_finalizers():
            self.emit("finalizer_run", f"the finalizer goroutine ran the finalizer of {label}: nothing "
                      "refers to it any more, so the next cycle frees it", object=label)
        if specials.cleanup_queue and self.heap.is_swept:
            for c in specials.take_cleanups():
                self.emit("cleanup_run", f"sweeping is done: the cleanup goroutine ran {c.label}; its "
                          "boxed argument and closure are garbage now", cleanup=c.id,
                          object=specials.labels.get(c.target))

    def enter_site(self, path: tuple[int, ...]) -> None:
        """The step at `path` runs now: its allocations are recorded at that site."""
        self.site_path = path
        self.heap.profile.enter(path)

    # -- pausing and resuming a step ----------------------------------------------------

    def resumed(self) -> Progress | None:
        """The progress this handler saved when its step paused, or None on a fresh start.

        A resumable handler asks once, on entry; handlers inside it ask in turn, and the
        innermost saved one ends the restoring (everything after it starts fresh).
        """
        if not self.restoring or self.depth > len(self.cursor):
            return None
        saved = self.cursor[self.depth - 1]
        if self.depth == len(self.cursor):
            self.restoring = False
        return saved

    def save(self, progress: Progress) -> None:
        """Record this handler's progress before running an inner op (which may pause)."""
        d = self.depth
        if self.restoring:  # the inner handlers' saved progress is still to be read
            self.cursor[d - 1] = progress
            return
        del self.cursor[d - 1 :]
        self.cursor.append(progress)

    def pause_point(self, progress: Progress) -> None:
        """A point between two units of work where the step may stop: record the progress
        and stop (`Paused`) if the stop rule says so. Pausing changes nothing else, so a
        resumed step goes on exactly as a straight run would."""
        self.save(progress)
        if self.should_pause is not None and self.should_pause():
            raise Paused

    def emit(self, kind: str, text: str, **data: Any) -> None:
        """Report what the runtime did (an `Event`)."""
        self.events.emit(kind, text, **data)

    def advance(self, ns: int) -> None:
        """The program runs for `ns` of simulated time (the collector works beside it)."""
        self.collector.advance(ns)

    def name_of(self, oid: int) -> str:
        """An object's display name (the variable that first held it, or its role)."""
        return self.slots.name(oid)

    # -- goroutines and variables -------------------------------------------------------

    def owner(self, g: str) -> str:
        """Goroutine g runs this op (the others that ran become runnable); returns g."""
        goroutines = self.state.goroutines
        gor = goroutines.get(g)
        if gor is not None:
            # Only the goroutine this method last made running can be running: no need to
            # look at the others (10,000 goroutines of a `go` with count).
            last = goroutines.get(self.state.running)
            if last is not None and last.state == "running" and last.name != g:
                self.state.set_goroutine_state(last, "runnable")
            if gor.state in ("runnable", "running"):
                self.state.set_goroutine_state(gor, "running")
                self.state.running = g
        return g

    def bind(self, var: Var) -> None:
        """A variable (re)declared: the previous value under that name dies."""
        old = self.state.vars.get(var.name)
        if old is not None:
            var.owner = old.owner if old.owner is None else var.owner
        self.state.vars[var.name] = var

    # -- allocation -----------------------------------------------------------------------

    def alloc(self, size: int, noscan: bool, *, pointer_slots: int = 0) -> int:
        """mallocgc: one heap object; returns its id."""
        collector = self.collector
        black = collector.allocate_black()
        before = self.heap.total_alloc_bytes()
        oid = self.heap.alloc(size, noscan, black=black)
        if pointer_slots:
            self.slots.add_slots(oid, pointer_slots)
        # TotalAlloc delta: a tiny object may take no new bytes, and a sweep done by
        # this allocation must not count as negative allocation.
        taken = self.heap.total_alloc_bytes() - before
        collector.after_alloc(taken, 1, clock.alloc_ns(size, size > MAX_SMALL_ALLOC), black)
        return oid

    def alloc_many(self, count: int, size: int, noscan: bool, pointer_slots: int = 0) -> np.ndarray:
        """`count` equal allocations in one vectorized call (the caller tests the trigger)."""
        collector = self.collector
        black = collector.allocate_black()
        before = self.heap.total_alloc_bytes()
        oids = self.heap.alloc_many(count, size, noscan, black=black)
        if pointer_slots:
            self.slots.add_slots(oids, pointer_slots)
        taken = self.heap.total_alloc_bytes() - before
        collector.after_alloc(taken, count, count * clock.alloc_ns(size, size > MAX_SMALL_ALLOC), black)
        return oids

    def chunk_before_trigger(self, left: int, size: int, noscan: bool) -> int:
        """How many equal allocations fit before the heap trigger (at least 1)."""
        per = alloc_size(size, noscan) if (size >= 16 or not noscan) else max(size, 1)
        room = self.collector.bytes_until_trigger()
        chunk = left if room is None else max(1, min(left, room // max(per, 1) + 1))
        if self.collector.phase is GCPhase.MARK:
            chunk = min(chunk, 1024)
        return chunk

    def describe_alloc(self, var: str, size: int, noscan: bool, what: str) -> None:
        """The `alloc` event of an allocation about to be made: where it lands and why."""
        slot = alloc_size(size, noscan)
        cls = alloc_class(size, noscan)
        if noscan and 0 < size < 16:
            slot, cls = 16, 2  # mallocgcTiny: a share of a 16-byte block of class 2
        kind = "noscan" if noscan else "scan"
        if size > MAX_SMALL_ALLOC:
            text = (
                f"{what}: {format_exact(size)} is a large object (> 32760 B): its own span of "
                f"{slot // 8192} page(s)" + ("" if slot == size else f", {format_exact(slot)}")
            )
        elif noscan and size < 16:
            text = f"{what}: {size} B, pointer-free and < 16 B: packed into a 16-byte tiny block"
        else:
            header = " (+8-byte malloc header)" if not noscan and size > 512 else ""
            text = f"{what}: {size} B{header} → size class {cls} ({slot} B slot, {kind} span)"
        self.emit(
            "alloc", text, var=var, bytes=slot, size=size, size_class=cls,
            span_class=cls * 2 + (1 if noscan else 0), noscan=noscan,
            tiny=noscan and size < 16, large=size > MAX_SMALL_ALLOC, stack=False,
        )


PROGRESS_WORDS = {
    "append": "element {done:,} of {total:,} appended",
    "map_insert": "key {done:,} of {total:,} inserted",
    "new": "object {done:,} of {total:,} allocated",
    "repeat": "repeat {done:,} of {total:,}",
    # -- go count (issue 13) --
    "goroutine": "goroutine {done:,} of {total:,} started",
}


def describe_progress(cursor: list[Progress]) -> str:
    """A paused step's progress in words, outermost first (`Mutator.cursor`)."""
    parts = []
    for saved in cursor:
        what = saved[0]
        if what == "loop":
            i, times = saved[1], saved[2]
            if times > 1:
                parts.append(f"iteration {min(i + 1, times):,} of {times:,}")
        else:
            parts.append(PROGRESS_WORDS[what].format(done=saved[1], total=saved[2]))
    return ", ".join(parts)

