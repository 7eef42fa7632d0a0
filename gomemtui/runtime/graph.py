"""Walks over the heap's pointer graph: which objects a set of roots reaches, and in what order.

Edges are given as two arrays (`src[i]` points to `dst[i]`) over node ids 0..n_nodes-1.
The breadth-first *order* (which the mark phase and "why is this alive?" depend on) comes
from scipy's C implementation. Mere reachability, computed for every frame's goroutine
panel, is done level by level with numpy first: scipy takes a third of a second to
import, and most heaps are shallow. A deep graph (a long linked list) hands over to scipy.
"""

from __future__ import annotations

import numpy as np

MAX_NUMPY_LEVELS = 64
"""Levels walked with numpy before a deep graph is handed to scipy's C walk."""


def _csr(src: np.ndarray, dst: np.ndarray, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """(indptr, indices): each node's successors, contiguous."""
    order = np.argsort(src, kind="stable")
    indices = dst[order]
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n_nodes), out=indptr[1:])
    return indptr, indices


def bfs_order(src: np.ndarray, dst: np.ndarray, n_nodes: int, start: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Breadth-first order from `start` and each node's predecessor (-9999 when unreached).

    The same as `scipy.sparse.csgraph.breadth_first_order` on the graph of these edges
    (duplicate edges are harmless).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import breadth_first_order

    graph = csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n_nodes, n_nodes))
    return breadth_first_order(graph, start, directed=True, return_predecessors=True)


def reachable(src: np.ndarray, dst: np.ndarray, n_nodes: int, start: int) -> np.ndarray:
    """A boolean mask of the nodes reachable from `start` (itself included)."""
    seen = np.zeros(n_nodes, dtype=bool)
    seen[start] = True
    if len(src) == 0:
        return seen
    indptr, indices = _csr(np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), n_nodes)
    frontier = np.array([start], dtype=np.int64)
    for _ in range(MAX_NUMPY_LEVELS):
        begin, end = indptr[frontier], indptr[frontier + 1]
        counts = end - begin
        total = int(counts.sum())
        if total == 0:
            return seen
        # positions begin[i] .. end[i]-1 of every frontier node, as one flat array
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        successors = indices[np.repeat(begin, counts) + offsets]
        fresh = np.unique(successors[~seen[successors]])
        if fresh.size == 0:
            return seen
        seen[fresh] = True
        frontier = fresh
    order, _ = bfs_order(src, dst, n_nodes, start)  # deep: let the C walk finish it
    seen[order] = True
    return seen


def preload() -> None:
    """Import scipy now (for a caller with idle time), so the first GC does not wait for it."""
    import scipy.sparse.csgraph  # noqa: F401
