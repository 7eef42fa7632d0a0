"""The simulated Go heap: objects, spans and pages, allocated by `malloc`, freed by `sweep`.

`Heap` owns its parts — the object table (`objects.py`), the span table and mcentral's
span sets (`spans.py`), the page heap (`pages.py`), the MemStats counters
(`figures.py`), the allocator (`malloc.py`) and the sweeper (`sweep.py`) — and is what
the collector and the mutator call. It sets mark bits for the collector and reads
figures for everyone.

What is modelled, with the Go function each rule comes from:

* Objects (`runtime/malloc.go mallocgc`): size ≥ 1; noscan objects of 1..15 B go to
  the tiny allocator (`mallocgcTiny`); up to 32760 B to a slot of their span class
  (`mallocgcSmallNoscan` / `mallocgcSmallScanNoHeader` / `mallocgcSmallScanHeader`,
  pointerful objects > 512 B occupying class(size + 8)); bigger ones to their own
  page-rounded class-0 span (`mallocgcLarge`).
* One P. The allocating goroutine's P is P0 and only P0's mcache is modelled: which P
  runs a goroutine does not change what the heap holds, only which cached span a
  slot comes from; with one mcache, slot choice is deterministic.
* mcache (`mcache.alloc[spanClass]`, `nextFree`, `refill`): the current span of each
  of the 136 span classes; the lowest free slot is taken.
* mcentral (`mcentral.cacheSpan`, `uncacheSpan`, `grow`): partial/full span sets, swept
  and unswept, FIFO. cacheSpan takes a partial swept span, else sweeps partial unswept
  spans, then full unswept ones (budget 100), else grows.
* mheap (`mheap.alloc`, `allocSpan`, `freeSpan`, `reclaim`): first-fit page runs (see
  `pages.py`); while sweeping is unfinished every span allocation first reclaims at least
  as many pages by sweeping unmarked spans in address order, 512-page chunks at a time.
* Sweeping (`mgcsweep.go`): after mark termination (`end_mark`) every in-use span is
  unswept; sweeping a span frees its allocated, unmarked slots (only then can they be
  reused), an empty span's pages go back to the page heap (HeapIdle). The mcache is
  flushed at mark termination and its (stale) spans swept at once (`uncacheSpan`).
  Background sweeping (`bgsweep` → `sweepone` → `nextSpanForSweep`) takes spans by
  span class, full sets before partial ones. `begin_mark` first finishes any leftover
  sweeping (`finishsweep_m`) and greys the current tiny block (`gcMarkTinyAllocs`).
* MemStats (`runtime/mstats.go`): see `HeapStats`.
* The heap profile's bookkeeping (`runtime/mprof.go`): each object's allocation site
  and profiled bytes are set at malloc, the profiling cycle that freed it at sweep, and
  mark termination advances the cycle (`mprof.py`; the read side adds the profile up).

Where this simplifies real Go:

* No object has a Python object: every field is a numpy array indexed by object id,
  span id or slot. Object ids are never reused; span ids and slot ranges are.
* Proportional sweeping (`deductSweepCredit`) is left to the caller (the collector
  knows the pacer's sweep ratio): it calls `sweep(n)`; the heap itself sweeps only in
  `cacheSpan`, `reclaim`, the mark-termination mcache flush and `begin_mark`.
* Scavenging (`scavenger.py`): only allocSpan's — at the memory limit and on heap growth
  past the scavenger's goal — when a `Scavenger` is attached (`Runtime` attaches one);
  no background scavenger. HeapReleased counts never-used and scavenged free pages.
* `heapLive` as the pacer sees it is approximated by HeapAlloc (Go counts whole cached
  spans until the mcache is flushed).

Snapshot/rewind: `copy.deepcopy(heap)` (or `snapshot()`/`restore()`) copies the numpy
arrays trimmed to their used length (`ObjectTable`, `SpanTable` trim themselves) plus a
few small Python containers; there is no per-object Python state.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np

from gomemtui.runtime.memory.figures import HeapCounters, HeapStats
from gomemtui.runtime.memory.malloc import TINY_SPAN_CLASS, Allocator
from gomemtui.runtime.memory.mprof import ProfileBook
from gomemtui.runtime.memory.objects import ObjectTable
from gomemtui.runtime.memory.pages import PageHeap
from gomemtui.runtime.memory.sizeclasses import TINY_SIZE, TINY_SIZE_CLASS
from gomemtui.runtime.memory.specials import Specials
from gomemtui.runtime.memory.spans import SPAN_IN_USE, SpanLists, SpanTable, span_class_of
from gomemtui.runtime.memory.sweep import Sweeper

if TYPE_CHECKING:
    from gomemtui.runtime.memory.scavenger import Scavenger

__all__ = ["Heap", "HeapStats", "TINY_SPAN_CLASS", "span_class_of"]


class Heap:
    """The heap of one simulated Go program (see the module docstring).

    Args:
        green_tea: Go 1.27's default Green Tea GC: spans of 16..512-B objects reserve
            mark bits (fewer objects per span).
    """

    def __init__(self, green_tea: bool = True) -> None:
        self.green_tea = green_tea
        self.pages = PageHeap()
        self.spans = SpanTable()
        self.central = SpanLists()
        """mcentral's span sets, one partial/full × swept/unswept group per span class."""
        self.objects = ObjectTable()
        self.counts = HeapCounters()
        self.specials = Specials()
        """Finalizers, cleanups and weak handles of the objects (`specials.py`)."""
        self.sweeper = Sweeper(self.objects, self.spans, self.central, self.pages, self.counts, self.specials)
        self.allocator = Allocator(
            self.objects, self.spans, self.central, self.pages, self.counts, self.sweeper, green_tea,
        )
        self.profile = ProfileBook()
        """Allocation sites and heap-profile cycles (`mprof.py`)."""

    @property
    def scavenger(self) -> Scavenger | None:
        """allocSpan's scavenging (`scavenger.py`); None: pages are only released at mapping."""
        return self.allocator.scavenger

    @scavenger.setter
    def scavenger(self, scavenger: Scavenger | None) -> None:
        self.allocator.scavenger = scavenger

    # -- the object table ----------------------------------------------------------------

    @property
    def n_objects(self) -> int:
        """Object ids issued so far (ids are 0..n_objects-1, never reused)."""
        return self.objects.n_objects

    @property
    def obj_size(self) -> np.ndarray:
        return self.objects.obj_size

    @property
    def obj_span(self) -> np.ndarray:
        return self.objects.obj_span

    @property
    def obj_slot(self) -> np.ndarray:
        return self.objects.obj_slot

    @property
    def obj_live(self) -> np.ndarray:
        return self.objects.obj_live

    @property
    def obj_marked(self) -> np.ndarray:
        return self.objects.obj_marked

    @property
    def obj_next(self) -> np.ndarray:
        return self.objects.obj_next

    # -- arrays indexed by span id (views of the span table) ---------------------------

    @property
    def n_spans(self) -> int:
        """Span ids issued so far (dead, recycled ids included)."""
        return self.spans.n_spans

    @property
    def span_class(self) -> np.ndarray:
        """Size class per span (0 = large object)."""
        return self.spans.span_class

    @property
    def span_noscan(self) -> np.ndarray:
        return self.spans.span_noscan

    @property
    def span_elem_size(self) -> np.ndarray:
        return self.spans.span_elem_size

    @property
    def span_npages(self) -> np.ndarray:
        return self.spans.span_npages

    @property
    def span_start_page(self) -> np.ndarray:
        return self.spans.span_start_page

    @property
    def span_nelems(self) -> np.ndarray:
        return self.spans.span_nelems

    @property
    def span_nalloc(self) -> np.ndarray:
        return self.spans.span_nalloc

    @property
    def span_state(self) -> np.ndarray:
        """spans.SPAN_DEAD / SPAN_IN_USE per span id."""
        return self.spans.span_state

    @property
    def span_swept(self) -> np.ndarray:
        return self.spans.span_swept

    @property
    def page_span(self) -> np.ndarray:
        """Span id per mapped page, -1 for idle pages."""
        return self.pages.page_span[: self.pages.n_pages]

    # -- per-object queries ------------------------------------------------------------

    def span_of(self, oid: int) -> int:
        """The span holding object `oid`."""
        return int(self.objects.obj_span[oid])

    def object_size_class(self, oid: int) -> int:
        """Size class of the slot holding `oid` (0 = large; 2 for a tiny sub-object)."""
        return int(self.spans.span_class[self.objects.obj_span[oid]])

    def is_tiny(self, oid: int) -> bool:
        """Whether `oid` was placed by the tiny allocator (noscan, 1..15 B)."""
        sid = int(self.objects.obj_span[oid])
        return (
            self.spans.span_class[sid] == TINY_SIZE_CLASS
            and bool(self.spans.span_noscan[sid])
            and self.objects.obj_size[oid] < TINY_SIZE
        )

    def object_bytes(self, oid: int) -> int:
        """Bytes HeapAlloc charges for `oid`: its slot (pages for a large object).

        A tiny block's 16 bytes are charged to the sub-object that opened it, the other
        sub-objects of the block are charged 0 — so summing over objects gives
        HeapAlloc exactly. (`is_tiny` tells the UI to explain the sharing.)
        """
        return int(self.object_bytes_array(np.array([oid]))[0])

    def object_bytes_array(self, oids: np.ndarray) -> np.ndarray:
        """Vectorized `object_bytes`."""
        oids = np.asarray(oids, dtype=np.int64)
        sids = self.objects.obj_span[oids]
        size = self.spans.span_elem_size[sids].copy()
        tiny = (
            (self.spans.span_class[sids] == TINY_SIZE_CLASS)
            & self.spans.span_noscan[sids]
            & (self.objects.obj_size[oids] < TINY_SIZE)
        )
        if tiny.any():
            g = self.spans.span_slot_base[sids[tiny]] + self.objects.obj_slot[oids[tiny]]
            opener = self.spans.slot_obj[g] == oids[tiny]
            size[tiny] = np.where(opener, TINY_SIZE, 0)
        return size

    def scan_bytes(self, oid: int) -> int:
        """Bytes the GC scans in `oid`: 0 for noscan, else the requested size.

        Go scans a pointerful object up to its type's pointer data; the requested size
        is the upper bound the simulator uses (types do not record ptrdata).
        """
        if self.spans.span_noscan[self.objects.obj_span[oid]]:
            return 0
        return int(self.objects.obj_size[oid])

    def tiny_block_objects(self, oid: int) -> np.ndarray:
        """Every sub-object sharing `oid`'s tiny block (just `oid` for other objects)."""
        if not self.is_tiny(oid):
            return np.array([oid], dtype=np.int64)
        g = int(self.spans.span_slot_base[self.objects.obj_span[oid]]) + int(self.objects.obj_slot[oid])
        out = []
        cur = int(self.spans.slot_obj[g])
        while cur >= 0:
            out.append(cur)
            cur = int(self.objects.obj_next[cur])
        return np.array(out, dtype=np.int64)

    # -- allocation -----------------------------------------------------------------------

    def alloc(self, size: int, noscan: bool, *, black: bool = False) -> int:
        """Allocate one object of `size` ≥ 1 bytes (`mallocgc`); returns its id.

        `black` = allocated while marking (`gcmarknewobject`): its mark bit is set.
        """
        before = self.counts.total_alloc
        oid = self.allocator.alloc(size, noscan)
        self.profile.record_one(self.objects, oid, self.counts.total_alloc - before)
        if black:
            self.mark(np.array([oid]))
        return oid

    def alloc_many(self, count: int, size: int, noscan: bool, *, black: bool = False) -> np.ndarray:
        """Allocate `count` objects of `size` bytes, in order, as `count` mallocgc calls would."""
        ids = self.allocator.alloc_many(count, size, noscan)
        self.profile.record_malloc(self.objects, self.spans, ids)
        if black:
            self.mark(ids)
        return ids

    def flush_mcache(self) -> None:
        """`mcache.releaseAll` outside a GC (what `ReadMemStats` does): uncache every span.

        The tiny block is dropped too, so the next tiny allocation opens a new block.
        """
        self.allocator.flush_mcache()

    # -- GC hooks -----------------------------------------------------------------------

    def begin_mark(self) -> tuple[int, int, int]:
        """Start of a cycle's mark phase (`gcStart`): clear mark bits of every object.

        First finishes sweeping (`finishsweep_m`, sweep termination) and returns what
        that swept as (spans, objects, bytes). Then greys P0's current tiny block
        (`gcMarkTinyAllocs`): its slot is marked so the block survives this cycle even
        if none of its sub-objects is reached (their own mark bits stay clear).
        """
        done = self.sweeper.sweep_all()
        n = self.objects.n_objects
        self.objects.obj_marked[:n] = False
        self.spans.slot_marked[: self.spans.n_slots] = False
        self.spans.span_nmarked[:] = 0
        tiny = self.allocator
        if tiny.tiny_span >= 0:
            g = int(self.spans.span_slot_base[tiny.tiny_span]) + tiny.tiny_slot
            self.spans.slot_marked[g] = True
            self.spans.span_nmarked[tiny.tiny_span] += 1
        return done

    def mark(self, oids: np.ndarray) -> int:
        """Set the mark bit of live objects `oids` (and of their slots); returns how many
        were newly marked. Marking one tiny sub-object keeps its whole 16-B block."""
        oids = np.asarray(oids, dtype=np.int64).ravel()
        if oids.size == 0:
            return 0
        n = self.objects.n_objects
        if oids.size > n // 64:
            # Big batches: dedupe with a mask over all objects (no sort).
            want = np.zeros(n, dtype=bool)
            want[oids] = True
            oids = np.flatnonzero(want & self.objects.obj_live[:n] & ~self.objects.obj_marked[:n])
        else:
            oids = np.unique(oids)
            oids = oids[self.objects.obj_live[oids] & ~self.objects.obj_marked[oids]]
        if oids.size == 0:
            return 0
        self.objects.obj_marked[oids] = True
        sp = self.spans
        g = sp.span_slot_base[self.objects.obj_span[oids]] + self.objects.obj_slot[oids]
        g = g[~sp.slot_marked[g]]
        if g.size:
            if g.size > 1:
                # Only sub-objects of one tiny block share a slot: drop repeats.
                g = np.unique(g) if g.size <= sp.n_slots // 64 else np.flatnonzero(
                    np.bincount(g, minlength=sp.n_slots).astype(bool)
                )
            sp.slot_marked[g] = True
            counts = np.bincount(sp.slot_span[g], minlength=sp.n_spans)
            sp.span_nmarked[: counts.size] += counts.astype(np.int32)
        return int(oids.size)

    def end_mark(self) -> tuple[int, int, int]:
        """Mark termination (`gcMarkTermination` → `gcSweep`): every in-use span now
        needs sweeping. Then P0's mcache is flushed (`prepareForSweep` → `releaseAll`):
        its spans were cached before this sweep began, so `uncacheSpan` sweeps them at
        once. Returns what that swept as (spans, objects, bytes). The heap profile's
        cycle advances first (`mProf_NextCycle`), so these frees count in the new one."""
        self.profile.next_cycle(self.objects)
        self.sweeper.start_cycle()
        cached = self.allocator.release_all()
        if not cached:
            return (0, 0, 0)
        objs, nbytes = self.sweeper.sweep_batch(np.array(cached), preserve=False)
        return (len(cached), objs, nbytes)

    # -- sweeping -------------------------------------------------------------------------

    def sweep_span(self, span_id: int) -> tuple[int, int]:
        """Sweep one span now (`mspan.sweep`); (objects, bytes) freed, (0, 0) if swept."""
        return self.sweeper.sweep_span(span_id)

    def sweep(self, n_spans: int) -> tuple[int, int, int]:
        """Background sweeping of up to `n_spans` spans (`bgsweep` → `sweepone`)."""
        return self.sweeper.sweep(n_spans)

    def sweep_all(self) -> tuple[int, int, int]:
        """Sweep every unswept span (`finishsweep_m`, or `runtime.GC()` waiting for sweep)."""
        return self.sweeper.sweep_all()

    def unswept_span_count(self) -> int:
        """In-use spans not swept since the last mark termination."""
        return self.sweeper.unswept

    @property
    def is_swept(self) -> bool:
        """Sweeping is done (`isSweepDone`)."""
        return self.sweeper.unswept == 0

    # -- figures -------------------------------------------------------------------------

    def inuse_bytes(self) -> int:
        """HeapInuse: pages of in-use spans (without building the whole `stats()` record;
        the scavenger reads it on every span allocation)."""
        return self.counts.inuse_bytes()

    def stats(self) -> HeapStats:
        """MemStats-like heap figures (exact, as after ReadMemStats)."""
        return self.counts.stats(self.pages, self.sweeper.unswept)

    def total_alloc_bytes(self) -> int:
        """TotalAlloc: cumulative bytes of slots allocated (16 per tiny block), without
        building the whole `stats()` record (it is read on every allocation)."""
        return self.counts.total_alloc

    def live_bytes(self) -> int:
        """Bytes of allocated slots, unswept garbage included (= HeapAlloc; the pacer's
        `heapLive` once mcaches are flushed)."""
        return self.counts.heap_alloc

    def marked_bytes(self) -> int:
        """Bytes of slots with the mark bit set (`work.bytesMarked`, gctrace's third
        heap figure, `heapMarked`), tiny blocks kept by `gcMarkTinyAllocs` included."""
        sp = self.spans
        n = sp.n_spans
        inuse = sp.span_state[:n] == SPAN_IN_USE
        return int((sp.span_nmarked[:n][inuse].astype(np.int64) * sp.span_elem_size[:n][inuse]).sum())

    def live_object_ids(self) -> np.ndarray:
        """Ids of objects currently allocated (live or unswept garbage)."""
        return np.flatnonzero(self.objects.obj_live[: self.objects.n_objects])

    def spans_in_use(self) -> int:
        """Heap spans in use (`mSpanInUse`), large-object spans included."""
        return self.counts.inuse_spans

    # -- rewind --------------------------------------------------------------------------

    def snapshot(self) -> Heap:
        """An independent copy of the whole heap (see `restore`)."""
        return copy.deepcopy(self)

    def restore(self, snap: Heap) -> None:
        """Become a copy of `snap` (which stays usable for further restores)."""
        self.__dict__.update(copy.deepcopy(snap).__dict__)
