"""The runtime's own heap objects for goroutines: each `g`, each `sudog`, the `allgs` slice.

Go allocates these in the garbage-collected heap, and a leaked goroutine costs them on
top of its stack (measured with go1.27.3, `MemStats.BySize` and HeapAlloc after two GCs,
tests/realgo/test_goroutine_memory.py):

* `newproc1` → `malg` → `new(g)`: one 480-byte object (size class 480) per goroutine
  ever started; never freed — a dead G goes to the free list (`gfput`) and the next `go`
  statement reuses it (`gfget`), and `allgs` keeps every G reachable.
* `allgadd` appends the new G to `allgs` (`[]*g`, grown by `growslice`, the old array
  garbage). A fresh program's allgs holds main and the 7 system goroutines (cap 8), so
  the first `go` statement grows it to 16 (a 128-byte array).
* A goroutine blocked on a channel holds a `sudog` (`acquireSudog` → `new(sudog)`,
  112-byte size class) in the channel's wait queue for as long as it waits.

Not modelled: the start-up heap these belong to for main and the system goroutines, the
closure a `go func(){...}()` with captured variables allocates (16 B for one pointer),
and sudogs taken from a P's sudog cache instead of the heap.
"""

from __future__ import annotations

G_BYTES = 480
"""Size class of a `runtime.g` (go1.27.3 linux/amd64; BySize: one 480 B malloc per `go`)."""
SUDOG_BYTES = 112
"""Size class of a `runtime.sudog` (one 112 B malloc per goroutine parked in a channel op)."""
ALLGS_START_LEN = 8
"""Entries of `allgs` in a fresh program: main and the 7 system goroutines (its cap too)."""
POINTER_BYTES = 8


class RuntimeObjects:
    """Which heap objects are the runtime's own goroutine structures, and allgs' length."""

    def __init__(self) -> None:
        self.gs: dict[str, int] = {}
        """Live goroutine → its `g` object."""
        self.free_gs: list[int] = []
        """`g` objects of dead goroutines (`gfput`), the last one reused first (`gfget`)."""
        self.sudogs: dict[str, int] = {}
        """Goroutine blocked on a channel → its `sudog`."""
        self.allgs_array: int | None = None
        """The current `allgs` backing array (None while it is the start-up one)."""
        self.allgs_len = ALLGS_START_LEN
        self.allgs_cap = ALLGS_START_LEN

    def heap_objects(self) -> list[int]:
        """Objects the runtime keeps reachable from its globals (`allgs`, channel wait queues)."""
        out = [*self.gs.values(), *self.free_gs, *self.sudogs.values()]
        if self.allgs_array is not None:
            out.append(self.allgs_array)
        return out
