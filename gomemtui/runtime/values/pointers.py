"""The pointers between heap objects, and the names objects are shown by.

A heap object that holds pointers owns a run of "pointer slots" in one numpy array
(`slot_dst`): a struct gets one slot per pointer field, a backing array of pointers one
per element. A slot holds the id of the object it points to, or -1 (nil). The
collector builds its graph from these arrays, so a million linked-list nodes cost a few
numpy entries each, never a Python object.

Objects are named after the variable that first held them ("node", then "node#2",
"node#3", ... when the same variable receives further new objects); the name is
derived from two small integer arrays on demand.
"""

from __future__ import annotations

import numpy as np

_INITIAL = 1024


def _grown(array: np.ndarray, need: int, fill: int) -> np.ndarray:
    """`array` enlarged (doubling) to hold at least `need` entries, new ones = fill."""
    if need <= len(array):
        return array
    size = max(need, 2 * len(array), _INITIAL)
    bigger = np.full(size, fill, dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger


class PointerSlots:
    """Pointer slots per object, and object names."""

    def __init__(self) -> None:
        self.slot_dst = np.full(_INITIAL, -1, dtype=np.int64)
        """Target object id of each slot, -1 for nil."""
        self.slot_src = np.full(_INITIAL, -1, dtype=np.int64)
        """Object owning each slot (so edges can be built without a Python loop)."""
        self.n_slots = 0
        self.obj_base = np.full(_INITIAL, -1, dtype=np.int64)
        """First slot of an object, -1 if it has none."""
        self.obj_count = np.zeros(_INITIAL, dtype=np.int32)
        self.obj_namer = np.full(_INITIAL, -1, dtype=np.int32)
        """Index into `namers` of the variable that first held the object, -1 unnamed."""
        self.obj_seq = np.zeros(_INITIAL, dtype=np.int32)
        self.namers: list[str] = []
        self._namer_index: dict[str, int] = {}
        self._namer_count: list[int] = []
        self.obj_role: dict[int, str] = {}
        """Names of unnamed internal objects (map groups, arrays): few, so a dict."""

    def _ensure_objects(self, n_objects: int) -> None:
        if n_objects > len(self.obj_base):
            self.obj_base = _grown(self.obj_base, n_objects, -1)
            self.obj_count = _grown(self.obj_count, n_objects, 0)
            self.obj_namer = _grown(self.obj_namer, n_objects, -1)
            self.obj_seq = _grown(self.obj_seq, n_objects, 0)

    def add_slots(self, oids: np.ndarray | int, count: int) -> None:
        """Give each object in `oids` `count` nil pointer slots."""
        oids = np.atleast_1d(np.asarray(oids, dtype=np.int64))
        if count <= 0 or len(oids) == 0:
            return
        self._ensure_objects(int(oids.max()) + 1)
        total = len(oids) * count
        start = self.n_slots
        self.slot_dst = _grown(self.slot_dst, start + total, -1)
        self.slot_src = _grown(self.slot_src, start + total, -1)
        self.obj_base[oids] = start + np.arange(len(oids), dtype=np.int64) * count
        self.obj_count[oids] = count
        self.slot_dst[start : start + total] = -1
        self.slot_src[start : start + total] = np.repeat(oids, count)
        self.n_slots += total

    def slot_count(self, oid: int) -> int:
        if oid >= len(self.obj_count):
            return 0
        return int(self.obj_count[oid])

    def get(self, oid: int, index: int) -> int:
        """Target of slot `index` of `oid` (-1 nil)."""
        return int(self.slot_dst[self.obj_base[oid] + index])

    def set(self, oid: int, index: int, target: int) -> int:
        """Store `target` (-1 nil) in slot `index` of `oid`; returns the old target."""
        where = int(self.obj_base[oid]) + index
        old = int(self.slot_dst[where])
        self.slot_dst[where] = target
        return old

    def set_many(self, oid: int, indexes: np.ndarray, targets: np.ndarray) -> None:
        """Store `targets[i]` (-1 nil) in slot `indexes[i]` of `oid`."""
        self.slot_dst[int(self.obj_base[oid]) + np.asarray(indexes, dtype=np.int64)] = targets

    def set_range(self, oid: int, start: int, stop: int, target: int) -> None:
        base = int(self.obj_base[oid])
        self.slot_dst[base + start : base + stop] = target

    def copy_range(self, src_oid: int, src_start: int, dst_oid: int, dst_start: int, n: int) -> None:
        """Copy n pointer slots (what `copy`/`growslice` do to pointer elements)."""
        if n <= 0:
            return
        s = int(self.obj_base[src_oid]) + src_start
        d = int(self.obj_base[dst_oid]) + dst_start
        self.slot_dst[d : d + n] = self.slot_dst[s : s + n]

    def targets(self, oid: int) -> np.ndarray:
        """Non-nil targets of an object's slots."""
        if oid >= len(self.obj_base) or self.obj_base[oid] < 0:
            return np.empty(0, dtype=np.int64)
        base = int(self.obj_base[oid])
        dst = self.slot_dst[base : base + int(self.obj_count[oid])]
        return dst[dst >= 0]

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """All non-nil pointers as (source ids, target ids)."""
        dst = self.slot_dst[: self.n_slots]
        keep = dst >= 0
        return self.slot_src[: self.n_slots][keep], dst[keep]

    # -- names -----------------------------------------------------------------

    def _namer(self, var: str) -> int:
        index = self._namer_index.get(var)
        if index is None:
            index = len(self.namers)
            self.namers.append(var)
            self._namer_index[var] = index
            self._namer_count.append(0)
        return index

    def name_objects(self, oids: np.ndarray | int, var: str) -> None:
        """Name new objects after the variable that receives them."""
        index = self._namer(var)
        if isinstance(oids, (int, np.integer)):
            oid = int(oids)  # one object: the common case, kept free of array building
            if oid >= len(self.obj_namer):
                self._ensure_objects(oid + 1)
            self._namer_count[index] += 1
            self.obj_namer[oid] = index
            self.obj_seq[oid] = self._namer_count[index]
            return
        oids = np.atleast_1d(np.asarray(oids, dtype=np.int64))
        if len(oids) == 0:
            return
        self._ensure_objects(int(oids.max()) + 1)
        first = self._namer_count[index] + 1
        self.obj_namer[oids] = index
        self.obj_seq[oids] = np.arange(first, first + len(oids), dtype=np.int32)
        self._namer_count[index] += len(oids)

    def name_internal(self, oid: int, name: str) -> None:
        self.obj_role[oid] = name

    def name(self, oid: int) -> str:
        """The display name of an object."""
        if oid in self.obj_role:
            return self.obj_role[oid]
        if 0 <= oid < len(self.obj_namer) and self.obj_namer[oid] >= 0:
            var = self.namers[int(self.obj_namer[oid])]
            seq = int(self.obj_seq[oid])
            return var if seq == 1 else f"{var}#{seq}"
        return f"obj{oid}"

    def find(self, name: str) -> int | None:
        """The object id with a display name, or None."""
        for oid, role in self.obj_role.items():
            if role == name:
                return oid
        var, _, seq_text = name.partition("#")
        index = self._namer_index.get(var)
        if index is None:
            return None
        seq = int(seq_text) if seq_text.isdigit() else 1
        hits = np.flatnonzero((self.obj_namer == index) & (self.obj_seq == seq))
        return int(hits[0]) if len(hits) else None
