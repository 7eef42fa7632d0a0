"""The simulated Go runtime: the facade that executes operations and exposes views.

`Runtime.apply(op)` runs what one scenario operation stands for — allocations through
the size-classed heap, slice growth, map inserts, pool traffic, goroutines — while a
simulated clock advances. The collector runs concurrently with it, as in Go: when the
heap reaches the pacer's trigger a cycle starts (sweep termination STW, then concurrent
mark by background workers and mark assists, then mark termination STW, then lazy and
background sweeping), and its progress is a function of simulated time.

The mutator runs on P0; the other Ps run other runnable goroutines, dedicated and
fractional mark workers, or idle mark workers (`gcController.findRunnableGCWorker`).
Everything is deterministic: no wall clock, randomness only from the scenario's seed.
"""

from __future__ import annotations

import copy
import hashlib
import numpy as np

from gomemtui.runtime import program as ops
from gomemtui.runtime.gc.collector import RUNTIME_NON_HEAP_BYTES, Collector
from gomemtui.runtime.events import Event
from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.gc.pacer import Pacer
from gomemtui.runtime.values.pointers import PointerSlots
from gomemtui.runtime.memory.scavenger import Scavenger
from gomemtui.runtime.values.variables import Goroutine, MapRecord, PoolRecord, Var
from gomemtui.runtime.memory.stacks import Stacks
from gomemtui.runtime.enums import GCPhase


class Runtime(Mutator, Collector):
    """A deterministic, steppable simulation of the Go 1.27 runtime's memory management."""

    def __init__(self, settings: ops.RuntimeSettings, goroutines: tuple[str, ...] = ("main",)) -> None:
        self.settings = settings
        self.heap = Heap(green_tea=settings.green_tea)
        self.slots = PointerSlots()
        self.pacer = Pacer(
            gogc=settings.gogc,
            memory_limit=settings.gomemlimit,
            gomaxprocs=settings.gomaxprocs,
            globals_bytes=settings.globals_bytes,
        )
        self.stacks = Stacks()
        self.vars: dict[str, Var] = {}
        self.arrays: dict[int, object] = {}
        self.maps: dict[int, MapRecord] = {}
        self.pools: dict[int, PoolRecord] = {}
        self.goroutines: dict[str, Goroutine] = {}
        self.declared_goroutines = tuple(goroutines)
        self.time_ns = 0
        self.generation = 0
        self._next_id = 0
        self._events: list[Event] = []
        self.read_cache: dict[str, object] = {}
        """What the read side computed for one generation (views); never in a snapshot."""
        self.init_collector()
        # allocSpan's scavenging and gcPaceScavenger (scavenger.py) read the limit, the
        # CPU limiter and mappedReady (stacks and the runtime's own memory included).
        scavenger = Scavenger(self.heap, self.pacer, self.limiter, self.stacks, RUNTIME_NON_HEAP_BYTES)
        self.heap.scavenger = scavenger
        self.pacer.scavenger = scavenger
        main = Goroutine("main", state="running", used=self.BASE_STACK_USED, started=True)
        self.goroutines["main"] = main
        self.stacks.set_used("main", main.used)  # Stacks() starts with main's goroutine

    BASE_STACK_USED = 1024
    """Stack bytes a goroutine uses before the scenario's own calls (runtime frames)."""

    # -- small helpers shared by the mixins -----------------------------------------

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def emit(self, kind: str, text: str, **data: object) -> None:
        self._events.append(Event.make(kind, text, **data))

    def name_of(self, oid: int) -> str:
        return self.slots.name(oid)

    @property
    def phase(self) -> GCPhase:
        return self.gc_phase

    # -- operations -------------------------------------------------------------------

    def apply(self, op: ops.Op) -> list[Event]:
        """Execute one operation (including its repeats/loop body) and return its events."""
        self._events = []
        self.finish_stw()
        self.run_op(op)
        self.generation += 1
        return self._take_events()

    def _take_events(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    def mark_unit(self) -> list[Event]:
        """Do one unit of mark work (a root, a span or an object scanned); no-op unless marking."""
        self._events = []
        self.collector_mark_unit()
        self.generation += 1
        return self._take_events()

    def advance_phase(self) -> list[Event]:
        """Move the collector to its next phase (starting a cycle if none runs)."""
        self._events = []
        self.collector_advance_phase()
        self.generation += 1
        return self._take_events()

    def gc(self) -> list[Event]:
        """`runtime.GC()` now: a full forced cycle, sweeping included."""
        self._events = []
        self.finish_stw()
        self.forced_gc()
        self.generation += 1
        return self._take_events()

    # -- rewind -------------------------------------------------------------------------

    def snapshot(self) -> object:
        """An opaque copy of the whole state, for rewinding."""
        events, self._events = self._events, []
        cache, self.read_cache = self.read_cache, {}
        try:
            return copy.deepcopy(self.__dict__)
        finally:
            self._events = events
            self.read_cache = cache

    def restore(self, snapshot: object) -> None:
        self.__dict__.clear()
        self.__dict__.update(copy.deepcopy(snapshot))

    def state_nbytes(self) -> int:
        """Approximate bytes of the state's numpy arrays (what a checkpoint costs)."""
        total = 0
        seen: set[int] = set()
        stack: list[object] = [self.heap, self.slots, self.history]
        while stack:
            obj = stack.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            for value in getattr(obj, "__dict__", {}).values():
                if isinstance(value, np.ndarray):
                    total += value.nbytes
                elif hasattr(value, "__dict__") and not isinstance(value, type):
                    stack.append(value)
        return total

    def digest(self) -> str:
        """A hash of the observable state, for determinism tests."""
        h = hashlib.sha256()
        stats = self.heap.stats()
        h.update(repr(sorted(vars(stats).items()) if hasattr(stats, "__dict__") else stats).encode())
        h.update(repr((self.time_ns, self.gc_phase, self.num_gc, self.pacer_goal())).encode())
        n = self.heap.n_objects
        h.update(np.ascontiguousarray(self.heap.obj_live[:n]).tobytes())
        h.update(np.ascontiguousarray(self.heap.obj_marked[:n]).tobytes())
        h.update(np.ascontiguousarray(self.heap.obj_span[:n]).tobytes())
        h.update(repr(sorted((k, repr(v)) for k, v in self.vars.items())).encode())
        h.update(repr(self.trace_lines).encode())
        return h.hexdigest()


def make_runtime(settings: ops.RuntimeSettings, goroutines: tuple[str, ...] = ("main",)) -> Runtime:
    """A fresh runtime for a program's settings."""
    return Runtime(settings, goroutines)

