"""Events: what one operation made the simulated runtime do, in order.

Each event has a `kind`, a sentence for people (`text`, with the numbers that explain
it, e.g. "append grew cap 512 → 848: 848 × 8 B = 6784 B, size class 49") and the
machine-readable fields that `gomemtui run --json` prints. The fields of the kinds
below are a contract other tools rely on (see DESIGN.md); more kinds may be added.

| kind | fields |
|---|---|
| growslice | var, old_len, old_cap, new_cap, new_bytes |
| gc | cycle, heap0, heap1, live, goal (bytes, as in a gctrace line), forced, line (the gctrace line) |
| pool_get | pool, var, source ("private"/"shared"/"victim"/"new"/"nil"), object (None for nil), typed_nil (a `(*T)(nil)` a Put left) |
| pool_put | pool, var (None for `Put(nil)`), object (None for a nil), where ("private"/"shared"/"ignored"), typed_nil |
| pool_cleanup | pool, dropped, to_victim |
| alloc | var, bytes, size, size_class, span_class, noscan, tiny, large, stack |
| gc_phase | cycle, phase (see views.GCPhase), reason |
| write_barrier | target, old, new (object names shaded) |
| mark_assist | g, work_bytes |
| sweep | spans, freed_bytes, freed_objects |
| map_grow | var, old_slots, new_slots, tables, dir_len |
| map_split | var, tables, dir_len |
| stack_grow | goroutine, old_size, new_size |
| stack_shrink | goroutine, old_size, new_size |
| goroutine | goroutine, state |
| var | var, state ("dead", "global") |
| substring | var, source, low, high, len, array (the bytes' name, None for static data or ""), array_bytes (heap bytes they take) |
| map_insert | var, key (None: `count` keys), value, new, len; with a key: table, group, slot, reused_tombstone |
| map_delete | var, deleted, len; with a key: key, tombstone |
| free_os_memory | released_bytes, idle_bytes, heap_released_bytes |
| set_finalizer / add_cleanup | var, object (and bytes / cleanup) |
| finalizer_queued / finalizer_run / cleanup_queued / cleanup_run / weak_cleared | object (and cleanup) |
| closure | var, bytes (the closure's and moved variables' sizes, 0 on the stack), stack, captures, by_reference, moved (the names moved to heap) |
| weak_make / weak_value | var, source, object (weak_make: handle, new_handle) |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping


@dataclass(frozen=True)
class Event:
    """One thing the runtime did."""

    kind: str
    text: str
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @staticmethod
    def make(kind: str, text: str, **data: Any) -> "Event":
        """Build an event whose data is read-only."""
        return Event(kind, text, MappingProxyType(dict(data)))

    def to_json(self) -> dict[str, Any]:
        """The JSON object `run --json` prints for this event."""
        return {"kind": self.kind, **self.data}


class EventLog:
    """The events of the action being run, in the order the runtime's parts emit them."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        """Emitted since the last `take`."""

    def emit(self, kind: str, text: str, **data: Any) -> None:
        """Record one event (its data is made read-only)."""
        self.events.append(Event.make(kind, text, **data))

    def take(self) -> list[Event]:
        """The events so far, oldest first; the log starts empty again."""
        events, self.events = self.events, []
        return events
