"""The walk behind the real-cost estimate: a scenario's steps run on the program model
(`cost_model.ProgramModel`), each charged the work the simulator will do for it.

Loops are what make this cheap. A loop's iterations are followed until one leaves the
model as the one before did; the next one is followed too, and its work multiplied by
the iterations left. What grows with what earlier iterations made (mark work with the
objects made, heap-triggered cycles as the live heap grows, page scans as the heap maps more)
is summed over those iterations or bounded by its value after the last. Steps of the
body that only count a variable up (an `append` or `map_insert` that no other body step
names) are left out of that comparison and run once for all the iterations left, so a
loop that fills a slice or a map costs a few iterations to walk.
`tests/scenario/test_cost_walk.py` checks that this counts what walking every iteration
counts.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

from gomemtui.runtime import program as ops
from gomemtui.scenario.compiler import compile_step
from gomemtui.scenario.cost import CHECKPOINT_BYTES, UNIT_BYTES, CostEstimate, Work
from gomemtui.scenario.cost_model import PAGE_BYTES, ProgramModel
from gomemtui.scenario.go_body import instance_name, instance_step
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.spec import OPS, Kind

__all__ = ["estimate"]

_GROWING = ("heap_cycles", "page_scans", "mark_objects", "mark_slots", "map_marks", "pool_sweeps", "root_scans")
"""The figures of `Work` that grow with what iterations before made (`_Walk.multiply`)."""
_NAMES = (Kind.VAR, Kind.NEW_VAR, Kind.TARGET, Kind.VAR_OR_NIL)
"""The kinds of field whose value names a variable (and `Kind.PARTS` and `Kind.CAPTURES`,
lists in which strings name them)."""
_COPY_BYTES_PER_SECOND = 2e9
"""More than the speed of a checkpoint's copy: the sooner a step's work pays for one."""
_SNAPSHOT_SECONDS, _SNAPSHOT_BYTES = 1e-3, 256 << 10
"""Less than the time a checkpoint of a small heap takes, more than its bytes."""
_MAX_CHECKPOINTS = 512
"""`timeline.MAX_CHECKPOINTS`: older checkpoints are thinned past it."""


def estimate(scenario: Scenario) -> CostEstimate:
    """The estimated cost of running `scenario` (a checked one: every name and type resolves)."""
    walk = _Walk(scenario)
    for step in scenario.steps:
        walk.top_step(step)
    return CostEstimate(walk.work, walk.total, walk.live_peak, walk.live_peak_path,
                        walk.live_extra + walk.retained_bytes)


class _Walk(ProgramModel):
    """The steps run on the model, charging each its work."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__(scenario)
        self.ops: dict[tuple[int, ...], ops.Op] = {}
        """Each step's compiled operation (the compiler fills in every default)."""
        self.since_checkpoint = 0.0
        """Estimated seconds of work since the last checkpoint the timeline took."""
        self.checkpoints_held = 0
        """Bytes of the checkpoints the timeline holds (at most)."""

    # -- steps and loops ----------------------------------------------------------------

    def top_step(self, step: StepSpec) -> None:
        """A `[[step]]`: the timeline runs it as one action or, stopping at every GC phase
        change, as several; `run` reads the state after each, and the timeline may take
        a checkpoint after any."""
        self.here = self.work.setdefault(step.path, Work())
        self.charge(steps=1)
        before = self.total.copy()
        self.step(step)
        self.here = self.work[step.path]
        self.charge(step_reads=self.roots)
        done = self.total.minus(before)
        # Timeline._maybe_checkpoint: a checkpoint when the work since the last one is at
        # least twice what taking one costs (at most one per action: a cycle has 4 phases);
        # it keeps at most MAX_CHECKPOINTS of them and about CHECKPOINT_BYTES
        copy = (_SNAPSHOT_BYTES + self.total.objects * UNIT_BYTES["checkpoint_objects"]
                + self.total.pointer_slots * UNIT_BYTES["checkpoint_slots"])
        interval = 2 * (_SNAPSHOT_SECONDS + copy / _COPY_BYTES_PER_SECOND)
        actions = 1 + math.ceil(4 * (done.forced_cycles + done.heap_cycles))
        self.since_checkpoint += done.seconds()
        taken = min(actions, int(self.since_checkpoint / interval))
        self.since_checkpoint -= taken * interval
        held = min(self.checkpoints_held + taken * copy, CHECKPOINT_BYTES, _MAX_CHECKPOINTS * copy)
        if held > self.checkpoints_held:
            self.charge(checkpoint_bytes=held - self.checkpoints_held)
            self.checkpoints_held = held

    def step(self, step: StepSpec) -> None:
        if step.do == "loop":
            self.loop(step)
        elif step.do == "go" and step.body:
            self.go_body(step)
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
        append without batch or value and a map insert in one go; anything else N times
        (appends in closed form, other operations walked as a loop)."""
        do = step.do
        if isinstance(op, ops.New) and op.escape == "heap":
            self.charge_op(do)
            self.new(op, times)
        elif isinstance(op, ops.Append) and op.batch is None and op.value is None:
            self.charge_op(do)
            self.append(op, op.count * times)
        elif isinstance(op, ops.MapInsert):
            self.charge_op(do, 1, op)
            self.map_insert(op, op.count * times)
        elif isinstance(op, ops.Append) and op.batch is not None:
            self.charge_op(do, times)
            self.append_batches(op, times)
        elif isinstance(op, ops.Append):  # with a value: N appends of the same pointer
            self.charge_op(do, times)
            self.retain(op.value)
            self.append(replace(op, value=None), op.count * times)
        else:
            self.iterate(step.path, times, lambda: self.operation(do, op), [self.here], [])

    def loop(self, step: StepSpec) -> None:
        times = step.value("times") * step.repeat
        counters = _counters(step)
        counted_paths = {s.path for s in counters}
        entries = [self.work.setdefault(s.path, Work()) for s in _leaves(step.body)
                   if s.path not in counted_paths]
        counted = [(s, self.work.setdefault(s.path, Work())) for s in counters]
        self.iterate(step.path, times, lambda: self.run(step.body), entries, counted)

    # -- go count (issue 13) --

    def go_body(self, step: StepSpec) -> None:
        """`count` goroutines, each started as a plain `go` and running the body with its
        own locals (as `mutator.go_count` runs them): every goroutine is walked, and what
        its body made is kept (as if it parked: an upper bound)."""
        template = step.args["goroutine"]
        here = self.work.setdefault(step.path, Work())
        start = ops.Go(template, step.goroutine)
        paths = [s.path for s in _all(step.body)]
        for i in range(step.value("count")):
            self.here = here
            self.operation("go", start)
            for path in paths:
                self.ops.pop(path, None)  # compiled again with this goroutine's names
            name = instance_name(template, i)
            self.run(tuple(instance_step(s, template, name) for s in step.body))

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
            pools_before = self.pools_in_use
            outer_peak, self.peak_since = self.peak_since, 0  # the peak within this iteration
            outer_settings, self.settings_seen = self.settings_seen, {(self.gogc, self.limit)}
            live_at_start = self.live + self.live_extra
            once()
            done += 1
            iteration_peak = self.peak_since
            self.peak_since = max(outer_peak, iteration_peak)
            if done < n:
                grown = self.retained_bytes + self.live_extra - retained_before
                self.pools_extra += (self.pools_in_use - pools_before) * (n - done)
                live_before = self.live + self.live_extra
                self.multiply(entries, before, grown, counted, n - done, iteration_peak - live_before)
                # the last iteration peaks highest: it starts with what all the others kept
                # (all there is now, less what one iteration keeps)
                peak = self.live + self.live_extra - max(grown, 0) + iteration_peak - live_at_start
                if peak > self.live_peak:
                    self.live_peak, self.live_peak_path = peak, path
                self.peak_since = max(self.peak_since, peak)
            self.settings_seen |= outer_settings
            return

    def multiply(self, entries: list[Work], before: list[Work], grown: int,
                 counted: list[tuple[StepSpec, Work]], left: int, transient: int) -> None:
        """`left` more iterations, each doing what the last one did: `entries` get `left`
        times the work they did since `before`, the counted steps run once for them all.
        What grows with the iterations before is summed or bounded by its value after the
        last (`_bound_counted`, `_charge_growing`): heap-triggered cycles (their spacing
        shrinks as the live heap grows), mark work (with the objects made before), page
        scans (with the mapped heap)."""
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

    def _bound_counted(self, counted: list[tuple[StepSpec, Work]], before: list[Work],
                       after_linear: Work) -> None:
        """The counted steps ran one after the other: bound their cycles, page scans and
        mark work by the end, as if each ran with all the others' growth done (and the
        array a growth replaces still held, as growslice holds it while it copies), under
        the GOGC and GOMEMLIMIT of the last iteration that bound them the most."""
        held = sum(self.sizes.get(self.vars[s.args["var"]].obj, 0) for s, _ in counted
                   if s.args["var"] in self.vars)
        self.live_extra += held
        spacing, goal = self.worst_spacing_and_goal()
        self.live_extra -= held
        allocated = self.total.allocated_bytes - after_linear.allocated_bytes
        more_pages = int(min(allocated, goal)) // PAGE_BYTES + 1
        for (_, entry), old in zip(counted, before):
            done = entry.minus(old)
            cycles = max(done.heap_cycles, self.cycle_bound(done, spacing))
            self.here = entry
            self.charge(heap_cycles=cycles - done.heap_cycles, page_scans=done.large_objects * more_pages,
                        mark_objects=max(cycles * self.total.objects - done.mark_objects, 0),
                        mark_slots=max(cycles * self.total.pointer_slots - done.mark_slots, 0),
                        map_marks=max(cycles * self.total.map_objects - done.map_marks, 0),
                        pool_sweeps=max(cycles * self.pools_in_use - done.pool_sweeps, 0),
                        root_scans=max(cycles * self.roots - done.root_scans, 0))

    def _charge_growing(self, entries: list[Work], ones: list[Work], left: int, at_start: Work,
                        after_linear: Work, transient: int) -> None:
        """What grows over the `left` iterations multiplied, for each entry whose last
        iteration did `one`. Iteration j (1..left) starts with j - 1 iterations' objects
        made, and with all the counted steps' (taken as made first); a large
        object in it scans at most what it did in the last one and the pages mapped then.
        Its allocations see a live heap at most `transient` above the end."""
        self.live_extra += transient
        spacing, goal = self.worst_spacing_and_goal()
        self.live_extra -= transient
        rows, slots = sum(one.objects for one in ones), sum(one.pointer_slots for one in ones)
        parts = sum(one.map_objects for one in ones)
        counted = self.total.minus(after_linear)
        # the j-th iteration left maps at most what is allocated by then, and the goal
        per_iteration = (after_linear.allocated_bytes - at_start.allocated_bytes) / left
        tri = left * (left + 1) / 2
        allocated = left * (at_start.allocated_bytes + counted.allocated_bytes) + per_iteration * tri
        mapped_pages = min(allocated, left * goal) / PAGE_BYTES + left
        for entry, one in zip(entries, ones):
            cycles = max(one.heap_cycles, self.cycle_bound(one, spacing))
            marking = one.forced_cycles + cycles
            self.here = entry
            self.charge(
                heap_cycles=cycles * left,
                page_scans=math.ceil(left * one.page_scans + one.large_objects * mapped_pages),
                mark_objects=marking * (left * (at_start.objects + counted.objects) + rows * tri),
                mark_slots=marking * (left * (at_start.pointer_slots + counted.pointer_slots) + slots * tri),
                map_marks=marking * (left * (at_start.map_objects + counted.map_objects) + parts * tri),
                pool_sweeps=marking * left * self.pools_in_use,
                root_scans=marking * left * self.roots,
            )

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
            self.charge_op(step.do, times, op)
            self.map_insert(op, op.count * reps * times)
        elif isinstance(op, ops.Append) and op.batch is not None:
            self.charge_op(step.do, times * reps)
            self.append_batches(op, times * reps)
        elif isinstance(op, ops.Append):
            self.charge_op(step.do, times if fast else times * reps)
            self.append(op, op.count * reps * times)


def _all(steps: tuple[StepSpec, ...]) -> list[StepSpec]:
    """`steps` and, depth first, the steps of their bodies."""
    out: list[StepSpec] = []
    for s in steps:
        out.append(s)
        out.extend(_all(s.body))
    return out


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
            if f.kind in (Kind.PARTS, Kind.CAPTURES) and isinstance(value, (list, tuple)):
                names = [v for v in value if isinstance(v, str)]
            else:
                names = [value] if isinstance(value, str) and f.kind in _NAMES else []
            for name in names:
                base = name.partition(".")[0]
                named[base] = named.get(base, 0) + 1
    var_counts: dict[str, int] = {}
    for s in candidates:
        var_counts[s.args["var"]] = var_counts.get(s.args["var"], 0) + 1
    return [s for s in candidates if named.get(s.args["var"], 0) == var_counts[s.args["var"]]]
