"""Allocation (`runtime/malloc.go`, `mcache.go`, `mcentral.go`, `mheap.go`): mcache → mcentral → mheap.

What is modelled, with the Go function each rule comes from:

* Objects (`mallocgc`): size ≥ 1; noscan objects of 1..15 B go to the tiny allocator
  (`mallocgcTiny`); up to 32760 B to a slot of their span class (`mallocgcSmallNoscan` /
  `mallocgcSmallScanNoHeader` / `mallocgcSmallScanHeader`, pointerful objects > 512 B
  occupying class(size + 8)); bigger ones to their own page-rounded class-0 span
  (`mallocgcLarge`).
* One P. The allocating goroutine's P is P0 and only P0's mcache is modelled: which P
  runs a goroutine does not change what the heap holds, only which cached span a slot
  comes from; with one mcache, slot choice is deterministic.
* mcache (`mcache.alloc[spanClass]`, `nextFree`, `refill`): the current span of each of
  the 136 span classes; the lowest free slot is taken.
* mcentral (`mcentral.cacheSpan`, `uncacheSpan`, `grow`): partial/full span sets, swept
  and unswept, FIFO. cacheSpan takes a partial swept span, else sweeps partial unswept
  spans, then full unswept ones (budget 100), else grows.
* mheap (`mheap.alloc`, `allocSpan`): first-fit page runs (see `pages.py`); while
  sweeping is unfinished every span allocation first reclaims at least as many pages by
  sweeping unmarked spans in address order (`Sweeper.reclaim`). allocSpan's scavenging
  (`scavenger.py`) runs when a `Scavenger` is attached (`Runtime` attaches one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gomemtui.runtime.memory.figures import HeapCounters
from gomemtui.runtime.memory.objects import ObjectTable
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
    SpanLists,
    SpanTable,
    span_class_of,
)
from gomemtui.runtime.memory.sweep import Sweeper

if TYPE_CHECKING:
    from gomemtui.runtime.memory.scavenger import Scavenger

TINY_SPAN_CLASS = TINY_SIZE_CLASS << 1 | 1
"""`tinySpanClass`: tiny blocks are class-2 noscan slots."""
SPAN_BUDGET = 100
"""`mcentral.cacheSpan`'s limit on unswept spans it tries before growing."""

# Python lists for the scalar allocation path (numpy scalar indexing is slower).
_ALLOC_CLASS_NOSCAN: list[int] = ALLOC_CLASS_NOSCAN.tolist()
_ALLOC_CLASS_SCAN: list[int] = ALLOC_CLASS_SCAN.tolist()
_CLASS_SIZE: list[int] = CLASS_SIZE.tolist()


class Allocator:
    """P0's mcache and tiny block, and the way to mcentral and mheap.

    Args:
        objects: Where new objects get their rows.
        spans: The span table (slots are taken there).
        central: mcentral's span sets.
        pages: The page heap new spans come from.
        counts: HeapAlloc, TotalAlloc, Mallocs... as allocation goes.
        sweeper: Sweeps spans the allocator needs (cacheSpan, reclaim).
        green_tea: Spans of 16..512-B objects reserve inline mark bits (fewer objects).
    """

    def __init__(
        self, objects: ObjectTable, spans: SpanTable, central: SpanLists, pages: PageHeap, counts: HeapCounters,
        sweeper: Sweeper, green_tea: bool,
    ) -> None:
        self.objects = objects
        self.spans = spans
        self.central = central
        self.pages = pages
        self.counts = counts
        self.sweeper = sweeper
        self.green_tea = green_tea
        self.mcache = np.full(NUM_SPAN_CLASSES, -1, dtype=np.int32)
        """P0's `mcache.alloc`: cached span id per span class, -1 for none."""
        # P0's tiny allocator (`mcache.tiny`, `tinyoffset`): the current 16-B block.
        self.tiny_span = -1
        self.tiny_slot = -1
        self.tiny_offset = 0
        self.tiny_last = -1
        """Last sub-object put in the current block (its `obj_next` gets the next one)."""
        self.scavenger: Scavenger | None = None
        """allocSpan's scavenging (`scavenger.py`); None: pages are only released at mapping."""

    def release_all(self) -> list[int]:
        """`mcache.releaseAll` at mark termination (`prepareForSweep`): forget every cached
        span and the tiny block; returns the spans that were cached (the sweeper sweeps
        them at once, as `uncacheSpan` does for spans cached before this sweep began)."""
        cached = [int(s) for s in self.mcache if s >= 0]
        self.mcache[:] = -1
        self.reset_tiny()
        for sid in cached:
            self.spans.span_where[sid] = 0
        return cached

    def alloc(self, size: int, noscan: bool) -> int:
        """Allocate one object of `size` ≥ 1 bytes (`mallocgc`); returns its id.

        Same result as `alloc_many(1, ...)`, with a scalar fast path for the common
        cases (a small object in the cached span, a tiny object in the current block).
        """
        if size < 1 or size > MAX_SMALL_ALLOC:
            return int(self.alloc_many(1, size, noscan)[0])
        sp = self.spans
        if noscan and size < TINY_SIZE:
            if self.tiny_span < 0:
                return int(self.alloc_many(1, size, noscan)[0])
            align = 8 if size & 7 == 0 else 4 if size & 3 == 0 else 2 if size & 1 == 0 else 1
            off = -(-self.tiny_offset // align) * align
            if off + size > TINY_SIZE:
                return int(self.alloc_many(1, size, noscan)[0])
            oid = self.objects.new_id()
            self.objects.obj_size[oid] = size
            self.objects.obj_span[oid] = self.tiny_span
            self.objects.obj_slot[oid] = self.tiny_slot
            self.objects.obj_live[oid] = True
            self.objects.obj_next[self.tiny_last] = oid
            self.tiny_last = oid
            self.tiny_offset = off + size
            self.counts.tiny_allocs += 1
            self.counts.mallocs += 1
            self.counts.frees += 1
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
            oid = self.objects.new_id()
            self.objects.obj_size[oid] = size
            self.objects.obj_span[oid] = sid
            self.objects.obj_slot[oid] = slot
            self.objects.obj_live[oid] = True
            sp.slot_obj[base + slot] = oid
            nbytes = _CLASS_SIZE[c]
            self.counts.heap_alloc += nbytes
            self.counts.total_alloc += nbytes
            self.counts.mallocs += 1
        return oid

    def alloc_many(self, count: int, size: int, noscan: bool) -> np.ndarray:
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
        return ids

    def _alloc_small(self, count: int, size: int, noscan: bool) -> np.ndarray:
        c = alloc_class(size, noscan)
        sids, slots = self.take_slots(span_class_of(c, noscan), count)
        ids = self.objects.new_ids(count)
        self.objects.place(ids, size, sids, slots)
        self.spans.slot_obj[self.spans.span_slot_base[sids] + slots] = ids
        nbytes = count * class_size(c)
        self.counts.heap_alloc += nbytes
        self.counts.total_alloc += nbytes
        self.counts.mallocs += count
        return ids

    def take_slots(self, spc: int, count: int) -> tuple[np.ndarray, np.ndarray]:
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
            self.uncache(spc, old)
        sid = self._cache_span(spc)
        self.mcache[spc] = sid
        self.spans.span_where[sid] = CACHED
        return sid

    def uncache(self, spc: int, sid: int) -> None:
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
            self.sweeper.sweep_batch(np.array([sid]), preserve=True)
            return sid
        while budget >= 0:
            sid = self.central.pop(sp, spc, FULL_UNSWEPT)
            if sid < 0:
                break
            self.sweeper.sweep_batch(np.array([sid]), preserve=True)
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
        return self._alloc_span(c, noscan, class_size(c), npages, objects_per_span(c, noscan, self.green_tea))

    def _alloc_span(self, c: int, noscan: bool, elem: int, npages: int, nelems: int) -> int:
        """`mheap.alloc`: reclaim first while sweeping is unfinished, then take pages."""
        if self.sweeper.unswept:
            self.sweeper.reclaim(npages)
        sid = self.spans.new_span(SPAN_IN_USE, c, noscan, elem, npages, -1, nelems)
        scavenger = self.scavenger
        mapped_ready = retained = 0
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
        self.counts.inuse_pages += npages
        self.counts.inuse_spans += 1
        return sid

    def _alloc_large(self, size: int, noscan: bool) -> int:
        """`mallocgcLarge` → `mcache.allocLarge`: an own span, pushed to mcentral full set."""
        npages = -(-size // PAGE_SIZE)
        sid = self._alloc_span(0, noscan, npages * PAGE_SIZE, npages, 1)
        sp = self.spans
        base = int(sp.span_slot_base[sid])
        sp.slot_alloc[base] = True
        sp.span_nalloc[sid] = 1
        sp.span_freeindex[sid] = 1
        self.central.push(sp, span_class_of(0, noscan), FULL_SWEPT, sid)
        oid = int(self.objects.new_ids(1)[0])
        self.objects.place(np.array([oid]), size, np.array([sid]), np.array([0]))
        sp.slot_obj[base] = oid
        nbytes = npages * PAGE_SIZE
        self.counts.heap_alloc += nbytes
        self.counts.total_alloc += nbytes
        self.counts.mallocs += 1
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

        ids = self.objects.new_ids(count)
        sp = self.spans
        i = 0
        # 1. Fill the current block.
        if self.tiny_span >= 0:
            while i < count and up(self.tiny_offset) + size <= TINY_SIZE:
                oid = int(ids[i])
                self.objects.place(ids[i : i + 1], size, np.array([self.tiny_span]), np.array([self.tiny_slot]))
                self.objects.obj_next[self.tiny_last] = oid
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
            bsids, bslots = self.take_slots(TINY_SPAN_CLASS, nb)
            which = np.repeat(np.arange(nb), per_block)
            new = ids[i:]
            self.objects.place(new, size, bsids[which], bslots[which])
            first = np.concatenate(([0], np.cumsum(per_block)[:-1]))
            sp.slot_obj[sp.span_slot_base[bsids] + bslots] = new[first]
            same_block = which[1:] == which[:-1]
            self.objects.obj_next[new[:-1][same_block]] = new[1:][same_block]
            tiny_subs += m - nb
            self.counts.heap_alloc += nb * TINY_SIZE
            self.counts.total_alloc += nb * TINY_SIZE
            self.counts.mallocs += nb
            if replaces:
                last = nb - 1 if k >= 2 else 0
                self.tiny_span, self.tiny_slot = int(bsids[last]), int(bslots[last])
                self.tiny_offset = offs[int(per_block[last]) - 1] + size
                self.tiny_last = int(new[first[last] + per_block[last] - 1])
        # `c.tinyAllocs`: sub-allocations count in both Mallocs and Frees (mstats.go).
        self.counts.tiny_allocs += tiny_subs
        self.counts.mallocs += tiny_subs
        self.counts.frees += tiny_subs
        return ids

    def flush_mcache(self) -> None:
        """`mcache.releaseAll` outside a GC (what `ReadMemStats` does): uncache every span.

        The tiny block is dropped too, so the next tiny allocation opens a new block.
        """
        for spc in np.flatnonzero(self.mcache >= 0):
            self.uncache(int(spc), int(self.mcache[spc]))
        self.reset_tiny()

    def reset_tiny(self) -> None:
        self.tiny_span = self.tiny_slot = self.tiny_last = -1
        self.tiny_offset = 0
