"""The memory shape of a Go 1.27 map: constants of `internal/runtime/maps` and the group type.

`group_layout` is `cmd/compile/internal/reflectdata.MapGroupType`: how big one group of
8 slots is for a `map[K]V`, and whether keys or values are stored indirectly.
"""

from __future__ import annotations

from gomemtui.runtime.types import BUILTIN_TYPES, PTR_SIZE, GoType, parse_type

__all__ = [
    "CTRL_DELETED",
    "CTRL_EMPTY",
    "MAP_GROUP_SLOTS",
    "MAP_HEADER_SIZE",
    "MAX_ALLOC",
    "MAX_AVG_GROUP_LOAD",
    "MAX_TABLE_CAPACITY",
    "TABLE_HEADER_SIZE",
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
