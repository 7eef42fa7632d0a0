"""Retained bytes: what dropping one reference would free at the next GC, for every
variable, goroutine and object at once.

The collector keeps what its roots reach (`gcMarkRootPrepare`: data+bss, then every live
goroutine's stack). An object is freed once no root path reaches it, so what a variable or
goroutine *alone* keeps alive is exactly what it dominates in the graph

    super-root → globals (data+bss) → global variables, pools without a live variable
    super-root → stack of g (each live goroutine) → g's variables, and the sudog of a
               goroutine parked on a channel (→ the channel and the value it sends)
    variable → the heap objects it points to (a map's every table, group and directory;
               a pool's poolLocal arrays, chain dequeues and cached objects)
    object → object (pointer slots)

One dominator tree over that graph (Cooper, Harvey and Kennedy, "A Simple, Fast Dominance
Algorithm", 2001) answers every question in one pass: the retained bytes of a node are the
HeapAlloc bytes of the objects in its dominator subtree. A node with one reachable
predecessor is dominated by it directly, so the iterative algorithm only visits the nodes
with two or more — in a heap built of slices, maps and lists, a few.

A goroutine's own stack is not a heap object: `GoroutineView.stack_size` says it beside
the heap bytes counted here (HeapAlloc does not count stacks; StackInuse does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gomemtui.runtime.values.variables import NIL

if TYPE_CHECKING:
    from gomemtui.runtime.core import Runtime

__all__ = ["Retention", "dominators", "retention", "subtree_sums"]

UNREACHED = -1
"""`idom` of a node no root reaches."""


def dominators(src: np.ndarray, dst: np.ndarray, n_nodes: int, root: int
               ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray] | None]:
    """The immediate dominator of every node and the breadth-first order from `root`.

    Args:
        src: Edge sources.
        dst: Edge targets (duplicate edges are harmless).
        n_nodes: Node ids are 0..n_nodes-1.
        root: The start node.

    Returns:
        (idom, order, levels): `idom[v]` is v's immediate dominator (`idom[root] == root`,
        `UNREACHED` for a node `root` does not reach); `order` lists the reached nodes,
        each after its dominators; `levels` are the breadth-first levels (None for a
        graph deeper than `MAX_NUMPY_LEVELS`, walked by scipy).
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    order, parent, levels = _bfs(src, dst, n_nodes, root)
    idom = np.full(n_nodes, UNREACHED, dtype=np.int64)
    idom[order] = parent[order]
    idom[root] = root
    rank = np.full(n_nodes, n_nodes, dtype=np.int64)
    rank[order] = np.arange(len(order))
    # Edges among reached nodes, once each; a node with one predecessor is dominated by it.
    reached = (rank[src] < n_nodes) & (dst != root)
    pairs = np.sort(dst[reached] * n_nodes + src[reached])  # one key per edge: sorted by target
    if pairs.size:
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]  # duplicate edges once
    preds_of, preds = pairs // n_nodes, pairs % n_nodes
    indegree = np.bincount(preds_of, minlength=n_nodes)
    joins = np.flatnonzero(indegree >= 2)
    if joins.size == 0:
        return idom, order, levels
    joins = joins[np.argsort(rank[joins], kind="stable")]
    starts = np.searchsorted(preds_of, joins).tolist()
    ends = (np.asarray(starts, dtype=np.int64) + indegree[joins]).tolist()
    pred_list = preds.tolist()
    # Cooper–Harvey–Kennedy over the join nodes, in breadth-first order: every node comes
    # after its dominators, so the finger with the larger rank is the one to move up.
    dom = idom.tolist()
    rk = rank.tolist()
    work = [(v, pred_list[a:b]) for v, a, b in zip(joins.tolist(), starts, ends)]
    changed = True
    while changed:
        changed = False
        for v, ps in work:
            new = dom[v]
            for p in ps:
                a, b = p, new
                while a != b:
                    while rk[a] > rk[b]:
                        a = dom[a]
                    while rk[b] > rk[a]:
                        b = dom[b]
                new = a
            if new != dom[v]:
                dom[v] = new
                changed = True
    return np.asarray(dom, dtype=np.int64), order, levels


def _bfs(src: np.ndarray, dst: np.ndarray, n_nodes: int, root: int
         ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray] | None]:
    """Breadth-first order and each reached node's parent: level by level with numpy (no
    scipy import for a view: architecture.md's first-frame rule), scipy's C walk for a
    graph deeper than `MAX_NUMPY_LEVELS`."""
    from gomemtui.runtime.graph import MAX_NUMPY_LEVELS, _csr, bfs_order

    parent = np.full(n_nodes, -9999, dtype=np.int64)
    seen = np.zeros(n_nodes, dtype=bool)
    seen[root] = True
    indptr, indices = _csr(src, dst, n_nodes)
    frontier = np.array([root], dtype=np.int64)
    levels = [frontier]
    for _ in range(MAX_NUMPY_LEVELS):
        begin, end = indptr[frontier], indptr[frontier + 1]
        counts = end - begin
        total = int(counts.sum())
        if total == 0:
            return np.concatenate(levels), parent, levels
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        successors = indices[np.repeat(begin, counts) + offsets]
        sources = np.repeat(frontier, counts)
        new = ~seen[successors]
        fresh, first = np.unique(successors[new], return_index=True)
        if fresh.size == 0:
            return np.concatenate(levels), parent, levels
        seen[fresh] = True
        parent[fresh] = sources[new][first]
        levels.append(fresh)
        frontier = fresh
    order, parent = bfs_order(src, dst, n_nodes, root)  # deep: scipy's C walk
    return order, parent, None


def subtree_sums(idom: np.ndarray, order: np.ndarray, weight: np.ndarray,
                 levels: list[np.ndarray] | None = None) -> np.ndarray:
    """Each node's weight plus its dominator-tree descendants' (nodes `order` leaves out: 0).

    With the breadth-first `levels`, level by level in numpy: a node's dominators lie on
    its breadth-first path, so the tree is no deeper than the levels and a node's depth is
    its immediate dominator's plus one, known from an earlier level. Without them (a deep
    graph, a long list), node by node, children after parents in `order`.
    """
    total = np.zeros(len(idom), dtype=np.int64)
    total[order] = weight[order]
    if len(order) <= 1:
        return total
    if levels is None:
        acc = total.tolist()
        par = idom.tolist()
        for v in order[:0:-1].tolist():
            acc[par[v]] += acc[v]
        return np.asarray(acc, dtype=np.int64)
    depth = np.zeros(len(idom), dtype=np.int64)
    for level in levels[1:]:
        depth[level] = depth[idom[level]] + 1
    nodes = order[1:]
    by_depth = nodes[np.argsort(-depth[nodes], kind="stable")]
    d = depth[by_depth]
    bounds = np.flatnonzero(np.diff(d)) + 1
    for group in np.split(by_depth, bounds):
        np.add.at(total, idom[group], total[group])
    return total


@dataclass(frozen=True)
class Retention:
    """Retained heap bytes of every variable, goroutine and heap object at one moment."""

    generation: int
    """The runtime generation these figures are for."""
    by_var: dict[str, int]
    """Variable name → heap bytes only it keeps alive."""
    by_goroutine: dict[str, int]
    """Live goroutine → heap bytes only its stack keeps alive."""
    by_object: np.ndarray
    """Heap object id → bytes only it keeps alive (itself included; 0 when unreachable)."""


def _sent_from_stack(state: Any, src_parts: list[np.ndarray], dst_parts: list[np.ndarray], n: int) -> None:
    """A parked sender's `sudog.elem` points at the value in its own stack frame
    (`chansend`'s `ep`): when a variable of that goroutine holds the value sent, the
    variable is what keeps it alive, so the sudog's edge to it is left out (`ch <- buf`:
    buf retains its array)."""
    held: dict[str, set[int]] = {}
    for var in state.vars.values():
        if var.owner is not None:
            held.setdefault(var.owner, set()).update(state.var_objects(var))
    value_of = {w.sudog: w.value for ch in state.chans.values() for w in ch.sendq
                if w.value != NIL and w.value in held.get(w.goroutine, ())}
    if not value_of or not src_parts:
        return
    lookup = np.full(n, -2, dtype=np.int64)
    lookup[np.fromiter(value_of.keys(), dtype=np.int64)] = np.fromiter(value_of.values(), dtype=np.int64)
    src, dst = src_parts[0], dst_parts[0]
    keep = lookup[src] != dst
    src_parts[0], dst_parts[0] = src[keep], dst[keep]


def retention(rt: Runtime) -> Retention:
    """The dominator tree of the heap graph with its roots, summed (cached per generation)."""
    cached = rt.read_cache.get("retention")
    if isinstance(cached, Retention) and cached.generation == rt.generation:
        return cached
    n = rt.heap.n_objects
    state = rt.state
    src_parts: list[np.ndarray] = []
    dst_parts: list[np.ndarray] = []
    obj_src, obj_dst = rt.slots.edges()
    keep = (obj_src < n) & (obj_dst < n)
    src_parts.append(obj_src[keep])
    dst_parts.append(obj_dst[keep])
    super_root, globals_node = n, n + 1
    names: list[str] = []
    goroutines = [g.name for g in state.goroutines.values() if g.state != "dead"]
    g_node = {g: n + 2 + i for i, g in enumerate(goroutines)}
    next_node = n + 2 + len(goroutines)
    extra_src: list[int] = [super_root] * (1 + len(goroutines))
    extra_dst = [globals_node] + [g_node[g] for g in goroutines]
    var_node: dict[str, int] = {}
    held_pools: set[int] = set()
    for var in state.vars.values():
        node = next_node
        next_node += 1
        var_node[var.name] = node
        names.append(var.name)
        holder = globals_node if var.owner is None else g_node.get(var.owner)
        if holder is None:
            continue
        extra_src.append(holder)
        extra_dst.append(node)
        objs = list(state.var_objects(var))
        if var.kind == "pool" and var.pool_id is not None:
            held_pools.add(var.pool_id)
            model = state.pools[var.pool_id].model
            objs.extend(model.cached_objects())
            objs.extend(model.heap_objects.values())
        extra_src.extend([node] * len(objs))
        extra_dst.extend(objs)
    for ch in state.chans.values():  # a goroutine parked on a channel holds its sudog (g.waiting)
        for w in (*ch.sendq, *ch.recvq):
            if w.goroutine in g_node:
                extra_src.append(g_node[w.goroutine])
                extra_dst.append(w.sudog)
    _sent_from_stack(state, src_parts, dst_parts, n)
    globals_objs: list[int] = []
    for rec in state.pools.values():  # a pool no variable holds: still in sync.allPools
        if rec.id not in held_pools:
            globals_objs.extend(rec.model.cached_objects())
            globals_objs.extend(rec.model.heap_objects.values())
    globals_objs.extend(state.special_roots()[0])  # finalizers', cleanups' and weak handles' roots
    registry = list(state.all_pools.heap_objects.values())  # the allPools / oldPools arrays
    pool_vars = [v for v in state.vars.values() if v.kind == "pool"]
    if len(state.pools) == 1 and len(pool_vars) == 1:
        # One pool: the registry's arrays exist for it alone (pinSlow appended it), and the
        # clearpools after it is dropped frees them with it.
        extra_src.extend([var_node[pool_vars[0].name]] * len(registry))
        extra_dst.extend(registry)
    else:
        globals_objs.extend(registry)
    extra_src.extend([globals_node] * len(globals_objs))
    extra_dst.extend(globals_objs)
    src = np.concatenate(src_parts + [np.asarray(extra_src, dtype=np.int64)])
    dst = np.concatenate(dst_parts + [np.asarray(extra_dst, dtype=np.int64)])
    valid = (dst >= 0) & (dst != NIL)
    src, dst = src[valid], dst[valid]
    # Only the nodes an edge names take part: a heap of a million slots, most of them
    # garbage, costs what its live graph costs. Sorted ids keep objects first and every
    # walk in the same order as over the full id space.
    ids, inverse = np.unique(np.concatenate([np.array([super_root], dtype=np.int64), src, dst]),
                             return_inverse=True)
    m = len(src)
    idom, order, levels = dominators(inverse[1:1 + m], inverse[1 + m:], len(ids),
                                     int(np.searchsorted(ids, super_root)))
    weight = np.zeros(len(ids), dtype=np.int64)
    heap_ids = ids[ids < n]
    if heap_ids.size:
        alive = np.asarray(rt.heap.obj_live[heap_ids], dtype=bool)
        weight[np.flatnonzero(alive)] = rt.heap.object_bytes_array(heap_ids[alive])
    total = subtree_sums(idom, order, weight, levels)
    by_object = np.zeros(n, dtype=np.int64)
    by_object[heap_ids] = total[:heap_ids.size]

    def node_total(node: int) -> int:
        at = int(np.searchsorted(ids, node))
        return int(total[at]) if at < len(ids) and ids[at] == node else 0

    result = Retention(
        generation=rt.generation,
        by_var={name: node_total(node) for name, node in var_node.items()},
        by_goroutine={g: node_total(node) for g, node in g_node.items()},
        by_object=by_object,
    )
    rt.read_cache["retention"] = result
    return result
