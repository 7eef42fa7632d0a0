"""The control bytes and keys of every group of a map, in numpy arrays.

A `SlotStore` holds one *row* of `MAX_TABLE_CAPACITY` slots per live table (the small
group uses the first 8 slots of its row): the control byte and the key of each slot,
and per row the table's `used`, `growthLeft` and group mask. A checkpoint of the
simulator then copies a few arrays, not one Python object per key, and an insert,
delete or clear of many keys runs as array operations over all the tables it touches.

The functions below are the probing of `internal/runtime/maps` done for many keys at
once, each giving exactly the slots the one-key-at-a-time code would:

* `put_round`: `(*table).PutSlot` for keys that go to distinct tables (so no key's
  probing depends on another's), each table having growth left.
* `fill_new_table`: `(*table).uncheckedPutSlot` of every entry a `(*table).grow`,
  `(*table).split` or `(*Map).growToTable` moves into a table that was just made.

Keys are the simulator's abstract keys (the n-th key inserted is n); hashes are the
splitmix64 mix of `hash_keys`, the same as `SwissMap.hash` one key at a time.
"""

from __future__ import annotations

import numpy as np

from gomemtui.runtime.values.map_groups import CTRL_DELETED, CTRL_EMPTY, MAP_GROUP_SLOTS, MAX_TABLE_CAPACITY

__all__ = ["SlotStore", "fill_new_table", "hash_keys", "put_round", "stable_rank"]

_GROUP = np.arange(MAP_GROUP_SLOTS, dtype=np.int64)
_H2_MASK = np.uint64(0x7F)


def hash_keys(keys: np.ndarray, seed: int) -> np.ndarray:
    """64-bit hashes of `keys` under `seed` (splitmix64's finaliser, wrapping in uint64)."""
    z = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(seed)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def h1_of(hashes: np.ndarray) -> np.ndarray:
    """`h1(hash)`: the hash without its 7 low bits (where probing starts), as int64."""
    return (hashes >> np.uint64(7)).astype(np.int64)


def h2_of(hashes: np.ndarray) -> np.ndarray:
    """`h2(hash)`: the 7 low bits, the control byte of a full slot."""
    return (hashes & _H2_MASK).astype(np.uint8)


def stable_rank(values: np.ndarray) -> np.ndarray:
    """For each element, how many earlier elements have the same value."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    index = np.arange(n, dtype=np.int64)
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    run_start = np.maximum.accumulate(np.where(starts, index, 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = index - run_start
    return rank


class SlotStore:
    """Control bytes, keys and counters of a map's tables, one row per table.

    Rows are handed out by `take` and given back by `release`; which row a table gets
    has no effect on the simulation.
    """

    def __init__(self, rows: int = 2) -> None:
        self.ctrl = np.full((rows, MAX_TABLE_CAPACITY), CTRL_EMPTY, dtype=np.uint8)
        """Control byte of each slot: `ctrlEmpty`, `ctrlDeleted` or the key's h2."""
        self.keys = np.full((rows, MAX_TABLE_CAPACITY), -1, dtype=np.int64)
        """The key in each slot (-1: none)."""
        self.used = np.zeros(rows, dtype=np.int64)
        """`table.used` of each row."""
        self.growth_left = np.zeros(rows, dtype=np.int64)
        """`table.growthLeft` of each row."""
        self.mask = np.zeros(rows, dtype=np.int64)
        """`groups.lengthMask` of each row: groups − 1."""
        self.free_rows: list[int] = list(range(rows - 1, -1, -1))
        """Rows no table uses, the next one to hand out last."""

    @property
    def rows(self) -> int:
        return len(self.used)

    def take(self, capacity: int, growth_left: int) -> int:
        """A row for a new, empty table of `capacity` slots."""
        if not self.free_rows:
            self._grow_rows()
        row = self.free_rows.pop()
        self.used[row] = 0
        self.growth_left[row] = growth_left
        self.mask[row] = capacity // MAP_GROUP_SLOTS - 1
        return row

    def release(self, row: int) -> None:
        """Give a dead table's row back, every slot empty again."""
        self.ctrl[row] = CTRL_EMPTY
        self.keys[row] = -1
        self.used[row] = 0
        self.growth_left[row] = 0
        self.mask[row] = 0
        self.free_rows.append(row)

    def _grow_rows(self) -> None:
        old = self.rows
        new = 2 * old
        ctrl = np.full((new, MAX_TABLE_CAPACITY), CTRL_EMPTY, dtype=np.uint8)
        ctrl[:old] = self.ctrl
        keys = np.full((new, MAX_TABLE_CAPACITY), -1, dtype=np.int64)
        keys[:old] = self.keys
        self.ctrl, self.keys = ctrl, keys
        self.used = np.concatenate([self.used, np.zeros(old, dtype=np.int64)])
        self.growth_left = np.concatenate([self.growth_left, np.zeros(old, dtype=np.int64)])
        self.mask = np.concatenate([self.mask, np.zeros(old, dtype=np.int64)])
        self.free_rows.extend(range(new - 1, old - 1, -1))


def put_round(store: SlotStore, rows: np.ndarray, keys: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """`(*table).PutSlot` of new keys, one per table (`rows` distinct), each with growth left.

    Every key walks its probe sequence (`probeSeq`: h1, then +1, +2, ... groups, mod the
    group count) to the first group whose first empty-or-deleted slot is empty,
    remembering the first tombstone met on the way; it takes that tombstone if there
    was one (which costs no growth), else the empty slot. As the tables are distinct
    the keys probe independently, all at once. Returns the slot of each key.
    """
    n = len(rows)
    mask = store.mask[rows]
    offset = h1_of(hashes) & mask
    first_deleted = np.full(n, -1, dtype=np.int64)
    slots = np.empty(n, dtype=np.int64)
    pending = np.arange(n, dtype=np.int64)
    probe_index = 0
    ctrl = store.ctrl
    while pending.size:
        base = offset[pending] * MAP_GROUP_SLOTS
        group = ctrl[rows[pending][:, None], base[:, None] + _GROUP]
        free = (group & CTRL_EMPTY) != 0  # matchEmptyOrDeleted
        any_free = free.any(axis=1)
        j = free.argmax(axis=1)  # .first()
        first = group[np.arange(len(pending)), j]
        deleted = any_free & (first == CTRL_DELETED)
        remember = deleted & (first_deleted[pending] < 0)
        first_deleted[pending[remember]] = base[remember] + j[remember]
        done = any_free & (first == CTRL_EMPTY)
        finished = pending[done]
        tomb = first_deleted[finished]
        slots[finished] = np.where(tomb >= 0, tomb, base[done] + j[done])
        pending = pending[~done]
        probe_index += 1
        offset[pending] = (offset[pending] + probe_index) & mask[pending]
    ctrl[rows, slots] = h2_of(hashes)
    store.keys[rows, slots] = keys
    store.used[rows] += 1
    store.growth_left[rows] -= first_deleted < 0  # a reused tombstone gives its growth back
    return slots


def fill_new_table(store: SlotStore, row: int, keys: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """`(*table).uncheckedPutSlot` of `keys` in order into the new, empty table at `row`.

    In a table that has only had keys put in, each group fills from its first slot on,
    so a key lands in the first group along its probe sequence with fewer than 8 keys,
    in the slot after the last one taken. Keys are placed in runs up to the first key
    whose home group is full by then; that key probes on alone. Returns the slots.
    """
    n = len(keys)
    mask = int(store.mask[row])
    home = h1_of(hashes) & mask
    counts = np.zeros(mask + 1, dtype=np.int64)
    slots = np.empty(n, dtype=np.int64)
    i = 0
    while i < n:
        rest = home[i:]
        position = counts[rest] + stable_rank(rest)
        over = np.flatnonzero(position >= MAP_GROUP_SLOTS)
        run = int(over[0]) if over.size else len(rest)
        slots[i : i + run] = rest[:run] * MAP_GROUP_SLOTS + position[:run]
        counts += np.bincount(rest[:run], minlength=mask + 1)
        i += run
        if i < n:  # its home group is full: probeSeq on to a group with room
            g, probe_index = int(home[i]), 0
            while counts[g] >= MAP_GROUP_SLOTS:
                probe_index += 1
                g = (g + probe_index) & mask
            slots[i] = g * MAP_GROUP_SLOTS + counts[g]
            counts[g] += 1
            i += 1
    store.ctrl[row, slots] = h2_of(hashes)
    store.keys[row, slots] = keys
    store.used[row] += n
    store.growth_left[row] -= n
    return slots
