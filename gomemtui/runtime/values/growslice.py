"""How `append` grows a slice in Go 1.27: the runtime's `growslice` and the compiler's
stack-buffer paths around it.

Runtime side (`runtime/slice.go`):

* `nextslicecap` — double below 256 elements of *old capacity*, then grow by
  ``(newcap + 768) / 4`` until the new length fits; a bulk append that more than
  doubles takes exactly the new length.
* `growslice` — round the byte size up with `roundupsize` (the size class; pointerful
  arrays > 512 B lose 8 B to the malloc header) and take ``capmem // elem_size`` as the
  new capacity. Zero-size elements get ``cap = len`` and no memory (`&zerobase`).

Compiler side (which call the compiler emits for an `append` depends on escape
analysis; `AppendPath` names them after the oracle's variants):

* ``heap`` — plain `growslice`.
* ``local_nonescaping`` — the result does not escape: `(*state).append` in
  `cmd/compile/internal/ssagen/ssa.go` gives the slice a 32-byte stack backing store of
  ``K = 32 // elem_size`` elements (`getBackingStoreInfo`, `VariableMakeThreshold = 32`),
  used at the first growth from length 0 when the new length fits in K; only for
  fixed-argument appends (`append(s, x)`, `append(s, a, b, c)`), not `append(s, xs...)`.
* ``local_escapes_after_loop`` — `cmd/compile/internal/slice` (`analyze`) proves the
  slice escapes only once after the loop and inserts `move2heap`; when the capacity is
  observable, appends call `runtime.growsliceBuf`, which while the new length fits in K
  uses the stack buffer with capacity ``roundupsize(newLen*size)//size``; `moveSlice`
  then copies to the heap keeping len and cap.
* ``local_returned_cap_unused`` — the same, but cap is never used: appends use the
  [K]T store like ``local_nonescaping`` and `moveSliceNoCap` copies a stack-backed slice
  to the heap with ``cap = roundupsize(len*size)//size``; a heap-backed one is kept.

Where this simplifies real Go: the compiler's escape decisions are an input (the
scenario says which path a slice takes), and the overflow panics of `growslice`
(`cap out of range`) are a ValueError here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterator

from gomemtui.runtime.memory.sizeclasses import roundupsize

__all__ = [
    "STACK_BUFFER_BYTES",
    "AppendPath",
    "Growth",
    "SliceGrowth",
    "append_growth",
    "append_one_caps",
    "final_caps_after_move",
    "growslice",
    "growslice_buf",
    "move_slice_no_cap",
    "nextslicecap",
    "stack_buffer_elems",
]

STACK_BUFFER_BYTES = 32
"""`base.Debug.VariableMakeThreshold`: bytes of the compiler's stack backing store."""
_THRESHOLD = 256
"""`nextslicecap`'s switch from doubling to ~1.25x, in elements of old capacity."""
_MAX_ALLOC = 1 << 48
"""`maxAlloc` on linux/amd64: bigger requests panic in growslice."""


class AppendPath(str, Enum):
    """Which code an `append` compiles to (named after the oracle's variants)."""

    HEAP = "heap"
    """`runtime.growslice` only: the slice escapes, or its cap is set by make."""
    STACK_BUFFER = "local_nonescaping"
    """The result never escapes: 32-byte stack store for the first growth."""
    GROWSLICE_BUF = "local_escapes_after_loop"
    """`runtime.growsliceBuf` + `moveSlice` (slice escapes once, after the loop)."""
    NO_CAP = "local_returned_cap_unused"
    """[K]T stack store + `moveSliceNoCap` (escapes once, cap never observed)."""


def nextslicecap(new_len: int, old_cap: int) -> int:
    """`runtime/slice.go nextslicecap`: the capacity before size-class rounding."""
    newcap = old_cap
    doublecap = newcap + newcap
    if new_len > doublecap:
        return new_len  # appending many at once
    if old_cap < _THRESHOLD:
        return doublecap
    while True:
        # Transition from 2x for small slices to 1.25x for large ones.
        newcap += (newcap + 3 * _THRESHOLD) >> 2
        if newcap >= new_len:
            break
    if newcap <= 0:
        return new_len
    return newcap


def growslice(old_len: int, old_cap: int, num: int, elem_size: int, noscan: bool) -> tuple[int, int]:
    """`runtime/slice.go growslice`: (new capacity, bytes requested from mallocgc).

    `num` elements are appended to a slice of `old_len`/`old_cap`. The bytes are the
    ``capmem`` growslice passes to `mallocgc` (for power-of-two element sizes the rounded
    size itself; otherwise ``newcap * elem_size``); the heap slot it lands in is
    `sizeclasses.alloc_size(capmem, noscan)`. Zero-size elements: cap = len, 0 bytes.
    """
    new_len = old_len + num
    if num < 0 or old_len < 0 or old_cap < old_len:
        raise ValueError("growslice: len out of range")
    if elem_size == 0:
        # append should not create a slice with nil pointer but non-zero len:
        # growslice returns &zerobase with cap = newLen.
        return new_len, 0
    newcap = nextslicecap(new_len, old_cap)
    capmem = roundupsize(newcap * elem_size, noscan)
    if capmem > _MAX_ALLOC:
        raise ValueError("growslice: cap out of range")
    newcap = capmem // elem_size
    # Go's specialised branches (size 1, PtrSize, power of two) keep capmem as rounded;
    # the general branch recomputes capmem = newcap * size.
    if elem_size & (elem_size - 1):
        capmem = newcap * elem_size
    return newcap, capmem


def stack_buffer_elems(elem_size: int) -> int:
    """K = 32 // elem_size: elements in the compiler's 32-byte stack backing store.

    0 when elements are bigger than 32 bytes or zero-sized (no buffer then).
    """
    if elem_size <= 0 or elem_size > STACK_BUFFER_BYTES:
        return 0
    return STACK_BUFFER_BYTES // elem_size


def growslice_buf(old_len: int, old_cap: int, num: int, elem_size: int, noscan: bool) -> tuple[int, bool]:
    """`runtime.growsliceBuf`: (new capacity, still in the stack buffer?).

    While the new length fits in the K-element buffer the capacity is the size-class
    rounding of exactly the new length (no doubling); beyond it, plain `growslice`.
    """
    new_len = old_len + num
    k = stack_buffer_elems(elem_size)
    if new_len <= k:
        return roundupsize(new_len * elem_size, noscan) // elem_size, True
    return growslice(old_len, old_cap, num, elem_size, noscan)[0], False


def move_slice_no_cap(length: int, cap: int, elem_size: int, noscan: bool, on_stack: bool) -> int:
    """`runtime.moveSliceNoCap`: the capacity of the slice after `move2heap`.

    A stack-backed slice is copied to the heap with cap = roundupsize(len*size)//size;
    a slice already on the heap is returned unchanged.
    """
    if not on_stack or elem_size == 0:
        return cap
    if length == 0:
        return 0
    return roundupsize(length * elem_size, noscan) // elem_size


@dataclass(frozen=True)
class Growth:
    """The outcome of one growing `append`."""

    new_cap: int
    new_bytes: int
    """Bytes requested from mallocgc for the new array (0 if it lives on the stack)."""
    on_stack: bool
    """The new array is the compiler's stack buffer, not a heap object."""


def append_growth(
    old_len: int,
    old_cap: int,
    num: int,
    elem_size: int,
    noscan: bool,
    path: AppendPath | str = AppendPath.HEAP,
    *,
    variadic: bool = False,
) -> Growth | None:
    """What appending `num` elements does under `path`; None if it fits (no growth).

    `variadic` is `append(s, xs...)`, which never uses the stack store
    (only fixed-argument appends do, `(*state).append`).
    """
    path = AppendPath(path)
    new_len = old_len + num
    if new_len <= old_cap:
        return None
    k = stack_buffer_elems(elem_size)
    if path is AppendPath.GROWSLICE_BUF and not variadic and k:
        cap, on_stack = growslice_buf(old_len, old_cap, num, elem_size, noscan)
        if on_stack:
            return Growth(cap, 0, True)
    elif path in (AppendPath.STACK_BUFFER, AppendPath.NO_CAP) and not variadic:
        # ssagen (*state).append: the [K]T store is used at the first growth from len 0.
        if old_len == 0 and 0 < new_len <= k:
            return Growth(k, 0, True)
    cap, capmem = growslice(old_len, old_cap, num, elem_size, noscan)
    return Growth(cap, capmem, False)


@dataclass(frozen=True)
class SliceGrowth:
    """One step of an append-one-at-a-time run: the length at which cap changed."""

    new_len: int
    new_cap: int
    new_bytes: int
    on_stack: bool


def iter_append_one(
    n_appends: int,
    elem_size: int,
    noscan: bool,
    path: AppendPath | str = AppendPath.HEAP,
    start_cap: int = 0,
) -> Iterator[SliceGrowth]:
    """Every growth while appending `n_appends` elements one at a time.

    The slice starts empty with capacity `start_cap` (0 = nil; 5 = `make([]T, 0, 5)`,
    which `makeslice` never rounds). Jumps straight from one growth to the next.
    """
    cap = start_cap
    while True:
        # Appending one at a time, the slice grows exactly when len reaches cap
        # (zero-size elements: growslice returns cap = len, so every append grows).
        new_len = cap + 1
        if new_len > n_appends:
            return
        g = append_growth(cap, cap, 1, elem_size, noscan, path)
        assert g is not None
        cap = g.new_cap
        yield SliceGrowth(new_len, g.new_cap, g.new_bytes, g.on_stack)


def append_one_caps(
    n_appends: int,
    elem_size: int,
    noscan: bool,
    path: AppendPath | str = AppendPath.HEAP,
    start_cap: int = 0,
) -> list[int]:
    """The distinct cap() values seen appending one at a time, starting cap first.

    This is what the oracle's `distinct_caps` records (`slice_growth.json`).
    """
    caps = [start_cap]
    for g in iter_append_one(n_appends, elem_size, noscan, path, start_cap):
        if g.new_cap != caps[-1]:
            caps.append(g.new_cap)
    return caps


def final_caps_after_move(
    n_max: int,
    elem_size: int,
    noscan: bool,
    path: AppendPath | str = AppendPath.NO_CAP,
) -> list[int]:
    """cap() of the slice returned after appending n = 1..n_max elements (move2heap).

    For `NO_CAP` the escaping copy is `moveSliceNoCap`; for `GROWSLICE_BUF` it is
    `moveSlice`, which keeps the capacity. Other paths do no move.
    """
    path = AppendPath(path)
    out: list[int] = []
    length, cap, on_stack = 0, 0, False
    for n in range(1, n_max + 1):
        g = append_growth(length, cap, 1, elem_size, noscan, path)
        if g is not None:
            cap, on_stack = g.new_cap, g.on_stack
        length = n
        if path is AppendPath.NO_CAP:
            out.append(move_slice_no_cap(length, cap, elem_size, noscan, on_stack))
        else:
            out.append(cap)
    return out
