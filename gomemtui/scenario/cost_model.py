"""The model the real-cost walk runs a scenario's steps on (`cost_walk`), and what each
operation charges (`cost.Work`).

The model holds what the simulator's work depends on: which variable holds which object
and how big it is, slice lengths and capacities (grown as `growslice` grows them), map
sizes, the objects a pointer was stored to (kept for ever: an upper bound of what stays
live), GOGC and GOMEMLIMIT. It runs the operations as `runtime/mutator` does, down to
which repeats the runtime runs in one go, but it keeps no heap: an allocation is a count
and a size, charged to the step being walked (`here`) and to the run (`total`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from gomemtui.runtime import program as ops
from gomemtui.runtime.types import BUILTIN_TYPES, GoType
from gomemtui.runtime.values.boxing import convert
from gomemtui.runtime.values.closures import captured_by_reference, header_type, layout
from gomemtui.runtime.values.channels import HCHAN_BYTES, buffer_bytes
from gomemtui.runtime.values.growslice import growslice, stack_buffer_elems
from gomemtui.runtime.values.map_groups import (
    MAP_GROUP_SLOTS, MAX_AVG_GROUP_LOAD, MAX_TABLE_CAPACITY, group_layout,
)
from gomemtui.runtime.values.runtime_objects import startup_heap
from gomemtui.runtime.values.strings import (
    STRING_HEADER_BYTES, StringPlan, clone, concatstrings, slicebytetostring, stringtoslicebyte,
)
from gomemtui.scenario.append_walk import append_one_at_a_time, takes_stack_buffer
from gomemtui.scenario.cost import OP_COSTS, Work
from gomemtui.scenario.gotypes import user_types
from gomemtui.scenario.model import Scenario

__all__ = ["Variable", "ProgramModel", "PAGE_BYTES"]

_HEAP_MINIMUM = 4 << 20
"""`defaultHeapMinimum`: the GOGC goal is at least 4 MiB × GOGC/100."""
_MIN_TRIGGER = 45 / 64
"""A heap-triggered cycle starts at least 45/64 of the way from the marked heap to the
goal (`triggerRatioDen`, `minTriggerRatioNum`)."""
_LIMIT_OVERHEAD = 8 << 20
"""More than the runtime's non-heap memory (stacks, metadata: about 4-5 MB in the
simulator), taken off GOMEMLIMIT for the memory-limit goal."""
_MAP_MAX_BYTES = 128
"""Map keys or values bigger than this are stored out of line (`MapMaxKeyBytes`)."""
_MAP_HEADER = 48
_TABLE_STRUCT = 64
"""More than the bytes of a Swiss table's header (`maps.table`)."""
PAGE_BYTES = 8192
_SPAN_OBJECT = 4096
"""Half a span: an object this big or bigger takes a span to allocate and sweep (of
objects of sizes not known one by one, at most one per 4 KiB)."""
_LARGE_OBJECT = 32768
"""Bigger objects get a span of their own, found by scanning the page heap (`pages.find`)."""
_STACK_ALLOC_LIMIT = 64 << 10
"""`MaxImplicitStackVarSize`: a `make` bigger than this escapes."""
_BYTE = BUILTIN_TYPES["byte"]
_G_BYTES, _SUDOG_BYTES, _DEQUEUE_BYTES = 448, 96, 64
"""More than a `runtime.g`, a `sudog`, a pool chain's dequeue growth."""


@dataclass
class Variable:
    """What the walk knows of one variable."""

    kind: str
    """"pointer", "slice", "map", "pool", "string", "iface", "func" or "chan"."""
    goroutine: str
    obj: int = 0
    """The object it holds (0: none)."""
    elem: GoType | None = None
    """Pointee, element, map value or pool type."""
    key: GoType | None = None
    len: int = 0
    cap: int = 0
    has_array: bool = False
    stack: bool = False
    """A slice's array, or a string's bytes, is in a stack buffer."""
    appended_before: bool = False
    peak_len: int = 0
    """A map's largest length (maps never shrink)."""
    is_global: bool = False

    def shape(self) -> tuple[object, ...]:
        return (self.kind, self.len, self.cap, self.has_array, self.stack, self.appended_before,
                self.peak_len, self.is_global, self.goroutine)


class ProgramModel:
    """The program's state as far as its real cost goes, and the operations on it."""

    def __init__(self, scenario: Scenario) -> None:
        self.types = user_types(scenario)
        self.vars: dict[str, Variable] = {}
        self.sizes: dict[int, int] = {}
        """Object id -> simulated bytes, for the objects something references."""
        self.refs: dict[int, int] = {}
        """Object id -> how many variables and stores reference it."""
        self.retained: set[int] = set()
        """Objects a pointer was stored to (in an object, a slice or a pool): kept for
        ever, an upper bound of what stays live."""
        self.retained_bytes = 0
        self.next_obj = 1
        self.live = 0
        """Bytes of the referenced objects."""
        self.live_extra = 0
        """Bytes retained by the iterations a loop's work was multiplied for."""
        self.live_peak = 0
        self.live_peak_path: tuple[int, ...] = (0,)
        self.peak_since = 0
        """The live heap's peak since `iterate` last reset it (within one iteration)."""
        self.total = Work()
        self.work: dict[tuple[int, ...], Work] = {}
        self.here = Work()
        """The work of the step being walked (an entry of `work`)."""
        self.pools_used: set[int] = set()
        """The pools a Get or Put was made on (`poolCleanup` runs through them at every cycle)."""
        self.pools_extra = 0
        """Pools used by the iterations a loop's work was multiplied for."""
        self.gogc: int | None = scenario.runtime.gogc
        self.limit: int | None = scenario.runtime.gomemlimit
        self.cycle_budget: float | None = None
        """At most this many more heap-triggered cycles in the operation being run (None:
        no bound but the allocations')."""
        self.settings_seen: set[tuple[int | None, int | None]] = {(self.gogc, self.limit)}
        """The (GOGC, GOMEMLIMIT) pairs the program has had (since a loop's walk reset it)."""
        self.cleanup_goroutine = False
        """The first `add_cleanup` starts the runtime's cleanup goroutine."""
        self.startup_bytes = sum(size * n for size, n in startup_heap(scenario.runtime.gomaxprocs))
        """The runtime's own heap at start-up (gs, Ps), marked by every cycle."""

    # -- charging -------------------------------------------------------------------------

    def charge(self, **figures: float) -> None:
        """Add `figures` to the step being walked and to the total."""
        for w in (self.here, self.total):
            for name, value in figures.items():
                setattr(w, name, getattr(w, name) + value)

    def charge_op(self, do: str, times: int = 1, op: ops.Op | None = None) -> None:
        """`times` runs of an operation `do` (`op`: the operation, for the kinds that cost
        differently: an `assign` to a field, a `map_insert` into a map with keys or values
        out of line)."""
        if isinstance(op, ops.Assign) and op.field:
            do = "assign_field"
        elif isinstance(op, ops.MapInsert):
            var = self.vars.get(op.var)
            if var is not None and any(t is not None and t.size > _MAP_MAX_BYTES for t in (var.key, var.elem)):
                do = "map_insert_out_of_line"
        seconds, nbytes = OP_COSTS[do]
        self.charge(operations=times, op_seconds=seconds * times, op_bytes=nbytes * times)

    def allocate(self, count: int, size: int, slots_each: int = 0, *, array: bool = False,
                 total_bytes: int | None = None) -> None:
        """`count` heap objects of `size` bytes (or of `total_bytes` in all), each with
        `slots_each` pointer slots; each allocation may start a heap-triggered cycle
        (`mallocgc` → `gcTrigger.test`)."""
        if count <= 0:
            return
        nbytes = count * size if total_bytes is None else total_bytes
        each = nbytes // count
        cycles = self.heap_cycle_bound(count, nbytes)
        if self.cycle_budget is not None:
            cycles = min(cycles, self.cycle_budget)
            self.cycle_budget -= cycles
        large = count if each > _LARGE_OBJECT else 0
        self.charge(objects=count, pointer_slots=count * slots_each, allocated_bytes=nbytes, heap_cycles=cycles,
                    span_objects=(count if size >= _SPAN_OBJECT else 0) if total_bytes is None
                    else min(count, nbytes // _SPAN_OBJECT), large_objects=large,
                    page_scans=large * self.mapped_pages(each))
        self.charge_cycles(cycles)
        if array:
            self.charge_arrays(count)

    def charge_arrays(self, count: int) -> None:
        """`count` backing arrays: the program state keeps a record of each."""
        self.charge(arrays=count)

    def charge_cycles(self, cycles: float) -> None:
        """Mark work of `cycles` cycles now: each reads every row of the object table,
        goes through every map key and value stored out of line, scans every root and
        cleans every pool used so far."""
        self.charge(mark_objects=self.total.objects * cycles, mark_slots=self.total.pointer_slots * cycles,
                    map_marks=self.total.map_objects * cycles, pool_sweeps=self.pools_in_use * cycles,
                    root_scans=self.roots * cycles)

    @property
    def roots(self) -> int:
        """The variables and goroutines: what every cycle and every look at the state
        go through."""
        return len(self.vars) + self.total.goroutines

    @property
    def pools_in_use(self) -> int:
        return len(self.pools_used) + self.pools_extra

    def heap_cycle_bound(self, events: int, nbytes: int) -> float:
        """At most how many heap-triggered cycles `events` allocations of `nbytes` in all
        may start: one each, and one per `spacing()` bytes. (Between two cycle starts at
        least `spacing()` bytes are allocated, so every such stretch adds at least one to
        the sum of min(1, bytes / spacing) over its allocations.)"""
        spacing = self.spacing()
        if spacing is None:
            return 0.0
        return float(events) if spacing <= 0 else min(float(events), nbytes / spacing)

    @staticmethod
    def cycle_bound(work: Work, spacing: float | None) -> float:
        """`heap_cycle_bound` for the allocations of `work` with this spacing."""
        if spacing is None or not work.objects:
            return 0.0
        return float(work.objects) if spacing <= 0 else min(work.objects, work.allocated_bytes / spacing)

    def marked_bound(self) -> int:
        """An upper bound of the heap a cycle marks: the live-heap bound so far and the
        runtime's start-up heap."""
        return max(self.live_peak, self.live + self.live_extra) + self.startup_bytes

    def spacing(self) -> float | None:
        """`spacing_for` the current GOGC and GOMEMLIMIT."""
        return self.spacing_for(self.gogc, self.limit)

    def spacing_for(self, gogc: int | None, limit: int | None) -> float | None:
        """A lower bound of the bytes allocated between two heap-triggered cycle starts
        (None: none can start) under this GOGC and GOMEMLIMIT.
        A cycle starts at least 45/64 of the way from the heap marked by the last one, L,
        to the goal (`gcControllerState.trigger`). GOGC = 100 × g puts the goal at
        max(L × (1 + g), 4 MiB × g) at least (`heapGoalInternal`), so the runway is at
        least the smallest max(L × g, 4 MiB × g − L) for L up to `marked_bound`.
        GOMEMLIMIT puts it at the limit less the non-heap memory and a headroom of
        max(3 %, 1 MiB) (`memoryLimitHeapGoal`)."""
        marked = self.marked_bound()
        bounds: list[float] = []
        if gogc is not None:
            g = max(gogc, 0) / 100
            floor = _HEAP_MINIMUM * g
            turn = floor / (1 + g)  # where L × g = 4 MiB × g − L
            bounds.append(_MIN_TRIGGER * (floor - marked if marked < turn else turn * g))
        if limit is not None:
            goal = limit - _LIMIT_OVERHEAD - max(limit * 3 // 100, 1 << 20)
            bounds.append(_MIN_TRIGGER * max(goal - marked, 0))
        return min(bounds) if bounds else None

    def mapped_pages(self, size: int) -> int:
        """An upper bound of the heap's mapped pages when an object of `size` is placed:
        what was allocated so far, and at most `goal_for` the current GOGC plus the object."""
        return int(min(self.total.allocated_bytes, self.goal_for(self.gogc)) + size) // PAGE_BYTES + 1

    def goal_for(self, gogc: int | None) -> float:
        """With GOGC on, the goal of the marked-heap bound (× (1 + GOGC/100), at least
        4 MiB × GOGC/100): more than the heap maps before the next cycle frees what it
        can (infinite with GOGC off)."""
        if gogc is None:
            return math.inf
        g = max(gogc, 0) / 100
        return max(self.marked_bound() * (1 + g), _HEAP_MINIMUM * g)

    def worst_spacing_and_goal(self) -> tuple[float | None, float]:
        """The smallest spacing and the largest goal under any GOGC and GOMEMLIMIT the
        program has had since `settings_seen` was last reset."""
        spacings = [self.spacing_for(g, l) for g, l in self.settings_seen]
        known = [x for x in spacings if x is not None]
        return (min(known) if known else None), max(self.goal_for(g) for g, _ in self.settings_seen)

    # -- the model's objects ------------------------------------------------------------------

    def new_object(self, size: int) -> int:
        oid = self.next_obj
        self.next_obj += 1
        self.sizes[oid] = size
        return oid

    def hold(self, oid: int) -> None:
        if oid:
            count = self.refs.get(oid, 0) + 1
            self.refs[oid] = count
            if count == 1:
                self.live += self.sizes.get(oid, 0)

    def release(self, oid: int) -> None:
        if oid:
            count = self.refs[oid] - 1
            if count:
                self.refs[oid] = count
            else:
                del self.refs[oid]
                self.live -= self.sizes.pop(oid, 0)

    def resize(self, oid: int, size: int) -> None:
        """Object `oid` is now `size` bytes (a map's parts grew)."""
        if oid in self.refs:
            self.live += size - self.sizes.get(oid, 0)
        self.sizes[oid] = size

    def bind(self, name: str, var: Variable) -> None:
        """`name := ...`: the variable's old object loses a reference."""
        old = self.vars.get(name)
        if old is not None:
            var.is_global = old.is_global
        self.hold(var.obj)
        if old is not None:
            self.release(old.obj)
        self.vars[name] = var

    def unbind(self, name: str) -> None:
        var = self.vars.pop(name, None)
        if var is not None:
            self.release(var.obj)

    def retain(self, name: str | None) -> None:
        """A pointer to what `name` holds was stored in the heap or a pool."""
        var = self.vars.get(name) if name is not None else None
        if var is not None and var.obj and var.obj not in self.retained:
            self.retained.add(var.obj)
            self.retained_bytes += self.sizes.get(var.obj, 0)
            self.hold(var.obj)

    # -- operations (as runtime/mutator runs them) ------------------------------------------

    def operation(self, do: str, op: ops.Op) -> None:
        self.charge_op(do, 1, op)
        handler = _HANDLERS.get(type(op))
        if handler is not None:
            handler(self, op)

    def new(self, op: ops.New, times: int = 1) -> None:
        """`new(T)`: an object, none on the stack or for a zero-size T (`&zerobase`); a
        repeat of it (`mutator.pointers.new_many`) allocates even zero-size ones, 1 B each."""
        t = op.type
        if op.escape == "stack" or (t.size == 0 and times == 1):
            self.bind(op.var, Variable("pointer", op.g, elem=t))
            return
        self.allocate(times, max(t.size, 1), len(t.pointer_fields))
        self.bind(op.var, Variable("pointer", op.g, self.new_object(t.size), elem=t))

    def make_slice(self, op: ops.MakeSlice) -> None:
        cap = max(op.cap, op.len)
        var = Variable("slice", op.g, elem=op.elem, len=op.len, cap=cap, has_array=cap > 0,
                       stack=op.escape == "stack")
        nbytes = cap * op.elem.size
        if cap and op.escape == "stack" and nbytes <= _STACK_ALLOC_LIMIT:
            self.charge_arrays(1)
        elif cap:
            self.allocate(1, nbytes, cap if op.elem.has_pointers else 0, array=True)
            var.obj = self.new_object(nbytes)
        self.bind(op.var, var)

    def append(self, op: ops.Append, count: int | None = None) -> None:
        """`mutator.slices.append`: `count` elements one at a time, filling the room and
        growing by `growslice` when full (a batch: `append_batches`)."""
        var = self.vars.get(op.var)
        if op.value is not None:
            self.retain(op.value)
        if op.batch is not None:
            self.append_batches(op, 1)
            return
        if var is None or var.elem is None:
            return
        append_one_at_a_time(var, op.count if count is None else count, lambda: self.grow(var, 1, bulk=False))

    def append_batches(self, op: ops.Append, times: int) -> None:
        """`times` × `append(s, xs...)` of `op.batch` elements: a growth whenever one
        does not fit."""
        var = self.vars.get(op.var)
        if op.value is not None:
            self.retain(op.value)
        if var is None or var.elem is None or op.batch is None:
            return
        k, left = op.batch, times
        while left > 0:
            fit = (var.cap - var.len) // k if var.has_array else 0
            if fit:
                take = min(fit, left)
                var.len += take * k
                left -= take
                continue
            self.grow(var, k, bulk=True)
            left -= 1

    def grow(self, var: Variable, k: int, *, bulk: bool) -> None:
        """One append of k elements that does not fit (`growslice`, or the compiler's
        32-byte stack buffer for a local's first one)."""
        elem = var.elem
        assert elem is not None
        new_len = var.len + k
        if var.has_array and new_len <= var.cap:
            var.len = new_len
            return
        if elem.size == 0:
            var.len = var.cap = new_len
            return
        if takes_stack_buffer(var, new_len, elem.size, bulk):
            var.cap = stack_buffer_elems(elem.size)
            self.charge_arrays(1)
        else:
            var.cap, capmem = growslice(var.len, var.cap, k, elem.size, elem.noscan)
            obj = self.new_object(capmem)
            self.hold(obj)  # the old array is still held: growslice copies from it
            self.allocate(1, capmem, var.cap if elem.has_pointers else 0, array=True)
            self.release(var.obj)
            var.obj = obj
        var.appended_before = True
        var.has_array = True
        var.len = new_len

    def reslice(self, op: ops.Reslice) -> None:
        src = self.vars.get(op.source)
        if src is None:
            return
        low = op.low or 0
        high = src.len if op.high is None else op.high
        bound = src.cap if op.max is None else op.max
        new = Variable("slice", op.g, src.obj, src.elem, len=max(high - low, 0), cap=max(bound - low, 0),
                       has_array=src.has_array, stack=src.stack, appended_before=True)
        if op.var == op.source:
            new.goroutine = src.goroutine
        self.bind(op.var, new)

    def copy_slice(self, op: ops.CopySlice) -> None:
        src = self.vars.get(op.source)
        elem = src.elem if src is not None else None
        n = src.len if src is not None else 0
        var = Variable("slice", op.g, elem=elem, len=n, cap=n, has_array=n > 0, appended_before=True)
        if n and elem is not None:
            self.allocate(1, n * elem.size, n if elem.has_pointers else 0, array=True)
            var.obj = self.new_object(n * elem.size)
        self.bind(op.var, var)

    def make_map(self, op: ops.MakeMap) -> None:
        var = Variable("map", op.g, elem=op.value, key=op.key, peak_len=op.hint or 0)
        parts, nbytes = _map_structure(op.key, op.value, op.hint or 0)
        self.allocate(parts, 0, total_bytes=nbytes)
        var.obj = self.new_object(nbytes)
        self.bind(op.var, var)

    def map_insert(self, op: ops.MapInsert, count: int | None = None) -> None:
        """New keys: the map grows (each growth allocates tables twice the size of the
        old, or splits one), and a key or value bigger than 128 B is an object of its own."""
        var = self.vars.get(op.var)
        if var is None or var.key is None or var.elem is None:
            return
        n = op.count if count is None else count
        self.retain(op.value)  # the values point at it (a key a step names counts as new: a bound)
        growing = var.len == var.peak_len  # every key grows the map: what it allocates stays
        var.len += n
        self.charge(map_keys=n)
        old_peak = var.peak_len
        var.peak_len = max(var.peak_len, var.len)
        before = _map_bytes(var.key, var.elem, old_peak)
        self.resize(var.obj, _map_bytes(var.key, var.elem, var.peak_len))  # the spacing sees it grown
        if growing:
            self.cycle_budget = self.growth_cycles(before, self.sizes.get(var.obj, 0))
        if var.peak_len > old_peak:
            old_parts, old_bytes = _map_growth(var.key, var.elem, old_peak)
            parts, nbytes = _map_growth(var.key, var.elem, var.peak_len)
            self.allocate(parts - old_parts, 0, total_bytes=nbytes - old_bytes)
        for t in (var.key, var.elem):
            if t.size > _MAP_MAX_BYTES:
                self.charge(map_objects=n)
                self.allocate(n, t.size, 1 if t.has_pointers else 0)
        self.cycle_budget = None

    def growth_cycles(self, start: int, end: int) -> float | None:
        """At most how many heap-triggered cycles a variable's data growing from `start` to
        `end` bytes can start when what it allocates stays reachable (a map's new keys: at
        most half of it is the tables it outgrew). Every cycle marks it, L ≥ its size, so
        the next one comes 45/64 × L × GOGC/100 of allocation later at least: it has grown
        by a factor 1 + 45/128 × GOGC/100. Below 4 MiB × GOGC/100 the runway is at least
        45/64 × 4 MiB × (GOGC/100)² / (1 + GOGC/100). None: GOGC is off (only the memory
        limit starts cycles, and its goal does not grow with the heap)."""
        if self.gogc is None or self.gogc <= 0 or self.limit is not None:
            return None
        g = self.gogc / 100
        floor = _HEAP_MINIMUM * g
        return math.ceil((1 + g) / (_MIN_TRIGGER * g)) + math.log(max(end, floor) / max(start, floor)) / math.log(
            1 + _MIN_TRIGGER * g / 2)

    def map_delete(self, op: ops.MapDelete) -> None:
        var = self.vars.get(op.var)
        if var is not None:
            var.len = 0 if op.all else max(var.len - op.count, 0)

    def map_clear(self, op: ops.MapClear) -> None:
        var = self.vars.get(op.var)
        if var is not None:
            var.len = 0

    def pool_new(self, op: ops.PoolNew) -> None:
        self.bind(op.var, Variable("pool", op.g, self.new_object(0), elem=op.type))

    def use_pool(self, name: str) -> None:
        pool = self.vars.get(name)
        if pool is not None:
            self.pools_used.add(pool.obj)

    def pool_get(self, op: ops.PoolGet) -> None:
        """`p.Get()`: a cached object or, at most, a new one from New."""
        self.use_pool(op.pool)
        pool = self.vars.get(op.pool)
        t = pool.elem if pool is not None else None
        var = Variable("pointer", op.g, elem=t)
        if t is not None:
            self.allocate(1, max(t.size, 1), len(t.pointer_fields))
            var.obj = self.new_object(t.size)
        self.bind(op.var, var)

    def pool_put(self, op: ops.PoolPut) -> None:
        self.use_pool(op.pool)
        self.retain(op.var)
        self.allocate(1, _DEQUEUE_BYTES)  # at most: a poolChain dequeue's growth

    def assign(self, op: ops.Assign) -> None:
        if op.field is not None:
            self.retain(op.value)
            return
        src = self.vars.get(op.value) if op.value is not None else None
        old = self.vars.get(op.target)
        goroutine = old.goroutine if old is not None else op.g
        self.bind(op.target, Variable("pointer", goroutine, src.obj if src is not None else 0,
                                      elem=src.elem if src is not None else None))

    def drop(self, op: ops.Drop) -> None:
        self.unbind(op.var)

    def make_global(self, op: ops.Global) -> None:
        var = self.vars.get(op.var)
        if var is not None:
            var.is_global = True

    def go(self, op: ops.Go) -> None:
        self.charge(goroutines=1)
        self.allocate(2, _G_BYTES)  # its g (never freed) and, at most, allgs' growth

    def block(self, op: ops.Block) -> None:
        self.allocate(1, _SUDOG_BYTES)

    def exit(self, op: ops.Exit) -> None:
        for name, var in list(self.vars.items()):
            if var.goroutine == op.goroutine and not var.is_global:
                self.unbind(name)

    def gc(self, op: ops.GC) -> None:
        self.charge(forced_cycles=1)
        self.charge_cycles(1)

    def make_string(self, op: ops.MakeString) -> None:
        """`string(b)` (`slicebytetostring`) or `strings.Clone(s)`: a copy of the bytes,
        unless they fit a stack buffer, are one static byte or none."""
        source = self.vars.get(op.source) if op.source is not None else None
        escapes = op.escape == "heap"
        if source is not None and source.kind == "string":
            n = source.len
            plan = clone(n, escapes)
        else:
            n = source.len if source is not None else (op.len or 0)
            plan = slicebytetostring(n, escapes)
        self.bind(op.var, self.placed_string(op.g, n, plan))

    def concat(self, op: ops.Concat) -> None:
        """`a + b + …` (`concatstrings`): one copy of every part, or the one non-empty part
        itself, or nothing (constants, the empty string)."""
        parts = [self.vars.get(p) if isinstance(p, str) else None for p in op.parts]
        lens = [p if isinstance(p, int) else (v.len if v is not None else 0) for p, v in zip(op.parts, parts)]
        on_stack = [v is not None and v.stack for v in parts]
        plan = concatstrings(lens, on_stack, op.escape == "heap", all(isinstance(p, int) for p in op.parts))
        if plan.where == "shared":
            kept = parts[plan.part]
            self.bind(op.var, Variable("string", op.g, kept.obj if kept else 0, len=sum(lens),
                                       stack=kept is not None and kept.stack))
            return
        self.bind(op.var, self.placed_string(op.g, sum(lens), plan))

    def placed_string(self, goroutine: str, n: int, plan: StringPlan) -> Variable:
        """A string of `n` bytes where `plan` puts them: a new pointer-free object on the
        heap, a stack buffer, or no bytes of its own."""
        var = Variable("string", goroutine, len=n, stack=plan.where == "stack")
        if plan.where == "heap":
            self.allocate(1, plan.request)
            var.obj = self.new_object(plan.request)
        return var

    def substring(self, op: ops.Substring) -> None:
        """`s = from[low:high]`: the same bytes, kept whole."""
        source = self.vars.get(op.source)
        if source is None:
            return
        low = op.low or 0
        high = source.len if op.high is None else op.high
        var = Variable("string", op.g, source.obj, len=max(high - low, 0), stack=source.stack)
        if op.var == op.source:
            var.goroutine = source.goroutine
        self.bind(op.var, var)

    def string_bytes(self, op: ops.StringBytes) -> None:
        """`[]byte(s)` (`stringtoslicebyte`): a new array of cap `roundupsize(len)`, or the
        caller's 32-byte stack buffer."""
        source = self.vars.get(op.source)
        n = source.len if source is not None else 0
        plan = stringtoslicebyte(n, op.escape == "heap")
        var = Variable("slice", op.g, elem=_BYTE, len=n, cap=plan.cap, has_array=plan.where != "empty",
                       stack=plan.where == "stack", appended_before=True)
        if plan.where == "heap":
            self.allocate(1, plan.request, array=True)
            var.obj = self.new_object(plan.request)
        elif plan.where == "stack":
            self.charge_arrays(1)
        self.bind(op.var, var)

    def set_elem(self, op: ops.SetElem) -> None:
        """`s[i] = p`: a pointer stored in the array."""
        self.retain(op.value)

    def box(self, op: ops.Box) -> None:
        """`var v any = x` (`convT*`): a heap copy of the value, or none (pointer-shaped
        values, constants, zero-size values, 0..255, a stack temporary)."""
        source = self.vars.get(op.source) if op.source is not None else None
        if source is not None:
            if source.kind == "slice" and source.has_array and op.escape == "heap":  # convTslice
                var = Variable("iface", op.g, self.new_object(24))
                self.allocate(1, 24, 1)
            else:  # the data word is the pointer itself
                var = Variable("iface", op.g, source.obj)
            self.bind(op.var, var)
            return
        var = Variable("iface", op.g)
        t = op.type
        if t is not None and convert(t, op.value, op.constant).allocates and not (
                op.escape == "stack" and t.size <= _STACK_ALLOC_LIMIT):
            size = STRING_HEADER_BYTES if t.name == "string" else 24 if t.name.startswith("[]") else t.size
            self.allocate(1, size)
            var.obj = self.new_object(size)
        self.bind(op.var, var)

    def closure(self, op: ops.Closure) -> None:
        """`f := func() { … }`: when it escapes with captures, a `new(T)` per local captured
        by reference and the closure; it keeps what the captured variables point to."""
        var = Variable("func", op.g)
        if op.escape == "heap" and op.captures:
            fields = []
            for c in op.captures:
                if c.type is None:
                    source = self.vars.get(c.name)
                    self.retain(c.name)
                    fields.append((c.name, header_type(source.kind if source else "pointer", None), False))
                    continue
                by_ref = captured_by_reference(c.type, c.modified)
                if by_ref and c.type.size:
                    self.allocate(1, c.type.size, len(c.type.pointer_fields))
                fields.append((c.name, c.type, by_ref))
            size = layout(fields).size
            self.allocate(1, size, len(fields))
            var.obj = self.new_object(size)
        self.bind(op.var, var)

    def set_gc_percent(self, op: ops.SetGCPercent) -> None:
        self.gogc = op.value
        self.settings_seen.add((self.gogc, self.limit))

    def set_memory_limit(self, op: ops.SetMemoryLimit) -> None:
        self.limit = op.value
        self.settings_seen.add((self.gogc, self.limit))

    # -- channels (issue 13) --

    def make_chan(self, op: ops.MakeChan) -> None:
        """`make(chan T, n)` (`makechan`): the hchan with its buffer inside when T holds no
        pointers, else the hchan and a buffer of n elements' pointer slots beside it."""
        buffer = buffer_bytes(op.elem, op.cap)
        if op.elem.has_pointers and buffer:
            self.allocate(1, HCHAN_BYTES)
            self.allocate(1, buffer, op.cap * max(1, len(op.elem.pointer_fields)))
        else:
            self.allocate(1, HCHAN_BYTES + buffer)
        self.bind(op.var, Variable("chan", op.g, self.new_object(HCHAN_BYTES + buffer), elem=op.elem))

    def send(self, op: ops.Send) -> None:
        """`ch <- v`: the value is kept by the buffer or by a parked sender's sudog (counted
        as if it parked: `acquireSudog` allocates one at most)."""
        self.retain(op.var)
        self.allocate(1, _SUDOG_BYTES)

    def recv(self, op: ops.Recv) -> None:
        """`v := <-ch`: a receiver that parks takes a sudog; `v` points at what was sent."""
        self.allocate(1, _SUDOG_BYTES)
        if op.var is not None:
            self.bind(op.var, Variable("pointer", op.g))

    def close_chan(self, op: ops.CloseChan) -> None:
        """`close(ch)` allocates nothing; parked receivers wake (their sudogs were counted)."""

    # -- runtime (issue 13) --

    def free_os_memory(self, op: ops.FreeOSMemory) -> None:
        """`debug.FreeOSMemory()`: a forced cycle, then the scavenger releases free pages."""
        self.gc(ops.GC())

    def set_finalizer(self, op: ops.SetFinalizer) -> None:
        """A special on the object's span: nothing on the heap (it lives one cycle longer)."""
        self.retain(op.var)

    def add_cleanup(self, op: ops.AddCleanup) -> None:
        """The boxed argument and the closure (16 B each); the first call also starts the
        cleanup goroutine (its `g`)."""
        self.allocate(2, 16, 1)
        if not self.cleanup_goroutine:
            self.cleanup_goroutine = True
            self.allocate(1, _G_BYTES)

    def weak_make(self, op: ops.WeakMake) -> None:
        """`weak.Make(p)`: the object's 16-byte handle (shared by later weak pointers to it)."""
        self.allocate(1, 16)
        self.bind(op.var, Variable("weak", op.g, self.new_object(16)))

    def weak_value(self, op: ops.WeakValue) -> None:
        """`w.Value()`: a strong pointer to the object (allocates nothing)."""
        self.bind(op.var, Variable("pointer", op.g))


_M = ProgramModel
_HANDLERS: dict[type, Callable[[ProgramModel, Any], None]] = {
    ops.New: _M.new, ops.MakeSlice: _M.make_slice, ops.Append: _M.append, ops.Reslice: _M.reslice,
    ops.CopySlice: _M.copy_slice, ops.MakeMap: _M.make_map, ops.MapInsert: _M.map_insert,
    ops.MapDelete: _M.map_delete, ops.MapClear: _M.map_clear, ops.PoolNew: _M.pool_new, ops.PoolGet: _M.pool_get,
    ops.PoolPut: _M.pool_put, ops.Assign: _M.assign, ops.Drop: _M.drop, ops.Global: _M.make_global,
    ops.Go: _M.go, ops.Block: _M.block, ops.Exit: _M.exit, ops.GC: _M.gc, ops.SetGCPercent: _M.set_gc_percent,
    ops.SetMemoryLimit: _M.set_memory_limit, ops.MakeString: _M.make_string, ops.Concat: _M.concat,
    ops.Substring: _M.substring, ops.StringBytes: _M.string_bytes, ops.SetElem: _M.set_elem, ops.Box: _M.box,
    ops.Closure: _M.closure,
    ops.MakeChan: _M.make_chan, ops.Send: _M.send, ops.Recv: _M.recv,
    ops.CloseChan: _M.close_chan,
    ops.FreeOSMemory: _M.free_os_memory, ops.SetFinalizer: _M.set_finalizer, ops.AddCleanup: _M.add_cleanup,
    ops.WeakMake: _M.weak_make, ops.WeakValue: _M.weak_value,
}
"""Op class -> what it does to the model (`call` changes nothing the budget counts)."""


def _map_structure(key: GoType, value: GoType, entries: int) -> tuple[int, int]:
    """(objects, bytes) of a Swiss-table map's structure holding `entries` keys, an upper
    bound: the header, then one group (≤ 8 keys), or one table of a power-of-two number
    of slots filled to at most 7/8, or tables of 1024 slots filled to at least 7/16 (a
    split leaves two halves of a full table) with the directory."""
    group_bytes = group_layout(key, value)[0]
    if entries == 0:
        return 1, _MAP_HEADER
    if entries <= MAP_GROUP_SLOTS:
        return 2, _MAP_HEADER + group_bytes
    full = MAX_TABLE_CAPACITY * MAX_AVG_GROUP_LOAD // MAP_GROUP_SLOTS
    if entries <= full:
        return 3, _MAP_HEADER + _TABLE_STRUCT + _table_slots(entries) // MAP_GROUP_SLOTS * group_bytes
    tables = -(-entries // (full // 2))
    groups = tables * MAX_TABLE_CAPACITY // MAP_GROUP_SLOTS
    return 2 + 2 * tables, _MAP_HEADER + 8 * tables + tables * _TABLE_STRUCT + groups * group_bytes


def _map_growth(key: GoType, value: GoType, entries: int) -> tuple[int, int]:
    """(objects, bytes) a map allocates for its structure while it grows from empty to
    `entries` keys, an upper bound: every table it outgrew was at most half the size of
    the next (twice the final bytes in all), and each part was allocated anew once per
    doubling of its table (up to 1024 slots) or split. Counted from empty, so growing in
    one insert or in many costs the same."""
    parts, nbytes = _map_structure(key, value, entries)
    doublings = 0
    if entries > MAP_GROUP_SLOTS:
        slots = min(MAX_TABLE_CAPACITY, _table_slots(entries))
        doublings = slots.bit_length() - MAP_GROUP_SLOTS.bit_length()
    return 2 * parts + doublings, 2 * nbytes


def _table_slots(entries: int) -> int:
    """The slots of one table holding `entries` keys at most 7/8 full (a power of two)."""
    return 1 << math.ceil(math.log2(entries * MAP_GROUP_SLOTS / MAX_AVG_GROUP_LOAD))


def _map_bytes(key: GoType, value: GoType, entries: int) -> int:
    """Bytes a map of `entries` keys keeps reachable: its structure and the keys and values
    stored out of line."""
    out_of_line = sum(t.size for t in (key, value) if t.size > _MAP_MAX_BYTES)
    return _map_structure(key, value, entries)[1] + entries * out_of_line
