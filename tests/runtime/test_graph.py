"""Reachability over the pointer graph: the numpy level walk agrees with scipy's C walk."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from gomemtui.runtime import graph
from gomemtui.runtime.graph import reachable


def scipy_reachable(src: np.ndarray, dst: np.ndarray, n: int, start: int) -> np.ndarray:
    g = csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    mask = np.zeros(n, dtype=bool)
    mask[breadth_first_order(g, start, directed=True, return_predecessors=False)] = True
    return mask


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 40))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))
    src = np.array([e[0] for e in edges], dtype=np.int64)
    dst = np.array([e[1] for e in edges], dtype=np.int64)
    return src, dst, n, draw(st.integers(0, n - 1))


@settings(max_examples=200)
@given(graphs())
def test_reachable_matches_scipy(g):
    src, dst, n, start = g
    assert np.array_equal(reachable(src, dst, n, start), scipy_reachable(src, dst, n, start))


def test_a_chain_deeper_than_the_numpy_walk_is_finished_by_scipy():
    n = graph.MAX_NUMPY_LEVELS * 3
    src, dst = np.arange(n - 1), np.arange(1, n)  # 0 → 1 → 2 → … (a linked list)
    unreached = np.array([n - 1], dtype=np.int64)  # and a node pointing into the chain
    src, dst = np.concatenate([src, unreached]), np.concatenate([dst, [5]])
    mask = reachable(src, dst, n + 1, 0)
    assert mask[:n].all() and not mask[n]
    assert np.array_equal(mask, scipy_reachable(src, dst, n + 1, 0))


def test_bfs_order_gives_predecessors():
    src, dst = np.array([3, 3, 0, 1]), np.array([0, 1, 2, 2])
    order, preds = graph.bfs_order(src, dst, 4, 3)
    assert list(order) == [3, 0, 1, 2]
    assert preds[0] == 3 and preds[1] == 3 and preds[2] == 0 and preds[3] < 0
