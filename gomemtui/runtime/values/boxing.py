"""Interface boxing: what `var x any = v` costs (`runtime.convT*`, cmd/compile walk/convert.go).

An interface value is two words, a type word and a data word. The data word is the value
itself when the value is pointer-shaped; otherwise it points at a copy of the value, which
`convT*` puts on the heap unless the compiler can avoid it: a constant points at static
read-only data, a zero-size value at `runtime.zeroVal`, a single byte and an integer of
2, 4 or 8 bytes in 0..255 at `runtime.staticuint64s`, "" and a nil slice at
`runtime.zeroVal`. Real go1.27.3 (tests/oracle/values.json): boxing an int 1000 is one
8-byte tiny allocation, 200 none; a string is a 16-byte header, a slice a 24-byte one.
"""

from __future__ import annotations

from dataclasses import dataclass

from gomemtui.runtime.types import PTR_SIZE, GoType

__all__ = ["Conversion", "convert", "is_pointer_shaped"]

STATIC_UINT64S = 256
"""Entries of `runtime.staticuint64s`: integers 0..255 are boxed without allocating."""

_INTEGERS = {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
             "uint64", "uintptr", "byte", "rune", "bool"}


@dataclass(frozen=True)
class Conversion:
    """How one conversion to an interface is done."""

    func: str
    """The runtime function (or compiler path) that makes the data word."""
    allocates: bool
    """Whether it calls mallocgc for a copy of the value."""
    why: str
    """The reason, in the words of the explanation."""


def is_pointer_shaped(t: GoType) -> bool:
    """`types.IsDirectIface`: a pointer, map, chan or func, or a one-pointer struct/array."""
    if t.name.startswith(("*", "map[", "chan ", "func")) or t.name == "pointer":
        return True
    return t.has_pointers and t.size == PTR_SIZE and not t.name.startswith("[]") and t.name not in (
        "string", "any", "error", "slice")


def convert(t: GoType, value: int | None, constant: bool) -> Conversion:
    """The conversion of a value of type `t` (`value` for integers, the length for a string
    or slice; None: a value computed at run time, not one of the cheap cases)."""
    if is_pointer_shaped(t):
        return Conversion("none", False, f"{t.name} is pointer-shaped: the pointer is the data word")
    if constant:
        return Conversion("none", False, "a constant: the data word points at read-only static data")
    if t.size == 0:
        return Conversion("runtime.zeroVal", False, "a zero-size value: the data word is &runtime.zeroVal")
    if t.name == "string":
        if value == 0:
            return Conversion("runtime.convTstring", False, '"" : convTstring points at runtime.zeroVal')
        return Conversion("runtime.convTstring", True, "convTstring copies the 16-byte string header to the heap")
    if t.name.startswith("[]") or t.name == "slice":
        if value == 0:
            return Conversion("runtime.convTslice", False, "a nil slice: convTslice points at runtime.zeroVal")
        return Conversion("runtime.convTslice", True, "convTslice copies the 24-byte slice header to the heap")
    if t.size == 1 and t.name in _INTEGERS:
        return Conversion("runtime.staticuint64s", False,
                          "a single byte: the data word points into runtime.staticuint64s")
    if t.size in (2, 4, 8) and not t.has_pointers:
        func = {2: "runtime.convT16", 4: "runtime.convT32", 8: "runtime.convT64"}[t.size]
        if value is not None and 0 <= value < STATIC_UINT64S and (t.name in _INTEGERS or value == 0):
            return Conversion(func, False, f"{value} < 256: {func} points into runtime.staticuint64s")
        return Conversion(func, True, f"{func} copies the {t.size}-byte value to the heap")
    func = "runtime.convTnoptr" if t.noscan else "runtime.convT"
    return Conversion(func, True, f"{func} copies the {t.size}-byte value to the heap")
