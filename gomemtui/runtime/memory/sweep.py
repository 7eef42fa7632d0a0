"""Sweeping (`runtime/mgcsweep.go`): freeing the unmarked slots of the last cycle's spans.

After mark termination every in-use span is unswept; sweeping a span frees its
allocated, unmarked slots (only then can they be reused), and an empty span's pages go
back to the page heap (HeapIdle). Spans are swept by the allocator when it needs one
(`mcentral.cacheSpan`, `mheap.reclaim`), at mark termination for the spans the mcache
held (`uncacheSpan`), by the background sweeper (`bgsweep` → `sweepone` →
`nextSpanForSweep`: span class by span class, full sets before partial ones) and all at
once at sweep termination (`finishsweep_m`) or by `runtime.GC()`.

Proportional sweeping (`deductSweepCredit`) is left to the caller (the collector knows
the pacer's sweep ratio): it calls `sweep(n)`.
"""

from __future__ import annotations

import numpy as np

from gomemtui.runtime.memory.figures import HeapCounters
from gomemtui.runtime.memory.objects import ObjectTable
from gomemtui.runtime.memory.pages import PageHeap
from gomemtui.runtime.memory.specials import Specials
from gomemtui.runtime.memory.spans import (
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

RECLAIM_CHUNK = 512
"""`pagesPerReclaimerChunk`."""


class Sweeper:
    """Which spans still need sweeping, and the sweeping itself.

    Args:
        objects: The heap's objects (sweeping kills the unmarked ones).
        spans: The span table.
        central: mcentral's span sets (swept spans go back to them).
        pages: The page heap (empty spans' pages go back to it).
        counts: HeapAlloc and Frees go down and up as slots are freed.
        specials: The objects' finalizers, cleanups and weak handles, which sweeping
            acts on (`specials.py`); None: a heap without them.
    """

    def __init__(
        self, objects: ObjectTable, spans: SpanTable, central: SpanLists, pages: PageHeap, counts: HeapCounters,
        specials: Specials | None = None,
    ) -> None:
        self.objects = objects
        self.spans = spans
        self.central = central
        self.pages = pages
        self.counts = counts
        self.specials = Specials() if specials is None else specials
        self.unswept = 0
        """In-use spans not swept since the last mark termination."""
        self.sweep_index = 0
        """`sweep.centralIndex`: next sweep class (spc<<1 | partial) bgsweep looks at."""
        self.reclaim_index = 0
        """`mheap.reclaimIndex`: next page `reclaim` looks at."""
        self.reclaim_credit = 0
        """`mheap.reclaimCredit`: pages reclaimed beyond what was asked."""

    def start_cycle(self) -> None:
        """`gcSweep`: every in-use span needs sweeping now (mark termination)."""
        sp = self.spans
        n = sp.n_spans
        inuse = sp.span_state[:n] == SPAN_IN_USE
        sp.span_swept[:n][inuse] = False
        self.unswept = int(np.count_nonzero(inuse))
        self.central.swap_for_new_cycle(sp)
        self.sweep_index = 0
        self.reclaim_index = 0
        self.reclaim_credit = 0

    def sweep_span(self, span_id: int) -> tuple[int, int]:
        """Sweep one span now (`mspan.sweep`); (objects, bytes) freed, (0, 0) if swept."""
        if self.spans.span_swept[span_id] or self.spans.span_state[span_id] != SPAN_IN_USE:
            return (0, 0)
        self.central.remove(self.spans, span_id)
        return self.sweep_batch(np.array([span_id]), preserve=False)

    def sweep(self, n_spans: int) -> tuple[int, int, int]:
        """Background sweeping of up to `n_spans` spans (`bgsweep` → `sweepone`).

        Spans come in `nextSpanForSweep` order: span class by span class, its full
        unswept set first, then its partial one. Returns (spans, objects, bytes).
        """
        sids: list[int] = []
        sp = self.spans
        while len(sids) < n_spans and self.unswept - len(sids) > 0:
            sc = self.sweep_index
            if sc >= 2 * NUM_SPAN_CLASSES:
                break
            spc, full = sc >> 1, sc & 1 == 0
            sid = self.central.pop(sp, spc, FULL_UNSWEPT if full else PARTIAL_UNSWEPT)
            if sid < 0:
                self.sweep_index += 1
                continue
            sids.append(sid)
        if not sids:
            return (0, 0, 0)
        objs, nbytes = self.sweep_batch(np.array(sids), preserve=False)
        return (len(sids), objs, nbytes)

    def sweep_all(self) -> tuple[int, int, int]:
        """Sweep every unswept span (`finishsweep_m`, or `runtime.GC()` waiting for sweep)."""
        return self.sweep(self.unswept) if self.unswept else (0, 0, 0)

    def reclaim(self, npages: int) -> None:
        """`mheap.reclaim`: sweep unmarked in-use spans in address order, 512-page chunks
        at a time, until at least `npages` pages were freed (excess kept as credit)."""
        if self.reclaim_credit >= npages:
            self.reclaim_credit -= npages
            return
        npages -= self.reclaim_credit
        self.reclaim_credit = 0
        sp = self.spans
        while npages > 0 and self.unswept and self.reclaim_index < self.pages.n_pages:
            lo = self.reclaim_index
            hi = min(lo + RECLAIM_CHUNK, self.pages.n_pages)
            self.reclaim_index = hi
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
            self.sweep_batch(sids.astype(np.int64), preserve=False)
            if found <= npages:
                npages -= found
            else:
                self.reclaim_credit += found - npages
                npages = 0

    def sweep_batch(self, sids: np.ndarray, preserve: bool) -> tuple[int, int]:
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
        if self.specials.active and g.size:
            g = self.specials.sweep(g, self.objects, sp)  # finalizers revive, weak handles clear
        nfree = 0
        nbytes = 0
        if g.size:
            per = np.bincount(sp.slot_span[g], minlength=sp.n_spans)[sids]
            heads = sp.slot_obj[g].astype(np.int64)
            heads = heads[heads >= 0]
            while heads.size:
                self.objects.obj_live[heads] = False
                self.objects.obj_freed[heads] = self.objects.profile_cycle  # mProf_Free
                heads = self.objects.obj_next[heads].astype(np.int64)
                heads = heads[heads >= 0]
            sp.slot_alloc[g] = False
            sp.slot_obj[g] = -1
            sp.span_nalloc[sids] -= per.astype(np.int32)
            nfree = int(g.size)
            nbytes = int((per * sp.span_elem_size[sids]).sum())
            self.counts.heap_alloc -= nbytes
            self.counts.frees += nfree
        sp.span_swept[sids] = True
        sp.span_freeindex[sids] = 0
        self.unswept -= len(sids)
        if not preserve:
            for sid in sids.tolist():
                self.place_swept(sid)
        return nfree, nbytes

    def place_swept(self, sid: int) -> None:
        sp = self.spans
        nalloc = int(sp.span_nalloc[sid])
        if nalloc == 0:
            npages = int(sp.span_npages[sid])
            self.pages.free(int(sp.span_start_page[sid]), npages)
            self.counts.inuse_pages -= npages
            self.counts.inuse_spans -= 1
            sp.free_span(sid)
            return
        spc = span_class_of(int(sp.span_class[sid]), bool(sp.span_noscan[sid]))
        kind = FULL_SWEPT if nalloc >= sp.span_nelems[sid] else PARTIAL_SWEPT
        self.central.push(sp, spc, kind, sid)
