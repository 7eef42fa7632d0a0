"""`maps.table`: one Swiss table's counters and probing, its slots a row of a `SlotStore`."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from gomemtui.runtime.values.map_groups import (
    CTRL_DELETED,
    CTRL_EMPTY,
    MAP_GROUP_SLOTS,
    MAX_AVG_GROUP_LOAD,
    MAX_TABLE_CAPACITY,
)
from gomemtui.runtime.values.map_slots import SlotStore, first_empty_or_deleted

__all__ = ["Table"]

_CTRL_CHARS = np.full(256, ord("F"), dtype=np.uint8)
_CTRL_CHARS[CTRL_EMPTY] = ord(".")
_CTRL_CHARS[CTRL_DELETED] = ord("x")


class Table:
    """`maps.table`: one groups array, its slots a row of the map's `SlotStore`."""

    __slots__ = ("uid", "capacity", "mask", "local_depth", "index", "row", "store")

    def __init__(self, store: SlotStore, uid: int, capacity: int, index: int, local_depth: int) -> None:
        # newTable: capacity ≥ 8, rounded up to a power of two.
        capacity = max(capacity, MAP_GROUP_SLOTS)
        capacity = 1 << (capacity - 1).bit_length()
        if capacity > MAX_TABLE_CAPACITY:
            raise ValueError("initial table capacity too large")
        self.uid = uid
        self.capacity = capacity
        self.mask = capacity // MAP_GROUP_SLOTS - 1
        self.index = index
        self.local_depth = local_depth
        self.store = store
        self.row = store.take(capacity, self.max_growth_left())

    def moved_to(self, store: SlotStore) -> Table:
        """The same table over a copy of its store (for a checkpoint)."""
        new = Table.__new__(Table)
        for name in Table.__slots__:
            setattr(new, name, getattr(self, name))
        new.store = store
        return new

    @property
    def used(self) -> int:
        return int(self.store.used[self.row])

    @used.setter
    def used(self, value: int) -> None:
        self.store.used[self.row] = value

    @property
    def growth_left(self) -> int:
        return int(self.store.growth_left[self.row])

    @growth_left.setter
    def growth_left(self, value: int) -> None:
        self.store.growth_left[self.row] = value

    @property
    def ctrl(self) -> np.ndarray:
        """The control bytes of this table's slots (a view into the store)."""
        return self.store.ctrl[self.row, : self.capacity]

    def max_growth_left(self) -> int:
        """`table.maxGrowthLeft`: 7/8 of the slots, or all but one in a single group."""
        if self.capacity <= MAP_GROUP_SLOTS:
            return self.capacity - 1
        return self.capacity * MAX_AVG_GROUP_LOAD // MAP_GROUP_SLOTS

    def tombstones(self) -> int:
        """`table.tombstones`: maxGrowth − used − growthLeft."""
        return self.capacity * MAX_AVG_GROUP_LOAD // MAP_GROUP_SLOTS - self.used - self.growth_left

    def group(self, g: int) -> bytes:
        """The 8 control bytes of group g."""
        base = g * MAP_GROUP_SLOTS
        return self.store.ctrl[self.row, base : base + MAP_GROUP_SLOTS].tobytes()

    def first_free(self, g: int) -> int:
        """`matchEmptyOrDeleted().first()` in group g: lowest slot that is empty or deleted, or -1."""
        return first_empty_or_deleted(self.group(g))

    def has_empty(self, g: int) -> bool:
        """`matchEmpty() != 0` for group g."""
        return CTRL_EMPTY in self.group(g)

    def probe(self, h1: int) -> Iterator[int]:
        """`probeSeq`: triangular probing over groups, h1, h1+1, h1+1+2, ... (mod groups)."""
        mask = self.mask
        offset = h1 & mask
        index = 0
        while True:
            yield offset
            index += 1
            offset = (offset + index) & mask

    def set_slot(self, slot: int, h: int, key: int) -> None:
        """A full slot: control byte h2, the key."""
        self.store.ctrl[self.row, slot] = h & 0x7F
        self.store.keys[self.row, slot] = key

    def full_slots(self) -> np.ndarray:
        """Slots holding a key, in group order (how grow/split walk a table)."""
        return np.flatnonzero((self.ctrl & CTRL_EMPTY) == 0)

    def ctrl_array(self) -> np.ndarray:
        """The control bytes as a read-only numpy view (no copy)."""
        arr = self.ctrl
        arr.flags.writeable = False
        return arr

    def ctrl_string(self) -> str:
        """One character per slot: 'F' full, '.' empty, 'x' tombstone."""
        return _CTRL_CHARS[self.ctrl].tobytes().decode("ascii")
