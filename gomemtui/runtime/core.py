"""The simulated Go runtime: the parts it is made of, and the operations it runs.

`Runtime.apply(op)` runs what one scenario operation stands for — allocations through
the size-classed heap, slice growth, map inserts, pool traffic, goroutines — while a
simulated clock advances. The collector runs concurrently with it, as in Go: when the
heap reaches the pacer's trigger a cycle starts (sweep termination STW, then concurrent
mark by background workers and mark assists, then mark termination STW, then lazy and
background sweeping), and its progress is a function of simulated time.

The runtime owns its parts, each built in its own `__init__` and testable alone: the
heap (with its page heap and the scavenger), the pointer slots, the goroutine stacks,
the pacer and the GC CPU limiter, the collector, the program's state and the mutator
that runs operations through one handler table (`mutator.handlers.HANDLERS`). This
module wires them: the scavenger's and the collector's hooks point at the parts they
read. It knows nothing of views: `runtime/read` builds those from a Runtime.

The mutator runs on P0; the other Ps run other runnable goroutines, dedicated and
fractional mark workers, or idle mark workers (`gcController.findRunnableGCWorker`).
Everything is deterministic: no wall clock, randomness only from the scenario's seed.
"""

from __future__ import annotations

import copy
import hashlib
import types
from collections import deque
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any, Callable

import numpy as np

from gomemtui.runtime import program as ops
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.events import Event, EventLog
from gomemtui.runtime.gc.collector import Collector, runtime_metadata_bytes
from gomemtui.runtime.gc.pacer import GCCPULimiter, Pacer
from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.memory.scavenger import Scavenger
from gomemtui.runtime.memory.stacks import Stacks
from gomemtui.runtime.mutator.handlers import HANDLERS
from gomemtui.runtime.mutator.mutator import Mutator, Paused, describe_progress
from gomemtui.runtime.mutator.pools import PoolCleanup
from gomemtui.runtime.values.pointers import PointerSlots
from gomemtui.runtime.values.runtime_objects import startup_heap, startup_heap_scan
from gomemtui.runtime.values.state import ProgramState


class ScavengerInputs:
    """What the scavenger reads outside the page heap (`scavenger.ScavengeInputs`)."""

    def __init__(self, heap: Heap, stacks: Stacks, pacer: Pacer, limiter: GCCPULimiter) -> None:
        self.heap = heap
        self.stacks = stacks
        self.pacer = pacer
        self.limiter = limiter

    def heap_inuse(self) -> int:
        return self.heap.inuse_bytes()

    def stack_inuse(self) -> int:
        return int(self.stacks.stack_inuse)

    def memory_limit(self) -> int | None:
        return self.pacer.memory_limit

    def limiting(self) -> bool:
        return bool(self.limiter.limiting)


class Runtime:
    """A deterministic, steppable simulation of the Go 1.27 runtime's memory management.

    Args:
        settings: GOGC, GOMEMLIMIT, GOMAXPROCS, the marking algorithm, data+bss size.
        goroutines: The goroutines the program declares ("main" exists anyway).
    """

    def __init__(self, settings: ops.RuntimeSettings, goroutines: tuple[str, ...] = ("main",)) -> None:
        self.settings = settings
        self.events = EventLog()
        """What the parts report during the action being run."""
        self.heap = Heap(green_tea=settings.green_tea)
        self.slots = PointerSlots()
        """The pointer slots and names of heap objects: the graph the collector marks."""
        self.pacer = Pacer(
            gogc=settings.gogc,
            memory_limit=settings.gomemlimit,
            gomaxprocs=settings.gomaxprocs,
            globals_bytes=settings.globals_bytes,
        )
        self.limiter = GCCPULimiter(settings.gomaxprocs)
        self.stacks = Stacks()
        self.state = ProgramState(goroutines, self.stacks, settings.globals_bytes)
        """The program's variables, arrays, maps, pools and goroutines."""
        self.collector = Collector(
            settings, self.heap, self.stacks, self.pacer, self.limiter, self.events,
            graph=self.slots, roots=self.state,
        )
        self.mutator = Mutator(
            settings, self.heap, self.slots, self.stacks, self.collector, self.state, self.events, HANDLERS,
        )
        self.collector.pool_cleanup = PoolCleanup(self.mutator)
        # The sweeper tells what it does to finalizers, cleanups and weak handles; the
        # roots include what those specials keep reachable.
        self.heap.specials.events = self.events
        self.state.specials = self.heap.specials
        self.state.slots = self.slots
        # allocSpan's scavenging and gcPaceScavenger (scavenger.py) read the limit, the
        # CPU limiter and mappedReady (stacks and the runtime's own memory included).
        self.scavenger = Scavenger(
            self.heap.pages, ScavengerInputs(self.heap, self.stacks, self.pacer, self.limiter),
            runtime_metadata_bytes(settings.gomaxprocs, 0),
        )
        self.heap.scavenger = self.scavenger
        self.pacer.scavenger = self.scavenger
        self.stacks.set_used("main", self.state.goroutines["main"].used)  # Stacks() starts with main's goroutine
        # The start-up heap (main's and the system goroutines' gs, the Ps, ...) counts in
        # heapLive and in every cycle's marked bytes, hence in every goal, as in Go.
        self.collector.startup_heap_bytes = sum(size * n for size, n in startup_heap(settings.gomaxprocs))
        self.collector.pacer_heap_live = self.collector.startup_heap_bytes
        self.collector.startup_heap_scan = startup_heap_scan(settings.gomaxprocs)
        self.generation = 0
        """Actions run so far (a rewind restores it): views are cached per generation."""
        self.read_cache: dict[str, object] = {}
        """What the read side computed for one generation (views); never in a snapshot."""

    @property
    def phase(self) -> GCPhase:
        """The collector's phase."""
        return self.collector.phase

    @property
    def time_ns(self) -> int:
        """Simulated time since the program started."""
        return self.collector.time_ns

    # -- operations -------------------------------------------------------------------

    def apply(self, op: ops.Op) -> list[Event]:
        """Execute one operation (including its repeats/loop body) and return its events."""
        self.events.take()
        self.run_step(op)
        self.generation += 1
        return self.events.take()

    def run_step(
        self, op: ops.Op, should_pause: Callable[[], bool] | None = None, site: tuple[int, ...] = (),
    ) -> bool:
        """Run a scenario step's op, or resume it where it paused; True once it has ended.

        `should_pause` is asked at each pause point (after each op of a loop's body or a
        repeat, each growth of a long append, each run of map inserts up to a growth,
        each run of `new`s up to the heap trigger); when it answers yes the step stops
        there and returns False, and the next call with the same op resumes it. Pausing
        changes nothing in the simulation: a step run in parts ends in exactly the state
        of a straight run. Events stay in `events` for the caller to take, and the
        caller counts the action in `generation` once it is done (slices are not actions).
        `site` is the step's path, (i,) for step i: where the heap profile says its
        allocations were made.
        """
        m = self.mutator
        m.enter_site(site)
        self.collector.finish_stw()
        m.restoring = bool(m.cursor)
        m.should_pause = should_pause
        try:
            m.run_op(op)
        except Paused:
            return False
        finally:
            m.should_pause = None
            m.restoring = False
            m.depth = 0
        m.cursor.clear()
        return True

    @property
    def step_paused(self) -> bool:
        """Whether a step stopped at a pause point and waits to be resumed."""
        return bool(self.mutator.cursor)

    def progress(self) -> str:
        """Where the paused step got to ("iteration 31,544 of 50,000"; "" if none is paused)."""
        return describe_progress(self.mutator.cursor)

    def mark_unit(self) -> list[Event]:
        """Do one unit of mark work (a root, a span or an object scanned); no-op unless marking."""
        self.events.take()
        self.collector.mark_unit()
        self.generation += 1
        return self.events.take()

    def advance_phase(self) -> list[Event]:
        """Move the collector to its next phase (starting a cycle if none runs)."""
        self.events.take()
        self.collector.advance_phase()
        self.generation += 1
        return self.events.take()

    def gc(self) -> list[Event]:
        """`runtime.GC()` now: a full forced cycle, sweeping included."""
        self.events.take()
        self.collector.finish_stw()
        self.collector.forced_gc()
        self.generation += 1
        return self.events.take()

    # -- rewind -------------------------------------------------------------------------

    def snapshot(self) -> object:
        """An opaque copy of the whole state, for rewinding (events and read caches left out)."""
        events = self.events.take()
        cache, self.read_cache = self.read_cache, {}
        try:
            return copy.deepcopy(self.__dict__)
        finally:
            self.events.events = events
            self.read_cache = cache

    def restore(self, snapshot: object) -> None:
        """Become the state `snapshot` was taken of (the snapshot stays usable)."""
        assert isinstance(snapshot, dict)
        self.__dict__.clear()
        self.__dict__.update(copy.deepcopy(snapshot))

    def state_nbytes(self) -> int:
        """Approximate bytes of the state's numpy arrays (what a checkpoint costs)."""
        total = 0
        seen: set[int] = set()
        stack: list[object] = [self.heap, self.slots, self.collector.history]
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
        """A hash of everything a snapshot copies, for determinism and rewind tests.

        It walks the snapshot itself (arrays trimmed to their used length as snapshots
        trim them), so a straight run and a rewound-and-replayed one hash alike exactly
        when every part's state is alike: heap, map tables, pool caches, stacks,
        goroutines, collector, pacer and limiter, time.
        """
        h = hashlib.sha256()
        _feed(h, self.snapshot(), {})
        return h.hexdigest()


def _feed(h: Any, value: object, seen: dict[int, int]) -> None:
    """Hash `value` canonically: numpy arrays by bytes, containers in order, objects
    field by field; an object met again is hashed as a back-reference."""
    if value is None or isinstance(value, (bool, int, float, str, bytes, bytearray, Enum, np.generic)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
        return
    if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        h.update(f"<{getattr(value, '__qualname__', type(value).__name__)}>;".encode())
        return
    immutable = isinstance(value, (tuple, frozenset)) or (
        is_dataclass(value) and getattr(value, "__dataclass_params__").frozen
    )
    if not immutable:  # equal immutable values may or may not be one object: hash them as values
        key = id(value)
        if key in seen:
            h.update(f"@{seen[key]};".encode())
            return
        seen[key] = len(seen)
    if isinstance(value, np.random.Generator):  # a map's hash seed stream: its position
        _feed(h, value.bit_generator.state, seen)
    elif isinstance(value, np.ndarray):
        h.update(f"nd{value.dtype}{value.shape};".encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        h.update(f"{{{len(value)};".encode())
        for k, v in value.items():
            _feed(h, k, seen)
            _feed(h, v, seen)
    elif isinstance(value, (list, tuple, deque)):
        h.update(f"[{len(value)};".encode())
        for item in value:
            _feed(h, item, seen)
    elif isinstance(value, (set, frozenset)):
        h.update(f"set{len(value)};".encode())
        for item in sorted(value, key=repr):
            _feed(h, item, seen)
    elif is_dataclass(value):
        h.update(f"{type(value).__qualname__};".encode())
        for f in fields(value):
            _feed(h, getattr(value, f.name), seen)
    elif hasattr(value, "__dict__") or hasattr(value, "__slots__"):
        h.update(f"{type(value).__qualname__};".encode())
        names = list(getattr(value, "__dict__", {})) or [
            s for cls in type(value).__mro__ for s in getattr(cls, "__slots__", ())
        ]
        for name in names:
            h.update(f".{name};".encode())
            _feed(h, getattr(value, name, None), seen)
    else:
        raise TypeError(f"digest: no canonical form for {type(value).__qualname__}")
