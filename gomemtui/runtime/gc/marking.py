"""Tri-color marking of one GC cycle, in units of work the UI can step through.

How it maps to Go (`runtime/mgc.go`, `mgcmark.go`, `mgcmark_greenteagc.go`):

* At the start of mark (`gcStart` → `gcPrepareMarkRoots`) the collector's work is the
  root jobs — the data/BSS segments (globals, including `allPools`), then each
  goroutine's stack (`markroot`, `scanstack`) — and then the heap objects reachable
  from them. A root job shades (greys) the objects it points to.
* Grey = marked and waiting to be scanned; black = marked and scanned; white =
  unmarked. Objects allocated while marking are black at once (`gcmarknewobject`).
* Green Tea (Go 1.27 default): greying an object of 16..512 B sets its bit in its
  span's inline mark bits and queues the *span*; scanning a span scans all of its
  newly marked objects together. Other objects (8 B, > 512 B, large) take the classic
  per-object path (`greyobject`, a LIFO work buffer).
* The hybrid write barrier (`mbarrier.go`) shades both the overwritten and the written
  pointer of every pointer write while marking.

Simplification, said in the UI too: the graph is walked breadth-first from a snapshot
taken when mark starts (the snapshot-at-the-beginning that the deletion barrier
guarantees), so objects that become unreachable during mark still survive the cycle
(floating garbage), as in Go. Go scans a goroutine's stack at some point during mark
and may then not retain objects a stack dropped earlier; the snapshot keeps them, so
gomemtui's floating garbage is an upper bound. The order in which real workers reach
objects depends on scheduling; the order here (breadth-first, spans grouped for Green
Tea when stepping unit by unit) is one valid order, and what ends up marked does not
depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gomemtui.runtime.graph import bfs_order
from gomemtui.units import format_exact

OBJECT_MARK_COST = 16
"""Work (in bytes-equivalent) to mark and enqueue one object, besides scanning it."""


@dataclass
class RootJob:
    """One root to scan: globals, a goroutine's stack, or sync.Pool caches."""

    label: str
    work: int
    """Bytes scanned (stack bytes in use, data+bss size)."""
    oids: np.ndarray
    """Heap objects this root points to."""
    done: bool = False
    heap: bool = False
    """Its work is heap scan work (`heapScanWork`), not root work: the runtime's start-up
    heap objects, which the simulated heap does not hold, are scanned as one job."""


@dataclass
class MarkUnit:
    """What one unit of mark work did, for the event log."""

    text: str
    work: int
    scanned: int
    shaded: int


@dataclass
class MarkState:
    """The mark progress of the running cycle."""

    order: np.ndarray
    """Object ids reachable at mark start, breadth-first from the roots."""
    pred_pos: np.ndarray
    """Position (in `order`) of the object that first reached each one; -1 for roots."""
    pos: np.ndarray
    """Object id → position in `order`, -1 if unreachable at mark start."""
    work: np.ndarray
    """Work to scan each position."""
    cumwork: np.ndarray
    small: np.ndarray
    """Position takes Green Tea's span path (16..512 B objects)."""
    span: np.ndarray
    """Span of each position."""
    roots: list[RootJob]
    n_root_positions: int
    scanned: np.ndarray
    shaded: np.ndarray
    cursor: int = 0
    """Every position before it is scanned."""
    frontier: int = 0
    """Every non-root position before it has a scanned predecessor (is discovered)."""
    work_done: int = 0
    black_allocs: int = 0
    black_alloc_bytes: int = 0
    extra: dict = field(default_factory=dict)
    cross_src: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    """Positions of the pointers that are not breadth-first tree edges (a second path to an
    object), sorted; with `cross_dst`, the positions they point to."""
    cross_dst: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    next_root: int = 0
    """Every root job before it is done (they are scanned in order)."""
    roots_work_done: int = 0
    """Work of the root jobs done so far (10,000 goroutines are 10,000 jobs: kept, not summed)."""
    roots_work_total: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.roots_work_total = sum(job.work for job in self.roots)

    # -- queries ------------------------------------------------------------------

    @property
    def total_work(self) -> int:
        return int(self.cumwork[-1]) if len(self.cumwork) else 0

    @property
    def root_work(self) -> int:
        """Stack and globals scan work (jobs of heap objects excluded)."""
        return sum(job.work for job in self.roots if not job.heap)

    def discovered_mask(self) -> np.ndarray:
        """Positions marked (grey or black)."""
        mask = self.shaded.copy()
        start = self.n_root_positions
        mask[start : max(start, self.frontier)] = True
        return mask

    def grey_positions(self) -> np.ndarray:
        return np.flatnonzero(self.discovered_mask() & ~self.scanned)

    def complete(self) -> bool:
        """No root job left and no grey object: mark termination may begin."""
        if self.next_root < len(self.roots):
            return False
        return not bool((self.discovered_mask() & ~self.scanned).any())

    def remaining_work(self) -> int:
        left_roots = self.roots_work_total - self.roots_work_done
        return left_roots + int(self.work[~self.scanned].sum())

    # -- progress -------------------------------------------------------------------

    def _shade_positions(self, positions: np.ndarray) -> np.ndarray:
        """Mark positions grey; returns those that were white."""
        if len(positions) == 0:
            return positions
        fresh = positions[~self.discovered_mask()[positions]]
        self.shaded[fresh] = True
        return fresh

    def shade_objects(self, oids: np.ndarray) -> np.ndarray:
        """Grey these objects if they are white (write barrier, root scan); returns their ids."""
        oids = np.asarray(oids, dtype=np.int64)
        oids = oids[(oids >= 0) & (oids < len(self.pos))]
        positions = self.pos[oids]
        positions = positions[positions >= 0]
        return self.order[self._shade_positions(positions)]

    def _children_of(self, positions: np.ndarray) -> np.ndarray:
        """Positions first reached from `positions` (contiguous blocks in BFS order)."""
        tail = self.pred_pos[self.n_root_positions :]
        lo = np.searchsorted(tail, positions, side="left") + self.n_root_positions
        hi = np.searchsorted(tail, positions, side="right") + self.n_root_positions
        sizes = hi - lo
        if sizes.sum() == 0:
            return np.empty(0, dtype=np.int64)
        starts = np.repeat(lo - np.cumsum(sizes) + sizes, sizes)
        return starts + np.arange(int(sizes.sum()))

    def scan_positions(self, positions: np.ndarray) -> tuple[int, np.ndarray]:
        """Scan grey positions (out of order); returns work and newly greyed object ids."""
        positions = positions[~self.scanned[positions]]
        self.scanned[positions] = True
        work = int(self.work[positions].sum())
        self.work_done += work
        children = self._children_of(positions)
        if len(self.cross_src):
            # Scanning greys every object the scanned ones point to (`scanobject` →
            # `greyobject`), not only those first reached from them: a batch scanned out of
            # order (a Green Tea span) may hold an object whose target's first finder is
            # still grey, and a black object never points to a white one.
            lo = np.searchsorted(self.cross_src, positions, side="left")
            hi = np.searchsorted(self.cross_src, positions, side="right")
            sizes = hi - lo
            if sizes.sum():
                starts = np.repeat(lo - np.cumsum(sizes) + sizes, sizes)
                extra = self.cross_dst[starts + np.arange(int(sizes.sum()))]
                children = np.unique(np.concatenate([children, extra]))
        fresh = self._shade_positions(children)
        self._advance_cursor()
        return work, self.order[fresh]

    def _advance_cursor(self) -> None:
        n = len(self.order)
        while self.cursor < n and self.scanned[self.cursor]:
            # Skip a run of already scanned positions quickly.
            unscanned = np.flatnonzero(~self.scanned[self.cursor :])
            self.cursor = n if len(unscanned) == 0 else self.cursor + int(unscanned[0])
        tail = self.pred_pos[self.n_root_positions :]
        self.frontier = max(
            self.frontier,
            self.n_root_positions + int(np.searchsorted(tail, self.cursor, side="left")),
        )

    def do_root_job(self) -> tuple[RootJob, np.ndarray] | None:
        """Scan the next root; returns it and the objects it greyed."""
        if self.next_root >= len(self.roots):
            return None
        job = self.roots[self.next_root]
        self.next_root += 1
        job.done = True
        self.work_done += job.work
        self.roots_work_done += job.work
        return job, self.shade_objects(job.oids)

    def drain(self, budget: int) -> int:
        """Do up to `budget` bytes of work in order (roots first); returns work done.

        Scanning a prefix of the breadth-first order is always valid: every object's
        predecessor comes before it, so it is grey when its turn comes.
        """
        done = 0
        while done < budget:
            job = self.do_root_job()
            if job is None:
                break
            done += job[0].work
        if done >= budget or self.cursor >= len(self.order):
            return done
        start = self.cursor
        base = int(self.cumwork[start - 1]) if start > 0 else 0
        stop = int(np.searchsorted(self.cumwork, base + (budget - done), side="left")) + 1
        stop = min(stop, len(self.order))
        # Only scan positions that are grey by now (the prefix is, once roots are done).
        block = np.arange(start, stop)
        already = self.scanned[block]
        work = int(self.work[block][~already].sum())
        self.scanned[block] = True
        self.work_done += work
        done += work
        self._advance_cursor()
        return done

    def finish(self) -> int:
        """Do all remaining work; returns it."""
        left = self.remaining_work()
        self.drain(left + 1)
        # Anything greyed out of order whose block lies past the cursor is done by now.
        if not self.complete():  # pragma: no cover - defensive, drain covers all
            self.scanned[:] = True
        return left

    def marked_positions(self) -> np.ndarray:
        return np.flatnonzero(self.discovered_mask())


def build_mark_state(
    n_objects: int,
    edge_src: np.ndarray,
    edge_dst: np.ndarray,
    roots: list[RootJob],
    work_per_object: np.ndarray,
    span_of: np.ndarray,
    small_of: np.ndarray,
) -> MarkState:
    """Snapshot the object graph at mark start and order it breadth-first from the roots.

    Args:
        n_objects: object ids issued so far.
        edge_src, edge_dst: every pointer between live objects.
        roots: the root jobs, in the order they will be scanned.
        work_per_object: scan work of each object id.
        span_of: span id of each object id.
        small_of: whether each object takes Green Tea's span path.
    """
    root_oids = (
        np.unique(np.concatenate([job.oids for job in roots]))
        if roots
        else np.empty(0, dtype=np.int64)
    )
    root_oids = root_oids[(root_oids >= 0) & (root_oids < n_objects)]
    super_root = n_objects
    src = np.concatenate([np.full(len(root_oids), super_root, dtype=np.int64), edge_src])
    dst = np.concatenate([root_oids, edge_dst])
    order, preds = bfs_order(src, dst, n_objects + 1, super_root)
    order = order[1:].astype(np.int64)  # drop the super root
    pos = np.full(n_objects + 1, -1, dtype=np.int64)
    pos[order] = np.arange(len(order))
    pred = preds[order]
    pred_pos = np.where(pred == super_root, -1, pos[np.where(pred < 0, super_root, pred)])
    n_roots = int((pred == super_root).sum())
    work = work_per_object[order].astype(np.int64)
    cross_src, cross_dst = _cross_edges(pos, pred_pos, edge_src, edge_dst)
    return MarkState(
        order=order,
        pred_pos=pred_pos.astype(np.int64),
        pos=pos[:n_objects],
        work=work,
        cumwork=np.cumsum(work),
        small=small_of[order],
        span=span_of[order],
        roots=roots,
        n_root_positions=n_roots,
        scanned=np.zeros(len(order), dtype=bool),
        shaded=np.zeros(len(order), dtype=bool),
        cross_src=cross_src,
        cross_dst=cross_dst,
    )


def _cross_edges(pos: np.ndarray, pred_pos: np.ndarray, edge_src: np.ndarray,
                 edge_dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pointers between reachable objects that are not the breadth-first tree's (the
    tree's are found by `pred_pos`), as (source, target) positions sorted by source."""
    if len(edge_src) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    src = pos[np.asarray(edge_src, dtype=np.int64)]
    dst = pos[np.asarray(edge_dst, dtype=np.int64)]
    keep = (src >= 0) & (dst >= 0)
    src, dst = src[keep], dst[keep]
    keep = pred_pos[dst] != src
    src, dst = src[keep], dst[keep]
    order = np.argsort(src, kind="stable")
    return src[order].astype(np.int64), dst[order].astype(np.int64)


def one_unit(state: MarkState, green_tea: bool, name) -> MarkUnit | None:
    """Do one unit of mark work: a root, a span (Green Tea) or one object.

    Args:
        state: the running cycle's mark state.
        green_tea: whether small objects take the span path.
        name: a function giving an object's display name.
    """
    job = state.do_root_job()
    if job is not None:
        root, greyed = job
        return MarkUnit(
            f"scanned root {root.label}, {format_exact(root.work)}: {len(greyed)} object(s) greyed",
            root.work,
            0,
            len(greyed),
        )
    grey = state.grey_positions()
    if len(grey) == 0:
        return None
    first = int(grey[0])
    if green_tea and state.small[first]:
        span = state.span[first]
        batch = grey[(state.span[grey] == span) & state.small[grey]]
        work, greyed = state.scan_positions(batch)
        return MarkUnit(
            f"Green Tea: dequeued span {int(span)} and scanned its {len(batch)} marked "
            f"object(s) together, {format_exact(work)}; {len(greyed)} greyed",
            work,
            len(batch),
            len(greyed),
        )
    work, greyed = state.scan_positions(np.array([first]))
    return MarkUnit(
        f"scanned object {name(int(state.order[first]))}, {format_exact(work)}; {len(greyed)} greyed",
        work,
        1,
        len(greyed),
    )
