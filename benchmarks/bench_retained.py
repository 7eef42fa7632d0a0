"""Retained bytes (the read side's dominator tree) at scale. Prints figures; asserts nothing.

    python benchmarks/bench_retained.py           # 1M objects, 1,000 goroutines
    python benchmarks/bench_retained.py --small   # 100k objects, 100 goroutines

Cases: a 1M-node linked list held by one variable (one chain as deep as the heap), a
doubly linked one (every node a join: the dominator search's worst common case), a 1M-node
binary tree (shallow: numpy level by level), and 1,000 leaked goroutines each holding its own buffer (one pass for all of them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.read.retention import retention
from gomemtui.runtime.timeline import Timeline
from gomemtui.runtime.types import GoType
from gomemtui.scenario import load_program

NODE = GoType("Node", 16, True, ("next", "prev"))


def _fresh(rt: Runtime) -> float:
    rt.read_cache.clear()
    start = time.perf_counter()
    retention(rt)
    return time.perf_counter() - start


def tree_heap(n: int) -> Runtime:
    """n nodes in a complete binary tree (node i points to 2i+1 and 2i+2): 20 levels."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=4))
    r.apply(ops.Repeat(ops.New("node", NODE), n))
    first = int(r.state.vars["node"].oid) - (n - 1)
    i = np.arange(n, dtype=np.int64)
    base = r.slots.obj_base[first + i]
    left, right = 2 * i + 1, 2 * i + 2
    r.slots.slot_dst[base[left < n]] = first + left[left < n]
    r.slots.slot_dst[base[right < n] + 1] = first + right[right < n]
    r.state.vars["node"].oid = first
    return r


def list_heap(n: int, doubly: bool) -> Runtime:
    """n nodes linked by next (and prev when `doubly`), the first held by main's `node`."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=4))
    r.apply(ops.Repeat(ops.New("node", NODE), n))
    first = int(r.state.vars["node"].oid) - (n - 1)
    oids = np.arange(first, first + n, dtype=np.int64)
    base = r.slots.obj_base[oids]
    r.slots.slot_dst[base[:-1]] = oids[1:]
    if doubly:
        r.slots.slot_dst[base[1:] + 1] = oids[:-1]
    r.state.vars["node"].oid = first
    return r


def goroutines(k: int) -> Runtime:
    text = '[scenario]\ntitle = "b"\n[source]\ncode = "package main"\n'
    text += "".join(f'[[goroutine]]\nname = "w{i}"\n' for i in range(k))
    for i in range(k):
        text += (f'[[step]]\nline = 1\ndo = "go"\ngoroutine = "w{i}"\n'
                 f'[[step]]\nline = 1\nin = "w{i}"\ndo = "make_slice"\nvar = "buf"\nelem = "byte"\nlen = 4096\n'
                 f'[[step]]\nline = 1\nin = "w{i}"\ndo = "block"\n')
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.toml"
        path.write_text(text)
        timeline = Timeline(load_program(path, env={}))
    while not timeline.at_end:
        timeline.step()
    return timeline.runtime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    n = 100_000 if args.small else 1_000_000
    k = 100 if args.small else 1000
    for doubly in (False, True):
        rt = list_heap(n, doubly)
        seconds = min(_fresh(rt) for _ in range(2))
        what = "doubly linked (every node a join)" if doubly else "singly linked (one deep chain)"
        print(f"retained bytes, {n:,}-node list, {what}: {seconds:.2f} s "
              f"(node retains {retention(rt).by_var['node']:,} B)")
    rt = tree_heap(n)
    seconds = min(_fresh(rt) for _ in range(2))
    print(f"retained bytes, {n:,}-node binary tree (shallow): {seconds:.2f} s "
          f"(node retains {retention(rt).by_var['node']:,} B)")
    rt = goroutines(k)
    seconds = min(_fresh(rt) for _ in range(3))
    figures = retention(rt).by_goroutine
    print(f"retained bytes, {k:,} leaked goroutines: {seconds * 1000:.1f} ms "
          f"(each retains {sorted(set(figures[f'w{i}'] for i in range(k)))} B)")


if __name__ == "__main__":
    main()
