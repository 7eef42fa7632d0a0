"""The walk behind the real-cost estimate: a scenario's steps run on a small model of the
program, each charged the work the simulator will do for it (`cost.Work`).

The model holds what the work depends on: which variable holds which object and how big
it is, slice lengths and capacities (grown as `growslice` grows them), map sizes, the
objects a pointer was stored to (kept for ever: an upper bound of what stays live), GOGC
and GOMEMLIMIT. It runs the operations as `runtime/mutator` does, down to which repeats
the runtime runs in one go, but it keeps no heap: an allocation is a count and a size.

Loops are what make this cheap. A loop's iterations are followed until one leaves the
model as the one before did; the next one is followed too, and its work multiplied by
the iterations left (array pairs and mark work, which grow with what came before, are
summed). Steps of the body that only count a variable up (an `append` or `map_insert`
that no other body step names) are left out of that comparison and run once for all the
iterations left, so a loop that fills a slice or a map costs a few iterations to walk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable

from gomemtui.runtime import program as ops
from gomemtui.runtime.types import GoType
from gomemtui.runtime.values.growslice import growslice, stack_buffer_elems
from gomemtui.runtime.values.map_groups import MAP_GROUP_SLOTS, MAX_AVG_GROUP_LOAD, MAX_TABLE_CAPACITY, group_layout
from gomemtui.runtime.values.runtime_objects import startup_heap
from gomemtui.scenario.compiler import compile_step
from gomemtui.scenario.cost import OP_COSTS, UNIT_BYTES, CostEstimate, Work
from gomemtui.scenario.gotypes import user_types
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.spec import OPS, Kind

__all__ = ["estimate"]

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
_PAGE = 8192
_LARGE_OBJECT = 32768
"""Bigger objects get a span of their own, found by scanning the page heap (`pages.find`)."""
_GROWING = ("heap_cycles", "page_scans", "array_pairs", "mark_objects", "mark_slots")
"""The figures of `Work` that grow with what iterations before made (`_Walk.multiply`)."""
_COPY_BYTES_PER_SECOND = 2e9
"""More than the speed of a checkpoint's copy: the sooner a step's work pays for one."""
_STACK_ALLOC_LIMIT = 64 << 10
"""`MaxImplicitStackVarSize`: a `make` bigger than this escapes."""
_G_BYTES, _SUDOG_BYTES, _DEQUEUE_BYTES = 448, 96, 64
"""More than a `runtime.g`, a `sudog`, a pool chain's dequeue growth."""


def estimate(scenario: Scenario) -> CostEstimate:
    """The estimated cost of running `scenario` (a checked one: every name and type resolves)."""
    walk = _Walk(scenario)
    for step in scenario.steps:
        walk.top_step(step)
    return CostEstimate(walk.work, walk.total, walk.live_peak, walk.live_peak_path,
                        walk.live_extra + walk.retained_bytes)


@dataclass
class _Var:
    """What the walk knows of one variable."""

    kind: str
    """"pointer", "slice", "map" or "pool"."""
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
    appended_before: bool = False
    peak_len: int = 0
    """A map's largest length (maps never shrink)."""
    is_global: bool = False

    def shape(self) -> tuple[object, ...]:
        return (self.kind, self.len, self.cap, self.has_array, self.stack, self.appended_before,
                self.peak_len, self.is_global, self.goroutine)


class _Walk:
    """The steps run on the model, charging each its work."""

    def __init__(self, scenario: Scenario) -> None:
        self.types = user_types(scenario)
        self.ops: dict[tuple[int, ...], ops.Op] = {}
        """Each step's compiled operation (the compiler fills in every default)."""
        self.vars: dict[str, _Var] = {}
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
        self.gogc: int | None = scenario.runtime.gogc
        self.limit: int | None = scenario.runtime.gomemlimit
        self.startup_bytes = sum(size * n for size, n in startup_heap(scenario.runtime.gomaxprocs))
        """The runtime's own heap at start-up (gs, Ps), marked by every cycle."""
        self.since_checkpoint = 0.0
        """Estimated seconds of work since the last checkpoint the timeline took."""
        self.actions_since_checkpoint = 0

    # -- steps and loops ----------------------------------------------------------------

    def top_step(self, step: StepSpec) -> None:
        """A `[[step]]`: one action of the timeline, after which `run` reads the state
        and the timeline may take a checkpoint."""
        self.here = self.work.setdefault(step.path, Work())
        self.charge(steps=1)
        before = self.total.seconds()
        self.step(step)
        # Timeline._maybe_checkpoint: a checkpoint when the work since the last one is at
        # least twice what taking one costs, and 20 ms or 64 actions
        copy = (self.total.objects * UNIT_BYTES["checkpoint_objects"]
                + self.total.pointer_slots * UNIT_BYTES["checkpoint_slots"])
        self.since_checkpoint += self.total.seconds() - before
        self.actions_since_checkpoint += 1
        worth_it = self.since_checkpoint >= 2 * copy / _COPY_BYTES_PER_SECOND
        if worth_it and (self.since_checkpoint >= 0.02 or self.actions_since_checkpoint >= 64):
            self.here = self.work[step.path]
            self.charge(checkpoint_bytes=copy)
            self.since_checkpoint, self.actions_since_checkpoint = 0.0, 0

    def step(self, step: StepSpec) -> None:
        if step.do == "loop":
            self.loop(step)
        else:
            op = self.ops.get(step.path)
            if op is None:
                op = self.ops[step.path] = compile_step(step, self.types)
            self.here = self.work.setdefault(step.path, Work())
            if isinstance(op, ops.Repeat):
                self.repeat(step, op.op, op.times)
            else:
                self.operation(step.do, op)
        live = self.live + self.live_extra
        self.peak_since = max(self.peak_since, live)
        if live > self.live_peak:
            self.live_peak, self.live_peak_path = live, step.path

    def repeat(self, step: StepSpec, op: ops.Op, times: int) -> None:
        """`repeat = N`, as `mutator.loops.repeat` runs it: a `new` to the heap, an
        append without batch or value and a map insert in one go; anything else N times."""
        do = step.do
        if isinstance(op, ops.New) and op.escape == "heap":
            self.charge_op(do)
            self.new(op, times)
        elif isinstance(op, ops.Append) and op.batch is None and op.value is None:
            self.charge_op(do)
            self.append(op, op.count * times)
        elif isinstance(op, ops.MapInsert):
            self.charge_op(do)
            self.map_insert(op, op.count * times)
        elif isinstance(op, ops.Append) and op.batch is not None:
            self.charge_op(do, times)
            self.append_batches(op, times)
        else:
            self.iterate(step.path, times, lambda: self.operation(do, op), [self.here], [])

    def loop(self, step: StepSpec) -> None:
        times = step.value("times") * step.repeat
        counters = _counters(step)
        counted_paths = {s.path for s in counters}
        entries = [self.work.setdefault(s.path, Work()) for s in _leaves(step.body) if s.path not in counted_paths]
        counted = [(s, self.work.setdefault(s.path, Work())) for s in counters]
        self.iterate(step.path, times, lambda: self.run(step.body), entries, counted)

    def run(self, steps: tuple[StepSpec, ...]) -> None:
        for step in steps:
            self.step(step)

    def iterate(self, path: tuple[int, ...], n: int, once: Callable[[], None], entries: list[Work],
                counted: list[tuple[StepSpec, Work]]) -> None:
        """Do `once()` n times. When an iteration leaves the model as the one before did
        (`counted` steps' variables aside), the next one is walked too and its work (less
        the counted steps') multiplied by the iterations left; the counted steps then run
        once for all those iterations."""
        skip = {s.args["var"] for s, _ in counted}
        previous = None
        done = 0
        while done < n:
            once()
            done += 1
            shape = self.shape(skip)
            if shape != previous or done == n:
                previous = shape
                continue
            before = [w.copy() for w in entries]
            retained_before = self.retained_bytes + self.live_extra
            outer_peak, self.peak_since = self.peak_since, 0  # the peak within this iteration
            live_at_start = self.live + self.live_extra
            once()
            done += 1
            iteration_peak = self.peak_since
            self.peak_since = max(outer_peak, iteration_peak)
            if done < n:
                grown = self.retained_bytes + self.live_extra - retained_before
                live_before = self.live + self.live_extra
                self.multiply(entries, before, grown, counted, n - done, iteration_peak - live_before)
                # the last iteration peaks highest: it starts with what all the others kept
                # (all there is now, less what one iteration keeps)
                peak = self.live + self.live_extra - max(grown, 0) + iteration_peak - live_at_start
                if peak > self.live_peak:
                    self.live_peak, self.live_peak_path = peak, path
                self.peak_since = max(self.peak_since, peak)
            return

    def multiply(self, entries: list[Work], before: list[Work], grown: int,
                 counted: list[tuple[StepSpec, Work]], left: int, transient: int) -> None:
        """`left` more iterations, each doing what the last one did: `entries` get `left`
        times the work they did since `before`, the counted steps run once for them all.
        What grows with the iterations before is summed or bounded by its value after the
        last (`_bound_counted`, `_charge_growing`): heap-triggered cycles (their spacing
        shrinks as the live heap grows), mark work and array pairs (with the objects and
        arrays made before), page scans (with the mapped heap)."""
        self.live_extra += max(grown, 0) * left  # every iteration keeps what the last stored
        at_start = self.total.copy()
        ones = [entry.minus(old) for entry, old in zip(entries, before)]
        for entry, one in zip(entries, ones):
            linear = one.copy()
            for name in _GROWING:
                setattr(linear, name, 0)
            entry.add(linear, left)
            self.total.add(linear, left)
        after_linear = self.total.copy()
        # the counted steps run with the live heap as high as it was within the last
        # iteration (`transient` above its end)
        self.live_extra += max(transient, 0)
        counted_before = [entry.copy() for _, entry in counted]
        for step, entry in counted:
            self.here = entry
            self.count_up(step, left)
        self.live_extra -= max(transient, 0)
        self._bound_counted(counted, counted_before, after_linear)
        self._charge_growing(entries, ones, left, at_start, after_linear, max(transient, 0))

    def _bound_counted(self, counted: list[tuple[StepSpec, Work]], before: list[Work], after_linear: Work) -> None:
        """The counted steps ran one after the other: bound their cycles, page scans and
        mark work by the end, as if each ran with all the others' growth done (and the
        array a growth replaces still held, as growslice holds it while it copies)."""
        held = sum(self.sizes.get(self.vars[s.args["var"]].obj, 0) for s, _ in counted if s.args["var"] in self.vars)
        self.live_extra += held
        spacing = self.spacing()
        self.live_extra -= held
        more_pages = (self.total.allocated_bytes - after_linear.allocated_bytes) // _PAGE + 1
        for (_, entry), old in zip(counted, before):
            done = entry.minus(old)
            cycles = max(done.heap_cycles, self.cycle_bound(done, spacing))
            self.here = entry
            self.charge(heap_cycles=cycles - done.heap_cycles, page_scans=done.large_objects * more_pages,
                        mark_objects=max(cycles * self.total.objects - done.mark_objects, 0),
                        mark_slots=max(cycles * self.total.pointer_slots - done.mark_slots, 0))

    def _charge_growing(self, entries: list[Work], ones: list[Work], left: int, at_start: Work,
                        after_linear: Work, transient: int) -> None:
        """What grows over the `left` iterations multiplied, for each entry whose last
        iteration did `one`. Iteration j (1..left) starts with j - 1 iterations' objects
        and arrays made, and with all the counted steps' (taken as made first); a large
        object in it scans at most what it did in the last one and the pages mapped since:
        the heap maps at most what is allocated, and its goal grows at most 1 + GOGC/100
        times as fast. Its allocations see a live heap at most `transient` above the end."""
        self.live_extra += transient
        spacing = self.spacing()
        self.live_extra -= transient
        arrays, rows, slots = (sum(one.arrays for one in ones), sum(one.objects for one in ones),
                               sum(one.pointer_slots for one in ones))
        counted = self.total.minus(after_linear)
        growth = max(1.0, 1 + max(self.gogc or 0, 0) / 100)
        pages_per_iteration = (after_linear.allocated_bytes - at_start.allocated_bytes) / left * growth / _PAGE
        counted_pages = counted.allocated_bytes * growth / _PAGE + 1
        tri = left * (left + 1) / 2
        for entry, one in zip(entries, ones):
            cycles = max(one.heap_cycles, self.cycle_bound(one, spacing))
            marking = one.forced_cycles + cycles
            self.here = entry
            self.charge(
                heap_cycles=cycles * left,
                page_scans=math.ceil(left * one.page_scans
                                     + one.large_objects * (pages_per_iteration * tri + left * counted_pages)),
                array_pairs=(one.arrays * (left * (at_start.arrays + counted.arrays) + arrays * left * (left - 1) // 2)
                             - (-left * one.arrays * max(arrays - 1, 0) // 2)),  # its share, rounded up
                mark_objects=marking * (left * (at_start.objects + counted.objects) + rows * tri),
                mark_slots=marking * (left * (at_start.pointer_slots + counted.pointer_slots) + slots * tri),
            )

    @staticmethod
    def cycle_bound(work: Work, spacing: float | None) -> float:
        """`heap_cycle_bound` for the allocations of `work` with this spacing."""
        if spacing is None or not work.objects:
            return 0.0
        return float(work.objects) if spacing <= 0 else min(work.objects, work.allocated_bytes / spacing)

    def shape(self, skip: set[str]) -> tuple[object, ...]:
        """What later iterations of a loop depend on (the variables in `skip` aside)."""
        return (tuple(sorted((name, v.shape(), self.sizes.get(v.obj, 0))
                             for name, v in self.vars.items() if name not in skip)),
                self.gogc, self.limit)

    def count_up(self, step: StepSpec, times: int) -> None:
        """`times` more runs of a counted step (an append or map insert), at once."""
        compiled = self.ops[step.path]
        op, reps = (compiled.op, compiled.times) if isinstance(compiled, ops.Repeat) else (compiled, 1)
        if isinstance(op, ops.Append) and op.value is not None:
            # what the appended pointers keep is the iterations' (`multiply`)
            fast = False
            op = replace(op, value=None)
        else:
            fast = reps > 1  # one run of the repeat (mutator.loops.repeat)
        if isinstance(op, ops.MapInsert):
            self.charge_op(step.do, times)
            self.map_insert(op, op.count * reps * times)
        elif isinstance(op, ops.Append) and op.batch is not None:
            self.charge_op(step.do, times * reps)
            self.append_batches(op, times * reps)
        elif isinstance(op, ops.Append):
            self.charge_op(step.do, times if fast else times * reps)
            self.append(op, op.count * reps * times)

    # -- charging -------------------------------------------------------------------------

    def charge(self, **figures: float) -> None:
        """Add `figures` to the step being walked and to the total."""
        for w in (self.here, self.total):
            for name, value in figures.items():
                setattr(w, name, getattr(w, name) + value)

    def charge_op(self, do: str, times: int = 1) -> None:
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
        cycles = self.heap_cycle_bound(count, nbytes)
        large = count if size > _LARGE_OBJECT else 0
        self.charge(objects=count, pointer_slots=count * slots_each, allocated_bytes=nbytes,
                    heap_cycles=cycles, large_objects=large, page_scans=large * self.mapped_pages(size))
        self.charge_cycles(cycles)
        if array:
            self.charge_arrays(count)

    def charge_arrays(self, count: int) -> None:
        """`count` backing arrays: naming each reads the records of all made before it
        (`mutator.slices.register_array`)."""
        self.charge(arrays=count, array_pairs=count * self.total.arrays + count * (count - 1) // 2)

    def charge_cycles(self, cycles: float) -> None:
        """Mark work of `cycles` cycles now: each reads every row of the object table."""
        self.charge(mark_objects=self.total.objects * cycles, mark_slots=self.total.pointer_slots * cycles)

    def heap_cycle_bound(self, events: int, nbytes: int) -> float:
        """At most how many heap-triggered cycles `events` allocations of `nbytes` in all
        may start: one each, and one per `spacing()` bytes. (Between two cycle starts at
        least `spacing()` bytes are allocated, so every such stretch adds at least one to
        the sum of min(1, bytes / spacing) over its allocations.)"""
        spacing = self.spacing()
        if spacing is None:
            return 0.0
        return float(events) if spacing <= 0 else min(float(events), nbytes / spacing)

    def marked_bound(self) -> int:
        """An upper bound of the heap a cycle marks: the live-heap bound so far and the
        runtime's start-up heap."""
        return max(self.live_peak, self.live + self.live_extra) + self.startup_bytes

    def spacing(self) -> float | None:
        """A lower bound of the bytes allocated between two heap-triggered cycle starts
        (None: none can start). A cycle starts at least 45/64 of the way from the heap
        marked by the last one, L, to the goal (`gcControllerState.trigger`). GOGC = 100 × g
        puts the goal at max(L × (1 + g), 4 MiB × g) at least (`heapGoalInternal`), so the
        runway is at least the smallest max(L × g, 4 MiB × g − L) for L up to the bound of
        `marked_bound`. GOMEMLIMIT puts it at the limit less the non-heap memory and a
        headroom of max(3 %, 1 MiB) (`memoryLimitHeapGoal`)."""
        marked = self.marked_bound()
        bounds: list[float] = []
        if self.gogc is not None:
            g = max(self.gogc, 0) / 100
            floor = _HEAP_MINIMUM * g
            turn = floor / (1 + g)  # where L × g = 4 MiB × g − L
            bounds.append(_MIN_TRIGGER * (floor - marked if marked < turn else turn * g))
        if self.limit is not None:
            goal = self.limit - _LIMIT_OVERHEAD - max(self.limit * 3 // 100, 1 << 20)
            bounds.append(_MIN_TRIGGER * max(goal - marked, 0))
        return min(bounds) if bounds else None

    def mapped_pages(self, size: int) -> int:
        """An upper bound of the heap's mapped pages when an object of `size` is placed:
        what was allocated so far, and with GOGC on at most the goal of the marked-heap
        bound (× (1 + GOGC/100), at least 4 MiB × GOGC/100) plus the object."""
        mapped = self.total.allocated_bytes + size
        if self.gogc is not None:
            g = max(self.gogc, 0) / 100
            mapped = min(mapped, int(max(self.marked_bound() * (1 + g), _HEAP_MINIMUM * g)) + size)
        return mapped // _PAGE + 1

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

    def bind(self, name: str, var: _Var) -> None:
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
        self.charge_op("assign_field" if isinstance(op, ops.Assign) and op.field else do)
        handler = _HANDLERS.get(type(op))
        if handler is not None:
            handler(self, op)

    def new(self, op: ops.New, times: int = 1) -> None:
        t = op.type
        if op.escape == "stack" or t.size == 0:
            self.bind(op.var, _Var("pointer", op.g, elem=t))
            return
        self.allocate(times, t.size, len(t.pointer_fields))
        self.bind(op.var, _Var("pointer", op.g, self.new_object(t.size), elem=t))

    def make_slice(self, op: ops.MakeSlice) -> None:
        cap = max(op.cap, op.len)
        var = _Var("slice", op.g, elem=op.elem, len=op.len, cap=cap, has_array=cap > 0,
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
        left = op.count if count is None else count
        while left > 0:
            if var.has_array and var.len < var.cap:
                take = min(left, var.cap - var.len)
                var.len += take
                left -= take
                continue
            self.grow(var, 1, bulk=False)
            left -= 1

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

    def grow(self, var: _Var, k: int, *, bulk: bool) -> None:
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
        buffer = stack_buffer_elems(elem.size)
        if (var.stack and not bulk and var.len == 0 and not var.has_array
                and not var.appended_before and 0 < new_len <= buffer):
            var.cap = buffer
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
        new = _Var("slice", op.g, src.obj, src.elem, len=max(high - low, 0), cap=max(bound - low, 0),
                   has_array=src.has_array, stack=src.stack, appended_before=True)
        if op.var == op.source:
            new.goroutine = src.goroutine
        self.bind(op.var, new)

    def copy_slice(self, op: ops.CopySlice) -> None:
        src = self.vars.get(op.source)
        elem = src.elem if src is not None else None
        n = src.len if src is not None else 0
        var = _Var("slice", op.g, elem=elem, len=n, cap=n, has_array=n > 0, appended_before=True)
        if n and elem is not None:
            self.allocate(1, n * elem.size, n if elem.has_pointers else 0, array=True)
            var.obj = self.new_object(n * elem.size)
        self.bind(op.var, var)

    def make_map(self, op: ops.MakeMap) -> None:
        var = _Var("map", op.g, elem=op.value, key=op.key, peak_len=op.hint or 0)
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
        var.len += n
        self.charge(map_keys=n)
        old_peak = var.peak_len
        var.peak_len = max(var.peak_len, var.len)
        self.resize(var.obj, _map_bytes(var.key, var.elem, var.peak_len))  # the spacing sees it grown
        if var.peak_len > old_peak:
            old_parts, old_bytes = _map_growth(var.key, var.elem, old_peak)
            parts, nbytes = _map_growth(var.key, var.elem, var.peak_len)
            self.allocate(parts - old_parts, 0, total_bytes=nbytes - old_bytes)
        for t in (var.key, var.elem):
            if t.size > _MAP_MAX_BYTES:
                self.charge(map_objects=n)
                self.allocate(n, t.size, 1 if t.has_pointers else 0)

    def map_delete(self, op: ops.MapDelete) -> None:
        var = self.vars.get(op.var)
        if var is not None:
            var.len = 0 if op.all else max(var.len - op.count, 0)

    def map_clear(self, op: ops.MapClear) -> None:
        var = self.vars.get(op.var)
        if var is not None:
            var.len = 0

    def pool_new(self, op: ops.PoolNew) -> None:
        self.bind(op.var, _Var("pool", op.g, elem=op.type))

    def pool_get(self, op: ops.PoolGet) -> None:
        """`p.Get()`: a cached object or, at most, a new one from New."""
        pool = self.vars.get(op.pool)
        t = pool.elem if pool is not None else None
        var = _Var("pointer", op.g, elem=t)
        if t is not None:
            self.allocate(1, max(t.size, 1), len(t.pointer_fields))
            var.obj = self.new_object(t.size)
        self.bind(op.var, var)

    def pool_put(self, op: ops.PoolPut) -> None:
        self.retain(op.var)
        self.allocate(1, _DEQUEUE_BYTES)  # at most: a poolChain dequeue's growth

    def assign(self, op: ops.Assign) -> None:
        if op.field is not None:
            self.retain(op.value)
            return
        src = self.vars.get(op.value) if op.value is not None else None
        old = self.vars.get(op.target)
        goroutine = old.goroutine if old is not None else op.g
        self.bind(op.target, _Var("pointer", goroutine, src.obj if src is not None else 0,
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

    def set_gc_percent(self, op: ops.SetGCPercent) -> None:
        self.gogc = op.value

    def set_memory_limit(self, op: ops.SetMemoryLimit) -> None:
        self.limit = op.value


_HANDLERS: dict[type, Callable[[_Walk, Any], None]] = {
    ops.New: _Walk.new, ops.MakeSlice: _Walk.make_slice, ops.Append: _Walk.append,
    ops.Reslice: _Walk.reslice, ops.CopySlice: _Walk.copy_slice, ops.MakeMap: _Walk.make_map,
    ops.MapInsert: _Walk.map_insert, ops.MapDelete: _Walk.map_delete, ops.MapClear: _Walk.map_clear,
    ops.PoolNew: _Walk.pool_new, ops.PoolGet: _Walk.pool_get, ops.PoolPut: _Walk.pool_put,
    ops.Assign: _Walk.assign, ops.Drop: _Walk.drop, ops.Global: _Walk.make_global, ops.Go: _Walk.go,
    ops.Block: _Walk.block, ops.Exit: _Walk.exit, ops.GC: _Walk.gc,
    ops.SetGCPercent: _Walk.set_gc_percent, ops.SetMemoryLimit: _Walk.set_memory_limit,
}
"""Op class -> what it does to the model (`call` changes nothing the budget counts)."""


def _leaves(steps: tuple[StepSpec, ...]) -> list[StepSpec]:
    """The operations of `steps` and, depth first, of their loops' bodies."""
    out: list[StepSpec] = []
    for s in steps:
        out.extend(_leaves(s.body) if s.do == "loop" else [s])
    return out


def _counters(loop: StepSpec) -> list[StepSpec]:
    """The steps of `loop`'s body that only count a variable up: appends and map inserts
    to a variable no other step of the body names (in any field)."""
    candidates = [s for s in loop.body if s.do in ("append", "map_insert")]
    named: dict[str, int] = {}
    for s in _leaves(loop.body):
        spec = OPS[s.do]
        for f in spec.fields:
            value = s.args.get(f.name)
            if isinstance(value, str) and f.kind in (Kind.VAR, Kind.NEW_VAR, Kind.TARGET, Kind.VAR_OR_NIL):
                base = value.partition(".")[0]
                named[base] = named.get(base, 0) + 1
    var_counts: dict[str, int] = {}
    for s in candidates:
        var_counts[s.args["var"]] = var_counts.get(s.args["var"], 0) + 1
    return [s for s in candidates if named.get(s.args["var"], 0) == var_counts[s.args["var"]]]


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
