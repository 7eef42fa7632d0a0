"""The simulated program's own state: variables, slice headers, arrays, goroutines.

These are few (one per scenario variable or goroutine), so they are small mutable
dataclasses; the heap objects they point to live in numpy arrays (`heap.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gomemtui.runtime.types import NIL, GoType
from gomemtui.runtime.values.maps import SwissMap
from gomemtui.runtime.values.pool import SyncPool
from gomemtui.runtime.values.strings import StringHeader

__all__ = [
    "NIL", "UNKNOWN_POINTEE", "Array", "Goroutine", "MapRecord", "PoolRecord", "SliceHeader", "StringHeader", "Var",
]

UNKNOWN_POINTEE = GoType("?", 0, True)
"""The pointee of a pointer variable first assigned nil: no type is known for it."""


@dataclass
class Array:
    """A slice backing array: a heap object, or a buffer in a goroutine's stack frame."""

    id: int
    name: str
    elem: GoType
    elems: int
    """Capacity in elements."""
    oid: int = NIL
    """Heap object id, NIL for a stack array."""
    bytes: int = 0
    """Bytes the allocation takes (size-class slot or pages; the frame bytes on the stack)."""
    stack_slots: np.ndarray | None = None
    """Pointer elements of a stack array (heap targets), which the stack scan treats as roots."""
    string_data: bool = False
    """The bytes of a string (immutable; substrings share them), not a slice's array."""

    @property
    def on_stack(self) -> bool:
        return self.oid == NIL

    @property
    def stack_pointers(self) -> np.ndarray:
        """The pointer elements of a stack array of a pointerful type."""
        assert self.stack_slots is not None, f"{self.name} holds no pointers on the stack"
        return self.stack_slots


@dataclass
class SliceHeader:
    """`reflect.SliceHeader`: pointer (array + offset), len, cap."""

    array: int | None
    """Array id; None for a nil slice."""
    offset: int = 0
    len: int = 0
    cap: int = 0

    @property
    def array_id(self) -> int:
        """The backing array of a non-nil slice."""
        assert self.array is not None, "a nil slice has no backing array"
        return self.array


@dataclass
class Var:
    """A scenario variable."""

    name: str
    kind: str
    """"pointer", "slice", "map", "pool", "string", "iface" (an interface value), "func" (a
    closure) or "chan"."""
    owner: str | None
    """Goroutine whose stack holds it; None once it is global."""
    type: GoType
    """Pointee type (pointer), element type (slice), value type (map), pool type."""
    oid: int = NIL
    """Pointer: the heap object, NIL for nil or a stack object."""
    stack_fields: dict[str, int] | None = None
    """Pointer to a stack object (`escape = "stack"`): its pointer fields."""
    slice: SliceHeader | None = None
    escape: str = "heap"
    map_id: int | None = None
    pool_id: int | None = None
    key_type: GoType | None = None
    appended_before: bool = False
    """Whether the slice has grown once (the stack buffer is used only at the first growth)."""
    string: StringHeader | None = None
    """A string variable's header."""
    # -- values (issue 13) --
    owns_object: bool = False
    """An "iface" or "func" variable: `oid` is its own allocation (the boxed copy, the
    closure object), not an object it shares with the variable it was made from."""
    chan_id: int | None = None
    """A channel variable's channel (`ProgramState.chans`)."""

    @property
    def header(self) -> SliceHeader:
        """The slice header of a slice variable."""
        assert self.slice is not None, f"{self.name} is not a slice"
        return self.slice

    @property
    def str_header(self) -> StringHeader:
        """The header of a string variable."""
        assert self.string is not None, f"{self.name} is not a string"
        return self.string

    @property
    def map_ref(self) -> int:
        """The map id of a map variable."""
        assert self.map_id is not None, f"{self.name} is not a map"
        return self.map_id

    @property
    def pool_ref(self) -> int:
        """The pool id of a sync.Pool variable."""
        assert self.pool_id is not None, f"{self.name} is not a sync.Pool"
        return self.pool_id


@dataclass
class Goroutine:
    """A goroutine: its state and how deep its stack is."""

    name: str
    state: str = "runnable"
    """"running", "runnable", "blocked" or "dead"."""
    used: int = 0
    """Stack bytes in use."""
    started: bool = False
    # -- go count (issue 13) --
    returns_when_woken: bool = False
    """One of a `go` step's `count` goroutines parked at the end of its body: when another
    goroutine wakes it, its function returns (`goexit0`)."""


@dataclass
class MapRecord:
    """A map variable's model and the heap objects of its current parts."""

    id: int
    name: str
    model: SwissMap
    parts: dict[tuple, int] = field(default_factory=dict)
    """Part identity → heap object id."""


@dataclass
class PoolRecord:
    """A sync.Pool variable's model (its heap parts are in `model.heap_objects`)."""

    id: int
    name: str
    type: GoType
    model: SyncPool
