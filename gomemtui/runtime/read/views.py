"""Read-only views of the simulated runtime, handed to the UI and the headless output.

Everything here is a frozen dataclass of plain values computed by the core: widgets
only draw them. Large views (the heap map) are numpy arrays returned by
`RuntimeReader.heap_grid` (`read/reader.py`), never stored in these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# The enums live in their own module; they are part of this module's interface too.
from gomemtui.runtime.enums import GRID_IDLE, GRID_UNMAPPED, GCPhase, GridMode, MarkColor  # noqa: F401
# Records the core keeps as they are shown: the pacer chart's samples, a map's tables.
from gomemtui.runtime.gc.history import PacerPoint  # noqa: F401
from gomemtui.runtime.values.map_groups import MAP_GROUP_SLOTS
from gomemtui.runtime.values.maps import TableView  # noqa: F401


@dataclass(frozen=True)
class MemStats:
    """The runtime.MemStats fields gomemtui shows, with the same meanings."""

    heap_alloc: int
    heap_inuse: int
    heap_idle: int
    heap_sys: int
    heap_released: int
    heap_objects: int
    total_alloc: int
    mallocs: int
    frees: int
    next_gc: int
    num_gc: int
    num_forced_gc: int
    stack_inuse: int
    pause_total_ns: int
    gc_cpu_fraction: float


@dataclass(frozen=True)
class GCView:
    """The collector and pacer right now."""

    phase: GCPhase
    cycle: int
    """Cycles completed (NumGC), or the running cycle's number while one runs."""
    gogc: int | None
    memory_limit: int | None
    trigger: int
    goal: int
    last_marked: int
    """heapMarked of the last completed cycle (`/gc/heap/live:bytes`)."""
    mark_work_done: int
    """Bytes of heap scanned so far in the running cycle."""
    mark_work_total: int
    """Estimated bytes to scan in the running cycle (done + what is still grey or unreached)."""
    grey_objects: int
    black_objects: int
    white_objects: int
    queued_spans: int
    """Green Tea spans waiting in the span queue."""
    green_tea: bool
    write_barrier: bool
    limiter_active: bool
    cpu_fraction: float
    gctrace: tuple[str, ...]
    """Every `GODEBUG=gctrace=1` line so far."""
    history: tuple[PacerPoint, ...]
    pauses_ns: tuple[int, ...]
    """Both STW pauses of each completed cycle, summed, oldest first."""
    background_workers: str
    """How the 25 % goal is met: e.g. "1 dedicated" or "fractional 25 %"."""


@dataclass(frozen=True)
class ArrayView:
    """A slice backing array (a heap object, or a stack buffer)."""

    name: str
    elem: str
    elems: int
    """Capacity in elements."""
    bytes: int
    """Size of the allocation (the size-class slot, or the pages of a large object)."""
    on_stack: bool
    slices: tuple[str, ...]
    """Live variables whose slice (or string) header points into it."""
    garbage: bool
    """No live slice refers to it: the next GC frees it."""
    color: MarkColor
    string_data: bool = False
    """The bytes of a string (`elems` bytes of data), not a slice's array."""


@dataclass(frozen=True)
class SliceView:
    """A slice variable: its header and what it points into."""

    var: str
    goroutine: str | None
    """Owning goroutine, None for a global."""
    elem: str
    elem_size: int
    len: int
    cap: int
    array: str | None
    """Name of the backing array (None for a nil slice)."""
    offset: int
    """Index in the array where the slice starts (after `s[low:]`)."""
    array_elems: int
    array_bytes: int
    on_stack: bool


@dataclass(frozen=True)
class StringView:
    """A string variable: its header and the bytes it points into."""

    var: str
    goroutine: str | None
    """Owning goroutine, None for a global."""
    len: int
    array: str | None
    """Name of the backing bytes (None: static data, or the empty string)."""
    offset: int
    """Index in the bytes where the string starts (after `s[low:]`)."""
    array_len: int
    """Bytes of data in the backing array (the stack buffer's 32 on the stack)."""
    array_bytes: int
    """Heap bytes the backing array takes (its size-class slot, 16 for a tiny block's
    opener); 0 on the stack or in static data."""
    on_stack: bool
    static: str
    """With no array: where the bytes are ("runtime.staticuint64s", "a string literal"), or ""."""
    shared_with: tuple[str, ...]
    """Other live variables whose header points into the same bytes."""
    tiny: bool
    """The bytes are < 16 and share a 16-byte tiny block with other small noscan objects."""


@dataclass(frozen=True)
class MapView:
    """A map variable and its Swiss-table structure."""

    var: str
    goroutine: str | None
    key: str
    value: str
    len: int
    bytes: int
    """Heap bytes the map holds (header, directory, tables, groups, indirect values)."""
    small: bool
    """A small map: a single 8-slot group, no table."""
    dir_len: int
    global_depth: int
    tables: tuple[TableView, ...]
    group_bytes: int
    indirect_values: bool
    entries: tuple[tuple[str, str | None], ...] = ()
    """The present keys the scenario names, as Go writes them (`"alice"`, `42`), oldest
    first, each with the object its value points at (None: nothing)."""

    @property
    def table_count(self) -> int:
        """Swiss tables (a small map has none: its one group stands alone)."""
        return 0 if self.small else len(self.tables)

    @property
    def groups(self) -> int:
        """Groups of 8 slots, in all tables (a small map: its one group)."""
        return sum(t.capacity for t in self.tables) // MAP_GROUP_SLOTS

    @property
    def tombstones(self) -> int:
        """Deleted slots in all tables: a delete leaves one where its group has no empty
        slot (so that probing goes on past it); clear(m) resets them all."""
        return sum(t.tombstones for t in self.tables)


@dataclass(frozen=True)
class PoolLocalView:
    """One P's part of a pool, or of its victim cache."""

    p: int
    private: str | None
    shared: tuple[str, ...]


@dataclass(frozen=True)
class PoolView:
    """A sync.Pool variable."""

    var: str
    type: str
    has_new: bool
    local: tuple[PoolLocalView, ...]
    victim: tuple[PoolLocalView, ...]
    hits: int
    misses: int
    news: int
    cached: int
    bytes: int = 0
    """Heap bytes of the pool's own structures: its [P]poolLocal arrays (local and
    victim) and their chain dequeues, not the objects it caches."""

    @property
    def local_cached(self) -> int:
        """Objects in the primary cache (private slots and shared chains of every P)."""
        return sum((loc.private is not None) + len(loc.shared) for loc in self.local)

    @property
    def victim_cached(self) -> int:
        """Objects in the victim cache (what the last GC moved there, not yet taken)."""
        return sum((loc.private is not None) + len(loc.shared) for loc in self.victim)


@dataclass(frozen=True)
class GoroutineView:
    """A goroutine and its stack."""

    name: str
    state: str
    """"running", "runnable", "blocked" (forever) or "dead"."""
    stack_size: int
    stack_used: int
    vars: tuple[str, ...]
    retained_bytes: int
    """Heap bytes only this goroutine's stack keeps alive: what its exit would free at the
    next GC (HeapAlloc's drop). Its stack itself (`stack_size`, StackInuse) comes on top."""
    leaked: bool
    """Blocked for ever while holding memory."""
    waiting_on: str = ""
    """The channel operation it is parked in (`ch <- v`, `<-ch`), "" when none."""


@dataclass(frozen=True)
class VarView:
    """A live variable."""

    name: str
    kind: str
    """"slice", "map", "pointer", "pool", "string", "iface", "func", "chan" or "weak"."""
    goroutine: str | None
    is_global: bool
    object: str | None
    """Name of the heap object it points to (None for nil or stack-only)."""
    bytes: int
    """Bytes of the object (or array, or map) it refers to."""
    type: str


@dataclass(frozen=True)
class RetentionPath:
    """Why is this alive: a chain from a root to the object."""

    target: str
    alive: bool
    root: str
    """The root that keeps it alive: "global x", "stack of main", "sync.Pool p"."""
    path: tuple[str, ...]
    """Object names from the root's object to the target, inclusive."""
    retained_bytes: int
    """Heap bytes nothing but the target keeps alive (a variable: every object it refers
    to, a map's tables, groups and directory, a pool's structures and cached objects)."""
    explanation: str


@dataclass(frozen=True)
class SpanSlot:
    """One slot of a span, for the zoomed span view."""

    index: int
    object: str | None
    state: str
    """"free", "allocated" or "garbage" (allocated, unmarked, not swept yet)."""
    requested: int
    """Bytes the object asked for (internal waste = slot size - requested)."""
    color: MarkColor


@dataclass(frozen=True)
class SpanView:
    """One span of the heap in detail."""

    id: int
    size_class: int
    noscan: bool
    start_page: int
    npages: int
    elem_size: int
    nelems: int
    allocated: int
    tail_waste: int
    internal_waste: int
    slots: tuple[SpanSlot, ...]
    swept: bool
    queued: bool


@dataclass(frozen=True)
class ChanView:
    """A channel: its buffer and the goroutines parked in its queues."""

    var: str
    goroutine: str | None
    elem: str
    cap: int
    len: int
    """Values in the buffer."""
    bytes: int
    """Heap bytes of its objects: hchan, with the buffer inside or beside it."""
    buffer_bytes: int
    """cap × element size: the buffer `makechan` asks for."""
    buffer_apart: bool
    """The buffer is its own object (the elements hold pointers)."""
    buffered: tuple[str, ...]
    """What each buffered value points to, oldest first ("-" for nothing)."""
    senders: tuple[str, ...]
    """Goroutines parked sending, first to wake first."""
    receivers: tuple[str, ...]
    closed: bool


@dataclass(frozen=True)
class RuntimeView:
    """Everything the panels draw for one position of the timeline."""

    time_ns: int
    memstats: MemStats
    gc: GCView
    vars: tuple[VarView, ...]
    slices: tuple[SliceView, ...]
    arrays: tuple[ArrayView, ...]
    maps: tuple[MapView, ...]
    pools: tuple[PoolView, ...]
    goroutines: tuple[GoroutineView, ...]
    spans_in_use: int
    pages_mapped: int
    generation: int = 0
    """Changes whenever the state changes: widgets compare it instead of arrays."""
    extra: dict[str, object] = field(default_factory=dict)
    # -- strings (issue 13) --
    strings: tuple[StringView, ...] = ()
    """String variables, each over its bytes (drawn beside the slices)."""
    chans: tuple["ChanView", ...] = ()
    """Live channel variables (issue 13)."""
    # -- runtime (issue 13) --
    specials: SpecialsView | None = None
    """Finalizers, cleanups and weak pointers (None while the program has none)."""
    os_released_forced: int = 0
    """Bytes `debug.FreeOSMemory` returned to the OS so far."""
    free_os_memory_calls: int = 0
    """`debug.FreeOSMemory` calls so far."""


# -- runtime (issue 13) --


@dataclass(frozen=True)
class SpecialsView:
    """The objects with a finalizer, a cleanup or a weak handle, and what waits to run."""

    finalizers: tuple[str, ...]
    """Objects with a finalizer that has not been queued yet."""
    cleanups: tuple[str, ...]
    """Cleanups not queued yet ("cleanup 1 of node")."""
    weak: tuple[tuple[str, str | None], ...]
    """Each weak pointer variable and the object its Value would return (None: nil)."""
    queued_finalizers: tuple[str, ...]
    """Objects whose finalizer waits for the finalizer goroutine."""
    queued_cleanups: tuple[str, ...]
    """Cleanups that wait for sweeping to end."""
