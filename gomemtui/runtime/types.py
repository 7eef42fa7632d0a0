"""Go types as the simulated runtime sees them: a size and whether they hold pointers.

The runtime only cares about two facts of a type: how many bytes a value takes and
whether the garbage collector has to scan it (a "noscan" type holds no pointers, so
its objects go to noscan spans and are never scanned). User types declared in a
scenario also name their pointer fields, so `assign` can write `a.next = b`.

Sizes are those of linux/amd64 (8-byte pointers), the platform of the oracle data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PTR_SIZE = 8
NIL = -1
"""An object id that is no object: a nil pointer."""

_ARRAY_RE = re.compile(r"^\[(\d+)\](.+)$")


@dataclass(frozen=True)
class GoType:
    """A Go type reduced to what the allocator and collector need."""

    name: str
    """How Go spells it: `int`, `string`, `[16]byte`, `Node`."""
    size: int
    """`unsafe.Sizeof` of one value, in bytes."""
    has_pointers: bool
    """True if the collector must scan values of this type (not noscan)."""
    pointer_fields: tuple[str, ...] = ()
    """Names of pointer fields of a user struct type, for `assign` to `var.field`."""

    @property
    def noscan(self) -> bool:
        """Whether objects of this type go to pointer-free spans."""
        return not self.has_pointers


# Built-in element types accepted by `elem`, `type`, `key` and `value`.
BUILTIN_TYPES: dict[str, GoType] = {
    t.name: t
    for t in (
        GoType("int", 8, False),
        GoType("int8", 1, False),
        GoType("int16", 2, False),
        GoType("int32", 4, False),
        GoType("int64", 8, False),
        GoType("uint", 8, False),
        GoType("uint8", 1, False),
        GoType("uint16", 2, False),
        GoType("uint32", 4, False),
        GoType("uint64", 8, False),
        GoType("uintptr", 8, False),
        GoType("byte", 1, False),
        GoType("rune", 4, False),
        GoType("float32", 4, False),
        GoType("float64", 8, False),
        GoType("complex64", 8, False),
        GoType("complex128", 16, False),
        GoType("bool", 1, False),
        GoType("string", 16, True),
        GoType("pointer", PTR_SIZE, True),
        GoType("any", 16, True),
        GoType("error", 16, True),
        GoType("slice", 24, True),
    )
}


def parse_type(name: str, user_types: dict[str, GoType] | None = None) -> GoType | None:
    """Resolve a type name from a scenario, or return None if it is unknown.

    Accepts built-ins, `*T` (a pointer), `[]T` (a slice header, 24 B), `[N]T`
    arrays of any known type, `map[K]V` (a map is one pointer) and declared user types.
    """
    name = name.strip()
    if user_types and name in user_types:
        return user_types[name]
    if name in BUILTIN_TYPES:
        return BUILTIN_TYPES[name]
    if name.startswith("*"):
        return GoType(name, PTR_SIZE, True) if parse_type(name[1:], user_types) else None
    if name.startswith("[]"):
        return GoType(name, 24, True) if parse_type(name[2:], user_types) else None
    if name.startswith("map["):
        return GoType(name, PTR_SIZE, True)
    match = _ARRAY_RE.match(name)
    if match:
        count = int(match.group(1))
        elem = parse_type(match.group(2), user_types)
        if elem is None:
            return None
        return GoType(name, count * elem.size, elem.has_pointers and count > 0)
    return None


def known_type_names(user_types: dict[str, GoType] | None = None) -> list[str]:
    """All plain type names a scenario may use (for "did you mean" suggestions)."""
    return sorted(BUILTIN_TYPES) + sorted(user_types or {})
