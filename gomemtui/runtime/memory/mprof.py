"""Go's heap-profile bookkeeping (`runtime/mprof.go`), as the simulator keeps it.

Go's heap profile is a table of call stacks with, for each, the allocations and frees
it has published. Publishing lags behind on purpose: mallocs happen in real time, but
frees only when the sweeper finds an object dead after a GC, so counting both as they
come would skew the profile toward allocations. So `mProf_Malloc` counts an allocation
in profiling cycle C+2 and `mProf_Free` (sweeping) a free in cycle C+1, where C is the
global `mProfCycle`; each mark termination advances C (`mProf_NextCycle`) and flushes
cycle C into the published profile (`mProf_Flush`). After a heap-triggered GC the
published profile therefore shows the heap as of the mark termination *before* it;
`runtime.GC()`, which waits for its sweep, also flushes cycle C+1 (`mProf_PostSweep`),
so after it the profile is as of that very GC. Before the first two cycles complete,
nothing is published.

The simulator does not keep Go's per-stack counters: each object row holds its site,
its profiled bytes and the cycle it was freed in (`objects.py`), and this book holds the
cycle counter's history, so `runtime/read/profile.py` can add up the published profile
at any moment. Every allocation is recorded (Go's `MemProfileRate = 1`).

A site is the path of the scenario step that allocated: (i,) for top-level step i,
(i, j) for item j of its loop body, and so on (the compiler's `body_lines` keys).
"""

from __future__ import annotations

import numpy as np

from gomemtui.runtime.memory.objects import ObjectTable
from gomemtui.runtime.memory.spans import SpanTable

__all__ = ["ProfileBook"]


class ProfileBook:
    """Allocation sites and heap-profile cycles (see the module docstring)."""

    def __init__(self) -> None:
        self.sites: list[tuple[int, ...]] = []
        """Each site's step path, by site id."""
        self.site_ids: dict[tuple[int, ...], int] = {}
        """Site id of each step path seen so far."""
        self.current = -1
        """Site of the allocations being made now (-1: outside any step)."""
        self.published = 0
        """Newest profiling cycle flushed into the published profile."""
        self.cycle_first_object: list[int] = []
        """Entry k: the first object id allocated after mark termination k + 1 (objects
        below it were allocated in `mProfCycle` ≤ k)."""

    def enter(self, path: tuple[int, ...]) -> None:
        """Allocations from now on are made by the step at `path` (() : by none)."""
        if not path:
            self.current = -1
            return
        sid = self.site_ids.get(path)
        if sid is None:
            sid = self.site_ids[path] = len(self.sites)
            self.sites.append(path)
        self.current = sid

    def record_malloc(self, objects: ObjectTable, spans: SpanTable, ids: np.ndarray) -> None:
        """`mProf_Malloc` for just-allocated objects `ids`: their site and profiled bytes.

        `mallocgc` profiles the whole slot (`span.elemsize`, a large object's span), and
        `mallocgcTiny` only the allocation that opens a new 16-byte block: the object the
        block's slot names (the others sharing it record 0 bytes).
        """
        objects.obj_site[ids] = self.current
        sids = objects.obj_span[ids]
        slots = spans.span_slot_base[sids] + objects.obj_slot[ids]
        opened = spans.slot_obj[slots] == ids
        objects.obj_profiled[ids] = np.where(opened, spans.span_elem_size[sids], 0)

    def record_one(self, objects: ObjectTable, oid: int, taken: int) -> None:
        """`record_malloc` for one object (the scalar path), given the bytes its malloc
        added to TotalAlloc: that is the slot, or 16 for a new tiny block, 0 for a share
        of the current one — what the profile records."""
        objects.obj_site[oid] = self.current
        objects.obj_profiled[oid] = taken

    def next_cycle(self, objects: ObjectTable) -> None:
        """Mark termination: `mProf_NextCycle` then `mProf_Flush` (cycle C is published)."""
        self.cycle_first_object.append(objects.n_objects)
        objects.profile_cycle += 1
        self.published = max(self.published, objects.profile_cycle)

    def post_sweep(self, objects: ObjectTable) -> None:
        """`runtime.GC()` after its sweep: `mProf_PostSweep` publishes cycle C+1."""
        self.published = objects.profile_cycle + 1
