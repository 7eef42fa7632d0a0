"""Views of the simulated heap: the heap-map grid and the zoomed span.

The grid divides the mapped pages into rows×cols cells of equal page runs (the last
cells may be unmapped) and gives each a uint8 code (tables in `views.py`). All work is
per page or per span (numpy bincount / reduceat), never per object, except reading the
optional per-object colour array in MARK mode.

Cell rules when one cell covers several spans: SIZE_CLASS shows the class covering most
heap pages of the cell; FILL averages the fill of the heap pages (objects allocated /
nelems of their span; 2 only if empty, 10 only if full); MARK shows the most urgent
state (queued > grey > black > white > free slots). A cell with no heap page is idle (1),
or unmapped (0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np

from gomemtui.runtime.memory.spans import SPAN_IN_USE
from gomemtui.runtime.enums import GRID_IDLE, GRID_UNMAPPED, GridMode, MarkColor
from gomemtui.runtime.read.views import SpanSlot, SpanView

if TYPE_CHECKING:
    from gomemtui.runtime.memory.heap import Heap

__all__ = ["grid", "object_colors", "span_at", "span_detail"]

# Code tables (enums.py).
FILL_EMPTY, FILL_FULL = 2, 10
CLASS_BASE = 2
MARK_WHITE, MARK_GREY, MARK_BLACK, MARK_QUEUED, MARK_FREE = 2, 3, 4, 5, 6
# MARK priority (higher wins in a cell) -> code.
_MARK_BY_PRIO = np.array([GRID_IDLE, MARK_FREE, MARK_WHITE, MARK_BLACK, MARK_GREY, MARK_QUEUED], np.uint8)


def _layout(heap: Heap, rows: int, cols: int) -> tuple[int, int, int]:
    """(mapped pages, pages per cell, cells used)."""
    n_pages = heap.pages.n_pages
    cells = rows * cols
    if n_pages == 0 or cells == 0:
        return n_pages, 1, 0
    per = -(-n_pages // cells)
    return n_pages, per, -(-n_pages // per)


def _color_ids(
    heap: Heap,
    colors: np.ndarray | None,
    grey: np.ndarray | None,
    black: np.ndarray | None,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(grey ids, black ids) from whichever form was given; None = use the mark bits."""
    if colors is not None:
        c = np.asarray(colors)[: heap.n_objects]
        return np.flatnonzero(c == MarkColor.GREY), np.flatnonzero(c == MarkColor.BLACK)
    g = None if grey is None else np.asarray(grey, dtype=np.int64)
    b = None if black is None else np.asarray(black, dtype=np.int64)
    return g, b


def object_colors(
    heap: Heap,
    oids: np.ndarray,
    colors: np.ndarray | None = None,
    grey: np.ndarray | None = None,
    black: np.ndarray | None = None,
) -> np.ndarray:
    """MarkColor codes (uint8) of objects `oids` from whichever form was given.

    `colors` (per object id) wins. Otherwise objects listed in `grey` are grey, those in
    `black` black; with `black` None, other objects whose mark bit is set are black.
    """
    oids = np.asarray(oids, dtype=np.int64)
    if colors is not None:
        return np.asarray(colors)[oids].astype(np.uint8)
    if black is None:
        out = np.where(heap.obj_marked[oids], np.uint8(MarkColor.BLACK), np.uint8(MarkColor.WHITE))
    else:
        out = np.where(np.isin(oids, black), np.uint8(MarkColor.BLACK), np.uint8(MarkColor.WHITE))
    if grey is not None:
        out[np.isin(oids, grey)] = MarkColor.GREY
    return out.astype(np.uint8)


def _span_mark_prio(
    heap: Heap, grey: np.ndarray | None, black: np.ndarray | None, queued: np.ndarray | None
) -> np.ndarray:
    """MARK priority per span id (see _MARK_BY_PRIO). Work is per span plus one
    gather/bincount over the grey and black id arrays."""
    sp = heap.spans
    n = sp.n_spans
    prio = np.zeros(n, dtype=np.int8)
    inuse = sp.span_state[:n] == SPAN_IN_USE
    prio[inuse] = 1
    prio[inuse & (sp.span_nalloc[:n] > 0)] = 2

    def spans_holding(ids: np.ndarray) -> np.ndarray:
        ids = ids[heap.obj_live[ids]]
        return np.bincount(heap.obj_span[ids], minlength=n)[:n] > 0

    has_black = sp.span_nmarked[:n] > 0 if black is None else spans_holding(black)
    prio[inuse & has_black] = 3
    if grey is not None and grey.size:
        prio[inuse & spans_holding(grey)] = 4
    if queued is not None and len(queued):
        q = np.asarray(queued, dtype=np.int64)
        q = q[(q >= 0) & (q < n)]
        prio[q[inuse[q]]] = 5
    return prio


def grid(
    heap: Heap,
    rows: int,
    cols: int,
    mode: GridMode,
    colors: np.ndarray | None = None,
    queued_spans: np.ndarray | None = None,
    grey: np.ndarray | None = None,
    black: np.ndarray | None = None,
) -> np.ndarray:
    """The heap map: rows×cols uint8 cell codes (the code tables in `enums.py`).

    Cells cover equal runs of mapped pages (the module docstring says how a cell of
    several spans is coded). MARK mode colours objects by, in order of precedence:
    `colors` (uint8 per object id, MarkColor values); or `grey` / `black` (object-id
    arrays; with `black` None, other objects whose mark bit is set count as black); or,
    with none of these, the heap's mark bits (marked = black). `queued_spans` (span ids
    in Green Tea's span queue) get the "queued" code. Cost is per page and per span,
    plus one pass over the colour array if given.
    """
    mode = GridMode(mode)
    out = np.full(rows * cols, GRID_UNMAPPED, dtype=np.uint8)
    n_pages, per, used = _layout(heap, rows, cols)
    if used == 0:
        return out.reshape(rows, cols)
    sp = heap.spans
    ps = heap.pages.page_span[:n_pages]
    mapped = ps >= 0
    sid = np.where(mapped, ps, 0)
    state = np.where(mapped, sp.span_state[sid], 0)
    heap_pg = state == SPAN_IN_USE
    cell = np.arange(n_pages) // per
    n_heap = np.bincount(cell, weights=heap_pg, minlength=used)
    res = np.full(used, GRID_IDLE, dtype=np.uint8)

    if mode is GridMode.SIZE_CLASS:
        codes = np.where(heap_pg, sp.span_class[sid].astype(np.int64) + CLASS_BASE, 0)
        counts = np.bincount(cell * 71 + codes, minlength=used * 71).reshape(used, 71)
        counts[:, 0] = 0
        best = counts.argmax(axis=1).astype(np.uint8)
        res = np.where(n_heap > 0, best, GRID_IDLE).astype(np.uint8)
    elif mode is GridMode.FILL:
        nel = np.maximum(sp.span_nelems[sid], 1)
        fill = np.where(heap_pg, sp.span_nalloc[sid] / nel, 0.0)
        mean = np.bincount(cell, weights=fill, minlength=used) / np.maximum(n_heap, 1)
        level = np.rint(mean * 8)
        level = np.where((mean > 0) & (level < 1), 1, level)
        level = np.where((mean < 1) & (level > 7), 7, level)
        code = (FILL_EMPTY + level).astype(np.uint8)
        res = np.where(n_heap > 0, code, GRID_IDLE).astype(np.uint8)
    else:
        g_ids, b_ids = _color_ids(heap, colors, grey, black)
        prio_span = _span_mark_prio(heap, g_ids, b_ids, queued_spans)
        prio = np.where(mapped, prio_span[sid], 0)
        starts = np.arange(used) * per
        cell_prio = np.maximum.reduceat(prio, starts)
        res = _MARK_BY_PRIO[cell_prio]
    out[:used] = res
    return out.reshape(rows, cols)


def span_at(heap: Heap, row: int, col: int, rows: int, cols: int) -> int | None:
    """The span shown in a grid cell (the first one starting in or covering it)."""
    n_pages, per, used = _layout(heap, rows, cols)
    c = row * cols + col
    if not (0 <= row < rows and 0 <= col < cols) or c >= used:
        return None
    ps = heap.pages.page_span[c * per : min((c + 1) * per, n_pages)]
    hit = np.flatnonzero(ps >= 0)
    return int(ps[hit[0]]) if hit.size else None


def span_detail(
    heap: Heap,
    span_id: int,
    names: Callable[[int], str | None],
    colors: np.ndarray | None = None,
    queued: bool = False,
    grey: np.ndarray | None = None,
    black: np.ndarray | None = None,
) -> SpanView:
    """One span slot by slot; `names(oid)` names objects.

    Colours as in `grid`. A tiny block's slot lists the names of all its sub-objects and
    the sum of their sizes as `requested`.
    """
    sp = heap.spans
    base, ne = sp.slot_range(span_id)
    elem = int(sp.span_elem_size[span_id])
    npages = int(sp.span_npages[span_id])
    swept = bool(sp.span_swept[span_id])
    # Objects per allocated slot (a tiny block's chain of sub-objects).
    members: dict[int, list[int]] = {}
    for i in np.flatnonzero(sp.slot_alloc[base : base + ne]).tolist():
        chain = []
        cur = int(sp.slot_obj[base + i])
        while cur >= 0:
            chain.append(cur)
            cur = int(heap.obj_next[cur])
        members[i] = chain
    everyone = np.array([o for chain in members.values() for o in chain], dtype=np.int64)
    given = colors is not None or grey is not None or black is not None
    color_of = dict(zip(everyone.tolist(), object_colors(heap, everyone, colors, grey, black).tolist())) if given else {}
    slots: list[SpanSlot] = []
    internal = 0
    for i in range(ne):
        if i not in members:
            slots.append(SpanSlot(i, None, "free", 0, MarkColor.WHITE))
            continue
        chain = members[i]
        requested = int(heap.obj_size[chain].sum()) if chain else 0
        internal += elem - requested
        marked = bool(sp.slot_marked[base + i])
        color = MarkColor.BLACK if marked else MarkColor.WHITE
        if given and chain:
            cs = [color_of[o] for o in chain]
            color = (
                MarkColor.GREY if MarkColor.GREY in cs else MarkColor.BLACK if MarkColor.BLACK in cs else MarkColor.WHITE
            )
        labels = [name for name in (names(o) for o in chain) if name]
        state = "garbage" if (not swept and not marked) else "allocated"
        slots.append(SpanSlot(i, ", ".join(labels) or None, state, requested, color))
    return SpanView(
        id=span_id,
        size_class=int(sp.span_class[span_id]),
        noscan=bool(sp.span_noscan[span_id]),
        start_page=int(sp.span_start_page[span_id]),
        npages=npages,
        elem_size=elem,
        nelems=ne,
        allocated=int(sp.span_nalloc[span_id]),
        tail_waste=npages * 8192 - ne * elem,
        internal_waste=internal,
        slots=tuple(slots),
        swept=swept,
        queued=queued,
    )
