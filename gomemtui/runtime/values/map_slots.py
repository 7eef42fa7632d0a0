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

__all__ = ["SlotStore", "fill_new_table", "first_empty_or_deleted", "hash_keys", "put_round", "stable_rank"]

_GROUP = np.arange(MAP_GROUP_SLOTS, dtype=np.int64)
_H2_MASK = np.uint64(0x7F)
_HIGH_BITS = 0x8080808080808080
_HIGH_BITS_64 = np.uint64(_HIGH_BITS)
_ONE = np.uint64(1)
_SIX = np.uint64(6)
_PROBE_ALONE = 8
"""Keys still probing when `put_round` lets them finish one by one."""


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

    def copy(self) -> SlotStore:
        """An independent copy (for a checkpoint)."""
        new = SlotStore.__new__(SlotStore)
        new.ctrl, new.keys = self.ctrl.copy(), self.keys.copy()
        new.used, new.growth_left, new.mask = self.used.copy(), self.growth_left.copy(), self.mask.copy()
        new.free_rows = list(self.free_rows)
        return new

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


def first_empty_or_deleted(group: bytes) -> int:
    """`ctrlGroup.matchEmptyOrDeleted().first()`: the lowest slot of the 8 control bytes
    with the high bit set (empty or deleted), or -1: the same bit trick as Go's."""
    bits = int.from_bytes(group, "little") & _HIGH_BITS
    return ((bits & -bits).bit_length() - 1) // MAP_GROUP_SLOTS if bits else -1


def put_round(store: SlotStore, rows: np.ndarray, keys: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """`(*table).PutSlot` of new keys, one per table (`rows` distinct), each with growth left.

    Every key walks its probe sequence (`probeSeq`: h1, then +1, +2, ... groups, mod the
    group count) to the first group whose first empty-or-deleted slot is empty,
    remembering the first tombstone met on the way; it takes that tombstone if there
    was one (which costs no growth), else the empty slot. As the tables are distinct
    the keys probe independently, all at once; the last few keys still probing finish
    one by one. Returns the slot of each key.
    """
    n = len(rows)
    mask = store.mask[rows]
    offset = h1_of(hashes) & mask
    first_deleted = np.full(n, -1, dtype=np.int64)
    slots = np.empty(n, dtype=np.int64)
    pending = np.arange(n, dtype=np.int64)
    probe_index = 0
    ctrl = store.ctrl
    words = ctrl.view(np.uint64)  # one little-endian word per group: byte j is slot j
    while len(pending) > _PROBE_ALONE:
        group_offset = offset[pending]
        word = words[rows[pending], group_offset]
        free = word & _HIGH_BITS_64  # matchEmptyOrDeleted
        lowest = free & (~free + _ONE)  # .first(), as a bit: 0x80 << 8·j
        # The first free slot is a tombstone if its byte is ctrlDeleted (0xFE), not
        # ctrlEmpty (0x80): bit 1 of that byte.
        deleted = (word & (lowest >> _SIX)) != 0
        j = np.bitwise_count((lowest - _ONE) & _HIGH_BITS_64).astype(np.int64)
        slot = group_offset * MAP_GROUP_SLOTS + j
        remember = deleted & (first_deleted[pending] < 0)
        first_deleted[pending[remember]] = slot[remember]
        done = (free != 0) & ~deleted
        finished = pending[done]
        tomb = first_deleted[finished]
        slots[finished] = np.where(tomb >= 0, tomb, slot[done])
        pending = pending[~done]
        probe_index += 1
        offset[pending] = (offset[pending] + probe_index) & mask[pending]
    for p in pending.tolist():
        row, group_mask, off, index = int(rows[p]), int(mask[p]), int(offset[p]), probe_index
        tomb_slot = int(first_deleted[p])
        row_ctrl = ctrl[row].tobytes()
        while True:
            base_slot = off * MAP_GROUP_SLOTS
            group_bytes = row_ctrl[base_slot : base_slot + MAP_GROUP_SLOTS]
            j_free = first_empty_or_deleted(group_bytes)
            if j_free >= 0:
                if group_bytes[j_free] == CTRL_EMPTY:
                    slots[p] = tomb_slot if tomb_slot >= 0 else base_slot + j_free
                    break
                if tomb_slot < 0:
                    tomb_slot = base_slot + j_free
            index += 1
            off = (off + index) & group_mask
        first_deleted[p] = tomb_slot
    ctrl[rows, slots] = h2_of(hashes)
    store.keys[rows, slots] = keys
    store.used[rows] += 1
    store.growth_left[rows] -= first_deleted < 0  # a reused tombstone gives its growth back
    return slots


def fill_new_table(store: SlotStore, row: int, keys: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """`(*table).uncheckedPutSlot` of `keys` in order into the new, empty table at `row`.

    In a table that has only had keys put in, each group fills from its first slot on,
    so a key lands in the first group along its probe sequence with fewer than 8 keys,
    in the slot after the last one taken: its position there is the number of earlier
    keys in that group. Every key is first counted in its home group; a key that finds
    its home full probes on alone, and the later keys' positions in the group it left
    and the group it took are corrected. Returns the slots.
    """
    n = len(keys)
    mask = int(store.mask[row])
    home = h1_of(hashes) & mask
    position = stable_rank(home)
    alone: dict[int, int] = {}  # the keys that probed on: their slots
    counts = np.zeros(mask + 1, dtype=np.int64)  # keys in each group before `counted`
    counted = 0
    i = 0
    while True:
        over = np.flatnonzero(position[i:] >= MAP_GROUP_SLOTS)
        if not over.size:
            break
        i += int(over[0])  # its home group is full: probeSeq on to a group with room
        counts += np.bincount(home[counted:i], minlength=mask + 1)
        counted = i + 1
        g, probe_index = int(home[i]), 0
        while counts[g] >= MAP_GROUP_SLOTS:
            probe_index += 1
            g = (g + probe_index) & mask
        alone[i] = g * MAP_GROUP_SLOTS + int(counts[g])
        counts[g] += 1
        later_home, later_position = home[i + 1 :], position[i + 1 :]
        later_position[later_home == home[i]] -= 1
        later_position[later_home == g] += 1
        i += 1
    slots = home * MAP_GROUP_SLOTS + position
    for i, slot in alone.items():
        slots[i] = slot
    store.ctrl[row, slots] = h2_of(hashes)
    store.keys[row, slots] = keys
    store.used[row] += n
    store.growth_left[row] -= n
    return slots
