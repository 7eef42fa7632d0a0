"""The page heap: 8 KiB pages in 64 MiB arenas, handed out as runs to spans.

Go (`runtime/mheap.go`, `mpagealloc.go`): `mheap.pages` is a radix-tree page allocator
that finds the lowest-addressed run of free pages (address-ordered first fit). When no
run fits, `(*mheap).grow` maps more of the current arena in whole palloc chunks
(`pallocChunkPages` = 512 pages = 4 MiB), reserving a new 64 MiB arena when the current
one is exhausted (normally right after the previous one, so the heap stays contiguous).
Freshly mapped memory counts as *released* (`gcController.heapReleased`) until a span
is allocated over it (`allocSpan` → `sysUsed`). Pages freed by sweeping stay *retained*
(HeapIdle, not HeapReleased: `heapFree`) until the scavenger releases them again
(`scavenge`, the rules in `scavenger.py`).

Where this simplifies real Go:

* The mapped heap is one contiguous run of pages starting at page 0 (Go's arenas are
  contiguous in practice; the random heap base is irrelevant here). Arena k covers pages
  ``[k*8192, (k+1)*8192)``; it is only a label for the views.
* The heap starts empty: real Go has a few hundred KiB in use by runtime init.
* A linear numpy scan with a first-free hint stands in for the radix tree (same answer).
* No per-P page cache (`pageCache`, 64-page chunks that `allocSpan` uses for spans of
  < 16 pages): it only changes which addresses small spans get, not any byte count.
"""

from __future__ import annotations

import numpy as np

from gomemtui.runtime.memory.arch import HUGE_PAGE_PAGES
from gomemtui.runtime.memory.sizeclasses import PAGE_SIZE

__all__ = ["ARENA_BYTES", "ARENA_PAGES", "CHUNK_PAGES", "PageHeap"]

ARENA_BYTES = 64 << 20
"""`heapArenaBytes` on 64-bit Linux."""
ARENA_PAGES = ARENA_BYTES // PAGE_SIZE
"""8192 pages per arena."""
CHUNK_PAGES = 512
"""`pallocChunkPages`: the heap grows in 4 MiB steps."""

FREE = -1
"""`page_span` value of a free (idle) page."""


class PageHeap:
    """Which span owns each mapped page; first-fit allocation of page runs."""

    def __init__(self) -> None:
        self.page_span = np.full(0, FREE, dtype=np.int32)
        """Span id owning each mapped page, or -1 if the page is free."""
        self.page_released = np.zeros(0, dtype=bool)
        """Free pages whose memory is returned to the OS: never used since mapping, or
        scavenged (count as HeapReleased, not in mappedReady)."""
        self.n_pages = 0
        """Pages mapped so far (HeapSys / 8192, stacks included)."""
        self.free_pages = 0
        self.released_pages = 0
        self._hint = 0
        """No free page below this index (Go's `searchAddr`)."""
        self.last_scav_pages = 0
        """Released pages the last `alloc` took back (allocSpan's `scav`)."""
        self.last_growth_pages = 0
        """Pages the last `alloc` had to map (`(*mheap).grow`'s growth), 0 if none."""

    # -- allocation ---------------------------------------------------------------------

    def find(self, npages: int) -> int:
        """Lowest page index starting `npages` free pages, or -1 (`pageAlloc.find`)."""
        if self.free_pages < npages:
            return -1
        free = self.page_span[self._hint : self.n_pages] < 0
        if npages == 1:
            i = int(np.argmax(free)) if free.size else 0
            return self._hint + i if free.size and free[i] else -1
        edges = np.diff(np.concatenate(([0], free.view(np.int8), [0])))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        ok = np.flatnonzero(ends - starts >= npages)
        return self._hint + int(starts[ok[0]]) if ok.size else -1

    def grow(self, npages: int) -> int:
        """Map `alignUp(npages, 512)` more pages at the end (`(*mheap).grow`); returns them."""
        ask = -(-npages // CHUNK_PAGES) * CHUNK_PAGES
        self.page_span = np.concatenate((self.page_span, np.full(ask, FREE, dtype=np.int32)))
        self.page_released = np.concatenate((self.page_released, np.ones(ask, dtype=bool)))
        if self.free_pages == 0:
            self._hint = self.n_pages
        self.n_pages += ask
        self.free_pages += ask
        self.released_pages += ask
        return ask

    def alloc(self, npages: int, span_id: int) -> int:
        """Give the first fitting run of `npages` free pages to `span_id`, growing if needed.

        Returns the first page. Released pages become retained (`sysUsed`); how many
        there were is left in `last_scav_pages`, the pages mapped in `last_growth_pages`.
        """
        self.last_growth_pages = 0
        start = self.find(npages)
        if start < 0:
            self.last_growth_pages = self.grow(npages)
            start = self.find(npages)
            assert start >= 0
        end = start + npages
        self.page_span[start:end] = span_id
        scav = int(np.count_nonzero(self.page_released[start:end]))
        self.last_scav_pages = scav
        self.released_pages -= scav
        self.page_released[start:end] = False
        self.free_pages -= npages
        if start == self._hint:
            rest = self.page_span[end : self.n_pages] < 0
            self._hint = end + int(np.argmax(rest)) if rest.any() else self.n_pages
        return start

    def free(self, start: int, npages: int) -> None:
        """Return a run of pages to the free pool (`(*mheap).freeSpanLocked`)."""
        self.page_span[start : start + npages] = FREE
        self.free_pages += npages
        self._hint = min(self._hint, start)

    # -- scavenging ---------------------------------------------------------------------

    def scavenge(self, npages: int) -> int:
        """Release at least `npages` free, retained pages, highest address first; returns
        how many were released (fewer only if no retained free page is left).

        `(*pageAlloc).scavenge` with force (every chunk is a candidate): `scavengeIndex.find`
        takes the highest chunk with such pages, `findScavengeCandidate` the highest run in
        it (runs do not cross a 512-page chunk) and the top `npages` of it — extended down
        to a 2 MiB huge-page boundary when the part crosses one and the free run reaches
        it — and `scavengeOne` releases it (`sysUnused`); repeated until enough.
        """
        released = 0
        while released < npages:
            cand = (self.page_span[: self.n_pages] < 0) & ~self.page_released[: self.n_pages]
            hits = np.flatnonzero(cand)
            if hits.size == 0:
                break
            end = int(hits[-1]) + 1
            chunk_base = (end - 1) // CHUNK_PAGES * CHUNK_PAGES
            below = np.flatnonzero(~cand[chunk_base:end])
            run_start = chunk_base + int(below[-1]) + 1 if below.size else chunk_base
            run = end - run_start
            size = min(run, npages - released)
            start = end - size
            huge_above = -(-start // HUGE_PAGE_PAGES) * HUGE_PAGE_PAGES
            if huge_above <= end:
                huge_below = start // HUGE_PAGE_PAGES * HUGE_PAGE_PAGES
                if huge_below >= end - run:
                    size += start - huge_below
                    start = huge_below
            self.page_released[start:end] = True
            self.released_pages += end - start
            released += end - start
        return released

    # -- figures -----------------------------------------------------------------------

    @property
    def arenas(self) -> int:
        """64 MiB arenas touched by the mapped pages."""
        return -(-self.n_pages // ARENA_PAGES)

    @property
    def sys_bytes(self) -> int:
        return self.n_pages * PAGE_SIZE

    @property
    def idle_bytes(self) -> int:
        return self.free_pages * PAGE_SIZE

    @property
    def released_bytes(self) -> int:
        return self.released_pages * PAGE_SIZE
