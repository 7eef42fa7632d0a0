"""The Go program's own state: its variables, backing arrays, maps, pools and goroutines.

`ProgramState` is what the mutator's operations change and what the collector's roots
are made of (`gcPrepareMarkRoots`): the data and BSS segments (package-level variables,
the caches of every sync.Pool through `sync.allPools`), the span specials of objects
with a finalizer, a cleanup or a weak handle, and each live goroutine's stack.
"""

from __future__ import annotations

import numpy as np

from gomemtui.runtime.gc.marking import RootJob
from gomemtui.runtime.memory.specials import Specials
from gomemtui.runtime.memory.stacks import PARKED_USED, Stacks
from gomemtui.runtime.values.channels import Channel
from gomemtui.runtime.values.pointers import PointerSlots
from gomemtui.runtime.values.pool import PoolRegistry
from gomemtui.runtime.values.runtime_objects import RuntimeObjects
from gomemtui.runtime.values.variables import NIL, Array, Goroutine, MapRecord, PoolRecord, Var

BASE_STACK_USED = PARKED_USED
"""Stack bytes a goroutine uses besides the scenario's own call frames: `goexit`, the
`go` statement's wrapper and the runtime frames of a park (`gopark`, `chanrecv`).

Measured with go1.27.3 (tests/realgo/test_goroutine_memory.py): 64 goroutines each
recursing through N frames of F bytes (F read from the stack pointer) and parking in a
channel receive keep 2 KiB stacks up to 7 × 96 B and 3 × 200 B, and 4 KiB from 8 × 96 B
and 4 × 200 B: the fixed part lies in (352, 448] B, consistent with the 408 B that
`/gc/scan/stack:bytes` reports for a goroutine parked with no frames of its own. (It was
1024 B, one doubling too big for shallow stacks: 2 × 160 B frames took 4 KiB.)"""


SPECIALS_ROOT = "span specials (finalizers, cleanups, weak handles)"
"""The root job of `markrootSpans` and the finalizer and cleanup queues."""


class ProgramState:
    """Variables, arrays, maps, pools and goroutines of the simulated program.

    Args:
        declared_goroutines: The goroutines the scenario declares ("main" first).
        stacks: The goroutine stacks (their sizes are the stack roots' scan work).
        globals_bytes: Size of data+bss the collector scans as roots (`globalsScan`).
    """

    def __init__(self, declared_goroutines: tuple[str, ...], stacks: Stacks, globals_bytes: int) -> None:
        self.vars: dict[str, Var] = {}
        """Live variables by name, in declaration order."""
        self.arrays: dict[int, Array] = {}
        """Every slice backing array made so far (dead ones too), and the bytes of the
        strings that may still be shown, by id."""
        self.array_names: dict[str, int] = {}
        """How many backing arrays were named after each slice so far ("s[]" → 3: the next
        is "s[]#4"), so naming one costs O(1) however many there are."""
        self.maps: dict[int, MapRecord] = {}
        self.pools: dict[int, PoolRecord] = {}
        self.chans: dict[int, Channel] = {}
        """Every channel made so far, by id."""
        self.all_pools = PoolRegistry()
        """`sync.allPools` / `oldPools`, cleared at every cycle's start (`clearpools`)."""
        self.goroutines: dict[str, Goroutine] = {
            "main": Goroutine("main", state="running", used=BASE_STACK_USED, started=True),
        }
        self.running = "main"
        """The goroutine `Mutator.owner` made running last (the only one that can be)."""
        self._busy: set[str] = {"main"}
        """Names of the goroutines running or runnable, kept as their states change: the
        collector asks for their count at every allocation while it marks, and counting
        10,000 parked goroutines each time made a `go` with count quadratic."""
        self.runtime_objects = RuntimeObjects()
        """The runtime's own `g`s, `sudog`s and `allgs` array (reachable from its globals)."""
        self.declared_goroutines = tuple(declared_goroutines)
        self.stacks = stacks
        self.globals_bytes = globals_bytes
        self.specials: Specials | None = None
        """The heap's finalizers, cleanups and weak handles (the core wires the heap's)."""
        self.slots: PointerSlots | None = None
        """The heap's pointers (the core wires them): what a finalizer's object points to."""
        self._next_id = 0

    def new_id(self) -> int:
        """A fresh id for an array, a map or a pool."""
        self._next_id += 1
        return self._next_id

    def busy_goroutines(self) -> int:
        """Goroutines that want a P (running or runnable)."""
        return len(self._busy)

    def add_goroutine(self, g: Goroutine) -> None:
        """A goroutine started (`newproc`); it replaces a finished one of the same name."""
        self.goroutines[g.name] = g
        self._count(g)

    def set_goroutine_state(self, g: Goroutine, state: str) -> None:
        """The goroutine runs, waits for a P, parks or exits: its state, and the busy count."""
        g.state = state
        self._count(g)

    def _count(self, g: Goroutine) -> None:
        if g.state in ("running", "runnable"):
            self._busy.add(g.name)
        else:
            self._busy.discard(g.name)

    def var_objects(self, var: Var) -> list[int]:
        """Heap objects a variable points to directly."""
        out: list[int] = []
        if var.kind == "pointer":
            if var.oid != NIL:
                out.append(var.oid)
            if var.stack_fields:
                out.extend(t for t in var.stack_fields.values() if t != NIL)
        elif var.kind == "slice" and var.slice is not None and var.slice.array is not None:
            arr = self.arrays[var.slice.array]
            if arr.on_stack:
                if arr.stack_slots is not None:
                    out.extend(int(t) for t in arr.stack_slots if t != NIL)
            else:
                out.append(arr.oid)
        elif var.kind == "map" and var.map_id is not None:
            out.extend(self.maps[var.map_id].parts.values())
        # -- strings (issue 13) --
        elif var.kind == "string" and var.string is not None and var.string.array is not None:
            arr = self.arrays[var.string.array]
            if not arr.on_stack:  # a tmpBuf in the frame holds no pointers
                out.append(arr.oid)
        elif var.kind in ("iface", "func"):  # -- values (issue 13) --
            if var.oid != NIL:
                out.append(var.oid)
            if var.stack_fields:
                out.extend(t for t in var.stack_fields.values() if t != NIL)
            if var.map_id is not None:
                out.extend(self.maps[var.map_id].parts.values())
        elif var.kind == "chan" and var.chan_id is not None:
            out.append(self.chans[var.chan_id].hchan)
        elif var.kind == "weak" and var.oid != NIL:
            out.append(var.oid)  # a weak.Pointer points to its handle, never to the object
        return out

    def special_roots(self) -> tuple[list[int], int]:
        """What the span specials and the finalizer and cleanup queues keep reachable
        (`markrootSpans`, `fixedRootFinalizers`, `fixedRootCleanups`), and the scan work:
        a pointer per special, and the pointers of each object with a finalizer, whose
        referents are marked but not the object itself (`gcScanFinalizer`)."""
        sp = self.specials
        if sp is None or not sp.any:
            return [], 0
        scanned, marked = sp.root_objects()
        oids = list(marked)
        work = 8 * (len(sp.finalizers) + len(sp.weak) + sum(len(c) for c in sp.cleanups.values()))
        if self.slots is not None:
            for oid in scanned:
                oids.extend(self.slots.targets(oid).tolist())
                work += 8 * self.slots.slot_count(oid)
        return oids, work

    def root_jobs(self) -> list[RootJob]:
        """`gcPrepareMarkRoots`: data/BSS (globals and every pool's caches), then stacks."""
        global_oids: list[int] = []
        for var in self.vars.values():
            if var.owner is None:
                global_oids.extend(self.var_objects(var))
        for rec in self.pools.values():
            # sync.allPools / oldPools; a typed nil a Put left (NIL) points to nothing
            global_oids.extend(o for o in rec.model.cached_objects() if o != NIL)
            global_oids.extend(rec.model.heap_objects.values())  # p.local, p.victim and their chains
        global_oids.extend(self.all_pools.heap_objects.values())  # the allPools / oldPools arrays
        global_oids.extend(self.runtime_objects.heap_objects())  # allgs, channel wait queues
        jobs = [RootJob("globals (data+bss)", self.globals_bytes, np.asarray(global_oids, dtype=np.int64))]
        special_oids, special_work = self.special_roots()
        if special_work or special_oids:
            jobs.append(RootJob(SPECIALS_ROOT, special_work, np.asarray(special_oids, dtype=np.int64)))
        by_owner: dict[str | None, list[int]] = {}  # one pass over the variables (10,000 goroutines)
        for var in self.vars.values():
            by_owner.setdefault(var.owner, []).extend(self.var_objects(var))
        for g in self.goroutines.values():
            if g.state == "dead":
                continue
            oids = by_owner.get(g.name, [])
            jobs.append(RootJob(f"stack of {g.name}", self.stacks.used(g.name) or g.used,
                                np.asarray(oids, dtype=np.int64)))
        return jobs
