"""Span specials: finalizers, cleanups and weak handles attached to heap objects.

Go keeps these records off the garbage-collected heap, on the span of the object they
are attached to (`runtime/mheap.go`: `addfinalizer`, `addCleanup`,
`getOrAddWeakHandle`), and the sweeper acts on them when it finds their object
unmarked (`mspan.sweep` in `mgcsweep.go`, then `freeSpecial`):

* a **finalizer** (`runtime.SetFinalizer`): the object is marked again
  (`setMarkedNonAtomic`, it survives this cycle), its finalizer queued (`queuefinalizer`)
  and the special removed; while marking, `markrootSpans` → `gcScanFinalizer` scanned
  the object (not marking it) so everything it points to survives too. Once the
  finalizer goroutine has run the function, nothing refers to the object: the next
  cycle frees it;
* a **cleanup** (`runtime.AddCleanup`): no resurrection, the object is freed by this
  sweep and its cleanup queued (`gcCleanups.enqueue`), to run once sweeping is done
  (`gcCleanups.flush` in `activeSweep.end`);
* a **weak handle** (`weak.Make`): the handle — an 8-byte word in its own 16-byte heap
  object, which every `weak.Pointer` to the object points to — is set to nil, also when
  a finalizer revives the object (weak pointers do not follow resurrection).

While the object lives, each special is a root (`markrootSpans`): the finalizer's
object's referents, the cleanup's function and argument, the weak handle.

Queued finalizers (`finq`) and cleanups (cleanup blocks) are roots too
(`fixedRootFinalizers`, `fixedRootCleanups`) until they have run. When they run is the
program's side (`mutator/runtime_calls.py`); this module keeps the records and does
what sweeping does to them. Labels are what the records were given when made (the
variable and object names), so the sweeper can say what it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gomemtui.runtime.events import EventLog
from gomemtui.runtime.memory.objects import ObjectTable
from gomemtui.runtime.memory.spans import SpanTable
from gomemtui.runtime.types import NIL

__all__ = ["Cleanup", "Specials", "WEAK_HANDLE_BYTES"]

WEAK_HANDLE_BYTES = 16
"""`getOrAddWeakHandle` allocates a `weakHandleBox`: the 8-byte handle padded to 16 bytes
so that it never shares a tiny block (go.dev/issue/76007); measured: one 16-byte malloc
per object made weak (go1.27.3, tests/realgo/test_specials.py)."""


@dataclass
class Cleanup:
    """One `runtime.AddCleanup(ptr, f, arg)`."""

    id: int
    """`mheap_.cleanupID`: 1, 2, ... in the order they were added."""
    target: int
    """The object it watches."""
    label: str
    """How events name it ("cleanup 1 of node")."""
    roots: tuple[int, ...] = ()
    """Heap objects only the special keeps alive: the boxed argument and the closure."""


@dataclass
class Specials:
    """Every special record of the heap's objects, and what sweeping queued.

    The sweeper calls `sweep` with the slots it is about to free; the mutator adds the
    records and runs what is queued.
    """

    finalizers: dict[int, str] = field(default_factory=dict)
    """Object → its label, for each object with a finalizer set."""
    cleanups: dict[int, list[Cleanup]] = field(default_factory=dict)
    """Object → its cleanups, in the order they were added."""
    weak: dict[int, int] = field(default_factory=dict)
    """Object → its weak handle object (`getOrAddWeakHandle`: one per object)."""
    handle_target: dict[int, int] = field(default_factory=dict)
    """Weak handle object → the object it points to, NIL once cleared."""
    labels: dict[int, str] = field(default_factory=dict)
    """Object → its name when a special was attached (for events)."""
    finq: list[int] = field(default_factory=list)
    """Objects whose finalizer is queued and has not run (`finq`): roots until it has."""
    cleanup_queue: list[Cleanup] = field(default_factory=list)
    """Cleanups queued and not run yet: their roots stay roots until they have."""
    next_cleanup_id: int = 1
    events: EventLog | None = None
    """Where the sweeper's work on specials is told (the core wires the runtime's log)."""

    @property
    def active(self) -> bool:
        """Whether any object has a special (the sweeper then looks at them)."""
        return bool(self.finalizers or self.cleanups or self.weak)

    @property
    def any(self) -> bool:
        """Whether there is anything at all: a special, a queued finalizer or cleanup."""
        return self.active or bool(self.finq or self.cleanup_queue)

    def special_objects(self) -> list[int]:
        """Objects that have at least one special, in a fixed order."""
        return sorted(set(self.finalizers) | set(self.cleanups) | set(self.weak))

    # -- adding -----------------------------------------------------------------------

    def add_finalizer(self, oid: int, label: str) -> bool:
        """`addfinalizer`; False if the object has one already (Go: fatal "finalizer already set")."""
        if oid in self.finalizers:
            return False
        self.finalizers[oid] = label
        self.labels.setdefault(oid, label)
        return True

    def add_cleanup(self, oid: int, label: str, roots: tuple[int, ...]) -> Cleanup:
        """`addCleanup`: a new cleanup special on the object (several may be added)."""
        c = Cleanup(self.next_cleanup_id, oid, f"cleanup {self.next_cleanup_id} of {label}", roots)
        self.next_cleanup_id += 1
        self.cleanups.setdefault(oid, []).append(c)
        self.labels.setdefault(oid, label)
        return c

    def weak_handle(self, oid: int) -> int | None:
        """`getWeakHandle`: the object's handle, or None if it has none."""
        return self.weak.get(oid)

    def add_weak(self, oid: int, handle: int, label: str) -> None:
        """A new weak handle special: `handle` (a heap object) points to `oid`."""
        self.weak[oid] = handle
        self.handle_target[handle] = oid
        self.labels.setdefault(oid, label)

    def weak_target(self, handle: int) -> int:
        """What `weak.Pointer.Value` would find in the handle: the object, or NIL once cleared."""
        return self.handle_target.get(handle, NIL)

    # -- roots ------------------------------------------------------------------------

    def root_objects(self) -> tuple[list[int], list[int]]:
        """What `markrootSpans` and the queue roots make reachable: (objects whose
        referents are scanned but which are not marked themselves — objects with a
        finalizer; objects marked — weak handles, cleanup arguments and closures,
        queued finalizers' objects and queued cleanups' arguments)."""
        scanned = sorted(self.finalizers)
        marked = sorted(self.weak.values())
        for cs in self.cleanups.values():
            for c in cs:
                marked.extend(c.roots)
        marked.extend(self.finq)
        for c in self.cleanup_queue:
            marked.extend(c.roots)
        return scanned, marked

    # -- what sweeping does -------------------------------------------------------------

    def sweep(self, g: np.ndarray, objects: ObjectTable, spans: SpanTable) -> np.ndarray:
        """`mspan.sweep` on specials, for the allocated unmarked slots `g` about to be
        freed; returns the slots to free (those of revived objects left out)."""
        oids = np.asarray(self.special_objects(), dtype=np.int64)
        oids = oids[objects.obj_live[oids]]
        if not oids.size or not g.size:
            return g
        slots = spans.span_slot_base[objects.obj_span[oids]] + objects.obj_slot[oids]
        doomed = np.zeros(spans.n_slots, dtype=bool)
        doomed[g] = True
        hit = doomed[slots]
        if not hit.any():
            return g
        revived: list[int] = []
        for oid, slot in zip(oids[hit].tolist(), slots[hit].tolist()):
            if oid in self.finalizers:
                # Pass 1: a finalizer stops the freeing; pass 2: finalizer queued and
                # weak handles cleared, other specials (cleanups) kept for later.
                if not spans.slot_marked[slot]:
                    spans.slot_marked[slot] = True
                    spans.span_nmarked[spans.slot_span[slot]] += 1
                    revived.append(slot)
                objects.obj_marked[oid] = True
                label = self.finalizers.pop(oid)
                self._clear_weak(oid, revived=True)
                self.finq.append(oid)
                self._tell("finalizer_queued", (
                    f"sweep found {label} unreachable, but it has a finalizer: it is kept (marked "
                    "again), with everything it points to, and its finalizer is queued for the "
                    "finalizer goroutine; the next cycle can free it"), object=label)
            else:
                self._clear_weak(oid, revived=False)
                for c in self.cleanups.pop(oid, []):
                    self.cleanup_queue.append(c)
                    self._tell("cleanup_queued", (
                        f"sweep frees {self.labels.get(oid, 'an object')}; {c.label} is queued, to run "
                        "once sweeping is done (no resurrection: the object is gone)"),
                        object=self.labels.get(oid), cleanup=c.id)
        if revived:
            g = g[~np.isin(g, np.asarray(revived, dtype=np.int64))]
        return g

    def _clear_weak(self, oid: int, *, revived: bool) -> None:
        """`freeSpecial` of a weak handle: the handle now holds nil."""
        handle = self.weak.pop(oid, None)
        if handle is None:
            return
        self.handle_target[handle] = NIL
        label = self.labels.get(oid, "an object")
        why = ("although its finalizer keeps it one more cycle (weak pointers do not follow "
               "resurrection)" if revived else "as the sweep frees it")
        self._tell("weak_cleared", f"weak handle of {label} set to nil {why}: Value() returns nil from now on",
                   object=label)

    def _tell(self, kind: str, text: str, **data: object) -> None:
        if self.events is not None:
            self.events.emit(kind, text, **data)

    # -- what the program's goroutines run -----------------------------------------------

    def take_finalizers(self) -> list[tuple[int, str]]:
        """The queued finalizers, for the finalizer goroutine to run: (object, label)."""
        out = [(oid, self.labels.get(oid, f"obj{oid}")) for oid in self.finq]
        self.finq = []
        return out

    def take_cleanups(self) -> list[Cleanup]:
        """The queued cleanups, for the cleanup goroutine to run."""
        out, self.cleanup_queue = self.cleanup_queue, []
        return out
