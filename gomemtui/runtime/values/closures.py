"""Closures: what `f := func() { … x … }` is in memory (cmd/compile escape and closure layout).

A func value points at a closure object: one word for the code pointer (`.F`, a
uintptr) followed by the captured variables, laid out as the fields of a struct. A
variable is captured by value when it is never reassigned and takes at most 128 bytes
(`escape.(*batch).flowClosure`); otherwise the closure holds a pointer to it, and when
the closure escapes the variable itself is "moved to heap": a `new(T)` of its own. A
func literal that captures nothing is a static funcval and allocates nothing; one that
does not escape keeps its closure (and its by-reference variables) in the frame.

Real go1.27.3 for `sink = func() int { … }` (tests/oracle/values.json, `closure`): no
captures 0 B; an int by value one 16-byte object; an int by reference 24 B in two
objects (the 16-byte closure and the 8-byte int, a tiny allocation); a `[16]int` (128 B)
by value 144 B; a `[17]int64` (136 B) by reference 160 B in two objects; a byte, an int
and a byte 32 B (aligned as a struct, not 18 B).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gomemtui.runtime.types import BUILTIN_TYPES, PTR_SIZE, GoType

__all__ = ["BY_VALUE_LIMIT", "CODE_POINTER_BYTES", "FUNC_TYPE", "Field", "Layout", "captured_by_reference",
           "header_type", "layout"]

BY_VALUE_LIMIT = 128
"""Captured variables of at most this many bytes may be captured by value (`flowClosure`)."""
CODE_POINTER_BYTES = PTR_SIZE
"""The closure's first word: the function's code pointer (`.F`)."""

FUNC_TYPE = GoType("func()", PTR_SIZE, True)
"""A func value: one pointer, to its closure (or to a static funcval)."""

_HEADERS = {"pointer": ("*{}", 8), "slice": ("[]{}", 24), "string": ("string", 16), "chan": ("chan {}", 8),
            "func": ("func()", 8), "iface": ("any", 16), "weak": ("weak.Pointer[{}]", 8),
            "map": ("map[…]{}", 8), "pool": ("*sync.Pool", 8)}
"""The Go type and bytes of a variable of each kind: what a closure that captures it by
value copies (a pointer, or the header of a slice, string or interface)."""

_ARRAY_PREFIX = re.compile(r"^(\[\d+\])+")
_NATURAL_ALIGN = {"complex64": 4, "complex128": 8}
"""Types whose alignment is not their size (`types.CalcSize`); other built-ins align to
their size, up to a word."""


def _align(t: GoType) -> int:
    """`t`'s alignment on linux/amd64: an array aligns as its element; a pointer, slice,
    string, map or interface to a word; a built-in number to its size; a declared type,
    known only by its size, to the largest power of two (up to a word) dividing it."""
    base = _ARRAY_PREFIX.sub("", t.name)
    if base in _NATURAL_ALIGN:
        return _NATURAL_ALIGN[base]
    known = BUILTIN_TYPES.get(base)
    if known is not None:
        return min(known.size, PTR_SIZE) if known.size <= PTR_SIZE and not known.has_pointers else PTR_SIZE
    if base.startswith(("*", "[]", "map[", "chan ", "func")):
        return PTR_SIZE
    align = 1
    while align < PTR_SIZE and t.size % (align * 2) == 0 and t.size > 0:
        align *= 2
    return align


def header_type(kind: str, elem: GoType | None) -> GoType:
    """The value a variable of `kind` ("pointer", "slice", ...) holds, as a type: a closure
    that captures the variable by value copies that many bytes."""
    spelling, size = _HEADERS[kind]
    return GoType(spelling.format(elem.name if elem is not None else "?"), size, True)


def captured_by_reference(t: GoType, modified: bool) -> bool:
    """Whether a variable of type `t` is captured by reference: it is assigned after the
    capture, or it takes more than 128 bytes (`flowClosure`: `!reassigned && size <= 128`)."""
    return modified or t.size > BY_VALUE_LIMIT


@dataclass(frozen=True)
class Field:
    """One captured variable's place in the closure."""

    name: str
    offset: int
    size: int
    """Bytes it takes in the closure: its own size, or a pointer's by reference."""
    by_reference: bool


@dataclass(frozen=True)
class Layout:
    """The closure struct: the code pointer, then the captured variables."""

    fields: tuple[Field, ...]
    size: int
    """`unsafe.Sizeof` of the struct (the code pointer included, padded to its alignment)."""
    noscan: bool
    """No captured value holds a pointer (the code pointer is not a heap pointer)."""


def layout(captures: list[tuple[str, GoType, bool]]) -> Layout:
    """The closure of `captures` ((name, type, by reference), in the order the function
    body first uses them), each field aligned as in a struct."""
    offset = CODE_POINTER_BYTES
    max_align = PTR_SIZE
    fields = []
    noscan = True
    for name, t, by_ref in captures:
        size, align = (PTR_SIZE, PTR_SIZE) if by_ref else (t.size, _align(t))
        offset = -(-offset // align) * align
        fields.append(Field(name, offset, size, by_ref))
        offset += size
        max_align = max(max_align, align)
        noscan = noscan and not by_ref and t.noscan
    size = -(-offset // max_align) * max_align
    return Layout(tuple(fields), size, noscan)
