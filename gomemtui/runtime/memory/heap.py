"""The simulated Go heap: mcache → mcentral → mheap, the tiny allocator, and sweeping.

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
* Stack spans (`allocManual`) can be taken from the same page heap so the heap map
  shows them; they are not heap memory (StackInuse).

Snapshot/rewind: `copy.deepcopy(heap)` (or `snapshot()`/`restore()`) copies the numpy
arrays trimmed to their used length plus a few small Python containers; there is no
per-object Python state.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gomemtui.runtime.memory.pages import PageHeap
from gomemtui.runtime.memory.sizeclasses import (
    ALLOC_CLASS_NOSCAN,
    ALLOC_CLASS_SCAN,
    CLASS_SIZE,
    MAX_SMALL_ALLOC,
    PAGE_SIZE,
    TINY_SIZE,
    TINY_SIZE_CLASS,
    alloc_class,
    class_npages,
    class_size,
    objects_per_span,
)
from gomemtui.runtime.memory.spans import (
    CACHED,
    FULL_SWEPT,
    FULL_UNSWEPT,
    NUM_SPAN_CLASSES,
    PARTIAL_SWEPT,
    PARTIAL_UNSWEPT,
    SPAN_IN_USE,
    SPAN_MANUAL,
    SpanLists,
    SpanTable,
    grow_array,
)

if TYPE_CHECKING:
    from gomemtui.runtime.memory.scavenger import Scavenger

__all__ = ["Heap", "HeapStats", "TINY_SPAN_CLASS", "span_class_of"]

TINY_SPAN_CLASS = TINY_SIZE_CLASS << 1 | 1
"""`tinySpanClass`: tiny blocks are class-2 noscan slots."""
SPAN_BUDGET = 100
"""`mcentral.cacheSpan`'s limit on unswept spans it tries before growing."""
RECLAIM_CHUNK = 512
"""`pagesPerReclaimerChunk`."""

# Python lists for the scalar allocation path (numpy scalar indexing is slower).
_ALLOC_CLASS_NOSCAN: list[int] = ALLOC_CLASS_NOSCAN.tolist()
_ALLOC_CLASS_SCAN: list[int] = ALLOC_CLASS_SCAN.tolist()
_CLASS_SIZE: list[int] = CLASS_SIZE.tolist()


def span_class_of(size_class: int, noscan: bool) -> int:
    """`makeSpanClass`: sizeclass<<1 | noscan."""
    return size_class << 1 | int(noscan)


@dataclass(frozen=True)
class HeapStats:
    """Heap figures with runtime.MemStats meanings (`runtime/mstats.go`).

    As if `ReadMemStats` had flushed the mcache: counts are exact at every step.
    """

    heap_alloc: int
    """Bytes of allocated slots, unswept garbage included (16 per tiny block, pages for large)."""
    heap_inuse: int
    """Bytes of in-use heap spans."""
    heap_idle: int
    """Bytes of free pages (HeapReleased included)."""
    heap_sys: int
    """HeapInuse + HeapIdle: mapped heap memory minus stack spans."""
    heap_released: int
    """Bytes of free pages returned to the OS: never used since mapping, or scavenged."""
    heap_objects: int
    """Mallocs − Frees: allocated slots (a tiny block counts once)."""
    total_alloc: int
    """Cumulative bytes of slots allocated (tiny: 16 per block)."""
    mallocs: int
    """Cumulative allocations, every tiny object included."""
    frees: int
    """Cumulative frees (slots freed by sweeping + tiny sub-allocations, as Go counts them)."""
    stack_inuse: int
    """Bytes of stack spans taken from this page heap (`alloc_manual`)."""
    spans_in_use: int
    pages_mapped: int
    unswept_spans: int


class Heap:
    """The heap of one simulated Go program (see the module docstring)."""

    def __init__(self, green_tea: bool = True) -> None:
        self.green_tea = green_tea
        """Go 1.27's default Green Tea GC: spans of 16..512-B objects reserve mark bits."""
        self.pages = PageHeap()
        self.spans = SpanTable()
        self.central = SpanLists()
        self.mcache = np.full(NUM_SPAN_CLASSES, -1, dtype=np.int32)
        """P0's `mcache.alloc`: cached span id per span class, -1 for none."""
        # P0's tiny allocator (`mcache.tiny`, `tinyoffset`): the current 16-B block.
        self.tiny_span = -1
        self.tiny_slot = -1
        self.tiny_offset = 0
        self.tiny_last = -1
        """Last sub-object put in the current block (its `obj_next` gets the next one)."""

        n = 1024
        self.n_objects = 0
        """Object ids issued so far (ids are 0..n_objects-1, never reused)."""
        self.obj_size = np.zeros(n, dtype=np.int64)
        """Requested bytes."""
        self.obj_span = np.full(n, -1, dtype=np.int32)
        """Span id holding the object (of the object's time: span ids are recycled)."""
        self.obj_slot = np.zeros(n, dtype=np.uint16)
        """Slot index in the span (a tiny object: its block's slot)."""
        self.obj_live = np.zeros(n, dtype=bool)
        """Allocated and not yet freed by sweeping (garbage stays live until swept)."""
        self.obj_marked = np.zeros(n, dtype=bool)
        """Mark bit of the current/last cycle; cleared by `begin_mark`."""
        self.obj_next = np.full(n, -1, dtype=np.int32)
        """Next sub-object of the same tiny block, -1 at the end (and for other objects)."""

        self._heap_alloc = 0
        self._total_alloc = 0
        self._mallocs = 0
        self._frees = 0
        self._tiny_allocs = 0
        self._inuse_pages = 0
        self._inuse_spans = 0
        self._stack_pages = 0
        self._unswept = 0
        self._sweep_index = 0
        """`sweep.centralIndex`: next sweep class (spc<<1 | partial) bgsweep looks at."""
        self._reclaim_index = 0
        self._reclaim_credit = 0
        self.scavenger: Scavenger | None = None
        """allocSpan's scavenging (`scavenger.py`); None: pages are only released at mapping."""

    # -- arrays indexed by span id (views of the span table) ---------------------------

    @property
    def n_spans(self) -> int:
        """Span ids issued so far (dead, recycled ids included)."""
        return self.spans.n_spans

    @property
    def span_class(self) -> np.ndarray:
        """Size class per span (0 = large object or stack)."""
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
        """spans.SPAN_DEAD / SPAN_IN_USE / SPAN_MANUAL per span id."""
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
        return int(self.obj_span[oid])

    def object_size_class(self, oid: int) -> int:
        """Size class of the slot holding `oid` (0 = large; 2 for a tiny sub-object)."""
        return int(self.spans.span_class[self.obj_span[oid]])

    def is_tiny(self, oid: int) -> bool:
        """Whether `oid` was placed by the tiny allocator (noscan, 1..15 B)."""
        sid = int(self.obj_span[oid])
        return (
            self.spans.span_class[sid] == TINY_SIZE_CLASS
            and bool(self.spans.span_noscan[sid])
            and self.obj_size[oid] < TINY_SIZE
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
        sids = self.obj_span[oids]
        size = self.spans.span_elem_size[sids].copy()
        tiny = (
            (self.spans.span_class[sids] == TINY_SIZE_CLASS)
            & self.spans.span_noscan[sids]
            & (self.obj_size[oids] < TINY_SIZE)
        )
        if tiny.any():
            g = self.spans.span_slot_base[sids[tiny]] + self.obj_slot[oids[tiny]]
            opener = self.spans.slot_obj[g] == oids[tiny]
            size[tiny] = np.where(opener, TINY_SIZE, 0)
        return size

    def scan_bytes(self, oid: int) -> int:
        """Bytes the GC scans in `oid`: 0 for noscan, else the requested size.

        Go scans a pointerful object up to its type's pointer data; the requested size
        is the upper bound the simulator uses (types do not record ptrdata).
        """
        if self.spans.span_noscan[self.obj_span[oid]]:
            return 0
        return int(self.obj_size[oid])

    def tiny_block_objects(self, oid: int) -> np.ndarray:
        """Every sub-object sharing `oid`'s tiny block (just `oid` for other objects)."""
        if not self.is_tiny(oid):
            return np.array([oid], dtype=np.int64)
        g = int(self.spans.span_slot_base[self.obj_span[oid]]) + int(self.obj_slot[oid])
        out = []
        cur = int(self.spans.slot_obj[g])
        while cur >= 0:
            out.append(cur)
            cur = int(self.obj_next[cur])
        return np.array(out, dtype=np.int64)

    # -- allocation -----------------------------------------------------------------------

    def alloc(self, size: int, noscan: bool, *, black: bool = False) -> int:
        """Allocate one object of `size` ≥ 1 bytes (`mallocgc`); returns its id.

        `black` = allocated while marking (`gcmarknewobject`): its mark bit is set.
        Same result as `alloc_many(1, ...)`, with a scalar fast path for the common
        cases (a small object in the cached span, a tiny object in the current block).
        """
        if size < 1 or size > MAX_SMALL_ALLOC:
            return int(self.alloc_many(1, size, noscan, black=black)[0])
        sp = self.spans
        if noscan and size < TINY_SIZE:
            if self.tiny_span < 0:
                return int(self.alloc_many(1, size, noscan, black=black)[0])
            align = 8 if size & 7 == 0 else 4 if size & 3 == 0 else 2 if size & 1 == 0 else 1
            off = -(-self.tiny_offset // align) * align
            if off + size > TINY_SIZE:
                return int(self.alloc_many(1, size, noscan, black=black)[0])
            oid = self._new_id()
            self.obj_size[oid] = size
            self.obj_span[oid] = self.tiny_span
            self.obj_slot[oid] = self.tiny_slot
            self.obj_live[oid] = True
            self.obj_next[self.tiny_last] = oid
            self.tiny_last = oid
            self.tiny_offset = off + size
            self._tiny_allocs += 1
            self._mallocs += 1
            self._frees += 1
        else:
            c = _ALLOC_CLASS_NOSCAN[size] if noscan else _ALLOC_CLASS_SCAN[size]
            spc = c << 1 | noscan
            sid = int(self.mcache[spc])
            if sid < 0 or sp.span_nalloc[sid] >= sp.span_nelems[sid]:
                sid = self._refill(spc)
            base = int(sp.span_slot_base[sid])
            slot = int(sp.span_freeindex[sid])
            if sp.slot_alloc[base + slot]:
                slot += int(np.argmin(sp.slot_alloc[base + slot : base + int(sp.span_nelems[sid])]))
            sp.slot_alloc[base + slot] = True
            sp.span_nalloc[sid] += 1
            sp.span_freeindex[sid] = slot + 1
            oid = self._new_id()
            self.obj_size[oid] = size
            self.obj_span[oid] = sid
            self.obj_slot[oid] = slot
            self.obj_live[oid] = True
            sp.slot_obj[base + slot] = oid
            nbytes = _CLASS_SIZE[c]
            self._heap_alloc += nbytes
            self._total_alloc += nbytes
            self._mallocs += 1
        if black:
            self.mark(np.array([oid]))
        return oid

    def _new_id(self) -> int:
        """One new object id. Entries past `n_objects` always hold the defaults
        (not marked, no next), so only size/span/slot/live need writing."""
        oid = self.n_objects
        if oid >= self.obj_size.shape[0]:
            self._new_ids(1)
        else:
            self.n_objects = oid + 1
        return oid

    def alloc_many(self, count: int, size: int, noscan: bool, *, black: bool = False) -> np.ndarray:
        """Allocate `count` objects of `size` bytes, in order, as `count` mallocgc calls would.

        Vectorized per span: the result is the same as `count` calls of `alloc`.
        """
        if size < 1:
            raise ValueError("heap objects have size >= 1 (size 0 is &zerobase, not a heap object)")
        if count <= 0:
            return np.zeros(0, dtype=np.int64)
        if noscan and size < TINY_SIZE:
            ids = self._alloc_tiny(count, size)
        elif size <= MAX_SMALL_ALLOC:
            ids = self._alloc_small(count, size, noscan)
        else:
            ids = np.array([self._alloc_large(size, noscan) for _ in range(count)], dtype=np.int64)
        if black:
            self.mark(ids)
        return ids

    def _new_ids(self, count: int) -> np.ndarray:
        start = self.n_objects
        need = start + count
        if need > self.obj_size.shape[0]:
            self.obj_size = grow_array(self.obj_size, need, 0)
            self.obj_span = grow_array(self.obj_span, need, -1)
            self.obj_slot = grow_array(self.obj_slot, need, 0)
            self.obj_live = grow_array(self.obj_live, need, False)
            self.obj_marked = grow_array(self.obj_marked, need, False)
            self.obj_next = grow_array(self.obj_next, need, -1)
        self.n_objects = need
        return np.arange(start, need, dtype=np.int64)

    def _place(self, ids: np.ndarray, size: int, sids: np.ndarray, slots: np.ndarray) -> None:
        self.obj_size[ids] = size
        self.obj_span[ids] = sids
        self.obj_slot[ids] = slots
        self.obj_live[ids] = True
        self.obj_marked[ids] = False
        self.obj_next[ids] = -1

    def _alloc_small(self, count: int, size: int, noscan: bool) -> np.ndarray:
        c = alloc_class(size, noscan)
        sids, slots = self._take_slots(span_class_of(c, noscan), count)
        ids = self._new_ids(count)
        self._place(ids, size, sids, slots)
        self.spans.slot_obj[self.spans.span_slot_base[sids] + slots] = ids
        nbytes = count * class_size(c)
        self._heap_alloc += nbytes
        self._total_alloc += nbytes
        self._mallocs += count
        return ids

    def _take_slots(self, spc: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """`count` free slots of span class `spc`, lowest first, refilling the mcache.

        `mcache.nextFree`: the cached span's next free slot; when it is full,
        `mcache.refill` swaps in another span from mcentral.
        """
        sp = self.spans
        runs: list[tuple[int, np.ndarray | int, int]] = []  # (span, slots or first slot, n)
        while count > 0:
            sid = int(self.mcache[spc])
            if sid < 0 or sp.span_nalloc[sid] >= sp.span_nelems[sid]:
                sid = self._refill(spc)
            base, ne = sp.slot_range(sid)
            fi = int(sp.span_freeindex[sid])
            nalloc = int(sp.span_nalloc[sid])
            if nalloc == fi:
                # Every slot below freeindex is taken and none above: a contiguous run.
                k = min(count, ne - fi)
                sp.slot_alloc[base + fi : base + fi + k] = True
                runs.append((sid, fi, k))
                last = fi + k
            else:
                idx = np.flatnonzero(~sp.slot_alloc[base + fi : base + ne])[:count] + fi
                k = idx.size
                sp.slot_alloc[base + idx] = True
                runs.append((sid, idx, k))
                last = int(idx[-1]) + 1
            sp.span_nalloc[sid] = nalloc + k
            sp.span_freeindex[sid] = last
            count -= k
        sids = np.repeat(np.array([r[0] for r in runs], dtype=np.int32), [r[2] for r in runs])
        parts = [np.arange(r[1], r[1] + r[2]) if isinstance(r[1], int) else r[1] for r in runs]
        slots = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return sids, slots

    def _refill(self, spc: int) -> int:
        """`mcache.refill`: return the full cached span to mcentral, cache another."""
        old = int(self.mcache[spc])
        if old >= 0:
            self._uncache(spc, old)
        sid = self._cache_span(spc)
        self.mcache[spc] = sid
        self.spans.span_where[sid] = CACHED
        return sid

    def _uncache(self, spc: int, sid: int) -> None:
        """`mcentral.uncacheSpan` for a span cached this cycle (already swept)."""
        sp = self.spans
        self.mcache[spc] = -1
        kind = PARTIAL_SWEPT if sp.span_nalloc[sid] < sp.span_nelems[sid] else FULL_SWEPT
        self.central.push(sp, spc, kind, sid)

    def _cache_span(self, spc: int) -> int:
        """`mcentral.cacheSpan`: a span of class `spc` with a free slot."""
        sp = self.spans
        sid = self.central.pop(sp, spc, PARTIAL_SWEPT)
        if sid >= 0:
            return sid
        budget = SPAN_BUDGET
        while budget >= 0:
            sid = self.central.pop(sp, spc, PARTIAL_UNSWEPT)
            if sid < 0:
                break
            self._sweep_batch(np.array([sid]), preserve=True)
            return sid
        while budget >= 0:
            sid = self.central.pop(sp, spc, FULL_UNSWEPT)
            if sid < 0:
                break
            self._sweep_batch(np.array([sid]), preserve=True)
            if sp.span_nalloc[sid] < sp.span_nelems[sid]:
                return sid
            # Sweeping gave no free space: it goes to the full swept set.
            self.central.push(sp, spc, FULL_SWEPT, sid)
            budget -= 1
        return self._grow_class(spc)

    def _grow_class(self, spc: int) -> int:
        """`mcentral.grow`: a fresh span of the class from the page heap."""
        c, noscan = spc >> 1, bool(spc & 1)
        npages = class_npages(c)
        return self._alloc_span(
            SPAN_IN_USE, c, noscan, class_size(c), npages, objects_per_span(c, noscan, self.green_tea)
        )

    def _alloc_span(self, state: int, c: int, noscan: bool, elem: int, npages: int, nelems: int) -> int:
        """`mheap.alloc`: reclaim first while sweeping is unfinished, then take pages."""
        if state == SPAN_IN_USE and self._unswept:
            self._reclaim(npages)
        sid = self.spans.new_span(state, c, noscan, elem, npages, -1, nelems)
        scavenger = self.scavenger
        if scavenger is not None:
            # allocSpan reads mappedReady and heapRetained after taking the pages but
            # before accounting for them: the span's retained pages are still heapFree.
            mapped_ready, retained = scavenger.mapped_ready(), scavenger.heap_retained()
        start = self.pages.alloc(npages, sid)
        self.spans.span_start_page[sid] = start
        if scavenger is not None:
            pages = self.pages
            scavenger.alloc_span(pages.last_scav_pages * PAGE_SIZE, pages.last_growth_pages * PAGE_SIZE,
                                 mapped_ready, retained)
        if state == SPAN_IN_USE:
            self._inuse_pages += npages
            self._inuse_spans += 1
        else:
            self._stack_pages += npages
        return sid

    def _alloc_large(self, size: int, noscan: bool) -> int:
        """`mallocgcLarge` → `mcache.allocLarge`: an own span, pushed to mcentral full set."""
        npages = -(-size // PAGE_SIZE)
        sid = self._alloc_span(SPAN_IN_USE, 0, noscan, npages * PAGE_SIZE, npages, 1)
        sp = self.spans
        base = int(sp.span_slot_base[sid])
        sp.slot_alloc[base] = True
        sp.span_nalloc[sid] = 1
        sp.span_freeindex[sid] = 1
        self.central.push(sp, span_class_of(0, noscan), FULL_SWEPT, sid)
        oid = int(self._new_ids(1)[0])
        self._place(np.array([oid]), size, np.array([sid]), np.array([0]))
        sp.slot_obj[base] = oid
        nbytes = npages * PAGE_SIZE
        self._heap_alloc += nbytes
        self._total_alloc += nbytes
        self._mallocs += 1
        return oid

    def _alloc_tiny(self, count: int, size: int) -> np.ndarray:
        """`mallocgcTiny` for `count` noscan objects of 1..15 bytes.

        Each object goes at the current block's offset aligned to 8 (size%8 == 0), 4
        (size%4 == 0) or 2 (even size); if it does not fit, a new 16-B block is taken
        from the class-2 noscan span and becomes the current block only if it has more
        room left than the old one (`size < c.tinyoffset || c.tiny == 0`).
        """
        align = 8 if size % 8 == 0 else 4 if size % 4 == 0 else 2 if size % 2 == 0 else 1

        def up(off: int) -> int:
            return -(-off // align) * align

        ids = self._new_ids(count)
        sp = self.spans
        i = 0
        # 1. Fill the current block.
        if self.tiny_span >= 0:
            while i < count and up(self.tiny_offset) + size <= TINY_SIZE:
                oid = int(ids[i])
                self._place(ids[i : i + 1], size, np.array([self.tiny_span]), np.array([self.tiny_slot]))
                self.obj_next[self.tiny_last] = oid
                self.tiny_last = oid
                self.tiny_offset = up(self.tiny_offset) + size
                i += 1
        tiny_subs = i
        m = count - i
        if m:
            # 2. New blocks. In a fresh block, k objects fit at these offsets:
            offs = [0]
            while up(offs[-1] + size) + size <= TINY_SIZE:
                offs.append(up(offs[-1] + size))
            k = len(offs)
            replaces = self.tiny_span < 0 or size < self.tiny_offset
            if replaces and k >= 2:
                # Every new block becomes current (its room left beats a full block's).
                nb = -(-m // k)
                per_block = np.full(nb, k, dtype=np.int64)
                per_block[-1] = m - k * (nb - 1)
            else:
                nb = m
                per_block = np.ones(nb, dtype=np.int64)
            bsids, bslots = self._take_slots(TINY_SPAN_CLASS, nb)
            which = np.repeat(np.arange(nb), per_block)
            new = ids[i:]
            self._place(new, size, bsids[which], bslots[which])
            first = np.concatenate(([0], np.cumsum(per_block)[:-1]))
            sp.slot_obj[sp.span_slot_base[bsids] + bslots] = new[first]
            same_block = which[1:] == which[:-1]
            self.obj_next[new[:-1][same_block]] = new[1:][same_block]
            tiny_subs += m - nb
            self._heap_alloc += nb * TINY_SIZE
            self._total_alloc += nb * TINY_SIZE
            self._mallocs += nb
            if replaces:
                last = nb - 1 if k >= 2 else 0
                self.tiny_span, self.tiny_slot = int(bsids[last]), int(bslots[last])
                self.tiny_offset = offs[int(per_block[last]) - 1] + size
                self.tiny_last = int(new[first[last] + per_block[last] - 1])
        # `c.tinyAllocs`: sub-allocations count in both Mallocs and Frees (mstats.go).
        self._tiny_allocs += tiny_subs
        self._mallocs += tiny_subs
        self._frees += tiny_subs
        return ids

    def alloc_manual(self, npages: int) -> int:
        """A stack span of `npages` pages from the page heap (`mheap.allocManual`)."""
        return self._alloc_span(SPAN_MANUAL, 0, True, npages * PAGE_SIZE, npages, 0)

    def free_manual(self, span_id: int) -> None:
        """Return a stack span's pages (`mheap.freeManual`)."""
        sp = self.spans
        assert sp.span_state[span_id] == SPAN_MANUAL
        npages = int(sp.span_npages[span_id])
        self.pages.free(int(sp.span_start_page[span_id]), npages)
        self._stack_pages -= npages
        sp.free_span(span_id)

    def flush_mcache(self) -> None:
        """`mcache.releaseAll` outside a GC (what `ReadMemStats` does): uncache every span.

        The tiny block is dropped too, so the next tiny allocation opens a new block.
        """
        for spc in np.flatnonzero(self.mcache >= 0):
            self._uncache(int(spc), int(self.mcache[spc]))
        self._reset_tiny()

    def _reset_tiny(self) -> None:
        self.tiny_span = self.tiny_slot = self.tiny_last = -1
        self.tiny_offset = 0

    # -- GC hooks -----------------------------------------------------------------------

    def begin_mark(self) -> tuple[int, int, int]:
        """Start of a cycle's mark phase (`gcStart`): clear mark bits of every object.

        First finishes sweeping (`finishsweep_m`, sweep termination) and returns what
        that swept as (spans, objects, bytes). Then greys P0's current tiny block
        (`gcMarkTinyAllocs`): its slot is marked so the block survives this cycle even
        if none of its sub-objects is reached (their own mark bits stay clear).
        """
        done = self.sweep_all()
        n = self.n_objects
        self.obj_marked[:n] = False
        self.spans.slot_marked[: self.spans.n_slots] = False
        self.spans.span_nmarked[:] = 0
        if self.tiny_span >= 0:
            g = int(self.spans.span_slot_base[self.tiny_span]) + self.tiny_slot
            self.spans.slot_marked[g] = True
            self.spans.span_nmarked[self.tiny_span] += 1
        return done

    def mark(self, oids: np.ndarray) -> int:
        """Set the mark bit of live objects `oids` (and of their slots); returns how many
        were newly marked. Marking one tiny sub-object keeps its whole 16-B block."""
        oids = np.asarray(oids, dtype=np.int64).ravel()
        if oids.size == 0:
            return 0
        n = self.n_objects
        if oids.size > n // 64:
            # Big batches: dedupe with a mask over all objects (no sort).
            want = np.zeros(n, dtype=bool)
            want[oids] = True
            oids = np.flatnonzero(want & self.obj_live[:n] & ~self.obj_marked[:n])
        else:
            oids = np.unique(oids)
            oids = oids[self.obj_live[oids] & ~self.obj_marked[oids]]
        if oids.size == 0:
            return 0
        self.obj_marked[oids] = True
        sp = self.spans
        g = sp.span_slot_base[self.obj_span[oids]] + self.obj_slot[oids]
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
        once. Returns what that swept as (spans, objects, bytes)."""
        sp = self.spans
        n = sp.n_spans
        inuse = sp.span_state[:n] == SPAN_IN_USE
        sp.span_swept[:n][inuse] = False
        self._unswept = int(np.count_nonzero(inuse))
        self.central.swap_for_new_cycle(sp)
        self._sweep_index = 0
        self._reclaim_index = 0
        self._reclaim_credit = 0
        cached = [int(s) for s in self.mcache if s >= 0]
        self.mcache[:] = -1
        self._reset_tiny()
        for sid in cached:
            sp.span_where[sid] = 0
        if not cached:
            return (0, 0, 0)
        objs, nbytes = self._sweep_batch(np.array(cached), preserve=False)
        return (len(cached), objs, nbytes)

    def sweep_span(self, span_id: int) -> tuple[int, int]:
        """Sweep one span now (`mspan.sweep`); (objects, bytes) freed, (0, 0) if swept."""
        if self.spans.span_swept[span_id] or self.spans.span_state[span_id] != SPAN_IN_USE:
            return (0, 0)
        self.central.remove(self.spans, span_id)
        return self._sweep_batch(np.array([span_id]), preserve=False)

    def sweep(self, n_spans: int) -> tuple[int, int, int]:
        """Background sweeping of up to `n_spans` spans (`bgsweep` → `sweepone`).

        Spans come in `nextSpanForSweep` order: span class by span class, its full
        unswept set first, then its partial one. Returns (spans, objects, bytes).
        """
        sids: list[int] = []
        sp = self.spans
        while len(sids) < n_spans and self._unswept - len(sids) > 0:
            sc = self._sweep_index
            if sc >= 2 * NUM_SPAN_CLASSES:
                break
            spc, full = sc >> 1, sc & 1 == 0
            sid = self.central.pop(sp, spc, FULL_UNSWEPT if full else PARTIAL_UNSWEPT)
            if sid < 0:
                self._sweep_index += 1
                continue
            sids.append(sid)
        if not sids:
            return (0, 0, 0)
        objs, nbytes = self._sweep_batch(np.array(sids), preserve=False)
        return (len(sids), objs, nbytes)

    def sweep_all(self) -> tuple[int, int, int]:
        """Sweep every unswept span (`finishsweep_m`, or `runtime.GC()` waiting for sweep)."""
        return self.sweep(self._unswept) if self._unswept else (0, 0, 0)

    def unswept_span_count(self) -> int:
        """In-use spans not swept since the last mark termination."""
        return self._unswept

    @property
    def is_swept(self) -> bool:
        """Sweeping is done (`isSweepDone`)."""
        return self._unswept == 0

    def _reclaim(self, npages: int) -> None:
        """`mheap.reclaim`: sweep unmarked in-use spans in address order, 512-page chunks
        at a time, until at least `npages` pages were freed (excess kept as credit)."""
        if self._reclaim_credit >= npages:
            self._reclaim_credit -= npages
            return
        npages -= self._reclaim_credit
        self._reclaim_credit = 0
        sp = self.spans
        while npages > 0 and self._unswept and self._reclaim_index < self.pages.n_pages:
            lo = self._reclaim_index
            hi = min(lo + RECLAIM_CHUNK, self.pages.n_pages)
            self._reclaim_index = hi
            ps = self.pages.page_span[lo:hi]
            at = np.flatnonzero(ps >= 0)
            sids = ps[at]
            first = sp.span_start_page[sids] == lo + at
            sids = sids[first]
            sids = sids[
                (sp.span_state[sids] == SPAN_IN_USE) & ~sp.span_swept[sids] & (sp.span_nmarked[sids] == 0)
            ]
            if sids.size == 0:
                continue
            for sid in sids:
                self.central.remove(sp, int(sid))
            found = int(sp.span_npages[sids].sum())
            self._sweep_batch(sids.astype(np.int64), preserve=False)
            if found <= npages:
                npages -= found
            else:
                self._reclaim_credit += found - npages
                npages = 0

    def _sweep_batch(self, sids: np.ndarray, preserve: bool) -> tuple[int, int]:
        """Sweep unswept spans `sids` in order (`sweepLocked.sweep`); (objects, bytes).

        Allocated slots without a mark bit are freed and their objects (every
        sub-object of a tiny block) die. Unless `preserve` (cacheSpan keeps the span),
        an empty span's pages go back to the page heap and other spans go to their
        class's full or partial swept set.
        """
        sp = self.spans
        bases = sp.span_slot_base[sids]
        lens = sp.span_nelems[sids].astype(np.int64)
        total = int(lens.sum())
        if len(sids) == 1:
            g = np.arange(int(bases[0]), int(bases[0]) + total)
        else:
            offs = np.concatenate(([0], np.cumsum(lens)[:-1]))
            g = np.repeat(bases - offs, lens) + np.arange(total)
        g = g[sp.slot_alloc[g] & ~sp.slot_marked[g]]
        nfree = 0
        nbytes = 0
        if g.size:
            per = np.bincount(sp.slot_span[g], minlength=sp.n_spans)[sids]
            heads = sp.slot_obj[g].astype(np.int64)
            heads = heads[heads >= 0]
            while heads.size:
                self.obj_live[heads] = False
                heads = self.obj_next[heads].astype(np.int64)
                heads = heads[heads >= 0]
            sp.slot_alloc[g] = False
            sp.slot_obj[g] = -1
            sp.span_nalloc[sids] -= per.astype(np.int32)
            nfree = int(g.size)
            nbytes = int((per * sp.span_elem_size[sids]).sum())
            self._heap_alloc -= nbytes
            self._frees += nfree
        sp.span_swept[sids] = True
        sp.span_freeindex[sids] = 0
        self._unswept -= len(sids)
        if not preserve:
            for sid in sids.tolist():
                self._place_swept(sid)
        return nfree, nbytes

    def _place_swept(self, sid: int) -> None:
        sp = self.spans
        nalloc = int(sp.span_nalloc[sid])
        if nalloc == 0:
            npages = int(sp.span_npages[sid])
            self.pages.free(int(sp.span_start_page[sid]), npages)
            self._inuse_pages -= npages
            self._inuse_spans -= 1
            sp.free_span(sid)
            return
        spc = span_class_of(int(sp.span_class[sid]), bool(sp.span_noscan[sid]))
        kind = FULL_SWEPT if nalloc >= sp.span_nelems[sid] else PARTIAL_SWEPT
        self.central.push(sp, spc, kind, sid)

    # -- figures -------------------------------------------------------------------------

    def inuse_bytes(self) -> int:
        """HeapInuse: pages of in-use spans (without building the whole `stats()` record;
        the scavenger reads it on every span allocation)."""
        return self._inuse_pages * PAGE_SIZE

    def stats(self) -> HeapStats:
        """MemStats-like heap figures (exact, as after ReadMemStats)."""
        idle = self.pages.idle_bytes
        inuse = self.inuse_bytes()
        return HeapStats(
            heap_alloc=self._heap_alloc,
            heap_inuse=inuse,
            heap_idle=idle,
            heap_sys=inuse + idle,
            heap_released=self.pages.released_bytes,
            heap_objects=self._mallocs - self._frees,
            total_alloc=self._total_alloc,
            mallocs=self._mallocs,
            frees=self._frees,
            stack_inuse=self._stack_pages * PAGE_SIZE,
            spans_in_use=self._inuse_spans,
            pages_mapped=self.pages.n_pages,
            unswept_spans=self._unswept,
        )

    def total_alloc_bytes(self) -> int:
        """TotalAlloc: cumulative bytes of slots allocated (16 per tiny block), without
        building the whole `stats()` record (it is read on every allocation)."""
        return self._total_alloc

    def live_bytes(self) -> int:
        """Bytes of allocated slots, unswept garbage included (= HeapAlloc; the pacer's
        `heapLive` once mcaches are flushed)."""
        return self._heap_alloc

    def marked_bytes(self) -> int:
        """Bytes of slots with the mark bit set (`work.bytesMarked`, gctrace's third
        heap figure, `heapMarked`), tiny blocks kept by `gcMarkTinyAllocs` included."""
        sp = self.spans
        n = sp.n_spans
        inuse = sp.span_state[:n] == SPAN_IN_USE
        return int((sp.span_nmarked[:n][inuse].astype(np.int64) * sp.span_elem_size[:n][inuse]).sum())

    def spans_in_use(self) -> int:
        """Heap spans in use (`mSpanInUse`), large-object spans included, stacks not."""
        return self._inuse_spans

    def live_object_ids(self) -> np.ndarray:
        """Ids of objects currently allocated (live or unswept garbage)."""
        return np.flatnonzero(self.obj_live[: self.n_objects])

    # -- rewind --------------------------------------------------------------------------

    def __deepcopy__(self, memo: dict) -> Heap:
        """Copy with every array trimmed to its used length (cheap snapshots)."""
        new = Heap.__new__(Heap)
        memo[id(self)] = new
        n = self.n_objects
        for key, value in self.__dict__.items():
            if key.startswith("obj_"):
                setattr(new, key, value[:n].copy())
            else:
                setattr(new, key, copy.deepcopy(value, memo))
        return new

    def snapshot(self) -> Heap:
        """An independent copy of the whole heap (see `restore`)."""
        return copy.deepcopy(self)

    def restore(self, snap: Heap) -> None:
        """Become a copy of `snap` (which stays usable for further restores)."""
        self.__dict__.update(copy.deepcopy(snap).__dict__)
