"""sync.Pool: every Put/Get/GC sequence observed in real Go 1.27.3, plus multi-P order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomemtui.runtime.values.pool import SyncPool
from gomemtui.runtime.memory.sizeclasses import alloc_size
from gomemtui.runtime.read.build import pool_view
from tests.oracle_data import load_oracle, oracle_cases


def _run(ops: list[str], has_new: bool, procs: int = 1) -> tuple[list[str], int]:
    """Play oracle ops; objects from New are numbered 1001, 1002, ... as in the oracle."""
    pool = SyncPool(procs, has_new)
    results: list[str] = []
    next_new = 1001
    for op in ops:
        if op.startswith("put:"):
            pool.put(int(op[4:]))
        elif op == "get":
            obj, source = pool.get()
            if source == "new":
                assert obj is None
                obj, next_new = next_new, next_new + 1
            results.append("nil" if obj is None else f"obj#{obj}")
        elif op == "gc":
            pool.cleanup()
        else:  # pragma: no cover - oracle format guard
            raise AssertionError(op)
    return results, pool.news


@pytest.mark.parametrize("case", oracle_cases("sync_pool"), ids=lambda c: c["name"])
def test_oracle_sequence(case: dict) -> None:
    assert load_oracle("sync_pool")["gomaxprocs"] == 1
    results, news = _run(case["ops"], case["pool_has_New"])
    assert results == case["get_results"]
    assert news == case["new_calls"]


def test_sources_and_counters() -> None:
    pool = SyncPool(1, has_new=True)
    assert pool.put(1) == "private"
    assert pool.put(2) == "shared"
    assert pool.put(None) == "nil"
    assert pool.get() == (1, "private")
    assert pool.get() == (2, "shared")
    assert pool.get() == (None, "new")
    pool.put(3)
    assert pool.cleanup() == ([], 1)
    assert pool.get() == (3, "victim")
    assert (pool.hits, pool.misses, pool.news) == (3, 1, 1)


def test_object_survives_one_gc_not_two() -> None:
    pool = SyncPool(1, has_new=False)
    pool.put(7)
    assert pool.cleanup() == ([], 1)
    assert pool.cached_objects() == [7]
    assert pool.cleanup() == ([7], 0)
    assert pool.cached_objects() == []
    assert pool.get() == (None, "nil")


def test_untouched_pool_drops_victim_at_next_gc() -> None:
    """poolCleanup only re-registers pools that were pinned since the last GC."""
    pool = SyncPool(2, has_new=True)
    pool.put(1)
    pool.put(2)
    pool.cleanup()
    dropped, to_victim = pool.cleanup()
    assert sorted(dropped) == [1, 2] and to_victim == 0


def test_multi_p_steals_other_ps_tail_starting_at_next_p() -> None:
    """getSlow: popTail of P(pid+1), P(pid+2), ... (FIFO), before the victim."""
    pool = SyncPool(4, has_new=True)
    for obj in (10, 11, 12):  # P1: private 10, shared [11, 12]
        pool.put(obj, p=1)
    for obj in (30, 31, 32):  # P3: private 30, shared [31, 32]
        pool.put(obj, p=3)
    # P2 is empty: it steals from P3 first (pid+1), oldest shared first; privates never.
    assert pool.get(p=2) == (31, "shared")
    assert pool.get(p=2) == (32, "shared")
    assert pool.get(p=2) == (11, "shared")  # then P0 (empty), then P1
    assert pool.get(p=2) == (12, "shared")
    assert pool.get(p=2) == (None, "new")  # privates of P1/P3 are not stolen
    assert pool.get(p=1) == (10, "private")


def test_multi_p_victim_only_own_private_then_all_shared_tails() -> None:
    pool = SyncPool(2, has_new=False)
    pool.put(1, p=0)
    pool.put(2, p=0)
    pool.put(3, p=1)
    pool.put(4, p=1)
    pool.put(5, p=1)
    pool.cleanup()
    # P1: victim private 3, then victim shared tails starting at P1 (4, 5), then P0's (2).
    assert [pool.get(p=1) for _ in range(4)] == [(3, "victim"), (4, "victim"), (5, "victim"), (2, "victim")]
    # P0's victim private 1 is only reachable from P0.
    assert pool.get(p=1) == (None, "nil")
    assert pool.get(p=0) == (None, "nil")  # victimSize was set to 0 by the failed getSlow


def test_victim_private_reachable_from_own_p() -> None:
    pool = SyncPool(2, has_new=False)
    pool.put(1, p=0)
    pool.cleanup()
    assert pool.get(p=0) == (1, "victim")


def test_layout_local_array_moves_to_victim_then_is_dropped() -> None:
    pool = SyncPool(4, has_new=True)
    assert pool.layout() == []
    pool.put(1)
    pool.put(2)  # shared: first poolChainElt + 8-slot dequeue
    parts = {p.identity: p for p in pool.layout()}
    roles = sorted(p.role for p in parts.values())
    assert roles == ["chain_elt", "dequeue", "local"]
    local = next(p for p in parts.values() if p.role == "local")
    assert local.size == 4 * 128 and alloc_size(local.size, local.noscan) == 512
    assert next(p for p in parts.values() if p.role == "dequeue").size == 8 * 16
    pool.cleanup()
    assert {p.identity for p in pool.layout()} == set(parts)  # same objects, now the victim
    pool.cleanup()
    assert pool.layout() == []


def test_chain_doubles_dequeues_and_unlinks_drained_tail() -> None:
    pool = SyncPool(2, has_new=False)
    for obj in range(1, 1 + 1 + 8 + 16 + 1):  # private + 8 + 16 + 1 → dequeues 8, 16, 32
        pool.put(obj, p=0)
    sizes = [p.size for p in pool.layout() if p.role == "dequeue"]
    assert sizes == [8 * 16, 16 * 16, 32 * 16]
    for _ in range(9):  # P1 steals the 8 oldest, then crosses into the next dequeue
        pool.get(p=1)
    sizes = [p.size for p in pool.layout() if p.role == "dequeue"]
    assert sizes == [16 * 16, 32 * 16]


@given(st.lists(st.sampled_from(["put", "get", "gc"]), max_size=60), st.integers(1, 4))
def test_pool_conserves_objects(ops: list[str], procs: int) -> None:
    """Every object put is either returned by a Get, still cached, or dropped by a GC."""
    pool = SyncPool(procs, has_new=True)
    put, got, dropped = [], [], []
    for i, op in enumerate(ops):
        p = i % procs
        if op == "put":
            pool.put(i, p)
            put.append(i)
        elif op == "get":
            obj, source = pool.get(p)
            if obj is not None:
                got.append(obj)
            else:
                assert source == "new"
        else:
            dropped += pool.cleanup()[0]
    assert sorted(got + dropped + pool.cached_objects()) == sorted(put)
    assert pool.hits == len(got) and pool.news == pool.misses


def test_view_names_objects_head_first() -> None:
    pool = SyncPool(1, has_new=True)
    for obj in (1, 2, 3):
        pool.put(obj)
    view = pool_view(pool, "p", "*Buf", lambda o: f"o{o}")
    assert view.local[0].private == "o1"
    assert view.local[0].shared == ("o3", "o2")  # next popHead first
    assert view.victim == () and view.cached == 3 and view.has_new
    pool.cleanup()
    view = pool_view(pool, "p", "*Buf", lambda o: f"o{o}")
    assert view.local == () and view.victim[0].private == "o1"
