"""Go 1.27's Swiss-table maps (`internal/runtime/maps`), slot by slot.

A `map[K]V` is a 48-byte `Map` header. Up to 8 entries live in one *small group*
(8 slots + an 8-byte control word) that `dirPtr` points to directly. Beyond that the
map is a *directory* (`[]*table`, extendible hashing on the top `globalDepth` hash
bits) of *tables*; each table (a 32-byte struct) owns one array of groups, holds at most
`maxTableCapacity` = 1024 slots and is filled to 7/8. A full table first tries to
`pruneTombstones`, then `rehash`es: `grow` into a new table twice as big, or — at 1024
slots — `split` into two 1024-slot tables by the next hash bit, doubling the directory
only when the table's `localDepth` equals `globalDepth`.

Deleting leaves a *tombstone* (`ctrlDeleted`) when the slot's group has no empty slot
(a probe sequence may run through it), otherwise an empty slot; tombstones still count
against `growthLeft`, so deleting and re-inserting different keys can grow a map that
never held more entries. `clear(m)` empties every table but keeps every table and the
directory. Nothing ever shrinks: only dropping the map frees its memory. Keys or
values larger than 128 bytes are stored indirectly, each in its own heap object that
a delete (or clear) releases.

The model simulates the control bytes and slot contents of every group for real
(`bytearray`s, exposed to numpy for counting), runs the same probe sequences as
`PutSlot`, `Delete`, `uncheckedPutSlot` and `pruneTombstones`, and describes its memory
as `MapPart`s; the facade allocates those and diffs consecutive layouts. `insert_step`
inserts up to the next growth, so the facade sees (and allocates) every table a long
insert outgrows, each at the insert that created it.

Where this simplifies real Go:
* Keys are abstract: the n-th key ever inserted is the integer n, and the caller only
  inserts keys never inserted before and deletes present ones. There is therefore no
  H2 matching against existing keys (it could never succeed), only the probing.
* Hashes are a 64-bit mix of the key and the map's seed; the seed (`Map.seed`, new on
  `make`, on deleting the last key and on `clear`) comes from a numpy PRNG seeded with
  the `seed` argument. Real Go uses AES/wyhash with a random seed, so *which* groups
  fill up (tombstone counts, when each table splits) varies between real runs too; the
  model reproduces the distribution, not one particular run.
* Should a split leave one half full, the same insert splits again at once (real Go
  loops in `Map.PutSlot` likewise); the facade then never sees the half that was split
  straight away (never observed: it needs all 896 keys on one side).
* Growth is timed by the entries it moves (`MapGrowth.moved`, `clock.MAP_MOVE_NS`
  each); `pruneTombstones`, which also hashes every full slot again to find the
  tombstones a probe sequence needs, takes no time.
* Iteration, concurrent-write detection and the compiler's stack-allocated small map
  (`walkMakeMap`) are not modelled; the facade decides where the header lives.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from gomemtui.runtime.memory.sizeclasses import alloc_size
from gomemtui.runtime.types import BUILTIN_TYPES, PTR_SIZE, GoType, parse_type

__all__ = [
    "CTRL_DELETED",
    "CTRL_EMPTY",
    "MAP_GROUP_SLOTS",
    "MAP_HEADER_SIZE",
    "MAX_TABLE_CAPACITY",
    "TABLE_HEADER_SIZE",
    "MapGrowth",
    "MapPart",
    "SwissMap",
    "group_layout",
]

MAP_GROUP_SLOTS = 8
"""`abi.MapGroupSlots`."""
MAX_TABLE_CAPACITY = 1024
"""`maxTableCapacity`: a bigger table is split, not grown."""
MAX_AVG_GROUP_LOAD = 7
"""`maxAvgGroupLoad`: tables are filled to 7/8."""
MAP_MAX_KEY_BYTES = 128
"""`abi.MapMaxKeyBytes`: bigger keys are stored indirectly."""
MAP_MAX_ELEM_BYTES = 128
"""`abi.MapMaxElemBytes`: bigger values are stored indirectly."""
CTRL_EMPTY = 0b1000_0000
"""`ctrlEmpty`."""
CTRL_DELETED = 0b1111_1110
"""`ctrlDeleted`: a tombstone."""
MAP_HEADER_SIZE = 48
"""`unsafe.Sizeof(maps.Map{})`: what `make(map[K]V)` costs before the first insert."""
TABLE_HEADER_SIZE = 32
"""`unsafe.Sizeof(maps.table{})`: used, capacity, growthLeft, localDepth, index, groups."""
MAX_ALLOC = 1 << 48
"""`maxAlloc` on linux/amd64: `NewMap` returns an empty map for hints above it."""

_MASK64 = (1 << 64) - 1


# -- the group type (cmd/compile/internal/reflectdata.MapGroupType) ----------------


_BUILTIN_ALIGN = {
    "int8": 1, "uint8": 1, "byte": 1, "bool": 1,
    "int16": 2, "uint16": 2,
    "int32": 4, "uint32": 4, "rune": 4, "float32": 4, "complex64": 4,
}


def _align_of(t: GoType) -> int:
    """Alignment of a type on amd64, inferred (GoType keeps only size and pointers).

    Arrays align like their element, small built-ins like their size, everything with
    pointers and every other built-in to 8; user structs to the largest power of two
    (≤ 8) dividing their size.
    """
    name = t.name
    if name.startswith("[") and not name.startswith("[]"):
        elem = parse_type(name[name.index("]") + 1 :])
        if elem is not None:
            return _align_of(elem)
    if name in _BUILTIN_ALIGN:
        return _BUILTIN_ALIGN[name]
    if t.has_pointers or name in BUILTIN_TYPES:
        return PTR_SIZE
    align = PTR_SIZE
    while align > 1 and t.size % align:
        align //= 2
    return align


def _round_up(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def group_layout(key: GoType, value: GoType) -> tuple[int, int, bool, bool, bool]:
    """`MapGroupType`: (group bytes, slot bytes, noscan, indirect key, indirect value).

    A group is `struct{ ctrl uint64; slots [8]struct{ key K; elem V } }` (the default
    interleaved layout); K or V bigger than 128 B become pointers. A zero-size value
    at the end of the slot struct gets one byte of padding, as `types.CalcSize` does.
    """
    ind_key = key.size > MAP_MAX_KEY_BYTES
    ind_val = value.size > MAP_MAX_ELEM_BYTES
    ksize, kalign = (PTR_SIZE, PTR_SIZE) if ind_key else (key.size, _align_of(key))
    vsize, valign = (PTR_SIZE, PTR_SIZE) if ind_val else (value.size, _align_of(value))
    off = _round_up(ksize, valign) + vsize
    if vsize == 0 and off > 0:
        off += 1  # trailing zero-size field padding
    slot = _round_up(off, max(kalign, valign, 1))
    group = 8 + MAP_GROUP_SLOTS * slot
    noscan = not (ind_key or ind_val or key.has_pointers or value.has_pointers)
    return group, slot, noscan, ind_key, ind_val


# -- what the facade sees ------------------------------------------------------------


@dataclass(frozen=True)
class TableView:
    """One Swiss table of a map (or a small map's group), as the map panel shows it."""

    capacity: int
    used: int
    tombstones: int
    growth_left: int
    local_depth: int
    ctrl: str
    """One character per slot: 'F' full, '.' empty, 'x' deleted (tombstone)."""


@dataclass(frozen=True)
class MapPart:
    """One heap object of a map, as the facade allocates it.

    `identity` is stable for as long as the object exists and unique within the map
    (the facade namespaces it by map). A table that grows is a *new* table: both its
    32-byte struct and its groups array get a new uid, and the old ones vanish.
    """

    identity: tuple
    """("header",), ("group", uid) for the small group, ("directory", uid), ("table", uid),
    ("groups", uid) for a table's groups array, ("key", k) / ("value", k) for indirect ones."""
    role: str
    """"header", "group", "directory", "table", "groups", "key" or "value"."""
    size: int
    """Bytes requested from mallocgc (before size-class rounding)."""
    noscan: bool
    """True if the object holds no pointers."""
    parent: tuple | None
    """Identity of the object holding the pointer to this one (None for the header)."""


@dataclass(frozen=True)
class MapGrowth:
    """A structural change made by an insert (or pruning), in the order it happened."""

    kind: str
    """Event kind: "map_grow", "map_split" or "map_prune"."""
    cause: str
    """The Go function: "growToSmall", "growToTable", "grow", "split", "pruneTombstones"."""
    len: int
    """len(m) just before the insert that caused it."""
    old_slots: int
    """Slots of the whole map before."""
    new_slots: int
    """Slots of the whole map after."""
    tables: int
    """Distinct tables after (0 for a small map)."""
    dir_len: int
    global_depth: int
    text: str
    """A sentence for the event log."""
    moved: int = 0
    """Entries rehashed into the new table(s): `Map.growToTable`, `table.grow` and
    `table.split` hash every full slot of what they replace again and put it with
    `uncheckedPutSlot` (the mutator pays `clock.MAP_MOVE_NS` for each)."""


# -- tables ----------------------------------------------------------------------------


class _Table:
    """`maps.table`: control bytes and slot contents of one groups array."""

    __slots__ = ("uid", "capacity", "mask", "growth_left", "used", "local_depth", "index", "ctrl", "keys")

    def __init__(self, uid: int, capacity: int, index: int, local_depth: int) -> None:
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
        self.used = 0
        self.ctrl = bytearray([CTRL_EMPTY]) * capacity
        self.keys: list[int] = [-1] * capacity
        self.growth_left = self.max_growth_left()

    def max_growth_left(self) -> int:
        """`table.maxGrowthLeft`: 7/8 of the slots, or all but one in a single group."""
        if self.capacity <= MAP_GROUP_SLOTS:
            return self.capacity - 1
        return self.capacity * MAX_AVG_GROUP_LOAD // MAP_GROUP_SLOTS

    def tombstones(self) -> int:
        """`table.tombstones`: maxGrowth − used − growthLeft."""
        return self.capacity * MAX_AVG_GROUP_LOAD // MAP_GROUP_SLOTS - self.used - self.growth_left

    def first_free(self, g: int) -> int:
        """`matchEmptyOrDeleted().first()` in group g: lowest slot that is empty or deleted, or -1."""
        base = g * MAP_GROUP_SLOTS
        ctrl = self.ctrl
        for j in range(MAP_GROUP_SLOTS):
            if ctrl[base + j] & CTRL_EMPTY:
                return j
        return -1

    def has_empty(self, g: int) -> bool:
        """`matchEmpty() != 0` for group g."""
        base = g * MAP_GROUP_SLOTS
        return CTRL_EMPTY in self.ctrl[base : base + MAP_GROUP_SLOTS]

    def probe(self, h1: int) -> Iterator[int]:
        """`probeSeq`: triangular probing over groups, h1, h1+1, h1+1+2, ... (mod groups)."""
        mask = self.mask
        offset = h1 & mask
        index = 0
        while True:
            yield offset
            index += 1
            offset = (offset + index) & mask

    def unchecked_put(self, key: int, h: int) -> int:
        """`uncheckedPutSlot`: first empty-or-deleted slot along the probe sequence."""
        for g in self.probe(h >> 7):
            j = self.first_free(g)
            if j >= 0:
                slot = g * MAP_GROUP_SLOTS + j
                self.ctrl[slot] = h & 0x7F
                self.keys[slot] = key
                self.growth_left -= 1
                self.used += 1
                return slot
        raise AssertionError("unreachable: probe sequences visit every group")

    def full_slots(self) -> Iterator[int]:
        """Slots holding a key, in group order (how grow/split walk a table)."""
        for slot, c in enumerate(self.ctrl):
            if not c & CTRL_EMPTY:
                yield slot

    def ctrl_array(self) -> np.ndarray:
        """The control bytes as a read-only numpy view (no copy)."""
        arr = np.frombuffer(self.ctrl, dtype=np.uint8)
        arr.flags.writeable = False
        return arr

    def ctrl_string(self) -> str:
        """One character per slot: 'F' full, '.' empty, 'x' tombstone."""
        return "".join("." if c == CTRL_EMPTY else "x" if c == CTRL_DELETED else "F" for c in self.ctrl)


_SMALL = None  # location marker: the key sits in the small group
_WOULD_GROW = -2  # _table_put: the key needs a rehash the caller did not allow


class SwissMap:
    """`maps.Map`: one Go map, from `make` to the last `delete`.

    Args:
        key: key type (size and pointers decide the group layout).
        value: value type.
        hint: `make(map[K]V, hint)`; None (or ≤ 8) allocates no storage.
        seed: seeds the PRNG the map's hash seeds are drawn from (same seed, same map).
    """

    def __init__(self, key: GoType, value: GoType, hint: int | None = None, seed: int = 0) -> None:
        self.key_type = key
        self.value_type = value
        self.group_bytes, self.slot_bytes, self.group_noscan, self.indirect_keys, self.indirect_values = (
            group_layout(key, value)
        )
        self._rng = np.random.default_rng(seed)
        self._uid = 0
        self.used = 0
        """`Map.used`: len(m)."""
        self.global_depth = 0
        self.tombstone_possible = False
        self.clear_seq = 0
        self._small: _Table | None = None  # the small group: a one-group "table" without header
        self._dir: list[_Table] = []
        self._dir_uid = 0
        self._next_key = 0
        self._present: OrderedDict[int, None] = OrderedDict()  # oldest first; O(1) at the front
        self._where: dict[int, tuple[_Table | None, int]] = {}
        self._events: list[MapGrowth] = []
        self.hash_seed = 0
        self._reseed()
        self._make(0 if hint is None or hint < 0 else hint)  # makemap: negative hint → 0

    # -- plumbing ----------------------------------------------------------------

    def _new_uid(self) -> int:
        self._uid += 1
        return self._uid

    def _reseed(self) -> None:
        """`m.seed = uintptr(rand())`."""
        self.hash_seed = int(self._rng.integers(0, 1 << 64, dtype=np.uint64))

    def hash(self, key: int) -> int:
        """The key's 64-bit hash under the current seed (a splitmix64 finaliser)."""
        z = (key * 0x9E3779B97F4A7C15 + self.hash_seed) & _MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return z ^ (z >> 31)

    def _dir_index(self, h: int) -> int:
        """`Map.directoryIndex`: the top globalDepth bits of the hash."""
        if len(self._dir) == 1:
            return 0
        return h >> (64 - self.global_depth)

    def _distinct_tables(self) -> list[_Table]:
        out: list[_Table] = []
        last = None
        for t in self._dir:
            if t is not last:
                out.append(t)
                last = t
        return out

    def _slots(self) -> int:
        if self._small is not None:
            return MAP_GROUP_SLOTS
        return sum(t.capacity for t in self._distinct_tables())

    def _note(self, kind: str, cause: str, old_slots: int, text: str, moved: int = 0) -> None:
        self._events.append(
            MapGrowth(
                kind=kind, cause=cause, len=self.used, old_slots=old_slots, new_slots=self._slots(),
                tables=self.distinct_tables, dir_len=self.dir_len, global_depth=self.global_depth, text=text,
                moved=moved,
            )
        )

    # -- make ------------------------------------------------------------------------

    def _make(self, hint: int) -> None:
        """`NewMap`: hints ≤ 8 allocate nothing; bigger ones pre-size the directory."""
        if hint <= MAP_GROUP_SLOTS:
            return
        target = hint * MAP_GROUP_SLOTS // MAX_AVG_GROUP_LOAD
        dir_size = -(-target // MAX_TABLE_CAPACITY)
        dir_size = 1 << (dir_size - 1).bit_length()
        if dir_size * MAX_TABLE_CAPACITY * self.group_bytes > MAX_ALLOC:
            return  # mem > maxAlloc: an empty map
        self.global_depth = dir_size.bit_length() - 1
        self._dir_uid = self._new_uid()
        self._dir = [_Table(self._new_uid(), target // dir_size, i, self.global_depth) for i in range(dir_size)]

    # -- properties the views need ----------------------------------------------

    def __len__(self) -> int:
        return self.used

    @property
    def small(self) -> bool:
        """A small map: the single 8-slot group, no table (`dirLen == 0`, dirPtr set)."""
        return self._small is not None

    @property
    def has_storage(self) -> bool:
        """`dirPtr != nil`."""
        return self._small is not None or bool(self._dir)

    @property
    def dir_len(self) -> int:
        return len(self._dir)

    @property
    def distinct_tables(self) -> int:
        return len(self._distinct_tables())

    @property
    def total_slots(self) -> int:
        """Slots of the small group or of all distinct tables (0 without storage)."""
        return self._slots() if self.has_storage else 0

    @property
    def tombstones(self) -> int:
        return sum(t.tombstones() for t in self._distinct_tables())

    def keys(self) -> list[int]:
        """Present keys, oldest first."""
        return list(self._present)

    def contains(self, key: int) -> bool:
        """`Map.getWithKey`'s lookup: probe for the key as Go does (H2 match, stop at an empty slot).

        Used by tests to check the probing invariant that tombstones protect.
        """
        if self.used == 0:
            return False
        h = self.hash(key)
        h2 = h & 0x7F
        if self._small is not None:  # getWithKeySmall: the one group
            return any(self._small.ctrl[j] == h2 and self._small.keys[j] == key for j in range(MAP_GROUP_SLOTS))
        if not self._dir:
            return False
        t = self._dir[self._dir_index(h)]
        for g in t.probe(h >> 7):
            base = g * MAP_GROUP_SLOTS
            for j in range(MAP_GROUP_SLOTS):
                if t.ctrl[base + j] == h2 and t.keys[base + j] == key:
                    return True
            if t.has_empty(g):
                return False
        return False  # pragma: no cover - a table always has an empty slot

    # -- insert -------------------------------------------------------------------

    def insert(self, count: int = 1) -> list[MapGrowth]:
        """`m[k] = v` for `count` keys never inserted before; returns the growth it caused."""
        self._events = []
        for _ in range(count):
            self._put(self._next_key, True)
            self._next_key += 1
        return self._events

    def insert_step(self, count: int) -> tuple[range, list[MapGrowth]]:
        """Insert up to `count` new keys, stopping *before* a key that would allocate.

        Only the first key of a step may allocate (`growToSmall`, `growToTable`, `grow`,
        `split`); the step ends just before the next key that would, so each step's new
        memory (see `layout`) is what that first key's growth allocated, and whatever it
        replaced became garbage at that very insert. Returns the keys inserted (at least
        one if `count` > 0) and the growth events of the step. Repeating `insert_step`
        until `count` keys are in leaves the map exactly as `insert(count)` does.
        """
        self._events = []
        first = self._next_key
        while self._next_key - first < count:
            if not self._put(self._next_key, self._next_key == first):
                break  # this key would grow the map: it opens the next step
            self._next_key += 1
        return range(first, self._next_key), self._events

    def _put(self, key: int, may_grow: bool) -> bool:
        """`Map.PutSlot` (and `runtime_mapassign_fast*`, which follow the same steps).

        With `may_grow` False, a key that would need new memory is not inserted and
        False is returned, the map untouched (a failed `pruneTombstones` changes nothing).
        """
        h = self.hash(key)
        if not may_grow and (not self.has_storage or (self._small is not None and self._small.used == MAP_GROUP_SLOTS)):
            return False  # growToSmall / growToTable would allocate
        if not self.has_storage:
            self._small = _Table(0, MAP_GROUP_SLOTS, 0, 0)  # growToSmall: one group, all slots empty
            self._small.uid = self._new_uid()
            self._note("map_grow", "growToSmall", 0, "first insert allocates the map's single 8-slot group")
        if self._small is not None:
            small = self._small
            j = small.first_free(0)  # putSlotSmall: matchEmptyOrDeleted().first()
            if j >= 0:
                small.ctrl[j] = h & 0x7F
                small.keys[j] = key
                small.used += 1
                self._record(key, None, j)
                return True
            tab = self._grow_to_table()
            slot = tab.unchecked_put(key, h)  # uncheckedPutSlotForAssign
            self._record(key, tab, slot)
            return True
        while True:
            t = self._dir[self._dir_index(h)]
            slot = self._table_put(t, h, key, may_grow)
            if slot >= 0:
                self._record(key, t, slot)
                return True
            if slot == _WOULD_GROW:
                return False
            # rehash replaced t; look the key's table up again (PutSlot returned !ok)

    def _record(self, key: int, table: _Table | None, slot: int) -> None:
        self.used += 1
        self._present[key] = None
        self._where[key] = (table, slot)

    def _table_put(self, t: _Table, h: int, key: int, may_grow: bool = True) -> int:
        """`table.PutSlot` for a new key: the slot used, or -1 after a rehash.

        With `may_grow` False: `_WOULD_GROW` instead of rehashing, nothing changed.
        """
        first_deleted = -1
        for g in t.probe(h >> 7):
            j = t.first_free(g)
            if j < 0:
                continue  # nothing but filled slots: keep probing
            slot = g * MAP_GROUP_SLOTS + j
            if t.ctrl[slot] == CTRL_DELETED:
                if first_deleted < 0:
                    first_deleted = slot  # remember the first tombstone, keep probing
                continue
            # An empty slot: the end of the probe sequence.
            if first_deleted >= 0:
                slot = first_deleted
                t.growth_left += 1  # reusing a tombstone costs no growth
            if t.growth_left == 0:
                self._prune_tombstones(t)
            if t.growth_left > 0:
                t.ctrl[slot] = h & 0x7F
                t.keys[slot] = key
                t.growth_left -= 1
                t.used += 1
                return slot
            if not may_grow:
                return _WOULD_GROW
            self._rehash(t)
            return -1
        raise AssertionError("unreachable")

    def _grow_to_table(self) -> _Table:
        """`Map.growToTable`: the 8 small entries move into a 16-slot table."""
        assert self._small is not None
        small, self._small = self._small, None
        tab = _Table(self._new_uid(), 2 * MAP_GROUP_SLOTS, 0, 0)
        for j in range(MAP_GROUP_SLOTS):
            if small.ctrl[j] & CTRL_EMPTY:
                continue
            k = small.keys[j]
            self._where[k] = (tab, tab.unchecked_put(k, self.hash(k)))
        self._dir = [tab]
        self._dir_uid = self._new_uid()
        self.global_depth = 0
        self._note("map_grow", "growToTable", MAP_GROUP_SLOTS, "9th entry: the small group becomes a table of 16 slots",
                   moved=small.used)
        return tab

    def _rehash(self, t: _Table) -> None:
        """`table.rehash`: grow to 2× capacity, or split at 1024 slots."""
        if 2 * t.capacity <= MAX_TABLE_CAPACITY:
            self._grow(t, 2 * t.capacity)
        else:
            self._split(t)

    def _move_all(self, old: _Table, pick) -> int:
        """Rehash every entry of `old` into the table `pick(hash)` chooses (`table.grow`,
        `table.split`: `typ.Hasher` then `uncheckedPutSlot` for each full slot); returns
        how many entries moved (tombstones are left behind)."""
        moved = 0
        for slot in old.full_slots():
            moved += 1
            k = old.keys[slot]
            h = self.hash(k)
            nt = pick(h)
            self._where[k] = (nt, nt.unchecked_put(k, h))
        return moved

    def _grow(self, t: _Table, new_capacity: int) -> None:
        """`table.grow`: a new, bigger table replaces t in every directory slot it had."""
        old_slots = self._slots()
        nt = _Table(self._new_uid(), new_capacity, t.index, t.local_depth)
        moved = self._move_all(t, lambda h: nt)
        self._replace_table(nt)
        t.index = -1
        self._note(
            "map_grow", "grow", old_slots,
            f"table full ({t.used} entries, {t.tombstones()} tombstones): grows {t.capacity} → {new_capacity} slots",
            moved=moved,
        )

    def _split(self, t: _Table) -> None:
        """`table.split`: two 1024-slot tables, divided by hash bit localDepth+1 from the top."""
        old_slots = self._slots()
        depth = t.local_depth + 1
        left = _Table(self._new_uid(), MAX_TABLE_CAPACITY, -1, depth)
        right = _Table(self._new_uid(), MAX_TABLE_CAPACITY, -1, depth)
        bit = 1 << (64 - depth)  # localDepthMask
        moved = self._move_all(t, lambda h: right if h & bit else left)
        doubled = self._install_table_split(t, left, right)
        t.index = -1
        self._note(
            "map_split", "split", old_slots,
            f"1024-slot table full: split in two by hash bit {depth}"
            + (f"; directory doubles to {self.dir_len}" if doubled else ""),
            moved=moved,
        )

    def _replace_table(self, nt: _Table) -> None:
        """`Map.replaceTable`: nt takes its 2^(globalDepth − localDepth) directory entries."""
        for i in range(1 << (self.global_depth - nt.local_depth)):
            self._dir[nt.index + i] = nt

    def _install_table_split(self, old: _Table, left: _Table, right: _Table) -> bool:
        """`Map.installTableSplit`: double the directory if needed, then install both halves."""
        doubled = False
        if old.local_depth == self.global_depth:
            new_dir: list[_Table] = []
            for i, t in enumerate(self._dir):
                new_dir += [t, t]
                if t.index == i:
                    t.index = 2 * i
            self._dir = new_dir
            self._dir_uid = self._new_uid()
            self.global_depth += 1
            doubled = True
        left.index = old.index
        self._replace_table(left)
        right.index = left.index + (1 << (self.global_depth - left.local_depth))
        self._replace_table(right)
        return doubled

    def _prune_tombstones(self, t: _Table) -> None:
        """`table.pruneTombstones`: turn unneeded tombstones back into empty slots.

        Only if tombstones are ≥ 10 % of capacity and ≥ 10 % of capacity can go: a
        group's tombstones are needed if some key's probe sequence passes through it.
        """
        if t.tombstones() * 10 < t.capacity:
            return
        groups = t.mask + 1
        needed = [False] * groups
        for g in range(groups):
            base = g * MAP_GROUP_SLOTS
            for j in range(MAP_GROUP_SLOTS):
                if t.ctrl[base + j] & CTRL_EMPTY:
                    continue
                h = self.hash(t.keys[base + j])
                for off in t.probe(h >> 7):
                    if off == g:
                        break
                    if t.first_free(off) >= 0:  # must be a tombstone: mark it needed
                        needed[off] = True
            if t.has_empty(g):
                needed[g] = True
        cnt = sum(
            1 for g in range(groups) if not needed[g]
            for j in range(MAP_GROUP_SLOTS) if t.ctrl[g * MAP_GROUP_SLOTS + j] & CTRL_EMPTY
        )
        if cnt * 10 < t.capacity:
            return
        old_tomb = t.tombstones()
        for g in range(groups):
            if needed[g]:
                continue
            for j in range(MAP_GROUP_SLOTS):
                s = g * MAP_GROUP_SLOTS + j
                if t.ctrl[s] & CTRL_EMPTY:
                    t.ctrl[s] = CTRL_EMPTY
                    t.growth_left += 1
        self._note(
            "map_prune", "pruneTombstones", self._slots(),
            f"table full: {old_tomb - t.tombstones()} of {old_tomb} tombstones pruned instead of growing",
        )

    # -- delete / clear ---------------------------------------------------------

    def delete(self, count: int = 1) -> int:
        """`delete(m, k)` for the `count` oldest present keys; returns how many tombstones it left."""
        if count > self.used:
            raise ValueError(f"cannot delete {count} keys from a map of {self.used}")
        made = 0
        for _ in range(count):
            made += self._delete(next(iter(self._present)))
        return made

    def delete_all(self) -> int:
        """Delete every key in a loop (oldest first), as `for k := range ... { delete(m, k) }`."""
        return self.delete(self.used)

    def _delete(self, key: int) -> int:
        """`Map.Delete` → `deleteSmall` or `table.Delete`."""
        table, slot = self._where.pop(key)
        del self._present[key]
        tomb = 0
        if table is _SMALL:
            assert self._small is not None
            self._small.ctrl[slot] = CTRL_EMPTY  # deleteSmall: never a tombstone
            self._small.keys[slot] = -1
            self._small.used -= 1
        else:
            table.used -= 1
            table.keys[slot] = -1
            g = slot // MAP_GROUP_SLOTS
            if table.has_empty(g):
                table.ctrl[slot] = CTRL_EMPTY
                table.growth_left += 1
            else:
                # A full group can sit in the middle of a probe sequence: keep it "full".
                table.ctrl[slot] = CTRL_DELETED
                self.tombstone_possible = True
                tomb = 1
        self.used -= 1
        if self.used == 0:
            self._reseed()
        return tomb

    def clear(self) -> None:
        """`clear(m)` (`Map.Clear`): every slot empty, tombstones gone, memory kept."""
        if self.used == 0 and not self.tombstone_possible:
            return
        if self._small is not None:
            self._small.ctrl[:] = bytes([CTRL_EMPTY]) * MAP_GROUP_SLOTS  # clearSmall
            self._small.keys = [-1] * MAP_GROUP_SLOTS
            self._small.used = 0
        else:
            for t in self._distinct_tables():  # table.Clear
                if t.used == 0 and t.growth_left == t.max_growth_left():
                    continue
                t.ctrl[:] = bytes([CTRL_EMPTY]) * t.capacity
                t.keys = [-1] * t.capacity
                t.used = 0
                t.growth_left = t.max_growth_left()
            self.tombstone_possible = False
        self.used = 0
        self._present.clear()
        self._where.clear()
        self.clear_seq += 1
        self._reseed()

    # -- memory ---------------------------------------------------------------------

    def layout(self, values: bool = True) -> list[MapPart]:
        """Every heap object the map holds now, in the order the runtime allocated them.

        The header; then the small group, or the directory, table structs and group
        arrays by creation (`NewMap` makes the directory before its tables; `newTable`
        the table struct before its groups; `growToTable` and `installTableSplit` the
        directory after the tables it will hold); then, with `values`, the indirect keys
        and values of the present keys, oldest first (see `value_parts`).
        """
        header = ("header",)
        parts = [MapPart(header, "header", MAP_HEADER_SIZE, False, None)]
        if self._small is not None:
            parts.append(MapPart(("group", self._small.uid), "group", self.group_bytes, self.group_noscan, header))
        elif self._dir:
            dir_ident = ("directory", self._dir_uid)
            born: list[tuple[int, int, MapPart]] = [
                (self._dir_uid, 0, MapPart(dir_ident, "directory", PTR_SIZE * len(self._dir), False, header))
            ]
            for t in self._distinct_tables():
                t_ident = ("table", t.uid)
                born.append((t.uid, 0, MapPart(t_ident, "table", TABLE_HEADER_SIZE, False, dir_ident)))
                born.append((t.uid, 1, MapPart(
                    ("groups", t.uid), "groups", (t.mask + 1) * self.group_bytes, self.group_noscan, t_ident
                )))
            born.sort(key=lambda b: (b[0], b[1]))  # uids are drawn in creation order
            parts += [b[2] for b in born]
        if values:
            parts += self.value_parts(self._present)
        return parts

    def value_parts(self, keys: Iterable[int]) -> list[MapPart]:
        """The indirect key and value objects (> 128 B) of these present keys, key before
        value as `PutSlot` allocates them; empty if the map stores both inline."""
        if not (self.indirect_keys or self.indirect_values):
            return []
        parts: list[MapPart] = []
        for k in keys:
            table, _ = self._where[k]
            if table is None:  # _SMALL: the key sits in the small group
                assert self._small is not None
                parent: tuple[str, int] = ("group", self._small.uid)
            else:
                parent = ("groups", table.uid)
            if self.indirect_keys:
                parts.append(MapPart(("key", k), "key", self.key_type.size, self.key_type.noscan, parent))
            if self.indirect_values:
                parts.append(MapPart(("value", k), "value", self.value_type.size, self.value_type.noscan, parent))
        return parts

    def heap_bytes(self) -> int:
        """Heap bytes of `layout()` after size-class rounding (what HeapAlloc counts)."""
        return sum(alloc_size(p.size, p.noscan) for p in self.layout())

    # -- views -------------------------------------------------------------------------

    def tables_view(self) -> tuple[TableView, ...]:
        """One TableView per distinct table in directory order; a small map shows its group."""
        if self._small is not None:
            s = self._small
            return (TableView(MAP_GROUP_SLOTS, s.used, 0, MAP_GROUP_SLOTS - s.used, 0, s.ctrl_string()),)
        return tuple(
            TableView(t.capacity, t.used, t.tombstones(), t.growth_left, t.local_depth, t.ctrl_string())
            for t in self._distinct_tables()
        )

    def ctrl_arrays(self) -> tuple[np.ndarray, ...]:
        """Control bytes of each distinct table (or the small group), as read-only arrays."""
        if self._small is not None:
            return (self._small.ctrl_array(),)
        return tuple(t.ctrl_array() for t in self._distinct_tables())
