"""Spans (`runtime/mheap.go mspan`) and the per-span-class span sets of `mcentral`.

A span is a run of pages holding objects of one span class (size class × noscan), or one
large object (class 0). Goroutine stacks have spans of their own (`stacks.py`), not in
this table. Every
field lives in a numpy array indexed by span id; the per-slot state of all spans (the
allocation bits `allocBits`, the mark bits `gcmarkBits`, which object sits in a slot)
lives in one pool of slot arrays, each span owning a range of it.

Where this simplifies real Go: span ids and slot ranges are recycled deterministically
(last freed, first reused) like Go recycles `mspan` structs; there is no `freeindex`
cache of 64 bits (`allocCache`) — the lowest free slot is searched directly, which gives
the same order because a cached span's free slots only change when it is swept.
"""

from __future__ import annotations

from collections import deque

import numpy as np

__all__ = [
    "FULL_SWEPT",
    "FULL_UNSWEPT",
    "PARTIAL_SWEPT",
    "PARTIAL_UNSWEPT",
    "SPAN_DEAD",
    "SPAN_IN_USE",
    "NUM_SPAN_CLASSES",
    "SpanLists",
    "SpanTable",
    "grow_array",
    "span_class_of",
]

NUM_SPAN_CLASSES = 136
"""`numSpanClasses` = NumSizeClasses << 1 (span class = sizeclass<<1 | noscan)."""

SPAN_DEAD = 0
"""Free `mspan` struct (`mSpanDead`): its pages were returned to the page heap."""
SPAN_IN_USE = 1
"""`mSpanInUse`: a heap span (counts in HeapInuse)."""

# Where a span is (span_where): not in any set, cached by the P's mcache, or in one of
# mcentral's span sets. `mcentral.partial/full[2]spanSet` are indexed by sweepgen; here
# the swept/unswept sets are named and swapped when a cycle's sweep starts.
NOWHERE = 0
CACHED = 1
PARTIAL_SWEPT = 2
FULL_SWEPT = 3
PARTIAL_UNSWEPT = 4
FULL_UNSWEPT = 5


def span_class_of(size_class: int, noscan: bool) -> int:
    """`makeSpanClass`: sizeclass<<1 | noscan."""
    return size_class << 1 | int(noscan)


def grow_array(arr: np.ndarray, need: int, fill: int | bool = 0) -> np.ndarray:
    """`arr` with room for at least `need` entries (capacity doubles; new entries = fill)."""
    if need <= arr.shape[0]:
        return arr
    cap = max(need, 2 * arr.shape[0], 64)
    out = np.full(cap, fill, dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out


def _range_cap(nelems: int) -> int:
    """Slot-range capacity for a span of `nelems` objects: the next power of two."""
    return 1 << max(0, int(nelems - 1).bit_length())


class SpanTable:
    """All spans ever created (ids recycled) and the slot pool they own ranges of."""

    def __init__(self) -> None:
        n = 64
        self.n_spans = 0
        """Span ids ever issued (ids < n_spans are valid indexes; dead ones included)."""
        self.span_state = np.zeros(n, dtype=np.uint8)
        self.span_class = np.zeros(n, dtype=np.uint8)
        """Size class (0 = large object or stack span)."""
        self.span_noscan = np.zeros(n, dtype=bool)
        self.span_elem_size = np.zeros(n, dtype=np.int64)
        """Slot size; for a large span npages*8192 (Go's `s.elemsize`)."""
        self.span_npages = np.zeros(n, dtype=np.int32)
        self.span_start_page = np.zeros(n, dtype=np.int32)
        self.span_nelems = np.zeros(n, dtype=np.int32)
        self.span_nalloc = np.zeros(n, dtype=np.int32)
        """`allocCount`: allocated slots (live or not-yet-swept garbage)."""
        self.span_nmarked = np.zeros(n, dtype=np.int32)
        """Slots whose mark bit is set (`gcmarkBits`); > 0 means the page is marked."""
        self.span_swept = np.ones(n, dtype=bool)
        """False between mark termination and this span's sweep (`sweepgen == sg-2`)."""
        self.span_where = np.zeros(n, dtype=np.uint8)
        self.span_seq = np.zeros(n, dtype=np.int64)
        """Bumped each time the span enters or leaves a span set (lazy removal)."""
        self.span_freeindex = np.zeros(n, dtype=np.int32)
        """No free slot below this index (`s.freeindex`), valid while cached."""
        self.span_slot_base = np.zeros(n, dtype=np.int64)
        self.span_slot_cap = np.zeros(n, dtype=np.int32)
        self._free_ids: list[int] = []

        m = 1024
        self.n_slots = 0
        """Slot-pool entries handed out so far."""
        self.slot_obj = np.full(m, -1, dtype=np.int32)
        """Object in the slot (for a tiny block: the sub-object that opened it)."""
        self.slot_alloc = np.zeros(m, dtype=bool)
        """`allocBits` (after sweeping; allocations set it at once)."""
        self.slot_marked = np.zeros(m, dtype=bool)
        """`gcmarkBits`: set when any object in the slot is marked."""
        self.slot_span = np.full(m, -1, dtype=np.int32)
        self._free_ranges: dict[int, list[int]] = {}

    # -- span structs -------------------------------------------------------------------

    def new_span(
        self, state: int, size_class: int, noscan: bool, elem_size: int, npages: int, start_page: int, nelems: int
    ) -> int:
        """A fresh span id (`(*mheap).allocMSpanLocked` + `initSpan`) with all slots free."""
        if self._free_ids:
            sid = self._free_ids.pop()
        else:
            sid = self.n_spans
            self.n_spans += 1
            if sid >= self.span_state.shape[0]:
                self._grow_spans(sid + 1)
        cap = int(self.span_slot_cap[sid])
        if cap < nelems:
            if cap:
                self._free_ranges.setdefault(cap, []).append(int(self.span_slot_base[sid]))
            cap = _range_cap(nelems)
            base = self._take_range(cap)
            self.span_slot_base[sid] = base
            self.span_slot_cap[sid] = cap
        base = int(self.span_slot_base[sid])
        self.slot_obj[base : base + cap] = -1
        self.slot_alloc[base : base + cap] = False
        self.slot_marked[base : base + cap] = False
        self.slot_span[base : base + cap] = -1
        self.slot_span[base : base + nelems] = sid
        self.span_state[sid] = state
        self.span_class[sid] = size_class
        self.span_noscan[sid] = noscan
        self.span_elem_size[sid] = elem_size
        self.span_npages[sid] = npages
        self.span_start_page[sid] = start_page
        self.span_nelems[sid] = nelems
        self.span_nalloc[sid] = 0
        self.span_nmarked[sid] = 0
        self.span_swept[sid] = True
        self.span_where[sid] = NOWHERE
        self.span_seq[sid] += 1
        self.span_freeindex[sid] = 0
        return sid

    def free_span(self, sid: int) -> None:
        """Mark the span struct dead and keep its id and slot range for reuse."""
        base, cap = int(self.span_slot_base[sid]), int(self.span_slot_cap[sid])
        self.slot_span[base : base + cap] = -1
        self.slot_alloc[base : base + cap] = False
        self.slot_obj[base : base + cap] = -1
        self.span_state[sid] = SPAN_DEAD
        self.span_nalloc[sid] = 0
        self.span_nmarked[sid] = 0
        self.span_swept[sid] = True
        self.span_where[sid] = NOWHERE
        self.span_seq[sid] += 1
        self._free_ids.append(sid)

    def _take_range(self, cap: int) -> int:
        free = self._free_ranges.get(cap)
        if free:
            return free.pop()
        base = self.n_slots
        self.n_slots += cap
        if self.n_slots > self.slot_obj.shape[0]:
            n = self.n_slots
            self.slot_obj = grow_array(self.slot_obj, n, -1)
            self.slot_alloc = grow_array(self.slot_alloc, n, False)
            self.slot_marked = grow_array(self.slot_marked, n, False)
            self.slot_span = grow_array(self.slot_span, n, -1)
        return base

    def _grow_spans(self, need: int) -> None:
        for name in (
            "span_state", "span_class", "span_noscan", "span_elem_size", "span_npages",
            "span_start_page", "span_nelems", "span_nalloc", "span_nmarked", "span_swept",
            "span_where", "span_seq", "span_freeindex", "span_slot_base", "span_slot_cap",
        ):
            fill = True if name == "span_swept" else 0
            setattr(self, name, grow_array(getattr(self, name), need, fill))

    def __deepcopy__(self, memo: dict) -> SpanTable:
        """Copy with arrays trimmed to the ids and slots handed out (cheap snapshots)."""
        import copy

        new = SpanTable.__new__(SpanTable)
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            if key.startswith("span_"):
                value = value[: self.n_spans].copy()
            elif key.startswith("slot_"):
                value = value[: self.n_slots].copy()
            else:
                value = copy.deepcopy(value, memo)
            setattr(new, key, value)
        return new

    def slot_range(self, sid: int) -> tuple[int, int]:
        """(first pool index, nelems) of a span's slots."""
        return int(self.span_slot_base[sid]), int(self.span_nelems[sid])


class SpanLists:
    """`mcentral`'s span sets for every span class: FIFO queues with lazy removal.

    Go's `spanSet` pushes at the tail and pops at the head. A span that leaves a set by
    another way (swept directly, freed) is left in the deque and skipped when popped:
    an entry is valid only while the span's `span_seq` still equals the one stored.
    """

    def __init__(self) -> None:
        self.sets: dict[tuple[int, int], deque[tuple[int, int]]] = {}

    def push(self, spans: SpanTable, spc: int, kind: int, sid: int) -> None:
        spans.span_seq[sid] += 1
        spans.span_where[sid] = kind
        self.sets.setdefault((spc, kind), deque()).append((sid, int(spans.span_seq[sid])))

    @staticmethod
    def remove(spans: SpanTable, sid: int) -> None:
        """Take a span out of whatever set holds it (its deque entry goes stale)."""
        spans.span_seq[sid] += 1
        spans.span_where[sid] = NOWHERE

    def pop(self, spans: SpanTable, spc: int, kind: int) -> int:
        """Pop the oldest valid span of a set, or -1."""
        q = self.sets.get((spc, kind))
        while q:
            sid, seq = q.popleft()
            if spans.span_seq[sid] == seq and spans.span_where[sid] == kind:
                self.remove(spans, sid)
                return sid
        return -1

    def swap_for_new_cycle(self, spans: SpanTable) -> None:
        """`sweepgen += 2`: every swept set becomes the unswept set of its class."""
        for (spc, kind), q in list(self.sets.items()):
            if kind not in (PARTIAL_SWEPT, FULL_SWEPT) or not q:
                continue
            target = PARTIAL_UNSWEPT if kind == PARTIAL_SWEPT else FULL_UNSWEPT
            dst = self.sets.setdefault((spc, target), deque())
            while q:
                sid, seq = q.popleft()
                if spans.span_seq[sid] == seq and spans.span_where[sid] == kind:
                    spans.span_where[sid] = target
                    dst.append((sid, seq))
