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

The model simulates the control bytes and slot contents of every group for real (in
numpy arrays, `map_slots.SlotStore`), runs the same probe sequences as `PutSlot`,
`Delete`, `uncheckedPutSlot` and `pruneTombstones`, and describes its memory as
`MapPart`s; the facade allocates those and diffs consecutive layouts. `insert_step`
inserts up to the next growth, so the facade sees (and allocates) every table a long
insert outgrows, each at the insert that created it.

Many keys are handled at once where that gives the very slots one key at a time would:
keys bound for different tables do not interact, so an insert probes one key per table
per round (`map_slots.put_round`); a growth fills its new table(s) with array operations
(`map_slots.fill_new_table`); a delete decides tombstones per group from the group as
it was (deleting from a group never gives it an empty slot it lacked). The keys that
need the runtime's full logic — the first key of a step, which may grow the map, a key
whose table has no growth left, a small map — go through the one-key path.

Where this simplifies real Go:
* Keys are abstract integers: the n-th key the map meets is the integer n. A key the
  scenario names (`key_id`: `m["alice"]`) keeps its integer for the map's life, so
  deleting it and inserting it again probes from the same hash, as the same Go key
  would; keys inserted by count are fresh integers. A key is found by its integer
  (`_present`, `_key_row`, `_key_slot`), not by H2 matching along its probe sequence:
  the slot is the same, a key being in one slot only (`contains` probes, for the tests).
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

import copy
from dataclasses import replace
from typing import Iterable

import numpy as np

from gomemtui.runtime.memory.sizeclasses import alloc_size
from gomemtui.runtime.types import PTR_SIZE, GoType
from gomemtui.runtime.values.map_groups import (
    CTRL_DELETED,
    CTRL_EMPTY,
    MAP_GROUP_SLOTS,
    MAP_HEADER_SIZE,
    MAX_ALLOC,
    MAX_AVG_GROUP_LOAD,
    MAX_TABLE_CAPACITY,
    TABLE_HEADER_SIZE,
    group_layout,
)
from gomemtui.runtime.values.map_parts import MapGrowth, MapPart, TableView
from gomemtui.runtime.values.map_slots import (
    SlotStore,
    fill_new_table,
    first_empty_or_deleted,
    hash_keys,
    put_round,
    stable_rank,
)
from gomemtui.runtime.values.map_table import Table

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

_MASK64 = (1 << 64) - 1


def _grown(array: np.ndarray, size: int, fill: object) -> np.ndarray:
    """`array` copied into a new one of `size` entries, the rest `fill`."""
    out = np.full(size, fill, dtype=array.dtype)
    out[: len(array)] = array
    return out
_VECTOR_MIN = 16
"""Fewer keys than this in a round of `put_round` go through the one-key path instead."""


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
        self._store = SlotStore()
        self._small: Table | None = None  # the small group: a one-group "table" without header
        self._dir: list[Table] = []
        self._dir_rows = np.zeros(0, dtype=np.int64)  # the store row of each directory entry
        self._dir_uid = 0
        self._tables: dict[int, Table] = {}  # live tables (not the small group) by uid, oldest first
        self._table_slots = 0  # their capacities' sum
        self._row_table: dict[int, Table] = {}  # store row → the table (or small group) in it
        self._first_key = 0  # no key below it is present
        self._next_key = 0  # no key from here on was ever inserted or named
        self._key_row = np.zeros(0, dtype=np.int32)  # key → store row of its slot
        self._key_slot = np.zeros(0, dtype=np.int16)  # key → slot within the row
        self._present = np.zeros(0, dtype=bool)  # key → in the map now
        self._seq = np.zeros(0, dtype=np.int64)  # key → when it was last inserted
        self._clock = 0  # insertions so far (the next `_seq`)
        self._top = 0  # every key ever inserted is below it
        self._reordered = False  # a key was inserted again: insertion order is not key order
        self._named: dict[object, int] = {}  # a key the scenario names → its integer
        self._labels: dict[int, object] = {}  # and back
        self._elem: np.ndarray | None = None  # key → object its value points at (-1: nil); None: none ever
        self.last_put: tuple[int, int, bool] = (0, 0, False)
        """(store row, slot, reused a tombstone) of the last key `_put` placed."""
        self._structure: dict[tuple, MapPart] = {}  # parts but the header and values, in creation order
        self._born: list[MapPart] = []  # structure parts created since `take_structure_changes`
        self._died: list[tuple] = []  # identities of structure parts dropped since then
        self._events: list[MapGrowth] = []
        self._step_hint = 0  # keys the last insert step took
        self._batch = 256  # keys `_put_many` looks at at once (grows while no key needs growth)
        self.hash_seed = 0
        self._reseed()
        self._make(0 if hint is None or hint < 0 else hint)  # makemap: negative hint → 0

    def __deepcopy__(self, memo: dict[int, object]) -> SwissMap:
        """A checkpoint's copy: the arrays copied, the frozen parts and events shared
        (copying them one by one would cost a Python object per table and part)."""
        new = SwissMap.__new__(SwissMap)
        memo[id(self)] = new
        new.__dict__.update(self.__dict__)
        new._rng = copy.deepcopy(self._rng, memo)
        new._store = self._store.copy()
        tables = {id(t): t.moved_to(new._store) for t in self._row_table.values()}
        new._small = None if self._small is None else tables[id(self._small)]
        new._dir = [tables[id(t)] for t in self._dir]
        new._dir_rows = self._dir_rows.copy()
        new._tables = {uid: tables[id(t)] for uid, t in self._tables.items()}
        new._row_table = {row: tables[id(t)] for row, t in self._row_table.items()}
        new._key_row, new._key_slot = self._key_row.copy(), self._key_slot.copy()
        new._present, new._seq = self._present.copy(), self._seq.copy()
        new._named, new._labels = dict(self._named), dict(self._labels)
        new._elem = None if self._elem is None else self._elem.copy()
        new._structure = dict(self._structure)
        new._born, new._died, new._events = list(self._born), list(self._died), list(self._events)
        return new

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

    def _hashes(self, keys: np.ndarray) -> np.ndarray:
        """`hash` of many keys at once (uint64)."""
        return hash_keys(keys, self.hash_seed)

    def _dir_index(self, h: int) -> int:
        """`Map.directoryIndex`: the top globalDepth bits of the hash."""
        if len(self._dir) == 1:
            return 0
        return h >> (64 - self.global_depth)

    def _dir_row_of(self, hashes: np.ndarray) -> np.ndarray:
        """`Map.directoryIndex` of many hashes, as the store row of the table there."""
        if len(self._dir) == 1:
            return np.full(len(hashes), self._dir_rows[0], dtype=np.int64)
        return self._dir_rows[(hashes >> np.uint64(64 - self.global_depth)).astype(np.int64)]

    def _distinct_tables(self) -> list[Table]:
        out: list[Table] = []
        last = None
        for t in self._dir:
            if t is not last:
                out.append(t)
                last = t
        return out

    def _slots(self) -> int:
        if self._small is not None:
            return MAP_GROUP_SLOTS
        return self._table_slots

    def _note(self, kind: str, cause: str, old_slots: int, text: str, moved: int = 0) -> None:
        self._events.append(
            MapGrowth(
                kind=kind, cause=cause, len=self.used, old_slots=old_slots, new_slots=self._slots(),
                tables=self.distinct_tables, dir_len=self.dir_len, global_depth=self.global_depth, text=text,
                moved=moved,
            )
        )

    def _ensure_key_room(self, end: int) -> None:
        """Room in the key → slot arrays for keys below `end`."""
        if end <= len(self._key_row):
            return
        size = max(end, 2 * len(self._key_row), 64)
        self._key_row = _grown(self._key_row, size, 0)
        self._key_slot = _grown(self._key_slot, size, 0)
        self._present = _grown(self._present, size, False)
        self._seq = _grown(self._seq, size, 0)
        if self._elem is not None:
            self._elem = _grown(self._elem, size, -1)

    # -- the parts ------------------------------------------------------------------

    def _add_part(self, part: MapPart) -> None:
        self._structure[part.identity] = part
        self._born.append(part)

    def _drop_part(self, identity: tuple) -> None:
        del self._structure[identity]
        self._died.append(identity)

    def _new_table(self, capacity: int, index: int, local_depth: int) -> Table:
        """`newTable`: the 32-byte table struct, then its groups array."""
        t = Table(self._store, self._new_uid(), capacity, index, local_depth)
        self._tables[t.uid] = t
        self._table_slots += t.capacity
        self._row_table[t.row] = t
        t_ident = ("table", t.uid)
        self._add_part(MapPart(t_ident, "table", TABLE_HEADER_SIZE, False, ("directory", self._dir_uid)))
        self._add_part(MapPart(("groups", t.uid), "groups", (t.mask + 1) * self.group_bytes, self.group_noscan, t_ident))
        return t

    def _free_table(self, t: Table) -> None:
        """A table replaced by grow or split: its parts are garbage, its row free."""
        del self._tables[t.uid]
        self._table_slots -= t.capacity
        del self._row_table[t.row]
        self._store.release(t.row)
        self._drop_part(("table", t.uid))
        self._drop_part(("groups", t.uid))

    def _new_directory(self, length: int) -> None:
        """A new `[]*table` of `length` entries replaces the directory (if any)."""
        if self._dir_uid and ("directory", self._dir_uid) in self._structure:
            self._drop_part(("directory", self._dir_uid))
        self._dir_uid = self._new_uid()
        self._add_part(MapPart(("directory", self._dir_uid), "directory", PTR_SIZE * length, False, ("header",)))

    def _current(self, part: MapPart) -> MapPart:
        """The part with its parent as of now: a table struct hangs off the directory of
        the moment (`growToTable` and `installTableSplit` make a new one)."""
        if part.role == "table" and part.parent != ("directory", self._dir_uid):
            return replace(part, parent=("directory", self._dir_uid))
        return part

    def _set_dir(self, tables: list[Table]) -> None:
        self._dir = tables
        self._dir_rows = np.array([t.row for t in tables], dtype=np.int64)

    def take_structure_changes(self) -> tuple[list[MapPart], list[tuple]]:
        """The structure parts (small group, directory, tables, groups arrays) made since
        the last call and still there, in the order `layout` lists them, and the
        identities of those dropped since then; forgets both."""
        born = [self._current(p) for p in self._born if p.identity in self._structure]
        died = self._died
        self._born, self._died = [], []
        return born, died

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
        self._new_directory(dir_size)
        self._set_dir([self._new_table(target // dir_size, i, self.global_depth) for i in range(dir_size)])

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
        return len(self._tables) if self._dir else 0

    @property
    def total_slots(self) -> int:
        """Slots of the small group or of all distinct tables (0 without storage)."""
        return self._slots() if self.has_storage else 0

    @property
    def tombstones(self) -> int:
        return sum(t.tombstones() for t in self._distinct_tables())

    def keys(self) -> list[int]:
        """Present keys, oldest first."""
        return self._present_keys().tolist()

    def _present_keys(self, limit: int | None = None) -> np.ndarray:
        """Present keys in the order they were (last) inserted, oldest first; with
        `limit`, only the first `limit` of them."""
        first, end = self._first_key, self._next_key
        if self._reordered:
            keys = np.flatnonzero(self._present[first:end]) + first
            keys = keys[np.argsort(self._seq[keys], kind="stable")]
            return keys if limit is None else keys[:limit]
        if limit is None:
            return np.flatnonzero(self._present[first:end]) + first
        found: list[np.ndarray] = []
        need, at, chunk = limit, first, max(2 * limit, 1024)
        while need > 0 and at < end:  # key order is insertion order: scan from the oldest
            hits = np.flatnonzero(self._present[at : min(at + chunk, end)])[:need] + at
            found.append(hits)
            need -= len(hits)
            at += chunk
            chunk *= 2
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def oldest(self, count: int) -> np.ndarray:
        """The `count` present keys `delete(count)` would delete: the oldest."""
        return self._present_keys(count)

    def has(self, key: int) -> bool:
        """Whether `key` is in the map now."""
        return 0 <= key < len(self._present) and bool(self._present[key])

    # -- keys the scenario names, and what values point at -----------------------------

    def key_id(self, label: object) -> int:
        """The integer standing for the key `label` (`m["alice"]`), given at its first use."""
        key = self._named.get(label)
        if key is None:
            key = self._named[label] = self._next_key
            self._labels[key] = label
            self._next_key += 1
            self._ensure_key_room(self._next_key)
        return key

    def named(self, label: object) -> int | None:
        """The integer of a key the scenario named before, or None."""
        return self._named.get(label)

    def label(self, key: int) -> object | None:
        """The scenario's name of a key (None for a key inserted by count)."""
        return self._labels.get(key)

    def named_keys(self) -> list[tuple[object, int, bool]]:
        """(label, key, present) of every key the scenario named, in first-use order."""
        return [(label, key, self.has(key)) for label, key in self._named.items()]

    @property
    def has_elems(self) -> bool:
        """Whether a value ever pointed at an object (`set_elems` was called)."""
        return self._elem is not None

    def set_elems(self, keys: np.ndarray, target: int) -> np.ndarray:
        """The values of present `keys` now point at object `target` (-1: nil); returns
        what each pointed at before."""
        if self._elem is None:
            self._elem = np.full(len(self._present), -1, dtype=np.int64)
        old = self._elem[keys].copy()
        self._elem[keys] = target
        return old

    def elems(self, keys: np.ndarray) -> np.ndarray:
        """The object each key's value points at (-1: nil)."""
        if self._elem is None:
            return np.full(len(keys), -1, dtype=np.int64)
        return self._elem[keys]

    def pointed_keys(self) -> np.ndarray:
        """Present keys whose value points at an object."""
        if self._elem is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self._present & (self._elem >= 0))

    def slots_of(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(store row, slot) of present keys."""
        return self._key_row[keys].astype(np.int64), self._key_slot[keys].astype(np.int64)

    def row_identity(self, row: int) -> tuple:
        """The part whose slots are store row `row`: the small group or a table's groups array."""
        t = self._row_table[row]
        return ("group", t.uid) if t is self._small else ("groups", t.uid)

    def _part_table(self, identity: tuple) -> Table | None:
        for t in self._row_table.values():
            if t.uid == identity[1]:
                return t
        return None

    def part_keys(self, identity: tuple) -> tuple[np.ndarray, np.ndarray]:
        """(slot, key) of every full slot of a group part (`("group" | "groups", uid)`)."""
        t = self._part_table(identity)
        if t is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        slots = t.full_slots()
        return slots, self._store.keys[t.row, slots]

    def part_slots(self, identity: tuple) -> int:
        """Slots of a group part: 8 for the small group, a table's capacity for its groups."""
        t = self._part_table(identity)
        return 0 if t is None else t.capacity

    def where(self, key: int) -> tuple[int, int, int]:
        """(table, as the views number them; group; slot in the group) of a present key."""
        row, slot = int(self._key_row[key]), int(self._key_slot[key])
        table = 0
        if self._small is None:
            table = [t.row for t in self._distinct_tables()].index(row)
        return table, slot // MAP_GROUP_SLOTS, slot % MAP_GROUP_SLOTS

    def contains(self, key: int) -> bool:
        """`Map.getWithKey`'s lookup: probe for the key as Go does (H2 match, stop at an empty slot).

        Used by tests to check the probing invariant that tombstones protect.
        """
        if self.used == 0:
            return False
        h = self.hash(key)
        h2 = h & 0x7F
        store = self._store
        if self._small is not None:  # getWithKeySmall: the one group
            row = self._small.row
            return any(store.ctrl[row, j] == h2 and store.keys[row, j] == key for j in range(MAP_GROUP_SLOTS))
        if not self._dir:
            return False
        t = self._dir[self._dir_index(h)]
        for g in t.probe(h >> 7):
            base = g * MAP_GROUP_SLOTS
            for j in range(MAP_GROUP_SLOTS):
                if store.ctrl[t.row, base + j] == h2 and store.keys[t.row, base + j] == key:
                    return True
            if t.has_empty(g):
                return False
        return False  # pragma: no cover - a table always has an empty slot

    # -- insert -------------------------------------------------------------------

    def insert(self, count: int = 1) -> list[MapGrowth]:
        """`m[k] = v` for `count` keys never inserted before; returns the growth it caused."""
        events: list[MapGrowth] = []
        left = count
        while left > 0:
            keys, changes = self.insert_step(left)
            events += changes
            left -= len(keys)
        return events

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
        self._batch = max(256, 2 * self._step_hint)
        first = self._next_key
        end = first + count
        if count > 0:
            self._ensure_key_room(end)
            self._put(first, True)
            self._next_key += 1
        while self._next_key < end:
            if self._small is not None or not self._dir:
                if not self._put(self._next_key, False):
                    break  # this key would grow the map: it opens the next step
                self._next_key += 1
            elif not self._put_many(end):
                break
        self._step_hint = self._next_key - first
        self._now_present(np.arange(first, self._next_key, dtype=np.int64))
        return range(first, self._next_key), self._events

    def _now_present(self, keys: np.ndarray) -> None:
        """Keys just put in the map: present, and the newest."""
        if not len(keys):
            return
        self._present[keys] = True
        self._seq[keys] = self._clock + np.arange(len(keys), dtype=np.int64)
        self._clock += len(keys)
        self._top = max(self._top, int(keys.max()) + 1)

    def insert_key(self, key: int) -> tuple[bool, list[MapGrowth]]:
        """`m[k] = v` for one key (`key_id`): (whether it was new, the growth it caused).

        A present key only has its value replaced: `Map.PutSlot` finds it by its H2 in
        its probe sequence and returns its slot. A new key is put as any new key is (a
        tombstone met first on its probe sequence is reused); one deleted before probes
        from the same hash, unless deleting the map's last key reseeded the map.
        """
        self._events = []
        if self.has(key):
            return False, []
        self._ensure_key_room(key + 1)
        if key < self._top:
            self._reordered = True  # inserted again: newer than keys with higher integers
        self._put(key, True)
        self._now_present(np.array([key], dtype=np.int64))
        self._first_key = min(self._first_key, key)
        return True, self._events

    def _put_many(self, end: int) -> bool:
        """Insert keys from `_next_key` on, below `end`, into the tables, as long as no
        key needs its table grown; False when the next key would grow the map.

        A batch of keys is cut before the first key that finds its table without growth
        left once the batch's earlier keys are in (that key goes through `_put`, which
        may still put it without growing: a reused tombstone, a successful prune). The
        keys before the cut go in rounds: the first key of each table, then the second,
        and so on; within a round every key has its own table.
        """
        start = self._next_key
        size = min(end - start, self._batch)
        keys = np.arange(start, start + size, dtype=np.int64)
        hashes = self._hashes(keys)
        rows = self._dir_row_of(hashes)
        rank = stable_rank(rows)
        over = np.flatnonzero(rank >= self._store.growth_left[rows])
        cut = int(over[0]) if over.size else size
        if cut:
            self._put_rounds(keys[:cut], hashes[:cut], rows[:cut], rank[:cut])
            self._next_key += cut
        if cut == size:
            self._batch *= 2
            return True
        key = int(keys[cut])
        if not self._put(key, False):
            return False
        self._next_key += 1
        return True

    def _put_rounds(self, keys: np.ndarray, hashes: np.ndarray, rows: np.ndarray, rank: np.ndarray) -> None:
        """`(*table).PutSlot` of keys whose tables all have growth left for them."""
        order = np.argsort(rank, kind="stable")
        bounds = np.cumsum(np.bincount(rank))
        start = 0
        for stop in bounds.tolist():
            pick = order[start:stop]
            start = stop
            if len(pick) >= _VECTOR_MIN:
                slots = put_round(self._store, rows[pick], keys[pick], hashes[pick])
                self._key_row[keys[pick]] = rows[pick]
                self._key_slot[keys[pick]] = slots
            else:
                for k, h, row in zip(keys[pick].tolist(), hashes[pick].tolist(), rows[pick].tolist()):
                    slot = self._table_put(self._row_table[row], h, k, False)
                    assert slot >= 0, "a table with growth left took no key"
                    self._key_row[k] = row
                    self._key_slot[k] = slot
        self.used += len(keys)

    def _put(self, key: int, may_grow: bool) -> bool:
        """`Map.PutSlot` (and `runtime_mapassign_fast*`, which follow the same steps).

        With `may_grow` False, a key that would need new memory is not inserted and
        False is returned, the map untouched (a failed `pruneTombstones` changes nothing).
        """
        h = self.hash(key)
        if not may_grow and (not self.has_storage or (self._small is not None and self._small.used == MAP_GROUP_SLOTS)):
            return False  # growToSmall / growToTable would allocate
        if not self.has_storage:
            # growToSmall: one group, all slots empty
            self._small = Table(self._store, self._new_uid(), MAP_GROUP_SLOTS, 0, 0)
            self._row_table[self._small.row] = self._small
            self._add_part(MapPart(("group", self._small.uid), "group", self.group_bytes, self.group_noscan, ("header",)))
            self._note("map_grow", "growToSmall", 0, "first insert allocates the map's single 8-slot group")
        if self._small is not None:
            small = self._small
            j = small.first_free(0)  # putSlotSmall: matchEmptyOrDeleted().first()
            if j >= 0:
                small.set_slot(j, h, key)
                small.used += 1
                self._record(key, small, j)
                self.last_put = (small.row, j, False)
                return True
            tab = self._grow_to_table()
            slot = self._table_put(tab, h, key)  # uncheckedPutSlotForAssign
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

    def _record(self, key: int, table: Table, slot: int) -> None:
        self.used += 1
        self._key_row[key] = table.row
        self._key_slot[key] = slot

    def _table_put(self, t: Table, h: int, key: int, may_grow: bool = True) -> int:
        """`table.PutSlot` for a new key: the slot used, or -1 after a rehash.

        With `may_grow` False: `_WOULD_GROW` instead of rehashing, nothing changed.
        """
        first_deleted = -1
        row_ctrl = self._store.ctrl[t.row].tobytes()
        for g in t.probe(h >> 7):
            base = g * MAP_GROUP_SLOTS
            group = row_ctrl[base : base + MAP_GROUP_SLOTS]
            j = first_empty_or_deleted(group)
            if j < 0:
                continue  # nothing but filled slots: keep probing
            slot = base + j
            if group[j] == CTRL_DELETED:
                if first_deleted < 0:
                    first_deleted = slot  # remember the first tombstone, keep probing
                continue
            # An empty slot: the end of the probe sequence.
            growth_left = t.growth_left
            if first_deleted >= 0:
                slot = first_deleted
                growth_left += 1  # reusing a tombstone costs no growth
                t.growth_left = growth_left
            if growth_left == 0:
                self._prune_tombstones(t)
                growth_left = t.growth_left
            if growth_left > 0:
                t.set_slot(slot, h, key)
                t.growth_left = growth_left - 1
                t.used += 1
                self.last_put = (t.row, slot, first_deleted >= 0)
                return slot
            if not may_grow:
                return _WOULD_GROW
            self._rehash(t)
            return -1
        raise AssertionError("unreachable")

    def _move_into(self, new: Table, keys: np.ndarray, hashes: np.ndarray) -> None:
        """`uncheckedPutSlot` of moved entries, in the old table's slot order, into `new`."""
        slots = fill_new_table(self._store, new.row, keys, hashes)
        self._key_row[keys] = new.row
        self._key_slot[keys] = slots

    def _entries(self, t: Table) -> tuple[np.ndarray, np.ndarray]:
        """Keys of every full slot of t in slot order (how grow/split walk a table), and
        their hashes (`typ.Hasher`, computed again for each)."""
        keys = self._store.keys[t.row, t.full_slots()]
        return keys, self._hashes(keys)

    def _grow_to_table(self) -> Table:
        """`Map.growToTable`: the 8 small entries move into a 16-slot table."""
        assert self._small is not None
        small, self._small = self._small, None
        tab = self._new_table(2 * MAP_GROUP_SLOTS, 0, 0)
        keys, hashes = self._entries(small)
        self._move_into(tab, keys, hashes)
        self._new_directory(1)
        self._set_dir([tab])
        self.global_depth = 0
        del self._row_table[small.row]
        self._store.release(small.row)
        self._drop_part(("group", small.uid))
        self._note("map_grow", "growToTable", MAP_GROUP_SLOTS, "9th entry: the small group becomes a table of 16 slots",
                   moved=len(keys))
        return tab

    def _rehash(self, t: Table) -> None:
        """`table.rehash`: grow to 2× capacity, or split at 1024 slots."""
        if 2 * t.capacity <= MAX_TABLE_CAPACITY:
            self._grow(t, 2 * t.capacity)
        else:
            self._split(t)

    def _grow(self, t: Table, new_capacity: int) -> None:
        """`table.grow`: a new, bigger table replaces t in every directory slot it had."""
        old_slots = self._slots()
        nt = self._new_table(new_capacity, t.index, t.local_depth)
        keys, hashes = self._entries(t)
        self._move_into(nt, keys, hashes)
        self._replace_table(nt)
        t.index = -1
        text = f"table full ({t.used} entries, {t.tombstones()} tombstones): grows {t.capacity} → {new_capacity} slots"
        self._free_table(t)
        self._note("map_grow", "grow", old_slots, text, moved=len(keys))

    def _split(self, t: Table) -> None:
        """`table.split`: two 1024-slot tables, divided by hash bit localDepth+1 from the top."""
        old_slots = self._slots()
        depth = t.local_depth + 1
        left = self._new_table(MAX_TABLE_CAPACITY, -1, depth)
        right = self._new_table(MAX_TABLE_CAPACITY, -1, depth)
        keys, hashes = self._entries(t)
        to_right = (hashes >> np.uint64(64 - depth)) & np.uint64(1) != 0  # localDepthMask
        self._move_into(left, keys[~to_right], hashes[~to_right])
        self._move_into(right, keys[to_right], hashes[to_right])
        doubled = self._install_table_split(t, left, right)
        t.index = -1
        self._free_table(t)  # the old table's struct and groups are garbage from here on
        self._note(
            "map_split", "split", old_slots,
            f"1024-slot table full: split in two by hash bit {depth}"
            + (f"; directory doubles to {self.dir_len}" if doubled else ""),
            moved=len(keys),
        )

    def _replace_table(self, nt: Table) -> None:
        """`Map.replaceTable`: nt takes its 2^(globalDepth − localDepth) directory entries."""
        span = 1 << (self.global_depth - nt.local_depth)
        for i in range(span):
            self._dir[nt.index + i] = nt
        self._dir_rows[nt.index : nt.index + span] = nt.row

    def _install_table_split(self, old: Table, left: Table, right: Table) -> bool:
        """`Map.installTableSplit`: double the directory if needed, then install both halves."""
        doubled = False
        if old.local_depth == self.global_depth:
            new_dir: list[Table] = []
            for i, t in enumerate(self._dir):
                new_dir += [t, t]
                if t.index == i:
                    t.index = 2 * i
            self._new_directory(len(new_dir))
            self._dir = new_dir
            self._dir_rows = np.repeat(self._dir_rows, 2)
            self.global_depth += 1
            doubled = True
        left.index = old.index
        self._replace_table(left)
        right.index = left.index + (1 << (self.global_depth - left.local_depth))
        self._replace_table(right)
        return doubled

    def _prune_tombstones(self, t: Table) -> None:
        """`table.pruneTombstones`: turn unneeded tombstones back into empty slots.

        Only if tombstones are ≥ 10 % of capacity and ≥ 10 % of capacity can go: a
        group's tombstones are needed if some key's probe sequence passes through it.
        """
        if t.tombstones() * 10 < t.capacity:
            return
        groups = t.mask + 1
        ctrl = t.ctrl.reshape(groups, MAP_GROUP_SLOTS)
        free = (ctrl & CTRL_EMPTY) != 0
        has_free = free.any(axis=1).tolist()  # a group a probe passes with one is all tombstones
        needed = (ctrl == CTRL_EMPTY).any(axis=1).tolist()  # a group with an empty slot
        full = t.full_slots()
        homes = (self._hashes(self._store.keys[t.row, full]) >> np.uint64(7)).astype(np.int64) & t.mask
        mask = t.mask
        for g, off in zip((full // MAP_GROUP_SLOTS).tolist(), homes.tolist()):
            index = 0
            while off != g:  # the groups the probe sequence passes before reaching g
                if has_free[off]:  # must be a tombstone: mark it needed
                    needed[off] = True
                index += 1
                off = (off + index) & mask
        prunable = ~np.array(needed, dtype=bool)
        cnt = int(free[prunable].sum())
        if cnt * 10 < t.capacity:
            return
        old_tomb = t.tombstones()
        pruned = free & prunable[:, None]
        ctrl[pruned] = CTRL_EMPTY
        t.growth_left += cnt
        self._note(
            "map_prune", "pruneTombstones", self._slots(),
            f"table full: {old_tomb - t.tombstones()} of {old_tomb} tombstones pruned instead of growing",
        )

    # -- delete / clear ---------------------------------------------------------

    def delete(self, count: int = 1) -> int:
        """`delete(m, k)` for the `count` oldest present keys; returns how many tombstones it left."""
        if count > self.used:
            raise ValueError(f"cannot delete {count} keys from a map of {self.used}")
        if count <= 0:
            return 0
        return int(self._delete_keys(self._present_keys(count)).sum())

    def delete_all(self) -> int:
        """Delete every key in a loop (oldest first), as `for k := range ... { delete(m, k) }`."""
        return self.delete(self.used)

    def delete_key(self, key: int) -> tuple[bool, bool]:
        """`delete(m, k)` for one key: (whether it was there, whether its slot became a
        tombstone). A key not in the map changes nothing (`Map.Delete` finds no match)."""
        if not self.has(key):
            return False, False
        return True, bool(self._delete_keys(np.array([key], dtype=np.int64))[0])

    def _delete_keys(self, keys: np.ndarray) -> np.ndarray:
        """Delete present `keys`; returns for each whether its slot became a tombstone.

        `Map.Delete` → `deleteSmall` (never a tombstone) or `table.Delete`: the slot
        becomes empty if its group has an empty slot, else a tombstone (a full group can
        sit in the middle of a probe sequence). Deleting never gives a group an empty
        slot it lacked, so the group as it was before decides for all of its keys. The
        value is cleared (`typedmemclr`): it points at nothing any more.
        """
        count = len(keys)
        rows = self._key_row[keys].astype(np.int64)
        slots = self._key_slot[keys].astype(np.int64)
        store = self._store
        if self._small is not None:
            tomb = np.zeros(count, dtype=bool)  # deleteSmall
        else:
            base = slots // MAP_GROUP_SLOTS * MAP_GROUP_SLOTS
            groups = store.ctrl[rows[:, None], base[:, None] + np.arange(MAP_GROUP_SLOTS)]
            tomb = ~(groups == CTRL_EMPTY).any(axis=1)
        store.ctrl[rows, slots] = np.where(tomb, CTRL_DELETED, CTRL_EMPTY).astype(np.uint8)
        store.keys[rows, slots] = -1
        store.used -= np.bincount(rows, minlength=store.rows)
        if self._small is None:
            store.growth_left += np.bincount(rows[~tomb], minlength=store.rows)
            if tomb.any():
                self.tombstone_possible = True
        self._present[keys] = False
        if self._elem is not None:
            self._elem[keys] = -1
        self.used -= count
        if self.used == 0:
            self._reseed()  # Map.Delete: the last key gone, a new hash seed
            self._first_key = self._next_key
            self._reordered = False
        else:
            self._first_key = self._lowest_present()
        return tomb

    def _lowest_present(self) -> int:
        """The lowest present key, searched from `_first_key` on (the map is not empty)."""
        at, chunk = self._first_key, 1024
        while True:
            window = self._present[at : at + chunk]
            if window.any():
                return at + int(np.argmax(window))
            at += chunk
            chunk *= 2

    def clear(self) -> None:
        """`clear(m)` (`Map.Clear`): every slot empty, tombstones gone, memory kept."""
        if self.used == 0 and not self.tombstone_possible:
            return
        store = self._store
        if self._small is not None:
            row = self._small.row  # clearSmall
            store.ctrl[row] = CTRL_EMPTY
            store.keys[row] = -1
            store.used[row] = 0
        else:
            for t in self._tables.values():  # table.Clear
                store.ctrl[t.row] = CTRL_EMPTY
                store.keys[t.row] = -1
                store.used[t.row] = 0
                store.growth_left[t.row] = t.max_growth_left()
            self.tombstone_possible = False
        self.used = 0
        self._present[:] = False
        if self._elem is not None:
            self._elem[:] = -1
        self._first_key = self._next_key
        self._reordered = False
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
        parts = [MapPart(("header",), "header", MAP_HEADER_SIZE, False, None)]
        parts += [self._current(p) for p in self._structure.values()]
        if values:
            parts += self.value_parts(self._present_keys().tolist())
        return parts

    def value_parts(self, keys: Iterable[int]) -> list[MapPart]:
        """The indirect key and value objects (> 128 B) of these present keys, key before
        value as `PutSlot` allocates them; empty if the map stores both inline."""
        if not (self.indirect_keys or self.indirect_values):
            return []
        parts: list[MapPart] = []
        key_list = list(keys)
        rows = self._key_row[np.array(key_list, dtype=np.int64)].tolist() if key_list else []
        parents: dict[int, tuple[str, int]] = {}
        for row in set(rows):
            t = self._row_table[row]
            parents[row] = ("group", t.uid) if t is self._small else ("groups", t.uid)
        kt, vt = self.key_type, self.value_type
        for k, row in zip(key_list, rows):
            parent = parents[row]
            if self.indirect_keys:
                parts.append(MapPart(("key", k), "key", kt.size, kt.noscan, parent))
            if self.indirect_values:
                parts.append(MapPart(("value", k), "value", vt.size, vt.noscan, parent))
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


_WOULD_GROW = -2  # _table_put: the key needs a rehash the caller did not allow
