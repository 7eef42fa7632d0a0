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

The start-up heap: before `main.main` runs, a Go program already has about 40 KB of live
heap objects at GOMAXPROCS=1 (main's and the system goroutines' gs, allgs, the Ps, module
data, the unique/cleanup structures...) and about 20 KB more per extra P. Measured with
go1.27.3 (`MemStats.BySize` mallocs − frees after two `runtime.GC()` of an empty
program, linux/amd64): `STARTUP_HEAP` below at GOMAXPROCS=1, 44512 B (39192 B in another
run: the count of 480 B and 1152 B objects varies with timing), and 107368 / 187560 B at
GOMAXPROCS=4 / 8, which `STARTUP_HEAP_PER_P` follows (105024 / 187072 B). They count in
every goal (`heapMarked`), so leaving them out put goals low by them × (1 + GOGC/100).
The simulator counts their bytes in heapLive and in each cycle's marked bytes (so goals
and gctrace lines include them, as Go's do) but does not place them in the heap: the
heap's figures (HeapAlloc, HeapInuse, the heap map) show the program's own objects.

Not modelled: the closure a `go func(){...}()` with captured variables allocates (16 B for one pointer),
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

STARTUP_HEAP: tuple[tuple[int, int], ...] = (
    (8, 8), (16, 16), (24, 8), (32, 7), (48, 10), (64, 8), (80, 2), (96, 4), (112, 2),
    (192, 1), (208, 2), (480, 14), (512, 1), (640, 2), (1152, 9), (2048, 3), (16384, 1),
)
"""(size class, live objects) of an empty go1.27.3 program after two GCs, GOMAXPROCS=1."""
STARTUP_HEAP_PER_P: tuple[tuple[int, int], ...] = ((16384, 1), (1152, 1), (512, 1), (480, 2))
"""What each P beyond the first adds (its `p`, mark worker goroutines, ...), from the
differences at GOMAXPROCS=1, 4 and 8; plus one 2048 B object per two extra Ps."""


STARTUP_HEAP_SCAN = 30_088
"""Heap scan work the start-up heap costs each cycle at GOMAXPROCS=1 (`heapScanWork`: the
pointerful bytes `scanobject` and Green Tea's `scanSpan` go through in the gs, allgs,
module data...). The start-up objects hold pointers: each cycle scans about 30 KB of
them besides the ~147 KB of data+bss. Measured with go1.27.3, linux/amd64,
`GODEBUG=gcpacertrace=1` ("for H+S+G B work"): 30088 B in every early cycle of the
gogc-100 scenario's program (which adds 8 B of its own), 27360..30168 B in an empty
program's first cycle."""
STARTUP_HEAP_SCAN_PER_P = 18_400
"""Each P beyond the first adds about this much start-up heap scan work (an empty
program measured 46976 B at GOMAXPROCS=2, 83504..86256 B at 4, 150640..159064 B at 8)."""


def startup_heap_scan(gomaxprocs: int) -> int:
    """Heap scan work of the live start-up heap objects at `gomaxprocs` Ps (see `STARTUP_HEAP_SCAN`)."""
    return STARTUP_HEAP_SCAN + STARTUP_HEAP_SCAN_PER_P * max(gomaxprocs - 1, 0)


def startup_heap(gomaxprocs: int) -> list[tuple[int, int]]:
    """(size, count) of the live start-up heap objects at `gomaxprocs` Ps."""
    extra = max(gomaxprocs - 1, 0)
    counts = dict(STARTUP_HEAP)
    for size, n in STARTUP_HEAP_PER_P:
        counts[size] = counts.get(size, 0) + n * extra
    counts[2048] += extra // 2
    return sorted(counts.items())


class RuntimeObjects:
    """Which heap objects are the runtime's own goroutine structures, and allgs' length."""

    def __init__(self) -> None:
        self.gs: dict[str, int] = {}
        """Live goroutine → its `g` object."""
        self.free_gs: list[int] = []
        """`g` objects of dead goroutines (`gfput`), the last one reused first (`gfget`)."""
        self.sudogs: dict[str, int] = {}
        """Goroutine blocked on a channel → its `sudog`."""
        self.free_sudogs: list[int] = []
        """Sudogs released by woken goroutines (`releaseSudog` → the P's `sudogcache`),
        the last one reused first by `acquireSudog`."""
        self.allgs_array: int | None = None
        """The current `allgs` backing array (None while it is the start-up one)."""
        self.allgs_len = ALLGS_START_LEN
        self.allgs_cap = ALLGS_START_LEN
        self.system_gs: dict[str, int] = {}
        """The `g` of each runtime goroutine the program caused to start ("cleanup":
        `gcCleanups.createGs` at the first `runtime.AddCleanup`)."""

    def heap_objects(self) -> list[int]:
        """Objects the runtime keeps reachable from its globals (`allgs`, channel wait queues)."""
        out = [*self.gs.values(), *self.free_gs, *self.sudogs.values(), *self.free_sudogs,
               *self.system_gs.values()]
        if self.allgs_array is not None:
            out.append(self.allgs_array)
        return out
