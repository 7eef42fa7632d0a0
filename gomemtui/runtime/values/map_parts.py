"""What a map model hands the facade: its heap objects, its growth, its tables as shown."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MapGrowth", "MapPart", "TableView"]


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
