"""The heap's objects: one row per object id, in numpy arrays.

No object has a Python object: every field is an array indexed by object id. Ids are
issued in allocation order and never reused (an object freed by the sweeper keeps its
row, marked dead); entries past `n_objects` always hold the defaults.

Each object also carries what Go's heap profiler attaches to a profiled allocation
(`runtime/mprof.go mProf_Malloc` → `setprofilebucket`): its allocation site, the bytes
the profile records for it, and the profiling cycle in which sweeping freed it
(`mProf_Free`). `mprof.py` keeps the sites and the cycles; `runtime/read/profile.py`
reads the profile from these arrays.
"""

from __future__ import annotations

import copy

import numpy as np

from gomemtui.runtime.memory.spans import grow_array

INITIAL_OBJECTS = 1024
"""Rows allocated up front (the arrays double as objects are issued)."""


class ObjectTable:
    """Per-object arrays: size, span, slot, live and mark bits, tiny-block chains."""

    def __init__(self) -> None:
        n = INITIAL_OBJECTS
        self.n_objects = 0
        """Object ids issued so far (ids are 0..n_objects-1, never reused)."""
        self.obj_size = np.zeros(n, dtype=np.int64)
        """Requested bytes."""
        self.obj_span = np.full(n, -1, dtype=np.int32)
        """Span id holding the object (of the object's time: span ids are recycled)."""
        self.obj_slot = np.zeros(n, dtype=np.uint16)
        """Slot index in the span (a tiny object: its block's slot)."""
        self.obj_live = np.zeros(n, dtype=bool)
        """Allocated and not yet freed by sweeping (garbage stays live until swept)."""
        self.obj_marked = np.zeros(n, dtype=bool)
        """Mark bit of the current/last cycle; cleared when a cycle's mark begins."""
        self.obj_next = np.full(n, -1, dtype=np.int32)
        """Next sub-object of the same tiny block, -1 at the end (and for other objects)."""
        self.obj_site = np.full(n, -1, dtype=np.int32)
        """Allocation site (an index into `ProfileBook.sites`; -1: allocated outside a step)."""
        self.obj_profiled = np.zeros(n, dtype=np.int64)
        """Bytes the heap profile records for this malloc (`profilealloc(mp, x, elemsize)`):
        the slot's size, a large object's whole span, 16 for the object that opened a tiny
        block and 0 for the others sharing it."""
        self.obj_freed = np.full(n, -1, dtype=np.int32)
        """`mProfCycle` when sweeping freed the object (`mProf_Free`); -1 while allocated."""
        self.profile_cycle = 0
        """`mProfCycle`: heap-profile cycles begun (one per mark termination)."""

    def new_id(self) -> int:
        """One new object id. Entries past `n_objects` always hold the defaults
        (not marked, no next), so only size/span/slot/live need writing."""
        oid = self.n_objects
        if oid >= self.obj_size.shape[0]:
            self.new_ids(1)
        else:
            self.n_objects = oid + 1
        return oid

    def new_ids(self, count: int) -> np.ndarray:
        """`count` new consecutive object ids (the arrays grow if needed)."""
        start = self.n_objects
        need = start + count
        if need > self.obj_size.shape[0]:
            self.obj_size = grow_array(self.obj_size, need, 0)
            self.obj_span = grow_array(self.obj_span, need, -1)
            self.obj_slot = grow_array(self.obj_slot, need, 0)
            self.obj_live = grow_array(self.obj_live, need, False)
            self.obj_marked = grow_array(self.obj_marked, need, False)
            self.obj_next = grow_array(self.obj_next, need, -1)
            self.obj_site = grow_array(self.obj_site, need, -1)
            self.obj_profiled = grow_array(self.obj_profiled, need, 0)
            self.obj_freed = grow_array(self.obj_freed, need, -1)
        self.n_objects = need
        return np.arange(start, need, dtype=np.int64)

    def place(self, ids: np.ndarray, size: int, sids: np.ndarray, slots: np.ndarray) -> None:
        """New objects `ids` of `size` bytes live in slots `slots` of spans `sids`."""
        self.obj_size[ids] = size
        self.obj_span[ids] = sids
        self.obj_slot[ids] = slots
        self.obj_live[ids] = True
        self.obj_marked[ids] = False
        self.obj_next[ids] = -1

    def __deepcopy__(self, memo: dict[int, object]) -> ObjectTable:
        """Copy with every array trimmed to its used length (cheap snapshots)."""
        new = ObjectTable.__new__(ObjectTable)
        memo[id(self)] = new
        n = self.n_objects
        for key, value in self.__dict__.items():
            if key.startswith("obj_"):
                setattr(new, key, value[:n].copy())
            else:
                setattr(new, key, copy.deepcopy(value, memo))
        return new
