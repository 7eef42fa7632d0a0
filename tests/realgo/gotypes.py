"""Random Go element types for the real-Go tests, as Go declarations and as GoTypes.

Go cannot choose a type's size at run time, so a test draws its types first, writes
them into the Go program it builds (`type E3 struct { p *byte; _ [40]byte }`) and
instantiates generic functions with them; the same types go to the simulator as
`GoType(name, size, has_pointers)`. The Go programs print `unsafe.Sizeof` of every
type, and the tests check it against `size` before comparing anything else.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gomemtui.runtime.memory.sizeclasses import CLASS_SIZE
from gomemtui.runtime.types import GoType

_CLASS_SIZES = [int(c) for c in CLASS_SIZE[1:]]


@dataclass(frozen=True)
class ElemType:
    """One generated Go type."""

    name: str
    """Go name, E0, E1, ..."""
    decl: str
    """The type's definition (`[13]byte`, `struct { ... }`)."""
    size: int
    has_pointers: bool

    def gotype(self) -> GoType:
        return GoType(self.name, self.size, self.has_pointers)

    def go_decl(self) -> str:
        kind = "pointerful" if self.has_pointers else "noscan"
        return f"type {self.name} {self.decl} // {self.size} B, {kind}"

    def describe(self) -> str:
        return f"{self.name} = {self.decl} ({self.size} B, {'scan' if self.has_pointers else 'noscan'})"


def _pad(n: int) -> str:
    """A padding field of n bytes, or nothing (a trailing zero-size field would add padding)."""
    return f"; _ [{n}]byte" if n > 0 else ""


def _noscan_decl(rng: random.Random, n: int) -> str:
    options = [f"[{n}]byte"]
    if n % 2 == 0:
        options.append(f"[{n // 2}]uint16")
    if n % 4 == 0:
        options += [f"[{n // 4}]float32", f"struct {{ a int32{_pad(n - 4)} }}"]
    if n % 8 == 0:
        options += [f"[{n // 8}]int64", f"struct {{ a uintptr{_pad(n - 8)} }}"]
    if n % 16 == 0:
        options.append(f"[{n // 16}]complex128")
    return rng.choice(options)


def _pointerful_decl(rng: random.Random, n: int) -> str:
    assert n % 8 == 0 and n >= 8
    options = [f"[{n // 8}]*int", f"struct {{ p *byte{_pad(n - 8)} }}"]
    if n > 8:
        options += [f"struct {{ _ [{n - 8}]byte; p *byte }}", f"struct {{ a int64; m map[int]int{_pad(n - 16)} }}"]
    if n % 16 == 0:
        options += [f"[{n // 16}]string", f"[{n // 16}]any"]
    if n % 24 == 0:
        options.append(f"[{n // 24}][]int")
    return rng.choice(options)


def make_type(rng: random.Random, name: str, size: int, pointers: bool) -> ElemType:
    """A type of exactly `size` bytes (pointerful sizes must be multiples of 8)."""
    if pointers:
        return ElemType(name, _pointerful_decl(rng, size), size, True)
    return ElemType(name, _noscan_decl(rng, size), size, False)


def random_size(rng: random.Random, lo: int, hi: int, *, multiple: int = 1) -> int:
    """A size in [lo, hi], a multiple of `multiple`: often near size-class edges."""
    pick = rng.random()
    if pick < 0.4:
        n = int(round(2 ** rng.uniform(0, (hi + 1).bit_length())))
    elif pick < 0.6:
        n = rng.randint(lo, hi)
    elif pick < 0.85:
        # Near a size class, or a class divided by a small count (growslice rounding).
        base = rng.choice(_CLASS_SIZES) // rng.choice([1, 1, 2, 3, 4, 5, 7])
        n = base + rng.choice([-8, -1, 0, 0, 1, 8])
    else:
        n = rng.choice([1, 8, 16, 24, 32, 64, 504, 512, 520, 1024, 2048, 4096, 32760, 32768])
    n = min(max(n, lo), hi)
    if multiple > 1:
        n = max(multiple, -(-n // multiple) * multiple)
        if n > hi:
            n = hi // multiple * multiple
    return n


def random_type(rng: random.Random, name: str, lo: int, hi: int, *, p_pointers: float = 0.4) -> ElemType:
    pointers = rng.random() < p_pointers and hi >= 8
    size = random_size(rng, max(lo, 8) if pointers else lo, hi, multiple=8 if pointers else 1)
    return make_type(rng, name, size, pointers)


def go_type_decls(types: list[ElemType]) -> str:
    return "\n".join(t.go_decl() for t in types)
