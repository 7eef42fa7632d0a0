"""Many keys at once put every key where one key at a time would.

`map_slots.put_round` and `map_slots.fill_new_table` are checked against plain
one-key implementations of Go's probing written here from `internal/runtime/maps`
(`(*table).PutSlot`, `(*table).uncheckedPutSlot`); `SwissMap`'s bulk insert, delete
and clear against the same operations done one key at a time, which take the model's
one-key path (`_put`, a delete of one key).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from gomemtui.runtime.types import BUILTIN_TYPES
from gomemtui.runtime.values.map_groups import CTRL_DELETED, CTRL_EMPTY, MAP_GROUP_SLOTS
from gomemtui.runtime.values.map_slots import SlotStore, fill_new_table, first_empty_or_deleted, put_round
from gomemtui.runtime.values.maps import SwissMap

INT = BUILTIN_TYPES["int"]


def _probe(h: int, mask: int):
    """probeSeq: h1, then +1, +2, +3 ... groups (mod the group count)."""
    offset, index = (h >> 7) & mask, 0
    while True:
        yield offset
        index += 1
        offset = (offset + index) & mask


def _put_slot(ctrl: bytearray, mask: int, h: int) -> tuple[int, bool]:
    """(*table).PutSlot for a key not in the table: (slot, whether it reuses a tombstone)."""
    first_deleted = -1
    for g in _probe(h, mask):
        group = ctrl[g * 8 : g * 8 + 8]
        free = [j for j in range(8) if group[j] in (CTRL_EMPTY, CTRL_DELETED)]
        if not free:
            continue
        if group[free[0]] == CTRL_DELETED:
            if first_deleted < 0:
                first_deleted = g * 8 + free[0]
            continue
        return (first_deleted, True) if first_deleted >= 0 else (g * 8 + free[0], False)
    raise AssertionError("unreachable")


def _unchecked_put_slot(ctrl: bytearray, mask: int, h: int) -> int:
    """(*table).uncheckedPutSlot: the first empty slot along the probe sequence."""
    for g in _probe(h, mask):
        for j in range(8):
            if ctrl[g * 8 + j] == CTRL_EMPTY:
                return g * 8 + j
    raise AssertionError("unreachable")


def test_first_empty_or_deleted_is_the_lowest_slot_with_the_high_bit() -> None:
    assert first_empty_or_deleted(bytes([1, 2, 3, 4, 5, 6, 7, 8])) == -1
    assert first_empty_or_deleted(bytes([1, 2, CTRL_DELETED, 4, CTRL_EMPTY, 6, 7, 8])) == 2
    assert first_empty_or_deleted(bytes([1, 2, 3, 4, 5, 6, 7, CTRL_EMPTY])) == 7
    assert first_empty_or_deleted(bytes([CTRL_EMPTY] * 8)) == 0


@pytest.mark.parametrize("seed", range(6))
def test_put_round_takes_the_slot_put_slot_takes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    store = SlotStore()
    rows, tables = [], []
    for _ in range(60):  # tables of 16..1024 slots, some full groups, tombstones and empties
        capacity = int(2 ** rng.integers(4, 11))
        row = store.take(capacity, 1)
        kind = rng.choice(3, size=capacity, p=rng.dirichlet([2, 1, 1]))
        start = np.where(kind == 0, CTRL_EMPTY, np.where(kind == 1, CTRL_DELETED, rng.integers(0, 128, capacity)))
        start[rng.integers(capacity)] = CTRL_EMPTY  # a table always has an empty slot
        groups = start.reshape(-1, MAP_GROUP_SLOTS)  # tombstones only in groups without an empty slot
        groups[(groups == CTRL_EMPTY).any(axis=1)[:, None] & (groups == CTRL_DELETED)] = CTRL_EMPTY
        store.ctrl[row, :capacity] = start.astype(np.uint8)
        store.growth_left[row] = int(rng.integers(1, 50))
        rows.append(row)
        tables.append((bytearray(store.ctrl[row, :capacity].tobytes()), capacity // 8 - 1))
    hashes = rng.integers(0, 2**63, size=len(rows), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    keys = np.arange(len(rows), dtype=np.int64) + 1000
    growth_before = store.growth_left.copy()
    slots = put_round(store, np.array(rows), keys, hashes)
    for i, (row, (ctrl, mask)) in enumerate(zip(rows, tables)):
        want, reused = _put_slot(ctrl, mask, int(hashes[i]))
        assert slots[i] == want
        assert store.ctrl[row, want] == int(hashes[i]) & 0x7F and store.keys[row, want] == keys[i]
        assert store.growth_left[row] == growth_before[row] - (0 if reused else 1)
        ctrl[want] = int(hashes[i]) & 0x7F
        assert store.ctrl[row, : len(ctrl)].tobytes() == bytes(ctrl)  # nothing else changed


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("homes", [None, 3, 12])
def test_fill_new_table_puts_entries_where_unchecked_put_slot_does(seed: int, homes: int | None) -> None:
    """Random hashes, and hashes crowded onto `homes` groups so that groups overflow."""
    rng = np.random.default_rng(seed)
    capacity = 1024
    n = capacity * 7 // 8
    hashes = rng.integers(0, 2**63, size=n, dtype=np.uint64)
    if homes is not None:
        home = rng.integers(0, homes, size=n).astype(np.uint64) * np.uint64(37) % np.uint64(capacity // 8)
        hashes = (hashes >> np.uint64(14) << np.uint64(14)) | (home << np.uint64(7)) | (hashes & np.uint64(0x7F))
    store = SlotStore()
    row = store.take(capacity, n)
    keys = np.arange(n, dtype=np.int64)
    slots = fill_new_table(store, row, keys, hashes)
    ctrl = bytearray([CTRL_EMPTY]) * capacity
    for i in range(n):
        want = _unchecked_put_slot(ctrl, capacity // 8 - 1, int(hashes[i]))
        assert slots[i] == want, i
        ctrl[want] = int(hashes[i]) & 0x7F
    assert store.ctrl[row].tobytes() == bytes(ctrl)
    assert store.used[row] == n and store.growth_left[row] == 0


def _state(m: SwissMap) -> tuple:
    return (len(m), m.hash_seed, m.global_depth, m.tombstone_possible, m.keys(), m.layout(), m.tables_view(),
            [bytes(a) for a in m.ctrl_arrays()])


def _one_at_a_time(m: SwissMap, op: str, n: int) -> list:
    events = []
    for _ in range(n):
        if op == "insert":
            events += m.insert(1)
        else:
            m.delete(1)
    return events


PLANS = [
    (None, [("insert", 20_000)]),
    (None, [("insert", 9), ("delete", 4), ("insert", 5), ("delete", 10), ("insert", 30)]),
    (5_000, [("insert", 6_000), ("delete", 5_000), ("insert", 8_000)]),
    (None, [("insert", 890), ("delete", 880), ("insert", 3_000)]),  # pruneTombstones
    (12_000, [("insert", 14_000), ("delete", 13_900), ("insert", 6_000)]),  # prunes in many tables
    (None, [("insert", 3_000), ("clear", 0), ("insert", 2_000), ("delete", 1_999), ("insert", 4_000)]),
]


@pytest.mark.parametrize("hint, plan", PLANS)
def test_bulk_operations_leave_the_map_one_key_at_a_time_leaves(hint: int | None, plan: list) -> None:
    bulk = SwissMap(INT, INT, hint, seed=3)
    single = SwissMap(INT, INT, hint, seed=3)
    for op, n in plan:
        if op == "insert":
            assert bulk.insert(n) == _one_at_a_time(single, op, n)
        elif op == "delete":
            bulk.delete(n)
            _one_at_a_time(single, op, n)
        else:
            bulk.clear()
            single.clear()
        assert _state(bulk) == _state(single), (op, n)


def test_insert_steps_end_where_the_map_grows() -> None:
    """Each step's first key made the growth it reports; the next step starts with a key
    that grows the map again (one key at a time shows the same keys growing it)."""
    bulk = SwissMap(INT, INT, None, seed=5)
    single = SwissMap(INT, INT, None, seed=5)
    growing = [k for k in range(30_000) if single.insert(1)]
    starts = []
    left = 30_000
    while left:
        keys, events = bulk.insert_step(left)
        if events:
            starts.append(keys.start)
        left -= len(keys)
    assert starts == growing


def test_a_checkpoint_copy_is_independent_and_plays_on_alike() -> None:
    m = SwissMap(INT, INT, None, seed=9)
    m.insert(20_000)
    m.delete(5_000)
    saved = copy.deepcopy(m)
    before = _state(m)
    m.insert(10_000)
    assert _state(saved) == before  # the copy kept the state it was taken in
    saved.insert(10_000)
    assert _state(saved) == _state(m)
